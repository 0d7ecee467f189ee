#[derive(dynmark_api::Validate)]
struct PhoneNumber(#[validate(phone)] String);

fn main() {}
