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
