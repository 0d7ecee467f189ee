//! The sans-IO core: everything about talking to Dynmark except moving bytes.
//!
//! - [`Endpoint::request`] builds the HTTP request for some items ([`HttpRequest`]: method, URL,
//!   headers, JSON body);
//! - [`BodyBuffer`] reads a response body up to a bound, and [`Endpoint::parse_response`] turns
//!   an [`HttpResponse`] (status, content type, body) into one result per item or a typed
//!   [`CallError`](crate::CallError);
//! - a [`Batch`] validates items and splits them into [`Call`]s as they are needed
//!   ([`Batch::next_call`]), merges each call's results back into input order
//!   ([`Batch::record`]) and produces the [`SendReport`](crate::SendReport)
//!   ([`Batch::finish`]).
//!
//! Everything here is generic over [`BatchOperation`](crate::operation::BatchOperation), so any
//! operation the spec describes is callable. [`Client`](crate::Client) and
//! `blocking::Client` are thin shells around these functions; with them, any HTTP library can
//! be used instead.
//!
//! A call the service may have received is never sent again, because Dynmark could then
//! deliver its messages twice; [`retry`] decides which failed calls provably did not reach it
//! (and a `429`), and when to send those again.

mod batch;
pub(crate) mod body;
mod call;
mod http;
pub mod retry;

pub use batch::{Batch, BatchOptions, Call, Flow};
pub use body::{BodyBuffer, DEFAULT_MAX_RESPONSE_BODY, EXCERPT_BYTES, Excerpt};
pub use http::{
    BaseUrl, DEFAULT_BASE_URL, DEFAULT_USER_AGENT, Endpoint, HttpRequest, HttpResponse,
};
pub use retry::{GiveUpReason, RetryDecision, RetryPolicy, parse_retry_after};

#[cfg(test)]
mod tests;
