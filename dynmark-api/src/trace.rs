//! `tracing` spans and events (feature `tracing`; without it these are empty and free).
//!
//! - a span `dynmark.send` per send: `operation`; at its end `items`, `calls`, `accepted`,
//!   `rejected`, `not_sent`, `duration_ms`;
//! - a span `dynmark.call` per call, inside it: `operation`, `call` (its number), `items`; at
//!   its end `status` (the last HTTP status, if an answer came), `attempts`, `outcome` (`ok`, or
//!   the failure's kind: `HTTP 503`, `timed out`, ...), `duration_ms`;
//! - events: `retrying` (debug: the attempt that failed, its failure's kind, the wait),
//!   `giving up` (info: attempts exhausted, or the retry would end past the deadline), `stopped`
//!   (warn: a call stopped the batch, and which), `deadline passed` and `stop requested`
//!   (info: no further call starts).
//!
//! Only counts, numbers, statuses, durations and failure kinds are recorded: never a secret, a
//! message, a phone number, a body or an excerpt of one (an error's details are in the report).

use std::time::Duration;

use crate::error::CallError;
use crate::protocol::{Event, GiveUpReason};
use crate::report::MessageOutcome;
#[cfg(feature = "tracing")]
use crate::report::{NotSentReason, Outcome};

#[cfg(feature = "tracing")]
mod imp {
    use std::time::Instant;

    use super::*;
    use tracing::field::Empty;

    /// The span of one send, and the tally it records at the end.
    pub(crate) struct SendTrace {
        span: tracing::Span,
        operation: &'static str,
        started: Instant,
        items: usize,
        calls: usize,
        counts: crate::report::Counts,
        stopped: bool,
        deadline: bool,
        requested: bool,
        finished: bool,
    }

    impl SendTrace {
        pub(crate) fn start(operation: &'static str) -> Self {
            let span = tracing::info_span!(
                "dynmark.send",
                operation,
                items = Empty,
                calls = Empty,
                accepted = Empty,
                rejected = Empty,
                not_sent = Empty,
                duration_ms = Empty,
            );
            SendTrace {
                span,
                operation,
                started: Instant::now(),
                items: 0,
                calls: 0,
                counts: crate::report::Counts::default(),
                stopped: false,
                deadline: false,
                requested: false,
                finished: false,
            }
        }

        /// The span of call `call` of this send, carrying `items` items.
        pub(crate) fn call(&self, call: usize, items: usize) -> CallTrace {
            let span = tracing::info_span!(
                parent: &self.span,
                "dynmark.call",
                operation = self.operation,
                call,
                items,
                status = Empty,
                attempts = Empty,
                outcome = Empty,
                duration_ms = Empty,
            );
            CallTrace {
                span,
                started: Instant::now(),
            }
        }

        /// An item's outcome the send gave out: tallied; a deadline or a stop request noted
        /// once.
        pub(crate) fn outcome<T>(&mut self, outcome: &MessageOutcome<T>) {
            self.outcome_of(&outcome.outcome);
        }

        /// One item's outcome, without the item.
        pub(crate) fn outcome_of(&mut self, outcome: &Outcome) {
            self.items += 1;
            match outcome {
                Outcome::Accepted => self.counts.accepted += 1,
                Outcome::Rejected { .. } => self.counts.rejected += 1,
                Outcome::NotSent { reason } => {
                    self.counts.not_sent += 1;
                    match reason {
                        NotSentReason::DeadlinePassed
                            if !std::mem::replace(&mut self.deadline, true) =>
                        {
                            tracing::info!(
                                parent: &self.span,
                                "deadline passed: no further call starts"
                            );
                        }
                        NotSentReason::StopRequested
                            if !std::mem::replace(&mut self.requested, true) =>
                        {
                            tracing::info!(
                                parent: &self.span,
                                "stop requested: no further call starts"
                            );
                        }
                        _ => {}
                    }
                }
            }
        }

