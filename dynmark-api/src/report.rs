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
    /// Its call was never made: the send's deadline had passed
    /// ([`ClientBuilder::send_deadline`](crate::ClientBuilder::send_deadline),
    /// [`Sending::deadline`](crate::Sending::deadline)). Safe to send again.
    DeadlinePassed,
    /// Its call was never made: the send was stopped ([`StopHandle::stop`](crate::StopHandle::stop)).
    /// Safe to send again.
    StopRequested,
    /// Its call was answered, but the service's result for this message could not be read
    /// (the other results of the call could). The service may have taken it: sending it again
    /// may deliver it twice.
    UnreadableResult {
        /// The call's number.
        call: usize,
    },
}

impl NotSentReason {
    /// `true` when the service may have received the message although no answer says so
    /// (sending it again may deliver it twice).
    pub fn may_have_reached_service(self) -> bool {
        match self {
            NotSentReason::CallFailed { failure, .. } => failure.may_have_reached_service(),
            NotSentReason::UnreadableResult { .. } => true,
            NotSentReason::Stopped { .. }
            | NotSentReason::Unfinished
            | NotSentReason::DeadlinePassed
            | NotSentReason::StopRequested => false,
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
            NotSentReason::DeadlinePassed => {
                f.write_str("its call was not made: the send's deadline had passed")
            }
            NotSentReason::StopRequested => {
                f.write_str("its call was not made: the send was stopped")
            }
            NotSentReason::UnreadableResult { call } => write!(
                f,
                "call {call} was answered, but its result for this message could not be read; \
                 the service may have received it"
            ),
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

/// What became of one input message of a send, as soon as it is known: its input index, the
/// message itself (handed back, so nothing needs cloning before a send) and its [`Outcome`].
///
/// Streaming sends ([`Client::send_stream`](crate::Client::send_stream)) yield these in the
/// order they become known, not in input order.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct MessageOutcome<T = crate::Message> {
    /// The message's position in the input, from 0.
    pub index: usize,
    /// The message, handed back.
    pub message: T,
    /// What became of it.
    pub outcome: Outcome,
    /// The call that carried it, if one was made or prepared for it.
    pub call: Option<usize>,
    /// Failures the service listed although it accepted the message (`successful: true` with
    /// `validationFailures`); empty otherwise.
    pub accepted_with_failures: Vec<ValidationFailure>,
    /// With [`NotSentReason::UnreadableResult`]: what the service answered for it, and why
    /// that could not be read.
    pub unreadable_result: Option<crate::protocol::UnreadableResult>,
}

impl MessageOutcome<crate::Message> {
    /// The message's encoding and parts ([`Parts::of`](crate::sms::Parts::of) its body): what
    /// it is billed when accepted.
    pub fn parts(&self) -> crate::sms::Parts {
        self.message.parts()
    }
}

impl<T> MessageOutcome<T> {
    pub(crate) fn new(index: usize, message: T, outcome: Outcome, call: Option<usize>) -> Self {
        MessageOutcome {
            index,
            message,
            outcome,
            call,
            accepted_with_failures: Vec::new(),
            unreadable_result: None,
        }
    }

    /// `true` when the message may be sent again without any risk of delivering it twice: it
    /// was never sent ([`NotSent`](Outcome::NotSent) for a reason that
    /// [cannot have reached the service](NotSentReason::may_have_reached_service)).
    pub fn is_safe_to_resend(&self) -> bool {
        outcome_is_safe_to_resend(&self.outcome)
    }
}

fn outcome_is_safe_to_resend(outcome: &Outcome) -> bool {
    matches!(outcome, Outcome::NotSent { reason } if !reason.may_have_reached_service())
}

/// One [`Outcome`] per input message, in input order, with the messages themselves: nothing is
/// unaccounted for.
///
/// `Display` prints one line per message (`#3 rejected by the client: from: ... (FromEmpty)`),
/// then the calls that took more than one attempt.
///
/// A result that says the service accepted a message (`successful: true`) and still lists
/// failures makes the message [`Accepted`](Outcome::Accepted); the failures are kept, in
/// [`accepted_with_failures`](Self::accepted_with_failures), and shown after its line.
///
/// The messages are handed back ([`messages`](Self::messages),
/// [`safe_to_resend`](Self::safe_to_resend)); they are not part of its `Serialize` output.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SendReport<T = crate::Message> {
    counts: Counts,
    outcomes: Vec<Outcome>,
    #[serde(rename = "acceptedWithFailures", skip_serializing_if = "Vec::is_empty")]
    accepted_with_failures: Vec<(usize, Vec<ValidationFailure>)>,
    /// `(input index, result)` of the messages whose result could not be read.
    #[serde(rename = "unreadableResults", skip_serializing_if = "Vec::is_empty")]
    unreadable_results: Vec<(usize, crate::protocol::UnreadableResult)>,
    /// `(call, attempts)` of the calls made more than once.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    attempts: Vec<(usize, u32)>,
    #[serde(skip)]
    messages: Vec<T>,
}

impl<T> Default for SendReport<T> {
    fn default() -> Self {
        SendReport {
            counts: Counts::default(),
            outcomes: Vec::new(),
            accepted_with_failures: Vec::new(),
            unreadable_results: Vec::new(),
            attempts: Vec::new(),
            messages: Vec::new(),
        }
    }
}

impl SendReport<()> {
    /// A report from the outcomes, in input order, without the messages.
    pub fn new(outcomes: Vec<Outcome>) -> Self {
        let messages = vec![(); outcomes.len()];
        SendReport::from_parts(messages, outcomes)
    }
}

impl<T> SendReport<T> {
    /// A report from the messages and their outcomes, in input order (as many of each).
    pub(crate) fn from_parts(messages: Vec<T>, outcomes: Vec<Outcome>) -> Self {
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
            unreadable_results: Vec::new(),
            attempts: Vec::new(),
            messages,
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

    /// Keeps the results that could not be read: `(input index, result)`.
    pub(crate) fn with_unreadable_results(
        mut self,
        mut unreadable: Vec<(usize, crate::protocol::UnreadableResult)>,
    ) -> Self {
        unreadable.sort_by_key(|(index, _)| *index);
        self.unreadable_results = unreadable;
        self
    }

    /// Keeps the calls made more than once: `(call, attempts)`.
    pub(crate) fn with_attempts(mut self, mut attempts: Vec<(usize, u32)>) -> Self {
        attempts.retain(|(_, attempts)| *attempts > 1);
        attempts.sort_unstable();
        self.attempts = attempts;
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

    /// The messages, in input order (as given).
    pub fn messages(&self) -> &[T] {
        &self.messages
    }

    /// The messages with their outcomes, owned, in input order.
    pub fn into_parts(self) -> Vec<(T, Outcome)> {
        self.messages.into_iter().zip(self.outcomes).collect()
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

    /// `(input index, result)` of the messages whose result the service sent could not be read
    /// ([`NotSentReason::UnreadableResult`]): what was wrong with it and its start, in input
    /// order.
    pub fn unreadable_results(
        &self,
    ) -> impl Iterator<Item = (usize, &crate::protocol::UnreadableResult)> + '_ {
        self.unreadable_results
            .iter()
            .map(|(index, result)| (*index, result))
    }

    /// `(input index, reason)` of the messages without an answer.
    pub fn not_sent(&self) -> impl Iterator<Item = (usize, NotSentReason)> + '_ {
        self.iter().filter_map(|(i, outcome)| match outcome {
            Outcome::NotSent { reason } => Some((i, *reason)),
            _ => None,
        })
    }

    /// `(input index, message)` of the messages that are safe to send again: never sent (a
    /// deadline, a stop, refused credentials, a call that could not be made). Never a message
    /// that may have reached the service (a timeout, a 5xx, an unreadable answer): those are in
    /// [`not_sent`](Self::not_sent) with [`NotSentReason::may_have_reached_service`].
    pub fn safe_to_resend(&self) -> impl Iterator<Item = (usize, &T)> + '_ {
        self.outcomes
            .iter()
            .zip(&self.messages)
            .enumerate()
            .filter_map(|(i, (outcome, message))| {
                outcome_is_safe_to_resend(outcome).then_some((i, message))
            })
    }

