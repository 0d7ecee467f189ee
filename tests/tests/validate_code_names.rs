//! The failure-code prefix (`{P}` in Contract 2) is spelled the same by the `Validate` derive,
//! which reports the codes, and by `dynmark-codegen`, which checks that `FailureCode` lists every
//! code the generated types can report: the generator keeps a copy of the derive's algorithm
//! (`dynmark_codegen::failure_code_prefix`), and this test holds the two together.

use dynmark_api::validation::Validate;
use dynmark_codegen::failure_code_prefix;

/// One `required` field per JSON name, all left empty.
#[derive(Default, serde::Serialize, dynmark_api::Validate)]
struct Renamed {
    #[serde(rename = "URL")]
    #[validate(required)]
    url: String,
    #[serde(rename = "CLIENT_REF")]
    #[validate(required)]
    client_ref_shouting: String,
    #[serde(rename = "clientRef")]
    #[validate(required)]
    client_ref: String,
    #[serde(rename = "client-ref")]
    #[validate(required)]
    client_ref_kebab: String,
    #[serde(rename = "x")]
    #[validate(required)]
    x: String,
    #[serde(rename = "X")]
    #[validate(required)]
    x_capital: String,
    #[serde(rename = "aB")]
    #[validate(required)]
    a_b_camel: String,
    #[serde(rename = "ABc")]
    #[validate(required)]
    a_bc: String,
    #[serde(rename = "a_b")]
    #[validate(required)]
    a_b: String,
    #[serde(rename = "http2Url")]
    #[validate(required)]
    http2_url: String,
    #[serde(rename = "HTTP2")]
    #[validate(required)]
    http2: String,
    #[serde(rename = "deliveryStatusURL")]
    #[validate(required)]
    delivery_status_url: String,
    #[serde(rename = "A1B")]
    #[validate(required)]
    a1b: String,
    #[serde(rename = "filter-set name")]
    #[validate(required)]
    filter_set_name: String,
    #[serde(rename = "CAFÉ")]
    #[validate(required)]
    cafe: String,
    #[serde(rename = "émail")]
    #[validate(required)]
    email: String,
}

const NAMES: &[&str] = &[
    "URL",
    "CLIENT_REF",
    "clientRef",
    "client-ref",
    "x",
    "X",
    "aB",
    "ABc",
    "a_b",
    "http2Url",
    "HTTP2",
    "deliveryStatusURL",
    "A1B",
    "filter-set name",
    "CAFÉ",
    "émail",
];

#[test]
fn the_derive_reports_the_codes_the_generator_expects() {
    let report = Renamed::default().validate().unwrap_err();
    let reported: Vec<(String, String)> = report
        .failures()
        .iter()
        .map(|f| {
            (
                f.property.clone().unwrap_or_default(),
                f.failure_code.to_string(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = NAMES
        .iter()
        .map(|name| {
            (
                (*name).to_owned(),
                format!("{}Empty", failure_code_prefix(name)),
            )
        })
        .collect();
    assert_eq!(reported, expected);
}

/// `rename_all` gives the JSON name, and the same prefix, as a `rename`.
#[test]
fn names_from_rename_all_agree_too() {
    #[derive(Default, serde::Serialize, dynmark_api::Validate)]
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    struct Shouting {
        #[validate(required)]
        client_ref: String,
        #[validate(required)]
        url: String,
    }
    let report = Shouting::default().validate().unwrap_err();
    let codes: Vec<String> = report
        .failures()
        .iter()
        .map(|f| f.failure_code.to_string())
        .collect();
    assert_eq!(codes, ["ClientRefEmpty", "UrlEmpty"]);
    assert_eq!(
        codes,
        [
            format!("{}Empty", failure_code_prefix("CLIENT_REF")),
            format!("{}Empty", failure_code_prefix("URL")),
        ]
    );
}
