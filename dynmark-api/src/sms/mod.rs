//! What a message costs before it is sent: its encoding, its length and its parts.
//!
//! SMS is billed per part, and one character decides the encoding: a body is GSM-7 when every
//! character is in the GSM 03.38 tables ([`alphabet`]), otherwise the whole body is UCS-2. One
//! part holds 160 septets or 70 UTF-16 units; a longer body is split into parts of 153 or 67,
//! never splitting an escape pair or a surrogate pair. [`Parts::of`] applies those rules
//! (3GPP TS 23.040 §9.2.3.24.1 and TS 23.038 §6.2.1) and says which characters made a body
//! UCS-2, and where.
//!
//! ```
//! use dynmark_api::sms::{Encoding, Parts};
//!
//! assert_eq!(Parts::of(&"a".repeat(160)).count(), 1);
//! assert_eq!(Parts::of(&"a".repeat(161)).count(), 2);
//! // The `{` (2 septets) cannot straddle parts 1 and 2: 306 septets, 3 parts.
//! let body = format!("{}{{{}", "a".repeat(152), "a".repeat(152));
//! assert_eq!((Parts::of(&body).units(), Parts::of(&body).count()), (306, 3));
//! // The surrogate pair of 😀 cannot straddle either: 134 units, 3 parts.
//! let body = format!("{}😀{}", "a".repeat(66), "a".repeat(66));
//! let parts = Parts::of(&body);
//! assert_eq!((parts.encoding(), parts.units(), parts.count()), (Encoding::Ucs2, 134, 3));
//! ```
//!
//! [`replace_lookalikes`] (opt-in, never silent) turns smart quotes, dashes, ellipses and
//! Unicode spaces into GSM 03.38 characters when that makes the whole body GSM-7;
//! [`Message::with_lookalikes_replaced`](crate::Message::with_lookalikes_replaced) does it to a
//! message. National language shift tables are not counted: Dynmark documents none.

pub mod alphabet;
mod encoding;
mod lookalikes;
mod message;
mod parts;
mod split;

pub use encoding::Encoding;
pub use lookalikes::{LOOKALIKES, Replaced, Replacement, Unchanged, lookalike, replace_lookalikes};
pub use parts::{MAX_PARTS, PartStart, Parts, UnicodeChar, unicode_chars};
