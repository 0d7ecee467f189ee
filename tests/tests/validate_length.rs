//! `length(min, max)`: length in characters, not bytes (`{P}TooShort`, `{P}TooLong`).

use dynmark_api::Message;
use dynmark_api::validation::Validate;

fn codes(value: &impl Validate) -> Vec<String> {
    dynmark_tests::failure_codes(&value)
}

fn message_with_client_ref(client_ref: &str) -> Message {
    Message::to("447700900000")
        .from("Example")
        .body("Hello")
        .with_client_ref(client_ref)
}

#[test]
fn client_ref_is_limited_to_64_characters_not_bytes() {
    // `é` is 2 bytes, `€` 3, `😀` 4: 64 of them are well over 64 bytes.
    for unit in ["a", "é", "€", "😀"] {
        let at_limit = unit.repeat(64);
        assert_eq!(
            codes(&message_with_client_ref(&at_limit)),
            Vec::<String>::new(),
            "64 × {unit}"
        );
        let over = unit.repeat(65);
        assert_eq!(
            codes(&message_with_client_ref(&over)),
            ["ClientRefTooLong"],
            "65 × {unit}"
        );
    }
    let mixed = format!("{}{}", "é".repeat(63), "😀");
    assert_eq!(mixed.len(), 63 * 2 + 4);
    assert!(message_with_client_ref(&mixed).validate().is_ok());
    assert!(message_with_client_ref("").validate().is_ok());
}

#[test]
fn the_details_count_characters() {
    let report = message_with_client_ref(&"é".repeat(65))
        .validate()
        .unwrap_err();
    let failure = &report.failures()[0];
    assert_eq!(failure.property.as_deref(), Some("clientRef"));
    assert_eq!(
        failure.details,
        "clientRef is 65 characters long; at most 64 are allowed"
    );
}

#[derive(serde::Serialize, dynmark_api::Validate)]
#[serde(rename_all = "camelCase")]
struct Profile {
    #[validate(length(min = 2, max = 5))]
    display_name: String,
    #[validate(length(min = 1))]
    motto: Option<String>,
    #[validate(length(max = 1))]
    initial: Box<str>,
}

#[test]
fn user_struct_bounds() {
    let profile = |name: &str, motto: Option<&str>, initial: &str| Profile {
        display_name: name.to_owned(),
        motto: motto.map(str::to_owned),
        initial: initial.into(),
    };
    assert!(codes(&profile("ab", None, "")).is_empty());
    assert!(codes(&profile("éééé€", Some("x"), "😀")).is_empty());
    assert_eq!(codes(&profile("a", None, "")), ["DisplayNameTooShort"]);
    assert_eq!(codes(&profile("é", None, "")), ["DisplayNameTooShort"]);
    assert_eq!(
        codes(&profile("abcdef", Some(""), "ab")),
        ["DisplayNameTooLong", "MottoTooShort", "InitialTooLong"]
    );
    let report = profile("a", Some(""), "ab").validate().unwrap_err();
    let details: Vec<_> = report
        .failures()
        .iter()
        .map(|f| (f.property.clone().unwrap(), f.details.clone()))
        .collect();
    assert_eq!(
        details,
        [
            (
                "displayName".to_owned(),
                "displayName is 1 character long; at least 2 are required".to_owned()
            ),
            (
                "motto".to_owned(),
                "motto is 0 characters long; at least 1 is required".to_owned()
            ),
            (
                "initial".to_owned(),
                "initial is 2 characters long; at most 1 is allowed".to_owned()
            ),
        ]
    );
}
