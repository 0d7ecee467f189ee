//! Every request and response example in the spec reads into the generated types and writes back
//! as the same JSON: the types and the documented payloads cannot drift apart.

use dynmark_api::{CredentialsFailure, FailureCode, Message, MessageResult, ValidationFailure};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

const SEND: &str = "/paths/~1webapi~1message~1send/post";

fn spec() -> Value {
    serde_json::from_str(dynmark_spec::OPENAPI_JSON).expect("the spec is JSON")
}

/// The examples at `pointer` (an `examples` object), by name.
fn examples(pointer: &str) -> Vec<(String, Value)> {
    let spec = spec();
    let examples = spec
        .pointer(pointer)
        .and_then(Value::as_object)
        .unwrap_or_else(|| panic!("no examples at {pointer}"));
    examples
        .iter()
        .map(|(name, example)| (name.clone(), example["value"].clone()))
        .collect()
}

/// Reads `json` as `T` and writes it back.
fn round_trip<T: DeserializeOwned + Serialize>(name: &str, json: &Value) -> (T, Value) {
    let value: T = serde_json::from_value(json.clone())
        .unwrap_or_else(|error| panic!("example {name} does not read: {error}"));
    let written = serde_json::to_value(&value).expect("generated types serialize");
    (value, written)
}

#[test]
fn request_examples_round_trip_as_messages() {
    let examples = examples(&format!(
        "{SEND}/requestBody/content/application~1json/examples"
    ));
    let names: Vec<&str> = examples.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        [
            "simpleSend",
            "sendWithReceipts",
            "usingLocalNumbers",
            "multipleRecipients",
            "scheduledDelivery"
        ]
    );
    for (name, json) in &examples {
        let (messages, written): (Vec<Message>, _) = round_trip(name, json);
        assert!(!messages.is_empty(), "{name}");
        assert_eq!(&written, json, "{name}");
    }
}

#[test]
fn the_scheduled_example_keeps_its_utc_times() {
    let examples = examples(&format!(
        "{SEND}/requestBody/content/application~1json/examples"
    ));
    let (_, json) = examples
        .iter()
        .find(|(name, _)| name == "scheduledDelivery")
        .unwrap();
    let (messages, _): (Vec<Message>, _) = round_trip("scheduledDelivery", json);
    let message = &messages[0];
    assert_eq!(
        message.deliver_after.map(|t| t.to_rfc3339()),
        Some("2015-10-05T12:57:00.543+00:00".to_owned())
    );
    assert!(message.valid_until > message.deliver_after);
}

#[test]
fn accepted_examples_round_trip_as_results_or_a_credentials_failure() {
    let examples = examples(&format!(
        "{SEND}/responses/202/content/application~1json/examples"
    ));
    let names: Vec<&str> = examples.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["success", "error", "credentialsFailure"]);
    for (name, json) in &examples {
        if name == "credentialsFailure" {
            let (failures, written): (Vec<CredentialsFailure>, _) = round_trip(name, json);
            assert_eq!(
                failures[0].failure_description,
                "Unable to logon with credentials given"
            );
            assert_eq!(&written, json, "{name}");
            // The shapes do not overlap: a credentials failure is not a message result.
            assert!(serde_json::from_value::<Vec<MessageResult>>(json.clone()).is_err());
        } else {
            let (results, written): (Vec<MessageResult>, _) = round_trip(name, json);
            assert_eq!(&written, json, "{name}");
            assert_eq!(results[0].successful, name == "success");
        }
    }
}

#[test]
fn the_error_example_reports_a_known_failure_code() {
    let examples = examples(&format!(
        "{SEND}/responses/202/content/application~1json/examples"
    ));
    let (_, json) = examples.iter().find(|(name, _)| name == "error").unwrap();
    let (results, _): (Vec<MessageResult>, _) = round_trip("error", json);
    let failures = results[0]
        .validation_failures
        .as_deref()
        .unwrap_or_default();
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].property.as_deref(), Some("from"));
    assert_eq!(failures[0].failure_code, FailureCode::FromEmpty);
}

#[test]
fn bad_request_examples_round_trip_as_validation_failures() {
    let examples = examples(&format!(
        "{SEND}/responses/400/content/application~1json/examples"
    ));
    let names: Vec<&str> = examples.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["invalidJson", "errBadJson"]);
    for (name, json) in &examples {
        let (failures, written): (Vec<ValidationFailure>, _) = round_trip(name, json);
        // `failureKey` is read as an alias and always written as `failureCode`.
        let expected = rename_key(json, "failureKey", "failureCode");
        assert_eq!(written, expected, "{name}");
        let code = if name == "errBadJson" {
            FailureCode::ErrBadJson
        } else {
            FailureCode::InvalidJson
        };
        assert!(
            failures.iter().all(|failure| failure.failure_code == code),
            "{name}"
        );
    }
}

#[test]
fn the_unauthorized_example_is_plain_text() {
    let examples = examples(&format!(
        "{SEND}/responses/401/content/text~1plain/examples"
    ));
    assert_eq!(examples.len(), 1);
    assert_eq!(
        examples[0].1,
        "No authorization header supplied or invalid username or password"
    );
}

/// Every code in the spec's `FailureCode` list is a known variant, written back unchanged; any
/// other code is kept as it came.
#[test]
fn failure_codes_in_the_spec_are_known_and_others_are_kept() {
    let spec = spec();
    let codes = spec
        .pointer("/components/schemas/FailureCode/enum")
        .and_then(Value::as_array)
        .expect("FailureCode lists its codes");
    for code in codes {
        let parsed: FailureCode = serde_json::from_value(code.clone()).unwrap();
        assert!(parsed.is_known(), "{code}");
        assert_eq!(&serde_json::to_value(&parsed).unwrap(), code);
    }
    let unknown: FailureCode = serde_json::from_value(Value::from("ToTooFunny")).unwrap();
    assert_eq!(unknown, FailureCode::Other("ToTooFunny".to_owned()));
    assert_eq!(unknown.to_string(), "ToTooFunny");
}

/// `Message` refuses members the service does not know, as the service does (`toa` in the 400
/// example).
#[test]
fn a_message_with_an_unknown_member_does_not_read() {
    let json = serde_json::json!({"from": "Example", "toa": "447700900000", "body": "Hi"});
    let error = serde_json::from_value::<Message>(json).unwrap_err();
    assert!(error.to_string().contains("unknown field `toa`"), "{error}");
}

fn rename_key(json: &Value, from: &str, to: &str) -> Value {
    match json {
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| rename_key(item, from, to))
                .collect(),
        ),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, value)| {
                    let key = if key == from {
                        to.to_owned()
                    } else {
                        key.clone()
                    };
                    (key, rename_key(value, from, to))
                })
                .collect(),
        ),
        other => other.clone(),
    }
}
