//! The sans-IO core: everything about talking to Dynmark except moving bytes.
//!
//! - [`Endpoint::request`] builds the HTTP request for some items ([`HttpRequest`]: method, URL,
//!   headers, JSON body);
//! - [`BodyBuffer`] reads a response body up to a bound, and [`Endpoint::parse_response`] turns
//!   an [`HttpResponse`] (status, content type, body) into one result per item or a typed
//!   [`CallError`](crate::CallError);
//! - a [`Batch`] takes items one at a time as the calls being prepared need them
//!   ([`Batch::push`], [`Batch::fill`]), validates them, splits them into [`Call`]s
//!   ([`Batch::poll_call`], which also takes the time: no call starts after the deadline),
//!   records each call's results ([`Batch::record`]) and says what happened as [`Event`]s
//!   ([`Batch::poll_event`]): each item's outcome with the item handed back, as soon as it is
//!   known, after which it forgets the item.
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
//! A call the service may have received is never sent again, because Dynmark could then
//! deliver its messages twice; [`retry`] decides which failed calls provably did not reach it
//! (and a `429`), and when to send those again.

mod batch;
pub(crate) mod body;
mod call;
mod collect;
mod http;
pub mod operation;
mod permits;
pub mod retry;
mod stop;

pub(crate) use batch::SettledItems;
pub use batch::{Batch, BatchOptions, Call, Event, Flow, LentCall, SettledCall};
pub use body::{BodyBuffer, DEFAULT_MAX_RESPONSE_BODY, EXCERPT_BYTES, Excerpt};
pub use call::{ItemResults, UnreadableResult};
pub use collect::Collector;
pub use http::{
    BaseUrl, DEFAULT_BASE_URL, DEFAULT_USER_AGENT, Endpoint, HttpRequest, HttpResponse,
};
pub use permits::CallPermits;
pub use retry::{GiveUpReason, RetryDecision, RetryPolicy, parse_retry_after};
pub use stop::StopHandle;

#[cfg(test)]
mod tests;
