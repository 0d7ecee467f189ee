//! The blocking client (feature `blocking`): the same methods as [`crate::Client`] without
//! `async`; switch by changing one import.
//!
//! A thin shell over the async client, in reqwest's own blocking design: each client runs one
//! tokio runtime on one thread of its own, and the calling thread hands each call (its
//! messages with it) over a channel and gets it back settled: the request built (unless the
//! calling thread built it while waiting), sent, and the answer read there. So the client's
//! `timeout` covers the whole call,
//! from connecting to the answer's last byte, as for the async client. Everything else is the
//! [`protocol`](crate::protocol) core. It may be used from inside an async runtime as well (it
//! then blocks that thread).

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::{Arc, mpsc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use futures_util::FutureExt as _;
use futures_util::future::{AbortHandle, Abortable, Aborted};

use crate::Message;
use crate::call_task::{self, ReturnOnDrop, Returned, TaskEnded, settle_returned};
use crate::client::debug_settings;
use crate::config::{Config, builder_methods, http_client_method};
use crate::error::{BuildError, CallError, SendError, TransportError};
use crate::operation::BatchOperation;
use crate::operations::SendMessages;
use crate::protocol::{Batch, Collector, Endpoint, Event, LentCall, SettledCall, StopHandle};
use crate::report::{MessageOutcome, SendReport};
use crate::shell::{self, Announcing};
use crate::trace::{CallTrace, SendTrace};

/// Sends messages to Dynmark, blocking the calling thread.
///
/// Cheap to clone (the connection pool is shared).
///
/// ```no_run
/// # fn example() -> Result<(), Box<dyn std::error::Error>> {
/// use dynmark_api::blocking::Client;
/// use dynmark_api::Message;
///
/// let client = Client::builder().credentials("username", "password").build()?;
/// let report =
///     client.send([Message::to("447700900000").from("Example").body("Hello, this is a test message")])?;
/// println!("{report}");
/// # Ok(())
/// # }
/// ```
#[cfg_attr(
    feature = "sandbox",
    doc = r#"
Against the local [`Sandbox`](crate::sandbox::Sandbox):

```
# fn main() -> Result<(), Box<dyn std::error::Error>> {
use dynmark_api::blocking::Client;
use dynmark_api::sandbox::Sandbox;
use dynmark_api::{Message, Outcome};

let sandbox = Sandbox::start()?;
let client = Client::builder()
    .credentials(Sandbox::USERNAME, Sandbox::PASSWORD)
    .base_url(sandbox.base_url())
    .build()?;
let report = client.send([
    Message::to("447700900000").from("Example").body("Hello, this is a test message"),
    Message::to("07777 123123").from("Example").body("Hello").with_country_iso_code("GBR"),
])?;
assert!(report.all_accepted());
assert_eq!(sandbox.accepted().len(), 2);

// A wrong password: the whole call fails; the error still holds the report.
let client = Client::builder()
    .credentials(Sandbox::USERNAME, "wrong")
    .base_url(sandbox.base_url())
    .build()?;
let error = client.send([Message::to("447700900000").from("Example").body("Hi")]).unwrap_err();
assert!(error.is_unauthorized());
assert!(error.report().get(0).is_some_and(Outcome::is_not_sent));
# Ok(())
# }
```
"#
)]
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

/// A job for the runtime thread: one call's future, spawned there.
type Job = Pin<Box<dyn Future<Output = ()> + Send>>;

