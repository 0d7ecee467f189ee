//! The async client's streaming send: [`Sending`], the one loop that drives a
//! [`Batch`](crate::protocol::Batch) for [`Client`](crate::Client) (`send` and `call` collect
//! it).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::{Duration, Instant};

use futures_util::StreamExt as _;
use futures_util::stream::{FuturesUnordered, Stream};

use crate::call_task::{ReturnOnDrop, Returned, TaskEnded, perform, settle_returned};
use crate::client::Client;
use crate::error::{CallError, SendError};
use crate::operation::BatchOperation;
use crate::protocol::{
    Batch, CallPermits, Collector, Event, ItemResults, LentCall, SettledCall, StopHandle,
};
use crate::report::{MessageOutcome, SendReport};
use crate::shell::{self, Announcing};
use crate::trace::SendTrace;

/// What performing one call came to: its result and how many attempts it took.
pub(crate) type Performed<R> = (Result<ItemResults<R>, CallError>, u32);

/// A streaming send in progress ([`Client::send_stream`], [`Client::call_stream`]): a
/// [`Stream`] of one [`MessageOutcome`] per input message, each as soon as it is known (the
/// message handed back with it), not in input order.
///
/// Messages are taken from the input only as the calls being prepared need them, so memory
/// stays bounded by the calls in flight times the call size, whatever the number of messages.
/// Each call runs as its own tokio task, which takes the call's messages with it: its request
/// is built (unless this stream built it while waiting), sent, and the answer read into each
/// message's outcome there, so that work spreads over the runtime's workers; this stream
/// validates, splits and hands out the outcomes.
///
/// - [`events`](Self::events) gives every [`Event`] instead: each call's
///   [`CallStarting`](Event::CallStarting) *before* its request is written (the request goes
///   out only once the next event is asked for, so "these messages are in flight" can be
///   journaled first), the outcomes, and each call's
///   [`CallFinished`](Event::CallFinished);
///   [`events_with_permits`](Self::events_with_permits) writes each call only once its permit
///   is granted, and goes on with the others meanwhile.
/// - [`report`](Self::report) collects everything into a [`SendReport`], as
///   [`Client::send`] does.
/// - [`deadline`](Self::deadline) / [`time_limit`](Self::time_limit): no call starts after it
///   (default: the client's [`send_deadline`](crate::ClientBuilder::send_deadline)).
/// - [`stop_handle`](Self::stop_handle): a graceful stop from anywhere.
///
/// When the stream ends, every message it took has its outcome; after a deadline or a stop it
/// takes no further message from the input (those are still yours, never sent). An empty
/// input makes no call and ends at once.
///
/// # Dropping it
///
/// Dropping the stream before it ends aborts the calls in flight. What you have been given is
/// exact: each outcome received is final, and each [`CallStarting`](Event::CallStarting)
/// without its [`CallFinished`](Event::CallFinished) names messages that **may have reached
/// the service** (their call may have been written, and its answer is lost). Messages taken
/// from the input without an outcome yet and not in such a call were never sent; messages
/// never taken are still in your input. With only the outcome stream (not
/// [`events`](Self::events)) you cannot tell those two kinds apart: to stop early and keep
/// an exact account, use [`stop_handle`](Self::stop_handle) and read the stream to its end.
#[must_use = "a stream does nothing unless polled"]
pub struct Sending<Op: BatchOperation, S> {
    client: Client,
    input: Pin<Box<S>>,
    input_done: bool,
    batch: Batch<Op>,
    started: bool,
    deadline: Option<Instant>,
    time_limit: Option<Duration>,
    stop: StopHandle,
    /// Take the whole input even after a stop, so that every input message is reported (the
    /// collectors: `send`, `call`, `report`).
    account_for_all: bool,
    /// The calls lent and not written yet.
    calls: Announcing<Op>,
    tasks: FuturesUnordered<Task<Op>>,
    /// The calls of tasks that ended without settling them, handed back as they were dropped.
    returned: Returned<Op>,
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
    /// The send's span (feature `tracing`).
    trace: SendTrace,
    /// [`report`](Self::report)'s collector; also the input, when it keeps the input in
    /// place ([`Client::call`]'s input of a known length).
    collector: Option<Collector<Op::Item>>,
}

// Nothing in a `Sending` is pinned structurally: the input is boxed, the items sit in `Vec`s.
impl<Op: BatchOperation, S> Unpin for Sending<Op, S> {}

