//! End-to-end: the blocking client against the sandbox (scenarios in `e2e_support`).

mod e2e_support;

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use dynmark_api::blocking::Client;
use dynmark_api::protocol::Event;
use dynmark_api::sandbox::Sandbox;
use dynmark_api::{BuildError, Message, MessageOutcome, SendError, SendReport, StopHandle};
use e2e_support::{Flavor, Settings};

struct Blocking;

impl Flavor for Blocking {
    type Client = Client;

    fn build(settings: &Settings) -> Result<Client, BuildError> {
        configure!(Client::builder(), settings)
    }

    async fn send(client: &Client, messages: Vec<Message>) -> Result<SendReport, SendError> {
        client.send(messages)
    }

    async fn send_unknown_length(
        client: &Client,
        messages: Vec<Message>,
    ) -> Result<SendReport, SendError> {
        client.send(messages.into_iter().filter(|_| true))
    }

    async fn call_panicky(
        client: &Client,
        messages: Vec<Message>,
    ) -> Result<SendReport, SendError> {
        client.call::<e2e_support::PanickyOp>(messages)
    }

    async fn send_stoppable(
        client: &Client,
        messages: Vec<Message>,
        stop: StopHandle,
    ) -> Result<SendReport, SendError> {
        client.send_stream(messages).stop_with(stop).report()
    }

    async fn stream(client: &Client, messages: Vec<Message>) -> Vec<MessageOutcome> {
        client.send_stream(messages).collect()
    }

    async fn events(
        client: &Client,
        messages: Vec<Message>,
        mut seen: impl FnMut(&Event<Message>),
    ) -> Vec<Event<Message>> {
        client
            .send_stream(messages)
            .events()
            .inspect(|event| seen(event))
            .collect()
    }
}

/// Runs a scenario on this thread: with the blocking client, its future never waits.
fn run<T>(future: impl Future<Output = T>) -> T {
    let mut future = pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(value) = future.as_mut().poll(&mut context) {
            return value;
        }
        std::thread::yield_now();
    }
}

macro_rules! scenario {
    ($name:ident) => {
        #[test]
        fn $name() {
            run(e2e_support::$name::<Blocking>());
        }
    };
}

for_each_scenario!(scenario);

#[test]
fn refused_settings() {
    e2e_support::refused_settings::<Blocking>();
}

/// Built, used and dropped inside an async runtime: it blocks that thread, it does not panic.
#[tokio::test]
async fn usable_inside_an_async_runtime() {
    let sandbox = Sandbox::start().expect("sandbox starts");
    let client = Client::builder()
        .credentials(Sandbox::USERNAME, Sandbox::PASSWORD)
        .base_url(sandbox.base_url())
        .build()
        .expect("client builds");
    let messages = e2e_support::multiple_recipients();
    let result = client.send(messages.clone());
    e2e_support::assert_accounted(&result, &messages, Some(&sandbox));
    assert!(result.expect("accepted").all_accepted());
    drop(client);
}

/// A slow input does not hold back the outcomes of a call that has ended: they come out while
/// the next call is still being filled, not once it is full.
#[test]
fn a_slow_input_does_not_hold_back_the_outcomes_of_an_ended_call() {
    let sandbox = Sandbox::start().expect("sandbox starts");
    let client = Client::builder()
        .credentials(Sandbox::USERNAME, Sandbox::PASSWORD)
        .base_url(sandbox.base_url())
        .batch_size(5)
        .calls_in_flight(1)
        .build()
        .expect("client builds");
    let read = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = std::sync::Arc::clone(&read);
    // Ten messages, each after a pause: the first call (5) ends long before the tenth is read.
    let input = (0..10).map(move |i| {
        if i >= 5 {
            std::thread::sleep(std::time::Duration::from_millis(250));
        }
        counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Message::to(format!("44770090000{i}"))
            .from("Example")
            .body("Hello")
    });
    let mut outcomes = client.send_stream(input);
    let first = outcomes.next().expect("an outcome");
    assert!(first.outcome.is_accepted(), "{:?}", first.outcome);
    let taken = read.load(std::sync::atomic::Ordering::SeqCst);
    assert!(
        taken < 10,
        "the first outcome waited for all {taken} messages to be read"
    );
    assert_eq!(outcomes.count(), 9);
}
