//! A batch: any number of items, taken one at a time as the calls being prepared need them,
//! validated, split into calls, and each item's outcome given out as an [`Event`] as soon as it
//! is known (the item handed back with it), after which the batch forgets it.

use std::collections::{BTreeMap, VecDeque};
use std::time::Instant;

use crate::error::{CallError, CallFailureKind};
use crate::operation::{BatchOperation, ItemOutcome};
use crate::protocol::call::{ItemResults, UnreadableResult};
use crate::protocol::http::{Endpoint, HttpRequest};
use crate::redact::Redactor;
use crate::report::{MessageOutcome, NotSentReason, Outcome, RejectedBy};
use crate::validation::Validate;

/// The most items a call being filled has room for up front (calls larger than this grow).
const MAX_ROOM: usize = 1024;

/// How a batch is prepared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchOptions {
    /// Validate each item locally first; an invalid item is reported as rejected by the client
    /// and is not sent.
    pub validate: bool,
    /// At most this many items per call (capped at the operation's
    /// [`MAX_ITEMS_PER_CALL`](BatchOperation::MAX_ITEMS_PER_CALL); 0 counts as 1).
    pub call_size: usize,
}

impl Default for BatchOptions {
    fn default() -> Self {
        BatchOptions {
            validate: true,
            call_size: usize::MAX,
        }
    }
}

/// Whether a shell should start more calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Go on.
    Continue,
    /// Start no further call: the credentials were refused (every other call would be too), a
    /// call panicked ([`CallError::stops_batch`]), the deadline passed or a stop was asked for.
    /// Calls already in flight finish and are recorded.
    Stop,
}

/// One call to make: its number, how many items it carries, and its request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// The call's number, from 0.
    pub index: usize,
    /// How many items it carries (pass it to [`Endpoint::parse_response`]).
    pub items: usize,
    /// The request to send.
    pub request: HttpRequest,
}

/// What a [`Batch`] has to say: drain with [`Batch::poll_event`]. They come in the order they
/// happened, but that [`CallStarting`](Event::CallStarting) and
/// [`CallReleased`](Event::CallReleased) go before outcomes not taken yet.
#[derive(Debug)]
#[non_exhaustive]
pub enum Event<T> {
    /// Call `call` is about to be sent with these items (input indices, in order). A shell
    /// hands this to its consumer *before* it writes the request, so that the consumer can
    /// journal "these items are in flight" first: the clients write the request only once the
    /// consumer asks for the next event.
    CallStarting {
        /// The call's number.
        call: usize,
        /// The input indices of its items, in order.
        items: Vec<usize>,
    },
    /// What became of one item (handed back with it). Each item gets exactly one.
    Outcome(MessageOutcome<T>),
    /// Call `call` is over: answered (`failure: None`, each item's outcome given before this),
    /// or failed as a whole.
    CallFinished {
        /// The call's number.
        call: usize,
        /// The input indices of its items, in order.
        items: Vec<usize>,
        /// How many times it was sent (more than 1 when a shell retried a call that provably
        /// did not reach the service); 0 when it was never sent (its request could not be
        /// built).
        attempts: u32,
        /// Why it failed as a whole, if it did.
        failure: Option<CallError>,
    },
    /// Call `call`, announced with [`CallStarting`](Event::CallStarting), was handed back
    /// ([`Batch::release`], [`Batch::release_lent`]) without being sent: its items are not in flight any more (they
    /// go in a later call, or are reported not sent).
    CallReleased {
        /// The call's number.
        call: usize,
        /// The input indices of its items, in order.
        items: Vec<usize>,
    },
}

impl<T> Event<T> {
    /// The item's outcome, for [`Event::Outcome`].
    pub fn into_outcome(self) -> Option<MessageOutcome<T>> {
        match self {
            Event::Outcome(outcome) => Some(outcome),
            _ => None,
        }
    }
}

/// The events not taken yet, in order, but that the events saying which items are in flight
/// ([`CallStarting`](Event::CallStarting), [`CallReleased`](Event::CallReleased), in their own
/// order) go before the outcomes still waiting, so that a shell writes a new call's request at
/// once instead of after them. A settled call's outcomes wait as one [`CallOutcomes`], so that
/// queueing them moves nothing.
#[derive(Debug)]
struct EventQueue<T> {
    /// The `CallStarting`s and `CallReleased`s not taken yet, in order.
    in_flight: VecDeque<Event<T>>,
    queue: VecDeque<Queued<T>>,
    /// How many events wait.
    len: usize,
}

#[derive(Debug)]
enum Queued<T> {
    One(Event<T>),
    Outcomes(CallOutcomes<T>),
}

impl<T> Default for EventQueue<T> {
    fn default() -> Self {
        EventQueue {
            in_flight: VecDeque::new(),
            queue: VecDeque::new(),
            len: 0,
        }
    }
}

impl<T> EventQueue<T> {
    fn push(&mut self, event: Event<T>) {
        self.len += 1;
        match event {
            Event::CallStarting { .. } | Event::CallReleased { .. } => {
                self.in_flight.push_back(event);
            }
            event => self.queue.push_back(Queued::One(event)),
        }
    }

