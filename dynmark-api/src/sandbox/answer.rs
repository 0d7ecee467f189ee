//! What the sandbox answers to one request: a plain function from the request's parts and body to
//! the response's parts, with no sockets and no runtime (the server in `server.rs` only moves
//! bytes to and from it).

use crate::operation::BatchOperation;
use crate::operations::SendMessages;
use crate::validation::Validate;
use crate::{FailureCode, Message, MessageResult, ValidationFailure};

use super::auth::Credentials;
use super::payload;

/// The body of every `401`, as Dynmark words it.
pub(crate) const UNAUTHORIZED: &str =
    "No authorization header supplied or invalid username or password";

/// The content type of JSON answers (what ASP.NET Web API, Dynmark's stack, sends).
pub(crate) const JSON: &str = "application/json; charset=utf-8";

/// The content type of text answers.
pub(crate) const TEXT: &str = "text/plain";

/// The parts of a request the answer depends on.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Request<'a> {
    /// `POST`, `GET`, ...
    pub(crate) method: &'a str,
    /// The path, without the query.
    pub(crate) path: &'a str,
    /// The `Authorization` header's value, if any.
    pub(crate) authorization: Option<&'a [u8]>,
    /// The `Content-Type` header's value, if any.
    pub(crate) content_type: Option<&'a [u8]>,
}

/// The parts of a response, and what the sandbox records about the call.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Answer {
    /// The status code.
    pub(crate) status: u16,
    /// The `Content-Type`.
    pub(crate) content_type: &'static str,
    /// Other headers (`Allow`, `WWW-Authenticate`).
    pub(crate) headers: Vec<(&'static str, String)>,
    /// The body.
    pub(crate) body: Vec<u8>,
    /// How many messages the request held (0 when the body was not read as an array).
    pub(crate) messages: usize,
    /// The messages answered `successful: true`, in request order.
    pub(crate) accepted: Vec<Message>,
}

impl Answer {
    pub(crate) fn text(status: u16, body: &str) -> Answer {
        Answer {
            status,
            content_type: TEXT,
            headers: Vec::new(),
            body: body.as_bytes().to_vec(),
            messages: 0,
            accepted: Vec::new(),
        }
    }

    pub(crate) fn json(status: u16, body: &impl serde::Serialize) -> Answer {
        match serde_json::to_vec(body) {
            Ok(body) => Answer {
                status,
                content_type: JSON,
                headers: Vec::new(),
                body,
                messages: 0,
                accepted: Vec::new(),
            },
            Err(_) => Answer::text(500, "The sandbox could not write its answer as JSON."),
        }
    }

    /// A `400` with one `InvalidJson` failure about the whole payload: the status and shape the
    /// spec documents for a body the service cannot read.
    pub(crate) fn invalid_json(details: String) -> Answer {
        Answer::json(
            400,
            &[ValidationFailure {
                property: None,
                failure_code: FailureCode::InvalidJson,
                details,
            }],
        )
    }

    /// The answer to a request whose body is larger than the sandbox reads: the spec's `400`
    /// (it documents no `413`).
    pub(crate) fn payload_too_large(limit: usize) -> Answer {
        Answer::invalid_json(format!(
            "The request body is larger than the sandbox's limit of {limit} bytes."
        ))
    }

    /// The answer to a request whose body could not be read (the client went away).
    pub(crate) fn unreadable_body() -> Answer {
        Answer::invalid_json("The request body could not be read.".to_owned())
    }
}

/// Whether `path` is the send path. Dynmark's routing ignores case (the page spells it
/// `/WebApi/...` too) and a trailing slash.
pub(crate) fn is_send_path(path: &str) -> bool {
    let path = path.strip_suffix('/').unwrap_or(path);
    path.eq_ignore_ascii_case(SendMessages::PATH)
}

