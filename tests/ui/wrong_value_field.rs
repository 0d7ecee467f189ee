#[derive(dynmark_api::Validate)]
struct Message {
    deliver_after: Option<chrono::DateTime<chrono::Utc>>,
    #[validate(after = "deliver_after")]
    valid_until: Option<chrono::DateTime<chrono::Utc>>,
}

fn main() {}
