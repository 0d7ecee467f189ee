//! `country`: an assigned ISO 3166-1 alpha-3 code, from the real list (`{P}Invalid`).

use dynmark_api::Message;
use dynmark_api::validation::{Validate, rules};

fn country_codes(country: &str) -> Vec<String> {
    dynmark_tests::failure_codes(
        &Message::to("447700900000")
            .from("Example")
            .body("Hello")
            .with_country_iso_code(country),
    )
}

#[test]
fn alpha_3_codes_that_are_assigned() {
    for code in [
        "GBR", "USA", "DEU", "FRA", "IRL", "ALA", "CUW", "SSD", "ABW", "ZWE",
    ] {
        assert!(country_codes(code).is_empty(), "{code}");
    }
    // Alpha-2, lower case, three letters that are not assigned, user-assigned, deleted.
    for code in [
        "GB", "gbr", "Gbr", "ZZZ", "ABC", "XKX", "ANT", "GBRR", "G B",
    ] {
        assert_eq!(country_codes(code), ["CountryIsoCodeInvalid"], "{code}");
    }
}

#[test]
fn alpha_2_gets_a_hint() {
    let report = Message::to("447700900000")
        .from("Example")
        .body("Hello")
        .with_country_iso_code("GB")
        .validate()
        .unwrap_err();
    assert_eq!(
        report.failures()[0].details,
        "countryIsoCode is not an assigned ISO 3166-1 alpha-3 country code (a two-letter code is ISO 3166-1 alpha-2); expected three capital letters such as GBR"
    );
}

#[test]
fn the_list() {
    assert_eq!(rules::COUNTRY_CODES.len(), 249);
    assert!(
        rules::COUNTRY_CODES
            .iter()
            .all(|code| rules::is_country_code(code))
    );
}

#[derive(dynmark_api::Validate)]
struct Address {
    #[validate(country)]
    country: String,
}

#[test]
fn user_struct() {
    assert!(
        Address {
            country: "GBR".into()
        }
        .validate()
        .is_ok()
    );
    assert!(
        Address {
            country: String::new()
        }
        .validate()
        .is_ok(),
        "empty is required's job"
    );
    let report = Address {
        country: "GB".into(),
    }
    .validate()
    .unwrap_err();
    assert_eq!(report.failures()[0].failure_code.as_str(), "CountryInvalid");
    assert_eq!(report.failures()[0].property.as_deref(), Some("country"));
}
