//! What a client needs to know to call one Dynmark endpoint.
//!
//! The code generator emits one unit struct per operation of the OpenAPI document (in
//! [`crate::operations`]) implementing these traits, so a new endpoint in the spec becomes callable
//! without hand-written code.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::ValidationFailure;
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
