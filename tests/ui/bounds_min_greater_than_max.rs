#[derive(dynmark_api::Validate)]
struct Message {
    #[validate(length(min = 10, max = 5))]
    client_ref: String,
}

fn main() {}
