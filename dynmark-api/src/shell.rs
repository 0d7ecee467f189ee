//! What both clients' driving loops ([`crate::Sending`], [`crate::blocking::Sending`]) share
//! over the core: the lent calls between their `CallStarting` and their writing, the report's
//! collecting, and how a send shows itself.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Instant;

use crate::operation::BatchOperation;
use crate::protocol::{Batch, CallPermits, Collector, Endpoint, Event, LentCall, StopHandle};
use crate::report::MessageOutcome;
use crate::trace::SendTrace;

/// How many queued outcomes a stream hands out straight from the batch before its driving loop
/// runs again (taking in calls that ended, lending the next, reading a stop).
const OUTCOMES_IN_A_ROW: u8 = 16;

/// The calls a loop has lent from its batch and not written yet: each waits until its
/// `CallStarting` was given out, and is written at the loop's next turn (so that a consumer can
/// journal "these are in flight" first), or, in a send with permits, once its permit is
/// granted.
pub(crate) struct Announcing<Op: BatchOperation> {
    /// Calls whose `CallStarting` is queued and not yet given out.
    waiting: BTreeMap<usize, LentCall<Op>>,
    /// Calls whose `CallStarting` was given out (and, with permits, granted): to write now.
    announced: Vec<LentCall<Op>>,
    /// Outcomes handed out straight from the queue since the loop last ran.
    in_a_row: u8,
    /// A send whose calls wait for a go-ahead: its permits, and the calls given out that
    /// wait for theirs.
    permits: Option<CallPermits>,
    held: BTreeMap<usize, LentCall<Op>>,
}

impl<Op: BatchOperation> Default for Announcing<Op> {
    fn default() -> Self {
        Announcing {
            waiting: BTreeMap::new(),
            announced: Vec::new(),
            in_a_row: 0,
            permits: None,
            held: BTreeMap::new(),
        }
    }
}

impl<Op: BatchOperation> Announcing<Op> {
    /// From now on, each call given out waits for its permit from `permits` before it is
    /// written.
    pub(crate) fn wait_for(&mut self, permits: CallPermits) {
        self.permits = Some(permits);
    }

    /// The calls to write now: those whose `CallStarting` was given out (and, with permits,
    /// that were granted), unless no call may start any more (the deadline read first), when
    /// they go back to the batch unsent, as do the calls waiting for a permit. Once nobody
    /// can grant permits any more, the send stops.
    pub(crate) fn take_announced(&mut self, batch: &mut Batch<Op>) -> Vec<LentCall<Op>> {
        if let Some(permits) = &self.permits {
            for call in permits.take_granted() {
                if let Some(granted) = self.held.remove(&call) {
                    self.announced.push(granted);
                }
            }
            if !self.held.is_empty() && permits.is_abandoned() {
                batch.stop();
            }
        }
        if self.announced.is_empty() && self.held.is_empty() {
            return Vec::new();
        }
        if batch.deadline().is_some() {
            batch.handle_timeout(Instant::now());
        }
        if batch.should_stop() {
            let held = std::mem::take(&mut self.held).into_values();
            for call in std::mem::take(&mut self.announced).into_iter().chain(held) {
                batch.release_lent(call);
            }
            return Vec::new();
        }
        std::mem::take(&mut self.announced)
    }

    /// Wakes `waker` when a permit is granted; `true` if one was meanwhile (nothing to wait
    /// for).
    pub(crate) fn register(&self, waker: &std::task::Waker) -> bool {
        match &self.permits {
            Some(permits) if !self.held.is_empty() => {
                permits.register(waker);
                permits.has_granted() || permits.is_abandoned()
            }
            _ => false,
        }
    }

    /// An outcome already queued, for a stream to hand out without a turn of its driving loop
    /// (no `Event` around it), traced; `None` when the loop must run first: a call announced
    /// meanwhile waits to be written, or [`OUTCOMES_IN_A_ROW`] went out since it last ran (so
    /// that a call that ended is taken in, the next lent and a stop read without waiting for
    /// the queue to drain).
    pub(crate) fn queued_outcome(
        &mut self,
        batch: &mut Batch<Op>,
        trace: &mut SendTrace,
    ) -> Option<MessageOutcome<Op::Item>> {
        if self.in_a_row < OUTCOMES_IN_A_ROW
            && self.announced.is_empty()
            && let Some(outcome) = batch.poll_outcome()
        {
            self.in_a_row += 1;
            trace.outcome(&outcome);
            return Some(outcome);
        }
        self.in_a_row = 0;
        None
    }

