//! The end-to-end scenarios, written once and run with both clients against the sandbox:
//! `e2e_async.rs` runs them with [`dynmark_api::Client`] on tokio, `e2e_blocking.rs` with
//! [`dynmark_api::blocking::Client`]. Both compare against the same snapshots
//! (`tests/tests/snapshots/e2e_*.snap`): the two clients must report identically.

#![allow(dead_code)] // each test binary uses its own subset of the helpers

use std::collections::HashMap;
use std::future::Future;
use std::time::Duration;

use dynmark_api::operation::{BatchOperation, ItemOutcome, Method};
use dynmark_api::operations::SendMessages;
use dynmark_api::protocol::Event;
use dynmark_api::sandbox::{Fault, Sandbox};
use dynmark_api::{
    BuildError, CallError, CallFailureKind, FailureCode, Message, MessageOutcome, NotSentReason,
    Outcome, RejectedBy, SendError, SendReport, StopHandle, ValidationFailure,
};

mod streaming;
pub use streaming::*;

/// One of the two clients, driven the same way.
pub trait Flavor {
    /// The client type.
    type Client: std::fmt::Debug;
    /// Builds a client with `settings`.
    fn build(settings: &Settings) -> Result<Self::Client, BuildError>;
    /// `client.send(messages)`.
    fn send(
        client: &Self::Client,
        messages: Vec<Message>,
    ) -> impl Future<Output = Result<SendReport, SendError>>;
    /// `client.send(...)` with an input that does not say how long it is (not kept in place).
    fn send_unknown_length(
        client: &Self::Client,
        messages: Vec<Message>,
    ) -> impl Future<Output = Result<SendReport, SendError>>;
    /// `client.call::<PanickyOp>(messages)`.
    fn call_panicky(
        client: &Self::Client,
        messages: Vec<Message>,
    ) -> impl Future<Output = Result<SendReport, SendError>>;
    /// `client.send_stream(messages).stop_with(stop).report()`.
    fn send_stoppable(
        client: &Self::Client,
        messages: Vec<Message>,
        stop: StopHandle,
    ) -> impl Future<Output = Result<SendReport, SendError>>;
    /// Every outcome of `client.send_stream(messages)`, in the order given.
    fn stream(
        client: &Self::Client,
        messages: Vec<Message>,
    ) -> impl Future<Output = Vec<MessageOutcome>>;
    /// Every event of `client.send_stream(messages).events()`, `seen` called on each before
    /// the next is asked for.
    fn events(
        client: &Self::Client,
        messages: Vec<Message>,
        seen: impl FnMut(&Event<Message>),
    ) -> impl Future<Output = Vec<Event<Message>>>;
}

/// `message/send` as a user could describe it, with a result type whose deserializer panics on
/// the result for [`PANICKY_TO`].
pub struct PanickyOp;

/// The recipient whose result makes [`PanickyResult`]'s deserializer panic.
pub const PANICKY_TO: &str = "447700900001";

/// A result whose deserializer panics for [`PANICKY_TO`].
#[derive(Debug)]
pub struct PanickyResult {
    accepted: bool,
}

impl<'de> serde::Deserialize<'de> for PanickyResult {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
        if value["to"] == PANICKY_TO {
            panic!("a result type that panics, for {PANICKY_TO}");
        }
        Ok(PanickyResult {
            accepted: value["successful"] == true,
        })
    }
}

impl ItemOutcome for PanickyResult {
    fn is_accepted(&self) -> bool {
        self.accepted
    }
    fn failures(&self) -> &[ValidationFailure] {
        &[]
    }
    fn into_failures(self) -> Vec<ValidationFailure> {
        Vec::new()
    }
}

impl BatchOperation for PanickyOp {
    const OPERATION_ID: &'static str = "sendMessagesPanicky";
    const METHOD: Method = <SendMessages as BatchOperation>::METHOD;
    const PATH: &'static str = <SendMessages as BatchOperation>::PATH;
    const ACCEPTED_STATUS: u16 = <SendMessages as BatchOperation>::ACCEPTED_STATUS;
    const MAX_ITEMS_PER_CALL: usize = <SendMessages as BatchOperation>::MAX_ITEMS_PER_CALL;
    const ITEM_NAME: &'static str = <SendMessages as BatchOperation>::ITEM_NAME;
    type Item = Message;
    type ItemResult = PanickyResult;
}

/// What a scenario sets on its client.
#[derive(Debug, Clone)]
pub struct Settings {
    pub base_url: String,
    pub username: String,
    pub password: String,
    pub allow_http: bool,
    pub timeout: Option<Duration>,
    pub batch_size: Option<usize>,
    pub calls_in_flight: Option<usize>,
    pub validate_locally: bool,
    pub max_response_body: Option<usize>,
    pub send_deadline: Option<Duration>,
}

