// Every mistake of one derive is reported in one compile.
#[derive(dynmark_api::Validate)]
struct Message {
    #[validate(requird)]
    to: String,
    #[validate(originator, length(max = "11"))]
    from: String,
    #[validate(country)]
    country: bool,
    #[validate(url, url)]
    callback: Option<String>,
}

fn main() {}
