#[derive(dynmark_api::Validate)]
struct Message {
    #[validate(lenght(max = 64))]
    client_ref: String,
}

fn main() {}
