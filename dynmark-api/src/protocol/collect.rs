//! Gathering a batch's events into a [`SendReport`] (what `send` and `call` return).

use std::collections::VecDeque;

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
    /// The messages and outcomes of input indices `0..messages.len()`, in input order: an
    /// outcome that comes in order goes straight here (most do), so that the report is
    /// these two, not a copy.
    messages: Vec<T>,
    outcomes: Vec<Outcome>,
    /// The ones that came before an earlier index's, until it comes: `early[k]` is input
    /// index `messages.len() + k` (a window as wide as the calls in flight, whose items move
    /// once in and once out).
    early: VecDeque<Option<(T, Outcome)>>,
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
            early: VecDeque::new(),
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
        Collector {
            messages: Vec::with_capacity(items),
            outcomes: Vec::with_capacity(items),
            ..Collector::default()
        }
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
        if !outcome.accepted_with_failures.is_empty() {
            self.accepted_with_failures
                .push((index, outcome.accepted_with_failures));
        }
        if let Some(result) = outcome.unreadable_result {
            self.unreadable_results.push((index, result));
        }
        if let (Some(message), Some(slot)) =
            (self.messages.get_mut(index), self.outcomes.get_mut(index))
        {
            // A second outcome for one item (events given twice): the later one stands.
            *message = outcome.message;
            *slot = outcome.outcome;
            return;
        }
        let ahead = index - self.messages.len();
        if ahead > 0 {
            if self.early.len() <= ahead {
                self.early.resize_with(ahead + 1, || None);
            }
            self.early[ahead] = Some((outcome.message, outcome.outcome));
            return;
        }
        self.messages.push(outcome.message);
        self.outcomes.push(outcome.outcome);
        // Its own slot, then the ones that were waiting for it.
        self.early.pop_front();
        while let Some(Some(_)) = self.early.front() {
            if let Some(Some((message, outcome))) = self.early.pop_front() {
                self.messages.push(message);
                self.outcomes.push(outcome);
            }
        }
    }

    /// The report, in input order. `Err` when a call failed as a whole or a message is not
    /// sent (the deadline, a stop, an unreadable result); it still carries the report.
    ///
    /// Every item of a batch driven to its end has exactly one outcome; should one be missing
    /// (events not all given), the report holds the items that have one.
    pub fn finish(self) -> Result<SendReport<T>, SendError<T>> {
        let (mut messages, mut outcomes) = (self.messages, self.outcomes);
        // After a missing one, in input order.
        for (message, outcome) in self.early.into_iter().flatten() {
            messages.push(message);
            outcomes.push(outcome);
        }
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
