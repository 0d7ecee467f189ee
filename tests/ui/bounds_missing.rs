#[derive(dynmark_api::Validate)]
struct Message {
    #[validate(length())]
    client_ref: String,
    #[validate(items)]
    parts: Vec<String>,
    #[validate(length(maximum = 3))]
    name: String,
}

fn main() {}