impl<Op, S> Sending<Op, S>
where
    Op: BatchOperation + 'static,
    Op::Item: Send + 'static,
    Op::ItemResult: Send + 'static,
    S: Stream<Item = Op::Item>,
{
    pub(crate) fn new(client: Client, items: S) -> Self {
        let settings = client.settings();
        let batch = Batch::new(settings.options, settings.calls_in_flight);
        Sending {
            input: Box::pin(items),
            input_done: false,
            batch,
            started: false,
            deadline: None,
            time_limit: settings.send_deadline,
            stop: StopHandle::new(),
            account_for_all: false,
            calls: Announcing::default(),
            tasks: FuturesUnordered::new(),
            returned: Returned::default(),
            sleep: None,
            trace: SendTrace::start(Op::OPERATION_ID),
            collector: None,
            client,
        }
    }

    /// A send that takes its input from `collector`, which keeps it in place for the report
    /// ([`Collector::in_place`]).
    pub(crate) fn in_place(client: Client, collector: Collector<Op::Item>, empty: S) -> Self {
        let mut sending = Sending::new(client, empty);
        sending.collector = Some(collector);
        sending
    }

    /// No call starts at or after `deadline` (overrides the client's
    /// [`send_deadline`](crate::ClientBuilder::send_deadline)). Calls in flight then end
    /// within their own timeout; the messages whose calls never started are reported
    /// [`DeadlinePassed`](crate::NotSentReason::DeadlinePassed), safe to send again.
    pub fn deadline(mut self, deadline: Instant) -> Self {
        self.deadline = Some(deadline);
        self.time_limit = None;
        self
    }

    /// [`deadline`](Self::deadline) at `limit` after the send's start (its first poll).
    pub fn time_limit(mut self, limit: Duration) -> Self {
        self.deadline = None;
        self.time_limit = Some(limit);
        self
    }

    /// A handle that stops this send gracefully from another task or thread: no further call
    /// starts, the calls in flight finish, and the messages whose calls never started are
    /// reported [`StopRequested`](crate::NotSentReason::StopRequested), safe to send again.
    pub fn stop_handle(&self) -> StopHandle {
        self.stop.clone()
    }

    /// Stops this send with `handle` (for one handle shared by several sends).
    pub fn stop_with(mut self, handle: StopHandle) -> Self {
        self.stop = handle;
        self
    }

    /// Every event instead of the outcomes only.
    pub fn events(self) -> Events<Op, S> {
        Events { sending: self }
    }

    /// Every event, as [`events`](Self::events), and each call waits to be written until its
    /// permit is granted ([`CallPermits::grant`] with the `call` of its
    /// [`CallStarting`](Event::CallStarting)), from any task or thread. Meanwhile the send goes
    /// on: answers are taken in, outcomes given out, the next calls prepared and announced.
    ///
    /// For a consumer that must make "these messages are in flight" durable before they go
    /// out, and would rather not stop the whole send while it does: a journal committed on a
    /// thread of its own grants each call once its record is committed. Every call announced
    /// must be granted, or the send stopped ([`stop_handle`](Self::stop_handle)): a call
    /// waiting for its permit when no call may start any more is released unsent
    /// ([`CallReleased`](Event::CallReleased)), and once every clone of the permits is
    /// dropped the send stops.
    pub fn events_with_permits(mut self) -> (Events<Op, S>, CallPermits) {
        let permits = CallPermits::new();
        self.calls.wait_for(permits.clone());
        (Events { sending: self }, permits)
    }

    /// Runs the send to its end and collects a [`SendReport`]: every input message (the whole
    /// input is read, even after a deadline or a stop, so each gets its outcome) with its
    /// outcome, in input order. `Err` when a call failed as a whole or a message was not sent;
    /// it still holds the report.
    pub async fn report(mut self) -> Result<SendReport<Op::Item>, SendError<Op::Item>> {
        self.account_for_all = true;
        // Room for the input, as far as it says (a bogus hint costs at most this much).
        let room = self.input.size_hint().0.min(1 << 20);
        self.collector
            .get_or_insert_with(|| Collector::with_capacity(room));
        while let Some(event) = std::future::poll_fn(|cx| self.poll_event(cx)).await {
            let collector = self.collector.get_or_insert_with(Collector::new);
            self.calls
                .collect(collector, event, &mut self.batch, &mut self.trace);
        }
        self.collector.take().unwrap_or_default().finish()
    }

    /// The next event, traced (feature `tracing`).
    fn poll_event(&mut self, cx: &mut Context<'_>) -> Poll<Option<Event<Op::Item>>> {
        let event = ready!(self.poll_untraced(cx));
        match &event {
            Some(event) => self.trace.event(event),
            None => self.trace.finish(),
        }
        Poll::Ready(event)
    }

    fn poll_untraced(&mut self, cx: &mut Context<'_>) -> Poll<Option<Event<Op::Item>>> {
        if !self.started {
            self.started = true;
            let deadline = self
                .deadline
                .or_else(|| self.time_limit.map(|limit| Instant::now() + limit));
            self.batch.set_deadline(deadline);
        }
        loop {
            if self.stop.is_stopped() {
                self.batch.stop();
            }
            // The consumer has seen these calls' `CallStarting`: write them now.
            for call in self.calls.take_announced(&mut self.batch) {
                self.spawn(call);
            }
            // A call that ended frees its slot: take it in and lend the next call at once, so
            // that its `CallStarting` goes out before the ended call's outcomes.
            while let Poll::Ready(Some((call, ended))) = self.tasks.poll_next_unpin(cx) {
                let settled = match ended {
                    Ok(settled) => settled,
                    Err(ended) => settle_returned(&self.returned, call, ended),
                };
                self.batch.record_settled(settled);
            }
            let endpoint = &self.client.settings().endpoint;
            if self.batch.has_ready_call() {
                self.calls.lend(&mut self.batch, endpoint);
            }
            if let Some(event) = self.calls.next_event(&mut self.batch) {
                return Poll::Ready(Some(event));
            }
            let mut input_pending = false;
            let draining = self.account_for_all && self.batch.should_stop();
            if !self.input_done && (self.batch.wants_items() || draining) {
                // Items as they come, while the call being filled wants them (not one turn of
                // this loop each); a drained item's outcome goes out before the next is taken.
                loop {
                    let next = match &mut self.collector {
                        Some(collector) if collector.is_in_place() => Poll::Ready(collector.lend()),
                        _ => self.input.as_mut().poll_next(cx),
                    };
                    match next {
                        Poll::Ready(Some(item)) => {
                            self.batch.push(item);
                            if draining || !self.batch.takes_more() || self.batch.has_events() {
                                break;
                            }
                        }
                        Poll::Ready(None) => {
                            self.input_done = true;
                            self.batch.end_input();
                            break;
                        }
                        Poll::Pending => {
                            input_pending = true;
                            break;
                        }
                    }
                }
                if !input_pending {
                    continue;
                }
            }
            let endpoint = &self.client.settings().endpoint;
            if self.calls.lend(&mut self.batch, endpoint) {
                continue;
            }
            if input_pending && self.batch.in_flight() == 0 && self.batch.has_partial_call() {
                // The input is slow to come and nothing is in flight: send what there is.
                self.batch.flush();
                continue;
            }
            if self.batch.is_done() && (self.input_done || !self.account_for_all) {
                return Poll::Ready(None);
            }
            // Waiting with at most one call in flight: get the next call's request ready
            // meanwhile (with more in flight, the calls' own tasks build theirs).
            if self.batch.in_flight() <= 1 && self.batch.prepare(endpoint) {
                continue;
            }
            if let Some(at) = self.batch.poll_timeout() {
                let sleep = self
                    .sleep
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(at.into())));
                if sleep.as_mut().poll(cx).is_ready() {
                    self.batch.handle_timeout(Instant::now().max(at));
                    continue;
                }
            }
            if self.batch.has_events() {
                // `poll_call` halted the batch (its deadline passed) and queued the outcomes:
                // give them out now, nothing else would wake this task.
                continue;
            }
            self.stop.register(cx.waker());
            if self.stop.is_stopped() && !self.batch.should_stop() {
                // Stopped meanwhile: act on it now.
                continue;
            }
            if self.calls.register(cx.waker()) {
                // A permit granted meanwhile: write its call now.
                continue;
            }
            return Poll::Pending;
        }
    }

    /// Writes `call`: builds, performs and settles it on its own task.
    fn spawn(&mut self, call: LentCall<Op>) {
        let client = self.client.clone();
        let deadline = self.batch.deadline();
        let index = call.index();
        let trace = self.trace.call(index, call.len());
        let guard = ReturnOnDrop::new(call, &self.returned);
        let handle = tokio::spawn(perform(client, guard, deadline, trace));
        self.tasks.push(Task {
            call: index,
            handle,
        });
    }
}