struct Inner {
    client: crate::Client,
    jobs: Option<tokio::sync::mpsc::UnboundedSender<Job>>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        // Closing the channel ends the runtime thread's loop; its runtime then drops any call
        // still running (no send can be waiting for one: each holds the client).
        self.jobs.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Client {
    /// A builder; credentials are required.
    pub fn builder() -> ClientBuilder {
        ClientBuilder {
            config: Config::default(),
        }
    }

    /// A client for Dynmark's service with these credentials and the default settings.
    pub fn new(
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> Result<Self, BuildError> {
        Client::builder().credentials(username, password).build()
    }

    /// A client configured from `DYNMARK_USERNAME`, `DYNMARK_PASSWORD` and, if set,
    /// `DYNMARK_BASE_URL`.
    pub fn from_env() -> Result<Self, BuildError> {
        Client::builder().load_env().build()
    }

    /// The endpoint calls go to.
    pub fn endpoint(&self) -> &Endpoint {
        self.inner.client.endpoint()
    }

    /// Sends any number of messages: [`call`](Self::call) for
    /// [`SendMessages`].
    #[cfg_attr(
        feature = "sandbox",
        doc = r#"
```
use dynmark_api::blocking::Client;
use dynmark_api::sandbox::{Fault, Sandbox};
use dynmark_api::{Message, NotSentReason};

let sandbox = Sandbox::start()?;
let client = Client::builder()
    .credentials(Sandbox::USERNAME, Sandbox::PASSWORD)
    .base_url(sandbox.base_url())
    .batch_size(1)
    .calls_in_flight(1)
    .build()?;
// The second call meets a server error: the first and third still go.
sandbox.inject(Fault::Delay(std::time::Duration::ZERO));
sandbox.inject(Fault::Respond {
    status: 503,
    content_type: "text/plain".into(),
    body: b"Service Unavailable".to_vec(),
});
let messages = ["447700900000", "447700900111", "447700900222"]
    .map(|to| Message::to(to).from("Example").body("Hello"));
let error = client.send(messages).unwrap_err();
let report = error.report();
assert_eq!(report.accepted().collect::<Vec<_>>(), [0, 2]);
let (index, reason) = report.not_sent().next().unwrap();
assert_eq!(index, 1);
assert!(matches!(reason, NotSentReason::CallFailed { call: 1, .. }));
assert!(reason.may_have_reached_service()); // a 5xx: do not blindly send it again
# Ok::<(), Box<dyn std::error::Error>>(())
```
"#
    )]
    pub fn send(
        &self,
        messages: impl IntoIterator<Item = Message>,
    ) -> Result<SendReport, SendError> {
        self.call::<SendMessages>(messages)
    }

    /// Calls operation `Op` with any number of items: as [`crate::Client::call`], blocking.
    ///
    /// A panic while handling a call (say, in the deserializer of `Op`'s result type) is
    /// caught: that call fails with [`CallError::Panicked`], no further call is started, and
    /// the result is an `Err` with the full report, as with the async client.
    ///
    /// It returns once every call it started is answered or timed out (the client's
    /// `timeout`), or, with a deadline, once the deadline has passed and the calls in flight
    /// are over.
    pub fn call<Op>(
        &self,
        items: impl IntoIterator<Item = Op::Item>,
    ) -> Result<SendReport<Op::Item>, SendError<Op::Item>>
    where
        Op: BatchOperation + 'static,
        Op::Item: Send + 'static,
        Op::ItemResult: Send + 'static,
    {
        match Collector::in_place(items.into_iter()) {
            Ok(collector) => {
                Sending::<Op, _>::in_place(self.clone(), collector, std::iter::empty()).report()
            }
            Err(items) => self.call_stream::<Op, _>(items).report(),
        }
    }

    /// Sends any number of messages, taken from `messages` only as the calls being prepared
    /// need them, and gives back an iterator of [`MessageOutcome`]s, one per message, each as
    /// soon as it is known, with the message itself: the blocking
    /// [`crate::Client::send_stream`]. See [`Sending`].
    pub fn send_stream<I>(&self, messages: I) -> Sending<SendMessages, I::IntoIter>
    where
        I: IntoIterator<Item = Message>,
    {
        self.call_stream::<SendMessages, I>(messages)
    }

    /// [`send_stream`](Self::send_stream) for any operation `Op`.
    pub fn call_stream<Op, I>(&self, items: I) -> Sending<Op, I::IntoIter>
    where
        Op: BatchOperation + 'static,
        Op::Item: Send + 'static,
        Op::ItemResult: Send + 'static,
        I: IntoIterator<Item = Op::Item>,
    {
        Sending::new(self.clone(), items.into_iter())
    }

