//! `tracing` spans and events (feature `tracing`; without it these are empty and free).
//!
//! - a span `dynmark.send` per send: `operation`, `items`; at its end `calls`, `accepted`,
//!   `rejected`, `not_sent`, `duration_ms`;
//! - a span `dynmark.call` per call, inside it: `operation`, `call` (its number), `items`; at
//!   its end `status` (the last HTTP status, if an answer came), `attempts`, `outcome` (`ok`, or
//!   the failure's kind: `HTTP 503`, `timed out`, ...), `duration_ms`;
//! - events: `retrying` (debug: the attempt that failed, its failure's kind, the wait),
//!   `giving up` (info: attempts exhausted, or the retry would end past the deadline), `stopped`
//!   (warn: a call stopped the batch, and which).
//!
//! Only counts, numbers, statuses, durations and failure kinds are recorded: never a secret, a
//! message, a phone number, a body or an excerpt of one (an error's details are in the report).

use std::time::Duration;

use crate::error::{CallError, CallFailureKind};
use crate::protocol::GiveUpReason;

#[cfg(feature = "tracing")]
mod imp {
    use std::time::Instant;

    use super::*;
    use tracing::field::Empty;

    /// The span of one send.
    pub(crate) struct SendTrace {
        span: tracing::Span,
        started: Instant,
    }

    impl SendTrace {
        pub(crate) fn start(operation: &'static str, items: usize) -> Self {
            let span = tracing::info_span!(
                "dynmark.send",
                operation,
                items,
                calls = Empty,
                accepted = Empty,
                rejected = Empty,
                not_sent = Empty,
                duration_ms = Empty,
            );
            SendTrace {
                span,
                started: Instant::now(),
            }
        }

        /// The span of call `call` of this send.
        pub(crate) fn call(&self, operation: &'static str, call: usize, items: usize) -> CallTrace {
            let span = tracing::info_span!(
                parent: &self.span,
                "dynmark.call",
                operation,
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

        /// Call `by_call` stopped the batch.
        pub(crate) fn stopped(&self, by_call: usize, failure: CallFailureKind) {
            tracing::warn!(
                parent: &self.span,
                by_call,
                failure = %failure,
                "stopped: no further call is started"
            );
        }

        /// The send ended with `counts` over `calls` calls.
        pub(crate) fn finish(&self, calls: usize, counts: crate::report::Counts) {
            self.span.record("calls", calls);
            self.span.record("accepted", counts.accepted);
            self.span.record("rejected", counts.rejected);
            self.span.record("not_sent", counts.not_sent);
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
        pub(crate) fn start(_operation: &'static str, _items: usize) -> Self {
            SendTrace
        }
        pub(crate) fn call(
            &self,
            _operation: &'static str,
            _call: usize,
            _items: usize,
        ) -> CallTrace {
            CallTrace
        }
        pub(crate) fn stopped(&self, _by_call: usize, _failure: CallFailureKind) {}
        pub(crate) fn finish(&self, _calls: usize, _counts: crate::report::Counts) {}
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
