#[derive(dynmark_api::Validate)]
struct Message {
    #[validate(length(min = -1))]
    client_ref: String,
}

fn main() {}