    fn push_outcomes(&mut self, outcomes: CallOutcomes<T>) {
        if outcomes.len() > 0 {
            self.len += outcomes.len();
            self.queue.push_back(Queued::Outcomes(outcomes));
        }
    }

    fn pop(&mut self) -> Option<Event<T>> {
        if let Some(event) = self.in_flight.pop_front() {
            self.len -= 1;
            return Some(event);
        }
        if let Some(outcome) = self.pop_outcome() {
            return Some(Event::Outcome(outcome));
        }
        // Not an outcome: the next is one event of its own, or there is none.
        let Queued::One(event) = self.queue.pop_front()? else {
            return None;
        };
        self.len -= 1;
        Some(event)
    }

    /// The next event if it is an outcome (no `CallStarting` or `CallReleased` waits).
    fn pop_outcome(&mut self) -> Option<MessageOutcome<T>> {
        if !self.in_flight.is_empty() {
            return None;
        }
        loop {
            match self.queue.front_mut()? {
                Queued::Outcomes(outcomes) => {
                    if let Some(outcome) = outcomes.next() {
                        self.len -= 1;
                        return Some(outcome);
                    }
                    self.queue.pop_front();
                }
                Queued::One(Event::Outcome(_)) => {
                    let Some(Queued::One(Event::Outcome(outcome))) = self.queue.pop_front() else {
                        return None;
                    };
                    self.len -= 1;
                    return Some(outcome);
                }
                Queued::One(_) => return None,
            }
        }
    }

    /// The rest of the next settled call's outcomes whole, when they are the next events
    /// (no `CallStarting` or `CallReleased` waits).
    fn pop_call(&mut self) -> Option<CallOutcomes<T>> {
        if !self.in_flight.is_empty() || !matches!(self.queue.front()?, Queued::Outcomes(_)) {
            return None;
        }
        let Some(Queued::Outcomes(outcomes)) = self.queue.pop_front() else {
            return None;
        };
        self.len -= outcomes.len();
        Some(outcomes)
    }

    fn len(&self) -> usize {
        self.len
    }

    fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// Why no further call starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Halt {
    /// A call stopped the batch (refused credentials, a panic).
    ByCall(usize, CallFailureKind),
    /// The deadline passed.
    Deadline,
    /// A stop was asked for.
    Requested,
    /// The shell finished the batch early ([`Batch::finish`]).
    Unfinished,
}

impl Halt {
    fn reason(self) -> NotSentReason {
        match self {
            Halt::ByCall(by_call, failure) => NotSentReason::Stopped { by_call, failure },
            Halt::Deadline => NotSentReason::DeadlinePassed,
            Halt::Requested => NotSentReason::StopRequested,
            Halt::Unfinished => NotSentReason::Unfinished,
        }
    }
}

/// A call in flight: its items held by the batch ([`Batch::poll_call`]), or lent to the shell
/// with the call ([`Batch::poll_lent_call`]; the batch keeps their input indices).
#[derive(Debug)]
enum InFlight<T> {
    Held(Vec<(usize, T)>),
    Lent(Vec<usize>),
}

impl<T> InFlight<T> {
    fn indices(&self) -> Vec<usize> {
        match self {
            InFlight::Held(items) => indices(items),
            InFlight::Lent(indices) => indices.clone(),
        }
    }
}

/// The items of one call and, once built, its request.
#[derive(Debug)]
struct Pending<T> {
    items: Vec<(usize, T)>,
    request: Option<Result<HttpRequest, CallError>>,
}

