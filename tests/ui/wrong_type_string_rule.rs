#[derive(dynmark_api::Validate)]
struct Message {
    #[validate(length(max = 64))]
    count: u32,
    #[validate(required)]
    recipients: Vec<String>,
}

fn main() {}
