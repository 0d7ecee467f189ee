//! Errors: a whole call that failed ([`CallError`]), a send with failed calls ([`SendError`],
//! which still carries the report of every message), and a client that could not be built
//! ([`BuildError`]).
//!
//! None of them ever shows the password or the `Authorization` header; excerpts of the
//! service's answers are bounded ([`Excerpt`]) and have any echoed secret redacted.

use std::error::Error as StdError;
use std::fmt;

use serde::Serialize;

use crate::ValidationFailure;
use crate::protocol::Excerpt;
use crate::protocol::body::write_one_line;
use crate::report::SendReport;

/// Why one HTTP call failed as a whole: no per-item results came back from it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CallError {
    /// The service refused the credentials: HTTP 401 (a `text/plain` message), or the 202
    /// `[{"failureDescription": ...}]` answer the page also shows. The call was not processed.
    #[error("the service refused the credentials (HTTP {status}): {message}")]
    Unauthorized {
        /// The HTTP status: 401, or 202 for the `failureDescription` shape.
        status: u16,
        /// What the service said.
        message: Excerpt,
    },
    /// HTTP 400: the service could not read the payload and processed none of it.
    #[error(
        "the service refused the whole call (HTTP 400): {}",
        FailureList(failures)
    )]
    BadRequest {
        /// The failures the service listed (`property` names the item, e.g. `message[1].body`).
        failures: Vec<ValidationFailure>,
    },
    /// Any other status (3xx, 403, 404, 5xx, ...), or a 400 that is not a list of failures.
    #[error(
        "the service answered HTTP {status}{}: {body}",
        ContentType(content_type)
    )]
    Status {
        /// The HTTP status.
        status: u16,
        /// The `Content-Type` of the answer, if any.
        content_type: Option<String>,
        /// The start of the body.
        body: Excerpt,
    },
    /// A success status whose body is not the expected JSON (HTML, invalid JSON, empty, wrong
    /// shape).
    #[error("the service's answer (HTTP {status}) could not be read: {reason}; body: {body}")]
    InvalidResponse {
        /// The HTTP status.
        status: u16,
        /// What was wrong with it.
        reason: String,
        /// The start of the body.
        body: Excerpt,
    },
    /// A success answer with a different number of results than items sent: results are matched
    /// to items by position, so none of them can be trusted.
    #[error(
        "the service answered with {received} result(s) for {sent} item(s); results cannot be matched to items"
    )]
    ResultCount {
        /// Items sent in the call.
        sent: usize,
        /// Results in the answer.
        received: usize,
    },
    /// The answer's body is larger than the client's limit (`max_response_body`).
    #[error(
        "the service's answer (HTTP {status}) is larger than the limit of {limit} bytes{}",
        TooLarge(announced, body)
    )]
    BodyTooLarge {
        /// The HTTP status.
        status: u16,
        /// The limit, in bytes.
        limit: usize,
        /// The length the answer announced (`Content-Length`), when that is how it was caught.
        announced: Option<u64>,
        /// The start of the body (empty when caught by the announced length: nothing was read).
        body: Excerpt,
    },
    /// No complete answer within the client's timeout. The service may have received the call.
    #[error("no complete answer within the timeout")]
    Timeout {
        /// The transport's error.
        #[source]
        source: TransportError,
    },
    /// The connection could not be made (DNS, refused, TLS): the call was not sent.
    #[error("could not connect to the service")]
    Connect {
        /// The transport's error.
        #[source]
        source: TransportError,
    },
    /// The connection failed after the call was sent and before the full answer arrived
    /// (reset, closed, truncated body). The service may have received the call.
    #[error("the connection failed before the service's full answer arrived")]
    Connection {
        /// The transport's error.
        #[source]
        source: TransportError,
    },
    /// The request could not be built (an item did not serialize to JSON, a header value was
    /// refused), or the call could not be started: the call was not sent.
    #[error("could not build the request: {reason}")]
    Request {
        /// What went wrong.
        reason: String,
    },
    /// The code handling the call panicked (for example the deserializer of an operation's
    /// result type). The call may have reached the service. Like refused credentials, it stops
    /// the batch: no further call is started.
    #[error("the call panicked: {}", OneLine(message))]
    Panicked {
        /// The panic's message (or a note that it had none).
        message: String,
    },
    /// The call was handed out to be sent ([`Batch::poll_call`](crate::protocol::Batch::poll_call))
    /// and no result was recorded for it before the batch was finished: it may have reached the
    /// service.
    #[error("no result was recorded for the call; it may have reached the service")]
    NotRecorded,
}