impl<Op, S> Stream for Sending<Op, S>
where
    Op: BatchOperation + 'static,
    Op::Item: Send + 'static,
    Op::ItemResult: Send + 'static,
    S: Stream<Item = Op::Item>,
{
    type Item = MessageOutcome<Op::Item>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(outcome) = this.calls.queued_outcome(&mut this.batch, &mut this.trace) {
                return Poll::Ready(Some(outcome));
            }
            match ready!(this.poll_event(cx)) {
                Some(Event::Outcome(outcome)) => return Poll::Ready(Some(outcome)),
                Some(_) => {}
                None => return Poll::Ready(None),
            }
        }
    }
}

impl<Op: BatchOperation, S> fmt::Debug for Sending<Op, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        shell::debug_sending(f, "Sending", &self.batch, &self.stop)
    }
}

/// Every [`Event`] of a streaming send ([`Sending::events`]).
///
/// A call's request is written only after its [`CallStarting`](Event::CallStarting) was given
/// out and the next event is asked for (and, from
/// [`events_with_permits`](Sending::events_with_permits), once its permit is granted).
#[must_use = "a stream does nothing unless polled"]
#[derive(Debug)]
pub struct Events<Op: BatchOperation, S> {
    sending: Sending<Op, S>,
}

impl<Op, S> Events<Op, S>
where
    Op: BatchOperation + 'static,
    Op::Item: Send + 'static,
    Op::ItemResult: Send + 'static,
    S: Stream<Item = Op::Item>,
{
    /// A handle that stops this send gracefully ([`Sending::stop_handle`]).
    pub fn stop_handle(&self) -> StopHandle {
        self.sending.stop_handle()
    }
}

