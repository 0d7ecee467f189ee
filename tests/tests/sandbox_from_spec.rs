//! An endpoint added to the spec alone, with no sandbox code, is served end to end: the sandbox
//! reads the spec it is given, checks requests against its schemas and answers its examples.

use dynmark_api::sandbox::Sandbox;
use serde_json::{Value, json};

/// The crate's spec plus one made-up endpoint, as a spec edit would add it: a path parameter, a
/// query parameter, an object body, a `201` with an example, a `204` without content, a `400`
/// and a `401` as the other endpoints document them.
fn spec_with_reminders() -> String {
    let mut spec: Value =
        serde_json::from_str(dynmark_spec::OPENAPI_JSON).expect("the spec is JSON");
    spec["components"]["schemas"]["Reminder"] = json!({
        "type": "object",
        "required": ["text"],
        "additionalProperties": false,
        "properties": {
            "text": {"type": "string", "minLength": 1, "maxLength": 20},
            "at": {"type": "string", "format": "date-time", "nullable": true}
        }
    });
    spec["paths"]["/webapi/reminders/{listId}"] = json!({"post": {
        "operationId": "createReminder",
        "security": [{"basicAuth": []}],
        "parameters": [
            {"name": "listId", "in": "path", "required": true, "schema": {"type": "integer"}},
            {"name": "notify", "in": "query", "required": false, "schema": {"type": "boolean"}}
        ],
        "requestBody": {"required": true, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Reminder"}
        }}},
        "responses": {
            "201": {"description": "Created.", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Reminder"},
                "examples": {"created": {"value": {"text": "Call Ann"}}}
            }}},
            "204": {"description": "Already there."},
            "400": {"description": "Refused.", "content": {"application/json": {
                "schema": {"type": "array", "items": {"$ref": "#/components/schemas/ValidationFailure"}}
            }}},
            "401": {"$ref": "#/paths/~1webapi~1message~1send/post/responses/401"}
        }
    }});
    spec.to_string()
}

fn post(
    sandbox: &Sandbox,
    path: &str,
    credentials: Option<(&str, &str)>,
    prefer: Option<&str>,
    body: &str,
) -> (u16, String, String) {
    let mut request = reqwest::blocking::Client::new()
        .post(format!("{}{path}", sandbox.base_url()))
        .header("content-type", "application/json")
        .body(body.to_owned());
    if let Some((user, password)) = credentials {
        request = request.basic_auth(user, Some(password));
    }
    if let Some(prefer) = prefer {
        request = request.header("prefer", prefer);
    }
    let response = request.send().expect("the sandbox answers");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|value| value.to_str().unwrap_or_default().to_owned())
        .unwrap_or_default();
    (status, content_type, response.text().expect("a body"))
}

const CREDENTIALS: Option<(&str, &str)> = Some((Sandbox::USERNAME, Sandbox::PASSWORD));

#[test]
fn a_conforming_request_gets_the_documented_example() {
    let sandbox = Sandbox::builder()
        .spec(&spec_with_reminders())
        .start()
        .expect("the sandbox starts with the edited spec");
    let (status, content_type, body) = post(
        &sandbox,
        "/webapi/reminders/3?notify=true",
        CREDENTIALS,
        None,
        r#"{"text": "Call Ann", "at": null}"#,
    );
    assert_eq!(
        (status, content_type.as_str(), body.as_str()),
        (
            201,
            "application/json; charset=utf-8",
            r#"{"text":"Call Ann"}"#
        )
    );
    let (status, content_type, body) = post(
        &sandbox,
        "/WebApi/Reminders/3/",
        CREDENTIALS,
        Some("code=204"),
        r#"{"text": "Call Ann"}"#,
    );
    assert_eq!(
        (status, content_type.as_str(), body.as_str()),
        (204, "", "")
    );
}

#[test]
fn a_request_the_schemas_forbid_is_400_naming_each_place() {
    let sandbox = Sandbox::builder()
        .spec(&spec_with_reminders())
        .start()
        .expect("the sandbox starts");
    let (status, _, body) = post(
        &sandbox,
        "/webapi/reminders/three?notify=often",
        CREDENTIALS,
        None,
        r#"{"text": "", "when": "now"}"#,
    );
    assert_eq!(status, 400, "{body}");
    let failures: Vec<dynmark_api::ValidationFailure> =
        serde_json::from_str(&body).expect("the spec's ValidationFailure array");
    let places: Vec<Option<&str>> = failures.iter().map(|f| f.property.as_deref()).collect();
    assert_eq!(
        places,
        [Some("listId"), Some("notify"), Some("text"), Some("when")]
    );
    assert!(
        failures
            .iter()
            .all(|f| f.failure_code == dynmark_api::FailureCode::InvalidJson)
    );
}

#[test]
fn credentials_are_checked_as_the_spec_says() {
    let sandbox = Sandbox::builder()
        .spec(&spec_with_reminders())
        .start()
        .expect("the sandbox starts");
    let (status, content_type, body) = post(
        &sandbox,
        "/webapi/reminders/3",
        Some((Sandbox::USERNAME, "wrong")),
        None,
        r#"{"text": "Call Ann"}"#,
    );
    // The documented example, through the response's `$ref`.
    assert_eq!(
        (status, content_type.as_str(), body.as_str()),
        (
            401,
            "text/plain",
            "No authorization header supplied or invalid username or password"
        )
    );
}

#[test]
fn the_hand_written_endpoints_still_answer_beside_it() {
    let sandbox = Sandbox::builder()
        .spec(&spec_with_reminders())
        .start()
        .expect("the sandbox starts");
    let (status, _, _) = post(
        &sandbox,
        "/webapi/message/send",
        CREDENTIALS,
        None,
        r#"[{"to": "447700900000", "from": "Example", "body": "Hi"}]"#,
    );
    assert_eq!(status, 202);
    // Without the edit, the path is not the sandbox's.
    let plain = Sandbox::start().expect("the sandbox starts");
    assert_eq!(
        post(&plain, "/webapi/reminders/3", CREDENTIALS, None, "{}").0,
        404
    );
}

#[test]
fn a_spec_that_cannot_be_read_is_refused_at_start() {
    let error = Sandbox::builder()
        .spec("{ not json")
        .start()
        .expect_err("the sandbox refuses the spec");
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
    assert!(error.to_string().contains("not JSON"), "{error}");
}