impl CallError {
    /// The kind of failure, without its details (what [`NotSentReason`](crate::NotSentReason)
    /// records for each message of the call).
    pub fn kind(&self) -> CallFailureKind {
        match self {
            CallError::Unauthorized { .. } => CallFailureKind::Unauthorized,
            CallError::BadRequest { .. } => CallFailureKind::BadRequest,
            CallError::Status { status, .. } => CallFailureKind::Status { status: *status },
            CallError::InvalidResponse { .. } => CallFailureKind::InvalidResponse,
            CallError::ResultCount { sent, received } => CallFailureKind::ResultCount {
                sent: *sent,
                received: *received,
            },
            CallError::BodyTooLarge { .. } => CallFailureKind::BodyTooLarge,
            CallError::Timeout { .. } => CallFailureKind::Timeout,
            CallError::Connect { .. } => CallFailureKind::Connect,
            CallError::Connection { .. } => CallFailureKind::Connection,
            CallError::Request { .. } => CallFailureKind::Request,
            CallError::Panicked { .. } => CallFailureKind::Panicked,
            CallError::NotRecorded => CallFailureKind::NotRecorded,
        }
    }

    /// `true` when the credentials were refused (every other call would be refused too).
    pub fn is_unauthorized(&self) -> bool {
        matches!(self, CallError::Unauthorized { .. })
    }

    /// `true` when no further call of the batch should start after this one: the credentials
    /// were refused (every other call would be too), or the call panicked.
    pub fn stops_batch(&self) -> bool {
        matches!(
            self,
            CallError::Unauthorized { .. } | CallError::Panicked { .. }
        )
    }

    /// The error for a call whose handling panicked with `payload`.
    pub(crate) fn panicked(payload: Box<dyn std::any::Any + Send>) -> CallError {
        let message = if let Some(message) = payload.downcast_ref::<&str>() {
            (*message).to_owned()
        } else if let Some(message) = payload.downcast_ref::<String>() {
            message.clone()
        } else {
            "(a panic without a message)".to_owned()
        };
        CallError::Panicked { message }
    }

    /// See [`CallFailureKind::may_have_reached_service`].
    pub fn may_have_reached_service(&self) -> bool {
        self.kind().may_have_reached_service()
    }
}

/// The kind of a [`CallError`], without its details.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[non_exhaustive]
pub enum CallFailureKind {
    /// See [`CallError::Unauthorized`].
    Unauthorized,
    /// See [`CallError::BadRequest`].
    BadRequest,
    /// See [`CallError::Status`].
    Status {
        /// The HTTP status.
        status: u16,
    },
    /// See [`CallError::InvalidResponse`].
    InvalidResponse,
    /// See [`CallError::ResultCount`].
    ResultCount {
        /// Items sent.
        sent: usize,
        /// Results received.
        received: usize,
    },
    /// See [`CallError::BodyTooLarge`].
    BodyTooLarge,
    /// See [`CallError::Timeout`].
    Timeout,
    /// See [`CallError::Connect`].
    Connect,
    /// See [`CallError::Connection`].
    Connection,
    /// See [`CallError::Request`].
    Request,
    /// See [`CallError::Panicked`].
    Panicked,
    /// See [`CallError::NotRecorded`].
    NotRecorded,
}

impl CallFailureKind {
    /// `false` when the service did not process the call: it was never sent, or it was refused
    /// as a whole (credentials, 400, any other 3xx or 4xx status); `true` when it may have: a
    /// timeout, a broken connection, a 5xx, an unreadable or mismatched answer, a panic while
    /// handling the call, a call whose result was never recorded. Sending those messages again
    /// may deliver them twice.
    pub fn may_have_reached_service(self) -> bool {
        match self {
            CallFailureKind::Unauthorized
            | CallFailureKind::BadRequest
            | CallFailureKind::Connect
            | CallFailureKind::Request => false,
            CallFailureKind::Status { status } => !(300..500).contains(&status),
            CallFailureKind::InvalidResponse
            | CallFailureKind::ResultCount { .. }
            | CallFailureKind::BodyTooLarge
            | CallFailureKind::Timeout
            | CallFailureKind::Connection
            | CallFailureKind::Panicked
            | CallFailureKind::NotRecorded => true,
        }
    }
}

