//! Phone number validation, as the sandbox answers it, from the same phone rules as local
//! validation of `to`.
//!
//! `POST /webapi/phonenumbervalidation/validatenumber` with Dynmark's PascalCase body
//! `{"Number": "07777 123123", "IsInternational": false, "RequiredCountryCode": "GBR"}` answers
//! `200` `{"NumberStatus": 2, "NormalisedNumber": "447777123123"}`:
//!
//! - an international number (digits only, country code first) is its own normalised form;
//! - a local number (digits and spaces) with `RequiredCountryCode` set, and `IsInternational`
//!   not `true`, is normalised to the country's calling code, then the number without spaces
//!   and without one leading trunk `0`;
//! - with `RequiredCountryCode` set, the normalised number must start with that country's
//!   calling code;
//! - a number that passes is status `2` (on a mobile network, unless
//!   [`SandboxBuilder::number_status`](super::SandboxBuilder::number_status) set another status
//!   for it: `3` off, `4` dead, `5` not on a mobile network); any other is `6` (not a phone
//!   number), with `NormalisedNumber` the number as given.
//!
//! The calling codes known are those in [`CALLING_CODES`]: a local number of another country is
//! status `6`. A body that is not the documented JSON object is `400` of `InvalidJson`.

use std::collections::HashMap;

use serde::Deserialize;

use super::answer::Answer;
use crate::validation::rules;

/// The status of a number that passed the phone rules: on a mobile network.
pub(crate) const ON: u8 = 2;
/// The status of a string that is no phone number.
pub(crate) const NOT_A_PHONE_NUMBER: u8 = 6;

/// The calling codes of the countries whose local numbers the sandbox normalises (ISO 3166-1
/// alpha-3, ITU-T E.164 country code).
pub(crate) const CALLING_CODES: &[(&str, &str)] = &[
    ("ARE", "971"),
    ("ARG", "54"),
    ("AUS", "61"),
    ("AUT", "43"),
    ("BEL", "32"),
    ("BRA", "55"),
    ("CAN", "1"),
    ("CHE", "41"),
    ("CHN", "86"),
    ("CYP", "357"),
    ("CZE", "420"),
    ("DEU", "49"),
    ("DNK", "45"),
    ("ESP", "34"),
    ("FIN", "358"),
    ("FRA", "33"),
    ("GBR", "44"),
    ("GGY", "44"),
    ("GIB", "350"),
    ("GRC", "30"),
    ("HKG", "852"),
    ("IMN", "44"),
    ("IND", "91"),
    ("IRL", "353"),
    ("ISL", "354"),
    ("ITA", "39"),
    ("JEY", "44"),
    ("JPN", "81"),
    ("LUX", "352"),
    ("MEX", "52"),
    ("MLT", "356"),
    ("NLD", "31"),
    ("NOR", "47"),
    ("NZL", "64"),
    ("POL", "48"),
    ("PRT", "351"),
    ("SGP", "65"),
    ("SWE", "46"),
    ("USA", "1"),
    ("ZAF", "27"),
];

#[derive(Deserialize)]
struct Request {
    #[serde(rename = "Number")]
    number: String,
    #[serde(rename = "IsInternational", default)]
    is_international: Option<bool>,
    #[serde(rename = "RequiredCountryCode", default)]
    required_country_code: Option<String>,
}

/// The calling code of `country`, if the sandbox knows it.
fn calling_code(country: &str) -> Option<&'static str> {
    CALLING_CODES
        .iter()
        .find(|(code, _)| code.eq_ignore_ascii_case(country))
        .map(|(_, calling)| *calling)
}

/// `number` in international format, if the rules accept it.
fn normalise(number: &str, is_international: bool, country: Option<&str>) -> Option<String> {
    let number = number.trim();
    let country = country.filter(|country| !country.trim().is_empty());
    let normalised = match rules::phone_number_format(number)? {
        rules::PhoneNumberFormat::International => number.to_owned(),
        rules::PhoneNumberFormat::Local if is_international => return None,
        rules::PhoneNumberFormat::Local => {
            let calling = calling_code(country?)?;
            let digits: String = number.chars().filter(char::is_ascii_digit).collect();
            let national = digits.strip_prefix('0').unwrap_or(&digits);
            format!("{calling}{national}")
        }
    };
    if let Some(country) = country
        && !calling_code(country).is_some_and(|calling| normalised.starts_with(calling))
    {
        return None;
    }
    rules::is_international_number(&normalised).then_some(normalised)
}

