//! A dry run: what sending a batch would do, with no network. Each message's validation result
//! (the same local validation [`Client::send`](crate::Client::send) runs, in the service's
//! `ValidationFailure` shape), encoding and parts, and the totals.
//!
//! Dynmark has no dry-run call; this is the local equivalent of Sinch's
//! `POST /batches/dry_run`, and its JSON has the same ingredients (messages, parts, each
//! message's parts and encoding), in camelCase:
//!
//! ```
//! use dynmark_api::Message;
//! use dynmark_api::dry_run::DryRun;
//!
//! let messages = [
//!     Message::to("447700900000").from("Example").body("Hello, this is a test message"),
//!     Message::to("447700900111").from("Example").body("Your code is ready 😀"),
//!     Message::to("447700900999").from("").body("Hello, this is a test message"),
//! ];
//! let dry_run = DryRun::of(&messages);
//! assert_eq!(dry_run.totals().messages, 3);
//! assert_eq!(dry_run.totals().valid, 2);
//! assert_eq!(dry_run.totals().parts, 2);
//! assert_eq!(dry_run.totals().by_encoding.ucs2.messages, 1);
//! let json = serde_json::to_value(&dry_run)?;
//! assert_eq!(json["perMessage"][1]["encoding"], "UCS-2");
//! assert_eq!(json["perMessage"][2]["validationFailures"][0]["failureCode"], "FromEmpty");
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! Sinch's fields and ours: `number_of_recipients` is `totals.messages`, `number_of_messages`
//! (parts) is `totals.parts`, `per_recipient` is `perMessage` with `recipient` as `to`,
//! `number_of_parts` as `parts` and `encoding` `GSM`/`UNICODE` as `GSM-7`/`UCS-2`. The body is
//! not repeated; the local validation result, the length in units and the characters that made a
//! body UCS-2 are added.
//!
//! For a batch too large to hold, measure one message at a time with [`DryRunMessage::of`]
//! and add each to a [`DryRunTotals`]: memory stays constant.

use std::fmt;

use serde::Serialize;

use crate::sms::{Encoding, Parts};
use crate::validation::Validate;
use crate::{Message, ValidationFailure};

/// One message of a dry run.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct DryRunMessage {
    /// Its position in the input, from 0.
    pub index: usize,
    /// Its recipient, as given.
    pub to: String,
    /// Every local validation failure, paths as the service writes them in a result (`from`,
    /// `body`); empty when the message is valid.
    pub validation_failures: Vec<ValidationFailure>,
    /// Its body's encoding and parts.
    pub parts: Parts,
}

impl DryRunMessage {
    /// Validates and measures `message`, the `index`-th of its batch.
    pub fn of(index: usize, message: &Message) -> DryRunMessage {
        let validation_failures = match message.validate() {
            Ok(()) => Vec::new(),
            Err(report) => report.into_failures(),
        };
        DryRunMessage {
            index,
            to: message.to.clone(),
            validation_failures,
            parts: message.parts(),
        }
    }

    /// `true` when local validation found nothing wrong: sending would submit it.
    pub fn is_valid(&self) -> bool {
        self.validation_failures.is_empty()
    }

    /// Its body's encoding.
    pub fn encoding(&self) -> Encoding {
        self.parts.encoding()
    }
}

/// `#0 to 447700900000: GSM-7, 1 part (29 septets)`, then for an invalid message `, invalid:`
/// and each failure as `property: details (code)`.
impl fmt::Display for DryRunMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{} to {}: {}", self.index, self.to, self.parts)?;
        for (index, failure) in self.validation_failures.iter().enumerate() {
            f.write_str(if index == 0 { ", invalid: " } else { "; " })?;
            if let Some(property) = &failure.property {
                write!(f, "{property}: ")?;
            }
            write!(f, "{} ({})", failure.details, failure.failure_code)?;
        }
        Ok(())
    }
}

/// `{"index": 0, "to": "447700900000", "valid": true, "encoding": "GSM-7", "parts": 1,
/// "units": 29}`, plus `unicodeCharacters` for a UCS-2 body and `validationFailures` for an
/// invalid message.
impl Serialize for DryRunMessage {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Shape<'a> {
            index: usize,
            to: &'a str,
            valid: bool,
            #[serde(flatten)]
            parts: &'a Parts,
            #[serde(skip_serializing_if = "<[_]>::is_empty")]
            validation_failures: &'a [ValidationFailure],
        }
        Shape {
            index: self.index,
            to: &self.to,
            valid: self.is_valid(),
            parts: &self.parts,
            validation_failures: &self.validation_failures,
        }
        .serialize(serializer)
    }
}