    /// Lends the batch's next call, if one may start now; `true` if it did.
    pub(crate) fn lend(&mut self, batch: &mut Batch<Op>, endpoint: &Endpoint) -> bool {
        match batch.poll_lent_call(endpoint, Instant::now()) {
            Some(call) => {
                self.waiting.insert(call.index(), call);
                true
            }
            None => false,
        }
    }

    /// The batch's next event; once a call's `CallStarting` is given out, the call is written
    /// at the next [`take_announced`](Self::take_announced) (with permits, the first after its
    /// permit is granted).
    pub(crate) fn next_event(&mut self, batch: &mut Batch<Op>) -> Option<Event<Op::Item>> {
        let event = batch.poll_event()?;
        if let Event::CallStarting { call, .. } = &event
            && let Some(call) = self.waiting.remove(call)
        {
            if self.permits.is_some() {
                self.held.insert(call.index(), call);
            } else {
                self.announced.push(call);
            }
        }
        Some(event)
    }

    /// Takes one event into the report, and the outcomes queued behind it straight from the
    /// batch (a settled call's all at once, no `Event` around each), traced; unless a call
    /// was just announced: it is written first (at the loop's next turn, whose next event is
    /// one of those outcomes), so that the next call is not held back by collecting the last.
    pub(crate) fn collect(
        &self,
        collector: &mut Collector<Op::Item>,
        event: Event<Op::Item>,
        batch: &mut Batch<Op>,
        trace: &mut SendTrace,
    ) {
        collector.add(event);
        if !self.announced.is_empty() {
            return;
        }
        loop {
            if let Some(settled) = batch.poll_call_outcomes() {
                for outcome in settled.outcomes.as_slice() {
                    trace.outcome_of(outcome);
                }
                collector.add_call(settled);
            } else if let Some(outcome) = batch.poll_outcome() {
                trace.outcome(&outcome);
                collector.add_outcome(outcome);
            } else {
                break;
            }
        }
    }
}

