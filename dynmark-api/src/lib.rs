//! Send SMS through the [Dynmark](https://www.dynmark.com) REST API.
//!
//! ```no_run
//! use dynmark_api::{Client, Message};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::from_env()?; // DYNMARK_USERNAME, DYNMARK_PASSWORD, DYNMARK_BASE_URL
//! let report = client
//!     .send([Message::to("447700900000").from("Example").body("Hello, this is a test message")])
//!     .await?;
//! assert!(report.all_accepted());
//! # Ok(())
//! # }
//! ```
//!
//! # Sending
//!
//! [`Client::send`] takes any number of [`Message`]s. It validates each one locally first (the
//! rules the spec states: see [`validation`]), sends only the valid ones in calls of at most 250
//! (Dynmark's recommendation; [`ClientBuilder::batch_size`]) with up to
//! [`DEFAULT_CALLS_IN_FLIGHT`] calls at once ([`ClientBuilder::calls_in_flight`]), and returns a
//! [`SendReport`] with exactly one [`Outcome`] per input message, in input order:
//!
//! - [`Outcome::Accepted`]: Dynmark took the message;
//! - [`Outcome::Rejected`]: refused, with every [`ValidationFailure`], by local validation
//!   ([`RejectedBy::Client`], nothing was sent) or by the service ([`RejectedBy::Service`]);
//! - [`Outcome::NotSent`]: its call failed or was never made; [`NotSentReason`] says why, and
//!   [`NotSentReason::may_have_reached_service`] whether sending it again could deliver it twice.
//!
//! A call that fails as a whole (credentials refused, 5xx, timeout, connection reset, an
//! unreadable answer) makes the result a [`SendError`], which still holds the report. Refused
//! credentials stop the remaining calls.
//!
//! # Retries: only where nothing can go twice
//!
//! A failed call is sent again (at most 3 attempts, with backoff, [`ClientBuilder::retry_policy`])
//! only when the service provably did not process it: the connection was refused (nothing was
//! written), or an HTTP/2 stream was refused unprocessed (`REFUSED_STREAM`, `GOAWAY` with
//! `NO_ERROR`: RFC 9113 §8.7), or it answered `429` (its `Retry-After` is honoured within the
//! send's deadline). Never a timeout, a connection reset after the request went out, or a 5xx:
//! the service may have received those calls, and sending them again could deliver their
//! messages twice; the report says which messages may have reached it. The details, and why:
//! [`protocol::retry`]. A `Retry-After` the service sent is kept in the error
//! ([`CallError::retry_after`]) and shown in the report.
//!
//! # Secrets
//!
//! The password and the `Authorization` value never appear in `Debug`, `Display`, errors or
//! reports: every text of the service's quoted in an error or a report (bodies, headers, the
//! failures of a 400 or of a 202's results) passes one redaction step, which recognises them raw,
//! JSON-escaped and percent-encoded, and is bounded. The rules (and the one for very short
//! passwords): [`redact`].
//!
//! # Your own HTTP client
//!
//! [`ClientBuilder::http_client`] takes a configured `reqwest::Client` (proxies, a pool shared
//! with the rest of an application, your TLS setup); its docs say what is still set per request
//! and what is then up to that client. [`ClientBuilder::connect_timeout`] bounds connecting.
//! Feature `native-roots` trusts the system's root certificates beside webpki's (a company's
//! TLS-inspecting proxy).
//!
//! The report hands every message back with its outcome
//! ([`SendReport::safe_to_resend`]: those certainly never sent). An empty send makes no call.
//!
//! # Large sends
//!
//! [`Client::send_stream`] takes a stream of messages and is a stream of
//! [`MessageOutcome`]s (the message handed back with its input index and outcome, as soon as it
//! is known): messages are taken only as calls need them, so memory stays bounded whatever the
//! number. [`Sending`] adds a deadline for the whole send ([`ClientBuilder::send_deadline`],
//! [`Sending::time_limit`]), a graceful stop from anywhere ([`StopHandle`]) and the call-level
//! [`Event`]s ([`Sending::events`]: `CallStarting` comes before the call's request is written,
//! for journaling). `send` and `call` collect the same stream.
//!
//! `blocking::Client` (feature `blocking`) has the same methods without `async`: switch by
//! changing the import. Every operation of the spec is callable with no hand-written code: a
//! batch (like `message/send`) with [`Client::call`] and its descriptor in [`operations`], any
//! other with [`Client::request`] and its generated struct, which answers with the variant of
//! its status:
//!
//! ```no_run
//! use dynmark_api::operations::{ValidatePhoneNumber, ValidatePhoneNumberAnswer};
//! use dynmark_api::{Client, NumberStatus, NumberValidationRequest};
//!
//! # async fn run(client: Client) -> Result<(), dynmark_api::RequestError> {
//! let lookup = ValidatePhoneNumber::new(NumberValidationRequest::new("447700900000"));
//! if let ValidatePhoneNumberAnswer::Checked(result) = client.request(&lookup).await? {
//!     if result.number_status == NumberStatus::On {
//!         println!("the handset is on");
//!     }
//! }
//! # Ok(())
//! # }
//! ```
//!
//! The generated types are `#[non_exhaustive]` (build them in named steps,
//! `Message::to(..).from(..).body(..)`, or with `new` when they have one required field, then
//! the `with_` setters) and their open value sets keep unknown values ([`UnknownValue`],
//! [`UnknownNumber`]), so a field, a status or a code added to the spec does not break code
//! written today.
//!
//! # What a message costs
//!
//! [`sms::Parts::of`] (or [`Message::parts`]) gives a body's encoding (GSM-7 or UCS-2), its
//! length in septets or UTF-16 units, its number of parts by the standard's rules and the
//! characters that made it UCS-2; [`dry_run::DryRun`] does that and the local validation for a
//! whole batch, with no network, with totals. [`Message::with_lookalikes_replaced`] (opt-in)
//! turns smart quotes, dashes and Unicode spaces into GSM 03.38 characters and reports what it
//! replaced.
//!
//! # Testing
//!
//! `sandbox::Sandbox` (feature `sandbox`) is a Dynmark-compatible server on 127.0.0.1: Basic
//! auth, the service's 400 and 202 answers, the same validators; it records what it accepted
//! and injects faults (delays, any status or body, dropped connections, `429` with
//! `Retry-After`, HTTP/2 `REFUSED_STREAM`). It speaks HTTP/1.1 and HTTP/2 (prior knowledge).
//!
//! # Delivery receipts and inbound messages
//!
//! [`receipts`] reads what Dynmark sends to a message's `deliveryStatusUrl` and to your inbound
//! URL, checks the URL's secret token, gives every message a `clientRef` to match receipts by,
//! and tracks which messages have their final status; `receipts::ReceiverService` (feature
//! `receiver`) mounts it in any tower stack.
//!
//! # Where things come from
//!
//! The types in [`types`] (re-exported at this crate's root: [`Message`], [`MessageResult`],
//! [`ValidationFailure`], [`FailureCode`], [`CredentialsFailure`], the Verify and number
//! validation types, ...) and the operations in [`operations`] are generated at build time from the OpenAPI document in the `dynmark-spec` crate; the runtime
//! they need ([`validation`], the sans-IO [`protocol`] core, the clients) is written by hand
//! beside them.
//!
//! # Features
//!
//! - `blocking`: `blocking::Client`.
//! - `native-roots`: trust the system's root certificates too (webpki's are always built in).
//! - `receiver`: `receipts::ReceiverService`, a `tower::Service` receiving receipts.
//! - `sandbox`: `sandbox::Sandbox`, for tests (with `receiver`, also `sandbox::ReceiverServer`).
//! - `tracing`: a `tracing` span per send (`dynmark.send`) and per call (`dynmark.call`:
//!   operation, call number, items, status, attempts, outcome, duration) and events for
//!   retries, give-ups and stops; only counts, statuses, durations and failure kinds, never a
//!   secret, a message, a phone number or a body.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

