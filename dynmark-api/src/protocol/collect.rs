//! Gathering a batch's events into a [`SendReport`] (what `send` and `call` return).

use std::collections::BTreeMap;

use crate::ValidationFailure;
use crate::error::{CallFailure, SendError};
use crate::protocol::batch::Event;
use crate::protocol::{SettledItems, UnreadableResult};
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
    /// What came before an earlier index's outcome, until it comes, by the input index of
    /// its first item (and the order it came in): a whole call waits as it came, moving none
    /// of its items until its turn.
    early: BTreeMap<(usize, u64), Early<T>>,
    came: u64,
    accepted_with_failures: Vec<(usize, Vec<ValidationFailure>)>,
    unreadable_results: Vec<(usize, UnreadableResult)>,
    failures: Vec<CallFailure>,
    attempts: Vec<(usize, u32)>,
    calls: usize,
}

/// Outcomes waiting in a [`Collector`] for an earlier one.
#[derive(Debug)]
enum Early<T> {
    /// One item's.
    One(usize, T, Outcome),
    /// The rest of a call's, in order.
    Call(SettledItems<T>),
}

impl<T> Default for Collector<T> {
    fn default() -> Self {
        Collector {
            messages: Vec::new(),
            outcomes: Vec::new(),
            early: BTreeMap::new(),
            came: 0,
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
        self.take(Early::One(index, outcome.message, outcome.outcome));
    }

    /// Takes the outcomes of a settled call at once (what [`add_outcome`](Self::add_outcome)
    /// does for each of them).
    pub(crate) fn add_call(&mut self, mut settled: SettledItems<T>) {
        self.accepted_with_failures.append(&mut settled.noted);
        self.unreadable_results.append(&mut settled.unreadable);
        self.take(Early::Call(settled));
    }

    /// Places what of `entry` is next in input order, keeps the rest for later, then places
    /// what was kept and has become next.
    fn take(&mut self, entry: Early<T>) {
        let mut entry = Some(entry);
        while let Some(current) = entry.take() {
            if let Some((first, rest)) = self.place(current) {
                self.came += 1;
                self.early.insert((first, self.came), rest);
            }
            if let Some(waiting) = self.early.first_entry()
                && waiting.key().0 <= self.messages.len()
            {
                entry = Some(waiting.remove());
            }
        }
    }

    /// Places the items of `entry` that are next in input order (or come a second time: the
    /// later outcome stands); what is left, with the input index of its first item.
    fn place(&mut self, entry: Early<T>) -> Option<(usize, Early<T>)> {
        match entry {
            Early::One(index, message, outcome) => {
                if index > self.messages.len() {
                    return Some((index, Early::One(index, message, outcome)));
                }
                self.put(index, message, outcome);
                None
            }
            Early::Call(mut settled) => loop {
                let index = settled.items.as_slice().first()?.0;
                if index > self.messages.len() {
                    return Some((index, Early::Call(settled)));
                }
                let (Some((_, message)), Some(outcome)) =
                    (settled.items.next(), settled.outcomes.next())
                else {
                    return None;
                };
                self.put(index, message, outcome);
            },
        }
    }

    /// Puts the outcome of `index`, which is next in input order or already placed.
    fn put(&mut self, index: usize, message: T, outcome: Outcome) {
        if let (Some(placed), Some(slot)) =
            (self.messages.get_mut(index), self.outcomes.get_mut(index))
        {
            // A second outcome for one item (events given twice): the later one stands.
            *placed = message;
            *slot = outcome;
        } else {
            self.messages.push(message);
            self.outcomes.push(outcome);
        }
    }

    /// The report, in input order. `Err` when a call failed as a whole or a message is not
    /// sent (the deadline, a stop, an unreadable result); it still carries the report.
    ///
    /// Every item of a batch driven to its end has exactly one outcome; should one be missing
    /// (events not all given), the report holds the items that have one, in input order, and
    /// its positions after the gap are not their input indices any more (the failures noted
    /// with them follow them).
    pub fn finish(self) -> Result<SendReport<T>, SendError<T>> {
        let (mut messages, mut outcomes) = (self.messages, self.outcomes);
        let gapless = messages.len();
        // After a missing one, in input order (a later outcome for one index standing).
        let mut after_gap: Vec<(usize, u64, T, Outcome)> = Vec::new();
        for ((_, came), entry) in self.early {
            match entry {
                Early::One(index, message, outcome) => {
                    after_gap.push((index, came, message, outcome));
                }
                Early::Call(settled) => {
                    for ((index, message), outcome) in settled.items.zip(settled.outcomes) {
                        after_gap.push((index, came, message, outcome));
                    }
                }
            }
        }
        after_gap.sort_by_key(|&(index, came, ..)| (index, came));
        // `(input index, position in the report)`.
        let mut moved: Vec<(usize, usize)> = Vec::new();
        for (index, _, message, outcome) in after_gap {
            match moved.last() {
                Some(&(last, at)) if last == index => {
                    messages[at] = message;
                    outcomes[at] = outcome;
                }
                _ => {
                    moved.push((index, messages.len()));
                    messages.push(message);
                    outcomes.push(outcome);
                }
            }
        }
        let position = |index: usize| {
            if index < gapless {
                return Some(index);
            }
            let at = moved
                .binary_search_by_key(&index, |&(index, _)| index)
                .ok()?;
            Some(moved[at].1)
        };
        let accepted_with_failures = self
            .accepted_with_failures
            .into_iter()
            .filter_map(|(index, failures)| Some((position(index)?, failures)))
            .collect();
        let unreadable_results = self
            .unreadable_results
            .into_iter()
            .filter_map(|(index, result)| Some((position(index)?, result)))
            .collect();
        let report = SendReport::from_parts(messages, outcomes)
            .with_accepted_failures(accepted_with_failures)
            .with_unreadable_results(unreadable_results)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FailureCode, Message};

    fn outcome(index: usize, noted: bool) -> MessageOutcome<Message> {
        let message = Message::to(format!("44770090000{index}"))
            .from("Example")
            .body("Hello");
        let mut outcome = MessageOutcome::new(index, message, Outcome::Accepted, Some(0));
        if noted {
            outcome.accepted_with_failures = vec![
                ValidationFailure::failure_code(FailureCode::from("Noted"))
                    .details(format!("for {index}")),
            ];
        }
        outcome
    }

    /// Out of order, and with one missing: the report is in input order, and what was noted of
    /// a message stays with it, on its line.
    #[test]
    fn outcomes_out_of_order_and_a_gap() {
        let mut collector = Collector::with_capacity(4);
        for (index, noted) in [(2, false), (0, false), (3, true)] {
            collector.add_outcome(outcome(index, noted));
        }
        let report = collector.finish().expect("no call failed");
        let to: Vec<&str> = report.messages().iter().map(|m| m.to.as_str()).collect();
        assert_eq!(to, ["447700900000", "447700900002", "447700900003"]);
        let noted: Vec<(usize, String)> = report
            .accepted_with_failures()
            .map(|(at, failures)| (at, failures[0].details.clone()))
            .collect();
        assert_eq!(noted, [(2, "for 3".to_owned())]);
        let shown = report.to_string();
        let line = shown.lines().find(|line| line.contains("#2")).unwrap();
        assert!(line.contains("for 3"), "{shown}");
    }
}
