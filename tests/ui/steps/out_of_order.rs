// A `Message`'s required fields are given in the spec's order, each named: `body` before
// `from` is not a `Message` being built.
use dynmark_api::Message;

fn main() {
    let _message = Message::to("447700900000").body("Hi Ann").from("ACME");
}
