#[derive(dynmark_api::Validate)]
struct Batch {
    #[validate(items(max = 250))]
    messages: String,
}

fn main() {}
