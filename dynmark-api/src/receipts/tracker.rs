//! [`Tracker`]: joins delivery receipts to the messages sent, by `clientRef`, and says which
//! have no final status yet.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::receipt::DeliveryReceipt;
use crate::{Message, Outcome, SendReport};

/// An in-memory join of what was sent and the receipts that came back, keyed by `clientRef`.
/// Share it between the sender and the receiver's handler (`Arc<Tracker>`: its methods take
/// `&self`).
///
/// Dynmark publishes no table of status ids, so which receipt is final is yours to say
/// ([`with_final_status`](Self::with_final_status)); by default every receipt is final.
pub struct Tracker {
    state: Mutex<State>,
    is_final: Box<dyn Fn(&DeliveryReceipt) -> bool + Send + Sync>,
}

#[derive(Default)]
struct State {
    /// Index into `tracked` by `clientRef`.
    by_ref: HashMap<String, usize>,
    tracked: Vec<Tracked>,
    unmatched: Vec<DeliveryReceipt>,
}

/// One message a [`Tracker`] follows, and the receipts it got.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Tracked {
    /// Its `clientRef`.
    pub client_ref: String,
    /// Who it was sent to.
    pub to: String,
    /// Every receipt for it, in the order they arrived.
    pub receipts: Vec<DeliveryReceipt>,
    /// Whether one of them is final.
    pub is_final: bool,
}

/// What [`Tracker::receipt`] made of a receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Match {
    /// It is about this tracked message (after the receipt was added).
    Message(Tracked),
    /// Its `clientRef` is absent or not tracked: kept in [`Tracker::unmatched`].
    Unknown,
}

/// Why [`Tracker::track`] refused a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TrackError {
    /// The message has no `clientRef` (or an empty one): no receipt could be matched to it.
    /// [`assign_client_refs`](super::assign_client_refs) gives every message one.
    #[error("message to {to} has no clientRef: its receipts could not be matched to it")]
    NoClientRef {
        /// Its recipient.
        to: String,
    },
    /// Another tracked message has the same `clientRef`: their receipts could not be told apart.
    #[error(
        "clientRef {client_ref:?} is already tracked: receipts could not tell the two messages apart"
    )]
    Duplicate {
        /// The reference.
        client_ref: String,
    },
}

impl Tracker {
    /// A tracker for which every receipt is final.
    pub fn new() -> Tracker {
        Tracker::with_final_status(|_| true)
    }

    /// A tracker for which a receipt is final when `is_final` says so (say, your account's
    /// delivered and failed status ids).
    pub fn with_final_status(
        is_final: impl Fn(&DeliveryReceipt) -> bool + Send + Sync + 'static,
    ) -> Tracker {
        Tracker {
            state: Mutex::default(),
            is_final: Box::new(is_final),
        }
    }

    /// Follows one sent message.
    ///
    /// # Errors
    ///
    /// [`TrackError`]: it has no `clientRef`, or one already tracked.
    pub fn track(&self, message: &Message) -> Result<(), TrackError> {
        let client_ref = match message.client_ref.as_deref() {
            Some(client_ref) if !client_ref.is_empty() => client_ref,
            _ => {
                return Err(TrackError::NoClientRef {
                    to: message.to.clone(),
                });
            }
        };
        let mut state = self.lock();
        if state.by_ref.contains_key(client_ref) {
            return Err(TrackError::Duplicate {
                client_ref: client_ref.to_owned(),
            });
        }
        let index = state.tracked.len();
        state.by_ref.insert(client_ref.to_owned(), index);
        state.tracked.push(Tracked {
            client_ref: client_ref.to_owned(),
            to: message.to.clone(),
            receipts: Vec::new(),
            is_final: false,
        });
        Ok(())
    }

