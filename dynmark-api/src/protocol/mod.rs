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
//! - for any other operation, [`operation::request`] validates it and builds its request, and
//!   [`Endpoint::read_answer`] reads the answer into the operation's answer enum.
//!
//! Everything here is generic over [`BatchOperation`](crate::operation::BatchOperation) or
//! [`Operation`](crate::operation::Operation), so any
//! operation the spec describes is callable. [`Client`](crate::Client) and
//! `blocking::Client` are thin shells around these functions; with them, any HTTP library can
//! be used instead.
//!
//! Nothing here retries: a call the service may have received is never sent again, because
//! Dynmark could then deliver its messages twice.

mod batch;
pub(crate) mod body;
mod call;
mod http;
pub mod operation;

pub use batch::{Batch, BatchOptions, Call, Flow};
pub use body::{BodyBuffer, DEFAULT_MAX_RESPONSE_BODY, EXCERPT_BYTES, Excerpt};
pub use http::{
    BaseUrl, DEFAULT_BASE_URL, DEFAULT_USER_AGENT, Endpoint, HttpRequest, HttpResponse,
};

#[cfg(test)]
mod tests;