/// Any number of items of operation `Op`, taken as the calls need them, split into calls, and
/// each item's outcome given out as soon as it is known: an event-driven, sans-IO core.
///
/// A shell:
///
/// 1. feeds items while [`wants_items`](Self::wants_items) (with [`push`](Self::push), or
///    [`fill`](Self::fill) from an iterator), then [`end_input`](Self::end_input);
/// 2. takes calls from [`poll_call`](Self::poll_call) (it hands out one while fewer than
///    `calls_in_flight` are in flight and the deadline has not passed), performs each request,
///    reads the answer with [`Endpoint::parse_response`] and hands the result to
///    [`record`](Self::record);
/// 3. drains [`poll_event`](Self::poll_event) after each step: a
///    [`CallStarting`](Event::CallStarting) before each call, one
///    [`Outcome`](Event::Outcome) per item (the item handed back), a
///    [`CallFinished`](Event::CallFinished) per call;
/// 4. is done when [`is_done`](Self::is_done).
///
/// The batch never reads a clock: the time is an input ([`poll_call`](Self::poll_call),
/// [`handle_timeout`](Self::handle_timeout)), and [`poll_timeout`](Self::poll_timeout) says
/// when it next matters. It holds at most `calls_in_flight + 2` calls' worth of items (those
/// in flight, one ready, one filling), so memory stays bounded whatever the number of items.
///
/// ```
/// use std::time::Instant;
/// use dynmark_api::protocol::{BaseUrl, Batch, BatchOptions, Endpoint, Event, HttpResponse};
/// use dynmark_api::{operations::SendMessages, Credentials, Message, Outcome, RejectedBy};
///
/// let endpoint = Endpoint::new(BaseUrl::default(), Credentials::new("user", "password"));
/// let mut messages = vec![
///     Message::to("447700900000").from("Example").body("Hello"),
///     Message::to("447700900111").from("").body("no originator"),
///     Message::to("447700900222").from("Example").body("Hello"),
/// ]
/// .into_iter();
/// let mut batch = Batch::<SendMessages>::new(BatchOptions::default(), 1);
/// let mut outcomes = Vec::new();
/// while !batch.is_done() {
///     batch.fill(&mut messages);
///     if let Some(call) = batch.poll_call(&endpoint, Instant::now()) {
///         assert_eq!(call.request.url, "https://services.dynmark.com/webapi/message/send");
///         // ... send `call.request` with any HTTP library; here, the service's answer:
///         let response = HttpResponse::new(
///             202,
///             Some("application/json".into()),
///             r#"[{"to":"447700900000","successful":true},{"to":"447700900222","successful":true}]"#,
///         );
///         let results = endpoint.parse_response::<SendMessages>(&response, call.items);
///         batch.record(call.index, results, 1);
///     }
///     while let Some(event) = batch.poll_event() {
///         if let Event::Outcome(outcome) = event {
///             outcomes.push((outcome.index, outcome.outcome));
///         }
///     }
/// }
/// outcomes.sort_by_key(|(index, _)| *index);
/// assert_eq!(outcomes[0], (0, Outcome::Accepted));
/// assert!(matches!(outcomes[1].1, Outcome::Rejected { by: RejectedBy::Client, .. }));
/// assert_eq!(outcomes[2], (2, Outcome::Accepted));
/// ```
#[derive(Debug)]
pub struct Batch<Op: BatchOperation> {
    validate: bool,
    call_size: usize,
    calls_in_flight: usize,
    deadline: Option<Instant>,
    /// How many items were taken.
    taken: usize,
    input_ended: bool,
    /// The call being filled.
    filling: Vec<(usize, Op::Item)>,
    /// Full calls (and the last one) not handed out yet, in order.
    sealed: VecDeque<Pending<Op::Item>>,
    /// The number the next call handed out gets.
    next_call: usize,
    /// Calls handed out and not recorded (nor released), with their items (or, for a call
    /// lent to the shell, their input indices).
    in_flight: BTreeMap<usize, InFlight<Op::Item>>,
    halt: Option<Halt>,
    events: EventQueue<Op::Item>,
    /// The endpoint's redaction step, for the failures in the service's results.
    redactor: Redactor,
}

impl<Op: BatchOperation> Batch<Op> {
    /// A batch that keeps at most `calls_in_flight` calls in flight (0 counts as 1). It holds
    /// no item yet.
    pub fn new(options: BatchOptions, calls_in_flight: usize) -> Self {
        Batch {
            validate: options.validate,
            call_size: options.call_size.clamp(1, Op::MAX_ITEMS_PER_CALL.max(1)),
            calls_in_flight: calls_in_flight.max(1),
            deadline: None,
            taken: 0,
            input_ended: false,
            filling: Vec::new(),
            sealed: VecDeque::new(),
            next_call: 0,
            in_flight: BTreeMap::new(),
            halt: None,
            events: EventQueue::default(),
            redactor: Redactor::none(),
        }
    }

    /// Takes the endpoint's redaction step for the failures in its results.
    fn adopt_redactor(&mut self, endpoint: &Endpoint) {
        if self.redactor != *endpoint.redactor() {
            self.redactor = endpoint.redactor().clone();
        }
    }

    /// No call starts at or after `deadline` ([`poll_call`](Self::poll_call)); items whose
    /// call did not start are then [`DeadlinePassed`](NotSentReason::DeadlinePassed).
    pub fn set_deadline(&mut self, deadline: Option<Instant>) {
        self.deadline = deadline;
    }

