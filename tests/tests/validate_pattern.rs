//! `pattern = "regex"`: the whole value matches (`{P}Invalid`). The spec's `Message` has no
//! pattern, so the generated side is shown with types generated from the spec in `build.rs`'s
//! style: here a user struct, and the generated `Message` staying valid for any `clientRef`
//! characters.

use dynmark_api::Message;
use dynmark_api::validation::Validate;

#[derive(dynmark_api::Validate)]
struct Order {
    #[validate(pattern = "[A-Z]{3}-[0-9]{4}")]
    reference: String,
    #[validate(pattern = "[a-z]+|[0-9]+")]
    tag: Option<String>,
}

fn codes(order: &Order) -> Vec<String> {
    dynmark_tests::failure_codes(&order)
}

fn order(reference: &str, tag: Option<&str>) -> Order {
    Order {
        reference: reference.into(),
        tag: tag.map(Into::into),
    }
}

#[test]
fn the_whole_value_must_match() {
    assert!(codes(&order("ABC-1234", None)).is_empty());
    assert!(codes(&order("ABC-1234", Some("abc"))).is_empty());
    assert!(codes(&order("ABC-1234", Some("123"))).is_empty());
    // A match inside the value is not enough: the pattern is anchored at both ends, and an
    // alternation does not escape the anchors.
    assert_eq!(codes(&order("xABC-1234", None)), ["ReferenceInvalid"]);
    assert_eq!(codes(&order("ABC-12345", None)), ["ReferenceInvalid"]);
    assert_eq!(codes(&order("ABC-1234", Some("abc123"))), ["TagInvalid"]);
    assert_eq!(
        codes(&order("abc-1234", Some("ABC"))),
        ["ReferenceInvalid", "TagInvalid"]
    );
    // Empty is `required`'s business.
    assert!(codes(&order("", Some(""))).is_empty());
}

#[test]
fn the_details_quote_the_pattern() {
    let report = order("nope", None).validate().unwrap_err();
    assert_eq!(
        report.failures()[0].details,
        "reference does not match the pattern `[A-Z]{3}-[0-9]{4}`"
    );
}

#[test]
fn the_generated_message_has_no_pattern_on_client_ref() {
    let message = Message::to("447700900000")
        .from("Example")
        .body("Hello")
        .with_client_ref("any chars: é€ 😀 !?");
    assert_eq!(message.validate(), Ok(()));
}
