//! [`Receiver`]: the framework-agnostic receiving function (request parts in, a receipt, an
//! inbound message or a [`Rejection`] out). No I/O: any server can call it.

use std::fmt;

use super::error::ParseError;
use super::inbound::InboundMessage;
use super::query;
use super::receipt::DeliveryReceipt;
use super::token::ReceiptToken;

/// Checks and reads what Dynmark forwards to a URL ending with a [`ReceiptToken`]: delivery
/// receipts (they have `statusid`) and inbound messages (they have `msgid`), both `GET`s.
///
/// | request | [`receive`](Self::receive) gives | answer ([`Rejection::status`]) |
/// |---|---|---|
/// | a method other than `GET` | [`Rejection::MethodNotAllowed`] | `405`, `Allow: GET` |
/// | a last path segment other than the token (checked in constant time, before anything else is read) | [`Rejection::WrongToken`] | `404` |
/// | a query that is neither, or a malformed one | [`Rejection::BadRequest`] with the [`ParseError`] | `400`, the error as text |
/// | a receipt or an inbound message | [`Received`] | `200` |
///
/// Its `Debug` never shows the token.
#[derive(Debug, Clone)]
pub struct Receiver {
    token: ReceiptToken,
}

/// What a [`Receiver`] read from a request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Received {
    /// A delivery receipt.
    Receipt(DeliveryReceipt),
    /// An inbound message.
    Inbound(InboundMessage),
}

/// Why a [`Receiver`] refused a request, and how to answer it. Its `Display` is the answer's
/// text; none ever quotes the request's path (which holds the token, right or wrong).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rejection {
    /// Not a `GET`.
    MethodNotAllowed,
    /// The path does not end with the token.
    WrongToken,
    /// The token is right, the query is not a receipt nor an inbound message.
    BadRequest(ParseError),
}

impl Rejection {
    /// The HTTP status to answer with: `405`, `404` or `400`.
    pub fn status(&self) -> u16 {
        match self {
            Rejection::MethodNotAllowed => 405,
            Rejection::WrongToken => 404,
            Rejection::BadRequest(_) => 400,
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::MethodNotAllowed => {
                f.write_str("method not allowed: Dynmark forwards receipts and messages with GET")
            }
            Rejection::WrongToken => f.write_str("not found"),
            Rejection::BadRequest(error) => write!(f, "bad request: {error}"),
        }
    }
}

impl std::error::Error for Rejection {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Rejection::BadRequest(error) => Some(error),
            _ => None,
        }
    }
}

impl Receiver {
    /// A receiver accepting requests whose path ends with `token`.
    pub fn new(token: ReceiptToken) -> Receiver {
        Receiver { token }
    }

    /// Reads one request: its method and its URI as the server got it (`/dynmark/TOKEN?...`, or
    /// absolute).
    ///
    /// # Errors
    ///
    /// A [`Rejection`]: see the table on [`Receiver`].
    ///
    /// ```
    /// use dynmark_api::receipts::{Received, Receiver, ReceiptToken, Rejection};
    ///
    /// let token = ReceiptToken::generate()?;
    /// let receiver = Receiver::new(token.clone());
    /// let uri = format!(
    ///     "/dynmark/{}?datetime=2016-01-21T09:19:24.123Z&recipient=447700900000&statusid=2&statusdescription=Delivered&clientref=order-1",
    ///     token.expose_secret()
    /// );
    /// let Ok(Received::Receipt(receipt)) = receiver.receive("GET", &uri) else { panic!() };
    /// assert_eq!(receipt.client_ref.as_deref(), Some("order-1"));
    ///
    /// let wrong = receiver.receive("GET", "/dynmark/guess?statusid=2").unwrap_err();
    /// assert_eq!(wrong, Rejection::WrongToken);
    /// assert_eq!(wrong.status(), 404);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn receive(&self, method: &str, uri: &str) -> Result<Received, Rejection> {
        let without_query = uri.split(['?', '#']).next().unwrap_or_default();
        self.receive_parts(method, without_query, query::of_uri(uri).as_bytes())
    }

    /// [`receive`](Self::receive) from the parts: the path (`/dynmark/TOKEN`) and the raw query
    /// bytes (without `?`, empty when none).
    ///
    /// # Errors
    ///
    /// A [`Rejection`]: see the table on [`Receiver`].
    pub fn receive_parts(
        &self,
        method: &str,
        path: &str,
        query: &[u8],
    ) -> Result<Received, Rejection> {
        if method != "GET" {
            return Err(Rejection::MethodNotAllowed);
        }
        let last = path
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or_default();
        if !self.token.matches(last.as_bytes()) {
            return Err(Rejection::WrongToken);
        }
        read(query).map_err(Rejection::BadRequest)
    }
}

/// A receipt when the query has `statusid`, an inbound message when it has `msgid`.
pub(crate) fn read(query: &[u8]) -> Result<Received, ParseError> {
    if query::has(query, "statusid") {
        DeliveryReceipt::from_query(query).map(Received::Receipt)
    } else if query::has(query, "msgid") {
        InboundMessage::from_query(query).map(Received::Inbound)
    } else if query.len() > query::MAX_QUERY_BYTES {
        Err(ParseError::TooLong {
            len: query.len(),
            max: query::MAX_QUERY_BYTES,
        })
    } else {
        Err(ParseError::Unrecognised)
    }
}