    /// The deadline, if any.
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }

    /// `true` while the batch wants another item: the input has not ended, no call stopped it,
    /// at most `calls_in_flight` full calls are in flight or ready, and fewer events than a
    /// call's worth of items wait to be taken (so that a run of invalid items does not pile up
    /// in the event queue).
    pub fn wants_items(&self) -> bool {
        !self.input_ended
            && self.halt.is_none()
            && self.in_flight.len() + self.sealed.len() <= self.calls_in_flight
            && self.events.len() < self.call_size
    }

    /// Takes the next item, as input index [`taken`](Self::taken): validates it (an invalid
    /// one gets its [`Rejected`](Outcome::Rejected) outcome at once) and adds it to the call
    /// being filled. Once the batch is stopped, an item pushed gets its outcome at once
    /// (rejected if invalid, else not sent, safe to resend): a shell that must account for
    /// every item of its input pushes the rest.
    pub fn push(&mut self, item: Op::Item) -> usize {
        let index = self.taken;
        self.taken += 1;
        if self.validate
            && let Err(report) = item.validate()
        {
            let outcome = Outcome::Rejected {
                by: RejectedBy::Client,
                failures: report.into_failures(),
            };
            self.emit(index, item, outcome, None);
            return index;
        }
        if let Some(halt) = self.halt {
            let reason = halt.reason();
            self.emit(index, item, Outcome::NotSent { reason }, None);
            return index;
        }
        if self.filling.capacity() == 0 {
            // The call's room at once: growing it item by item would copy every item several
            // times.
            self.filling.reserve_exact(self.call_size.min(MAX_ROOM));
        }
        self.filling.push((index, item));
        if self.filling.len() >= self.call_size {
            self.seal();
        }
        index
    }

    /// Takes items from `items` while [`wants_items`](Self::wants_items); calls
    /// [`end_input`](Self::end_input) when it runs out.
    pub fn fill(&mut self, items: &mut impl Iterator<Item = Op::Item>) {
        while self.wants_items() {
            match items.next() {
                Some(item) => {
                    self.push(item);
                }
                None => self.end_input(),
            }
        }
    }

    /// There are no more items: the call being filled is complete.
    pub fn end_input(&mut self) {
        self.input_ended = true;
        self.seal();
    }

    /// Completes the call being filled, if it holds any item, without waiting for more (a
    /// shell whose input is slow to come calls this when nothing else is in flight).
    pub fn flush(&mut self) {
        self.seal();
    }

    /// `true` when the call being filled holds items.
    pub fn has_partial_call(&self) -> bool {
        !self.filling.is_empty()
    }

    fn seal(&mut self) {
        if !self.filling.is_empty() {
            let items = std::mem::take(&mut self.filling);
            self.sealed.push_back(Pending {
                items,
                request: None,
            });
        }
    }

    /// How many items were taken.
    pub fn taken(&self) -> usize {
        self.taken
    }

    /// How many calls were handed out or failed before they could be (call numbers given).
    pub fn calls(&self) -> usize {
        self.next_call
    }

    /// How many calls are in flight: handed out and not recorded (nor released).
    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }

    /// The input indices of the items call `call` carries while it is in flight (else empty).
    pub fn call_items(&self, call: usize) -> Vec<usize> {
        self.in_flight
            .get(&call)
            .map(InFlight::indices)
            .unwrap_or_default()
    }

    /// Hands out the next call, if one is complete, fewer than `calls_in_flight` are in flight,
    /// and the batch is not stopped; first, a deadline at or before `now` stops it. Queues its
    /// [`CallStarting`](Event::CallStarting). A call whose request cannot be built fails at
    /// once (nothing is sent) and the next one is tried.
    ///
    /// From here on the call counts as in flight: record its result with
    /// [`record`](Self::record), or hand it back with [`release`](Self::release) if it was not
    /// sent after all.
    pub fn poll_call(&mut self, endpoint: &Endpoint, now: Instant) -> Option<Call> {
        self.adopt_redactor(endpoint);
        self.handle_timeout(now);
        while self.halt.is_none() && self.in_flight.len() < self.calls_in_flight {
            let mut pending = self.sealed.pop_front()?;
            let request = match pending.request.take() {
                Some(request) => request,
                None => build_request::<Op>(endpoint, &pending.items),
            };
            let index = self.next_call;
            self.next_call += 1;
            let items = pending.items.len();
            match request {
                Ok(request) => {
                    self.events.push(Event::CallStarting {
                        call: index,
                        items: indices(&pending.items),
                    });
                    self.in_flight.insert(index, InFlight::Held(pending.items));
                    return Some(Call {
                        index,
                        items,
                        request,
                    });
                }
                Err(error) => self.settle(index, pending.items, Err(error), 0),
            }
        }
        None
    }

    /// As [`poll_call`](Self::poll_call), but the call is lent to the shell with its items, so
    /// that building its request ([`LentCall::request`]), performing it and reading the answer
    /// into outcomes ([`LentCall::settle`]) can run anywhere (the async client does all three
    /// on the call's own task, spread over the runtime's workers). Give it back with
    /// [`record_settled`](Self::record_settled), or unsent with
    /// [`release_lent`](Self::release_lent). Queues its [`CallStarting`](Event::CallStarting).
    ///
    /// The request is built only if [`prepare`](Self::prepare) built it already; otherwise
    /// [`LentCall::request`] builds it.
    pub fn poll_lent_call(&mut self, endpoint: &Endpoint, now: Instant) -> Option<LentCall<Op>> {
        self.adopt_redactor(endpoint);
        self.handle_timeout(now);
        if self.halt.is_some() || self.in_flight.len() >= self.calls_in_flight {
            return None;
        }
        let pending = self.sealed.pop_front()?;
        let index = self.next_call;
        self.next_call += 1;
        let items = indices(&pending.items);
        self.events.push(Event::CallStarting {
            call: index,
            items: items.clone(),
        });
        self.in_flight.insert(index, InFlight::Lent(items));
        Some(LentCall {
            index,
            items: pending.items,
            request: pending.request,
            redactor: self.redactor.clone(),
        })
    }

    /// Takes back a call lent by [`poll_lent_call`](Self::poll_lent_call), settled: queues its
    /// items' outcomes and its [`CallFinished`](Event::CallFinished), as
    /// [`record`](Self::record) does. A call not in flight as a lent one is ignored (its items
    /// are dropped without outcomes: a shell never has one).
    pub fn record_settled(&mut self, settled: SettledCall<Op::Item>) -> Flow {
        if let Some(InFlight::Lent(_)) = self.in_flight.get(&settled.call) {
            self.in_flight.remove(&settled.call);
            self.apply(settled);
        }
        self.flow()
    }

    /// Hands back a lent call that was not sent after all, as [`release`](Self::release) does.
    pub fn release_lent(&mut self, call: LentCall<Op>) {
        if !matches!(self.in_flight.get(&call.index), Some(InFlight::Lent(_))) {
            return;
        }
        self.in_flight.remove(&call.index);
        self.events.push(Event::CallReleased {
            call: call.index,
            items: indices(&call.items),
        });
        self.take_back(call.items, call.request);
    }

    /// Whether a shell taking items in a row should take one more now: the batch
    /// [`wants_items`](Self::wants_items), and no call is ready to be lent (a complete call
    /// with a free slot goes out first).
    pub(crate) fn takes_more(&self) -> bool {
        self.wants_items() && !self.has_ready_call()
    }

    /// `true` when [`poll_lent_call`](Self::poll_lent_call) (or [`poll_call`](Self::poll_call))
    /// may hand out a call: one is complete, a slot is free, the batch is not stopped (the
    /// deadline aside: those check it).
    pub(crate) fn has_ready_call(&self) -> bool {
        self.halt.is_none()
            && self.in_flight.len() < self.calls_in_flight
            && !self.sealed.is_empty()
    }

    /// Uses a wait: builds the request of the next complete call, so that
    /// [`poll_call`](Self::poll_call) hands it out at once. Returns `true` if it did work.
    pub fn prepare(&mut self, endpoint: &Endpoint) -> bool {
        self.adopt_redactor(endpoint);
        if self.halt.is_some() {
            return false;
        }
        match self
            .sealed
            .iter_mut()
            .find(|pending| pending.request.is_none())
        {
            Some(pending) => {
                pending.request = Some(build_request::<Op>(endpoint, &pending.items));
                true
            }
            None => false,
        }
    }

    /// When the batch next needs [`handle_timeout`](Self::handle_timeout): its deadline, while
    /// calls may still start.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.deadline.filter(|_| self.halt.is_none())
    }

    /// Tells the batch the time: once its deadline is reached, no further call starts, and
    /// every item not in a started call is [`DeadlinePassed`](NotSentReason::DeadlinePassed).
    pub fn handle_timeout(&mut self, now: Instant) {
        if self.deadline.is_some_and(|deadline| now >= deadline) {
            self.halt(Halt::Deadline);
        }
    }

    /// A graceful stop: no further call starts, calls in flight finish (record them), and
    /// every item not in a started call is [`StopRequested`](NotSentReason::StopRequested)
    /// (safe to resend).
    pub fn stop(&mut self) {
        self.halt(Halt::Requested);
    }

    /// `true` once no further call will start (a call stopped the batch, the deadline passed,
    /// a stop was asked for).
    pub fn should_stop(&self) -> bool {
        self.halt.is_some()
    }

    fn halt(&mut self, halt: Halt) {
        if self.halt.is_some() {
            return;
        }
        self.halt = Some(halt);
        let reason = halt.reason();
        self.seal();
        while let Some(pending) = self.sealed.pop_front() {
            for (index, item) in pending.items {
                self.emit(index, item, Outcome::NotSent { reason }, None);
            }
        }
    }

    /// Hands back a call from [`poll_call`](Self::poll_call) that was not sent after all: it is
    /// no longer in flight ([`CallReleased`](Event::CallReleased)), and its items go first in
    /// the next call (or, once the batch is stopped, are not sent). A call not in flight is
    /// ignored.
    pub fn release(&mut self, call: Call) {
        if !matches!(self.in_flight.get(&call.index), Some(InFlight::Held(_))) {
            return;
        }
        let Some(InFlight::Held(items)) = self.in_flight.remove(&call.index) else {
            return;
        };
        self.events.push(Event::CallReleased {
            call: call.index,
            items: indices(&items),
        });
        self.take_back(items, Some(Ok(call.request)));
    }

    /// The items of a call handed back unsent: first in the next call, or not sent once the
    /// batch is stopped.
    fn take_back(
        &mut self,
        items: Vec<(usize, Op::Item)>,
        request: Option<Result<HttpRequest, CallError>>,
    ) {
        match self.halt {
            Some(halt) => {
                let reason = halt.reason();
                for (index, item) in items {
                    self.emit(index, item, Outcome::NotSent { reason }, None);
                }
            }
            None => self.sealed.push_front(Pending { items, request }),
        }
    }

    /// Records what call `call` came to after `attempts` attempts: its results (from
    /// [`Endpoint::parse_response`]) or its failure; queues each item's outcome and the call's
    /// [`CallFinished`](Event::CallFinished). A call not in flight (never handed out, handed
    /// back, or recorded already) is ignored.
    ///
    /// A result that accepts its item and still lists failures keeps them
    /// ([`MessageOutcome::accepted_with_failures`]).
    pub fn record(
        &mut self,
        call: usize,
        result: Result<ItemResults<Op::ItemResult>, CallError>,
        attempts: u32,
    ) -> Flow {
        if let Some(InFlight::Held(_)) = self.in_flight.get(&call)
            && let Some(InFlight::Held(items)) = self.in_flight.remove(&call)
        {
            self.settle(call, items, result, attempts);
        }
        self.flow()
    }

    fn settle(
        &mut self,
        call: usize,
        items: Vec<(usize, Op::Item)>,
        result: Result<ItemResults<Op::ItemResult>, CallError>,
        attempts: u32,
    ) {
        let settled = settle::<Op>(call, items, result, attempts, &self.redactor);
        self.apply(settled);
    }

    /// Queues a settled call's outcomes and its `CallFinished`; first, stops the batch if its
    /// failure does.
    fn apply(&mut self, settled: SettledCall<Op::Item>) {
        if let Some(error) = &settled.failure
            && error.stops_batch()
        {
            self.halt(Halt::ByCall(settled.call, error.kind()));
        }
        self.events.push_outcomes(settled.outcomes);
        self.events.push(Event::CallFinished {
            call: settled.call,
            items: settled.indices,
            attempts: settled.attempts,
            failure: settled.failure,
        });
    }

    fn emit(&mut self, index: usize, item: Op::Item, outcome: Outcome, call: Option<usize>) {
        self.events.push(Event::Outcome(MessageOutcome::new(
            index, item, outcome, call,
        )));
    }

    fn flow(&self) -> Flow {
        if self.halt.is_some() {
            Flow::Stop
        } else {
            Flow::Continue
        }
    }

    /// The next event, in the order things happened, but that the events saying which items
    /// are in flight ([`CallStarting`](Event::CallStarting) and
    /// [`CallReleased`](Event::CallReleased), kept in their own order) come before the
    /// outcomes not taken yet, so that a new call's request goes out at once. A call's own
    /// outcomes and its [`CallFinished`](Event::CallFinished) always come after its
    /// `CallStarting`.
    pub fn poll_event(&mut self) -> Option<Event<Op::Item>> {
        self.events.pop()
    }

    /// The next event if it is an item's outcome (for a shell that collects them: the
    /// outcomes of a call without an [`Event`] around each).
    pub(crate) fn poll_outcome(&mut self) -> Option<MessageOutcome<Op::Item>> {
        self.events.pop_outcome()
    }

    /// The next events if they are the outcomes of a settled call, all of them at once (for
    /// a shell that collects them: no [`MessageOutcome`] around each); else `None`, and
    /// [`poll_outcome`](Self::poll_outcome) or [`poll_event`](Self::poll_event) gives the next.
    pub(crate) fn poll_call_outcomes(&mut self) -> Option<SettledItems<Op::Item>> {
        self.events.pop_call().map(CallOutcomes::into_settled_items)
    }

    /// `true` while an event waits to be taken ([`poll_event`](Self::poll_event)).
    pub(crate) fn has_events(&self) -> bool {
        !self.events.is_empty()
    }

    /// `true` when the batch has nothing left to do or say: the input ended (or the batch was
    /// stopped), no call is in flight, and every event was taken.
    pub fn is_done(&self) -> bool {
        (self.input_ended || self.halt.is_some())
            && self.filling.is_empty()
            && self.sealed.is_empty()
            && self.in_flight.is_empty()
            && self.events.is_empty()
    }

    /// Ends the batch now, for a shell that will not record what is in flight: each call in
    /// flight fails with [`CallError::NotRecorded`] (its items may have reached the service),
    /// and every item not in a started call is [`Unfinished`](NotSentReason::Unfinished)
    /// (unless the batch was already stopped). A lent call stays in flight until the shell
    /// gives it back ([`record_settled`](Self::record_settled) of its
    /// [`LentCall::settle`], or [`release_lent`](Self::release_lent)). Take the events
    /// afterwards.
    pub fn finish(&mut self) {
        self.halt(Halt::Unfinished);
        self.input_ended = true;
        for (call, in_flight) in std::mem::take(&mut self.in_flight) {
            match in_flight {
                InFlight::Held(items) => self.settle(call, items, Err(CallError::NotRecorded), 1),
                // The shell holds its items: it settles it ([`LentCall::settle`]).
                lent @ InFlight::Lent(_) => {
                    self.in_flight.insert(call, lent);
                }
            }
        }
    }
}

