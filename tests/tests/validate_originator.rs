//! `originator` (`from`): numeric, 2 to 15 digits with an optional leading `+` that is not
//! counted; or alphanumeric, 2 to 11 of `0-9 a-z A-Z - _ .` and space (`{P}Invalid`).

use dynmark_api::Message;
use dynmark_api::validation::{Validate, rules};

fn from_codes(from: &str) -> Vec<String> {
    dynmark_tests::failure_codes(&Message::to("447700900000").from(from).body("Hello"))
}

const ACCEPTED: &[&str] = &[
    "AB",          // 2 alphanumeric
    "ABCDEFGHIJK", // 11 alphanumeric
    "MAYFLOWER",
    "My-Shop_1.",       // 10 of the allowed punctuation and letters
    "12",               // 2 digits
    "123456789012345",  // 15 digits
    "+447740101097",    // the page's own example
    "+123456789012345", // `+` and 15 digits
    "a.b",
    "x y",
];

const REFUSED: &[&str] = &[
    "A",                 // 1 character
    "1",                 // 1 digit
    "ABCDEFGHIJKL",      // 12 alphanumeric
    "My-Shop_1. 2",      // 12 alphanumeric with punctuation
    "1234567890123456",  // 16 digits
    "+1234567890123456", // `+` and 16 digits
    "+",
    "+1",
    "44+7740101097",
    "Café",
    "Shop!",
    "A@B",
    "++44123",
];

#[test]
fn accepted_and_refused_through_the_generated_message() {
    for from in ACCEPTED {
        assert_eq!(from_codes(from), Vec::<String>::new(), "{from:?}");
        assert!(rules::is_originator(from), "{from:?}");
    }
    for from in REFUSED {
        assert_eq!(from_codes(from), ["FromInvalid"], "{from:?}");
        assert!(!rules::is_originator(from), "{from:?}");
    }
}

#[test]
fn empty_is_reported_by_required_alone() {
    assert_eq!(from_codes(""), ["FromEmpty"]);
}

#[test]
fn the_details_list_what_is_allowed() {
    let report = Message::to("447700900000")
        .from("ABCDEFGHIJKL")
        .body("Hello")
        .validate()
        .unwrap_err();
    assert_eq!(
        report.failures()[0].details,
        "from is not a valid originator; expected 2 to 15 digits (optionally after a leading +) or 2 to 11 characters of 0-9 a-z A-Z hyphen, underscore, full stop and space"
    );
}

#[derive(dynmark_api::Validate)]
struct Campaign {
    #[validate(originator)]
    sender: String,
    #[validate(originator)]
    reply_as: Option<String>,
}

#[test]
fn user_struct() {
    let campaign = |sender: &str, reply_as: Option<&str>| Campaign {
        sender: sender.into(),
        reply_as: reply_as.map(Into::into),
    };
    assert!(campaign("AB", None).validate().is_ok());
    assert!(
        campaign("123456789012345", Some("ABCDEFGHIJK"))
            .validate()
            .is_ok()
    );
    // Format rules stay silent on an empty value: that is `required`'s job.
    assert!(campaign("", Some("")).validate().is_ok());
    let report = campaign("ABCDEFGHIJKL", Some("1234567890123456"))
        .validate()
        .unwrap_err();
    let got: Vec<_> = report
        .failures()
        .iter()
        .map(|f| (f.property.clone().unwrap(), f.failure_code.to_string()))
        .collect();
    assert_eq!(
        got,
        [
            ("sender".to_owned(), "SenderInvalid".to_owned()),
            ("reply_as".to_owned(), "ReplyAsInvalid".to_owned())
        ]
    );
}
