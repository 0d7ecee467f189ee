//! Properties: validation never panics on arbitrary strings, and the answers are consistent
//! (a valid message stays valid, the rules agree with the derive, failures name real fields).

use dynmark_api::Message;
use dynmark_api::validation::{Validate, rules};
use proptest::prelude::*;

/// Arbitrary text, biased towards the characters the rules care about.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ 0-9+]{0,20}",
        "[A-Za-z0-9 ._+-]{0,16}",
        "(https?|ftp)://[a-zA-Z0-9.:\\[\\]@_-]{0,20}(/[ -~]{0,10})?",
        "[a-zA-Zéê€😀`{}\\[\\]~|^\\\\ ]{0,20}",
        "[A-Za-z]{0,4}",
    ]
}

fn message(
    to: String,
    from: String,
    body: String,
    country: Option<String>,
    client_ref: Option<String>,
    url: Option<String>,
    reject: Option<bool>,
) -> Message {
    let mut message = Message::to(to).from(from).body(body);
    message.country_iso_code = country;
    message.client_ref = client_ref;
    message.delivery_status_url = url;
    message.reject_unicode = reject;
    message
}

const PROPERTIES: &[&str] = &[
    "to",
    "from",
    "body",
    "countryIsoCode",
    "clientRef",
    "deliveryStatusUrl",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn never_panics_and_names_real_fields(
        to in text(), from in text(), body in text(),
        country in proptest::option::of(text()), client_ref in proptest::option::of(text()),
        url in proptest::option::of(text()), reject in proptest::option::of(any::<bool>()),
    ) {
        let message = message(to, from, body, country, client_ref, url, reject);
        if let Err(report) = message.validate() {
            prop_assert!(!report.is_empty());
            for failure in report.failures() {
                let property = failure.property.as_deref().unwrap_or_default();
                prop_assert!(PROPERTIES.contains(&property), "{property}");
                prop_assert!(failure.failure_code.is_known(), "{}", failure.failure_code);
                prop_assert!(!failure.details.is_empty());
            }
        }
    }

    #[test]
    fn the_rule_functions_never_panic(s in text()) {
        let _ = rules::is_gsm7(&s);
        let _ = rules::first_non_gsm7(&s);
        let _ = rules::is_http_url(&s);
        let _ = rules::is_originator(&s);
        let _ = rules::is_country_code(&s);
        let _ = rules::phone_number_format(&s);
        prop_assert_eq!(rules::is_gsm7(&s), rules::first_non_gsm7(&s).is_none());
        prop_assert!(rules::char_count(&s) <= s.len());
    }

    /// The allocation-free URL check never accepts what the `url` crate (WHATWG) refuses.
    #[test]
    fn accepted_urls_parse(s in text()) {
        if rules::is_http_url(&s) {
            let url = reqwest::Url::parse(&s);
            prop_assert!(url.is_ok(), "{s:?}: {url:?}");
            let url = url.unwrap();
            prop_assert!(matches!(url.scheme(), "http" | "https"), "{s:?}");
            prop_assert!(url.host_str().is_some_and(|host| !host.is_empty()), "{s:?}");
        }
    }

    /// A valid message stays valid: validating does not change it, twice gives the same answer,
    /// and each field's verdict matches its rule function.
    #[test]
    fn a_valid_message_stays_valid(
        to in "[1-9][0-9]{6,14}",
        from in prop_oneof!["\\+?[0-9]{2,15}", "[A-Za-z0-9._ -]{2,11}"],
        body in "[a-zA-Z0-9][a-zA-Z0-9 .,!?éÉ€]{0,159}",
        client_ref in proptest::option::of("[\\PC]{0,64}"),
        country in proptest::option::of(proptest::sample::select(rules::COUNTRY_CODES)),
    ) {
        prop_assume!(!from.trim().is_empty());
        let mut message = Message::to(to).from(from).body(body).with_reject_unicode(true);
        message.client_ref = client_ref;
        message.country_iso_code = country.map(str::to_owned);
        prop_assert_eq!(message.validate(), Ok(()));
        let copy = message.clone();
        prop_assert_eq!(message.validate(), Ok(()));
        prop_assert_eq!(&message, &copy);
        // Round-tripping through JSON (what is sent) keeps it valid.
        let json = serde_json::to_string(&message).unwrap();
        let back: Message = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back.validate(), Ok(()));
    }

    /// The derive and the rule functions agree on `from`.
    #[test]
    fn the_derive_agrees_with_the_rules(from in text()) {
        let codes: Vec<String> = Message::to("447700900000").from(from.clone()).body("Hello")
            .validate()
            .err()
            .map_or_else(Vec::new, |r| r.into_failures().into_iter().map(|f| f.failure_code.to_string()).collect());
        let expected: Vec<&str> = if rules::is_blank(&from) {
            vec!["FromEmpty"]
        } else if rules::is_originator(&from) {
            vec![]
        } else {
            vec!["FromInvalid"]
        };
        prop_assert_eq!(codes, expected);
    }
}