impl Settings {
    pub fn for_sandbox(sandbox: &Sandbox) -> Settings {
        Settings {
            base_url: sandbox.base_url(),
            username: Sandbox::USERNAME.to_owned(),
            password: Sandbox::PASSWORD.to_owned(),
            allow_http: false,
            timeout: None,
            batch_size: None,
            calls_in_flight: None,
            validate_locally: true,
            max_response_body: None,
            send_deadline: None,
        }
    }
}

/// Applies `settings` to a builder of either client (their setters have the same names).
#[macro_export]
macro_rules! configure {
    ($builder:expr, $settings:expr) => {{
        let settings: &$crate::e2e_support::Settings = $settings;
        let mut builder = $builder
            .credentials(settings.username.clone(), settings.password.clone())
            .base_url(settings.base_url.clone())
            .allow_http(settings.allow_http)
            .validate_locally(settings.validate_locally);
        if let Some(timeout) = settings.timeout {
            builder = builder.timeout(timeout);
        }
        if let Some(batch_size) = settings.batch_size {
            builder = builder.batch_size(batch_size);
        }
        if let Some(calls) = settings.calls_in_flight {
            builder = builder.calls_in_flight(calls);
        }
        if let Some(bytes) = settings.max_response_body {
            builder = builder.max_response_body(bytes);
        }
        if let Some(deadline) = settings.send_deadline {
            builder = builder.send_deadline(deadline);
        }
        builder.build()
    }};
}

async fn send<F: Flavor>(
    settings: &Settings,
    messages: Vec<Message>,
) -> Result<SendReport, SendError> {
    let client = F::build(settings).expect("client builds");
    F::send(&client, messages).await
}

// ---- the page's messages ----

pub fn simple_send() -> Message {
    Message::to("447700900000")
        .from("Example")
        .body("Hello, this is a test message")
        .with_client_ref("Your reference")
}

pub fn send_with_receipts() -> Message {
    simple_send().with_delivery_status_url("https://inbound.example.com/SmsReceipts")
}

pub fn using_local_numbers() -> Message {
    Message::to("07777 123123")
        .from("Example")
        .body("Hello, this is a test message")
        .with_country_iso_code("GBR")
        .with_client_ref("Your reference")
}

pub fn multiple_recipients() -> Vec<Message> {
    vec![
        simple_send(),
        Message::to("447700900111")
            .from("Example")
            .body("Hello, this is a test message")
            .with_client_ref("Your second reference"),
    ]
}

/// The page's C# example: a delivery time and a numeric reference.
pub fn scheduled_delivery() -> Message {
    Message::to("447979080215")
        .from("Test")
        .body("Hello, this is a test message")
        .with_deliver_after("2015-10-05T12:57:00.543Z".parse().expect("a date"))
        .with_client_ref("124546")
}

/// The page's "202 Accepted - Error" case: no originator.
pub fn without_originator() -> Message {
    Message::to("447979080215")
        .from("")
        .body("Hello, this is a test message")
}

pub fn numbered(count: usize) -> Vec<Message> {
    (0..count)
        .map(|i| {
            Message::to(format!("4477009{i:05}"))
                .from("Example")
                .body(format!("Message {i}"))
                .with_client_ref(i.to_string())
        })
        .collect()
}

// ---- checks ----

/// Every input message has exactly one outcome, and the sandbox agrees: each message the report
/// says was accepted was accepted by the sandbox, and each message the sandbox accepted is
/// either accepted in the report or not sent by a call that may have reached it. Rejected ones
/// (by the client or the service) were never accepted.
///
/// `sandbox` is `None` when the answers were injected (the sandbox then processed nothing).
pub fn assert_accounted(
    result: &Result<SendReport, SendError>,
    inputs: &[Message],
    sandbox: Option<&Sandbox>,
) {
    let report = match result {
        Ok(report) => report,
        Err(error) => {
            assert!(
                !error.failures().is_empty() || error.report().counts().not_sent > 0,
                "an error without a failed call nor a message not sent"
            );
            error.report()
        }
    };
    assert_eq!(report.len(), inputs.len(), "one outcome per input message");
    assert_eq!(report.counts().total(), inputs.len());
    let listed = report.accepted().count() + report.rejected().count() + report.not_sent().count();
    assert_eq!(listed, inputs.len());
    if let Ok(report) = result {
        assert_eq!(
            report.counts().not_sent,
            0,
            "Ok holds no unsent message: {report}"
        );
    }
    if let Err(error) = result {
        // Each failed call's items are not sent (or rejected by a 400), never accepted.
        for failure in error.failures() {
            for &index in &failure.items {
                assert!(
                    !report.get(index).is_some_and(Outcome::is_accepted),
                    "{index}"
                );
            }
        }
    }
    let Some(sandbox) = sandbox else { return };
    let key = |m: &Message| serde_json::to_string(m).expect("serializes");
    let mut unclaimed: HashMap<String, usize> = HashMap::new();
    for message in sandbox.accepted() {
        *unclaimed.entry(key(&message)).or_default() += 1;
    }
    let mut claim = |message: &Message| match unclaimed.get_mut(&key(message)) {
        Some(n) if *n > 0 => {
            *n -= 1;
            true
        }
        _ => false,
    };
    for index in report.accepted() {
        assert!(
            claim(&inputs[index]),
            "#{index} accepted in the report, not by the sandbox"
        );
    }
    for (index, reason) in report.not_sent() {
        if reason.may_have_reached_service() {
            claim(&inputs[index]);
        }
    }
    let left: usize = unclaimed.values().sum();
    assert_eq!(
        left, 0,
        "the sandbox accepted messages the report does not account for"
    );
}

