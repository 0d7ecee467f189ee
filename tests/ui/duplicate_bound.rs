#[derive(dynmark_api::Validate)]
struct Message {
    #[validate(length(max = 64, max = 65))]
    client_ref: String,
}

fn main() {}