// The generated `types` (each re-exported here by name: a schema named like an item below is a
// compile error, not a hidden type) and `operations`.
include!(concat!(env!("OUT_DIR"), "/dynmark_generated.rs"));

pub mod dry_run;
pub mod operation;
pub mod sms;
pub mod validation;

#[cfg(feature = "blocking")]
pub mod blocking;
mod call_task;
mod client;
mod config;
mod credentials;
mod error;
#[doc(hidden)]
pub mod json;
pub mod protocol;
pub mod receipts;
pub mod redact;
mod report;
#[cfg(feature = "sandbox")]
pub mod sandbox;
mod sending;
mod shell;
mod trace;
mod unknown;

pub use client::{Client, ClientBuilder};
pub use config::{CONNECT_TIMEOUT, DEFAULT_CALLS_IN_FLIGHT, DEFAULT_TIMEOUT};
pub use credentials::Credentials;
pub use error::{BuildError, CallError, CallFailure, CallFailureKind, SendError, TransportError};
pub use operation::RequestError;
pub use protocol::{CallPermits, Event, StopHandle};
pub use report::{Counts, MessageOutcome, NotSentReason, Outcome, RejectedBy, SendReport};
pub use sending::{Events, Sending};
pub use unknown::{UnknownNumber, UnknownValue};

/// `#[derive(Validate)]`: emits [`validation::Validate`] from `#[validate(...)]` field attributes.
pub use dynmark_macros::Validate;
pub use validation::Validate;