impl<Op, S> Stream for Events<Op, S>
where
    Op: BatchOperation + 'static,
    Op::Item: Send + 'static,
    Op::ItemResult: Send + 'static,
    S: Stream<Item = Op::Item>,
{
    type Item = Event<Op::Item>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().sending.poll_event(cx)
    }
}

/// One call's task; aborted when dropped (the send was dropped).
struct Task<Op: BatchOperation> {
    call: usize,
    handle: tokio::task::JoinHandle<Option<SettledCall<Op::Item>>>,
}

impl<Op: BatchOperation> Future for Task<Op> {
    type Output = (usize, Result<SettledCall<Op::Item>, TaskEnded>);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let ended = match ready!(Pin::new(&mut this.handle).poll(cx)) {
            Ok(Some(settled)) => Ok(settled),
            // The guard held no call: it was handed back.
            Ok(None) => Err(TaskEnded::Dropped),
            Err(error) if error.is_panic() => Err(TaskEnded::Panicked(error.into_panic())),
            Err(_) => Err(TaskEnded::Dropped),
        };
        Poll::Ready((this.call, ended))
    }
}

impl<Op: BatchOperation> Drop for Task<Op> {
    fn drop(&mut self) {
        self.handle.abort();
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;
    use crate::operations::SendMessages;
    use crate::{Message, NotSentReason, Outcome};

    /// A call's task that panics hands its call back as it unwinds, so its messages still get
    /// their outcomes: not sent, and they may have reached the service.
    #[test]
    fn a_call_whose_task_panics_is_handed_back_and_settled() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let _entered = runtime.enter();
        let client = Client::builder()
            .credentials("user", "password")
            .base_url("http://127.0.0.1:1")
            .batch_size(2)
            .build()
            .unwrap();
        let mut sending: Sending<SendMessages, _> =
            Sending::new(client, futures_util::stream::empty());
        let mut messages = (0..2)
            .map(|i| {
                Message::to(format!("44770090000{i}"))
                    .from("Example")
                    .body("Hello")
            })
            .collect::<Vec<_>>()
            .into_iter();
        sending.batch.fill(&mut messages);
        let endpoint = sending.client.settings().endpoint.clone();
        let call = sending
            .batch
            .poll_lent_call(&endpoint, Instant::now())
            .expect("a call");
        let guard = ReturnOnDrop::new(call, &sending.returned);
        let ended = runtime
            .block_on(tokio::spawn(async move {
                let _guard = guard;
                panic!("the call's task failed");
            }))
            .expect_err("it panicked");
        let settled = settle_returned(
            &sending.returned,
            0,
            TaskEnded::Panicked(ended.into_panic()),
        );
        assert!(matches!(
            settled.failure(),
            Some(CallError::Panicked { message }) if message == "the call's task failed"
        ));
        sending.batch.record_settled(settled);
        let mut outcomes = Vec::new();
        while let Some(event) = sending.batch.poll_event() {
            if let Event::Outcome(outcome) = event {
                outcomes.push(outcome);
            }
        }
        assert_eq!(outcomes.len(), 2);
        for (i, outcome) in outcomes.iter().enumerate() {
            assert_eq!(outcome.index, i);
            assert_eq!(outcome.message.to, format!("44770090000{i}"));
            assert!(matches!(
                outcome.outcome,
                Outcome::NotSent {
                    reason: NotSentReason::CallFailed { call: 0, .. }
                }
            ));
            assert!(
                !outcome.is_safe_to_resend(),
                "it may have reached the service"
            );
        }
        assert_eq!(sending.batch.in_flight(), 0);
    }
}