/// Decides the answer to `request` with `body`, as Dynmark would: route, method, credentials,
/// content type, JSON, then each message's validation.
pub(crate) fn answer(request: &Request<'_>, body: &[u8], credentials: &Credentials) -> Answer {
    if !is_send_path(request.path) {
        return Answer::text(
            404,
            &format!(
                "Not found: the sandbox serves {} {} only.",
                SendMessages::METHOD.as_str(),
                SendMessages::PATH
            ),
        );
    }
    if request.method != SendMessages::METHOD.as_str() {
        let mut answer = Answer::text(
            405,
            &format!(
                "Method {} is not allowed here: use {}.",
                request.method,
                SendMessages::METHOD.as_str()
            ),
        );
        answer
            .headers
            .push(("allow", SendMessages::METHOD.as_str().to_owned()));
        return answer;
    }
    if !credentials.accept(request.authorization) {
        let mut answer = Answer::text(401, UNAUTHORIZED);
        answer.headers.push((
            "www-authenticate",
            "Basic realm=\"Dynmark sandbox\"".to_owned(),
        ));
        return answer;
    }
    if let Some(content_type) = request.content_type
        && !is_json(content_type)
    {
        // The spec documents no `415`: a body the service cannot read is its `400`.
        return Answer::invalid_json(
            "The request body must be JSON: send it with Content-Type: application/json."
                .to_owned(),
        );
    }

    let payload = payload::parse(body);
    let messages = match payload.messages {
        Ok(messages) => messages,
        Err(failures) => {
            let mut answer = Answer::json(400, &failures);
            answer.messages = payload.items;
            return answer;
        }
    };
    let mut accepted = Vec::new();
    let results: Vec<MessageResult> = messages
        .into_iter()
        .map(|message| {
            let failures: Option<Vec<ValidationFailure>> = message
                .validate()
                .err()
                .map(|report| report.into_failures());
            let result = MessageResult {
                to: message.to.clone(),
                successful: failures.is_none(),
                validation_failures: failures,
            };
            if result.successful {
                accepted.push(message);
            }
            result
        })
        .collect();
    let mut answer = Answer::json(SendMessages::ACCEPTED_STATUS, &results);
    answer.messages = payload.items;
    if answer.status == SendMessages::ACCEPTED_STATUS {
        answer.accepted = accepted;
    }
    answer
}