fn indices<T>(items: &[(usize, T)]) -> Vec<usize> {
    items.iter().map(|(index, _)| *index).collect()
}

/// A call lent to the shell with its items ([`Batch::poll_lent_call`]): build its request,
/// perform it, then [`settle`](Self::settle) it with the result and give that back to the
/// batch ([`Batch::record_settled`]). Plain data: it can go to another task or thread.
#[derive(Debug)]
pub struct LentCall<Op: BatchOperation> {
    index: usize,
    items: Vec<(usize, Op::Item)>,
    request: Option<Result<HttpRequest, CallError>>,
    redactor: Redactor,
}

impl<Op: BatchOperation> LentCall<Op> {
    /// The call's number, from 0.
    pub fn index(&self) -> usize {
        self.index
    }

    /// How many items it carries (pass it to [`Endpoint::parse_response`]).
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// `true` when it carries no item (never: a batch lends only calls with items).
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The request that sends its items (the one [`Batch::prepare`] built, else built now);
    /// an `Err` when it cannot be built: settle the call with it, with 0 attempts (nothing
    /// was sent).
    pub fn request(&mut self, endpoint: &Endpoint) -> Result<HttpRequest, CallError> {
        match self.request.take() {
            Some(request) => request,
            None => build_request::<Op>(endpoint, &self.items),
        }
    }