/// A send's `Debug`: its operation and where it stands, never its messages.
pub(crate) fn debug_sending<Op: BatchOperation>(
    f: &mut fmt::Formatter<'_>,
    name: &str,
    batch: &Batch<Op>,
    stop: &StopHandle,
) -> fmt::Result {
    f.debug_struct(name)
        .field("operation", &Op::OPERATION_ID)
        .field("taken", &batch.taken())
        .field("in_flight", &batch.in_flight())
        .field("deadline", &batch.deadline())
        .field("stopped", &stop.is_stopped())
        .finish_non_exhaustive()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operations::SendMessages;
    use crate::protocol::{BaseUrl, BatchOptions};
    use crate::{Credentials, Message, MessageResult};

    fn endpoint() -> Endpoint {
        Endpoint::new(
            BaseUrl::parse("https://services.dynmark.com", false).unwrap(),
            Credentials::new("user", "password"),
        )
    }

    /// `items` valid messages.
    fn messages(items: usize) -> std::vec::IntoIter<Message> {
        (0..items)
            .map(|i| {
                Message::to(format!("4477009{i:05}"))
                    .from("Example")
                    .body("Hello")
            })
            .collect::<Vec<_>>()
            .into_iter()
    }

    /// A batch of `items` valid messages in calls of 2, `limit` calls in flight at a time, as
    /// many of them taken as it wants.
    fn batch_of(items: usize, limit: usize) -> (Batch<SendMessages>, std::vec::IntoIter<Message>) {
        let options = BatchOptions {
            validate: true,
            call_size: 2,
        };
        let mut batch = Batch::<SendMessages>::new(options, limit);
        let mut input = messages(items);
        batch.fill(&mut input);
        (batch, input)
    }

    /// A batch of `items` valid messages in calls of 2, one call in flight at a time, its
    /// input at its end.
    fn batch(items: usize) -> Batch<SendMessages> {
        let (mut batch, _) = batch_of(items, 1);
        batch.end_input();
        batch
    }

    /// With permits, a call given out is written only once granted; a permit for another call
    /// changes nothing.
    #[test]
    fn a_call_waits_for_its_permit() {
        let (endpoint, mut batch) = (endpoint(), batch(2));
        let mut calls = Announcing::default();
        let permits = CallPermits::new();
        calls.wait_for(permits.clone());
        assert!(calls.lend(&mut batch, &endpoint));
        let starting = calls.next_event(&mut batch);
        assert!(matches!(
            starting,
            Some(Event::CallStarting { call: 0, .. })
        ));
        assert!(calls.take_announced(&mut batch).is_empty());
        permits.grant(7);
        assert!(calls.take_announced(&mut batch).is_empty());
        let waker = futures_util::task::noop_waker();
        assert!(!calls.register(&waker), "nothing granted yet");
        permits.grant(0);
        assert!(calls.register(&waker), "granted meanwhile");
        let written = calls.take_announced(&mut batch);
        assert_eq!(written.iter().map(LentCall::index).collect::<Vec<_>>(), [0]);
    }

    /// A call waiting for its permit when the send stops is released unsent, and so is one
    /// whose permits were all dropped (the send stops then).
    #[test]
    fn a_call_waiting_for_its_permit_is_released_by_a_stop_or_dropped_permits() {
        for stop in [true, false] {
            let (endpoint, mut batch) = (endpoint(), batch(2));
            let mut calls = Announcing::default();
            let permits = CallPermits::new();
            calls.wait_for(permits.clone());
            assert!(calls.lend(&mut batch, &endpoint));
            assert!(calls.next_event(&mut batch).is_some());
            if stop {
                batch.stop();
            } else {
                drop(permits);
            }
            assert!(calls.take_announced(&mut batch).is_empty());
            let events: Vec<String> = std::iter::from_fn(|| batch.poll_event())
                .map(|event| match event {
                    Event::CallReleased { call, .. } => format!("released {call}"),
                    Event::Outcome(outcome) => format!("{} {}", outcome.index, outcome.outcome),
                    other => format!("{other:?}"),
                })
                .collect();
            assert_eq!(
                events,
                [
                    "released 0",
                    "0 not sent: its call was not made: the send was stopped",
                    "1 not sent: its call was not made: the send was stopped"
                ],
                "stopped: {stop}"
            );
            assert!(batch.is_done());
        }
    }

    /// While a call just announced waits to be written, collecting takes only the event it
    /// was given: the outcomes of the call that ended wait until the next turn (after the new
    /// call is written), then go into the report at once.
    #[test]
    fn collecting_waits_for_an_announced_call_to_be_written() {
        let (endpoint, mut batch) = (endpoint(), batch(4));
        let (mut calls, mut collector) = (Announcing::default(), Collector::new());
        let mut trace = SendTrace::start("send");
        assert!(calls.lend(&mut batch, &endpoint));
        let starting = calls.next_event(&mut batch).unwrap();
        calls.collect(&mut collector, starting, &mut batch, &mut trace);
        let [mut first] = <[_; 1]>::try_from(calls.take_announced(&mut batch))
            .ok()
            .unwrap();
        assert!(first.request(&endpoint).is_ok());
        let results = vec![Ok(MessageResult::to("x").successful(true)); 2];
        batch.record_settled(first.settle(Ok(results), 1));

        assert!(calls.lend(&mut batch, &endpoint));
        let starting = calls.next_event(&mut batch).unwrap();
        assert!(matches!(starting, Event::CallStarting { call: 1, .. }));
        calls.collect(&mut collector, starting, &mut batch, &mut trace);
        assert!(batch.has_events(), "the first call's outcomes were taken");

        assert_eq!(calls.take_announced(&mut batch).len(), 1);
        let next = calls.next_event(&mut batch).unwrap();
        assert!(matches!(&next, Event::Outcome(outcome) if outcome.index == 0));
        calls.collect(&mut collector, next, &mut batch, &mut trace);
        // The second outcome was taken with the first: what is left is the call's end.
        let finished = calls.next_event(&mut batch).unwrap();
        assert!(matches!(finished, Event::CallFinished { call: 0, .. }));
        calls.collect(&mut collector, finished, &mut batch, &mut trace);
        let report = collector.finish().expect("no call failed");
        assert_eq!(report.counts().accepted, 2);
        assert_eq!(report.len(), 2);
    }

    #[derive(Debug, Clone)]
    enum Step {
        Lend,
        NextEvent,
        Grant(usize),
        Write,
        Stop,
        DropPermits,
    }

    fn step() -> impl proptest::strategy::Strategy<Value = Step> {
        use proptest::prelude::*;
        prop_oneof![
            3 => Just(Step::Lend),
            4 => Just(Step::NextEvent),
            3 => (0usize..8).prop_map(Step::Grant),
            3 => Just(Step::Write),
            1 => Just(Step::Stop),
            1 => Just(Step::DropPermits),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// Calls waiting for permits, against a model: random lends, events given out, grants
        /// (some for calls not waiting), writes, stops and the permits dropped. No call is
        /// written before its permit is granted, each announced call is written or released
        /// exactly once, and every item gets exactly one outcome.
        #[test]
        fn no_call_is_written_without_its_permit(
            items in 0usize..12,
            limit in 1usize..4,
            steps in proptest::collection::vec(step(), 0..60),
        ) {
            let endpoint = endpoint();
            let (mut batch, input) = batch_of(items, limit);
            let mut calls = Announcing::default();
            let mut permits = Some(CallPermits::new());
            if let Some(permits) = &permits {
                calls.wait_for(permits.clone());
            }
            let (mut announced, mut granted) = (Vec::new(), std::collections::BTreeSet::new());
            let (mut written, mut released) = (Vec::new(), Vec::new());
            let mut outcomes = vec![0u32; items];
            let write = |calls: &mut Announcing<SendMessages>,
                             batch: &mut Batch<SendMessages>,
                             written: &mut Vec<usize>| {
                for mut call in calls.take_announced(batch) {
                    written.push(call.index());
                    let _ = call.request(&endpoint);
                    let results = vec![Ok(MessageResult::to("x").successful(true)); call.len()];
                    batch.record_settled(call.settle(Ok(results), 1));
                }
            };
            let take = |event: Event<Message>,
                            announced: &mut Vec<usize>,
                            released: &mut Vec<usize>,
                            outcomes: &mut Vec<u32>| match event {
                Event::CallStarting { call, .. } => announced.push(call),
                Event::CallReleased { call, .. } => released.push(call),
                Event::Outcome(outcome) => outcomes[outcome.index] += 1,
                _ => {}
            };
            for step in steps {
                match step {
                    Step::Lend => {
                        calls.lend(&mut batch, &endpoint);
                    }
                    Step::NextEvent => {
                        if let Some(event) = calls.next_event(&mut batch) {
                            take(event, &mut announced, &mut released, &mut outcomes);
                        }
                    }
                    Step::Grant(k) => {
                        if let Some(permits) = &permits {
                            let call = announced.get(k).copied().unwrap_or(k + 100);
                            granted.insert(call);
                            permits.grant(call);
                        }
                    }
                    Step::Write => {
                        let before = written.len();
                        write(&mut calls, &mut batch, &mut written);
                        for call in &written[before..] {
                            proptest::prop_assert!(
                                granted.contains(call),
                                "call {} written without its permit", call
                            );
                        }
                    }
                    Step::Stop => batch.stop(),
                    Step::DropPermits => permits = None,
                }
            }
            // To the end, granting nothing more: a stop releases what waits.
            batch.stop();
            let mut ended = false;
            for _ in 0..10_000 {
                let before = written.len();
                write(&mut calls, &mut batch, &mut written);
                for call in &written[before..] {
                    proptest::prop_assert!(granted.contains(call), "call {} written without its permit", call);
                }
                while calls.lend(&mut batch, &endpoint) {}
                match calls.next_event(&mut batch) {
                    Some(event) => take(event, &mut announced, &mut released, &mut outcomes),
                    None if calls.held.is_empty() && calls.announced.is_empty() => {
                        ended = true;
                        break;
                    }
                    None => {}
                }
            }
            proptest::prop_assert!(ended, "calls still wait after the stop");
            for message in input {
                batch.push(message);
            }
            while let Some(event) = calls.next_event(&mut batch) {
                take(event, &mut announced, &mut released, &mut outcomes);
            }
            let mut ended: Vec<usize> = written.iter().chain(&released).copied().collect();
            ended.sort_unstable();
            let mut starting = announced.clone();
            starting.sort_unstable();
            proptest::prop_assert_eq!(ended, starting, "each announced call written or released once");
            proptest::prop_assert!(outcomes.iter().all(|n| *n == 1), "outcomes: {:?}", outcomes);
        }
    }
}
