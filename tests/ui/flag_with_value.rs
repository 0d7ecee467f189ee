#[derive(dynmark_api::Validate)]
struct Message {
    #[validate(required = true)]
    to: String,
    #[validate(url(https))]
    callback: String,
}

fn main() {}