    /// What the call came to after `attempts` attempts (its results, from
    /// [`Endpoint::parse_response`], or its failure): each item with its outcome, as
    /// [`Batch::record`] would queue them.
    pub fn settle(
        self,
        result: Result<ItemResults<Op::ItemResult>, CallError>,
        attempts: u32,
    ) -> SettledCall<Op::Item> {
        let verdict = self.judge(result, attempts);
        self.settled(verdict)
    }

    /// The first half of [`settle`](Self::settle): what the answer says of each item, the
    /// items left in the call.
    pub(crate) fn judge(
        &self,
        result: Result<ItemResults<Op::ItemResult>, CallError>,
        attempts: u32,
    ) -> Verdict {
        judge::<Op>(
            self.index,
            self.items.len(),
            result,
            attempts,
            &self.redactor,
        )
    }

    /// The second half of [`settle`](Self::settle): the items beside their outcomes.
    pub(crate) fn settled(self, verdict: Verdict) -> SettledCall<Op::Item> {
        verdict.with_items(self.items)
    }
}

/// A lent call, settled ([`LentCall::settle`]): give it to [`Batch::record_settled`].
#[derive(Debug)]
pub struct SettledCall<T> {
    call: usize,
    /// The input indices of its items, in order.
    indices: Vec<usize>,
    outcomes: CallOutcomes<T>,
    attempts: u32,
    failure: Option<CallError>,
}