    /// Follows every message of a send that may get a receipt: those the report says were
    /// accepted, and those not sent whose call may have reached the service. `messages` are the
    /// ones given to `send`, in the same order. Returns how many are now tracked.
    ///
    /// # Errors
    ///
    /// The first [`TrackError`] (the messages before it are tracked).
    pub fn track_report(
        &self,
        messages: &[Message],
        report: &SendReport,
    ) -> Result<usize, TrackError> {
        let mut count = 0;
        for ((_, outcome), message) in report.iter().zip(messages) {
            let may_get_receipt = match outcome {
                Outcome::Accepted => true,
                Outcome::NotSent { reason } => reason.may_have_reached_service(),
                Outcome::Rejected { .. } => false,
            };
            if may_get_receipt {
                self.track(message)?;
                count += 1;
            }
        }
        Ok(count)
    }

    /// Joins one receipt to the message with its `clientRef`.
    pub fn receipt(&self, receipt: &DeliveryReceipt) -> Match {
        let is_final = (self.is_final)(receipt);
        let mut state = self.lock();
        let index = receipt
            .client_ref
            .as_deref()
            .and_then(|client_ref| state.by_ref.get(client_ref).copied());
        match index {
            Some(index) => {
                let tracked = &mut state.tracked[index];
                tracked.receipts.push(receipt.clone());
                tracked.is_final |= is_final;
                Match::Message(tracked.clone())
            }
            None => {
                state.unmatched.push(receipt.clone());
                Match::Unknown
            }
        }
    }

    /// The tracked message with this `clientRef`.
    pub fn get(&self, client_ref: &str) -> Option<Tracked> {
        let state = self.lock();
        state
            .by_ref
            .get(client_ref)
            .map(|&i| state.tracked[i].clone())
    }

    /// Every tracked message without a final receipt yet, in the order they were tracked.
    pub fn pending(&self) -> Vec<Tracked> {
        self.lock()
            .tracked
            .iter()
            .filter(|t| !t.is_final)
            .cloned()
            .collect()
    }

    /// How many messages are tracked.
    pub fn len(&self) -> usize {
        self.lock().tracked.len()
    }

    /// Whether no message is tracked.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every receipt whose `clientRef` matched no tracked message, in arrival order.
    pub fn unmatched(&self) -> Vec<DeliveryReceipt> {
        self.lock().unmatched.clone()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Default for Tracker {
    fn default() -> Tracker {
        Tracker::new()
    }
}

impl fmt::Debug for Tracker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("Tracker")
            .field("tracked", &state.tracked.len())
            .field(
                "pending",
                &state.tracked.iter().filter(|t| !t.is_final).count(),
            )
            .field("unmatched", &state.unmatched.len())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::receipts::StatusId;

    fn receipt(client_ref: &str, status: i64) -> DeliveryReceipt {
        DeliveryReceipt::new(
            chrono::DateTime::UNIX_EPOCH,
            "447700900000",
            StatusId::new(status),
            "",
        )
        .with_client_ref(client_ref)
    }

    #[test]
    fn joins_by_client_ref_and_says_what_is_pending() {
        let tracker = Tracker::with_final_status(|r| r.status_id.get() != 1);
        let m = |r: &str| Message::new("447700900000", "Example", "Hi").with_client_ref(r);
        tracker.track(&m("a")).unwrap();
        tracker.track(&m("b")).unwrap();
        assert_eq!(
            tracker.track(&m("a")),
            Err(TrackError::Duplicate {
                client_ref: "a".into()
            })
        );
        assert!(matches!(
            tracker.track(&Message::new("447700900000", "Example", "Hi")),
            Err(TrackError::NoClientRef { .. })
        ));
        let Match::Message(a) = tracker.receipt(&receipt("a", 1)) else {
            panic!()
        };
        assert!(!a.is_final);
        assert_eq!(tracker.pending().len(), 2);
        tracker.receipt(&receipt("a", 2));
        assert_eq!(
            tracker
                .pending()
                .iter()
                .map(|t| t.client_ref.as_str())
                .collect::<Vec<_>>(),
            ["b"]
        );
        assert_eq!(tracker.get("a").unwrap().receipts.len(), 2);
        assert_eq!(tracker.receipt(&receipt("zzz", 2)), Match::Unknown);
        assert_eq!(tracker.unmatched().len(), 1);
        assert_eq!(tracker.len(), 2);
    }
}
