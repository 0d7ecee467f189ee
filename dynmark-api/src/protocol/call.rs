//! One call: the request for some items, and the reading of the service's answer to it.

use bytes::Bytes;
use serde_json::value::RawValue;

use crate::error::CallError;
use crate::operation::BatchOperation;
use crate::protocol::body::Excerpt;
use crate::protocol::http::{Endpoint, HttpRequest, HttpResponse};
use crate::{CredentialsFailure, ValidationFailure};

/// The longest `Content-Type` or parser message kept in an error.
const SHORT_TEXT: usize = 200;

/// The service's result for one item that could not be read, although the other results of the
/// same answer could: only that item is affected (it may have been taken by the service).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct UnreadableResult {
    /// What was wrong with it (secrets redacted).
    pub reason: String,
    /// The start of the element as the service sent it.
    pub result: Excerpt,
}

/// What the service answered for each item of a call, in order: its result, or why that result
/// could not be read ([`Endpoint::parse_response`]).
pub type ItemResults<R> = Vec<Result<R, UnreadableResult>>;

/// The longest 2xx body that is read leniently as a credentials failure.
const LENIENT_BYTES: usize = 4096;

/// A UTF-8 byte order mark, which some servers put before JSON.
const BOM: &[u8] = b"\xEF\xBB\xBF";

impl Endpoint {
    /// The URL of operation `Op`: the base URL followed by `Op::PATH`.
    pub fn url<Op: BatchOperation>(&self) -> String {
        format!("{}{}", self.base_url().as_str(), Op::PATH)
    }

    /// The request that sends `items` (all of them, in one call) to operation `Op`.
    pub fn request<Op: BatchOperation>(
        &self,
        items: &[Op::Item],
    ) -> Result<HttpRequest, CallError> {
        self.request_for::<Op>(items.iter(), items.len())
    }

