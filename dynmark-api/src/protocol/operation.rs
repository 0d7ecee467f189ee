//! Any operation that is not a batch: the request for one call (path parameters
//! percent-encoded, query form-encoded, JSON body) and the reading of its answer, as plain
//! functions over bytes.

use bytes::Bytes;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::error::CallError;
use crate::operation::{Operation, RequestError};
use crate::protocol::body::Excerpt;
use crate::protocol::http::{Endpoint, HttpRequest, HttpResponse};

/// What a path parameter keeps as it is: RFC 3986's unreserved characters. Everything else,
/// `/` and `?` included, is percent-encoded, so a value stays one segment.
const PATH_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A UTF-8 byte order mark, which some servers put before JSON.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The longest parser message kept in an error.
const SHORT_TEXT: usize = 200;

/// The request for `operation`, validated first when `validate` is set (the client's
/// `validate` setting): an invalid one is [`RequestError::Invalid`] and nothing is built.
pub fn request<Op: Operation>(
    endpoint: &Endpoint,
    operation: &Op,
    validate: bool,
) -> Result<HttpRequest, RequestError> {
    if validate && let Err(failures) = operation.validate() {
        return Err(RequestError::Invalid {
            failures: failures.into_failures(),
        });
    }
    Ok(endpoint.operation_request(operation)?)
}

impl Endpoint {
    /// The URL of `operation`: the base URL, [`Operation::PATH`] with each `{name}` replaced by
    /// its parameter's value (percent-encoded: it stays one path segment), then the query
    /// parameters that are set (form-encoded).
    ///
    /// An empty value, `.` or `..` would change which path is called (`/verify//validate`,
    /// `/verify/../validate`): such a value is [`CallError::Request`], as is a `{name}` no
    /// parameter fills.
    pub fn operation_url<Op: Operation>(&self, operation: &Op) -> Result<String, CallError> {
        let values = operation.path_parameters();
        let mut url = String::with_capacity(self.base_url().as_str().len() + Op::PATH.len() + 32);
        url.push_str(self.base_url().as_str());
        let mut rest = Op::PATH;
        while let Some(open) = rest.find('{') {
            let close =
                rest[open..]
                    .find('}')
                    .map(|at| open + at)
                    .ok_or_else(|| CallError::Request {
                        reason: format!("the path `{}` has an unclosed `{{`", Op::PATH),
                    })?;
            url.push_str(&rest[..open]);
            let name = &rest[open + 1..close];
            let value = values
                .iter()
                .find(|(known, _)| *known == name)
                .map(|(_, value)| value.as_str())
                .ok_or_else(|| CallError::Request {
                    reason: format!("no value for the path parameter `{name}`"),
                })?;
            if value.is_empty() || value == "." || value == ".." {
                return Err(CallError::Request {
                    reason: format!(
                        "the path parameter `{name}` is {value:?}, which would change the path called"
                    ),
                });
            }
            url.extend(utf8_percent_encode(value, PATH_VALUE));
            rest = &rest[close + 1..];
        }
        url.push_str(rest);
        let query = operation.query_parameters();
        if !query.is_empty() {
            url.push('?');
            url.push_str(
                &url::form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(query)
                    .finish(),
            );
        }
        Ok(url)
    }

    /// The request for one call of `operation` (not validated: see [`request`]).
    pub fn operation_request<Op: Operation>(
        &self,
        operation: &Op,
    ) -> Result<HttpRequest, CallError> {
        let url = self.operation_url(operation)?;
        let mut headers = Vec::with_capacity(4);
        let body = match operation.body() {
            Some(body) => {
                let body = serde_json::to_vec(body).map_err(|e| CallError::Request {
                    reason: format!("the body did not serialize to JSON: {e}"),
                })?;
                headers.push(("content-type", "application/json".to_owned()));
                Bytes::from(body)
            }
            None => Bytes::new(),
        };
        headers.push(("accept", "application/json".to_owned()));
        headers.push((
            "authorization",
            self.credentials().authorization().to_owned(),
        ));
        headers.push(("user-agent", self.user_agent().to_owned()));
        Ok(HttpRequest {
            method: Op::METHOD,
            url,
            headers,
            body,
        })
    }