/// The report (and error) as reviewed in snapshots.
pub fn render(result: &Result<SendReport, SendError>) -> String {
    match result {
        Ok(report) => format!("Ok\n{report}"),
        Err(error) => {
            let mut text = format!("Err: {error}\n");
            for failure in error.failures() {
                text += &format!(
                    "call {} (items {:?}): {}\n",
                    failure.call, failure.items, failure.error
                );
            }
            text + &error.report().to_string()
        }
    }
}

pub(crate) fn snapshot(name: &str, result: &Result<SendReport, SendError>) {
    insta::with_settings!({
        snapshot_path => "../snapshots",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(format!("e2e_{name}"), render(result));
    });
}

fn failure_codes(failures: &[dynmark_api::ValidationFailure]) -> Vec<String> {
    failures
        .iter()
        .map(|f| f.failure_code.to_string())
        .collect()
}

// ---- scenarios ----

/// Each example request of the page, one send each, then all in one send.
pub async fn page_examples<F: Flavor>() {
    let sandbox = Sandbox::start().expect("sandbox starts");
    let settings = Settings::for_sandbox(&sandbox);
    let client = F::build(&settings).expect("client builds");
    let examples = [
        vec![simple_send()],
        vec![send_with_receipts()],
        vec![using_local_numbers()],
        multiple_recipients(),
        vec![scheduled_delivery()],
    ];
    for messages in &examples {
        let result = F::send(&client, messages.clone()).await;
        // The sandbox holds every send's messages; the last check below compares with it.
        assert_accounted(&result, messages, None);
        let report = result.as_ref().expect("accepted");
        assert!(report.all_accepted(), "{report}");
    }
    assert_eq!(sandbox.calls().len(), examples.len());
    let all: Vec<Message> = examples.concat();
    assert_eq!(sandbox.accepted(), all, "sent one call at a time, in order");

    let sandbox = Sandbox::start().expect("sandbox starts");
    let settings = Settings::for_sandbox(&sandbox);
    let mut messages = all.clone();
    messages.push(without_originator());
    let result = send::<F>(&settings, messages.clone()).await;
    assert_accounted(&result, &messages, Some(&sandbox));
    snapshot("page_examples", &result);
}

/// 251 messages become two calls (250 + 1) and come back in input order: the sandbox rejects
/// four of them (local validation is off), and exactly those four are rejected in the report.
pub async fn two_calls_in_order<F: Flavor>() {
    let sandbox = Sandbox::start().expect("sandbox starts");
    let settings = Settings {
        validate_locally: false,
        ..Settings::for_sandbox(&sandbox)
    };
    let mut messages = numbered(251);
    for index in [0, 7, 249, 250] {
        messages[index].from = String::new();
    }
    let result = send::<F>(&settings, messages.clone()).await;
    assert_accounted(&result, &messages, Some(&sandbox));
    let report = result.expect("no call fails");
    let mut sizes: Vec<usize> = sandbox.calls().iter().map(|c| c.messages).collect();
    sizes.sort_unstable();
    assert_eq!(sizes, [1, 250]);
    let rejected: Vec<(usize, RejectedBy)> = report.rejected().map(|(i, by, _)| (i, by)).collect();
    assert_eq!(rejected, [0, 7, 249, 250].map(|i| (i, RejectedBy::Service)));
    for (_, _, failures) in report.rejected() {
        assert_eq!(failure_codes(failures), ["FromEmpty"]);
    }
    assert_eq!(report.counts().accepted, 247);
}