impl fmt::Display for CallFailureKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallFailureKind::Unauthorized => f.write_str("credentials refused"),
            CallFailureKind::BadRequest => f.write_str("HTTP 400, payload refused"),
            CallFailureKind::Status { status } => write!(f, "HTTP {status}"),
            CallFailureKind::InvalidResponse => f.write_str("unreadable answer"),
            CallFailureKind::ResultCount { sent, received } => {
                write!(f, "{received} result(s) for {sent} item(s)")
            }
            CallFailureKind::BodyTooLarge => f.write_str("answer too large"),
            CallFailureKind::Timeout => f.write_str("timed out"),
            CallFailureKind::Connect => f.write_str("could not connect"),
            CallFailureKind::Connection => f.write_str("connection failed"),
            CallFailureKind::Request => f.write_str("request not built"),
            CallFailureKind::Panicked => f.write_str("panicked"),
            CallFailureKind::NotRecorded => f.write_str("no result recorded"),
        }
    }
}

/// An error from the HTTP transport (reqwest), without the URL.
#[derive(Debug)]
pub struct TransportError(Box<dyn StdError + Send + Sync + 'static>);

impl TransportError {
    /// Wraps a transport's error.
    pub fn new(error: impl StdError + Send + Sync + 'static) -> Self {
        TransportError(Box::new(error))
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.0.source()
    }
}

/// One call of a send that failed as a whole.
#[derive(Debug)]
pub struct CallFailure {
    /// The call's number, from 0, in the order calls were planned.
    pub call: usize,
    /// The input indices of the items the call carried.
    pub items: Vec<usize>,
    /// Why it failed.
    pub error: CallError,
}

/// A send that did not end with an answer for every message: one or more calls failed as a
/// whole (credentials refused, 5xx, timeout, connection reset, unreadable answer, ...), or some
/// messages were never sent (the send's deadline passed, it was stopped), or the service's
/// result for some message could not be read.
///
/// It still carries the [`SendReport`] for every input message: the ones accepted by other
/// calls, the ones rejected, and the ones not sent (with the reason), and the messages
/// themselves. When the credentials are refused ([`is_unauthorized`](Self::is_unauthorized))
/// or a call panicked, no further call is started.
#[derive(Debug)]
pub struct SendError<T = crate::Message> {
    report: Box<SendReport<T>>,
    failures: Vec<CallFailure>,
    calls: usize,
}

impl<T> SendError<T> {
    pub(crate) fn new(report: SendReport<T>, failures: Vec<CallFailure>, calls: usize) -> Self {
        SendError {
            report: Box::new(report),
            failures,
            calls,
        }
    }

    /// The report: one outcome per input message, in input order.
    pub fn report(&self) -> &SendReport<T> {
        &self.report
    }

    /// The report, owned.
    pub fn into_report(self) -> SendReport<T> {
        *self.report
    }

    /// The failed calls, in call order; empty when no call failed as a whole (the send ended
    /// early, or only single results were unreadable: see the report's
    /// [`not_sent`](SendReport::not_sent)).
    pub fn failures(&self) -> &[CallFailure] {
        &self.failures
    }

    /// How many calls the send made or planned.
    pub fn calls(&self) -> usize {
        self.calls
    }

    /// `true` when the service refused the credentials.
    pub fn is_unauthorized(&self) -> bool {
        self.failures.iter().any(|f| f.error.is_unauthorized())
    }
}

impl<T> fmt::Display for SendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(first) = self.failures.first() {
            write!(
                f,
                "{} of {} call(s) failed; call {}: {}",
                self.failures.len(),
                self.calls,
                first.call,
                first.error
            )?;
        } else {
            f.write_str("not every message was answered")?;
            if let Some((_, reason)) = self.report.not_sent().next() {
                write!(f, " (first: {reason})")?;
            }
        }
        let counts = self.report.counts();
        write!(
            f,
            " ({} accepted, {} rejected, {} not sent)",
            counts.accepted, counts.rejected, counts.not_sent
        )
    }
}