    /// The messages that are safe to send again ([`safe_to_resend`](Self::safe_to_resend)),
    /// owned, in input order.
    pub fn into_safe_to_resend(self) -> Vec<T> {
        self.outcomes
            .iter()
            .zip(self.messages)
            .filter_map(|(outcome, message)| outcome_is_safe_to_resend(outcome).then_some(message))
            .collect()
    }

    /// `(call, attempts)` of the calls that took more than one attempt, in call order.
    pub fn attempts(&self) -> &[(usize, u32)] {
        &self.attempts
    }
}

/// What the accepted messages cost: SMS is billed per part.
impl SendReport<crate::Message> {
    /// `(input index, encoding and parts)` of every accepted message, in input order
    /// ([`Parts::of`](crate::sms::Parts::of) its body).
    pub fn accepted_parts(&self) -> impl Iterator<Item = (usize, crate::sms::Parts)> + '_ {
        self.accepted()
            .map(|index| (index, self.messages[index].parts()))
    }

    /// The number of parts of all accepted messages together: what the send is billed, as far
    /// as the standard's rules tell (Dynmark does not say what it counts).
    pub fn parts_accepted(&self) -> usize {
        self.accepted_parts().map(|(_, parts)| parts.count()).sum()
    }
}

impl<T> fmt::Display for SendReport<T> {
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
        let mut unreadable = self.unreadable_results.iter().peekable();
        for (i, outcome) in self.iter() {
            write!(f, "\n  #{i} {outcome}")?;
            while let Some((_, result)) = unreadable.next_if(|(index, _)| *index <= i) {
                write!(f, ": {}: {}", result.reason, result.result)?;
            }
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
        for (call, attempts) in &self.attempts {
            write!(f, "\n  call {call}: {attempts} attempts")?;
        }
        Ok(())
    }
}

impl<'a, T> IntoIterator for &'a SendReport<T> {
    type Item = &'a Outcome;
    type IntoIter = std::slice::Iter<'a, Outcome>;
    fn into_iter(self) -> Self::IntoIter {
        self.outcomes.iter()
    }
}
