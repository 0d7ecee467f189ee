//! The `tracing` output of sends (feature `tracing`), captured by a subscriber that records
//! every span, every recorded value and every event of `dynmark_api`: the spans and events are
//! there with their numbers, and no secret, message body or phone number is in them.

use std::fmt::{self, Write as _};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use dynmark_api::protocol::RetryPolicy;
use dynmark_api::sandbox::{Fault, Sandbox};
use dynmark_api::{Client, Message};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

#[derive(Clone, Default)]
struct Capture {
    lines: Arc<Mutex<Vec<String>>>,
    next: Arc<AtomicU64>,
}

struct Fields(String);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        let _ = write!(self.0, " {}={value:?}", field.name());
    }
}

impl Capture {
    fn push(&self, line: String) {
        self.lines.lock().unwrap().push(line);
    }

    fn output(&self) -> String {
        self.lines.lock().unwrap().join("\n")
    }
}

impl Subscriber for Capture {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.target().starts_with("dynmark_api")
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let id = self.next.fetch_add(1, Ordering::SeqCst) + 1;
        let mut fields = Fields(String::new());
        span.record(&mut fields);
        self.push(format!("span#{id} {}{}", span.metadata().name(), fields.0));
        Id::from_u64(id)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut fields = Fields(String::new());
        values.record(&mut fields);
        self.push(format!("record#{}{}", span.into_u64(), fields.0));
    }

    fn record_follows_from(&self, _span: &Id, _follows: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields(String::new());
        event.record(&mut fields);
        self.push(format!("event {}{}", event.metadata().level(), fields.0));
    }

    fn enter(&self, _span: &Id) {}

    fn exit(&self, _span: &Id) {}
}

const NUMBERS: [&str; 3] = ["447700900123", "447700900456", "447700900789"];
const BODY: &str = "Your one-time code is 828282";

fn assert_nothing_private(output: &str) {
    for private in [
        Sandbox::PASSWORD,
        // The `Authorization` value of the sandbox's credentials, and its start.
        "c2FuZGJveC11c2VyOnNhbmRib3gtcGFzc3dvcmQ",
        BODY,
        "828282",
        "Example",
    ]
    .into_iter()
    .chain(NUMBERS)
    {
        assert!(!output.contains(private), "{private:?} in:\n{output}");
    }
}

#[tokio::test]
async fn a_send_is_traced_without_secrets_bodies_or_numbers() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let sandbox = Sandbox::start().unwrap();
    sandbox.inject(Fault::Throttle {
        status: 429,
        retry_after: "0".into(),
    });
    let client = Client::builder()
        .credentials(Sandbox::USERNAME, Sandbox::PASSWORD)
        .base_url(sandbox.base_url())
        .batch_size(2)
        .calls_in_flight(1)
        .retry_policy(RetryPolicy::default())
        .build()
        .unwrap();
    let messages = NUMBERS.map(|to| Message::to(to).from("Example").body(BODY));
    let report = client.send(messages).await.unwrap();
    assert!(report.all_accepted(), "{report}");
    let output = capture.output();
    // One send, two calls (2 + 1 messages); the first took two attempts (429, then 202).
    assert!(
        output.contains("span#1 dynmark.send operation=\"sendMessages\"\n"),
        "{output}"
    );
    assert!(
        output.contains("span#2 dynmark.call operation=\"sendMessages\" call=0 items=2"),
        "{output}"
    );
    assert!(
        output.contains(
            "event DEBUG message=retrying attempt=1 failure=HTTP 429, Retry-After 0 s wait_ms=250"
        ),
        "{output}"
    );
    assert_eq!(output.matches("record#2 status=429").count(), 1, "{output}");
    assert!(output.contains("record#2 status=202"), "{output}");
    assert!(output.contains("record#2 attempts=2"), "{output}");
    assert!(output.contains("record#2 outcome=\"ok\""), "{output}");
    assert!(
        output.contains("span#3 dynmark.call operation=\"sendMessages\" call=1 items=1"),
        "{output}"
    );
    assert!(output.contains("record#3 attempts=1"), "{output}");
    assert!(output.contains("record#1 items=3"), "{output}");
    assert!(output.contains("record#1 calls=2"), "{output}");
    assert!(output.contains("record#1 accepted=3"), "{output}");
    assert!(output.contains("record#1 duration_ms="), "{output}");
    assert_nothing_private(&output);
}

