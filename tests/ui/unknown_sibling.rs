#[derive(dynmark_api::Validate)]
struct Message {
    #[validate(phone(country = contry))]
    to: String,
    country: Option<String>,
}

fn main() {}
