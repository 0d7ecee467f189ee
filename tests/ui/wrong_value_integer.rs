#[derive(dynmark_api::Validate)]
struct Message {
    #[validate(length(max = "64"))]
    client_ref: String,
}

fn main() {}