#[tokio::test]
async fn a_stop_and_a_failed_call_are_traced_without_their_bodies() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let sandbox = Sandbox::start().unwrap();
    // The service echoes the request in its 500 (numbers and body): not traced.
    let echo = format!("failed: {} {BODY} {}", NUMBERS[0], Sandbox::PASSWORD);
    sandbox.inject(Fault::Respond {
        status: 500,
        content_type: "text/plain".into(),
        body: echo.into_bytes(),
    });
    let client = Client::builder()
        .credentials(Sandbox::USERNAME, Sandbox::PASSWORD)
        .base_url(sandbox.base_url())
        .batch_size(1)
        .calls_in_flight(1)
        .build()
        .unwrap();
    let messages = NUMBERS.map(|to| Message::to(to).from("Example").body(BODY));
    let error = client.send(messages).await.unwrap_err();
    assert_eq!(error.failures().len(), 1);
    // Wrong credentials: the first call stops the batch.
    let wrong = Client::builder()
        .credentials(Sandbox::USERNAME, "not-the-password")
        .base_url(sandbox.base_url())
        .batch_size(1)
        .calls_in_flight(1)
        .build()
        .unwrap();
    let messages = NUMBERS.map(|to| Message::to(to).from("Example").body(BODY));
    assert!(wrong.send(messages).await.unwrap_err().is_unauthorized());
    let output = capture.output();
    assert!(output.contains("record#2 status=500"), "{output}");
    assert!(output.contains("record#2 outcome=HTTP 500"), "{output}");
    assert!(
        output.contains("event WARN message=stopped: no further call is started by_call=0 failure=credentials refused"),
        "{output}"
    );
    assert!(!output.contains("not-the-password"), "{output}");
    assert_nothing_private(&output);
}

#[tokio::test]
async fn a_passed_deadline_is_traced() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let sandbox = Sandbox::start().unwrap();
    // The first call takes longer than the send's deadline: the others never start.
    sandbox.inject(Fault::Delay(std::time::Duration::from_millis(300)));
    let client = Client::builder()
        .credentials(Sandbox::USERNAME, Sandbox::PASSWORD)
        .base_url(sandbox.base_url())
        .batch_size(1)
        .calls_in_flight(1)
        .send_deadline(std::time::Duration::from_millis(100))
        .build()
        .unwrap();
    let messages = NUMBERS.map(|to| Message::to(to).from("Example").body(BODY));
    let started = std::time::Instant::now();
    let error = client.send(messages).await.unwrap_err();
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    assert_eq!(error.report().counts().not_sent, 2);
    let output = capture.output();
    assert_eq!(
        output
            .matches("event INFO message=deadline passed: no further call starts")
            .count(),
        1,
        "{output}"
    );
    assert!(output.contains("record#1 not_sent=2"), "{output}");
    assert_eq!(sandbox.calls().len(), 1);
    assert_nothing_private(&output);
}

#[tokio::test]
async fn a_deadline_passed_before_the_first_call_is_traced_and_the_send_ends() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let sandbox = Sandbox::start().unwrap();
    let client = Client::builder()
        .credentials(Sandbox::USERNAME, Sandbox::PASSWORD)
        .base_url(sandbox.base_url())
        .build()
        .unwrap();
    let messages = NUMBERS.map(|to| Message::to(to).from("Example").body(BODY));
    // This send used to wait for a wake that never came (the outcomes queued when the deadline
    // halted the batch were not given out): bounded here so that a regression fails.
    let error = tokio::time::timeout(
        std::time::Duration::from_secs(30),
        client
            .send_stream(futures_util::stream::iter(messages))
            .deadline(std::time::Instant::now())
            .report(),
    )
    .await
    .expect("the send ends")
    .unwrap_err();
    assert_eq!(error.report().counts().not_sent, 3);
    let output = capture.output();
    assert!(
        output.contains("event INFO message=deadline passed: no further call starts"),
        "{output}"
    );
    assert!(sandbox.calls().is_empty());
    assert_nothing_private(&output);
}
