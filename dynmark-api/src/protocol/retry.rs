//! When a failed call is sent again: only when nothing can go twice.
//!
//! [`RetryPolicy::decide`] is a plain function (the error, how many attempts were made, the
//! time now and the send's deadline in; "send again at" or "give up" out), so it is tested with
//! a fake clock and any shell can use it.
//!
//! # What is retried, and why
//!
//! A call is sent again only when the service provably did not process it, or said so itself
//! ([`CallError::is_retryable`]):
//!
//! - **connection refused** ([`CallError::Connect`] whose cause is `ECONNREFUSED`): no
//!   connection was made, so no byte of the request was written;
//! - **HTTP/2 `REFUSED_STREAM`**, and **`GOAWAY` with `NO_ERROR`** for a stream the server had
//!   not reached ([`CallError::NotProcessed`]): RFC 9113 §8.7 guarantees the server did not
//!   process the request (reqwest retries exactly these two by default; the clients turn that
//!   off and decide here instead, so every attempt is counted and bounded);
//! - **`429 Too Many Requests`** ([`CallError::Status`] with status 429): the service refused
//!   the call as a whole, without processing it; its `Retry-After` is honoured.
//!
//! Nothing else is ever retried, because any other failure may have reached the service, and
//! Dynmark would then deliver the messages twice: a **timeout** (the service may be processing
//! the call), a **reset or closed connection** after the request was written, a **5xx** (the
//! service may have processed part of the call before failing: a 503 with `Retry-After` is
//! shown in the error and the report, not retried), an unreadable or mismatched answer, a
//! panic. Other refusals (`400`, `401`, other `4xx`) are final: sending the same call again
//! would get the same answer. A DNS or TLS failure is not retried either: it is not transient
//! often enough to be worth the wait.
//!
//! # Bounds
//!
//! At most [`max_attempts`](RetryPolicy::max_attempts) attempts per call (default 3: the first
//! and two retries). The wait before retry `n` (from 1) is
//! `first_backoff * 2^(n-1)`, at most `max_backoff` (defaults 250 ms, 4 s); a `Retry-After`
//! longer than that wait replaces it. A retry that could not start before the send's deadline
//! is not made; without a deadline, a `Retry-After` longer than `max_retry_after` (default 60 s)
//! is not waited for. In both cases the call fails with its last error, which carries the
//! `Retry-After` so the caller can send those messages again later.

use std::time::{Duration, Instant, SystemTime};

use crate::error::CallError;

/// How failed calls are retried (see the [module docs](self)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts per call, the first included; 1 never retries.
    pub max_attempts: u32,
    /// The wait before the first retry.
    pub first_backoff: Duration,
    /// The longest wait between two attempts computed by backoff.
    pub max_backoff: Duration,
    /// Without a deadline, the longest `Retry-After` waited for.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            first_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(4),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryDecision {
    /// Send the call again at this instant.
    RetryAt(Instant),
    /// Do not: the call fails with the error.
    GiveUp(GiveUpReason),
}

/// Why a failed call is not sent again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum GiveUpReason {
    /// The failure may have reached the service, or is final (see the [module docs](self)).
    NotRetryable,
    /// The call already had [`RetryPolicy::max_attempts`] attempts.
    Attempts,
    /// The retry could not start before the send's deadline (or, without one, the service asked
    /// for a longer wait than [`RetryPolicy::max_retry_after`]).
    Deadline,
}

impl RetryPolicy {
    /// A policy that never retries.
    pub const fn never() -> Self {
        RetryPolicy {
            max_attempts: 1,
            first_backoff: Duration::ZERO,
            max_backoff: Duration::ZERO,
            max_retry_after: Duration::ZERO,
        }
    }

    /// With at most `attempts` attempts per call (0 counts as 1).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// With these backoff bounds.
    pub fn with_backoff(mut self, first: Duration, max: Duration) -> Self {
        self.first_backoff = first;
        self.max_backoff = max.max(first);
        self
    }

