// Leaving a required step out does not give a `Message`: the value is still waiting for `body`.
use dynmark_api::Message;

fn send(_message: Message) {}

fn main() {
    let message = Message::to("447700900000").from("ACME");
    send(message);
}
