//! Send SMS through the [Dynmark](https://www.dynmark.com) REST API.
//!
//! The types in this crate's root ([`Message`], [`MessageResult`], [`ValidationFailure`],
//! [`FailureCode`]) and the call descriptors in [`operations`] are generated at build time from
//! the OpenAPI document in the `dynmark-spec` crate; the runtime they need (validation, the
//! protocol core, the clients) is written by hand beside them.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod generated {
    #![allow(missing_docs, clippy::all)]
    include!(concat!(env!("OUT_DIR"), "/dynmark_generated.rs"));
}

pub use generated::*;

pub mod operation;
pub mod validation;

#[cfg(feature = "blocking")]
pub mod blocking;
mod client;
mod config;
mod credentials;
mod error;
pub mod protocol;
mod report;
#[cfg(feature = "sandbox")]
pub mod sandbox;

pub use client::{Client, ClientBuilder};
pub use config::{CONNECT_TIMEOUT, DEFAULT_CALLS_IN_FLIGHT, DEFAULT_TIMEOUT};
pub use credentials::Credentials;
pub use error::{BuildError, CallError, CallFailure, CallFailureKind, SendError, TransportError};
pub use report::{Counts, NotSentReason, Outcome, RejectedBy, SendReport};

/// `#[derive(Validate)]`: emits [`validation::Validate`] from `#[validate(...)]` field attributes.
pub use dynmark_macros::Validate;
pub use validation::Validate;