    /// Hands call `call` to the runtime thread, which builds its request (unless prepared
    /// already), performs it and settles it; the settled call comes back on `results`. The
    /// handle aborts it. `Err`: there is no runtime thread, nothing was handed over; `Ok(None)`:
    /// the thread stopped as the call was handed over (its reply says so).
    fn start<Op>(
        &self,
        call: LentCall<Op>,
        deadline: Option<Instant>,
        results: &mpsc::Sender<(usize, Ended<Op>)>,
        returned: &Returned<Op>,
        trace: CallTrace,
    ) -> Result<Option<AbortHandle>, Box<LentCall<Op>>>
    where
        Op: BatchOperation + 'static,
        Op::Item: Send + 'static,
        Op::ItemResult: Send + 'static,
    {
        let Some(jobs) = self.inner.jobs.as_ref().filter(|jobs| !jobs.is_closed()) else {
            return Err(Box::new(call));
        };
        let reply = Reply::<Op> {
            call: call.index(),
            sender: Some(results.clone()),
        };
        let (abort, registration) = AbortHandle::new_pair();
        let guard = ReturnOnDrop::new(call, returned);
        let perform = Abortable::new(
            call_task::perform(self.inner.client.clone(), guard, deadline, trace),
            registration,
        );
        let job: Job = Box::pin(async move {
            // The call's future (its guard with it) is dropped before the reply goes.
            let ended = match AssertUnwindSafe(perform).catch_unwind().await {
                Ok(Ok(Some(settled))) => Ok(settled),
                // Aborted (the send was dropped), or the guard held no call.
                Ok(Ok(None) | Err(Aborted)) => Err(TaskEnded::Dropped),
                Err(panic) => Err(TaskEnded::Panicked(panic)),
            };
            reply.send(ended);
        });
        // Should the runtime thread be gone, the job is dropped unsent: its guard hands the
        // call back and its reply says so.
        Ok(jobs.send(job).ok().map(|()| abort))
    }
}

/// A streaming send in progress with the blocking client ([`Client::send_stream`],
/// [`Client::call_stream`]): an [`Iterator`] of one [`MessageOutcome`] per input message, each
/// as soon as it is known, with the message handed back; the blocking
/// [`crate::Sending`], with the same methods and the same guarantees.
///
/// Items are taken from the input iterator only as the calls being prepared need them; the
/// calls run on the client's runtime thread. [`events`](Self::events) gives every [`Event`]:
/// a call's request is handed over only once the next event is asked for after its
/// [`CallStarting`](Event::CallStarting). Dropping it before the end: as for
/// [`crate::Sending`] (the calls in flight are not waited for).
#[must_use = "an iterator does nothing unless consumed"]
pub struct Sending<Op: BatchOperation, I> {
    client: Client,
    input: I,
    input_done: bool,
    batch: Batch<Op>,
    started: bool,
    deadline: Option<Instant>,
    time_limit: Option<Duration>,
    stop: StopHandle,
    account_for_all: bool,
    /// The calls lent and not handed over yet.
    calls: Announcing<Op>,
    sender: mpsc::Sender<(usize, Ended<Op>)>,
    results: mpsc::Receiver<(usize, Ended<Op>)>,
    /// The calls handed over and not back yet: aborted when this is dropped.
    in_flight: BTreeMap<usize, AbortHandle>,
    /// The calls of jobs that ended without settling them.
    returned: Returned<Op>,
    /// The send's span (feature `tracing`).
    trace: SendTrace,
    /// [`report`](Self::report)'s collector; also the input, when it keeps the input in
    /// place ([`Client::call`]'s input of a known length).
    collector: Option<Collector<Op::Item>>,
}