    /// The request for `count` items, written one by one with [`BatchOperation::write_item`].
    pub(crate) fn request_for<'a, Op: BatchOperation>(
        &self,
        items: impl Iterator<Item = &'a Op::Item>,
        count: usize,
    ) -> Result<HttpRequest, CallError>
    where
        Op::Item: 'a,
    {
        let body = json_array::<Op>(items, count).map_err(|e| CallError::Request {
            reason: format!("the items did not serialize to JSON: {e}"),
        })?;
        Ok(HttpRequest {
            method: Op::METHOD,
            url: self.url::<Op>(),
            headers: vec![
                ("content-type", "application/json".to_owned()),
                ("accept", "application/json".to_owned()),
                (
                    "authorization",
                    self.credentials().authorization().to_owned(),
                ),
                ("user-agent", self.user_agent().to_owned()),
            ],
            body: Bytes::from(body),
        })
    }

    /// Reads the service's answer to a call that carried `sent` items of operation `Op`.
    ///
    /// - a 2xx whose body is an array of `sent` elements: `Ok`, one entry per item, in order;
    ///   each element is read on its own, so one that cannot be read is an
    ///   `Err(`[`UnreadableResult`]`)` for its item only, never for its neighbours (when not a
    ///   single element can be read, the call fails as a whole with
    ///   [`CallError::InvalidResponse`], unless it is the credentials failure below);
    /// - a 2xx with another number of elements: [`CallError::ResultCount`] (results are matched
    ///   by position, so none can be trusted);
    /// - a 2xx with `[{"failureDescription": ...}]` (also as the page shows it, with a trailing
    ///   comma), and any 401: [`CallError::Unauthorized`];
    /// - a 400 with an array of failures: [`CallError::BadRequest`];
    /// - any other status, or a 400 that is not such an array: [`CallError::Status`];
    /// - a 2xx whose body is anything else (empty, HTML, invalid JSON, not an array):
    ///   [`CallError::InvalidResponse`].
    ///
    /// Errors carry a bounded excerpt of the body with any echoed secret redacted. Unknown
    /// fields in results are ignored; a missing or `null` `validationFailures` is no failures; a
    /// UTF-8 byte order mark before a 2xx body is skipped.
    pub fn parse_response<Op: BatchOperation>(
        &self,
        response: &HttpResponse,
        sent: usize,
    ) -> Result<ItemResults<Op::ItemResult>, CallError> {
        let status = response.status;
        let body: &[u8] = &response.body;
        match status {
            200..=299 => {
                let body = body.strip_prefix(BOM).unwrap_or(body);
                // The common case in one pass: every result readable.
                if let Ok(results) = serde_json::from_slice::<Vec<Op::ItemResult>>(body)
                    && results.len() == sent
                {
                    return Ok(results.into_iter().map(Ok).collect());
                }
                match serde_json::from_slice::<Vec<&RawValue>>(body) {
                    Ok(elements) if elements.len() == sent => {
                        let results: ItemResults<Op::ItemResult> = elements
                            .iter()
                            .map(|element| self.parse_element::<Op>(element))
                            .collect();
                        if results.iter().any(Result::is_ok) {
                            return Ok(results);
                        }
                        // Not one element could be read: the answer as a whole is not what
                        // was expected (or it is the credentials failure).
                        match serde_json::from_slice::<Vec<Op::ItemResult>>(body) {
                            Err(error) => Err(self.unreadable_success(status, body, &error)),
                            Ok(_) => Ok(results),
                        }
                    }
                    Ok(elements) => {
                        if let Some(refused) = self.credentials_failure(status, body) {
                            return Err(refused);
                        }
                        Err(CallError::ResultCount {
                            sent,
                            received: elements.len(),
                        })
                    }
                    Err(error) => Err(self.unreadable_success(status, body, &error)),
                }
            }
            400 => match serde_json::from_slice::<Vec<ValidationFailure>>(body) {
                Ok(failures) if !failures.is_empty() => Err(CallError::BadRequest {
                    failures: self.redactor().failures(failures),
                }),
                _ => Err(self.status_error(response)),
            },
            _ => Err(self.status_error(response)),
        }
    }

    /// One element of a 2xx answer's array.
    fn parse_element<Op: BatchOperation>(
        &self,
        element: &RawValue,
    ) -> Result<Op::ItemResult, UnreadableResult> {
        serde_json::from_str::<Op::ItemResult>(element.get()).map_err(|error| UnreadableResult {
            reason: Excerpt::quoted(
                error.to_string().as_bytes(),
                self.redactor(),
                SHORT_TEXT,
                false,
            )
            .to_string(),
            result: self.excerpt(element.get().as_bytes()),
        })
    }

    /// The `[{"failureDescription": ...}]` answer: read strictly, else (a short body that names
    /// `failureDescription`) once more without trailing commas, as the page's sample has them.
    fn credentials_failure(&self, status: u16, body: &[u8]) -> Option<CallError> {
        let failures = match serde_json::from_slice::<Vec<CredentialsFailure>>(body) {
            Ok(failures) => failures,
            Err(_) if body.len() <= LENIENT_BYTES && contains(body, b"\"failureDescription\"") => {
                serde_json::from_slice(&without_trailing_commas(body)).ok()?
            }
            Err(_) => return None,
        };
        if failures.is_empty() {
            return None;
        }
        let described: Vec<&str> = failures
            .iter()
            .map(|f| f.failure_description.as_str())
            .collect();
        Some(CallError::Unauthorized {
            status,
            message: self.excerpt(described.join("; ").as_bytes()),
        })
    }

    fn unreadable_success(&self, status: u16, body: &[u8], error: &serde_json::Error) -> CallError {
        if let Some(refused) = self.credentials_failure(status, body) {
            return refused;
        }
        let reason = if body.iter().all(u8::is_ascii_whitespace) {
            "empty body".to_owned()
        } else {
            Excerpt::quoted(
                error.to_string().as_bytes(),
                self.redactor(),
                SHORT_TEXT,
                false,
            )
            .to_string()
        };
        CallError::InvalidResponse {
            status,
            reason,
            body: self.excerpt(body),
        }
    }

    fn status_error(&self, response: &HttpResponse) -> CallError {
        self.status_failure(
            response.status,
            response.content_type.as_deref(),
            self.excerpt(&response.body),
            response.retry_after,
        )
    }

    /// The error an answer with `status` (not a 2xx, nor a readable 400) is, whatever its body
    /// says beyond `body`, the start of it: a 401 refuses the credentials, anything else is
    /// [`CallError::Status`].
    pub(crate) fn status_failure(
        &self,
        status: u16,
        content_type: Option<&str>,
        body: Excerpt,
        retry_after: Option<std::time::Duration>,
    ) -> CallError {
        if status == 401 {
            return CallError::Unauthorized {
                status,
                message: body,
            };
        }
        CallError::Status {
            status,
            content_type: content_type.map(|ct| {
                Excerpt::quoted(ct.as_bytes(), self.redactor(), SHORT_TEXT, false).to_string()
            }),
            body,
            retry_after,
        }
    }

    /// A bounded excerpt of `body` with the endpoint's secrets redacted.
    pub fn excerpt(&self, body: &[u8]) -> Excerpt {
        Excerpt::redacted(body, self.redactor())
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

/// `body` without the commas that directly precede (but for whitespace) a `]` or a `}`, outside
/// strings: `[{"a":1,}]` becomes `[{"a":1}]`.
fn without_trailing_commas(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len());
    let mut in_string = false;
    let mut escaped = false;
    for (at, &byte) in body.iter().enumerate() {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
        } else if byte == b'"' {
            in_string = true;
        } else if byte == b',' {
            let next = body[at + 1..]
                .iter()
                .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
            if matches!(next, Some(b']' | b'}')) {
                continue;
            }
        }
        out.push(byte);
    }
    out
}

/// `count` items as a JSON array, as `serde_json` writes a slice of them. The room for the
/// whole body is reserved once the first item shows how long one is (at most 1 MiB ahead).
fn json_array<'a, Op: BatchOperation>(
    items: impl Iterator<Item = &'a Op::Item>,
    count: usize,
) -> Result<Vec<u8>, serde_json::Error>
where
    Op::Item: 'a,
{
    let mut body = Vec::with_capacity(512);
    body.push(b'[');
    for (i, item) in items.enumerate() {
        if i > 0 {
            body.push(b',');
        }
        let before = body.len();
        Op::write_item(item, &mut body)?;
        if i == 0 {
            // An estimate, so at most 1 MiB: a long first item says little of the others.
            let one = body.len() - before + 1;
            let rest = one.saturating_mul(count.saturating_sub(1)) + one / 2 + 1;
            body.reserve(rest.min(1 << 20));
        }
    }
    body.push(b']');
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_commas_are_removed_outside_strings_only() {
        let strip =
            |body: &str| String::from_utf8(without_trailing_commas(body.as_bytes())).unwrap();
        assert_eq!(strip("[{\"a\":1,}]"), "[{\"a\":1}]");
        assert_eq!(strip("[{\n\t\"a\":\"x\",\n}, ]"), "[{\n\t\"a\":\"x\"\n} ]");
        assert_eq!(strip(r#"["a,]", "b\",}"]"#), r#"["a,]", "b\",}"]"#);
        assert_eq!(strip("[1,2]"), "[1,2]");
    }
}