    /// Reads the service's answer to one call of `Op`:
    ///
    /// - a status the spec documents: its variant of `Op::Answer`, the body read as the spec
    ///   says (JSON, text, or ignored); a UTF-8 byte order mark before JSON is skipped;
    /// - such a JSON body that does not read: [`CallError::InvalidResponse`] for a 2xx,
    ///   [`CallError::Status`] for any other status;
    /// - a `401`: [`CallError::Unauthorized`];
    /// - any other status: [`CallError::Status`].
    ///
    /// Errors carry a bounded excerpt of the body with any echoed secret redacted.
    pub fn read_answer<Op: Operation>(
        &self,
        response: &HttpResponse,
    ) -> Result<Op::Answer, CallError> {
        let status = response.status;
        let raw: &[u8] = &response.body;
        let body = raw.strip_prefix(BOM).unwrap_or(raw);
        let failure = || {
            self.status_failure(
                status,
                response.content_type.as_deref(),
                self.excerpt(raw),
                response.retry_after,
            )
        };
        match Op::read_answer(status, body) {
            Some(Ok(answer)) => Ok(answer),
            Some(Err(error)) if (200..300).contains(&status) => {
                let reason = if body.iter().all(u8::is_ascii_whitespace) {
                    "empty body".to_owned()
                } else {
                    let reason = error.to_string();
                    Excerpt::quoted(reason.as_bytes(), self.redactor(), SHORT_TEXT, false)
                        .to_string()
                };
                Err(CallError::InvalidResponse {
                    status,
                    reason,
                    body: self.excerpt(raw),
                })
            }
            Some(Err(_)) | None => Err(failure()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operation::{JsonError, Method, json, text};
    use crate::protocol::BaseUrl;
    use crate::validation::{Path, Report, Validate};
    use crate::{Credentials, FailureCode, Message, MessageResult, ValidationFailure};

    const PASSWORD: &str = "s3cret-pass";

    fn endpoint() -> Endpoint {
        let base_url = BaseUrl::parse("http://127.0.0.1:9/root", false).unwrap();
        Endpoint::new(base_url, Credentials::new("user", PASSWORD))
    }

    /// An operation shaped as the generator emits them: a path parameter, two query parameters
    /// (one optional), an optional JSON body, four documented statuses.
    #[derive(Debug)]
    struct Lookup {
        id: String,
        limit: i64,
        tag: Option<String>,
        body: Option<Message>,
    }

    #[derive(Debug, PartialEq)]
    enum LookupAnswer {
        Found(MessageResult),
        NotFound,
        Invalid(Vec<ValidationFailure>),
        Conflict(String),
    }

    impl Validate for Lookup {
        fn validate_at(&self, path: &Path<'_>, report: &mut Report) {
            if self.id.trim().is_empty() {
                report.fail(&path.field("id"), FailureCode::from("IdEmpty"), "empty");
            }
            // As the generator emits it (`nested(flatten)`): the body's members are named as
            // the service names them, not below a `body` field.
            if let Some(body) = &self.body {
                body.validate_at(path, report);
            }
        }
    }

    impl Operation for Lookup {
        const OPERATION_ID: &'static str = "lookUp";
        const METHOD: Method = Method::Put;
        const PATH: &'static str = "/things/{id}/look";
        type Body = Message;
        type Answer = LookupAnswer;

        fn path_parameters(&self) -> Vec<(&'static str, String)> {
            vec![("id", self.id.clone())]
        }

        fn query_parameters(&self) -> Vec<(&'static str, String)> {
            let mut query = vec![("limit", self.limit.to_string())];
            if let Some(tag) = &self.tag {
                query.push(("tag", tag.clone()));
            }
            query
        }

        fn body(&self) -> Option<&Message> {
            self.body.as_ref()
        }

        fn read_answer(status: u16, body: &[u8]) -> Option<Result<LookupAnswer, JsonError>> {
            match status {
                200 => Some(json(body).map(LookupAnswer::Found)),
                204 => Some(Ok(LookupAnswer::NotFound)),
                400 => Some(json(body).map(LookupAnswer::Invalid)),
                409 => Some(Ok(LookupAnswer::Conflict(text(body)))),
                _ => None,
            }
        }
    }

    fn lookup(id: &str) -> Lookup {
        Lookup {
            id: id.to_owned(),
            limit: 5,
            tag: None,
            body: None,
        }
    }

    fn answer(status: u16, content_type: &str, body: &[u8]) -> Result<LookupAnswer, CallError> {
        let response = HttpResponse::new(status, Some(content_type.to_owned()), body.to_vec());
        endpoint().read_answer::<Lookup>(&response)
    }

    #[test]
    fn path_parameters_are_one_percent_encoded_segment_and_the_query_is_form_encoded() {
        let endpoint = endpoint();
        assert_eq!(
            endpoint.operation_url(&lookup("3f2c-8a4e")).unwrap(),
            "http://127.0.0.1:9/root/things/3f2c-8a4e/look?limit=5"
        );
        let mut tricky = lookup("a b/c?d#e%f.ü~_");
        tricky.tag = Some("x y&z=1".to_owned());
        assert_eq!(
            endpoint.operation_url(&tricky).unwrap(),
            "http://127.0.0.1:9/root/things/a%20b%2Fc%3Fd%23e%25f.%C3%BC~_/look?limit=5&tag=x+y%26z%3D1"
        );
    }

    #[test]
    fn a_path_value_that_would_change_the_path_is_refused() {
        for id in ["", ".", ".."] {
            let error = endpoint().operation_url(&lookup(id)).unwrap_err();
            assert!(
                matches!(&error, CallError::Request { reason } if reason.contains("`id`")),
                "{id:?}: {error:?}"
            );
            assert!(!error.may_have_reached_service());
        }
        // `...` and `.x` are ordinary segments.
        assert!(endpoint().operation_url(&lookup("...")).is_ok());
    }

    #[test]
    fn the_request_carries_json_only_with_a_body_and_hides_the_credentials() {
        let endpoint = endpoint();
        let without = endpoint.operation_request(&lookup("x")).unwrap();
        assert_eq!(without.method, Method::Put);
        assert!(without.body.is_empty());
        assert_eq!(without.header("content-type"), None);
        assert!(without.header("authorization").is_some());

        let mut with = lookup("x");
        with.body = Some(Message::to("447700900000").from("Example").body("Hi"));
        let request = endpoint.operation_request(&with).unwrap();
        assert_eq!(request.header("content-type"), Some("application/json"));
        let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
        assert_eq!(body["to"], "447700900000");
        let shown = format!("{request:?}");
        assert!(
            !shown.contains(endpoint.credentials().authorization()),
            "{shown}"
        );
    }

    #[test]
    fn local_validation_refuses_before_anything_is_built_unless_turned_off() {
        let mut invalid = lookup(" ");
        invalid.body = Some(Message::to("447700900000").from("").body("Hi"));
        let error = request(&endpoint(), &invalid, true).unwrap_err();
        let RequestError::Invalid { failures } = &error else {
            panic!("{error:?}");
        };
        let paths: Vec<_> = failures.iter().map(|f| f.property.as_deref()).collect();
        assert_eq!(paths, [Some("id"), Some("from")]);
        assert!(!error.may_have_reached_service());
        assert!(
            error
                .to_string()
                .starts_with("local validation refused the request")
        );
        // Turned off: the request is built (the service judges it).
        assert!(request(&endpoint(), &invalid, false).is_ok());
    }

    #[test]
    fn each_documented_status_reads_into_its_variant() {
        assert_eq!(
            answer(
                200,
                "application/json",
                br#"{"to": "447700900000", "successful": true}"#
            )
            .unwrap(),
            LookupAnswer::Found(MessageResult::to("447700900000").successful(true))
        );
        // A byte order mark before JSON is skipped.
        assert!(matches!(
            answer(
                200,
                "application/json",
                b"\xEF\xBB\xBF{\"to\": \"1\", \"successful\": false}"
            ),
            Ok(LookupAnswer::Found(_))
        ));
        // No content documented: whatever body comes is ignored.
        assert_eq!(answer(204, "", b"ignored").unwrap(), LookupAnswer::NotFound);
        let invalid = answer(
            400,
            "application/json",
            br#"[{"property": "to", "failureCode": "Throttled", "details": "wait"}]"#,
        )
        .unwrap();
        let LookupAnswer::Invalid(failures) = invalid else {
            panic!("{invalid:?}");
        };
        // An open value set: an unknown code is kept.
        assert_eq!(failures[0].failure_code.as_str(), "Throttled");
        assert_eq!(
            answer(409, "text/plain", "in use \u{e9}".as_bytes()).unwrap(),
            LookupAnswer::Conflict("in use \u{e9}".to_owned())
        );
    }

    #[test]
    fn common_failures_are_the_typed_call_errors() {
        let refused = answer(401, "text/plain", b"No authorization header supplied").unwrap_err();
        assert!(refused.is_unauthorized(), "{refused:?}");
        let unlisted = answer(503, "text/html", b"<h1>down</h1>").unwrap_err();
        assert!(
            matches!(unlisted, CallError::Status { status: 503, ref content_type, .. } if content_type.as_deref() == Some("text/html")),
            "{unlisted:?}"
        );
        assert!(unlisted.may_have_reached_service());
        // A documented error status whose body does not read is that status, not a success.
        let unreadable_400 = answer(400, "text/html", b"<h1>bad</h1>").unwrap_err();
        assert!(
            matches!(unreadable_400, CallError::Status { status: 400, .. }),
            "{unreadable_400:?}"
        );
        // A success whose body does not read: the answer is unreadable, the echoed password
        // redacted.
        let echo = format!("{{\"to\": \"{PASSWORD}\"");
        let unreadable = answer(200, "application/json", echo.as_bytes()).unwrap_err();
        let CallError::InvalidResponse {
            status,
            ref reason,
            ref body,
        } = unreadable
        else {
            panic!("{unreadable:?}");
        };
        assert_eq!(status, 200);
        assert!(!reason.is_empty());
        assert!(!format!("{unreadable} {unreadable:?}").contains(PASSWORD));
        assert!(body.text().contains("<redacted>"), "{body}");
        let empty = answer(200, "application/json", b"").unwrap_err();
        assert!(
            matches!(empty, CallError::InvalidResponse { ref reason, .. } if reason == "empty body"),
            "{empty:?}"
        );
    }
}
