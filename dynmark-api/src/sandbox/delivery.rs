//! The sandbox as Dynmark's sender: delivery receipts to each accepted message's loopback
//! `deliveryStatusUrl`, and inbound messages to a configured loopback URL, both as `GET`s with
//! the fields in the query string, as Dynmark's samples read them. What each attempt got is
//! recorded, never the URL (it holds the receiver's token).

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};

use super::Shared;
use crate::Message;
use crate::receipts::{DeliveryReceipt, InboundMessage, StatusId};

/// How long Dynmark gives a receiver to answer, and so the sandbox too.
pub const RECEIVER_TIMEOUT: Duration = Duration::from_secs(10);

/// The receipts the sandbox sends: after `delay`, with this status (Dynmark publishes no table
/// of status ids: the default, `2` "Delivered", is the sandbox's own choice).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReceiptPlan {
    /// How long after accepting a message its receipt is sent.
    pub delay: Duration,
    /// The `statusid` sent.
    pub status_id: StatusId,
    /// The `statusdescription` sent.
    pub status_description: String,
}

impl Default for ReceiptPlan {
    fn default() -> ReceiptPlan {
        ReceiptPlan {
            delay: Duration::ZERO,
            status_id: StatusId::new(2),
            status_description: "Delivered".into(),
        }
    }
}

impl ReceiptPlan {
    /// Receipts after `delay`.
    pub fn with_delay(mut self, delay: Duration) -> ReceiptPlan {
        self.delay = delay;
        self
    }

    /// Receipts with this status.
    pub fn with_status(
        mut self,
        status_id: StatusId,
        description: impl Into<String>,
    ) -> ReceiptPlan {
        self.status_id = status_id;
        self.status_description = description.into();
        self
    }
}

/// One receipt or inbound message the sandbox sent (or chose not to).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Delivery {
    /// The receipt's `clientref` (`None` for an inbound message, or a message without one).
    pub client_ref: Option<String>,
    /// The message's recipient (the inbound message's `sender`).
    pub to: String,
    /// What happened.
    pub outcome: DeliveryOutcome,
}

/// What a [`Delivery`] attempt got.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeliveryOutcome {
    /// The receiver answered with this status (Dynmark expects `200`).
    Answered(u16),
    /// No answer: connection refused, reset, or none within [`RECEIVER_TIMEOUT`] (the error,
    /// without the URL).
    Failed(String),
    /// Not sent: the URL is not an `http(s)` URL to a loopback address (the sandbox sends
    /// nothing elsewhere), or not a URL at all.
    NotLoopback,
}

impl DeliveryOutcome {
    /// Whether the receiver answered `200`.
    pub fn is_ok(&self) -> bool {
        *self == DeliveryOutcome::Answered(200)
    }
}

/// Schedules a receipt for every message in `accepted` that has a `deliveryStatusUrl`.
pub(crate) fn receipts_for(shared: &Arc<Shared>, accepted: &[Message]) {
    for message in accepted {
        let Some(url) = message.delivery_status_url.clone() else {
            continue;
        };
        let plan = &shared.receipts;
        let receipt = DeliveryReceipt::new(
            now(),
            message.to.clone(),
            plan.status_id,
            plan.status_description.clone(),
        );
        let receipt = match &message.client_ref {
            Some(client_ref) => receipt.with_client_ref(client_ref.clone()),
            None => receipt,
        };
        let record = Delivery {
            client_ref: receipt.client_ref.clone(),
            to: message.to.clone(),
            outcome: DeliveryOutcome::NotLoopback,
        };
        let query = receipt.to_query();
        let delay = plan.delay;
        let shared = Arc::clone(shared);
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            let outcome = get(&shared, &url, &query).await;
            shared.lock().receipts.push(Delivery { outcome, ..record });
        });
    }
}

/// Sends `message` to `url` now (from the sandbox's runtime) and records it.
pub(crate) fn inbound(shared: &Arc<Shared>, url: String, message: &InboundMessage) {
    let query = message.to_query();
    let record = Delivery {
        client_ref: None,
        to: message.sender.clone(),
        outcome: DeliveryOutcome::NotLoopback,
    };
    let shared = Arc::clone(shared);
    shared.runtime.clone().spawn(async move {
        let outcome = get(&shared, &url, &query).await;
        shared.lock().inbound.push(Delivery { outcome, ..record });
    });
}

pub(crate) fn now() -> DateTime<Utc> {
    DateTime::<Utc>::from(SystemTime::now())
}

/// `GET url?query` when `url` is on loopback.
async fn get(shared: &Shared, url: &str, query: &str) -> DeliveryOutcome {
    let Ok(parsed) = url::Url::parse(url) else {
        return DeliveryOutcome::NotLoopback;
    };
    if !matches!(parsed.scheme(), "http" | "https") || !crate::receipts::token::is_loopback(&parsed)
    {
        return DeliveryOutcome::NotLoopback;
    }
    let separator = if parsed.query().is_some() { '&' } else { '?' };
    let full = format!("{url}{separator}{query}");
    match shared.http.get(full).send().await {
        Ok(response) => DeliveryOutcome::Answered(response.status().as_u16()),
        Err(error) => DeliveryOutcome::Failed(error.without_url().to_string()),
    }
}

/// The client the sandbox sends with: no proxy (loopback only), no redirects, Dynmark's 10 s.
pub(crate) fn http_client() -> std::io::Result<reqwest::Client> {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(RECEIVER_TIMEOUT)
        .build()
        .map_err(std::io::Error::other)
}