/// A call's items and their outcomes, side by side (so that settling a call moves no item),
/// given out one [`MessageOutcome`] at a time.
#[derive(Debug)]
struct CallOutcomes<T> {
    call: usize,
    items: std::vec::IntoIter<(usize, T)>,
    outcomes: std::vec::IntoIter<Outcome>,
    /// `(position, failures)` of the accepted items the service listed failures for, in order.
    noted: std::iter::Peekable<std::vec::IntoIter<(usize, Vec<crate::ValidationFailure>)>>,
    /// `(position, result)` of the items whose result could not be read, in order.
    unreadable: std::iter::Peekable<std::vec::IntoIter<(usize, UnreadableResult)>>,
    position: usize,
}

impl<T> CallOutcomes<T> {
    fn len(&self) -> usize {
        self.items.len()
    }

    /// What is left of it, with the failures noted and the unreadable results by input index.
    fn into_settled_items(self) -> SettledItems<T> {
        let indices = self.items.as_slice();
        let index_of = |at: usize| at.checked_sub(self.position).and_then(|k| indices.get(k));
        let noted = self
            .noted
            .filter_map(|(at, failures)| Some((index_of(at)?.0, failures)))
            .collect();
        let unreadable = self
            .unreadable
            .filter_map(|(at, result)| Some((index_of(at)?.0, result)))
            .collect();
        SettledItems {
            items: self.items,
            outcomes: self.outcomes,
            noted,
            unreadable,
        }
    }
}

/// What [`Batch::poll_call_outcomes`] hands a collector: the items of one settled call still to
/// be given out beside their outcomes, in order, and what was noted of them by input index.
#[derive(Debug)]
pub(crate) struct SettledItems<T> {
    /// `(input index, item)`, in order.
    pub(crate) items: std::vec::IntoIter<(usize, T)>,
    /// One per item, in the same order.
    pub(crate) outcomes: std::vec::IntoIter<Outcome>,
    /// `(input index, failures)` of accepted items the service listed failures for.
    pub(crate) noted: Vec<(usize, Vec<crate::ValidationFailure>)>,
    /// `(input index, result)` of items whose result could not be read.
    pub(crate) unreadable: Vec<(usize, UnreadableResult)>,
}

impl<T> Iterator for CallOutcomes<T> {
    type Item = MessageOutcome<T>;

    fn next(&mut self) -> Option<MessageOutcome<T>> {
        let (index, item) = self.items.next()?;
        let outcome = self.outcomes.next()?;
        let mut outcome = MessageOutcome::new(index, item, outcome, Some(self.call));
        if let Some((_, noted)) = self.noted.next_if(|(at, _)| *at == self.position) {
            outcome.accepted_with_failures = noted;
        }
        if let Some((_, result)) = self.unreadable.next_if(|(at, _)| *at == self.position) {
            outcome.unreadable_result = Some(result);
        }
        self.position += 1;
        Some(outcome)
    }
}

impl<T> SettledCall<T> {
    /// The call's number.
    pub fn call(&self) -> usize {
        self.call
    }

    /// Why it failed as a whole, if it did.
    pub fn failure(&self) -> Option<&CallError> {
        self.failure.as_ref()
    }
}

/// Each item of call `call` with its outcome, from what the call came to.
fn settle<Op: BatchOperation>(
    call: usize,
    items: Vec<(usize, Op::Item)>,
    result: Result<ItemResults<Op::ItemResult>, CallError>,
    attempts: u32,
    redactor: &Redactor,
) -> SettledCall<Op::Item> {
    let verdict = judge::<Op>(call, items.len(), result, attempts, redactor);
    verdict.with_items(items)
}

