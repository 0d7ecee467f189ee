//! [`InboundMessage`]: an SMS sent to one of your numbers, as Dynmark forwards it.

use chrono::{DateTime, Utc};

use super::error::ParseError;
use super::table::{self, QueryParameter};
use super::{datetime, query};

/// A reply or other SMS sent to one of your Dynmark numbers, forwarded to the URL set in the
/// portal: an HTTP `GET` whose query holds `msgid`, `datetime`, `sender`, `recipient` and
/// `content` (Dynmark's own sample, `InboundServlet.java`).
///
/// `datetime` is read in the sample's form, `dd MMM yyyy HH:mm:ss` (`21 Jan 2016 09:19:24`), or
/// in the receipts' form; both are taken as UTC.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InboundMessage {
    /// `msgid`: Dynmark's id for the message (the sample reads it as a 64-bit integer).
    pub message_id: i64,
    /// `datetime`: when Dynmark received it, in UTC.
    pub datetime: DateTime<Utc>,
    /// `sender`: the number that sent it.
    pub sender: String,
    /// `recipient`: your number it was sent to.
    pub recipient: String,
    /// `content`: the text (may be empty).
    pub content: String,
}

impl InboundMessage {
    /// The query parameters of an inbound message, as the spec describes them (the `inboundMessage` entry of `x-dynmark-webhooks`), in its
    /// order.
    pub const PARAMETERS: &'static [QueryParameter] = crate::requests_to_you::INBOUND_MESSAGE;

    /// An inbound message (for tests and the sandbox: Dynmark builds the real ones).
    pub fn new(
        message_id: i64,
        datetime: DateTime<Utc>,
        sender: impl Into<String>,
        recipient: impl Into<String>,
        content: impl Into<String>,
    ) -> InboundMessage {
        InboundMessage {
            message_id,
            datetime,
            sender: sender.into(),
            recipient: recipient.into(),
            content: content.into(),
        }
    }

    /// Reads a query string (without the `?`).
    ///
    /// # Errors
    ///
    /// [`ParseError`]: a parameter missing (all five are required; `content` may be empty),
    /// repeated or not UTF-8, `sender` or `recipient` empty, `msgid` or `datetime` malformed,
    /// or a query over [`MAX_QUERY_BYTES`](super::MAX_QUERY_BYTES).
    ///
    /// ```
    /// use dynmark_api::receipts::InboundMessage;
    ///
    /// let inbound = InboundMessage::from_query(
    ///     "msgid=12345&datetime=21+Jan+2016+09%3A19%3A24&sender=447700900000\
    ///      &recipient=447860000000&content=Yes+please",
    /// )?;
    /// assert_eq!(inbound.content, "Yes please");
    /// # Ok::<(), dynmark_api::receipts::ParseError>(())
    /// ```
    pub fn from_query(query: impl AsRef<[u8]>) -> Result<InboundMessage, ParseError> {
        let mut read = table::read(query.as_ref(), Self::PARAMETERS)?;
        Ok(InboundMessage {
            message_id: read.integer("msgid").unwrap_or_default(),
            datetime: read.date_time("datetime").unwrap_or_default(),
            sender: read.text("sender").unwrap_or_default(),
            recipient: read.text("recipient").unwrap_or_default(),
            content: read.text("content").unwrap_or_default(),
        })
    }

    /// Reads the query of a request URI; the path is not looked at.
    ///
    /// # Errors
    ///
    /// As [`from_query`](Self::from_query).
    pub fn from_uri(uri: &str) -> Result<InboundMessage, ParseError> {
        InboundMessage::from_query(query::of_uri(uri))
    }

    /// The query string Dynmark would send (`datetime` as `21 Jan 2016 09:19:24`).
    pub fn to_query(&self) -> String {
        let mut out = String::new();
        query::push(&mut out, "msgid", &self.message_id.to_string());
        query::push(
            &mut out,
            "datetime",
            &datetime::inbound_form(&self.datetime),
        );
        query::push(&mut out, "sender", &self.sender);
        query::push(&mut out, "recipient", &self.recipient);
        query::push(&mut out, "content", &self.content);
        out
    }
}
