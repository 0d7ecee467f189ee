//! What happened to each message of a send: [`SendReport`], one [`Outcome`] per input message,
//! in input order.

use std::fmt;

use serde::Serialize;

use crate::ValidationFailure;
use crate::error::CallFailureKind;
use crate::redact::FailureLine;

/// What happened to one input message.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum Outcome {
    /// The service accepted it for delivery.
    Accepted,
    /// It was refused, with the reasons.
    Rejected {
        /// Who refused it.
        by: RejectedBy,
        /// Why (for the service, as it said; `property` is relative to the message: `from`).
        failures: Vec<ValidationFailure>,
    },
    /// It has no answer from the service.
    NotSent {
        /// Why.
        reason: NotSentReason,
    },
}

impl Outcome {
    /// `true` for [`Outcome::Accepted`].
    pub fn is_accepted(&self) -> bool {
        matches!(self, Outcome::Accepted)
    }

    /// `true` for [`Outcome::Rejected`].
    pub fn is_rejected(&self) -> bool {
        matches!(self, Outcome::Rejected { .. })
    }

    /// `true` for [`Outcome::NotSent`].
    pub fn is_not_sent(&self) -> bool {
        matches!(self, Outcome::NotSent { .. })
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Accepted => f.write_str("accepted"),
            Outcome::Rejected { by, failures } => {
                write!(f, "rejected by the {by}")?;
                if failures.is_empty() {
                    f.write_str(" (no reason given)")?;
                }
                FailureLine {
                    failures,
                    first: ": ",
                }
                .fmt(f)
            }
            Outcome::NotSent { reason } => write!(f, "not sent: {reason}"),
        }
    }
}

/// Who rejected a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum RejectedBy {
    /// Local validation, before anything was sent.
    Client,
    /// The service.
    Service,
}

impl fmt::Display for RejectedBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RejectedBy::Client => "client",
            RejectedBy::Service => "service",
        })
    }
}

/// Why a message has no answer from the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "reason", rename_all = "camelCase")]
#[non_exhaustive]
pub enum NotSentReason {
    /// Its call failed as a whole (the error is in [`SendError::failures`](crate::SendError::failures)).
    /// Whether the service may still have received it: [`CallFailureKind::may_have_reached_service`].
    CallFailed {
        /// The call's number.
        call: usize,
        /// How it failed.
        failure: CallFailureKind,
    },
    /// Its call was never made: call `by_call` stopped the batch (it showed the credentials are
    /// refused, or it panicked; see [`CallError::stops_batch`](crate::CallError::stops_batch)).
    Stopped {
        /// The call that stopped the batch.
        by_call: usize,
        /// How it failed.
        failure: CallFailureKind,
    },
    /// Its call was never made and the batch was finished anyway (only a hand-written shell
    /// around [`protocol`](crate::protocol) can cause this; the clients never do). A call that
    /// was handed out to be sent and never recorded is not this: it is
    /// [`CallFailed`](Self::CallFailed) with
    /// [`CallFailureKind::NotRecorded`], as it may have reached the service.
    Unfinished,
}

impl NotSentReason {
    /// `true` when the service may have received the message although no answer says so
    /// (sending it again may deliver it twice).
    pub fn may_have_reached_service(self) -> bool {
        match self {
            NotSentReason::CallFailed { failure, .. } => failure.may_have_reached_service(),
            NotSentReason::Stopped { .. } | NotSentReason::Unfinished => false,
        }
    }
}

impl fmt::Display for NotSentReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotSentReason::CallFailed { call, failure } => {
                write!(f, "call {call} failed ({failure})")?;
                if failure.may_have_reached_service() {
                    f.write_str("; the service may have received it")?;
                }
                Ok(())
            }
            NotSentReason::Stopped { by_call, failure } => match failure {
                CallFailureKind::Unauthorized => write!(
                    f,
                    "its call was not made: call {by_call} showed the credentials are refused"
                ),
                CallFailureKind::Panicked => {
                    write!(f, "its call was not made: call {by_call} panicked")
                }
                failure => write!(
                    f,
                    "its call was not made: call {by_call} stopped the batch ({failure})"
                ),
            },
            NotSentReason::Unfinished => f.write_str("its call was not made"),
        }
    }
}

/// How many messages ended each way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Counts {
    /// Accepted by the service.
    pub accepted: usize,
    /// Rejected by the client or the service.
    pub rejected: usize,
    /// Without an answer.
    pub not_sent: usize,
}

impl Counts {
    /// All messages.
    pub fn total(&self) -> usize {
        self.accepted + self.rejected + self.not_sent
    }
}

