#[derive(dynmark_api::Validate)]
struct Message {
    #[validate(gsm7(when = reject_unicode))]
    body: String,
    reject_unicode: String,
    #[validate(phone(country = retries))]
    to: String,
    retries: u8,
}

fn main() {}