/// `send` keeps a `Vec` in place for its report and reads any other input as calls need it:
/// the reports are the same, message for message, over several calls in flight.
pub async fn inputs_of_known_and_unknown_length_alike<F: Flavor>() {
    let messages: Vec<Message> = (0..23)
        .map(|i| {
            let from = if i % 5 == 3 { "" } else { "Example" };
            Message::to(format!("4477009{i:05}"))
                .from(from)
                .body(format!("message {i}"))
        })
        .collect();
    let mut reports = Vec::new();
    for known in [true, false] {
        let sandbox = Sandbox::start().expect("sandbox starts");
        let settings = Settings {
            batch_size: Some(4),
            calls_in_flight: Some(3),
            ..Settings::for_sandbox(&sandbox)
        };
        let client = F::build(&settings).expect("client");
        let report = if known {
            F::send(&client, messages.clone()).await
        } else {
            F::send_unknown_length(&client, messages.clone()).await
        };
        let report = report.expect("no call fails");
        assert_eq!(report.messages(), &messages[..], "known length: {known}");
        assert_eq!(report.counts().rejected, 4);
        assert_eq!(report.counts().accepted, 19);
        let sent: usize = sandbox.calls().iter().map(|c| c.messages).sum();
        assert_eq!(sent, 19);
        reports.push(report.outcomes().to_vec());
    }
    assert_eq!(reports[0], reports[1]);
}

/// Valid and invalid messages mixed: the invalid ones are rejected locally and never sent; with
/// local validation off, the service rejects them for the same reasons.
pub async fn mixed_valid_and_invalid<F: Flavor>() {
    let messages = vec![
        simple_send(),
        without_originator(),
        using_local_numbers(),
        Message::to("07777 123123")
            .from("Example")
            .body("a local number without a country"),
        Message::to("447700900000")
            .from("Example")
            .body("")
            .with_client_ref("x".repeat(65)),
        scheduled_delivery(),
    ];
    let sandbox = Sandbox::start().expect("sandbox starts");
    let settings = Settings::for_sandbox(&sandbox);
    let locally = send::<F>(&settings, messages.clone()).await;
    assert_accounted(&locally, &messages, Some(&sandbox));
    let sent: usize = sandbox.calls().iter().map(|c| c.messages).sum();
    assert_eq!(sent, 3, "only the valid messages are sent");
    snapshot("mixed_valid_and_invalid", &locally);

    let sandbox = Sandbox::start().expect("sandbox starts");
    let settings = Settings {
        validate_locally: false,
        ..Settings::for_sandbox(&sandbox)
    };
    let remotely = send::<F>(&settings, messages.clone()).await;
    assert_accounted(&remotely, &messages, Some(&sandbox));
    assert_eq!(sandbox.calls()[0].messages, messages.len());
    snapshot("mixed_without_local_validation", &remotely);
    let (locally, remotely) = (
        locally.expect("no call fails"),
        remotely.expect("no call fails"),
    );
    let local: Vec<_> = locally
        .rejected()
        .map(|(i, _, f)| (i, f.to_vec()))
        .collect();
    let remote: Vec<_> = remotely
        .rejected()
        .map(|(i, _, f)| (i, f.to_vec()))
        .collect();
    assert_eq!(
        local, remote,
        "the same failures, locally and from the service"
    );
}

/// A wrong password: the first call is refused and no further call is made.
pub async fn wrong_password<F: Flavor>() {
    let sandbox = Sandbox::start().expect("sandbox starts");
    let settings = Settings {
        password: "not-the-password".to_owned(),
        batch_size: Some(2),
        calls_in_flight: Some(1),
        ..Settings::for_sandbox(&sandbox)
    };
    let mut messages = numbered(5);
    messages.push(without_originator());
    let result = send::<F>(&settings, messages.clone()).await;
    assert_accounted(&result, &messages, Some(&sandbox));
    let error = result.as_ref().expect_err("refused");
    assert!(error.is_unauthorized());
    assert_eq!(sandbox.calls().len(), 1, "no call after the refusal");
    assert_eq!(sandbox.calls()[0].status, 401);
    let shown = format!("{error} {error:?} {}", render(&result));
    assert!(!shown.contains("not-the-password"), "{shown}");
    snapshot("wrong_password", &result);
}

/// With several calls in flight, a refusal stops the batch at once: only the calls already in
/// flight are made.
pub async fn wrong_password_with_calls_in_flight<F: Flavor>() {
    let sandbox = Sandbox::start().expect("sandbox starts");
    let settings = Settings {
        password: "not-the-password".to_owned(),
        batch_size: Some(1),
        calls_in_flight: Some(3),
        ..Settings::for_sandbox(&sandbox)
    };
    let messages = numbered(10);
    let result = send::<F>(&settings, messages.clone()).await;
    assert_accounted(&result, &messages, Some(&sandbox));
    let error = result.expect_err("refused");
    assert!(error.is_unauthorized());
    assert_eq!(sandbox.calls().len(), 3);
    assert_eq!(error.report().counts().not_sent, 10);
    let stopped = error
        .report()
        .not_sent()
        .filter(|(_, reason)| matches!(reason, NotSentReason::Stopped { .. }))
        .count();
    assert_eq!(stopped, 7);
}

