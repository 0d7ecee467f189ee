//! [`DeliveryReceipt`]: what Dynmark sends to a message's `deliveryStatusUrl`.

use std::fmt;

use chrono::{DateTime, Utc};

use super::error::ParseError;
use super::table::{self, QueryParameter};
use super::{datetime, query};

/// A message's delivery status, as Dynmark forwards it to the message's `deliveryStatusUrl`: an
/// HTTP `GET` whose query holds `datetime`, `recipient`, `statusid`, `statusdescription` and
/// `clientref` (Dynmark's own sample, `ReceiptServlet.java`). It carries no message id: the
/// `clientRef` sent with the message is the only way to tell which message it is about.
///
/// Parsing is lenient where the sample is: parameter names in any ASCII case, unknown
/// parameters ignored, `datetime` with or without milliseconds and a trailing `Z`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeliveryReceipt {
    /// `datetime`: when the status was reached, in UTC.
    pub datetime: DateTime<Utc>,
    /// `recipient`: the number the message went to.
    pub recipient: String,
    /// `statusid`: the status, an open set of integers (Dynmark publishes no table).
    pub status_id: StatusId,
    /// `statusdescription`: the status in words (may be empty).
    pub status_description: String,
    /// `clientref`: the message's `clientRef`; `None` when absent or empty (the message had none).
    pub client_ref: Option<String>,
}

impl DeliveryReceipt {
    /// The query parameters of a receipt, as the spec describes them (the `deliveryReceipt` callback of `sendMessages`), in its
    /// order.
    pub const PARAMETERS: &'static [QueryParameter] = crate::requests_to_you::DELIVERY_RECEIPT;

    /// A receipt (for tests and the sandbox: Dynmark builds the real ones).
    pub fn new(
        datetime: DateTime<Utc>,
        recipient: impl Into<String>,
        status_id: StatusId,
        status_description: impl Into<String>,
    ) -> DeliveryReceipt {
        DeliveryReceipt {
            datetime,
            recipient: recipient.into(),
            status_id,
            status_description: status_description.into(),
            client_ref: None,
        }
    }

    /// Sets `clientref`.
    pub fn with_client_ref(mut self, client_ref: impl Into<String>) -> DeliveryReceipt {
        self.client_ref = Some(client_ref.into()).filter(|r: &String| !r.is_empty());
        self
    }

    /// Reads a query string (without the `?`): `datetime=...&recipient=...&statusid=...`.
    ///
    /// # Errors
    ///
    /// [`ParseError`]: a required parameter (`datetime`, `recipient`, `statusid`,
    /// `statusdescription`) missing, one repeated, one not UTF-8, `recipient` empty, `datetime`
    /// or `statusid` malformed, or a query over [`MAX_QUERY_BYTES`](super::MAX_QUERY_BYTES).
    ///
    /// ```
    /// use dynmark_api::receipts::DeliveryReceipt;
    ///
    /// let receipt = DeliveryReceipt::from_query(
    ///     "datetime=2016-01-21T09:19:24.123&recipient=447700900000&statusid=2\
    ///      &statusdescription=Delivered&clientref=order-1234",
    /// )?;
    /// assert_eq!(receipt.status_id.get(), 2);
    /// assert_eq!(receipt.client_ref.as_deref(), Some("order-1234"));
    /// # Ok::<(), dynmark_api::receipts::ParseError>(())
    /// ```
    pub fn from_query(query: impl AsRef<[u8]>) -> Result<DeliveryReceipt, ParseError> {
        let mut read = table::read(query.as_ref(), Self::PARAMETERS)?;
        Ok(DeliveryReceipt {
            datetime: read.date_time("datetime").unwrap_or_default(),
            recipient: read.text("recipient").unwrap_or_default(),
            status_id: StatusId(read.integer("statusid").unwrap_or_default()),
            status_description: read.text("statusdescription").unwrap_or_default(),
            client_ref: read.text("clientref"),
        })
    }

    /// Reads the query of a request URI (`/receipts/TOKEN?datetime=...`, or an absolute URL);
    /// the path is not looked at.
    ///
    /// # Errors
    ///
    /// As [`from_query`](Self::from_query).
    pub fn from_uri(uri: &str) -> Result<DeliveryReceipt, ParseError> {
        DeliveryReceipt::from_query(query::of_uri(uri))
    }

    /// The query string Dynmark would send for this receipt (`datetime` in the sample's form,
    /// `2016-01-21T09:19:24.123`), values percent-encoded.
    pub fn to_query(&self) -> String {
        let mut out = String::new();
        query::push(
            &mut out,
            "datetime",
            &datetime::receipt_form(&self.datetime),
        );
        query::push(&mut out, "recipient", &self.recipient);
        query::push(&mut out, "statusid", &self.status_id.to_string());
        query::push(&mut out, "statusdescription", &self.status_description);
        query::push(
            &mut out,
            "clientref",
            self.client_ref.as_deref().unwrap_or(""),
        );
        out
    }
}

/// A receipt's `statusid`: an integer whose meanings Dynmark does not publish, so every value
/// is kept as it came.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatusId(i64);

impl StatusId {
    /// The status `id`.
    pub const fn new(id: i64) -> StatusId {
        StatusId(id)
    }

    /// The integer.
    pub const fn get(self) -> i64 {
        self.0
    }
}

impl From<i64> for StatusId {
    fn from(id: i64) -> StatusId {
        StatusId(id)
    }
}

impl fmt::Display for StatusId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}