    /// With this bound on a `Retry-After` waited for when the send has no deadline.
    pub fn with_max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }

    /// The wait before retry `retry` (from 1) by backoff alone.
    pub fn backoff(&self, retry: u32) -> Duration {
        let factor = 1u32
            .checked_shl(retry.saturating_sub(1))
            .unwrap_or(u32::MAX);
        self.first_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }

    /// After attempt number `attempts` (from 1) of a call failed with `error` at `now`: when to
    /// send it again, if at all, given the send's `deadline`.
    pub fn decide(
        &self,
        error: &CallError,
        attempts: u32,
        now: Instant,
        deadline: Option<Instant>,
    ) -> RetryDecision {
        if !error.is_retryable() {
            return RetryDecision::GiveUp(GiveUpReason::NotRetryable);
        }
        if attempts >= self.max_attempts {
            return RetryDecision::GiveUp(GiveUpReason::Attempts);
        }
        let mut wait = self.backoff(attempts);
        if let Some(asked) = error.retry_after() {
            if deadline.is_none() && asked > self.max_retry_after {
                return RetryDecision::GiveUp(GiveUpReason::Deadline);
            }
            wait = wait.max(asked);
        }
        let Some(at) = now.checked_add(wait) else {
            return RetryDecision::GiveUp(GiveUpReason::Deadline);
        };
        match deadline {
            Some(deadline) if at >= deadline => RetryDecision::GiveUp(GiveUpReason::Deadline),
            _ => RetryDecision::RetryAt(at),
        }
    }
}

/// The longest `Retry-After` kept (a day); a longer one is kept as this.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * 60 * 60);

