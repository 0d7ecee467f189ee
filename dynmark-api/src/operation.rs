//! What a client needs to know to call one Dynmark endpoint.
//!
//! The code generator emits one type per operation of the OpenAPI document (in
//! [`crate::operations`]): a unit struct implementing [`BatchOperation`] for an operation whose
//! body is an array of items (`message/send`), else a struct holding the call's parameters and
//! body implementing [`Operation`], with an answer enum of one variant per documented status.
//! A new endpoint in the spec becomes callable without hand-written code.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::ValidationFailure;
use crate::error::CallError;
use crate::validation::Validate;

/// The HTTP method of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
}

impl Method {
    /// The method's name as it goes on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// An operation whose request body is a JSON array of items and whose success answer is a JSON
/// array with one result per item, in the same order (Dynmark's `message/send` is one).
pub trait BatchOperation {
    /// The `operationId` in the spec, e.g. `sendMessages`.
    const OPERATION_ID: &'static str;
    /// The HTTP method.
    const METHOD: Method;
    /// The path below the base URL, e.g. `/webapi/message/send`.
    const PATH: &'static str;
    /// The status the service answers with when it took the payload (`202` for `message/send`).
    const ACCEPTED_STATUS: u16;
    /// At most this many items go in one call (the spec's `x-dynmark-max-items-per-call`).
    const MAX_ITEMS_PER_CALL: usize;
    /// How the service names one item in failure paths: `message` in `message[3].from`.
    const ITEM_NAME: &'static str;

    /// One item of the request array.
    type Item: Serialize + Validate;
    /// The service's answer for one item.
    type ItemResult: DeserializeOwned + ItemOutcome;

    /// Appends one item's JSON to a request body: exactly the bytes `serde_json` writes for
    /// its `Serialize` form. This default is `serde_json::to_writer`; the generated operations
    /// write their items with code the generator emits for the item's schema (the member names
    /// written out at build time, plain text copied whole), which is several times faster.
    fn write_item(item: &Self::Item, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
        serde_json::to_writer(out, item)
    }
}

/// Whether the service took one item, and if not, why.
pub trait ItemOutcome {
    /// `true` when the service accepted the item.
    fn is_accepted(&self) -> bool;
    /// The failures the service reported for the item (empty when accepted).
    fn failures(&self) -> &[ValidationFailure];
    /// The failures, owned.
    fn into_failures(self) -> Vec<ValidationFailure>;
}

/// Any operation of the spec that is not a batch: the generator emits one struct per operation
/// (in [`crate::operations`]) holding its parameters and body, and one answer enum with a variant
/// per documented status. A client's `request` method calls it.
///
/// The struct validates itself ([`Validate`]) from the spec's constraints on its parameters and
/// body; the runtime builds the request from [`PATH`](Self::PATH) and the parameters
/// (percent-encoded) and reads the answer with [`read_answer`](Self::read_answer). Credentials
/// refused (`401`), a status the spec does not list and an unreadable body are
/// [`CallError`]s, common to every operation.
pub trait Operation: Validate {
    /// The `operationId` in the spec, e.g. `createVerification`.
    const OPERATION_ID: &'static str;
    /// The HTTP method.
    const METHOD: Method;
    /// The path below the base URL, each path parameter written `{name}`, e.g.
    /// `/webapi/verify/{requestId}/validate`.
    const PATH: &'static str;

    /// The JSON request body (`()` for an operation without one).
    type Body: Serialize;
    /// What the service answered, by status.
    type Answer;

    /// The value of each path parameter, by name (not yet encoded).
    fn path_parameters(&self) -> Vec<(&'static str, String)>;
    /// The query parameters that are set, by name (not yet encoded), in the spec's order.
    fn query_parameters(&self) -> Vec<(&'static str, String)>;
    /// The request body, if the operation has one.
    fn body(&self) -> Option<&Self::Body>;
    /// Reads the body of an answer with `status`: `None` when the spec documents no such status
    /// (or documents it as the common `401`).
    fn read_answer(status: u16, body: &[u8]) -> Option<Result<Self::Answer, JsonError>>;
}

/// Why a documented answer's JSON body could not be read.
pub type JsonError = serde_json::Error;

/// Reads a JSON answer body (what the generated [`Operation::read_answer`] calls).
pub fn json<T: DeserializeOwned>(body: &[u8]) -> Result<T, JsonError> {
    serde_json::from_slice(body)
}

/// Reads a text answer body, lossily as UTF-8 (what the generated [`Operation::read_answer`]
/// calls).
pub fn text(body: &[u8]) -> String {
    String::from_utf8_lossy(body).into_owned()
}

/// Why calling an [`Operation`] gave no answer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    /// Local validation (the spec's constraints) refused the operation's parameters or body:
    /// nothing was sent.
    #[error(
        "local validation refused the request, nothing was sent: {}",
        Failures(failures)
    )]
    Invalid {
        /// Every failure found (`property` is the parameter, or `body.<field>`).
        failures: Vec<ValidationFailure>,
    },
    /// The call failed as a whole: credentials refused, a status the spec does not list, an
    /// unreadable answer, a timeout, a broken connection...
    #[error(transparent)]
    Call(#[from] CallError),
}

impl RequestError {
    /// `true` when the credentials were refused.
    pub fn is_unauthorized(&self) -> bool {
        matches!(self, RequestError::Call(error) if error.is_unauthorized())
    }

    /// `true` when the service may have received the call (see
    /// [`CallError::may_have_reached_service`]): calling again may do it twice.
    pub fn may_have_reached_service(&self) -> bool {
        matches!(self, RequestError::Call(error) if error.may_have_reached_service())
    }
}

struct Failures<'a>(&'a [ValidationFailure]);

impl std::fmt::Display for Failures<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (index, failure) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str("; ")?;
            }
            match failure.property.as_deref() {
                Some(property) if !property.is_empty() => write!(
                    f,
                    "{property}: {} ({})",
                    failure.details, failure.failure_code
                )?,
                _ => write!(f, "{} ({})", failure.details, failure.failure_code)?,
            }
        }
        Ok(())
    }
}
