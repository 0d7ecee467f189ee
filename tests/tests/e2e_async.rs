//! End-to-end: the async client against the sandbox (scenarios in `e2e_support`).

mod e2e_support;

use dynmark_api::protocol::Event;
use dynmark_api::sandbox::Sandbox;
use dynmark_api::{BuildError, Client, Message, MessageOutcome, SendError, SendReport, StopHandle};
use e2e_support::{Flavor, Settings};
use futures_util::StreamExt as _;

struct Async;

impl Flavor for Async {
    type Client = Client;

    fn build(settings: &Settings) -> Result<Client, BuildError> {
        configure!(Client::builder(), settings)
    }

    async fn send(client: &Client, messages: Vec<Message>) -> Result<SendReport, SendError> {
        client.send(messages).await
    }

    async fn send_unknown_length(
        client: &Client,
        messages: Vec<Message>,
    ) -> Result<SendReport, SendError> {
        client.send(messages.into_iter().filter(|_| true)).await
    }

    async fn call_panicky(
        client: &Client,
        messages: Vec<Message>,
    ) -> Result<SendReport, SendError> {
        client.call::<e2e_support::PanickyOp>(messages).await
    }

    async fn send_stoppable(
        client: &Client,
        messages: Vec<Message>,
        stop: StopHandle,
    ) -> Result<SendReport, SendError> {
        client
            .send_stream(futures_util::stream::iter(messages))
            .stop_with(stop)
            .report()
            .await
    }

    async fn stream(client: &Client, messages: Vec<Message>) -> Vec<MessageOutcome> {
        client
            .send_stream(futures_util::stream::iter(messages))
            .collect()
            .await
    }

    async fn events(
        client: &Client,
        messages: Vec<Message>,
        mut seen: impl FnMut(&Event<Message>),
    ) -> Vec<Event<Message>> {
        let mut events = client
            .send_stream(futures_util::stream::iter(messages))
            .events();
        let mut all = Vec::new();
        while let Some(event) = events.next().await {
            seen(&event);
            all.push(event);
        }
        all
    }
}

macro_rules! scenario {
    ($name:ident) => {
        #[tokio::test]
        async fn $name() {
            e2e_support::$name::<Async>().await;
        }
    };
}

for_each_scenario!(scenario);

#[test]
fn refused_settings() {
    e2e_support::refused_settings::<Async>();
}

/// On a multi-threaded runtime, from a spawned task (the future is `Send`), with many calls in
/// flight; the client is shared by clones.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spawned_tasks_share_a_client() {
    let sandbox = Sandbox::start().expect("sandbox starts");
    let client = Client::builder()
        .credentials(Sandbox::USERNAME, Sandbox::PASSWORD)
        .base_url(sandbox.base_url())
        .batch_size(10)
        .calls_in_flight(8)
        .build()
        .expect("client builds");
    let batches: Vec<Vec<Message>> = (0..3)
        .map(|b| {
            (0..95)
                .map(|i| {
                    Message::to(format!("44770090{b}{i:03}"))
                        .from("Example")
                        .body("Hello")
                })
                .collect()
        })
        .collect();
    let tasks: Vec<_> = batches
        .iter()
        .cloned()
        .map(|messages| {
            let client = client.clone();
            tokio::spawn(async move { client.send(messages).await })
        })
        .collect();
    for (task, messages) in tasks.into_iter().zip(&batches) {
        let result = task.await.expect("task finishes");
        e2e_support::assert_accounted(&result, messages, None);
        assert!(result.expect("accepted").all_accepted());
    }
    assert_eq!(sandbox.accepted().len(), 3 * 95);
    assert_eq!(sandbox.calls().len(), 3 * 10);
    let mut sent: Vec<String> = batches.concat().into_iter().map(|m| m.to).collect();
    let mut accepted: Vec<String> = sandbox.accepted().into_iter().map(|m| m.to).collect();
    sent.sort();
    accepted.sort();
    assert_eq!(sent, accepted);
}

fn four_messages() -> Vec<Message> {
    (0..4)
        .map(|i| {
            Message::to(format!("4477009{i:05}"))
                .from("Example")
                .body("Hello")
        })
        .collect()
}

fn two_by_two(sandbox: &Sandbox) -> Client {
    Client::builder()
        .credentials(Sandbox::USERNAME, Sandbox::PASSWORD)
        .base_url(sandbox.base_url())
        .batch_size(2)
        .calls_in_flight(2)
        .build()
        .expect("client builds")
}

