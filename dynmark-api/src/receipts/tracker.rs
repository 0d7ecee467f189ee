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
///
/// A receipt may arrive before its message is tracked (the service can answer the send after
/// delivering): it is kept, and joined to the message when [`track`](Self::track) is told of it.
pub struct Tracker {
    state: Mutex<State>,
    is_final: Box<dyn Fn(&DeliveryReceipt) -> bool + Send + Sync>,
}

#[derive(Default)]
struct State {
    /// Index into `tracked` by `clientRef`.
    by_ref: HashMap<String, usize>,
    tracked: Vec<Tracked>,
    /// Receipts for a `clientRef` not tracked (yet), with their arrival number.
    early: HashMap<String, Vec<(u64, DeliveryReceipt)>>,
    /// Receipts without a `clientRef`, with their arrival number.
    without_ref: Vec<(u64, DeliveryReceipt)>,
    arrivals: u64,
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
    /// Its `clientRef` is absent or not tracked (yet): kept in [`Tracker::unmatched`], and
    /// joined to its message if one with that `clientRef` is tracked later.
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
        let receipts: Vec<DeliveryReceipt> = state
            .early
            .remove(client_ref)
            .unwrap_or_default()
            .into_iter()
            .map(|(_, receipt)| receipt)
            .collect();
        let is_final = receipts.iter().any(|receipt| (self.is_final)(receipt));
        state.tracked.push(Tracked {
            client_ref: client_ref.to_owned(),
            to: message.to.clone(),
            receipts,
            is_final,
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
        if let Some(index) = index {
            let tracked = &mut state.tracked[index];
            tracked.receipts.push(receipt.clone());
            tracked.is_final |= is_final;
            return Match::Message(tracked.clone());
        }
        state.arrivals += 1;
        let arrival = (state.arrivals, receipt.clone());
        match &receipt.client_ref {
            Some(client_ref) => state
                .early
                .entry(client_ref.clone())
                .or_default()
                .push(arrival),
            None => state.without_ref.push(arrival),
        }
        Match::Unknown
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

    /// Every receipt whose `clientRef` matches no tracked message (so far), in arrival order.
    pub fn unmatched(&self) -> Vec<DeliveryReceipt> {
        let state = self.lock();
        let mut unmatched: Vec<&(u64, DeliveryReceipt)> = state
            .early
            .values()
            .flatten()
            .chain(&state.without_ref)
            .collect();
        unmatched.sort_by_key(|(arrival, _)| *arrival);
        unmatched
            .into_iter()
            .map(|(_, receipt)| receipt.clone())
            .collect()
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
            .field(
                "unmatched",
                &(state.early.values().map(Vec::len).sum::<usize>() + state.without_ref.len()),
            )
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
        let m = |r: &str| {
            Message::to("447700900000")
                .from("Example")
                .body("Hi")
                .with_client_ref(r)
        };
        tracker.track(&m("a")).unwrap();
        tracker.track(&m("b")).unwrap();
        assert_eq!(
            tracker.track(&m("a")),
            Err(TrackError::Duplicate {
                client_ref: "a".into()
            })
        );
        assert!(matches!(
            tracker.track(&Message::to("447700900000").from("Example").body("Hi")),
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

    #[test]
    fn a_receipt_before_its_message_is_joined_when_it_is_tracked() {
        let tracker = Tracker::with_final_status(|r| r.status_id.get() == 2);
        let m = |r: &str| {
            Message::to("447700900000")
                .from("Example")
                .body("Hi")
                .with_client_ref(r)
        };
        assert_eq!(tracker.receipt(&receipt("early", 1)), Match::Unknown);
        let no_ref =
            DeliveryReceipt::new(chrono::DateTime::UNIX_EPOCH, "4477", StatusId::new(2), "");
        assert_eq!(tracker.receipt(&no_ref), Match::Unknown);
        assert_eq!(tracker.receipt(&receipt("early", 2)), Match::Unknown);
        let statuses: Vec<i64> = tracker
            .unmatched()
            .iter()
            .map(|r| r.status_id.get())
            .collect();
        assert_eq!(statuses, [1, 2, 2], "arrival order");
        tracker.track(&m("early")).unwrap();
        let tracked = tracker.get("early").unwrap();
        assert_eq!(tracked.receipts.len(), 2);
        assert!(tracked.is_final);
        assert!(tracker.pending().is_empty());
        assert_eq!(tracker.unmatched(), [no_ref]);
    }
}