/// Reads a `Retry-After` header value received at `now` (wall clock): a number of seconds
/// (`120`), or an HTTP date (`Wed, 21 Oct 2015 07:28:00 GMT`, as of RFC 9110; a date in the
/// past is no wait). The wait is at most a day. `None` for anything else.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use dynmark_api::protocol::parse_retry_after;
///
/// let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_470);
/// assert_eq!(parse_retry_after(b"120", now), Some(Duration::from_secs(120)));
/// assert_eq!(
///     parse_retry_after(b"Wed, 21 Oct 2015 07:28:00 GMT", now),
///     Some(Duration::from_secs(10))
/// );
/// assert_eq!(parse_retry_after(b"soon", now), None);
/// ```
pub fn parse_retry_after(value: &[u8], now: SystemTime) -> Option<Duration> {
    let text = std::str::from_utf8(value).ok()?.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        let seconds = text.parse::<u64>().unwrap_or(u64::MAX);
        return Some(Duration::from_secs(seconds).min(MAX_RETRY_AFTER));
    }
    let date = chrono::DateTime::parse_from_rfc2822(text).ok()?;
    let at = SystemTime::from(date.with_timezone(&chrono::Utc));
    Some(
        at.duration_since(now)
            .unwrap_or(Duration::ZERO)
            .min(MAX_RETRY_AFTER),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::TransportError;
    use crate::protocol::Excerpt;

    /// A fake clock: instants relative to one start.
    struct Clock(Instant);

    impl Clock {
        fn at(&self, ms: u64) -> Instant {
            self.0 + Duration::from_millis(ms)
        }
    }

    fn status(status: u16, retry_after: Option<u64>) -> CallError {
        CallError::Status {
            status,
            content_type: None,
            body: Excerpt::new(b""),
            retry_after: retry_after.map(Duration::from_secs),
        }
    }

    fn refused_stream() -> CallError {
        CallError::NotProcessed {
            source: TransportError::new(std::io::Error::other("REFUSED_STREAM")),
        }
    }

    fn connection_refused() -> CallError {
        CallError::Connect {
            source: TransportError::new(std::io::Error::from(
                std::io::ErrorKind::ConnectionRefused,
            )),
        }
    }

    #[test]
    fn only_what_cannot_go_twice_is_retried() {
        let clock = Clock(Instant::now());
        let policy = RetryPolicy::default();
        let now = clock.at(0);
        for error in [refused_stream(), connection_refused(), status(429, None)] {
            assert_eq!(
                policy.decide(&error, 1, now, None),
                RetryDecision::RetryAt(clock.at(250)),
                "{error:?}"
            );
            assert!(!error.may_have_reached_service(), "{error:?}");
        }
        let never = [
            status(500, None),
            status(503, Some(1)),
            status(400, None),
            CallError::Timeout {
                source: TransportError::new(std::io::Error::from(std::io::ErrorKind::TimedOut)),
            },
            CallError::Connection {
                source: TransportError::new(std::io::Error::from(
                    std::io::ErrorKind::ConnectionReset,
                )),
            },
            // A connect failure that is not a refusal (DNS, TLS).
            CallError::Connect {
                source: TransportError::new(std::io::Error::other("dns error")),
            },
            CallError::NotRecorded,
            CallError::Panicked {
                message: "boom".into(),
            },
        ];
        for error in never {
            assert_eq!(
                policy.decide(&error, 1, now, None),
                RetryDecision::GiveUp(GiveUpReason::NotRetryable),
                "{error:?}"
            );
        }
    }

    #[test]
    fn backoff_doubles_up_to_its_bound_and_attempts_are_bounded() {
        let clock = Clock(Instant::now());
        let policy = RetryPolicy::default().with_max_attempts(10);
        let waits: Vec<_> = (1..=6).map(|n| policy.backoff(n).as_millis()).collect();
        assert_eq!(waits, [250, 500, 1000, 2000, 4000, 4000]);
        assert_eq!(policy.backoff(200), Duration::from_secs(4));
        let error = refused_stream();
        assert_eq!(
            policy.decide(&error, 3, clock.at(100), None),
            RetryDecision::RetryAt(clock.at(1100))
        );
        assert_eq!(
            policy.decide(&error, 10, clock.at(0), None),
            RetryDecision::GiveUp(GiveUpReason::Attempts)
        );
        let never = RetryPolicy::never();
        assert_eq!(
            never.decide(&error, 1, clock.at(0), None),
            RetryDecision::GiveUp(GiveUpReason::Attempts)
        );
        assert_eq!(RetryPolicy::default().with_max_attempts(0).max_attempts, 1);
    }

    #[test]
    fn retry_after_is_honoured_within_the_deadline() {
        let clock = Clock(Instant::now());
        let policy = RetryPolicy::default();
        let error = status(429, Some(2));
        // Longer than the backoff: it replaces it.
        assert_eq!(
            policy.decide(&error, 1, clock.at(0), Some(clock.at(10_000))),
            RetryDecision::RetryAt(clock.at(2000))
        );
        // Past the deadline: given up.
        assert_eq!(
            policy.decide(&error, 1, clock.at(0), Some(clock.at(1_999))),
            RetryDecision::GiveUp(GiveUpReason::Deadline)
        );
        // Shorter than the backoff: the backoff.
        assert_eq!(
            policy.decide(&status(429, Some(0)), 2, clock.at(0), None),
            RetryDecision::RetryAt(clock.at(500))
        );
        // Without a deadline, at most `max_retry_after`.
        assert_eq!(
            policy.decide(&status(429, Some(61)), 1, clock.at(0), None),
            RetryDecision::GiveUp(GiveUpReason::Deadline)
        );
        assert_eq!(
            policy.decide(&status(429, Some(60)), 1, clock.at(0), None),
            RetryDecision::RetryAt(clock.at(60_000))
        );
        // The backoff alone can also run past the deadline.
        assert_eq!(
            policy.decide(&refused_stream(), 1, clock.at(0), Some(clock.at(200))),
            RetryDecision::GiveUp(GiveUpReason::Deadline)
        );
    }

    #[test]
    fn retry_after_values() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_470);
        assert_eq!(parse_retry_after(b" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after(b"99999999999999999999999", now),
            Some(MAX_RETRY_AFTER)
        );
        assert_eq!(
            parse_retry_after(b"Wed, 21 Oct 2015 07:20:00 GMT", now),
            Some(Duration::ZERO)
        );
        for junk in [&b""[..], b"-1", b"1.5", b"\xff", b"tomorrow"] {
            assert_eq!(parse_retry_after(junk, now), None, "{junk:?}");
        }
    }
}
