//! Verify and phone number validation against the sandbox over real sockets: a full
//! verification (create, read the code from the sandbox, validate), a wrong code, an unknown id,
//! a throttled resend, and number validation of the Send page's local number.

use std::time::Duration;

use dynmark_api::sandbox::Sandbox;
use serde_json::{Value, json};

/// Sends `body` as JSON with the sandbox's credentials; the status, content type and body.
fn call(sandbox: &Sandbox, method: &str, path: &str, body: &Value) -> (u16, String, String) {
    call_as(
        sandbox,
        (Sandbox::USERNAME, Sandbox::PASSWORD),
        method,
        path,
        body,
    )
}

fn call_as(
    sandbox: &Sandbox,
    (user, password): (&str, &str),
    method: &str,
    path: &str,
    body: &Value,
) -> (u16, String, String) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
    let response = reqwest::blocking::Client::new()
        .request(method, format!("{}{path}", sandbox.base_url()))
        .basic_auth(user, Some(password))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .expect("the sandbox answers");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|value| value.to_str().unwrap_or_default().to_owned())
        .unwrap_or_default();
    (status, content_type, response.text().expect("a body"))
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|error| panic!("{error}: {text}"))
}

fn create(sandbox: &Sandbox, to: &str) -> (u16, Value) {
    let (status, _, body) = call(
        sandbox,
        "POST",
        "/webapi/verify",
        &json!({"from": "Example", "to": to}),
    );
    (status, json(&body))
}

fn validate(sandbox: &Sandbox, request_id: &str, code: &str) -> (u16, String) {
    let (status, _, body) = call(
        sandbox,
        "PUT",
        &format!("/webapi/verify/{request_id}/validate"),
        &json!({ "code": code }),
    );
    (status, body)
}

#[test]
fn a_full_verification() {
    let sandbox = Sandbox::start().expect("the sandbox starts");
    let (status, created) = create(&sandbox, "447700900000");
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["to"], "447700900000");
    assert_eq!(created["numberStatus"], "On");
    let request_id = created["requestId"].as_str().expect("a requestId");
    let code = sandbox
        .verification_code(request_id)
        .expect("the sandbox kept the code it sent");

    assert_eq!(
        validate(&sandbox, request_id, "not the code"),
        (200, r#"{"status":"CodeUnrecognised"}"#.to_owned())
    );
    assert_eq!(
        validate(&sandbox, request_id, &code),
        (200, r#"{"status":"CodeVerified"}"#.to_owned())
    );
}

#[test]
fn an_unknown_request_id_is_204_with_no_body() {
    let sandbox = Sandbox::start().expect("the sandbox starts");
    let (status, content_type, body) = call(
        &sandbox,
        "PUT",
        "/webapi/verify/00000000-0000-4000-8000-000000000000/validate",
        &json!({"code": "123456"}),
    );
    assert_eq!(
        (status, content_type.as_str(), body.as_str()),
        (204, "", "")
    );
    assert_eq!(
        sandbox.verification_code("00000000-0000-4000-8000-000000000000"),
        None
    );
}

#[test]
fn a_resend_within_the_window_is_throttled_and_allowed_after_it() {
    let sandbox = Sandbox::builder()
        .verify_resend_window(Duration::from_millis(300))
        .start()
        .expect("the sandbox starts");
    let (first, created) = create(&sandbox, "447700900000");
    assert_eq!(first, 201);
    let (status, throttled) = create(&sandbox, "447700900000");
    assert_eq!(status, 400, "{throttled}");
    assert_eq!(throttled[0]["failureCode"], "Throttled");
    assert_eq!(throttled[0]["property"], "to");
    // Another number is not throttled.
    assert_eq!(create(&sandbox, "447700900111").0, 201);

    std::thread::sleep(Duration::from_millis(400));
    let (status, resent) = create(&sandbox, "447700900000");
    assert_eq!(status, 201, "{resent}");
    // A new request, with its own code; the first one still validates with its own.
    assert_ne!(resent["requestId"], created["requestId"]);
    let first_id = created["requestId"].as_str().unwrap();
    let first_code = sandbox.verification_code(first_id).unwrap();
    assert_eq!(
        validate(&sandbox, first_id, &first_code).1,
        r#"{"status":"CodeVerified"}"#
    );
}

#[test]
fn the_default_window_is_thirty_seconds() {
    assert_eq!(
        dynmark_api::sandbox::DEFAULT_RESEND_WINDOW,
        Duration::from_secs(30)
    );
    let sandbox = Sandbox::start().expect("the sandbox starts");
    assert_eq!(create(&sandbox, "447700900000").0, 201);
    assert_eq!(create(&sandbox, "447700900000").0, 400);
}

#[test]
fn a_number_that_breaks_the_rules_is_refused_with_to_invalid() {
    let sandbox = Sandbox::start().expect("the sandbox starts");
    let (status, failures) = create(&sandbox, "07700 900000");
    assert_eq!(status, 400);
    assert_eq!(failures[0]["failureCode"], "ToInvalid");
}

#[test]
fn number_validation_of_the_pages_local_number() {
    let sandbox = Sandbox::start().expect("the sandbox starts");
    let (status, content_type, body) = call(
        &sandbox,
        "POST",
        "/webapi/phonenumbervalidation/validatenumber",
        &json!({"Number": "07777 123123", "IsInternational": false, "RequiredCountryCode": "GBR"}),
    );
    assert_eq!(status, 200);
    assert_eq!(content_type, "application/json; charset=utf-8");
    assert_eq!(
        json(&body),
        json!({"NumberStatus": 2, "NormalisedNumber": "447777123123"})
    );
}

#[test]
fn number_validation_answers_a_status_set_for_the_number() {
    let sandbox = Sandbox::builder()
        .number_status("447700900000", 4)
        .start()
        .expect("the sandbox starts");
    let (_, _, body) = call(
        &sandbox,
        "POST",
        "/webapi/phonenumbervalidation/validatenumber",
        &json!({"Number": "447700900000", "IsInternational": true, "RequiredCountryCode": null}),
    );
    assert_eq!(
        json(&body),
        json!({"NumberStatus": 4, "NormalisedNumber": "447700900000"})
    );
}

#[test]
fn every_endpoint_answers_401_text_to_wrong_credentials() {
    let sandbox = Sandbox::start().expect("the sandbox starts");
    for (method, path) in [
        ("POST", "/webapi/verify"),
        ("PUT", "/webapi/verify/x/validate"),
        ("POST", "/webapi/phonenumbervalidation/validatenumber"),
        ("POST", "/webapi/message/send"),
    ] {
        let (status, content_type, body) = call_as(
            &sandbox,
            ("sandbox-user", "wrong"),
            method,
            path,
            &json!({}),
        );
        assert_eq!(status, 401, "{method} {path}");
        assert_eq!(content_type, "text/plain", "{method} {path}");
        assert_eq!(
            body,
            "No authorization header supplied or invalid username or password"
        );
    }
}