/// A refusal on a later call: earlier calls stay accepted, later ones are not made.
pub async fn refusal_on_a_later_call<F: Flavor>() {
    let sandbox = Sandbox::start().expect("sandbox starts");
    let settings = Settings {
        batch_size: Some(2),
        calls_in_flight: Some(1),
        ..Settings::for_sandbox(&sandbox)
    };
    sandbox.inject(Fault::Delay(Duration::ZERO));
    sandbox.inject(Fault::Respond {
        status: 401,
        content_type: "text/plain".into(),
        body: b"No authorization header supplied or invalid username or password".to_vec(),
    });
    let messages = numbered(6);
    let result = send::<F>(&settings, messages.clone()).await;
    assert_accounted(&result, &messages, Some(&sandbox));
    assert_eq!(sandbox.calls().len(), 2);
    assert_eq!(sandbox.accepted(), messages[..2]);
    snapshot("refusal_on_a_later_call", &result);
}

/// A call that fails in the middle of a batch: the other calls still go, and the error says
/// which messages were accepted.
pub async fn failure_in_the_middle<F: Flavor>() {
    let sandbox = Sandbox::start().expect("sandbox starts");
    let settings = Settings {
        batch_size: Some(2),
        calls_in_flight: Some(1),
        ..Settings::for_sandbox(&sandbox)
    };
    sandbox.inject(Fault::Delay(Duration::ZERO));
    sandbox.inject(Fault::Respond {
        status: 503,
        content_type: "text/html".into(),
        body: b"<html><body><h1>503 Service Unavailable</h1></body></html>".to_vec(),
    });
    let messages = numbered(6);
    let result = send::<F>(&settings, messages.clone()).await;
    assert_accounted(&result, &messages, Some(&sandbox));
    assert_eq!(sandbox.calls().len(), 3);
    let error = result.as_ref().expect_err("one call failed");
    assert_eq!(error.report().accepted().collect::<Vec<_>>(), [0, 1, 4, 5]);
    snapshot("failure_in_the_middle", &result);
}

/// Each fault the sandbox can inject, on a one-call send.
pub async fn injected_faults<F: Flavor>() {
    let cases: [(&str, Fault, Option<Duration>); 5] = [
        ("fault_drop_connection", Fault::DropConnection, None),
        ("fault_truncated_body", Fault::TruncatedBody, None),
        // An hour against 300 ms: no race. Dropping the sandbox does not wait for the delay.
        ("fault_delay_past_the_timeout", Fault::Delay(Duration::from_secs(3600)), Some(Duration::from_millis(300))),
        ("fault_delay_within_the_timeout", Fault::Delay(Duration::from_millis(50)), None),
        (
            "fault_respond_500_html",
            Fault::Respond {
                status: 500,
                content_type: "text/html; charset=utf-8".into(),
                body: b"<!DOCTYPE html>\n<html><head><title>Runtime Error</title></head>\n<body><h1>Server Error in '/' Application.</h1></body></html>".to_vec(),
            },
            None,
        ),
    ];
    for (name, fault, timeout) in cases {
        let sandbox = Sandbox::start().expect("sandbox starts");
        let settings = Settings {
            timeout,
            ..Settings::for_sandbox(&sandbox)
        };
        sandbox.inject(fault);
        let messages = multiple_recipients();
        let result = send::<F>(&settings, messages.clone()).await;
        assert_accounted(&result, &messages, Some(&sandbox));
        assert_eq!(sandbox.pending_faults(), 0, "{name}");
        // Answered (or dropped, or timed out) once: a failed call is never sent again. The
        // sandbox records a call before it delays the answer.
        assert_eq!(sandbox.calls().len(), 1, "{name}: no retry");
        snapshot(name, &result);
    }
}

