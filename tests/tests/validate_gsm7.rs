//! `gsm7` / `gsm7(when = flag)`: only GSM 03.38 characters, basic and extension tables
//! (`{P}ContainsUnicode`).

use dynmark_api::Message;
use dynmark_api::validation::{Validate, rules};

fn body_codes(body: &str, reject_unicode: Option<bool>) -> Vec<String> {
    let mut message = Message::to("447700900000").from("Example").body(body);
    if let Some(reject) = reject_unicode {
        message = message.with_reject_unicode(reject);
    }
    dynmark_tests::failure_codes(&message)
}

const GSM7: &[&str] = &[
    "Hello, this is a test message",
    "Café é",    // é is in the basic table
    "Price: 5€", // € is in the extension table
    "[a] {b} ~c~ |d| ^e\\",
    "ÆØÅ æøå ÄÖÑÜ äöñüà ß É Ç ΔΦΓΛΩΠΨΣΘΞ £$¥¤§¿¡@_",
    "line\nbreak\r\n",
];

const NOT_GSM7: &[&str] = &[
    "crème brûlée ê",
    "ê",
    "Hi 😀",
    "`code`",
    "tab\there",
    "ç",
    "日本",
    "–",
];

#[test]
fn only_when_reject_unicode_is_true() {
    for body in GSM7 {
        for flag in [None, Some(false), Some(true)] {
            assert!(body_codes(body, flag).is_empty(), "{body:?} {flag:?}");
        }
        assert!(rules::is_gsm7(body), "{body:?}");
    }
    for body in NOT_GSM7 {
        assert!(
            body_codes(body, None).is_empty(),
            "{body:?}: unicode is allowed by default"
        );
        assert!(body_codes(body, Some(false)).is_empty(), "{body:?}");
        assert_eq!(
            body_codes(body, Some(true)),
            ["BodyContainsUnicode"],
            "{body:?}"
        );
        assert!(!rules::is_gsm7(body), "{body:?}");
    }
}

#[test]
fn the_details_name_every_character_and_where() {
    let report = Message::to("447700900000")
        .from("Example")
        .body("Crêpe 😀")
        .with_reject_unicode(true)
        .validate()
        .unwrap_err();
    assert_eq!(
        report.failures()[0].details,
        "body contains 2 characters outside the GSM 03.38 alphabet, which would make it Unicode (UCS-2): 'ê' (U+00EA) at character 3 and '😀' (U+1F600) at character 7; with rejectUnicode set, only GSM 03.38 characters are allowed"
    );
    assert_eq!(rules::first_non_gsm7("Crêpe"), Some((2, 'ê')));
}

#[derive(dynmark_api::Validate)]
struct Sms {
    #[validate(gsm7)]
    always: String,
    #[validate(gsm7(when = strict))]
    sometimes: Option<String>,
    strict: bool,
}

#[test]
fn user_struct() {
    let sms = |always: &str, sometimes: &str, strict: bool| Sms {
        always: always.into(),
        sometimes: Some(sometimes.into()),
        strict,
    };
    assert!(sms("é€", "😀", false).validate().is_ok());
    assert!(sms("é€", "é€", true).validate().is_ok());
    let codes = |s: Sms| {
        s.validate()
            .unwrap_err()
            .into_failures()
            .into_iter()
            .map(|f| f.failure_code.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(codes(sms("ê", "😀", false)), ["AlwaysContainsUnicode"]);
    assert_eq!(
        codes(sms("ê", "😀", true)),
        ["AlwaysContainsUnicode", "SometimesContainsUnicode"]
    );
    let report = sms("😀", "", false).validate().unwrap_err();
    assert_eq!(
        report.failures()[0].details,
        "always contains 1 character outside the GSM 03.38 alphabet, which would make it Unicode (UCS-2): '😀' (U+1F600) at character 1; only GSM 03.38 characters are allowed"
    );
}
