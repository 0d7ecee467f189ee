//! Gathering a batch's events into a [`SendReport`] (what `send` and `call` return).

use crate::ValidationFailure;
use crate::error::{CallFailure, SendError};
use crate::protocol::UnreadableResult;
use crate::protocol::batch::Event;
use crate::report::{MessageOutcome, Outcome, SendReport};

/// Gathers the [`Event`]s of one batch into the report of [`Client::send`](crate::Client::send):
/// every item with its outcome, in input order, and the calls that failed as a whole.
///
/// It holds every item until the end: for sends too large to keep in memory, consume the
/// events (or a client's streaming send) instead.
#[derive(Debug)]
pub struct Collector<T> {
    /// By input index: each message and its outcome, set together.
    messages: Vec<Option<T>>,
    outcomes: Vec<Option<Outcome>>,
    accepted_with_failures: Vec<(usize, Vec<ValidationFailure>)>,
    unreadable_results: Vec<(usize, UnreadableResult)>,
    failures: Vec<CallFailure>,
    attempts: Vec<(usize, u32)>,
    calls: usize,
}

impl<T> Default for Collector<T> {
    fn default() -> Self {
        Collector {
            messages: Vec::new(),
            outcomes: Vec::new(),
            accepted_with_failures: Vec::new(),
            unreadable_results: Vec::new(),
            failures: Vec::new(),
            attempts: Vec::new(),
            calls: 0,
        }
    }
}

impl<T> Collector<T> {
    /// An empty collector.
    pub fn new() -> Self {
        Collector::default()
    }

    /// An empty collector with room for `items` items (the input's size, if known).
    pub fn with_capacity(items: usize) -> Self {
        let mut collector = Collector::default();
        collector.grow(items);
        collector
    }

    fn grow(&mut self, len: usize) {
        self.messages.resize_with(len, || None);
        self.outcomes.resize_with(len, || None);
    }

    /// Takes one event.
    pub fn add(&mut self, event: Event<T>) {
        match event {
            Event::Outcome(outcome) => self.add_outcome(outcome),
            Event::CallStarting { call, .. } | Event::CallReleased { call, .. } => {
                self.calls = self.calls.max(call + 1);
            }
            Event::CallFinished {
                call,
                items,
                attempts,
                failure,
            } => {
                self.calls = self.calls.max(call + 1);
                if attempts > 1 {
                    self.attempts.push((call, attempts));
                }
                if let Some(error) = failure {
                    self.failures.push(CallFailure { call, items, error });
                }
            }
        }
    }

    /// Takes one item's outcome (as [`add`](Self::add) takes an [`Event::Outcome`]).
    pub fn add_outcome(&mut self, outcome: MessageOutcome<T>) {
        let index = outcome.index;
        if self.messages.len() <= index {
            self.grow((index + 1).max(self.messages.len() * 2));
        }
        if !outcome.accepted_with_failures.is_empty() {
            self.accepted_with_failures
                .push((index, outcome.accepted_with_failures));
        }
        if let Some(result) = outcome.unreadable_result {
            self.unreadable_results.push((index, result));
        }
        self.messages[index] = Some(outcome.message);
        self.outcomes[index] = Some(outcome.outcome);
    }

    /// The report, in input order. `Err` when a call failed as a whole or a message is not
    /// sent (the deadline, a stop, an unreadable result); it still carries the report.
    ///
    /// Every item of a batch driven to its end has exactly one outcome; should one be missing
    /// (events not all given), the report holds the items that have one.
    pub fn finish(self) -> Result<SendReport<T>, SendError<T>> {
        // The two are set together, so they keep the same indices. `filter_map` (not
        // `flatten`) so that each is collected in place, without a second allocation.
        #[allow(clippy::filter_map_identity)]
        let messages: Vec<T> = self.messages.into_iter().filter_map(|m| m).collect();
        #[allow(clippy::filter_map_identity)]
        let outcomes: Vec<Outcome> = self.outcomes.into_iter().filter_map(|o| o).collect();
        let report = SendReport::from_parts(messages, outcomes)
            .with_accepted_failures(self.accepted_with_failures)
            .with_unreadable_results(self.unreadable_results)
            .with_attempts(self.attempts);
        let mut failures = self.failures;
        if failures.is_empty() && report.counts().not_sent == 0 {
            Ok(report)
        } else {
            failures.sort_by_key(|failure| failure.call);
            Err(SendError::new(report, failures, self.calls))
        }
    }
}
