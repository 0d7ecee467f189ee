#[derive(dynmark_api::Validate)]
struct Message {
    #[validate(pattern = 5)]
    client_ref: String,
}

fn main() {}
