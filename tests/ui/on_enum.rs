#[derive(dynmark_api::Validate)]
enum Recipient {
    Number(String),
    Group { name: String },
}

fn main() {}
