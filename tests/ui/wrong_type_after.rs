#[derive(dynmark_api::Validate)]
struct Message {
    deliver_after: String,
    #[validate(after = deliver_after)]
    valid_until: String,
}

fn main() {}
