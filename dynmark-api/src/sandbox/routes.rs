//! Which answer a request gets: the send path (`answer.rs`), Verify (`verify.rs`), phone number
//! validation (`numbers.rs`), or, for any other operation of the spec, the spec's own examples
//! (`spec.rs`). A path no route has is `404`; a method a path does not have is `405` with
//! `Allow`. Plain functions over the request's parts, the body and the time.

use std::time::Instant;

use super::Shared;
use super::answer::{self, Answer, UNAUTHORIZED};
use super::spec::{PathTemplate, SpecApi, SpecRequest};
use super::{numbers, verify};
use crate::operation::BatchOperation as _;
use crate::operations::SendMessages;

/// The parts of a request the routes look at.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Incoming<'a> {
    /// Method, path, `Authorization` and `Content-Type`.
    pub(crate) request: answer::Request<'a>,
    /// The query string, without `?`.
    pub(crate) query: Option<&'a str>,
    /// The `Prefer` header (`code=201, example=name`), for operations served from the spec.
    pub(crate) prefer: Option<&'a [u8]>,
}

/// What serves a route. A hand-written one holds the index of the spec's operation at the same
/// method and path, if the spec has it: its schemas are checked first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Handler {
    VerifyCreate(Option<usize>),
    VerifyValidate(Option<usize>),
    ValidateNumber(Option<usize>),
    /// The spec's operation at this index.
    Spec(usize),
}

/// The paths Verify and phone number validation are served at (from Dynmark's sample code).
const VERIFY_CREATE: (&str, &str) = ("POST", "/webapi/verify");
const VERIFY_VALIDATE: (&str, &str) = ("PUT", "/webapi/verify/{requestId}/validate");
const VALIDATE_NUMBER: (&str, &str) = ("POST", "/webapi/phonenumbervalidation/validatenumber");

/// Every route but the send path's, hand-written first.
#[derive(Debug)]
pub(crate) struct Routes {
    routes: Vec<(&'static str, PathTemplate, Handler)>,
    spec: SpecApi,
}

impl Routes {
    /// The hand-written routes, then every operation of `spec` that none of them serves.
    pub(crate) fn new(spec: SpecApi) -> Routes {
        let in_spec = |(method, path): (&str, &str)| {
            let template = PathTemplate::parse(path);
            spec.operations.iter().position(|operation| {
                operation.method == method && operation.template.same_shape(&template)
            })
        };
        let mut routes: Vec<(&'static str, PathTemplate, Handler)> = [
            (VERIFY_CREATE, Handler::VerifyCreate(in_spec(VERIFY_CREATE))),
            (
                VERIFY_VALIDATE,
                Handler::VerifyValidate(in_spec(VERIFY_VALIDATE)),
            ),
            (
                VALIDATE_NUMBER,
                Handler::ValidateNumber(in_spec(VALIDATE_NUMBER)),
            ),
        ]
        .into_iter()
        .map(|((method, path), handler)| (method, PathTemplate::parse(path), handler))
        .collect();
        // The send path is `answer.rs`'s, whatever the method.
        let send = PathTemplate::parse(SendMessages::PATH);
        for (index, operation) in spec.operations.iter().enumerate() {
            let Some(method) = static_method(&operation.method) else {
                continue;
            };
            let served = operation.template.same_shape(&send)
                || routes.iter().any(|(served_method, template, _)| {
                    *served_method == method && template.same_shape(&operation.template)
                });
            if !served {
                routes.push((method, operation.template.clone(), Handler::Spec(index)));
            }
        }
        Routes { routes, spec }
    }
}

/// The method's name as a `&'static str` (the `Allow` header's parts).
fn static_method(method: &str) -> Option<&'static str> {
    ["GET", "PUT", "POST", "DELETE", "PATCH"]
        .into_iter()
        .find(|known| known.eq_ignore_ascii_case(method))
}