/// One [`Outcome`] per input message, in input order: nothing is unaccounted for.
///
/// `Display` prints one line per message (`#3 rejected by the client: from: ... (FromEmpty)`).
///
/// A result that says the service accepted a message (`successful: true`) and still lists
/// failures makes the message [`Accepted`](Outcome::Accepted); the failures are kept, in
/// [`accepted_with_failures`](Self::accepted_with_failures), and shown after its line.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SendReport {
    counts: Counts,
    outcomes: Vec<Outcome>,
    #[serde(rename = "acceptedWithFailures", skip_serializing_if = "Vec::is_empty")]
    accepted_with_failures: Vec<(usize, Vec<ValidationFailure>)>,
}

impl SendReport {
    /// A report from the outcomes, in input order.
    pub fn new(outcomes: Vec<Outcome>) -> Self {
        let mut counts = Counts::default();
        for outcome in &outcomes {
            match outcome {
                Outcome::Accepted => counts.accepted += 1,
                Outcome::Rejected { .. } => counts.rejected += 1,
                Outcome::NotSent { .. } => counts.not_sent += 1,
            }
        }
        SendReport {
            counts,
            outcomes,
            accepted_with_failures: Vec::new(),
        }
    }

    /// Keeps the failures listed with accepted messages: `(input index, failures)`.
    pub(crate) fn with_accepted_failures(
        mut self,
        mut accepted_with_failures: Vec<(usize, Vec<ValidationFailure>)>,
    ) -> Self {
        accepted_with_failures.sort_by_key(|(index, _)| *index);
        self.accepted_with_failures = accepted_with_failures;
        self
    }

    /// How many messages (as many as were given).
    pub fn len(&self) -> usize {
        self.outcomes.len()
    }

    /// `true` when no message was given.
    pub fn is_empty(&self) -> bool {
        self.outcomes.is_empty()
    }

    /// How many ended each way.
    pub fn counts(&self) -> Counts {
        self.counts
    }

    /// `true` when every message was accepted.
    pub fn all_accepted(&self) -> bool {
        self.counts.accepted == self.outcomes.len()
    }

    /// The outcome of input message `index`.
    pub fn get(&self, index: usize) -> Option<&Outcome> {
        self.outcomes.get(index)
    }

    /// Every outcome, in input order.
    pub fn outcomes(&self) -> &[Outcome] {
        &self.outcomes
    }

    /// Every outcome, owned.
    pub fn into_outcomes(self) -> Vec<Outcome> {
        self.outcomes
    }

    /// `(input index, outcome)` pairs.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &Outcome)> {
        self.outcomes.iter().enumerate()
    }

    /// The input indices of the accepted messages.
    pub fn accepted(&self) -> impl Iterator<Item = usize> + '_ {
        self.iter()
            .filter_map(|(i, outcome)| outcome.is_accepted().then_some(i))
    }

    /// `(input index, who, failures)` of the rejected messages.
    pub fn rejected(&self) -> impl Iterator<Item = (usize, RejectedBy, &[ValidationFailure])> {
        self.iter().filter_map(|(i, outcome)| match outcome {
            Outcome::Rejected { by, failures } => Some((i, *by, failures.as_slice())),
            _ => None,
        })
    }

    /// `(input index, failures)` of the accepted messages whose result also listed failures
    /// (the service said `successful: true` with `validationFailures`), in input order.
    pub fn accepted_with_failures(
        &self,
    ) -> impl Iterator<Item = (usize, &[ValidationFailure])> + '_ {
        self.accepted_with_failures
            .iter()
            .map(|(index, failures)| (*index, failures.as_slice()))
    }

    /// `(input index, reason)` of the messages without an answer.
    pub fn not_sent(&self) -> impl Iterator<Item = (usize, NotSentReason)> + '_ {
        self.iter().filter_map(|(i, outcome)| match outcome {
            Outcome::NotSent { reason } => Some((i, *reason)),
            _ => None,
        })
    }
}

impl fmt::Display for SendReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Counts {
            accepted,
            rejected,
            not_sent,
        } = self.counts;
        write!(
            f,
            "{} message(s): {accepted} accepted, {rejected} rejected, {not_sent} not sent",
            self.len()
        )?;
        let mut noted = self.accepted_with_failures.iter().peekable();
        for (i, outcome) in self.iter() {
            write!(f, "\n  #{i} {outcome}")?;
            while let Some((_, failures)) = noted.next_if(|(index, _)| *index <= i) {
                if outcome.is_accepted() {
                    f.write_str(", yet the service also listed")?;
                    FailureLine {
                        failures,
                        first: ": ",
                    }
                    .fmt(f)?;
                }
            }
        }
        Ok(())
    }
}

impl<'a> IntoIterator for &'a SendReport {
    type Item = &'a Outcome;
    type IntoIter = std::slice::Iter<'a, Outcome>;
    fn into_iter(self) -> Self::IntoIter {
        self.outcomes.iter()
    }
}