/// Whether a `Content-Type` value names JSON (`application/json`, `text/json`, `*/*+json`, with
/// any parameters).
pub(crate) fn is_json(content_type: &[u8]) -> bool {
    let Ok(content_type) = std::str::from_utf8(content_type) else {
        return false;
    };
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence == "text/json" || essence.ends_with("+json")
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;

    use super::*;

    const USER: &str = "user";
    const PASSWORD: &str = "pass word";

    fn credentials() -> Credentials {
        Credentials::new(USER, PASSWORD)
    }

    fn basic(user_pass: &str) -> Vec<u8> {
        format!("Basic {}", STANDARD.encode(user_pass)).into_bytes()
    }

    fn send(body: &str) -> Answer {
        let authorization = basic(&format!("{USER}:{PASSWORD}"));
        let request = Request {
            method: "POST",
            path: "/webapi/message/send",
            authorization: Some(&authorization),
            content_type: Some(b"application/json"),
        };
        answer(&request, body.as_bytes(), &credentials())
    }

    fn body_json(answer: &Answer) -> serde_json::Value {
        serde_json::from_slice(&answer.body).expect("a JSON body")
    }

    fn message(to: &str, from: &str) -> String {
        format!(r#"{{"to":"{to}","from":"{from}","body":"Hello, this is a test message"}}"#)
    }

    #[test]
    fn other_paths_are_not_found() {
        for path in [
            "/",
            "/webapi/message",
            "/webapi/message/send/x",
            "/WebApi/Messaging/Send",
        ] {
            let request = Request {
                method: "POST",
                path,
                authorization: None,
                content_type: None,
            };
            let answer = answer(&request, b"[]", &credentials());
            assert_eq!((answer.status, answer.content_type), (404, TEXT), "{path}");
        }
    }

    #[test]
    fn the_send_path_matches_without_regard_to_case_or_a_trailing_slash() {
        for path in [
            "/webapi/message/send",
            "/WebApi/Message/Send",
            "/WEBAPI/MESSAGE/SEND/",
        ] {
            assert!(is_send_path(path), "{path}");
        }
    }

    #[test]
    fn other_methods_are_not_allowed() {
        for method in ["GET", "PUT", "DELETE", "HEAD", "post"] {
            let request = Request {
                method,
                path: "/webapi/message/send",
                authorization: None,
                content_type: None,
            };
            let answer = answer(&request, b"", &credentials());
            assert_eq!(answer.status, 405, "{method}");
            assert_eq!(answer.headers, [("allow", "POST".to_owned())]);
        }
    }

    #[test]
    fn missing_malformed_or_wrong_credentials_get_the_pages_401() {
        let wrong_password = basic(&format!("{USER}:nope"));
        let wrong_user = basic(&format!("someone:{PASSWORD}"));
        let headers: [Option<&[u8]>; 5] = [
            None,
            Some(b"Basic"),
            Some(b"Bearer abc"),
            Some(&wrong_password),
            Some(&wrong_user),
        ];
        for authorization in headers {
            let request = Request {
                method: "POST",
                path: "/webapi/message/send",
                authorization,
                content_type: Some(b"application/json"),
            };
            let answer = answer(
                &request,
                message("447700900000", "Example").as_bytes(),
                &credentials(),
            );
            assert_eq!(answer.status, 401, "{authorization:?}");
            assert_eq!(answer.content_type, "text/plain");
            assert_eq!(
                answer.body,
                b"No authorization header supplied or invalid username or password"
            );
            assert!(answer.accepted.is_empty());
        }
    }

    #[test]
    fn a_body_that_is_not_json_by_content_type_is_the_specs_400() {
        let authorization = basic(&format!("{USER}:{PASSWORD}"));
        for (content_type, status) in [
            (&b"text/plain"[..], 400),
            (b"application/x-www-form-urlencoded", 400),
            (b"application/json; charset=utf-8", 202),
            (b"Application/JSON", 202),
            (b"text/json", 202),
        ] {
            let request = Request {
                method: "POST",
                path: "/webapi/message/send",
                authorization: Some(&authorization),
                content_type: Some(content_type),
            };
            let body = format!("[{}]", message("447700900000", "Example"));
            let answer = answer(&request, body.as_bytes(), &credentials());
            assert_eq!(answer.status, status, "{content_type:?}");
            if status == 400 {
                assert_eq!(answer.content_type, JSON);
                assert_eq!(body_json(&answer)[0]["failureCode"], "InvalidJson");
                assert!(answer.accepted.is_empty());
            }
        }
    }

    #[test]
    fn a_body_too_large_or_unreadable_is_the_specs_400() {
        for answer in [Answer::payload_too_large(10), Answer::unreadable_body()] {
            assert_eq!((answer.status, answer.content_type), (400, JSON));
            let failures: Vec<ValidationFailure> =
                serde_json::from_slice(&answer.body).expect("ValidationFailure array");
            assert_eq!(failures.len(), 1);
            assert_eq!(failures[0].failure_code, FailureCode::InvalidJson);
            assert_eq!(failures[0].property, None);
        }
        assert!(String::from_utf8_lossy(&Answer::payload_too_large(10).body).contains("10 bytes"));
    }

    #[test]
    fn the_pages_toa_example_is_a_400_with_line_and_position() {
        let body = "[\n  {\n    \"toa\": \"447700900000\",\n    \"from\": \"Example\",\n    \"body\": \"Hello, this is a test message\"\n  }\n]";
        let answer = send(body);
        assert_eq!((answer.status, answer.content_type), (400, JSON));
        assert_eq!(
            body_json(&answer),
            serde_json::json!([{
                "property": "message[0].toa",
                "failureCode": "InvalidJson",
                "details": "Could not find member 'toa' on object of type 'Message'. Path '[0].toa', line 3, position 10."
            }])
        );
        assert_eq!(answer.messages, 1);
        assert!(answer.accepted.is_empty());
    }

    #[test]
    fn a_single_object_is_a_400_about_the_whole_payload() {
        let answer = send(&message("447700900000", "Example"));
        assert_eq!(answer.status, 400);
        assert_eq!(
            body_json(&answer),
            serde_json::json!([{
                "failureCode": "InvalidJson",
                "details": "Cannot read a single JSON object as a batch: send a JSON array of one or more Message objects, e.g. [{...}]. Path '', line 1, position 1."
            }])
        );
    }

    #[test]
    fn an_empty_array_is_a_400_about_the_whole_payload() {
        let answer = send(" [ ] ");
        assert_eq!(answer.status, 400);
        assert_eq!(
            body_json(&answer),
            serde_json::json!([{
                "failureCode": "InvalidJson",
                "details": "The array is empty: send one or more Message objects."
            }])
        );
    }

    #[test]
    fn a_body_that_is_not_json_is_a_400() {
        let answer = send("from=Example&to=447700900000");
        assert_eq!(answer.status, 400);
        let failures = body_json(&answer);
        assert_eq!(failures.as_array().map(Vec::len), Some(1), "{failures}");
        assert_eq!(failures[0]["failureCode"], "InvalidJson");
        assert_eq!(failures[0].get("property"), None);
    }

    #[test]
    fn well_formed_messages_get_one_result_each_in_order() {
        let valid = message("447700900000", "Example");
        let invalid = message("447700900111", "");
        let body = format!("[{valid},{invalid},{valid}]");
        let answer = send(&body);
        assert_eq!((answer.status, answer.content_type), (202, JSON));
        assert_eq!(answer.messages, 3);

        let parsed: Vec<Message> = serde_json::from_str(&body).expect("valid JSON");
        let expected_failures = parsed[1]
            .validate()
            .expect_err("an empty `from` breaks a rule")
            .into_failures();
        assert!(
            expected_failures
                .iter()
                .any(|f| f.property.as_deref() == Some("from")),
            "{expected_failures:?}"
        );
        let results: Vec<MessageResult> =
            serde_json::from_slice(&answer.body).expect("MessageResult array");
        assert_eq!(
            results,
            vec![
                MessageResult {
                    to: "447700900000".to_owned(),
                    successful: true,
                    validation_failures: None,
                },
                MessageResult {
                    to: "447700900111".to_owned(),
                    successful: false,
                    validation_failures: Some(expected_failures),
                },
                MessageResult {
                    to: "447700900000".to_owned(),
                    successful: true,
                    validation_failures: None,
                },
            ]
        );
        // A successful result has no `validationFailures` member at all.
        assert_eq!(body_json(&answer)[0].get("validationFailures"), None);
        assert_eq!(answer.accepted, vec![parsed[0].clone(), parsed[2].clone()]);
    }
}
