//! `required`: a string that is not empty after trimming (`{P}Empty`).

use dynmark_api::Message;
use dynmark_api::validation::Validate;

fn failures(value: &impl Validate) -> Vec<(String, String)> {
    match value.validate() {
        Ok(()) => Vec::new(),
        Err(report) => report
            .into_failures()
            .into_iter()
            .map(|f| (f.property.unwrap_or_default(), f.failure_code.to_string()))
            .collect(),
    }
}

fn pair(property: &str, code: &str) -> (String, String) {
    (property.to_owned(), code.to_owned())
}

#[test]
fn message_required_fields() {
    assert_eq!(
        failures(&Message::to("447700900000").from("Example").body("Hello")),
        []
    );
    assert_eq!(
        failures(&Message::to("447700900000").from("Example").body("x")),
        []
    );
    assert_eq!(
        failures(&Message::to("").from("").body("")),
        [
            pair("to", "ToEmpty"),
            pair("from", "FromEmpty"),
            pair("body", "BodyEmpty")
        ]
    );
    // Whitespace only is empty: and the format rules (`phone`, `originator`) stay silent.
    assert_eq!(
        failures(&Message::to(" \t").from("  ").body("\n")),
        [
            pair("to", "ToEmpty"),
            pair("from", "FromEmpty"),
            pair("body", "BodyEmpty")
        ]
    );
}

#[test]
fn the_details_say_what_is_wrong() {
    let report = Message::to("447700900000")
        .from("   ")
        .body("Hello")
        .validate()
        .unwrap_err();
    let failure = &report.failures()[0];
    assert_eq!(failure.property.as_deref(), Some("from"));
    assert_eq!(failure.failure_code, dynmark_api::FailureCode::FromEmpty);
    assert_eq!(
        failure.details,
        "from is empty; a value other than whitespace is required"
    );
}

#[derive(serde::Serialize, dynmark_api::Validate)]
struct Contact<'a> {
    #[validate(required)]
    name: String,
    #[validate(required)]
    nickname: Option<String>,
    #[validate(required)]
    #[serde(rename = "homeTown")]
    town: &'a str,
    #[validate(required)]
    r#ref: std::borrow::Cow<'a, str>,
}

#[test]
fn user_struct() {
    let ok = Contact {
        name: "Ada".into(),
        nickname: Some(" A ".into()),
        town: "London",
        r#ref: "1".into(),
    };
    assert_eq!(failures(&ok), []);
    let bad = Contact {
        name: " ".into(),
        nickname: None,
        town: "",
        r#ref: "\u{3000}".into(),
    };
    assert_eq!(
        failures(&bad),
        [
            pair("name", "NameEmpty"),
            pair("nickname", "NicknameEmpty"),
            pair("homeTown", "HomeTownEmpty"),
            pair("ref", "RefEmpty")
        ]
    );
    let report = bad.validate().unwrap_err();
    assert_eq!(
        report.failures()[1].details,
        "nickname is missing; a value is required"
    );
}
