//! The spec, the generated client types and the sandbox agree on what a request may hold: an
//! explicit `null` on an optional member (allowed by the spec, read as absent by both) and an
//! empty `deliveryStatusUrl` (forbidden by the spec, refused by local validation and by the
//! sandbox, with the same failure code).

use dynmark_api::sandbox::Sandbox;
use dynmark_api::validation::Validate;
use dynmark_api::{FailureCode, Message, MessageResult};
use serde_json::{Value, json};

fn spec() -> Value {
    serde_json::from_str(dynmark_spec::OPENAPI_JSON).expect("the spec is JSON")
}

fn send(sandbox: &Sandbox, body: &Value) -> (u16, Vec<MessageResult>) {
    let response = reqwest::blocking::Client::new()
        .post(sandbox.send_url())
        .basic_auth(Sandbox::USERNAME, Some(Sandbox::PASSWORD))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .expect("the sandbox answers");
    let status = response.status().as_u16();
    let text = response.text().expect("a body");
    let results = serde_json::from_str(&text).unwrap_or_else(|error| panic!("{error}: {text}"));
    (status, results)
}

/// Every optional member of `Message`, each sent as `null`.
fn with_nulls() -> Value {
    let spec = spec();
    let message = &spec["components"]["schemas"]["Message"];
    let required: Vec<&str> = message["required"]
        .as_array()
        .expect("required members")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let mut body = json!({"to": "447700900000", "from": "Example", "body": "Hello"});
    for (name, property) in message["properties"].as_object().expect("properties") {
        if required.contains(&name.as_str()) {
            assert_eq!(property.get("nullable"), None, "{name} is required");
        } else {
            assert_eq!(property["nullable"], true, "{name} may be sent as null");
            body[name] = Value::Null;
        }
    }
    body
}

#[test]
fn null_optional_members_are_absent_for_the_client_and_the_sandbox() {
    let body = with_nulls();
    assert!(body.as_object().unwrap().len() > 3, "{body}");
    let message: Message = serde_json::from_value(body.clone()).expect("null reads as absent");
    assert_eq!(
        message,
        Message::to("447700900000").from("Example").body("Hello")
    );
    assert!(message.validate().is_ok());
    // Never written: absent members are left out.
    assert_eq!(
        serde_json::to_value(&message).unwrap(),
        json!({"to": "447700900000", "from": "Example", "body": "Hello"})
    );

    let sandbox = Sandbox::start().expect("the sandbox starts");
    let (status, results) = send(&sandbox, &json!([body]));
    assert_eq!(status, 202);
    assert!(results[0].successful, "{results:?}");
    assert_eq!(sandbox.accepted(), [message]);
}

#[test]
fn an_empty_delivery_status_url_is_refused_by_the_spec_the_client_and_the_sandbox() {
    let spec = spec();
    let property = &spec["components"]["schemas"]["Message"]["properties"]["deliveryStatusUrl"];
    assert_eq!(property["minLength"], 1, "{property}");
    let codes = spec
        .pointer("/components/schemas/FailureCode/anyOf/0/enum")
        .and_then(Value::as_array)
        .expect("the known codes");
    assert!(codes.contains(&json!("DeliveryStatusUrlTooShort")));

    let message = Message::to("447700900000")
        .from("Example")
        .body("Hello")
        .with_delivery_status_url("");
    let failures = message
        .validate()
        .expect_err("refused locally")
        .into_failures();
    let local: Vec<(Option<&str>, &FailureCode)> = failures
        .iter()
        .map(|f| (f.property.as_deref(), &f.failure_code))
        .collect();
    assert_eq!(
        local,
        [(
            Some("deliveryStatusUrl"),
            &FailureCode::DeliveryStatusUrlTooShort
        )]
    );

    let sandbox = Sandbox::start().expect("the sandbox starts");
    let (status, results) = send(&sandbox, &json!([message]));
    // A rule break is the message's own result, as the page says: 202, not 400.
    assert_eq!(status, 202);
    assert!(!results[0].successful);
    assert_eq!(
        results[0].validation_failures.as_deref(),
        Some(&failures[..])
    );
    assert!(sandbox.accepted().is_empty());
}

#[test]
fn failure_codes_are_an_open_enum_for_standard_generators() {
    let spec = spec();
    let failure_code = &spec["components"]["schemas"]["FailureCode"];
    assert_eq!(failure_code.get("enum"), None, "no closed enum at the top");
    assert_eq!(failure_code["x-dynmark-extensible"], true);
    let alternatives = failure_code["anyOf"].as_array().expect("anyOf");
    assert_eq!(alternatives.len(), 2);
    assert_eq!(alternatives[0]["type"], "string");
    assert!(alternatives[0]["enum"].is_array());
    assert_eq!(alternatives[1]["type"], "string");
    assert_eq!(alternatives[1].get("enum"), None);
    // And the generated type keeps what it does not know.
    let unknown: FailureCode = serde_json::from_value(json!("SomethingNew")).unwrap();
    assert_eq!(unknown, FailureCode::from("SomethingNew"));
    assert!(!unknown.is_known());
}

#[test]
fn the_accepted_answer_is_any_of_its_arrays() {
    let spec = spec();
    let schema = spec
        .pointer(
            "/paths/~1webapi~1message~1send/post/responses/202/content/application~1json/schema",
        )
        .expect("the 202 schema");
    assert_eq!(
        schema.get("oneOf"),
        None,
        "`[]` would match both: not exactly one"
    );
    assert_eq!(schema["anyOf"].as_array().map(Vec::len), Some(2));
}
