#[derive(dynmark_api::Validate)]
struct Message {
    #[validate]
    to: String,
}

fn main() {}
