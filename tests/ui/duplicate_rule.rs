#[derive(dynmark_api::Validate)]
struct Message {
    #[validate(required, required)]
    to: String,
    #[validate(length(min = 1))]
    #[validate(length(max = 64))]
    client_ref: String,
}

fn main() {}
