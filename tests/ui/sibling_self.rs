#[derive(dynmark_api::Validate)]
struct Message {
    #[validate(after = valid_until)]
    valid_until: Option<chrono::DateTime<chrono::Utc>>,
}

fn main() {}
