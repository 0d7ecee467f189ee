//! `dynmark_api::receipts` reads what the spec says Dynmark sends: the `deliveryReceipt`
//! callback of `sendMessages` and the `inboundMessage` entry of `x-dynmark-webhooks`, through
//! the parameter tables the generator emits from them (`dynmark_api::requests_to_you`). This
//! test reads the spec itself and checks the readers against it: the same parameters in the
//! same order, the required ones refused when missing, the optional ones not, integers,
//! non-empty strings, every listed date-time form, and the spec's examples read.

use chrono::{TimeZone, Utc};
use dynmark_api::receipts::{DeliveryReceipt, InboundMessage, ParseError};
use serde_json::Value;

fn spec() -> Value {
    serde_json::from_str(dynmark_spec::OPENAPI_JSON).unwrap()
}

/// The parameters of the `get` at `pointer`.
fn parameters(pointer: &str) -> Vec<Value> {
    let spec = spec();
    let get = spec
        .pointer(pointer)
        .unwrap_or_else(|| panic!("{pointer} is in the spec"));
    get["parameters"].as_array().expect("parameters").clone()
}

fn receipt_parameters() -> Vec<Value> {
    parameters(
        "/paths/~1webapi~1message~1send/post/callbacks/deliveryReceipt/{$request.body#~10~1deliveryStatusUrl}/get",
    )
}

fn inbound_parameters() -> Vec<Value> {
    parameters("/x-dynmark-webhooks/inboundMessage/get")
}

/// The spec's examples as a query, leaving out `skip` and replacing `replace`'s value.
fn query(parameters: &[Value], skip: Option<&str>, replace: Option<(&str, &str)>) -> String {
    parameters
        .iter()
        .filter(|p| Some(p["name"].as_str().unwrap()) != skip)
        .map(|p| {
            let name = p["name"].as_str().unwrap();
            let value = match (&p["example"], replace) {
                (_, Some((n, v))) if n == name => v.to_owned(),
                (Value::String(s), _) => s.clone(),
                (other, _) => other.to_string(),
            };
            let value: String = value.bytes().map(|b| format!("%{b:02X}")).collect();
            format!("{name}={value}")
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// A Java `SimpleDateFormat` pattern of the spec as a chrono format.
fn chrono_format(java: &str) -> String {
    let mut out = java.replace("'T'", "T").replace("'Z'", "Z");
    for (from, to) in [
        ("yyyy", "%Y"),
        ("MMM", "%b"),
        ("MM", "%m"),
        ("dd", "%d"),
        ("HH", "%H"),
        ("mm", "%M"),
        ("ss", "%S"),
        (".SSS", "%.3f"),
    ] {
        out = out.replace(from, to);
    }
    assert!(
        !out.contains('\''),
        "pattern {java} has a literal this test does not know"
    );
    out
}

fn check(
    parameters: &[Value],
    table: &[dynmark_api::receipts::QueryParameter],
    parse: impl Fn(&str) -> Result<(), ParseError>,
) {
    let names: Vec<&'static str> = table.iter().map(|p| p.name).collect();
    let spec_names: Vec<&str> = parameters
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(spec_names, names, "the reader's parameters are the spec's");
    parse(&query(parameters, None, None)).expect("the spec's examples are read");

    for p in parameters {
        let name = p["name"].as_str().unwrap();
        assert_eq!(p["in"], "query");
        let missing = parse(&query(parameters, Some(name), None));
        if p["required"] == true {
            assert_eq!(
                missing,
                Err(ParseError::Missing {
                    parameter: names.iter().find(|n| **n == name).unwrap()
                }),
                "{name}"
            );
        } else {
            assert_eq!(missing, Ok(()), "{name} is optional");
        }
        let schema = &p["schema"];
        match schema["type"].as_str().unwrap() {
            "integer" => {
                let error = parse(&query(parameters, None, Some((name, "1.5")))).unwrap_err();
                assert_eq!(error.parameter(), Some(name));
                assert!(
                    parse(&query(
                        parameters,
                        None,
                        Some((name, "-9223372036854775808"))
                    ))
                    .is_ok()
                );
            }
            "string" => {
                let empty = parse(&query(parameters, None, Some((name, ""))));
                let non_empty = schema["minLength"].as_u64().unwrap_or(0) >= 1
                    || schema.get("x-dynmark-date-time-formats").is_some();
                assert_eq!(empty.is_err(), non_empty, "{name}: {empty:?}");
                for java in schema["x-dynmark-date-time-formats"]
                    .as_array()
                    .into_iter()
                    .flatten()
                {
                    let java = java.as_str().unwrap();
                    let at = Utc.with_ymd_and_hms(2016, 1, 21, 9, 19, 24).unwrap();
                    let text = at.format(&chrono_format(java)).to_string();
                    parse(&query(parameters, None, Some((name, &text))))
                        .unwrap_or_else(|e| panic!("{name} in the form {java} ({text}): {e}"));
                }
            }
            other => panic!("{name}: type {other}"),
        }
    }
}

#[test]
fn the_receipt_reader_is_the_spec_s_callback() {
    check(&receipt_parameters(), DeliveryReceipt::PARAMETERS, |q| {
        DeliveryReceipt::from_query(q).map(drop)
    });
}

#[test]
fn the_inbound_reader_is_the_spec_s_webhook() {
    check(&inbound_parameters(), InboundMessage::PARAMETERS, |q| {
        InboundMessage::from_query(q).map(drop)
    });
}

#[test]
fn the_date_time_forms_read_the_right_instant() {
    let receipt = DeliveryReceipt::from_query(query(&receipt_parameters(), None, None)).unwrap();
    assert_eq!(
        receipt.datetime,
        Utc.with_ymd_and_hms(2016, 1, 21, 9, 19, 24).unwrap() + chrono::Duration::milliseconds(123)
    );
    let inbound = InboundMessage::from_query(query(&inbound_parameters(), None, None)).unwrap();
    assert_eq!(
        inbound.datetime,
        Utc.with_ymd_and_hms(2016, 1, 21, 9, 19, 24).unwrap()
    );
}