impl<T: fmt::Debug> StdError for SendError<T> {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.failures
            .first()
            .map(|f| &f.error as &(dyn StdError + 'static))
    }
}

/// A client could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// No credentials were given.
    #[error("no credentials: call `credentials(username, password)`")]
    MissingCredentials,
    /// The base URL is not a usable absolute URL (it is not repeated here: it may hold secrets).
    #[error("invalid base URL: {reason}")]
    InvalidBaseUrl {
        /// What is wrong with it.
        reason: String,
    },
    /// A plain `http://` base URL for a host that is not loopback, without `allow_http(true)`.
    #[error(
        "refusing plain http:// to {host}: credentials would cross the network unencrypted (use https://, or allow_http(true))"
    )]
    InsecureBaseUrl {
        /// The URL's host.
        host: String,
    },
    /// A setting is out of range.
    #[error("invalid {name}: {reason}")]
    InvalidSetting {
        /// The setting.
        name: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The username cannot be sent with HTTP Basic authentication: it is empty, or it contains
    /// `:` (RFC 7617: the first `:` separates the username from the password). Neither the
    /// username nor the password is repeated here.
    #[error("invalid username: {reason}")]
    InvalidUsername {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A required environment variable is not set (or is empty).
    #[error("environment variable {name} is not set")]
    MissingEnv {
        /// The variable.
        name: &'static str,
    },
    /// An environment variable is not valid Unicode.
    #[error("environment variable {name} is not valid Unicode")]
    InvalidEnv {
        /// The variable.
        name: &'static str,
    },
    /// The HTTP client could not be set up (e.g. TLS initialisation).
    #[error("could not set up the HTTP client")]
    Http {
        /// The transport's error.
        #[source]
        source: TransportError,
    },
}

struct FailureList<'a>(&'a [ValidationFailure]);

impl fmt::Display for FailureList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failure(s)", self.0.len())?;
        for (i, failure) in self.0.iter().enumerate() {
            f.write_str(if i == 0 { ": " } else { "; " })?;
            write_failure(f, failure)?;
        }
        Ok(())
    }
}

/// `property: details (code)`, the one-line form of a failure used in reports and errors.
///
/// The parts may come from the network: control characters are escaped as in an
/// [`Excerpt`], so a failure cannot start a line of its own in a report.
pub(crate) fn write_failure(
    f: &mut fmt::Formatter<'_>,
    failure: &ValidationFailure,
) -> fmt::Result {
    match failure.property.as_deref() {
        Some(property) if !property.is_empty() => {
            write_one_line(f, property)?;
            f.write_str(": ")?;
        }
        _ => {}
    }
    write_one_line(f, &failure.details)?;
    f.write_str(" (")?;
    write_one_line(f, failure.failure_code.as_str())?;
    f.write_str(")")
}

/// Text shown on one line (see [`write_one_line`]).
struct OneLine<'a>(&'a str);

impl fmt::Display for OneLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_one_line(f, self.0)
    }
}

struct TooLarge<'a>(&'a Option<u64>, &'a Excerpt);

impl fmt::Display for TooLarge<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TooLarge(Some(announced), _) => write!(f, ": it announced {announced} bytes"),
            TooLarge(None, body) => write!(f, "; it starts: {body}"),
        }
    }
}

struct ContentType<'a>(&'a Option<String>);

impl fmt::Display for ContentType<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(content_type) => write!(f, " ({content_type})"),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FailureCode;

    #[test]
    fn failures_from_the_network_stay_on_one_line() {
        let failure = ValidationFailure {
            property: Some("from\n  #7 accepted".into()),
            failure_code: FailureCode::Other("X\u{1b}[2J".into()),
            details: "line1\n  #1 accepted\u{1b}[31m\r".into(),
        };
        struct Shown<'a>(&'a ValidationFailure);
        impl fmt::Display for Shown<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write_failure(f, self.0)
            }
        }
        let shown = Shown(&failure).to_string();
        assert_eq!(
            shown,
            "from\\n  #7 accepted: line1\\n  #1 accepted\\u{1b}[31m\\r (X\\u{1b}[2J)"
        );
        assert!(!shown.contains(['\n', '\r', '\u{1b}']));
        let error = CallError::BadRequest {
            failures: vec![failure],
        };
        assert!(!error.to_string().contains(['\n', '\r', '\u{1b}']));
        let error = CallError::Panicked {
            message: "boom\nforged line".into(),
        };
        assert_eq!(error.to_string(), "the call panicked: boom\\nforged line");
    }

    #[test]
    fn panics_may_have_reached_the_service_and_stop_the_batch() {
        let error = CallError::panicked(Box::new("boom"));
        assert!(matches!(&error, CallError::Panicked { message } if message == "boom"));
        assert!(error.may_have_reached_service());
        assert!(error.stops_batch());
        assert!(!error.is_unauthorized());
        let error = CallError::panicked(Box::new(String::from("owned")));
        assert!(matches!(&error, CallError::Panicked { message } if message == "owned"));
        let error = CallError::panicked(Box::new(42));
        assert!(
            matches!(&error, CallError::Panicked { message } if message.contains("without a message"))
        );
        assert!(CallError::NotRecorded.may_have_reached_service());
        assert!(!CallError::NotRecorded.stops_batch());
    }
}