        /// An event the send gave out: tallied; a stop, a deadline or a stop request noted
        /// once.
        pub(crate) fn event<T>(&mut self, event: &Event<T>) {
            match event {
                Event::Outcome(outcome) => self.outcome(outcome),
                Event::CallFinished { call, failure, .. } => {
                    self.calls += 1;
                    if let Some(error) = failure
                        && error.stops_batch()
                        && !std::mem::replace(&mut self.stopped, true)
                    {
                        tracing::warn!(
                            parent: &self.span,
                            by_call = *call,
                            failure = %error.kind(),
                            "stopped: no further call is started"
                        );
                    }
                }
                _ => {}
            }
        }

        /// The send ended: records its tally (once).
        pub(crate) fn finish(&mut self) {
            if std::mem::replace(&mut self.finished, true) {
                return;
            }
            self.span.record("items", self.items);
            self.span.record("calls", self.calls);
            self.span.record("accepted", self.counts.accepted);
            self.span.record("rejected", self.counts.rejected);
            self.span.record("not_sent", self.counts.not_sent);
            self.span
                .record("duration_ms", self.started.elapsed().as_millis() as u64);
        }
    }

    /// The span of one call.
    pub(crate) struct CallTrace {
        span: tracing::Span,
        started: Instant,
    }

    impl CallTrace {
        /// An answer with `status` arrived.
        pub(crate) fn status(&self, status: u16) {
            self.span.record("status", status);
        }

        /// Attempt `attempt` failed with `error`; the next starts in `wait`.
        pub(crate) fn retrying(&self, attempt: u32, error: &CallError, wait: Duration) {
            tracing::debug!(
                parent: &self.span,
                attempt,
                failure = %error.kind(),
                wait_ms = wait.as_millis() as u64,
                "retrying"
            );
        }

        /// The call is not sent again after attempt `attempt` failed with `error`.
        pub(crate) fn gave_up(&self, attempt: u32, error: &CallError, reason: GiveUpReason) {
            let reason = match reason {
                GiveUpReason::Attempts => "attempts exhausted",
                GiveUpReason::Deadline => "the retry would end past the deadline",
                _ => return,
            };
            tracing::info!(
                parent: &self.span,
                attempt,
                failure = %error.kind(),
                reason,
                "giving up"
            );
        }

        /// The call ended after `attempts` attempts.
        pub(crate) fn finish<T>(&self, attempts: u32, result: &Result<T, CallError>) {
            self.span.record("attempts", attempts);
            match result {
                Ok(_) => self.span.record("outcome", "ok"),
                Err(error) => self
                    .span
                    .record("outcome", tracing::field::display(error.kind())),
            };
            self.span
                .record("duration_ms", self.started.elapsed().as_millis() as u64);
        }
    }
}

#[cfg(not(feature = "tracing"))]
mod imp {
    use super::*;

    /// Nothing (feature `tracing` is off).
    pub(crate) struct SendTrace;

    impl SendTrace {
        pub(crate) fn start(_operation: &'static str) -> Self {
            SendTrace
        }
        pub(crate) fn call(&self, _call: usize, _items: usize) -> CallTrace {
            CallTrace
        }
        pub(crate) fn event<T>(&mut self, _event: &Event<T>) {}
        pub(crate) fn outcome<T>(&mut self, _outcome: &MessageOutcome<T>) {}
        pub(crate) fn outcome_of(&mut self, _outcome: &crate::Outcome) {}
        pub(crate) fn finish(&mut self) {}
    }

    /// Nothing (feature `tracing` is off).
    pub(crate) struct CallTrace;

    impl CallTrace {
        pub(crate) fn status(&self, _status: u16) {}
        pub(crate) fn retrying(&self, _attempt: u32, _error: &CallError, _wait: Duration) {}
        pub(crate) fn gave_up(&self, _attempt: u32, _error: &CallError, _reason: GiveUpReason) {}
        pub(crate) fn finish<T>(&self, _attempts: u32, _result: &Result<T, CallError>) {}
    }
}

pub(crate) use imp::{CallTrace, SendTrace};