/// `POST /webapi/phonenumbervalidation/validatenumber`, credentials already checked.
/// `statuses` are the statuses set for normalised numbers.
pub(crate) fn validate_number(body: &[u8], statuses: &HashMap<String, u8>) -> Answer {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let request: Request = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(_)) => match serde_json::from_slice(body) {
            Ok(request) => request,
            Err(error) => {
                return Answer::invalid_json(format!("The request body does not read: {error}."));
            }
        },
        Ok(other) => {
            return Answer::invalid_json(format!(
                "The request body is {}, not a JSON object.",
                super::schema::kind(&other)
            ));
        }
        Err(error) => {
            return Answer::invalid_json(format!("The request body is not JSON: {error}."));
        }
    };
    let normalised = normalise(
        &request.number,
        request.is_international == Some(true),
        request.required_country_code.as_deref(),
    );
    let (status, normalised) = match normalised {
        Some(normalised) => (statuses.get(&normalised).copied().unwrap_or(ON), normalised),
        None => (NOT_A_PHONE_NUMBER, request.number),
    };
    Answer::json(
        200,
        &serde_json::json!({"NumberStatus": status, "NormalisedNumber": normalised}),
    )
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn answer(request: Value, statuses: &HashMap<String, u8>) -> (u16, Value) {
        let answer = validate_number(request.to_string().as_bytes(), statuses);
        let body = serde_json::from_slice(&answer.body).expect("a JSON body");
        (answer.status, body)
    }

    #[test]
    fn the_pages_local_number_is_normalised_with_the_country_code() {
        assert_eq!(
            answer(
                json!({"Number": "07777 123123", "IsInternational": false, "RequiredCountryCode": "GBR"}),
                &HashMap::new()
            ),
            (
                200,
                json!({"NumberStatus": 2, "NormalisedNumber": "447777123123"})
            )
        );
    }

    #[test]
    fn international_numbers_are_their_own_normalised_form() {
        for request in [
            json!({"Number": "447700900000", "IsInternational": true, "RequiredCountryCode": null}),
            json!({"Number": "447700900000"}),
            json!({"Number": "447700900000", "RequiredCountryCode": "GBR"}),
        ] {
            assert_eq!(
                answer(request.clone(), &HashMap::new()),
                (
                    200,
                    json!({"NumberStatus": 2, "NormalisedNumber": "447700900000"})
                ),
                "{request}"
            );
        }
    }

    #[test]
    fn what_the_rules_refuse_is_not_a_phone_number() {
        for request in [
            json!({"Number": "07777 123123", "IsInternational": true, "RequiredCountryCode": "GBR"}),
            json!({"Number": "07777 123123"}),
            json!({"Number": "07777 123123", "RequiredCountryCode": "ATA"}),
            json!({"Number": "447700900000", "RequiredCountryCode": "FRA"}),
            json!({"Number": "+447700900000"}),
            json!({"Number": "call me"}),
            json!({"Number": ""}),
        ] {
            let (status, body) = answer(request.clone(), &HashMap::new());
            assert_eq!(status, 200, "{request}");
            assert_eq!(body["NumberStatus"], 6, "{request}");
            assert_eq!(body["NormalisedNumber"], request["Number"], "{request}");
        }
    }

    #[test]
    fn a_status_set_for_a_number_is_answered() {
        let statuses = HashMap::from([("447700900000".to_owned(), 4)]);
        assert_eq!(
            answer(
                json!({"Number": "07700 900000", "RequiredCountryCode": "GBR"}),
                &statuses
            ),
            (
                200,
                json!({"NumberStatus": 4, "NormalisedNumber": "447700900000"})
            )
        );
    }

    #[test]
    fn bodies_that_are_not_the_documented_object_are_invalid_json() {
        for request in [
            "",
            "[]",
            "{}",
            r#"{"number": "447700900000"}"#,
            "{",
            r#"{"Number": 1}"#,
        ] {
            let answer = validate_number(request.as_bytes(), &HashMap::new());
            assert_eq!(answer.status, 400, "{request}");
            let body: Value = serde_json::from_slice(&answer.body).unwrap();
            assert_eq!(body[0]["failureCode"], "InvalidJson", "{request}");
        }
    }

    #[test]
    fn every_calling_code_is_for_an_assigned_country_and_listed_once() {
        for (index, (country, calling)) in CALLING_CODES.iter().enumerate() {
            assert!(rules::is_country_code(country), "{country}");
            assert!(!calling.is_empty() && calling.bytes().all(|b| b.is_ascii_digit()));
            assert!(
                CALLING_CODES[..index]
                    .iter()
                    .all(|(other, _)| other < country),
                "{country} is out of order or repeated"
            );
        }
    }
}
