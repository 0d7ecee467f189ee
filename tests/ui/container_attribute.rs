#[derive(dynmark_api::Validate)]
#[validate(crate = "not a path", required)]
struct Message {
    #[validate(required)]
    to: String,
}

fn main() {}
