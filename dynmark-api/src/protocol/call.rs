//! One call: the request for some items, and the reading of the service's answer to it.

use bytes::Bytes;
use serde::Serialize;

use crate::error::CallError;
use crate::operation::BatchOperation;
use crate::protocol::body::Excerpt;
use crate::protocol::http::{Endpoint, HttpRequest, HttpResponse};
use crate::{CredentialsFailure, ValidationFailure};

/// The longest `Content-Type` or parser message kept in an error.
const SHORT_TEXT: usize = 200;

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
        self.request_for::<Op, _>(items)
    }

    /// The request for a serializable sequence of items.
    pub(crate) fn request_for<Op: BatchOperation, T: Serialize + ?Sized>(
        &self,
        items: &T,
    ) -> Result<HttpRequest, CallError> {
        let mut body = Vec::with_capacity(4096);
        serde_json::to_writer(&mut body, items).map_err(|e| CallError::Request {
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
    /// - a 2xx whose body is an array of `sent` results: `Ok`, one result per item, in order;
    /// - a 2xx with another number of results: [`CallError::ResultCount`] (results are matched by
    ///   position, so none can be trusted);
    /// - a 2xx with `[{"failureDescription": ...}]`, and any 401: [`CallError::Unauthorized`];
    /// - a 400 with an array of failures: [`CallError::BadRequest`];
    /// - any other status, or a 400 that is not such an array: [`CallError::Status`];
    /// - a 2xx whose body is anything else (empty, HTML, invalid JSON, another shape):
    ///   [`CallError::InvalidResponse`].
    ///
    /// Errors carry a bounded excerpt of the body with any echoed secret redacted. Unknown
    /// fields in results are ignored; a missing or `null` `validationFailures` is no failures.
    pub fn parse_response<Op: BatchOperation>(
        &self,
        response: &HttpResponse,
        sent: usize,
    ) -> Result<Vec<Op::ItemResult>, CallError> {
        let status = response.status;
        let body: &[u8] = &response.body;
        match status {
            200..=299 => match serde_json::from_slice::<Vec<Op::ItemResult>>(body) {
                Ok(results) if results.len() == sent => Ok(results),
                Ok(results) => Err(CallError::ResultCount {
                    sent,
                    received: results.len(),
                }),
                Err(error) => Err(self.unreadable_success(status, body, &error)),
            },
            401 => Err(CallError::Unauthorized {
                status,
                message: self.excerpt(body),
            }),
            400 => match serde_json::from_slice::<Vec<ValidationFailure>>(body) {
                Ok(failures) if !failures.is_empty() => Err(CallError::BadRequest { failures }),
                _ => Err(self.status_error(response)),
            },
            _ => Err(self.status_error(response)),
        }
    }

    fn unreadable_success(&self, status: u16, body: &[u8], error: &serde_json::Error) -> CallError {
        if let Ok(failures) = serde_json::from_slice::<Vec<CredentialsFailure>>(body)
            && !failures.is_empty()
        {
            let described: Vec<&str> = failures
                .iter()
                .map(|f| f.failure_description.as_str())
                .collect();
            return CallError::Unauthorized {
                status,
                message: self.excerpt(described.join("; ").as_bytes()),
            };
        }
        let reason = if body.iter().all(u8::is_ascii_whitespace) {
            "empty body".to_owned()
        } else {
            let reason = self.credentials().redact(&error.to_string());
            Excerpt::with_limit(reason.as_bytes(), SHORT_TEXT).to_string()
        };
        CallError::InvalidResponse {
            status,
            reason,
            body: self.excerpt(body),
        }
    }

    fn status_error(&self, response: &HttpResponse) -> CallError {
        CallError::Status {
            status: response.status,
            content_type: response
                .content_type
                .as_deref()
                .map(|ct| Excerpt::with_limit(ct.as_bytes(), SHORT_TEXT).to_string()),
            body: self.excerpt(&response.body),
        }
    }

    /// A bounded excerpt of `body` with the endpoint's secrets redacted.
    pub fn excerpt(&self, body: &[u8]) -> Excerpt {
        Excerpt::redacted(body, self.credentials())
    }
}
