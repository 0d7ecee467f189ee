struct Plain {
    text: String,
}

#[derive(dynmark_api::Validate)]
struct Message {
    #[validate(nested)]
    inner: Vec<Plain>,
}

fn main() {}
