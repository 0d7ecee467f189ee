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
    /// The report kept in the input's own memory instead ([`Collector::in_place`]): then
    /// `messages`, `outcomes` and `early` stay empty.
    in_place: Option<InPlace<T>>,
}

/// The most items an input may say it has for [`Collector::in_place`] to take it at once.
const MAX_IN_PLACE: usize = 1 << 24;

/// A report kept in the input's own memory: every input item in its slot, lent out of it to
/// its call and put back with its outcome, so that the report is the input, not a copy.
#[derive(Debug)]
struct InPlace<T> {
    /// The items by input index: `None` while lent to a call.
    slots: Vec<Option<T>>,
    /// Their outcomes by input index, as they come.
    outcomes: Vec<Option<Outcome>>,
    /// How many items were lent.
    lent: usize,
}

impl<T> InPlace<T> {
    /// The next input item, taken out of its slot.
    fn lend(&mut self) -> Option<T> {
        let item = self.slots.get_mut(self.lent)?.take();
        self.lent += 1;
        item
    }

    /// Puts an item back into its slot with its outcome (the later outcome standing, should
    /// one come twice).
    fn put(&mut self, index: usize, item: T, outcome: Outcome) {
        // Every index comes from the slots; were one past them, they grow rather than lose it.
        if index >= self.slots.len() {
            self.slots.resize_with(index + 1, || None);
        }
        if index >= self.outcomes.len() {
            self.outcomes.resize_with(index + 1, || None);
        }
        if let (Some(slot), Some(placed)) =
            (self.slots.get_mut(index), self.outcomes.get_mut(index))
        {
            *slot = Some(item);
            *placed = Some(outcome);
        }
    }

    /// The items that have their outcome, in input order, with their outcomes; how many come
    /// before the first that has none (events not all given); and, after it, each one's
    /// `(input index, position)`. With none missing, both `Vec`s are the slots' own memory.
    fn finish(self) -> Placed<T> {
        let complete = self.slots.len() == self.outcomes.len()
            && self.slots.iter().all(Option::is_some)
            && self.outcomes.iter().all(Option::is_some);
        if complete {
            let (messages, outcomes) = (flatten(self.slots), flatten(self.outcomes));
            let gapless = messages.len();
            return (messages, outcomes, gapless, Vec::new());
        }
        let (mut messages, mut outcomes, mut moved) = (Vec::new(), Vec::new(), Vec::new());
        let mut gapless = None;
        let outcomes_by_index = self
            .outcomes
            .into_iter()
            .chain(std::iter::repeat_with(|| None));
        for (index, (item, outcome)) in self.slots.into_iter().zip(outcomes_by_index).enumerate() {
            match (item, outcome) {
                (Some(item), Some(outcome)) => {
                    if gapless.is_some() {
                        moved.push((index, messages.len()));
                    }
                    messages.push(item);
                    outcomes.push(outcome);
                }
                _ => {
                    gapless.get_or_insert(messages.len());
                }
            }
        }
        let gapless = gapless.unwrap_or(messages.len());
        (messages, outcomes, gapless, moved)
    }
}

/// A report's messages and outcomes in input order, how many of them are at their input
/// index, and the `(input index, position)` of the others.
type Placed<T> = (Vec<T>, Vec<Outcome>, usize, Vec<(usize, usize)>);