/// A route whose path matches: its method, the path parameters, what serves it.
type Matched = (&'static str, Vec<(String, String)>, Handler);

/// Decides the answer to `incoming` with `body` at `now`.
pub(crate) fn answer(
    incoming: &Incoming<'_>,
    body: &[u8],
    shared: &Shared,
    now: Instant,
) -> Answer {
    let request = &incoming.request;
    if answer::is_send_path(request.path) {
        return answer::answer(request, body, &shared.credentials);
    }
    let matching: Vec<Matched> = shared
        .routes
        .routes
        .iter()
        .filter_map(|(method, template, handler)| {
            template
                .matches(request.path)
                .map(|parameters| (*method, parameters, *handler))
        })
        .collect();
    if matching.is_empty() {
        return Answer::text(
            404,
            &format!(
                "Not found: the sandbox serves the paths of its spec, and {} is not one of them.",
                request.path
            ),
        );
    }
    let Some((_, parameters, handler)) = matching
        .iter()
        .find(|(method, _, _)| *method == request.method)
    else {
        let mut allowed: Vec<&str> = matching.iter().map(|(method, _, _)| *method).collect();
        allowed.dedup();
        let allowed = allowed.join(", ");
        let mut answer = Answer::text(
            405,
            &format!(
                "Method {} is not allowed here: use {allowed}.",
                request.method
            ),
        );
        answer.headers.push(("allow", allowed));
        return answer;
    };
    let spec_request = SpecRequest {
        authorization: request.authorization,
        content_type: request.content_type,
        query: incoming.query,
        prefer: incoming.prefer,
        body,
    };
    if let Handler::Spec(index) = handler {
        return shared
            .routes
            .spec
            .answer(*index, &spec_request, parameters, &shared.credentials);
    }
    if !shared.credentials.accept(request.authorization) {
        let mut answer = Answer::text(401, UNAUTHORIZED);
        answer.headers.push((
            "www-authenticate",
            "Basic realm=\"Dynmark sandbox\"".to_owned(),
        ));
        return answer;
    }
    if let Some(content_type) = request.content_type
        && !answer::is_json(content_type)
    {
        return Answer::invalid_json(
            "The request body must be JSON: send it with Content-Type: application/json."
                .to_owned(),
        );
    }
    if let Handler::VerifyCreate(Some(index))
    | Handler::VerifyValidate(Some(index))
    | Handler::ValidateNumber(Some(index)) = handler
        && let Some(refused) = shared
            .routes
            .spec
            .refuse(*index, &spec_request, parameters, true)
    {
        return refused;
    }
    match handler {
        Handler::VerifyCreate(_) => verify::create(
            body,
            &mut shared.lock().verifications,
            now,
            shared.resend_window,
        ),
        Handler::VerifyValidate(_) => {
            let request_id = parameters
                .first()
                .map(|(_, value)| value.as_str())
                .unwrap_or_default();
            verify::validate(request_id, body, &shared.lock().verifications)
        }
        Handler::ValidateNumber(_) => numbers::validate_number(body, &shared.number_statuses),
        Handler::Spec(_) => Answer::text(500, "The sandbox routed this request twice."),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Mutex;

    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    use serde_json::{Value, json};

    use super::*;
    use crate::sandbox::DEFAULT_RESEND_WINDOW;
    use crate::sandbox::auth::Credentials;

    /// A spec with one operation of its own (`getReminder`), and the Verify create path (served
    /// by hand, so its examples are not used).
    const SPEC: &str = r#"{
      "openapi": "3.0.3",
      "info": {"title": "t", "version": "1"},
      "security": [{"basicAuth": []}],
      "paths": {
        "/webapi/reminders/{id}": {
          "put": {
            "parameters": [
              {"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}},
              {"name": "loud", "in": "query", "schema": {"type": "boolean"}}
            ],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {
              "type": "object", "required": ["text"], "additionalProperties": false,
              "properties": {"text": {"type": "string", "maxLength": 5}}
            }}}},
            "responses": {
              "200": {"description": "ok", "content": {"application/json": {
                "examples": {"b": {"value": {"id": 2}}, "a": {"value": {"id": 1}}}
              }}},
              "204": {"description": "gone"},
              "401": {"description": "no", "content": {"text/plain": {"schema": {"type": "string"},
                "example": "Who are you?"}}}
            }
          }
        },
        "/webapi/verify": {"post": {
          "requestBody": {"required": true, "content": {"application/json": {"schema": {
            "type": "object", "additionalProperties": false,
            "properties": {"from": {"type": "string"}, "to": {"type": "string"}}
          }}}},
          "responses": {"201": {"description": "x", "content": {
            "application/json": {"example": {"from": "the spec"}}}}}}}
      }
    }"#;

    fn shared() -> Shared {
        Shared {
            credentials: Credentials::new("user", "pw"),
            max_body_bytes: 1024,
            count_only: false,
            resend_window: DEFAULT_RESEND_WINDOW,
            number_statuses: HashMap::new(),
            routes: Routes::new(SpecApi::parse(SPEC).expect("the spec reads")),
            state: Mutex::default(),
        }
    }

    fn basic() -> Vec<u8> {
        format!("Basic {}", STANDARD.encode("user:pw")).into_bytes()
    }

    fn call(
        shared: &Shared,
        (method, path_and_query): (&str, &str),
        authorization: Option<&[u8]>,
        prefer: Option<&[u8]>,
        body: &str,
    ) -> Answer {
        let (path, query) = match path_and_query.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (path_and_query, None),
        };
        let incoming = Incoming {
            request: answer::Request {
                method,
                path,
                authorization,
                content_type: Some(b"application/json"),
            },
            query,
            prefer,
        };
        answer(&incoming, body.as_bytes(), shared, Instant::now())
    }

    fn json_of(answer: &Answer) -> Value {
        serde_json::from_slice(&answer.body).expect("a JSON body")
    }

    #[test]
    fn unknown_paths_are_404_and_unknown_methods_405_with_allow() {
        let shared = shared();
        let auth = basic();
        let not_found = call(
            &shared,
            ("POST", "/webapi/nothing"),
            Some(&auth),
            None,
            "{}",
        );
        assert_eq!(not_found.status, 404);
        for (request, allow) in [
            (("GET", "/webapi/verify"), "POST"),
            (("POST", "/webapi/verify/abc/validate"), "PUT"),
            (
                ("GET", "/WebApi/PhoneNumberValidation/ValidateNumber"),
                "POST",
            ),
            (("DELETE", "/webapi/reminders/1"), "PUT"),
        ] {
            let answer = call(&shared, request, Some(&auth), None, "{}");
            assert_eq!(answer.status, 405, "{request:?}");
            assert_eq!(answer.headers, [("allow", allow.to_owned())], "{request:?}");
        }
        // The send path keeps its own answers.
        let send = call(&shared, ("GET", "/webapi/message/send"), None, None, "");
        assert_eq!(send.headers, [("allow", "POST".to_owned())]);
    }

    #[test]
    fn every_route_needs_the_credentials() {
        let shared = shared();
        for request in [
            ("POST", "/webapi/verify"),
            ("PUT", "/webapi/verify/abc/validate"),
            ("POST", "/webapi/phonenumbervalidation/validatenumber"),
        ] {
            let answer = call(&shared, request, None, None, "{}");
            assert_eq!((answer.status, answer.content_type), (401, answer::TEXT));
            assert_eq!(answer.body, UNAUTHORIZED.as_bytes(), "{request:?}");
        }
        // An operation served from the spec answers its documented 401 text.
        let answer = call(&shared, ("PUT", "/webapi/reminders/1"), None, None, "{}");
        assert_eq!(
            (answer.status, answer.body.as_slice()),
            (401, &b"Who are you?"[..])
        );
    }

    #[test]
    fn hand_written_routes_win_over_the_specs_examples() {
        let shared = shared();
        let auth = basic();
        let body = r#"{"from": "Example", "to": "447700900000"}"#;
        let created = call(&shared, ("POST", "/webapi/verify"), Some(&auth), None, body);
        assert_eq!(created.status, 201);
        let created = json_of(&created);
        let id = created["requestId"].as_str().expect("a request id");
        let code = shared.lock().verifications.code(id).expect("a code");
        let path = format!("/webapi/verify/{id}/validate");
        let validated = call(
            &shared,
            ("PUT", &path),
            Some(&auth),
            None,
            &json!({ "code": code }).to_string(),
        );
        assert_eq!(json_of(&validated), json!({"status": "CodeVerified"}));
        let number = call(
            &shared,
            ("POST", "/webapi/phonenumbervalidation/validatenumber"),
            Some(&auth),
            None,
            r#"{"Number": "07777 123123", "IsInternational": false, "RequiredCountryCode": "GBR"}"#,
        );
        assert_eq!(
            json_of(&number),
            json!({"NumberStatus": 2, "NormalisedNumber": "447777123123"})
        );
    }

    #[test]
    fn a_hand_written_route_refuses_first_what_the_specs_schemas_forbid() {
        let shared = shared();
        let auth = basic();
        let refused = call(
            &shared,
            ("POST", "/webapi/verify"),
            Some(&auth),
            None,
            r#"{"from": "Example", "to": "447700900000", "extra": 1}"#,
        );
        assert_eq!(refused.status, 400);
        assert_eq!(json_of(&refused)[0]["property"], "extra");
        assert!(shared.lock().verifications.code("x").is_none());
        // Without the spec's schema, the same request is the hand-written endpoint's to answer.
        let lenient = Shared {
            routes: Routes::new(SpecApi::default()),
            ..shared
        };
        let created = call(
            &lenient,
            ("POST", "/webapi/verify"),
            Some(&auth),
            None,
            r#"{"from": "Example", "to": "447700900000", "extra": 1}"#,
        );
        assert_eq!(created.status, 201);
    }

    #[test]
    fn a_spec_operation_answers_its_first_example_once_the_request_conforms() {
        let shared = shared();
        let auth = basic();
        let ok = call(
            &shared,
            ("PUT", "/webapi/reminders/7?loud=true"),
            Some(&auth),
            None,
            r#"{"text": "hi"}"#,
        );
        assert_eq!((ok.status, ok.content_type), (200, answer::JSON));
        assert_eq!(json_of(&ok), json!({"id": 1}));
        let chosen = call(
            &shared,
            ("PUT", "/webapi/reminders/7"),
            Some(&auth),
            Some(b"example=b"),
            r#"{"text": "hi"}"#,
        );
        assert_eq!(json_of(&chosen), json!({"id": 2}));
        let gone = call(
            &shared,
            ("PUT", "/webapi/reminders/7"),
            Some(&auth),
            Some(b"code=204"),
            r#"{"text": "hi"}"#,
        );
        assert_eq!(
            (gone.status, gone.body.len(), gone.content_type),
            (204, 0, "")
        );
        let undocumented = call(
            &shared,
            ("PUT", "/webapi/reminders/7"),
            Some(&auth),
            Some(b"code=418"),
            r#"{"text": "hi"}"#,
        );
        assert_eq!(undocumented.status, 501);
    }

    #[test]
    fn a_spec_operation_refuses_what_its_schemas_forbid_with_one_failure_each() {
        let shared = shared();
        let auth = basic();
        let refused = call(
            &shared,
            ("PUT", "/webapi/reminders/seven?loud=maybe"),
            Some(&auth),
            None,
            r#"{"text": "far too long", "extra": 1}"#,
        );
        assert_eq!((refused.status, refused.content_type), (400, answer::JSON));
        let failures = json_of(&refused);
        let places: Vec<(&str, &str)> = failures
            .as_array()
            .expect("an array of failures")
            .iter()
            .map(|failure| {
                assert_eq!(failure["failureCode"], "InvalidJson", "{failure}");
                (
                    failure["property"].as_str().unwrap_or_default(),
                    failure["details"].as_str().unwrap_or_default(),
                )
            })
            .collect();
        assert_eq!(
            places,
            [
                ("id", "expected integer, found a string"),
                ("loud", "expected boolean, found a string"),
                ("extra", "`extra` is not a member of this object"),
                ("text", "12 characters, more than 5"),
            ]
        );
        let not_json = call(
            &shared,
            ("PUT", "/webapi/reminders/1"),
            Some(&auth),
            None,
            "{",
        );
        assert_eq!(not_json.status, 400);
        assert_eq!(json_of(&not_json)[0].get("property"), None);
        let empty = call(
            &shared,
            ("PUT", "/webapi/reminders/1"),
            Some(&auth),
            None,
            " ",
        );
        assert_eq!(empty.status, 400);
    }
}