impl<Op, I> Sending<Op, I>
where
    Op: BatchOperation + 'static,
    Op::Item: Send + 'static,
    Op::ItemResult: Send + 'static,
    I: Iterator<Item = Op::Item>,
{
    fn new(client: Client, input: I) -> Self {
        let settings = client.inner.client.settings();
        let batch = Batch::new(settings.options, settings.calls_in_flight);
        let time_limit = settings.send_deadline;
        let (sender, results) = mpsc::channel();
        Sending {
            client,
            input,
            input_done: false,
            batch,
            started: false,
            deadline: None,
            time_limit,
            stop: StopHandle::new(),
            account_for_all: false,
            calls: Announcing::default(),
            sender,
            results,
            in_flight: BTreeMap::new(),
            returned: Returned::default(),
            trace: SendTrace::start(Op::OPERATION_ID),
            collector: None,
        }
    }

    /// A send that takes its input from `collector`, which keeps it in place for the report
    /// ([`Collector::in_place`]).
    fn in_place(client: Client, collector: Collector<Op::Item>, empty: I) -> Self {
        let mut sending = Sending::new(client, empty);
        sending.collector = Some(collector);
        sending
    }

    /// No call starts at or after `deadline`: as [`crate::Sending::deadline`].
    pub fn deadline(mut self, deadline: Instant) -> Self {
        self.deadline = Some(deadline);
        self.time_limit = None;
        self
    }

    /// [`deadline`](Self::deadline) at `limit` after the send's start (the first `next`).
    pub fn time_limit(mut self, limit: Duration) -> Self {
        self.deadline = None;
        self.time_limit = Some(limit);
        self
    }

    /// A handle that stops this send gracefully from another thread: as
    /// [`crate::Sending::stop_handle`].
    pub fn stop_handle(&self) -> StopHandle {
        self.stop.clone()
    }

    /// Stops this send with `handle` (for one handle shared by several sends).
    pub fn stop_with(mut self, handle: StopHandle) -> Self {
        self.stop = handle;
        self
    }

    /// Every event instead of the outcomes only.
    pub fn events(self) -> Events<Op, I> {
        Events { sending: self }
    }

    /// Runs the send to its end and collects a [`SendReport`]: as [`crate::Sending::report`].
    pub fn report(mut self) -> Result<SendReport<Op::Item>, SendError<Op::Item>> {
        self.account_for_all = true;
        // Room for the input, as far as it says (a bogus hint costs at most this much).
        let room = self.input.size_hint().0.min(1 << 20);
        self.collector
            .get_or_insert_with(|| Collector::with_capacity(room));
        while let Some(event) = self.next_event() {
            let collector = self.collector.get_or_insert_with(Collector::new);
            self.calls
                .collect(collector, event, &mut self.batch, &mut self.trace);
        }
        self.collector.take().unwrap_or_default().finish()
    }

    /// The next event, traced (feature `tracing`).
    fn next_event(&mut self) -> Option<Event<Op::Item>> {
        let event = self.next_untraced();
        match &event {
            Some(event) => self.trace.event(event),
            None => self.trace.finish(),
        }
        event
    }

    fn next_untraced(&mut self) -> Option<Event<Op::Item>> {
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
            // The consumer has seen these calls' `CallStarting`: hand them over now.
            for call in self.calls.take_announced(&mut self.batch) {
                let index = call.index();
                let trace = self.trace.call(index, call.len());
                let deadline = self.batch.deadline();
                match self
                    .client
                    .start::<Op>(call, deadline, &self.sender, &self.returned, trace)
                {
                    Ok(Some(abort)) => {
                        self.in_flight.insert(index, abort);
                    }
                    // The runtime thread has stopped: its reply comes all the same.
                    Ok(None) => {}
                    Err(call) => {
                        let not_sent = CallError::Request {
                            reason: "the client's runtime thread is not running".to_owned(),
                        };
                        self.batch.record_settled(call.settle(Err(not_sent), 0));
                    }
                }
            }
            // A call that ended frees its slot: take it in and lend the next call at once, so
            // that its `CallStarting` goes out before the ended call's outcomes.
            while let Ok((call, ended)) = self.results.try_recv() {
                self.settle(call, ended);
            }
            let endpoint = self.client.inner.client.endpoint();
            if self.batch.has_ready_call() {
                self.calls.lend(&mut self.batch, endpoint);
            }
            if let Some(event) = self.calls.next_event(&mut self.batch) {
                return Some(event);
            }
            let draining = self.account_for_all && self.batch.should_stop();
            if !self.input_done && (self.batch.wants_items() || draining) {
                // Items while the call being filled wants them (not one turn of this loop
                // each); a drained item's outcome goes out before the next is taken.
                loop {
                    let next = match &mut self.collector {
                        Some(collector) if collector.is_in_place() => collector.lend(),
                        _ => self.input.next(),
                    };
                    match next {
                        Some(item) => {
                            self.batch.push(item);
                            if draining || !self.batch.takes_more() || self.batch.has_events() {
                                break;
                            }
                            // A call that ended meanwhile: its outcomes go out now, not once
                            // the call being filled is full (a slow input would hold them).
                            if let Ok((call, ended)) = self.results.try_recv() {
                                self.settle(call, ended);
                                break;
                            }
                        }
                        None => {
                            self.input_done = true;
                            self.batch.end_input();
                            break;
                        }
                    }
                }
                continue;
            }
            let endpoint = self.client.inner.client.endpoint();
            if self.calls.lend(&mut self.batch, endpoint) {
                continue;
            }
            if self.batch.is_done() && (self.input_done || !self.account_for_all) {
                return None;
            }
            if self.batch.prepare(endpoint) {
                continue;
            }
            if self.batch.in_flight() > 0 {
                // Every call handed over replies exactly once (`Reply`), and this holds a
                // sender, so this cannot fail.
                if let Ok((call, ended)) = self.results.recv() {
                    self.settle(call, ended);
                }
                continue;
            }
            // Nothing in flight, nothing to start, not done: cannot happen; end cleanly.
            self.batch.finish();
        }
    }

    /// Takes back call `call` from the runtime thread.
    fn settle(&mut self, call: usize, ended: Ended<Op>) {
        self.in_flight.remove(&call);
        let settled = match ended {
            Ok(settled) => settled,
            Err(ended) => settle_returned(&self.returned, call, ended),
        };
        self.batch.record_settled(settled);
    }
}