/// Every answer shape of point 4, injected, as a snapshot of the report. Two messages per call.
pub async fn response_shapes<F: Flavor>() {
    let json = "application/json; charset=utf-8";
    let two = |a: &str, b: &str| format!("[{a},{b}]");
    let cases: Vec<(&str, u16, &str, String)> = vec![
        ("shape_202_results", 202, json, two(
            r#"{"to":"447700900000","successful":true}"#,
            r#"{"to":"447700900111","successful":false,"validationFailures":[{"property":"from","failureCode":"FromEmpty","details":"from is not valid. No value was specified."}]}"#,
        )),
        ("shape_202_failure_key", 202, json, two(
            r#"{"to":"447700900000","successful":false,"validationFailures":[{"property":"to","failureKey":"ErrBadNumber","details":"to is not valid."}]}"#,
            r#"{"to":"447700900111","successful":true}"#,
        )),
        // The page's odd `200` sample: one object per message, without fields.
        ("shape_200_empty_objects", 200, json, "[\n  {\n  },\n  {\n  }\n]".into()),
        ("shape_202_credentials_failure", 202, json,
            r#"[{"failureDescription":"Unable to logon with credentials given"}]"#.into()),
        // The page's own sample, byte for byte: a trailing comma, and still a refusal.
        ("shape_202_credentials_failure_as_captured", 202, json,
            "[{\n\t\"failureDescription\":\"Unable to logon with credentials given\",\n}]".into()),
        // A byte order mark before the results.
        ("shape_202_results_after_a_bom", 202, json, format!(
            "\u{feff}{}", two(r#"{"to":"447700900000","successful":true}"#, r#"{"to":"447700900111","successful":true}"#)
        )),
        ("shape_202_unknown_fields", 202, json, two(
            r#"{"to":"447700900000","successful":true,"messageId":"7d1c","parts":1,"cost":{"gbp":0.04}}"#,
            r#"{"successful":true,"to":"447700900111","x":[]}"#,
        )),
        ("shape_202_missing_or_null_failures", 202, json, two(
            r#"{"to":"447700900000","successful":false}"#,
            r#"{"to":"447700900111","successful":false,"validationFailures":null}"#,
        )),
        ("shape_202_fewer_results", 202, json, r#"[{"to":"447700900000","successful":true}]"#.into()),
        ("shape_202_more_results", 202, json, format!(
            "[{0},{0},{0}]", r#"{"to":"447700900000","successful":true}"#
        )),
        ("shape_400_failure_code", 400, json, r#"[
  {"property": "message[0].toa", "failureCode": "InvalidJson", "details": "Could not find member 'typo' on object of type 'Message'. Path '[0].toa', line 3, position 10."},
  {"property": "message[1].body", "failureCode": "InvalidJson", "details": "After parsing a value an unexpected character was encountered: \". Path '[1].body', line 9, position 4."}
]"#.into()),
        ("shape_400_failure_key", 400, json, r#"[
  {"property": "message[0].toa", "details": "Could not find member 'toa' on object of type 'Message'. Path '[0].toa', line 3, position 10.", "failureKey": "ErrBadJson"},
  {"property": "message[1].toa", "details": "Could not find member 'toa' on object of type 'Message'. Path '[1].toa', line 7, position 10.", "failureKey": "ErrBadJson"}
]"#.into()),
        ("shape_401_text", 401, "text/plain",
            "No authorization header supplied or invalid username or password".into()),
        ("shape_403_empty", 403, "", String::new()),
        ("shape_302_redirect", 302, "text/html", "<html><body>Object moved to <a href=\"/login\">here</a>.</body></html>".into()),
        ("shape_500_html", 500, "text/html", format!(
            "<!DOCTYPE html>\n<html><head><title>500</title></head><body>{}</body></html>",
            "Internal Server Error. ".repeat(60)
        )),
        ("shape_202_html", 202, "text/html", "<html><body>Thank you!</body></html>".into()),
        ("shape_202_invalid_json", 202, json, r#"[{"to":"447700900000","successful":tru"#.into()),
        ("shape_202_empty_body", 202, json, String::new()),
        ("shape_202_not_an_array", 202, json, r#"{"to":"447700900000","successful":true}"#.into()),
    ];
    for (name, status, content_type, body) in cases {
        let sandbox = Sandbox::start().expect("sandbox starts");
        sandbox.inject(Fault::Respond {
            status,
            content_type: content_type.into(),
            body: body.into_bytes(),
        });
        let messages = multiple_recipients();
        let result = send::<F>(&Settings::for_sandbox(&sandbox), messages.clone()).await;
        assert_accounted(&result, &messages, None);
        assert_eq!(sandbox.calls().len(), 1, "{name}: one call, no retry");
        snapshot(name, &result);
    }

    // A body over the client's bound: injected, and the sandbox's own (announced) answer.
    let sandbox = Sandbox::start().expect("sandbox starts");
    let settings = Settings {
        max_response_body: Some(64),
        ..Settings::for_sandbox(&sandbox)
    };
    sandbox.inject(Fault::Respond {
        status: 202,
        content_type: json.into(),
        body: format!(
            "[{}]",
            r#"{"to":"447700900000","successful":true},"#.repeat(50)
        )
        .into_bytes(),
    });
    let messages = multiple_recipients();
    let result = send::<F>(&settings, messages.clone()).await;
    assert_accounted(&result, &messages, None);
    snapshot("shape_body_over_the_bound", &result);
    let result = send::<F>(&settings, messages.clone()).await;
    assert_accounted(&result, &messages, Some(&sandbox));
    let error = result.expect_err("too large");
    assert!(matches!(
        error.failures()[0].error,
        CallError::BodyTooLarge {
            status: 202,
            limit: 64,
            ..
        }
    ));
}

/// The password and the Authorization header never show: not in the client's Debug, not in
/// errors, not even when the service echoes them back.
pub async fn secrets_never_shown<F: Flavor>() {
    let password = "s3cret-Pa55w0rd";
    let sandbox = Sandbox::builder()
        .credentials("alice", password)
        .start()
        .expect("sandbox starts");
    let settings = Settings {
        username: "alice".into(),
        password: password.into(),
        ..Settings::for_sandbox(&sandbox)
    };
    let client = F::build(&settings).expect("client builds");
    let header = "YWxpY2U6czNjcmV0LVBhNTV3MHJk"; // base64("alice:s3cret-Pa55w0rd")
    let shown = format!("{client:?} {client:#?}");
    assert!(shown.contains("alice"), "{shown}");
    assert!(
        !shown.contains(password) && !shown.contains(header),
        "{shown}"
    );

    let echo = format!("Authorization: Basic {header}\r\nX-Password: {password}\r\n");
    for status in [202, 400, 401, 500] {
        sandbox.inject(Fault::Respond {
            status,
            content_type: "text/plain".into(),
            body: echo.clone().into_bytes(),
        });
        let result = F::send(&client, vec![simple_send()]).await;
        assert_accounted(&result, &[simple_send()], None);
        let error = result.as_ref().expect_err("fails");
        let mut shown = format!("{error} {error:?} {}", render(&result));
        let mut source = std::error::Error::source(error);
        while let Some(cause) = source {
            shown += &format!(" {cause} {cause:?}");
            source = cause.source();
        }
        assert!(!shown.contains(password), "{status}: {shown}");
        assert!(!shown.contains(header), "{status}: {shown}");
        assert!(shown.contains("<redacted>"), "{status}: {shown}");
    }

    let wrong = Settings {
        password: "an0ther-Secret".into(),
        ..settings.clone()
    };
    let result = send::<F>(&wrong, vec![simple_send()]).await;
    assert_accounted(&result, &[simple_send()], Some(&sandbox));
    assert!(result.as_ref().is_err_and(SendError::is_unauthorized));
    let shown = format!("{:?} {}", result, render(&result));
    assert!(!shown.contains("an0ther-Secret"), "{shown}");
}

/// No message: no call, an empty report.
pub async fn empty_send<F: Flavor>() {
    let sandbox = Sandbox::start().expect("sandbox starts");
    let result = send::<F>(&Settings::for_sandbox(&sandbox), Vec::new()).await;
    assert_accounted(&result, &[], Some(&sandbox));
    assert!(result.expect("nothing to fail").is_empty());
    // Only invalid messages: no call either.
    let messages = vec![without_originator(), without_originator()];
    let result = send::<F>(&Settings::for_sandbox(&sandbox), messages.clone()).await;
    assert_accounted(&result, &messages, Some(&sandbox));
    assert!(sandbox.calls().is_empty());
    for (_, by, failures) in result.expect("nothing sent").rejected() {
        assert_eq!(by, RejectedBy::Client);
        assert_eq!(failures[0].failure_code, FailureCode::FromEmpty);
    }
}

/// The builder refuses what it must.
pub fn refused_settings<F: Flavor>() {
    let base = Settings {
        base_url: "https://services.dynmark.com".into(),
        username: "user".into(),
        password: "hunter2-password".into(),
        allow_http: false,
        timeout: None,
        batch_size: None,
        calls_in_flight: None,
        validate_locally: true,
        max_response_body: None,
        send_deadline: None,
    };
    assert!(F::build(&base).is_ok());
    let refused = |settings: Settings| F::build(&settings).expect_err("refused");
    let error = refused(Settings {
        base_url: "http://services.dynmark.com".into(),
        ..base.clone()
    });
    assert!(
        matches!(error, BuildError::InsecureBaseUrl { .. }),
        "{error}"
    );
    assert!(
        F::build(&Settings {
            base_url: "http://services.dynmark.com".into(),
            allow_http: true,
            ..base.clone()
        })
        .is_ok()
    );
    let error = refused(Settings {
        base_url: "https://user:hunter2-password@services.dynmark.com".into(),
        ..base.clone()
    });
    assert!(!format!("{error} {error:?}").contains("hunter2-password"));
    for username in ["", "ann:x"] {
        let error = refused(Settings {
            username: username.into(),
            ..base.clone()
        });
        assert!(
            matches!(error, BuildError::InvalidUsername { .. }),
            "{username:?}: {error}"
        );
        assert!(!format!("{error} {error:?}").contains("hunter2-password"));
    }
    assert_eq!(
        refused(Settings {
            username: "ann:x".into(),
            ..base.clone()
        })
        .to_string(),
        "invalid username: it contains ':', which HTTP Basic authentication (RFC 7617) cannot carry in a username"
    );
    let error = refused(Settings {
        base_url: "https://services.dynmark.com/webapi/message/send".into(),
        ..base.clone()
    });
    assert!(
        matches!(error, BuildError::InvalidBaseUrl { .. }),
        "{error}"
    );
    assert!(
        error.to_string().contains("give only the service's root"),
        "{error}"
    );
    let error = refused(Settings {
        batch_size: Some(0),
        ..base.clone()
    });
    assert!(matches!(
        error,
        BuildError::InvalidSetting {
            name: "batch_size",
            ..
        }
    ));
    let error = refused(Settings {
        calls_in_flight: Some(0),
        ..base.clone()
    });
    assert!(matches!(
        error,
        BuildError::InvalidSetting {
            name: "calls_in_flight",
            ..
        }
    ));
    let error = refused(Settings {
        timeout: Some(Duration::ZERO),
        ..base.clone()
    });
    assert!(matches!(
        error,
        BuildError::InvalidSetting {
            name: "timeout",
            ..
        }
    ));
}

/// Nothing listens: a connection error, every message not sent and certainly not received.
pub async fn nothing_listening<F: Flavor>() {
    let settings = Settings {
        // Port 1 on loopback: nothing listens there, the connection is refused.
        base_url: "http://127.0.0.1:1".into(),
        username: "user".into(),
        password: "password".into(),
        allow_http: false,
        timeout: None,
        batch_size: Some(1),
        calls_in_flight: Some(2),
        validate_locally: true,
        max_response_body: None,
        send_deadline: None,
    };
    let messages = multiple_recipients();
    let result = send::<F>(&settings, messages.clone()).await;
    assert_accounted(&result, &messages, None);
    let error = result.as_ref().expect_err("no service");
    assert_eq!(error.failures().len(), 2);
    for (_, reason) in error.report().not_sent() {
        assert!(!reason.may_have_reached_service(), "{reason}");
    }
    snapshot("nothing_listening", &result);
}

/// A panic while reading a call's answer (a user operation whose result type panics) is caught:
/// that call fails (it may have reached the service), no further call starts, and the send
/// returns an error with the full report. Both clients alike.
pub async fn a_panicking_result_stops_the_batch<F: Flavor>() {
    let sandbox = Sandbox::start().expect("sandbox starts");
    let settings = Settings {
        batch_size: Some(1),
        calls_in_flight: Some(1),
        ..Settings::for_sandbox(&sandbox)
    };
    let client = F::build(&settings).expect("client builds");
    let messages = numbered(4);
    assert_eq!(messages[1].to, PANICKY_TO);
    let result = F::call_panicky(&client, messages.clone()).await;
    assert_accounted(&result, &messages, Some(&sandbox));
    let error = result.as_ref().expect_err("a call panicked");
    assert!(matches!(
        &error.failures()[0].error,
        CallError::Panicked { message } if message.contains("a result type that panics")
    ));
    assert_eq!(sandbox.calls().len(), 2, "no call after the panic");
    let report = error.report();
    assert_eq!(report.accepted().collect::<Vec<_>>(), [0]);
    let not_sent: Vec<_> = report.not_sent().collect();
    assert_eq!(
        not_sent,
        [
            (
                1,
                NotSentReason::CallFailed {
                    call: 1,
                    failure: CallFailureKind::Panicked
                }
            ),
            (
                2,
                NotSentReason::Stopped {
                    by_call: 1,
                    failure: CallFailureKind::Panicked
                }
            ),
            (
                3,
                NotSentReason::Stopped {
                    by_call: 1,
                    failure: CallFailureKind::Panicked
                }
            ),
        ]
    );
    assert!(not_sent[0].1.may_have_reached_service());
    snapshot("panicking_result", &result);
}

/// The list of scenarios, for the test files: `$m!(name)` for each async scenario.
#[macro_export]
macro_rules! for_each_scenario {
    ($m:ident) => {
        $m!(page_examples);
        $m!(two_calls_in_order);
        $m!(mixed_valid_and_invalid);
        $m!(inputs_of_known_and_unknown_length_alike);
        $m!(wrong_password);
        $m!(wrong_password_with_calls_in_flight);
        $m!(refusal_on_a_later_call);
        $m!(failure_in_the_middle);
        $m!(injected_faults);
        $m!(response_shapes);
        $m!(secrets_never_shown);
        $m!(empty_send);
        $m!(nothing_listening);
        $m!(a_panicking_result_stops_the_batch);
        $m!(a_drip_fed_answer_times_out);
        $m!(one_unreadable_result);
        $m!(a_deadline_stops_new_calls);
        $m!(a_stop_mid_send);
        $m!(streaming_ten_thousand);
        $m!(call_starting_comes_before_the_request);
    };
}
