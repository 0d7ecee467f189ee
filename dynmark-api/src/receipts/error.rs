//! [`ParseError`]: why a query string is not a delivery receipt or an inbound message.

use std::fmt;

/// Why a query string could not be read as a [`DeliveryReceipt`](super::DeliveryReceipt) or an
/// [`InboundMessage`](super::InboundMessage). Every variant names the parameter (as Dynmark
/// spells it) when one is at fault, and says what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The query is longer than anything Dynmark sends ([`MAX_QUERY_BYTES`](super::MAX_QUERY_BYTES)).
    #[error(
        "the query string is {len} bytes long, more than the {max} a receipt or an inbound message can need"
    )]
    TooLong {
        /// Its length in bytes.
        len: usize,
        /// The bound.
        max: usize,
    },
    /// A required parameter is absent.
    #[error("parameter `{parameter}` is missing")]
    Missing {
        /// The parameter, as Dynmark names it (`statusid`).
        parameter: &'static str,
    },
    /// A parameter appears more than once: which one is meant cannot be told.
    #[error("parameter `{parameter}` appears more than once")]
    Repeated {
        /// The parameter.
        parameter: &'static str,
    },
    /// A parameter's value is not UTF-8 once percent-decoded.
    #[error("parameter `{parameter}` is not valid UTF-8 once percent-decoded")]
    NotUtf8 {
        /// The parameter.
        parameter: &'static str,
    },
    /// A required parameter is present but empty.
    #[error("parameter `{parameter}` is empty")]
    Empty {
        /// The parameter.
        parameter: &'static str,
    },
    /// A parameter's value does not have the expected form.
    #[error("parameter `{parameter}` is {value}: expected {expected}")]
    Malformed {
        /// The parameter.
        parameter: &'static str,
        /// The start of the value, quoted, with control characters escaped (at most
        /// [`QUOTED_CHARS`](Self::QUOTED_CHARS) characters, then `…`).
        value: Quoted,
        /// What was expected, in words (`an integer`).
        expected: &'static str,
    },
    /// The query has none of the parameters that say what it is (`statusid` for a receipt,
    /// `msgid` for an inbound message).
    #[error(
        "the query is neither a delivery receipt (no `statusid`) nor an inbound message (no `msgid`)"
    )]
    Unrecognised,
}

impl ParseError {
    /// How many characters of a malformed value an error quotes.
    pub const QUOTED_CHARS: usize = 40;

    /// The parameter at fault, if one is.
    pub fn parameter(&self) -> Option<&'static str> {
        match self {
            ParseError::Missing { parameter }
            | ParseError::Repeated { parameter }
            | ParseError::NotUtf8 { parameter }
            | ParseError::Empty { parameter }
            | ParseError::Malformed { parameter, .. } => Some(parameter),
            ParseError::TooLong { .. } | ParseError::Unrecognised => None,
        }
    }
}

/// The start of a value quoted in an error, control characters escaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quoted(String);

impl Quoted {
    pub(crate) fn new(value: &str) -> Quoted {
        let mut chars = value.chars();
        let start: String = chars.by_ref().take(ParseError::QUOTED_CHARS).collect();
        let mut quoted = format!("{:?}", start);
        if chars.next().is_some() {
            quoted.push('…');
        }
        Quoted(quoted)
    }

    /// The quoted text, with its quotes.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Quoted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
