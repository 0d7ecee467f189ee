//! `phone(country = sibling)`: international digits, or a local number (digits and spaces) when
//! the sibling country field is set (`{P}Invalid`, `{P}LocalWithoutCountry`).

use dynmark_api::Message;
use dynmark_api::validation::{Validate, rules};

fn to_codes(to: &str, country: Option<&str>) -> Vec<String> {
    let mut message = Message::to(to).from("Example").body("Hello");
    if let Some(country) = country {
        message = message.with_country_iso_code(country);
    }
    dynmark_tests::failure_codes(&message)
}

const NONE: [&str; 0] = [];

#[test]
fn international_numbers() {
    assert_eq!(to_codes("447700900000", None), NONE);
    assert_eq!(to_codes("447979080215", Some("GBR")), NONE);
    assert_eq!(to_codes("123456789012345", None), NONE, "15 digits");
    assert_eq!(to_codes("1234567", None), NONE, "7 digits");
    assert_eq!(
        to_codes("1234567890123456", None),
        ["ToInvalid"],
        "16 digits"
    );
    assert_eq!(
        to_codes("+447700900000", None),
        ["ToInvalid"],
        "Dynmark's format has no +"
    );
    assert_eq!(to_codes("44770090000a", None), ["ToInvalid"]);
    assert_eq!(to_codes("44-7700-900000", None), ["ToInvalid"]);
}

#[test]
fn local_numbers_need_a_country() {
    // The page's "Using Local Numbers" example.
    assert_eq!(to_codes("07777 123123", Some("GBR")), NONE);
    assert_eq!(to_codes("07123123456", Some("GBR")), NONE);
    assert_eq!(to_codes("07777 123123", None), ["ToLocalWithoutCountry"]);
    assert_eq!(to_codes("07123123456", None), ["ToLocalWithoutCountry"]);
    // A blank country is not a country (and not a country code either).
    assert_eq!(
        to_codes("07123123456", Some(" ")),
        ["ToLocalWithoutCountry", "CountryIsoCodeInvalid"]
    );
    // A country that is set but wrong is the country's failure, not the number's.
    assert_eq!(
        to_codes("07123123456", Some("GB")),
        ["CountryIsoCodeInvalid"]
    );
    // Not a local number either: letters, a leading space, too few digits.
    assert_eq!(to_codes("07777 12312a", Some("GBR")), ["ToInvalid"]);
    assert_eq!(to_codes(" 07777 123123", Some("GBR")), ["ToInvalid"]);
    assert_eq!(to_codes("012", Some("GBR")), ["ToInvalid"]);
}

#[test]
fn the_details_name_the_sibling() {
    let report = Message::to("07777 123123")
        .from("Example")
        .body("Hello")
        .validate()
        .unwrap_err();
    assert_eq!(
        report.failures()[0].details,
        "to is a local number but countryIsoCode is not set; set countryIsoCode or give the number in international format, digits only with the country code (e.g. 447123123456)"
    );
}

#[test]
fn the_rule_functions() {
    use rules::PhoneNumberFormat::{International, Local};
    assert_eq!(
        rules::phone_number_format("447700900000"),
        Some(International)
    );
    assert_eq!(rules::phone_number_format("07777 123123"), Some(Local));
    assert_eq!(rules::phone_number_format("+44 7777 123123"), None);
}

#[derive(dynmark_api::Validate)]
struct Recipient {
    #[validate(phone(country = country))]
    mobile: String,
    #[validate(phone)]
    landline: Option<String>,
    country: Option<String>,
}

#[test]
fn user_struct() {
    let recipient = |mobile: &str, landline: Option<&str>, country: Option<&str>| Recipient {
        mobile: mobile.into(),
        landline: landline.map(Into::into),
        country: country.map(Into::into),
    };
    let codes = |r: Recipient| dynmark_tests::failure_codes(&r);
    assert_eq!(
        codes(recipient("447700900000", Some("442079460000"), None)),
        NONE
    );
    assert_eq!(codes(recipient("07700 900000", None, Some("GBR"))), NONE);
    assert_eq!(
        codes(recipient("07700 900000", None, None)),
        ["MobileLocalWithoutCountry"]
    );
    // Without a sibling a local number is never enough.
    assert_eq!(
        codes(recipient(
            "447700900000",
            Some("020 7946 0000"),
            Some("GBR")
        )),
        ["LandlineLocalWithoutCountry"]
    );
    assert_eq!(
        codes(recipient("hello", Some("+44"), None)),
        ["MobileInvalid", "LandlineInvalid"]
    );
}