/// The first two `CallStarting`s of `events`, nothing before them.
async fn two_calls_starting(
    events: &mut (impl futures_util::Stream<Item = Event<Message>> + Unpin),
) -> [usize; 2] {
    let mut calls = Vec::new();
    while calls.len() < 2 {
        match events.next().await {
            Some(Event::CallStarting { call, .. }) => calls.push(call),
            other => panic!("{other:?} before two calls started"),
        }
    }
    [calls[0], calls[1]]
}

/// With permits, the service sees a call only once it is granted, and the send goes on
/// meanwhile: the call granted first is answered while the other still waits.
#[tokio::test]
async fn a_call_is_written_only_once_its_permit_is_granted() {
    let sandbox = Sandbox::start().expect("sandbox starts");
    let client = two_by_two(&sandbox);
    let (mut events, permits) = client
        .send_stream(futures_util::stream::iter(four_messages()))
        .events_with_permits();
    let [first, second] = two_calls_starting(&mut events).await;
    let waited = tokio::time::timeout(std::time::Duration::from_millis(300), events.next()).await;
    assert!(waited.is_err(), "an event without a permit: {waited:?}");
    assert!(
        sandbox.calls().is_empty(),
        "a call went out without its permit"
    );

    permits.grant(second);
    let mut answered = Vec::new();
    loop {
        match events.next().await {
            Some(Event::Outcome(outcome)) => {
                assert!(outcome.outcome.is_accepted(), "{outcome:?}");
                answered.push(outcome.index);
            }
            Some(Event::CallFinished { call, .. }) => {
                assert_eq!(call, second);
                break;
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(answered, [2, 3]);
    assert_eq!(sandbox.calls().len(), 1);

    permits.grant(first);
    let rest: Vec<Event<Message>> = events.collect().await;
    let accepted = rest
        .iter()
        .filter(|event| matches!(event, Event::Outcome(o) if o.outcome.is_accepted()))
        .count();
    assert_eq!(accepted, 2, "{rest:?}");
    assert_eq!(sandbox.calls().len(), 2);
    assert_eq!(sandbox.accepted().len(), 4);
}

/// A stop while calls wait for their permits: they are released unsent, their messages not
/// sent (safe to send again), and the service sees nothing.
#[tokio::test]
async fn a_stop_releases_the_calls_waiting_for_their_permits() {
    let sandbox = Sandbox::start().expect("sandbox starts");
    let client = two_by_two(&sandbox);
    let sending = client.send_stream(futures_util::stream::iter(four_messages()));
    let stop = sending.stop_handle();
    let (mut events, _permits) = sending.events_with_permits();
    two_calls_starting(&mut events).await;
    stop.stop();
    let rest: Vec<Event<Message>> = events.collect().await;
    assert_both_calls_released(&rest, &sandbox);
}

/// Every clone of the permits dropped while the send waits for them: the send wakes, releases
/// the waiting calls unsent and ends (nobody can grant them any more).
#[tokio::test]
async fn dropping_the_permits_while_the_send_waits_ends_it() {
    let sandbox = Sandbox::start().expect("sandbox starts");
    let client = two_by_two(&sandbox);
    let (mut events, permits) = client
        .send_stream(futures_util::stream::iter(four_messages()))
        .events_with_permits();
    two_calls_starting(&mut events).await;
    // Dropped while the stream below waits.
    let dropping = tokio::spawn(async move { drop(permits) });
    // Only the drop's wake-up can end it: the timer is asked first when it fires.
    let rest = tokio::select! {
        biased;
        () = tokio::time::sleep(std::time::Duration::from_secs(30)) => {
            panic!("the send still waits after the permits were dropped")
        }
        rest = events.collect::<Vec<Event<Message>>>() => rest,
    };
    dropping.await.expect("dropped");
    assert_both_calls_released(&rest, &sandbox);
}

/// The rest of a send of `four_messages` whose two calls both waited for their permits when it
/// was stopped: both released, every message not sent and safe to resend, nothing sent.
fn assert_both_calls_released(rest: &[Event<Message>], sandbox: &Sandbox) {
    let released = rest
        .iter()
        .filter(|event| matches!(event, Event::CallReleased { .. }))
        .count();
    assert_eq!(released, 2, "{rest:?}");
    let safe = rest
        .iter()
        .filter(|event| matches!(event, Event::Outcome(o) if o.is_safe_to_resend()))
        .count();
    assert_eq!(safe, 4, "{rest:?}");
    assert!(sandbox.calls().is_empty());
}
