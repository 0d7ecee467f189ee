//! Delivery receipts and inbound messages: what Dynmark sends to your URLs, read, checked and
//! joined to what you sent.
//!
//! Dynmark forwards a message's delivery status to its `deliveryStatusUrl`, and SMS sent to
//! your numbers to a URL set in its portal, both as HTTP `GET`s with the fields in the query
//! string ([`DeliveryReceipt`], [`InboundMessage`]), and expects a `200` within 10 seconds.
//! Neither is signed, and a receipt names its message only by the `clientRef` it was sent with.
//! Hence, one concept per item:
//!
//! - [`ReceiptToken`] and [`ReceiptUrl`]: an unguessable token at the end of an `https` URL
//!   (plain `http` only to loopback), never shown by `Debug` or `Display`;
//! - [`assign_client_refs`]: a unique `clientRef` for every message without one;
//! - [`Receiver`]: request parts in, a [`Received`] or a [`Rejection`] (with its status) out,
//!   the token checked in constant time first; no I/O, so any server can use it;
//! - `ReceiverService` (feature `receiver`): the receiver as a `tower::Service` that answers at
//!   once and hands each item to your handler or channel;
//! - [`Tracker`]: joins receipts to the messages sent and lists those without a final status;
//!   [`ClientRefIndex`]: a send's report looked up by `clientRef`.
//!
//! ```
//! use dynmark_api::Message;
//! use dynmark_api::receipts::{assign_client_refs, Received, Receiver, ReceiptToken, ReceiptUrl, Tracker};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let token = ReceiptToken::generate()?; // or ReceiptToken::from_secret(stored)?
//! let url = ReceiptUrl::new("https://example.com/dynmark", &token)?;
//! let messages: Vec<Message> = assign_client_refs([
//!     Message::to("447700900000").from("Example").body("Your order has shipped"),
//! ])
//! .map(|m| m.with_delivery_status_url(url.expose_secret()))
//! .collect();
//!
//! let tracker = Tracker::new();
//! for message in &messages {
//!     tracker.track(message)?; // or tracker.track_report(&messages, &report)? after sending
//! }
//!
//! // What Dynmark then sends to the URL:
//! let request = format!(
//!     "/dynmark/{}?datetime=2016-01-21T09:19:24.123&recipient=447700900000&statusid=2&statusdescription=Delivered&clientref={}",
//!     token.expose_secret(),
//!     messages[0].client_ref.as_deref().unwrap_or_default(),
//! );
//! if let Received::Receipt(receipt) = Receiver::new(token).receive("GET", &request)? {
//!     tracker.receipt(&receipt);
//! }
//! assert!(tracker.pending().is_empty());
//! # Ok(())
//! # }
//! ```

mod client_refs;
mod datetime;
mod error;
mod inbound;
mod query;
mod receipt;
mod receiver;
mod report_lookup;
#[cfg(feature = "receiver")]
mod service;
mod table;
pub(crate) mod token;
mod tracker;

pub use client_refs::{AssignClientRefs, MAX_CLIENT_REF_CHARS, assign_client_refs};
pub use error::{ParseError, Quoted};
pub use inbound::InboundMessage;
pub use query::MAX_QUERY_BYTES;
pub use receipt::{DeliveryReceipt, StatusId};
pub use receiver::{Received, Receiver, Rejection};
pub use report_lookup::ClientRefIndex;
#[cfg(feature = "receiver")]
pub use service::{DEFAULT_QUEUE_CAPACITY, Deliveries, ReceiverService};
pub use table::{QueryKind, QueryParameter};
pub use token::{ReceiptToken, ReceiptUrl, TokenError};
pub use tracker::{Match, TrackError, Tracked, Tracker};
