#[derive(dynmark_api::Validate)]
struct Message {
    #[validate(one_of("sms", 2, email))]
    channel: String,
}

fn main() {}