/// The totals of a dry run, accumulated one message at a time ([`add`](Self::add)).
///
/// `parts` and `by_encoding` count the valid messages only: what sending would submit and be
/// billed for. An invalid message is counted in `messages` and `invalid`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DryRunTotals {
    /// Messages measured.
    pub messages: usize,
    /// Messages with no validation failure.
    pub valid: usize,
    /// Messages with at least one validation failure (sending would not submit them).
    pub invalid: usize,
    /// The parts of the valid messages.
    pub parts: usize,
    /// The valid messages and their parts, by encoding.
    pub by_encoding: ByEncoding,
}

/// Valid messages and their parts, per encoding; JSON `{"GSM-7": {...}, "UCS-2": {...}}`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ByEncoding {
    /// GSM-7 messages.
    #[serde(rename = "GSM-7")]
    pub gsm7: EncodingTotals,
    /// UCS-2 messages.
    #[serde(rename = "UCS-2")]
    pub ucs2: EncodingTotals,
}

impl ByEncoding {
    /// The totals of one encoding.
    pub fn get(&self, encoding: Encoding) -> &EncodingTotals {
        match encoding {
            Encoding::Gsm7 => &self.gsm7,
            Encoding::Ucs2 => &self.ucs2,
        }
    }

    fn get_mut(&mut self, encoding: Encoding) -> &mut EncodingTotals {
        match encoding {
            Encoding::Gsm7 => &mut self.gsm7,
            Encoding::Ucs2 => &mut self.ucs2,
        }
    }
}

/// Messages of one encoding and their parts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct EncodingTotals {
    /// Messages.
    pub messages: usize,
    /// Their parts.
    pub parts: usize,
}

impl DryRunTotals {
    /// No messages yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Counts one more message.
    pub fn add(&mut self, message: &DryRunMessage) {
        self.messages += 1;
        if message.is_valid() {
            let parts = message.parts.count();
            self.valid += 1;
            self.parts += parts;
            let by_encoding = self.by_encoding.get_mut(message.encoding());
            by_encoding.messages += 1;
            by_encoding.parts += parts;
        } else {
            self.invalid += 1;
        }
    }

    /// Adds the totals of another part of the same batch (measured on another thread, say).
    pub fn merge(&mut self, other: &DryRunTotals) {
        self.messages += other.messages;
        self.valid += other.valid;
        self.invalid += other.invalid;
        self.parts += other.parts;
        for encoding in [Encoding::Gsm7, Encoding::Ucs2] {
            let theirs = *other.by_encoding.get(encoding);
            let ours = self.by_encoding.get_mut(encoding);
            ours.messages += theirs.messages;
            ours.parts += theirs.parts;
        }
    }
}

/// `6 messages: 5 valid, 1 invalid; 8 parts (GSM-7: 4 messages, 5 parts; UCS-2: 1 message, 3
/// parts)`.
impl fmt::Display for DryRunTotals {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let messages = |n: usize| if n == 1 { "message" } else { "messages" };
        let parts = |n: usize| if n == 1 { "part" } else { "parts" };
        write!(
            f,
            "{} {}: {} valid, {} invalid; {} {} (",
            self.messages,
            messages(self.messages),
            self.valid,
            self.invalid,
            self.parts,
            parts(self.parts)
        )?;
        for (index, encoding) in [Encoding::Gsm7, Encoding::Ucs2].into_iter().enumerate() {
            let totals = self.by_encoding.get(encoding);
            let separator = if index == 0 { "" } else { "; " };
            write!(
                f,
                "{separator}{encoding}: {} {}, {} {}",
                totals.messages,
                messages(totals.messages),
                totals.parts,
                parts(totals.parts)
            )?;
        }
        f.write_str(")")
    }
}

impl<'a> Extend<&'a DryRunMessage> for DryRunTotals {
    fn extend<I: IntoIterator<Item = &'a DryRunMessage>>(&mut self, messages: I) {
        for message in messages {
            self.add(message);
        }
    }
}

/// A dry run of a whole batch: every message and the totals. JSON:
/// `{"totals": {...}, "perMessage": [...]}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DryRun {
    totals: DryRunTotals,
    per_message: Vec<DryRunMessage>,
}

impl DryRun {
    /// Validates and measures every message, in order.
    pub fn of<'a>(messages: impl IntoIterator<Item = &'a Message>) -> DryRun {
        let mut totals = DryRunTotals::new();
        let per_message = messages
            .into_iter()
            .enumerate()
            .map(|(index, message)| {
                let measured = DryRunMessage::of(index, message);
                totals.add(&measured);
                measured
            })
            .collect();
        DryRun {
            totals,
            per_message,
        }
    }

    /// The totals.
    pub fn totals(&self) -> &DryRunTotals {
        &self.totals
    }

    /// Every message, in input order.
    pub fn messages(&self) -> &[DryRunMessage] {
        &self.per_message
    }
}