/// `Vec<Option<T>>` of `Some`s → `Vec<T>`, in the same memory (`filter_map` over a `Vec`'s own
/// iterator collects in place; `flatten` would not).
#[allow(clippy::filter_map_identity)]
fn flatten<T>(slots: Vec<Option<T>>) -> Vec<T> {
    slots.into_iter().filter_map(|item| item).collect()
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
            in_place: None,
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

    /// A collector that keeps the report in the input's own memory, when `items` says
    /// exactly how many there are, at most 16,777,216 (a `Vec`'s own iterator, an array's, a
    /// slice's clones): the
    /// items are taken at once (a `Vec`'s memory is reused for them), lent out with
    /// [`lend`](Self::lend), and put back with their outcomes. Any other input is given back.
    pub(crate) fn in_place<I: Iterator<Item = T>>(items: I) -> Result<Self, I> {
        match items.size_hint() {
            (0, _) => Err(items),
            // Taking the input at once allocates what it says (unless it is a `Vec`'s own
            // iterator): an input that says more than this is read as calls need it instead,
            // so that a bogus length costs no more than the lazy path's room.
            (low, _) if low > MAX_IN_PLACE => Err(items),
            (low, Some(high)) if low == high => {
                let slots: Vec<Option<T>> = items.map(Some).collect();
                let outcomes = std::iter::repeat_with(|| None).take(slots.len()).collect();
                Ok(Collector {
                    in_place: Some(InPlace {
                        slots,
                        outcomes,
                        lent: 0,
                    }),
                    ..Collector::default()
                })
            }
            _ => Err(items),
        }
    }

    /// `true` when the input is kept here ([`in_place`](Self::in_place)).
    pub(crate) fn is_in_place(&self) -> bool {
        self.in_place.is_some()
    }

    /// The next input item of an [`in_place`](Self::in_place) collector (`None` at the
    /// input's end, or when the input is not kept here).
    pub(crate) fn lend(&mut self) -> Option<T> {
        self.in_place.as_mut()?.lend()
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
        if let Some(in_place) = &mut self.in_place {
            in_place.put(index, outcome.message, outcome.outcome);
            return;
        }
        self.take(Early::One(index, outcome.message, outcome.outcome));
    }

    /// Takes the outcomes of a settled call at once (what [`add_outcome`](Self::add_outcome)
    /// does for each of them).
    pub(crate) fn add_call(&mut self, mut settled: SettledItems<T>) {
        self.accepted_with_failures.append(&mut settled.noted);
        self.unreadable_results.append(&mut settled.unreadable);
        if let Some(in_place) = &mut self.in_place {
            for ((index, item), outcome) in settled.items.zip(settled.outcomes) {
                in_place.put(index, item, outcome);
            }
            return;
        }
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
        let (messages, outcomes, gapless, moved) = match self.in_place {
            Some(in_place) => in_place.finish(),
            None => in_order(self.messages, self.outcomes, self.early),
        };
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

/// The report's messages and outcomes of a collector that kept them in input order, with those
/// that came after a missing one (events not all given) appended in input order.
fn in_order<T>(
    mut messages: Vec<T>,
    mut outcomes: Vec<Outcome>,
    early: BTreeMap<(usize, u64), Early<T>>,
) -> Placed<T> {
    let gapless = messages.len();
    // After a missing one, in input order (a later outcome for one index standing).
    let mut after_gap: Vec<(usize, u64, T, Outcome)> = Vec::new();
    for ((_, came), entry) in early {
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
    (messages, outcomes, gapless, moved)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FailureCode, Message};

    fn outcome(index: usize, noted: bool) -> MessageOutcome<Message> {
        let message = Message::to(format!("44770090000{index}"))
            .from("Example")
            .body("Hello");
        accepted(index, message, noted)
    }

    /// `message`, input `index`, accepted (with a failure listed beside, when `noted`).
    fn accepted(index: usize, message: Message, noted: bool) -> MessageOutcome<Message> {
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

    fn messages(n: usize) -> Vec<Message> {
        (0..n)
            .map(|i| {
                Message::to(format!("44770090000{i}"))
                    .from("Example")
                    .body("Hello")
            })
            .collect()
    }

    /// An input of a known length is kept in place: its items are lent out in order, come
    /// back in any order, and the report's messages are the input's own memory.
    #[test]
    fn an_input_kept_in_place_is_the_report() {
        let input = messages(4);
        let memory = input.as_ptr() as usize;
        let mut collector = Collector::in_place(input.into_iter()).ok().unwrap();
        let lent: Vec<Message> = std::iter::from_fn(|| collector.lend()).collect();
        assert_eq!(lent.len(), 4);
        let mut lent: Vec<(usize, Message)> = lent.into_iter().enumerate().collect();
        lent.reverse();
        for (index, message) in lent {
            collector.add_outcome(accepted(index, message, index == 1));
        }
        let report = collector.finish().expect("no call failed");
        let to: Vec<&str> = report.messages().iter().map(|m| m.to.as_str()).collect();
        assert_eq!(
            to,
            [
                "447700900000",
                "447700900001",
                "447700900002",
                "447700900003"
            ]
        );
        assert_eq!(report.messages().as_ptr() as usize, memory);
        assert_eq!(report.counts().accepted, 4);
        let noted: Vec<usize> = report.accepted_with_failures().map(|(at, _)| at).collect();
        assert_eq!(noted, [1]);
    }

    /// Kept in place, with outcomes missing: as in input order, the report holds the
    /// items that have one, and what was noted follows its item.
    #[test]
    fn an_input_kept_in_place_with_a_gap() {
        // The fifth is never lent: it has no outcome either.
        let mut collector = Collector::in_place(messages(5).into_iter()).ok().unwrap();
        let lent: Vec<Message> = std::iter::from_fn(|| collector.lend()).take(4).collect();
        for (index, message) in lent.into_iter().enumerate().filter(|(i, _)| *i != 1) {
            collector.add_outcome(accepted(index, message, index == 3));
        }
        let report = collector.finish().expect("no call failed");
        let to: Vec<&str> = report.messages().iter().map(|m| m.to.as_str()).collect();
        assert_eq!(to, ["447700900000", "447700900002", "447700900003"]);
        let noted: Vec<usize> = report.accepted_with_failures().map(|(at, _)| at).collect();
        assert_eq!(noted, [2]);
    }

    /// Kept in place, with the last item never lent: the report holds the four that have
    /// an outcome, not the fifth without one.
    #[test]
    fn an_input_kept_in_place_and_not_all_lent() {
        let mut collector = Collector::in_place(messages(5).into_iter()).ok().unwrap();
        let lent: Vec<Message> = std::iter::from_fn(|| collector.lend()).take(4).collect();
        for (index, message) in lent.into_iter().enumerate() {
            collector.add_outcome(accepted(index, message, false));
        }
        let report = collector.finish().expect("no call failed");
        assert_eq!(report.messages().len(), 4);
        assert_eq!(report.outcomes().len(), 4);
    }

    /// Only an input that says exactly how long it is, and is not empty, is kept.
    #[test]
    fn inputs_of_unknown_length_are_given_back() {
        let filtered = messages(3).into_iter().filter(|m| !m.to.is_empty());
        let given_back = Collector::in_place(filtered).expect_err("given back");
        assert_eq!(given_back.count(), 3);
        assert!(Collector::in_place(messages(0).into_iter()).is_err());
        let mut kept = Collector::in_place(messages(2).into_iter()).ok().unwrap();
        assert!(kept.is_in_place());
        assert!(!Collector::<Message>::new().is_in_place());
        assert!(Collector::<Message>::new().lend().is_none());
        assert_eq!(std::iter::from_fn(|| kept.lend()).count(), 2);
    }
}
