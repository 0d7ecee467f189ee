#[derive(dynmark_api::Validate)]
struct Inner {
    #[validate(required)]
    text: String,
}

#[derive(dynmark_api::Validate)]
struct Outer {
    #[validate(nested(inline))]
    inner: Inner,
}

fn main() {}
