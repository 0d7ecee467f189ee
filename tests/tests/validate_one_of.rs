//! `one_of("a", "b")`: one of the listed values (`{P}Invalid`).

use dynmark_api::Message;
use dynmark_api::validation::Validate;

#[derive(serde::Serialize, dynmark_api::Validate)]
#[serde(rename_all = "camelCase")]
struct Preferences {
    #[validate(one_of("sms", "email", "none"))]
    contact_channel: String,
    #[validate(one_of("en", "fr"))]
    language: Option<String>,
}

fn codes(preferences: &Preferences) -> Vec<String> {
    dynmark_tests::failure_codes(&preferences)
}

fn preferences(channel: &str, language: Option<&str>) -> Preferences {
    Preferences {
        contact_channel: channel.into(),
        language: language.map(Into::into),
    }
}

#[test]
fn only_listed_values() {
    for channel in ["sms", "email", "none"] {
        assert!(codes(&preferences(channel, None)).is_empty(), "{channel}");
    }
    assert!(codes(&preferences("sms", Some("fr"))).is_empty());
    // Exact, case-sensitive, no trimming; the empty string is not listed.
    for channel in ["SMS", " sms", "sms ", "", "fax"] {
        assert_eq!(
            codes(&preferences(channel, None)),
            ["ContactChannelInvalid"],
            "{channel:?}"
        );
    }
    assert_eq!(
        codes(&preferences("fax", Some("de"))),
        ["ContactChannelInvalid", "LanguageInvalid"]
    );
}

#[test]
fn the_details_list_the_values() {
    let report = preferences("fax", None).validate().unwrap_err();
    let failure = &report.failures()[0];
    assert_eq!(failure.property.as_deref(), Some("contactChannel"));
    assert_eq!(
        failure.details,
        "contactChannel must be one of: sms, email, none"
    );
}

#[test]
fn the_generated_message_leaves_filter_set_name_open() {
    // The spec gives `filterSetName` no `enum`: any name the account defines is accepted.
    let message = Message::to("447700900000")
        .from("Example")
        .body("Hello")
        .with_filter_set_name("Anything at all");
    assert_eq!(message.validate(), Ok(()));
}