/// Dropping a send before its end aborts the calls in flight, as for [`crate::Sending`].
impl<Op: BatchOperation, I> Drop for Sending<Op, I> {
    fn drop(&mut self) {
        for abort in self.in_flight.values() {
            abort.abort();
        }
    }
}

impl<Op, I> Iterator for Sending<Op, I>
where
    Op: BatchOperation + 'static,
    Op::Item: Send + 'static,
    Op::ItemResult: Send + 'static,
    I: Iterator<Item = Op::Item>,
{
    type Item = MessageOutcome<Op::Item>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(outcome) = self.calls.queued_outcome(&mut self.batch, &mut self.trace) {
                return Some(outcome);
            }
            if let Event::Outcome(outcome) = self.next_event()? {
                return Some(outcome);
            }
        }
    }
}

impl<Op: BatchOperation, I> fmt::Debug for Sending<Op, I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        shell::debug_sending(f, "blocking::Sending", &self.batch, &self.stop)
    }
}

/// Every [`Event`] of a blocking streaming send ([`Sending::events`]).
#[must_use = "an iterator does nothing unless consumed"]
#[derive(Debug)]
pub struct Events<Op: BatchOperation, I> {
    sending: Sending<Op, I>,
}

impl<Op, I> Events<Op, I>
where
    Op: BatchOperation + 'static,
    Op::Item: Send + 'static,
    Op::ItemResult: Send + 'static,
    I: Iterator<Item = Op::Item>,
{
    /// A handle that stops this send gracefully ([`Sending::stop_handle`]).
    pub fn stop_handle(&self) -> StopHandle {
        self.sending.stop_handle()
    }
}

impl<Op, I> Iterator for Events<Op, I>
where
    Op: BatchOperation + 'static,
    Op::Item: Send + 'static,
    Op::ItemResult: Send + 'static,
    I: Iterator<Item = Op::Item>,
{
    type Item = Event<Op::Item>;

    fn next(&mut self) -> Option<Self::Item> {
        self.sending.next_event()
    }
}