/// What a call's answer says of each of its items, worked out without the items (so that a
/// panic while working it out leaves them where they were).
#[derive(Debug)]
pub(crate) struct Verdict {
    call: usize,
    outcomes: Vec<Outcome>,
    noted: Vec<(usize, Vec<crate::ValidationFailure>)>,
    unreadable: Vec<(usize, UnreadableResult)>,
    attempts: u32,
    failure: Option<CallError>,
}

impl Verdict {
    /// The call settled: its items beside their outcomes (moves nothing, cannot fail).
    fn with_items<T>(self, items: Vec<(usize, T)>) -> SettledCall<T> {
        debug_assert_eq!(self.outcomes.len(), items.len(), "one outcome per item");
        SettledCall {
            call: self.call,
            indices: indices(&items),
            outcomes: CallOutcomes {
                call: self.call,
                items: items.into_iter(),
                outcomes: self.outcomes.into_iter(),
                noted: self.noted.into_iter().peekable(),
                unreadable: self.unreadable.into_iter().peekable(),
                position: 0,
            },
            attempts: self.attempts,
            failure: self.failure,
        }
    }
}

/// The outcome of each of the `items` items of call `call`, from what the call came to.
fn judge<Op: BatchOperation>(
    call: usize,
    items: usize,
    result: Result<ItemResults<Op::ItemResult>, CallError>,
    attempts: u32,
    redactor: &Redactor,
) -> Verdict {
    let mut noted = Vec::new();
    let mut unreadable = Vec::new();
    let (outcomes, failure) = match result {
        Ok(results) if results.len() == items => {
            let outcomes = results
                .into_iter()
                .enumerate()
                .map(|(position, result)| match result {
                    Ok(result) if result.is_accepted() => {
                        let failures = result.into_failures();
                        if !failures.is_empty() {
                            noted.push((position, redactor.failures(failures)));
                        }
                        Outcome::Accepted
                    }
                    Ok(result) => Outcome::Rejected {
                        by: RejectedBy::Service,
                        failures: redactor.failures(result.into_failures()),
                    },
                    Err(result) => {
                        unreadable.push((position, result));
                        Outcome::NotSent {
                            reason: NotSentReason::UnreadableResult { call },
                        }
                    }
                })
                .collect();
            (outcomes, None)
        }
        Ok(results) => {
            let error = CallError::ResultCount {
                sent: items,
                received: results.len(),
            };
            (failed::<Op>(call, items, &error), Some(error))
        }
        Err(error) => (failed::<Op>(call, items, &error), Some(error)),
    };
    Verdict {
        call,
        outcomes,
        noted,
        unreadable,
        attempts,
        failure,
    }
}

/// The outcomes of the `items` items of a call that failed as a whole: not sent, but for those
/// a 400 names, which are rejected by the service.
fn failed<Op: BatchOperation>(call: usize, items: usize, error: &CallError) -> Vec<Outcome> {
    let kind = error.kind();
    let mut rejected: Vec<Option<Vec<crate::ValidationFailure>>> = vec![None; items];
    if let CallError::BadRequest { failures } = error {
        for failure in failures {
            let Some((position, property)) = failure
                .property
                .as_deref()
                .and_then(|p| item_path(p, Op::ITEM_NAME))
            else {
                continue;
            };
            if let Some(slot) = rejected.get_mut(position) {
                let mut relative = failure.clone();
                relative.property = property;
                slot.get_or_insert_with(Vec::new).push(relative);
            }
        }
    }
    rejected
        .into_iter()
        .map(|rejected| match rejected {
            Some(failures) => Outcome::Rejected {
                by: RejectedBy::Service,
                failures,
            },
            None => Outcome::NotSent {
                reason: NotSentReason::CallFailed {
                    call,
                    failure: kind,
                },
            },
        })
        .collect()
}

fn build_request<Op: BatchOperation>(
    endpoint: &Endpoint,
    items: &[(usize, Op::Item)],
) -> Result<HttpRequest, CallError> {
    endpoint.request_for::<Op>(items.iter().map(|(_, item)| item), items.len())
}

/// `message[3].from` → `(3, Some("from"))`; `message[3]` → `(3, None)`; anything else → `None`.
fn item_path(property: &str, item_name: &str) -> Option<(usize, Option<String>)> {
    let rest = property.strip_prefix(item_name)?.strip_prefix('[')?;
    let (position, rest) = rest.split_once(']')?;
    let position = position.parse().ok()?;
    let property = match rest {
        "" => None,
        rest => Some(rest.strip_prefix('.').unwrap_or(rest).to_owned()),
    };
    Some((position, property))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_paths() {
        assert_eq!(
            item_path("message[3].from", "message"),
            Some((3, Some("from".into())))
        );
        assert_eq!(item_path("message[0]", "message"), Some((0, None)));
        assert_eq!(
            item_path("message[1][2]", "message"),
            Some((1, Some("[2]".into())))
        );
        assert_eq!(item_path("message[x].from", "message"), None);
        assert_eq!(item_path("messages[0].from", "message"), None);
        assert_eq!(item_path("from", "message"), None);
        assert_eq!(item_path("", "message"), None);
    }
}
