#[derive(dynmark_api::Validate)]
struct Message {
    #[validate(pattern = "[A-Z")]
    client_ref: String,
}

fn main() {}