/// What a call handed over came to: settled, or its job ended without settling it.
type Ended<Op> = Result<SettledCall<<Op as BatchOperation>::Item>, TaskEnded>;

/// Sends a call's result to the thread that tallies. Should the call's job be dropped without
/// replying (its runtime shut down, or it was never run), it replies
/// [`TaskEnded::Dropped`] on the way out, so the tally never waits forever.
struct Reply<Op: BatchOperation> {
    call: usize,
    sender: Option<mpsc::Sender<(usize, Ended<Op>)>>,
}

impl<Op: BatchOperation> Reply<Op> {
    fn send(mut self, ended: Ended<Op>) {
        if let Some(sender) = self.sender.take() {
            // The tally may have been dropped: then nobody needs the result.
            let _ = sender.send((self.call, ended));
        }
    }
}

impl<Op: BatchOperation> Drop for Reply<Op> {
    fn drop(&mut self) {
        if let Some(sender) = self.sender.take() {
            let _ = sender.send((self.call, Err(TaskEnded::Dropped)));
        }
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_settings(f, "blocking::Client", self.inner.client.settings())
    }
}

/// Configures a blocking [`Client`].
#[derive(Debug)]
#[must_use]
pub struct ClientBuilder {
    config: Config,
}

impl ClientBuilder {
    builder_methods!();
    http_client_method!();

    /// Checks the settings and builds the client: the async client, and the thread that runs
    /// its runtime.
    pub fn build(self) -> Result<Client, BuildError> {
        let client = crate::Client::with_settings(self.config.check()?)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| BuildError::Http {
                source: TransportError::new(e),
            })?;
        let (jobs, mut incoming) = tokio::sync::mpsc::unbounded_channel::<Job>();
        let thread = std::thread::Builder::new()
            .name("dynmark-blocking".to_owned())
            .spawn(move || {
                runtime.block_on(async move {
                    while let Some(job) = incoming.recv().await {
                        tokio::spawn(job);
                    }
                });
            })
            .map_err(|e| BuildError::Http {
                source: TransportError::new(e),
            })?;
        Ok(Client {
            inner: Arc::new(Inner {
                client,
                jobs: Some(jobs),
                thread: Some(thread),
            }),
        })
    }
}

/// Any operation that is not a batch (endpoints added by spec edit alone).
impl Client {
    /// Calls `operation` once: as [`crate::Client::request`], blocking. The request is built
    /// and the answer read on the calling thread (the sans-IO [`protocol`](crate::protocol));
    /// only the bytes move on the client's runtime thread.
    pub fn request<Op: crate::operation::Operation>(
        &self,
        operation: &Op,
    ) -> Result<Op::Answer, crate::RequestError> {
        let settings = self.inner.client.settings();
        let request = crate::protocol::operation::request(
            &settings.endpoint,
            operation,
            settings.options.validate,
        )?;
        let response = self.execute(request)?;
        Ok(settings.endpoint.read_answer::<Op>(&response)?)
    }

    /// Runs the async client's `execute` on the runtime thread and waits for it.
    fn execute(
        &self,
        request: crate::protocol::HttpRequest,
    ) -> Result<crate::protocol::HttpResponse, CallError> {
        let not_started = || CallError::Request {
            reason: "the client's runtime thread is not running".to_owned(),
        };
        let Some(jobs) = &self.inner.jobs else {
            return Err(not_started());
        };
        let (answer, answered) = mpsc::sync_channel(1);
        let client = self.inner.client.clone();
        let job: Job = Box::pin(async move {
            let response = AssertUnwindSafe(client.execute(request))
                .catch_unwind()
                .await
                .unwrap_or_else(|panic| Err(CallError::panicked(panic)));
            let _ = answer.send(response);
        });
        jobs.send(job).map_err(|_| not_started())?;
        // The job was handed over: if no answer comes back, it may have been sent.
        answered.recv().unwrap_or(Err(CallError::NotRecorded))
    }
}
