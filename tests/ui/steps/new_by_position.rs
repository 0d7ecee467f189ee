// `Message::new` takes the required fields by position (`from` and `body` swap unnoticed): it
// is deprecated, and the warning names the chain that replaces it.
#![deny(deprecated)]

use dynmark_api::Message;

fn main() {
    let _message = Message::new("447700900000", "Hi Ann", "ACME");
}
