//! The core without a network: every response shape the page shows or implies, and the
//! split / merge of batches.

use std::time::{Duration, Instant};

use proptest::prelude::*;

use super::*;
use crate::error::CallError;
use crate::operations::SendMessages;
use crate::report::MessageOutcome;
use crate::report::{NotSentReason, Outcome, RejectedBy};
use crate::{
    CallFailureKind, Credentials, FailureCode, Message, MessageResult, SendError, SendReport,
};

const PASSWORD: &str = "pa55-w0rd!";

fn endpoint() -> Endpoint {
    Endpoint::new(
        BaseUrl::parse("https://services.dynmark.com", false).unwrap(),
        Credentials::new("user", PASSWORD),
    )
}

/// The answer's results, each of which must be readable.
fn parse(
    status: u16,
    content_type: &str,
    body: &str,
    sent: usize,
) -> Result<Vec<MessageResult>, CallError> {
    parse_each(status, content_type, body, sent).map(|results| {
        results
            .into_iter()
            .map(|result| result.expect("a readable result"))
            .collect()
    })
}

/// The answer's results, element by element.
fn parse_each(
    status: u16,
    content_type: &str,
    body: &str,
    sent: usize,
) -> Result<ItemResults<MessageResult>, CallError> {
    let response = HttpResponse::new(status, Some(content_type.to_owned()), body.to_owned());
    endpoint().parse_response::<SendMessages>(&response, sent)
}

fn message(to: &str) -> Message {
    Message::to(to)
        .from("Example")
        .body("Hello, this is a test message")
}

const JSON: &str = "application/json";

// ---- requests ----

#[test]
fn request_is_a_json_array_with_basic_auth() {
    let endpoint = endpoint().with_user_agent("test-agent");
    let messages = [message("447700900000").with_client_ref("Your reference")];
    let request = endpoint.request::<SendMessages>(&messages).unwrap();
    assert_eq!(request.method, crate::operation::Method::Post);
    assert_eq!(
        request.url,
        "https://services.dynmark.com/webapi/message/send"
    );
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.header("accept"), Some("application/json"));
    assert_eq!(request.header("user-agent"), Some("test-agent"));
    assert_eq!(
        request.header("authorization"),
        Some("Basic dXNlcjpwYTU1LXcwcmQh")
    );
    let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!([{
            "to": "447700900000",
            "from": "Example",
            "body": "Hello, this is a test message",
            "clientRef": "Your reference"
        }])
    );
    assert!(!format!("{request:?}").contains("dXNlcjpwYTU1LXcwcmQh"));
}

// ---- 202 ----

#[test]
fn accepted_results() {
    let results = parse(
        202,
        JSON,
        r#"[{"to":"447979080215","successful":true},
            {"to":"447979080215","successful":false,"validationFailures":[
              {"property":"from","failureCode":"FromEmpty","details":"from is not valid. No value was specified."}]}]"#,
        2,
    )
    .unwrap();
    assert!(results[0].successful);
    assert!(!results[1].successful);
    let failures = results[1].validation_failures.as_deref().unwrap();
    assert_eq!(failures[0].failure_code, FailureCode::FromEmpty);
    assert_eq!(failures[0].property.as_deref(), Some("from"));
}

#[test]
fn accepted_results_with_failure_key() {
    let results = parse(
        202,
        JSON,
        r#"[{"to":"4479","successful":false,"validationFailures":[
              {"property":"from","failureKey":"ErrSomethingNew","details":"?"}]}]"#,
        1,
    )
    .unwrap();
    let failures = results[0].validation_failures.as_deref().unwrap();
    assert_eq!(
        failures[0].failure_code,
        FailureCode::from("ErrSomethingNew")
    );
}

#[test]
fn accepted_results_with_unknown_fields() {
    let results = parse(
        202,
        JSON,
        r#"[{"to":"4479","successful":true,"messageId":"abc-123","parts":2,"extra":{"nested":[1,2]}}]"#,
        1,
    )
    .unwrap();
    assert!(results[0].successful);
}

#[test]
fn missing_or_null_validation_failures() {
    let results = parse(
        202,
        JSON,
        r#"[{"to":"1","successful":false},{"to":"2","successful":false,"validationFailures":null}]"#,
        2,
    )
    .unwrap();
    assert!(results.iter().all(|r| r.validation_failures.is_none()));
}

#[test]
fn credentials_failure_with_202() {
    // The page's sample has a trailing comma (invalid JSON); the service's real one is valid.
    let error = parse(
        202,
        JSON,
        r#"[{"failureDescription":"Unable to logon with credentials given"}]"#,
        3,
    )
    .unwrap_err();
    assert!(error.is_unauthorized());
    assert_eq!(
        error.to_string(),
        "the service refused the credentials (HTTP 202): Unable to logon with credentials given"
    );
}

/// The page's own 202 sample, byte for byte (`api.results.codes[1].code`): a trailing comma
/// makes it invalid JSON, and it is still a refusal of the credentials, which stops the batch.
const PAGE_CREDENTIALS_FAILURE: &[u8] =
    b"[{\n\t\"failureDescription\":\"Unable to logon with credentials given\",\n}]";

#[test]
fn credentials_failure_with_202_as_the_page_shows_it() {
    let response = HttpResponse::new(202, Some(JSON.into()), PAGE_CREDENTIALS_FAILURE);
    let error = endpoint()
        .parse_response::<SendMessages>(&response, 3)
        .unwrap_err();
    assert!(error.is_unauthorized(), "{error:?}");
    assert!(!error.may_have_reached_service());
    assert_eq!(
        error.to_string(),
        "the service refused the credentials (HTTP 202): Unable to logon with credentials given"
    );
    // In a batch: the call is refused, and no further call starts.
    let messages: Vec<Message> = (0..3).map(|_| message("447700900000")).collect();
    let mut batch = Shell::new(messages, options(1));
    let endpoint = endpoint();
    let call = batch.next_call().unwrap();
    let result = endpoint.parse_response::<SendMessages>(&response, call.items);
    let result = result.map(|results| results.into_iter().map(Result::unwrap).collect());
    assert_eq!(batch.record(call.index, result), Flow::Stop);
    assert_eq!(batch.next_call(), None);
    let error = batch.finish().unwrap_err();
    assert!(error.is_unauthorized());
    assert!(
        error
            .report()
            .not_sent()
            .all(|(_, reason)| !reason.may_have_reached_service())
    );
    // Only that shape is read leniently: other invalid JSON stays unreadable.
    for body in [
        &b"[{\"to\":\"1\",\"successful\":true,}]"[..],
        b"[{\"failureDescription\":\"x\",}",
        b"{\"failureDescription\":\"x\",}",
        b"[{\"failureDescription\":42,}]",
    ] {
        let response = HttpResponse::new(202, Some(JSON.into()), body);
        let error = endpoint
            .parse_response::<SendMessages>(&response, 1)
            .unwrap_err();
        assert!(
            matches!(error, CallError::InvalidResponse { .. }),
            "{}: {error:?}",
            String::from_utf8_lossy(body)
        );
    }
}

#[test]
fn a_byte_order_mark_before_a_success_is_skipped() {
    let results = parse(202, JSON, "\u{feff}[{\"to\":\"1\",\"successful\":true}]", 1).unwrap();
    assert!(results[0].successful);
    let error = parse(
        202,
        JSON,
        "\u{feff}[{\"failureDescription\":\"Unable to logon with credentials given\"}]",
        1,
    )
    .unwrap_err();
    assert!(error.is_unauthorized(), "{error:?}");
}

#[test]
fn failures_listed_with_an_accepted_result_are_kept() {
    let results = parse(
        202,
        JSON,
        r#"[{"to":"1","successful":true,"validationFailures":[{"property":"from","failureCode":"X","details":"d"}]},
            {"to":"2","successful":true}]"#,
        2,
    )
    .unwrap();
    let mut batch = Shell::new(
        vec![message("447700900000"), message("447700900111")],
        BatchOptions::default(),
    );
    let call = batch.next_call().unwrap();
    batch.record(call.index, Ok(results));
    let report = batch.finish().unwrap();
    assert!(report.all_accepted());
    let kept: Vec<_> = report.accepted_with_failures().collect();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].0, 0);
    assert_eq!(kept[0].1[0].failure_code, FailureCode::from("X"));
    assert_eq!(
        report.to_string(),
        "2 message(s): 2 accepted, 0 rejected, 0 not sent\n  #0 accepted, yet the service also listed: from: d (X)\n  #1 accepted"
    );
}

#[test]
fn fewer_or_more_results_than_sent() {
    let error = parse(202, JSON, r#"[{"to":"1","successful":true}]"#, 2).unwrap_err();
    assert!(matches!(
        error,
        CallError::ResultCount {
            sent: 2,
            received: 1
        }
    ));
    let error = parse(
        202,
        JSON,
        r#"[{"to":"1","successful":true},{"to":"2","successful":true}]"#,
        1,
    )
    .unwrap_err();
    assert!(matches!(
        error,
        CallError::ResultCount {
            sent: 1,
            received: 2
        }
    ));
    let error = parse(202, JSON, "[]", 1).unwrap_err();
    assert!(matches!(
        error,
        CallError::ResultCount {
            sent: 1,
            received: 0
        }
    ));
}

#[test]
fn unreadable_success_bodies() {
    for (body, reason) in [
        ("", "empty body"),
        ("  \r\n", "empty body"),
        (
            "<html><body>Service Unavailable</body></html>",
            "expected value at line 1 column 1",
        ),
        (
            "[{\"to\": \"1\", \"successful\": true",
            "EOF while parsing an object at line 1 column 31",
        ),
        (
            "{\"to\":\"1\",\"successful\":true}",
            "invalid type: map, expected a sequence at line 1 column 0",
        ),
        ("[{}, {}]", "missing field `to` at line 1 column 3"),
        (
            "null",
            "invalid type: null, expected a sequence at line 1 column 4",
        ),
    ] {
        match parse(202, JSON, body, 2).unwrap_err() {
            CallError::InvalidResponse {
                status,
                reason: got,
                body: excerpt,
            } => {
                assert_eq!(status, 202);
                assert_eq!(got, reason, "{body:?}");
                assert_eq!(excerpt.text(), body);
            }
            other => panic!("{body:?}: unexpected {other:?}"),
        }
    }
    // The page's odd `200` sample: objects without fields.
    assert!(matches!(
        parse(200, JSON, "[\n  {\n  },\n  {\n  }\n]", 2),
        Err(CallError::InvalidResponse { status: 200, .. })
    ));
}

#[test]
fn binary_bodies_do_not_panic() {
    let response = HttpResponse::new(202, None, vec![0xff, 0xfe, 0x00, 0xc3]);
    let error = endpoint()
        .parse_response::<SendMessages>(&response, 1)
        .unwrap_err();
    assert!(matches!(error, CallError::InvalidResponse { .. }));
    assert!(!error.to_string().is_empty());
}

// ---- 400 ----

#[test]
fn bad_request_with_failure_code() {
    let body = r#"[
  {"property": "message[0].toa", "failureCode": "InvalidJson",
   "details": "Could not find member 'typo' on object of type 'Message'. Path '[0].toa', line 3, position 10."},
  {"property": "message[1].body", "failureCode": "InvalidJson",
   "details": "After parsing a value an unexpected character was encountered: \". Path '[1].body', line 9, position 4."}
]"#;
    match parse(400, JSON, body, 2).unwrap_err() {
        CallError::BadRequest { failures } => {
            assert_eq!(failures.len(), 2);
            assert_eq!(failures[0].failure_code, FailureCode::InvalidJson);
            assert_eq!(failures[1].property.as_deref(), Some("message[1].body"));
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn bad_request_with_failure_key() {
    let body = r#"[{"property": "message[0].toa", "details": "Could not find member 'toa'", "failureKey": "ErrBadJson"}]"#;
    match parse(400, JSON, body, 1).unwrap_err() {
        CallError::BadRequest { failures } => {
            assert_eq!(failures[0].failure_code, FailureCode::ErrBadJson);
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn bad_request_that_is_not_a_list_of_failures() {
    for body in ["Bad Request", "[]", "{\"error\":\"bad\"}", ""] {
        let error = parse(400, "text/plain", body, 1).unwrap_err();
        assert!(
            matches!(error, CallError::Status { status: 400, .. }),
            "{body:?}: {error:?}"
        );
    }
}

// ---- 401 and other statuses ----

#[test]
fn unauthorized_text() {
    let error = parse(
        401,
        "text/plain",
        "No authorization header supplied or invalid username or password",
        1,
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "the service refused the credentials (HTTP 401): No authorization header supplied or invalid username or password"
    );
    assert_eq!(error.kind(), CallFailureKind::Unauthorized);
    assert!(!error.may_have_reached_service());
    // Even an empty or JSON 401 is a refusal of the credentials.
    assert!(parse(401, JSON, "", 1).unwrap_err().is_unauthorized());
    assert!(parse(401, JSON, "[]", 1).unwrap_err().is_unauthorized());
}

#[test]
fn other_statuses_keep_a_bounded_excerpt() {
    let page = format!(
        "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body>{}</body></html>",
        "x".repeat(5000)
    );
    let error = parse(502, "text/html; charset=utf-8", &page, 1).unwrap_err();
    match &error {
        CallError::Status {
            status,
            content_type,
            body,
            retry_after,
        } => {
            assert_eq!(*retry_after, None);
            assert_eq!(*status, 502);
            assert_eq!(content_type.as_deref(), Some("text/html; charset=utf-8"));
            assert_eq!(body.text().len(), EXCERPT_BYTES);
            assert!(body.is_truncated());
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(error.to_string().starts_with(
        "the service answered HTTP 502 (text/html; charset=utf-8): <!DOCTYPE html>\\n<html>"
    ));
    assert!(error.to_string().ends_with("xxx…"));
    assert!(error.may_have_reached_service());
    // 3xx and 4xx: the service did not process the call; 5xx: it may have.
    for (status, reached) in [
        (301, false),
        (404, false),
        (429, false),
        (500, true),
        (599, true),
    ] {
        assert_eq!(
            parse(status, "", "", 1)
                .unwrap_err()
                .may_have_reached_service(),
            reached
        );
    }
    for status in [100, 204, 301, 302, 403, 404, 429, 500, 503, 599] {
        let body = if status == 204 { "" } else { "nope" };
        let error = parse(status, "text/plain", body, 1).unwrap_err();
        if status == 204 {
            assert!(
                matches!(error, CallError::InvalidResponse { status: 204, .. }),
                "{error:?}"
            );
        } else {
            assert!(
                matches!(error, CallError::Status { status: s, .. } if s == status),
                "{error:?}"
            );
        }
    }
}

#[test]
fn echoed_secrets_are_redacted_from_excerpts() {
    let echo = format!("Authorization: Basic dXNlcjpwYTU1LXcwcmQh\npassword={PASSWORD}");
    for status in [202, 400, 401, 500] {
        let error = parse(status, "text/plain", &echo, 1).unwrap_err();
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains(PASSWORD), "{shown}");
        assert!(!shown.contains("dXNlcjpwYTU1LXcwcmQh"), "{shown}");
    }
    // A secret that straddles the end of the excerpt is redacted whole.
    let padded = format!("{}{PASSWORD}", "y".repeat(EXCERPT_BYTES - 3));
    let error = parse(500, "text/plain", &padded, 1).unwrap_err();
    assert!(!format!("{error:?}").contains("pa5"), "{error:?}");
    // A parser's message cut where the password starts.
    let long = format!("[\"{}{PASSWORD}\"]", "z".repeat(175));
    let error = parse(202, JSON, &long, 1).unwrap_err();
    match &error {
        CallError::InvalidResponse { reason, .. } => {
            assert!(reason.ends_with('…'), "{reason}");
            assert!(!reason.contains("pa5"), "{reason}");
        }
        other => panic!("unexpected {other:?}"),
    }
    // A secret in a parser's message (serde quotes unexpected strings) too.
    let error = parse(202, JSON, &format!("[\"{PASSWORD}\"]"), 1).unwrap_err();
    assert!(
        !format!("{error} {error:?}").contains(PASSWORD),
        "{error:?}"
    );
}

// ---- batches: split and merge ----

fn options(call_size: usize) -> BatchOptions {
    BatchOptions {
        validate: true,
        call_size,
    }
}

/// A test shell over the core: all the input at hand, calls handed out one by one (as a shell
/// with unlimited calls in flight would), every event collected.
struct Shell {
    batch: Batch<SendMessages>,
    input: std::vec::IntoIter<Message>,
    collector: Collector<Message>,
    endpoint: Endpoint,
    calls: Vec<Vec<usize>>,
}

impl Shell {
    fn new(messages: Vec<Message>, options: BatchOptions) -> Shell {
        Shell {
            batch: Batch::new(options, usize::MAX),
            input: messages.into_iter(),
            collector: Collector::new(),
            endpoint: endpoint(),
            calls: Vec::new(),
        }
    }

    fn drain(&mut self) {
        while let Some(event) = self.batch.poll_event() {
            if let Event::CallStarting { call, items } = &event {
                assert_eq!(*call, self.calls.len(), "calls are numbered in order");
                self.calls.push(items.clone());
            }
            self.collector.add(event);
        }
    }

    fn next_call(&mut self) -> Option<Call> {
        loop {
            self.batch.fill(&mut self.input);
            let call = self.batch.poll_call(&self.endpoint, Instant::now());
            self.drain();
            if call.is_some() || !self.batch.wants_items() {
                return call;
            }
        }
    }

    fn start_call(&mut self, limit: usize) -> Option<Call> {
        if self.batch.in_flight() >= limit {
            return None;
        }
        self.next_call()
    }

    fn record(&mut self, call: usize, result: Result<Vec<MessageResult>, CallError>) -> Flow {
        let result = result.map(|results| results.into_iter().map(Ok).collect());
        let flow = self.batch.record(call, result, 1);
        self.drain();
        flow
    }

    fn call_items(&self, call: usize) -> &[usize] {
        self.calls.get(call).map_or(&[], Vec::as_slice)
    }

    fn calls(&self) -> usize {
        self.calls.len()
    }

    fn in_flight(&self) -> usize {
        self.batch.in_flight()
    }

    fn should_stop(&self) -> bool {
        self.batch.should_stop()
    }

    /// Ends the batch (calls in flight fail as not recorded) and accounts for the whole input.
    fn finish(mut self) -> Result<SendReport, SendError> {
        self.batch.finish();
        for message in self.input.by_ref() {
            self.batch.push(message);
        }
        self.drain();
        self.collector.finish()
    }
}

/// Every call the batch makes, in order (as a shell with unlimited calls in flight would).
fn all_calls(batch: &mut Shell) -> Vec<Call> {
    std::iter::from_fn(|| batch.next_call()).collect()
}

fn answer(call: &Call, successful: bool) -> Vec<MessageResult> {
    (0..call.items)
        .map(|_| MessageResult::to("x").successful(successful))
        .collect()
}

fn body(call: &Call) -> Vec<serde_json::Value> {
    serde_json::from_slice(&call.request.body).unwrap()
}

#[test]
fn splits_into_calls_of_at_most_the_operation_limit() {
    let messages: Vec<Message> = (0..251)
        .map(|i| message(&format!("4477009{i:05}")))
        .collect();
    let mut batch = Shell::new(messages, BatchOptions::default());
    assert_eq!(
        batch.calls(),
        0,
        "nothing is prepared before it is asked for"
    );
    let calls = all_calls(&mut batch);
    assert_eq!(calls.len(), 2);
    assert_eq!((calls[0].index, calls[0].items), (0, 250));
    assert_eq!((calls[1].index, calls[1].items), (1, 1));
    assert_eq!(batch.call_items(0), (0..250).collect::<Vec<_>>());
    assert_eq!(batch.call_items(1), [250]);
    assert!(batch.call_items(2).is_empty());
    let last = body(&calls[1]);
    assert_eq!(last.len(), 1);
    assert_eq!(last[0]["to"], "447700900250");
    assert_eq!(body(&calls[0])[249]["to"], "447700900249");
    // Configured smaller; larger than the operation allows is capped; 0 counts as 1.
    let messages: Vec<Message> = (0..10).map(|_| message("447700900000")).collect();
    let count = |messages: Vec<Message>, call_size| {
        all_calls(&mut Shell::new(messages, options(call_size))).len()
    };
    assert_eq!(count(messages.clone(), 3), 4);
    assert_eq!(count(messages.clone(), 0), 10);
    let many: Vec<Message> = (0..501).map(|_| message("447700900000")).collect();
    assert_eq!(count(many, 1000), 3);
}

#[test]
fn merges_results_in_input_order_whatever_order_calls_finish() {
    let messages: Vec<Message> = (0..7).map(|_| message("447700900000")).collect();
    let mut batch = Shell::new(messages, options(2));
    let calls = all_calls(&mut batch);
    for index in [3, 1, 0, 2] {
        let call = &calls[index];
        let successful = index != 1;
        assert_eq!(
            batch.record(index, Ok(answer(call, successful))),
            Flow::Continue
        );
    }
    let report = batch.finish().unwrap();
    assert_eq!(report.len(), 7);
    assert_eq!(report.accepted().collect::<Vec<_>>(), [0, 1, 4, 5, 6]);
    assert_eq!(
        report
            .rejected()
            .map(|(i, by, _)| (i, by))
            .collect::<Vec<_>>(),
        [(2, RejectedBy::Service), (3, RejectedBy::Service)]
    );
}

#[test]
fn invalid_items_are_rejected_by_the_client_and_not_sent() {
    let messages = vec![
        message("447700900000"),
        Message::to("447700900000").from("").body("no originator"),
        message("447700900111"),
    ];
    let mut batch = Shell::new(messages.clone(), options(250));
    let calls = all_calls(&mut batch);
    assert_eq!(calls.len(), 1);
    assert_eq!(batch.call_items(0), [0, 2]);
    let sent = body(&calls[0]);
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[1]["to"], "447700900111");
    batch.record(0, Ok(answer(&calls[0], true)));
    let report = batch.finish().unwrap();
    match report.get(1).unwrap() {
        Outcome::Rejected {
            by: RejectedBy::Client,
            failures,
        } => {
            assert_eq!(failures[0].failure_code, FailureCode::FromEmpty);
            assert_eq!(failures[0].property.as_deref(), Some("from"));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(report.accepted().collect::<Vec<_>>(), [0, 2]);

    // With validation off, everything goes.
    let mut batch = Shell::new(
        messages,
        BatchOptions {
            validate: false,
            call_size: 250,
        },
    );
    all_calls(&mut batch);
    assert_eq!(batch.call_items(0), [0, 1, 2]);
}

#[test]
fn calls_fill_up_with_valid_items() {
    // Call size 2: invalid items do not take a place in a call.
    let messages = vec![
        Message::to("447700900000").from("").body("x"),
        message("447700900001"),
        Message::to("447700900002").from("").body("x"),
        Message::to("447700900003").from("").body("x"),
        message("447700900004"),
        message("447700900005"),
    ];
    let mut batch = Shell::new(messages, options(2));
    let calls = all_calls(&mut batch);
    assert_eq!(calls.len(), 2);
    assert_eq!(batch.call_items(0), [1, 4]);
    assert_eq!(batch.call_items(1), [5]);
}

#[test]
fn a_failed_call_leaves_its_items_not_sent_and_others_untouched() {
    let messages: Vec<Message> = (0..5).map(|_| message("447700900000")).collect();
    let mut batch = Shell::new(messages, options(2));
    let calls = all_calls(&mut batch);
    batch.record(0, Ok(answer(&calls[0], true)));
    let error = parse(503, "text/html", "<h1>down</h1>", 2).unwrap_err();
    assert_eq!(batch.record(1, Err(error)), Flow::Continue);
    batch.record(2, Ok(answer(&calls[2], true)));
    let error = batch.finish().unwrap_err();
    assert!(!error.is_unauthorized());
    assert_eq!(error.calls(), 3);
    assert_eq!(error.failures().len(), 1);
    assert_eq!(error.failures()[0].call, 1);
    assert_eq!(error.failures()[0].items, [2, 3]);
    let report = error.report();
    assert_eq!(report.accepted().collect::<Vec<_>>(), [0, 1, 4]);
    let reason = NotSentReason::CallFailed {
        call: 1,
        failure: CallFailureKind::Status {
            status: 503,
            retry_after_secs: None,
        },
    };
    assert_eq!(
        report.not_sent().collect::<Vec<_>>(),
        [(2, reason), (3, reason)]
    );
    assert!(reason.may_have_reached_service());
    assert_eq!(
        error.to_string(),
        "1 of 3 call(s) failed; call 1: the service answered HTTP 503 (text/html): <h1>down</h1> (3 accepted, 0 rejected, 2 not sent)"
    );
}

#[test]
fn refused_credentials_stop_the_batch() {
    let mut messages: Vec<Message> = (0..6).map(|_| message("447700900000")).collect();
    messages.push(
        Message::to("447700900000")
            .from("")
            .body("invalid, after the stop"),
    );
    let mut batch = Shell::new(messages, options(2));
    // Calls 0 and 1 are in flight; call 1 is refused, call 0 then succeeds; no call 2.
    let first = batch.next_call().unwrap();
    let second = batch.next_call().unwrap();
    assert_eq!((first.index, second.index), (0, 1));
    let refused = parse(401, "text/plain", "No authorization header supplied", 2).unwrap_err();
    assert_eq!(batch.record(1, Err(refused)), Flow::Stop);
    assert!(batch.should_stop());
    assert_eq!(batch.next_call(), None);
    assert_eq!(batch.record(0, Ok(answer(&first, true))), Flow::Stop);
    let error = batch.finish().unwrap_err();
    assert!(error.is_unauthorized());
    assert_eq!(error.calls(), 2, "calls made; the rest were never prepared");
    let report = error.report();
    assert_eq!(report.accepted().collect::<Vec<_>>(), [0, 1]);
    let not_sent: Vec<_> = report.not_sent().collect();
    let refused = NotSentReason::CallFailed {
        call: 1,
        failure: CallFailureKind::Unauthorized,
    };
    let stopped = NotSentReason::Stopped {
        by_call: 1,
        failure: CallFailureKind::Unauthorized,
    };
    assert_eq!(
        not_sent,
        [(2, refused), (3, refused), (4, stopped), (5, stopped)]
    );
    assert!(
        not_sent
            .iter()
            .all(|(_, reason)| !reason.may_have_reached_service())
    );
    // Never considered before the stop, still validated: rejected by the client.
    assert_eq!(
        report
            .rejected()
            .map(|(i, by, _)| (i, by))
            .collect::<Vec<_>>(),
        [(6, RejectedBy::Client)]
    );
}

#[test]
fn a_bad_request_rejects_the_items_it_names() {
    let messages: Vec<Message> = (0..5).map(|_| message("447700900000")).collect();
    let mut batch = Shell::new(messages, options(3));
    let calls = all_calls(&mut batch);
    batch.record(0, Ok(answer(&calls[0], true)));
    // Call 1 carries items 3 and 4: `message[1]` is item 4; `message[7]` names nothing.
    let body = r#"[
        {"property":"message[1].toa","failureCode":"InvalidJson","details":"no member 'toa'"},
        {"property":"message[1].body","failureKey":"ErrBadJson","details":"bad body"},
        {"property":"message[7].body","failureCode":"InvalidJson","details":"out of range"},
        {"property":"","failureCode":"InvalidJson","details":"payload"}]"#;
    let error = parse(400, JSON, body, 2).unwrap_err();
    batch.record(1, Err(error));
    let error = batch.finish().unwrap_err();
    let report = error.report();
    assert_eq!(report.accepted().collect::<Vec<_>>(), [0, 1, 2]);
    assert_eq!(
        report.not_sent().collect::<Vec<_>>(),
        [(
            3,
            NotSentReason::CallFailed {
                call: 1,
                failure: CallFailureKind::BadRequest
            }
        )]
    );
    let rejected: Vec<_> = report.rejected().collect();
    assert_eq!(rejected.len(), 1);
    let (index, by, failures) = rejected[0];
    assert_eq!((index, by), (4, RejectedBy::Service));
    let properties: Vec<_> = failures.iter().map(|f| f.property.as_deref()).collect();
    assert_eq!(properties, [Some("toa"), Some("body")]);
    // The error keeps the service's failures as they came.
    match &error.failures()[0].error {
        CallError::BadRequest { failures } => assert_eq!(failures.len(), 4),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn a_result_count_mismatch_fails_the_call() {
    let messages: Vec<Message> = (0..2).map(|_| message("447700900000")).collect();
    let mut batch = Shell::new(messages, options(250));
    all_calls(&mut batch);
    batch.record(0, Ok(vec![MessageResult::to("x").successful(true)]));
    let error = batch.finish().unwrap_err();
    assert!(matches!(
        error.failures()[0].error,
        CallError::ResultCount {
            sent: 2,
            received: 1
        }
    ));
    assert_eq!(error.report().counts().not_sent, 2);
}

#[test]
fn records_out_of_range_or_twice_are_ignored_and_unfinished_items_accounted_for() {
    let messages: Vec<Message> = (0..3).map(|_| message("447700900000")).collect();
    let mut batch = Shell::new(messages, options(1));
    assert_eq!(batch.record(9, Ok(vec![])), Flow::Continue);
    let first = batch.next_call().unwrap();
    let _second = batch.next_call().unwrap();
    assert_eq!(batch.in_flight(), 2);
    batch.record(0, Ok(answer(&first, true)));
    batch.record(0, Ok(answer(&first, false)));
    assert_eq!(batch.in_flight(), 1);
    // Call 1 is handed out but never recorded: the shell may have sent it, so its item may have
    // reached the service, and the send failed. Call 2 was never made: its item was not sent.
    let error = batch.finish().unwrap_err();
    assert_eq!(error.calls(), 2);
    assert_eq!(error.failures().len(), 1);
    assert_eq!(error.failures()[0].call, 1);
    assert_eq!(error.failures()[0].items, [1]);
    assert!(matches!(error.failures()[0].error, CallError::NotRecorded));
    let report = error.report();
    assert_eq!(report.get(0), Some(&Outcome::Accepted));
    let not_recorded = NotSentReason::CallFailed {
        call: 1,
        failure: CallFailureKind::NotRecorded,
    };
    assert!(not_recorded.may_have_reached_service());
    assert_eq!(
        report.get(1).cloned(),
        Some(Outcome::NotSent {
            reason: not_recorded
        })
    );
    assert_eq!(
        report.get(2).cloned(),
        Some(Outcome::NotSent {
            reason: NotSentReason::Unfinished
        })
    );
    assert!(!NotSentReason::Unfinished.may_have_reached_service());
}

#[test]
fn a_panicked_call_stops_the_batch_and_may_have_reached_the_service() {
    let messages: Vec<Message> = (0..4).map(|_| message("447700900000")).collect();
    let mut batch = Shell::new(messages, options(1));
    let first = batch.start_call(2).unwrap();
    let second = batch.start_call(2).unwrap();
    let panicked = CallError::Panicked {
        message: "boom in a result".into(),
    };
    assert_eq!(batch.record(first.index, Err(panicked)), Flow::Stop);
    assert_eq!(batch.start_call(2), None);
    batch.record(second.index, Ok(answer(&second, true)));
    let error = batch.finish().unwrap_err();
    assert!(!error.is_unauthorized());
    let report = error.report();
    assert_eq!(report.accepted().collect::<Vec<_>>(), [1]);
    let failed = NotSentReason::CallFailed {
        call: 0,
        failure: CallFailureKind::Panicked,
    };
    assert!(failed.may_have_reached_service());
    let stopped = NotSentReason::Stopped {
        by_call: 0,
        failure: CallFailureKind::Panicked,
    };
    assert!(!stopped.may_have_reached_service());
    assert_eq!(
        report.not_sent().collect::<Vec<_>>(),
        [(0, failed), (2, stopped), (3, stopped)]
    );
    assert_eq!(
        report.to_string(),
        "4 message(s): 1 accepted, 0 rejected, 3 not sent\n  \
         #0 not sent: call 0 failed (panicked); the service may have received it\n  \
         #1 accepted\n  \
         #2 not sent: its call was not made: call 0 panicked\n  \
         #3 not sent: its call was not made: call 0 panicked"
    );
}

#[test]
fn empty_batches() {
    let mut batch = Shell::new(Vec::new(), BatchOptions::default());
    assert_eq!(all_calls(&mut batch).len(), 0);
    let report = batch.finish().unwrap();
    assert!(report.is_empty());
    assert!(report.all_accepted());
    // Nothing valid: no call at all.
    let mut batch = Shell::new(
        vec![Message::to("").from("").body("")],
        BatchOptions::default(),
    );
    assert_eq!(all_calls(&mut batch).len(), 0);
    assert_eq!(batch.finish().unwrap().counts().rejected, 1);
}

#[test]
fn every_item_is_accounted_for_whatever_the_sizes() {
    for len in [0, 1, 2, 249, 250, 251, 499, 500, 501, 777] {
        for call_size in [1, 7, 250] {
            let messages: Vec<Message> = (0..len)
                .map(|i| {
                    if i % 13 == 5 {
                        Message::to("447700900000").from("").body("x")
                    } else {
                        message("447700900000")
                    }
                })
                .collect();
            let mut batch = Shell::new(messages, options(call_size));
            let calls = all_calls(&mut batch);
            for call in calls.iter().rev() {
                let result = if call.index % 3 == 1 {
                    Err(CallError::ResultCount {
                        sent: 0,
                        received: 0,
                    })
                } else {
                    Ok(answer(call, call.index % 2 == 0))
                };
                batch.record(call.index, result);
            }
            let report = match batch.finish() {
                Ok(report) => report,
                Err(error) => error.into_report(),
            };
            assert_eq!(report.len(), len);
            assert_eq!(report.counts().total(), len);
            let rejected_by_client = report
                .rejected()
                .filter(|(_, by, _)| *by == RejectedBy::Client)
                .count();
            assert_eq!(rejected_by_client, (0..len).filter(|i| i % 13 == 5).count());
        }
    }
}

// ---- the event-driven core: streaming, deadline, stop, per-element answers ----

/// Drains the events: `(call starts, outcomes, calls finished)`.
#[allow(clippy::type_complexity)]
fn events(
    batch: &mut Batch<SendMessages>,
) -> (
    Vec<(usize, Vec<usize>)>,
    Vec<MessageOutcome<Message>>,
    Vec<(usize, Option<CallError>)>,
) {
    let (mut starts, mut outcomes, mut finished) = (Vec::new(), Vec::new(), Vec::new());
    while let Some(event) = batch.poll_event() {
        match event {
            Event::CallStarting { call, items } => starts.push((call, items)),
            Event::Outcome(outcome) => outcomes.push(outcome),
            Event::CallFinished { call, failure, .. } => finished.push((call, failure)),
            Event::CallReleased { .. } => {}
        }
    }
    (starts, outcomes, finished)
}

fn numbered(count: usize) -> Vec<Message> {
    (0..count)
        .map(|i| message(&format!("4477009{i:05}")))
        .collect()
}

#[test]
fn items_are_taken_only_as_calls_need_them_and_handed_back_with_their_outcomes() {
    let endpoint = endpoint();
    let mut input = numbered(1_000).into_iter();
    let mut batch = Batch::<SendMessages>::new(options(10), 2);
    batch.fill(&mut input);
    // Two calls in flight, one ready, one being filled: at most 3 full calls taken, plus one item.
    assert!(batch.taken() <= 31, "{}", batch.taken());
    let now = Instant::now();
    let first = batch.poll_call(&endpoint, now).unwrap();
    let second = batch.poll_call(&endpoint, now).unwrap();
    assert_eq!(batch.poll_call(&endpoint, now), None, "two in flight");
    let (starts, outcomes, _) = events(&mut batch);
    assert_eq!(starts, [(0, (0..10).collect()), (1, (10..20).collect())]);
    assert!(outcomes.is_empty());
    let results = Ok(answer(&second, true).into_iter().map(Ok).collect());
    assert_eq!(batch.record(second.index, results, 1), Flow::Continue);
    let (_, outcomes, finished) = events(&mut batch);
    // Call 1's items, as soon as it is recorded, each with its message.
    assert_eq!(
        outcomes.iter().map(|o| o.index).collect::<Vec<_>>(),
        (10..20).collect::<Vec<_>>()
    );
    assert!(outcomes.iter().all(|o| o.outcome == Outcome::Accepted));
    assert_eq!(outcomes[3].message.to, "447700900013");
    assert_eq!(outcomes[3].call, Some(1));
    assert!(matches!(finished[..], [(1, None)]));
    batch.fill(&mut input);
    assert!(batch.taken() <= 41);
    drop(first);
}

#[test]
fn one_unreadable_element_affects_only_its_own_item() {
    // The issue's answer: the first result is fine, the second lacks `details` in a failure.
    let body = r#"[{"to":"447700900000","successful":true},
        {"to":"447700900111","successful":false,"validationFailures":[{"property":"from","failureCode":"FromEmpty"}]}]"#;
    let results = parse_each(202, JSON, body, 2).unwrap();
    assert!(results[0].as_ref().is_ok_and(|r| r.successful));
    let unreadable = results[1].as_ref().unwrap_err();
    assert!(unreadable.reason.contains("details"), "{unreadable:?}");
    assert!(unreadable.result.to_string().contains("447700900111"));

    let mut shell = Shell::new(numbered(2), options(2));
    let call = shell.next_call().unwrap();
    let result = shell.batch.record(call.index, Ok(results), 1);
    assert_eq!(result, Flow::Continue);
    shell.drain();
    let error = shell.finish().unwrap_err();
    assert!(
        error.failures().is_empty(),
        "the call as a whole did not fail"
    );
    let report = error.report();
    assert_eq!(report.accepted().collect::<Vec<_>>(), [0]);
    let (index, reason) = report.not_sent().next().unwrap();
    assert_eq!(
        (index, reason),
        (1, NotSentReason::UnreadableResult { call: 0 })
    );
    assert!(reason.may_have_reached_service());
    assert_eq!(report.safe_to_resend().count(), 0);
    // When not one element can be read, the call fails as a whole, as before.
    let error = parse_each(202, JSON, r#"[{"to":"1"},{"x":2}]"#, 2).unwrap_err();
    assert!(
        matches!(error, CallError::InvalidResponse { .. }),
        "{error:?}"
    );
}

#[test]
fn no_call_starts_at_or_after_the_deadline() {
    let endpoint = endpoint();
    let start = Instant::now();
    let mut batch = Batch::<SendMessages>::new(options(2), 1);
    batch.set_deadline(Some(start + Duration::from_secs(10)));
    assert_eq!(batch.poll_timeout(), Some(start + Duration::from_secs(10)));
    let mut input = numbered(7).into_iter();
    batch.fill(&mut input);
    let first = batch.poll_call(&endpoint, start).unwrap();
    batch.record(
        first.index,
        Ok(answer(&first, true).into_iter().map(Ok).collect()),
        1,
    );
    batch.fill(&mut input);
    // The deadline passes while nothing is in flight.
    assert_eq!(
        batch.poll_call(&endpoint, start + Duration::from_secs(10)),
        None
    );
    assert!(batch.should_stop());
    assert_eq!(batch.poll_timeout(), None);
    assert!(!batch.wants_items(), "nothing more is taken");
    let (starts, outcomes, _) = events(&mut batch);
    assert_eq!(starts.len(), 1);
    let taken = batch.taken();
    assert_eq!(outcomes.len(), taken);
    for outcome in &outcomes[2..] {
        assert_eq!(
            outcome.outcome,
            Outcome::NotSent {
                reason: NotSentReason::DeadlinePassed
            }
        );
        assert!(outcome.is_safe_to_resend());
    }
    assert!(batch.is_done());
    // Items pushed afterwards get their outcome at once.
    for message in input {
        batch.push(message);
    }
    let (_, outcomes, _) = events(&mut batch);
    assert_eq!(outcomes.len(), 7 - taken);
}

#[test]
fn a_stop_lets_calls_in_flight_finish_and_sends_nothing_more() {
    let endpoint = endpoint();
    let now = Instant::now();
    let mut batch = Batch::<SendMessages>::new(options(2), 2);
    batch.fill(&mut numbered(20).into_iter());
    let first = batch.poll_call(&endpoint, now).unwrap();
    let second = batch.poll_call(&endpoint, now).unwrap();
    batch.stop();
    assert_eq!(batch.poll_call(&endpoint, now), None);
    assert!(!batch.is_done(), "two calls in flight");
    // One is handed back unsent (its request was never written); the other is answered.
    batch.release(second);
    batch.record(
        first.index,
        Ok(answer(&first, true).into_iter().map(Ok).collect()),
        1,
    );
    assert!(batch.is_done() || batch.poll_event().is_some());
    let mut collector = Collector::new();
    while let Some(event) = batch.poll_event() {
        collector.add(event);
    }
    assert!(batch.is_done());
    let error = collector.finish().unwrap_err();
    let report = error.report();
    assert_eq!(report.accepted().collect::<Vec<_>>(), [0, 1]);
    assert!(
        report
            .not_sent()
            .all(|(_, reason)| reason == NotSentReason::StopRequested)
    );
    assert_eq!(report.safe_to_resend().count(), report.len() - 2);
    assert_eq!(
        report
            .safe_to_resend()
            .next()
            .map(|(i, m)| (i, m.to.as_str())),
        Some((2, "447700900002"))
    );
}

#[test]
fn finishing_with_calls_in_flight_says_they_may_have_reached_the_service() {
    let endpoint = endpoint();
    let mut batch = Batch::<SendMessages>::new(options(3), 4);
    batch.fill(&mut numbered(4).into_iter());
    let call = batch.poll_call(&endpoint, Instant::now()).unwrap();
    batch.finish();
    let (_, mut outcomes, finished) = events(&mut batch);
    outcomes.sort_by_key(|outcome| outcome.index);
    assert_eq!(outcomes.len(), 4);
    let reason = NotSentReason::CallFailed {
        call: call.index,
        failure: CallFailureKind::NotRecorded,
    };
    assert!(
        outcomes[..3]
            .iter()
            .all(|o| o.outcome == Outcome::NotSent { reason })
    );
    assert!(!outcomes[0].is_safe_to_resend());
    assert_eq!(
        outcomes[3].outcome,
        Outcome::NotSent {
            reason: NotSentReason::Unfinished
        }
    );
    assert!(matches!(finished[..], [(0, Some(CallError::NotRecorded))]));
}

/// What the model test does at each step.
#[derive(Debug, Clone)]
enum Step {
    /// Answer the in-flight call at this position (mod the number in flight) so.
    Answer(usize, Answer),
    Stop,
    /// Move the clock on by this many seconds.
    Wait(u64),
    /// Finish the batch now (the shell goes away).
    Finish,
    /// Hand the in-flight call at this position back unsent.
    Release(usize),
    /// Build the next call's request ahead (`prepare`).
    Prepare,
}

#[derive(Debug, Clone, Copy)]
enum Answer {
    /// Each item accepted or rejected by the bit of its position; one unreadable if set.
    Results {
        pattern: u8,
        unreadable: Option<usize>,
    },
    Fails(CallFailureKind),
}

fn step() -> impl Strategy<Value = Step> {
    let failure = prop_oneof![
        Just(CallFailureKind::Unauthorized),
        Just(CallFailureKind::Timeout),
        Just(CallFailureKind::Status {
            status: 503,
            retry_after_secs: None,
        }),
        Just(CallFailureKind::BadRequest),
        Just(CallFailureKind::Connect),
    ];
    let answer = prop_oneof![
        4 => (any::<u8>(), proptest::option::of(0usize..8))
            .prop_map(|(pattern, unreadable)| Answer::Results { pattern, unreadable }),
        1 => failure.prop_map(Answer::Fails),
    ];
    prop_oneof![
        8 => (any::<usize>(), answer).prop_map(|(at, answer)| Step::Answer(at, answer)),
        1 => Just(Step::Stop),
        1 => (1u64..5).prop_map(Step::Wait),
        1 => Just(Step::Finish),
        1 => any::<usize>().prop_map(Step::Release),
        1 => Just(Step::Prepare),
    ]
}

fn failure_of(kind: CallFailureKind) -> CallError {
    match kind {
        CallFailureKind::Unauthorized => CallError::Unauthorized {
            status: 401,
            message: Excerpt::with_limit(b"no", 10),
        },
        CallFailureKind::Timeout => CallError::NotRecorded,
        CallFailureKind::Status {
            status,
            retry_after_secs,
        } => CallError::Status {
            status,
            content_type: None,
            body: Excerpt::with_limit(b"down", 10),
            retry_after: retry_after_secs.map(std::time::Duration::from_secs),
        },
        CallFailureKind::BadRequest => CallError::BadRequest {
            failures: vec![crate::ValidationFailure {
                property: Some("message[0].body".into()),
                failure_code: FailureCode::from("InvalidJson"),
                details: "bad".into(),
            }],
        },
        _ => CallError::Request {
            reason: "not sent".into(),
        },
    }
}

/// A lent call goes out before the outcomes of the call before it are taken: its
/// `CallStarting` comes first, then the earlier call's outcomes and `CallFinished`.
#[test]
fn a_new_call_is_announced_before_the_outcomes_of_the_last_one() {
    let endpoint = endpoint();
    let mut messages = (0..4)
        .map(|i| {
            Message::to(format!("4477009{i:05}"))
                .from("Example")
                .body("Hello")
        })
        .collect::<Vec<_>>()
        .into_iter();
    let mut batch = Batch::<SendMessages>::new(options(2), 1);
    batch.fill(&mut messages);
    let mut first = batch.poll_lent_call(&endpoint, Instant::now()).unwrap();
    assert!(matches!(
        batch.poll_event(),
        Some(Event::CallStarting { call: 0, .. })
    ));
    assert!(first.request(&endpoint).is_ok());
    let results = vec![
        Ok(MessageResult::to("x").successful(true)),
        Ok(MessageResult::to("x").successful(true)),
    ];
    batch.record_settled(first.settle(Ok(results), 1));
    // The next call, lent before the first one's outcomes are taken, is announced first.
    let second = batch.poll_lent_call(&endpoint, Instant::now()).unwrap();
    assert_eq!(second.index(), 1);
    let events: Vec<String> = std::iter::from_fn(|| batch.poll_event())
        .map(|event| match event {
            Event::CallStarting { call, .. } => format!("starting {call}"),
            Event::Outcome(outcome) => format!("outcome {}", outcome.index),
            Event::CallFinished { call, .. } => format!("finished {call}"),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        events,
        ["starting 1", "outcome 0", "outcome 1", "finished 0"]
    );
}

/// A call handed out to the model's shell: held by the batch, or lent with its items.
enum ShellCall {
    Held(Call),
    Lent(crate::protocol::LentCall<SendMessages>),
}

impl ShellCall {
    fn index(&self) -> usize {
        match self {
            ShellCall::Held(call) => call.index,
            ShellCall::Lent(call) => call.index(),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// The core against a model: random items, call sizes, limits, answers (accepted,
    /// rejected, unreadable elements, failed calls), stops, deadlines and early finishes,
    /// with a fake clock. Every item gets exactly one outcome, with its own message; nothing
    /// is accepted without a result that accepts it; nothing that may have reached the
    /// service is offered for resending; no call starts after the deadline or a stop; memory
    /// stays bounded. Calls are held by the batch or lent to the shell (`lend`: by call
    /// number), settled by the shell, as the async client does.
    #[test]
    fn every_item_gets_exactly_one_outcome(
        valid in proptest::collection::vec(proptest::bool::weighted(0.85), 0..60),
        lend in proptest::num::u32::ANY,
        call_size in 1usize..6,
        limit in 1usize..4,
        deadline in proptest::option::of(1u64..20),
        steps in proptest::collection::vec(step(), 0..40),
        bulk in proptest::num::u32::ANY,
        in_place in proptest::bool::ANY,
    ) {
        let endpoint = endpoint();
        let messages: Vec<Message> = valid
            .iter()
            .enumerate()
            .map(|(i, valid)| {
                let from = if *valid { "Example" } else { "" };
                Message::to(format!("4477009{i:05}")).from(from).body("Hello")
            })
            .collect();
        let total = messages.len();
        let mut input = messages.into_iter();
        let start = Instant::now();
        let mut now = start;
        let deadline = deadline.map(|secs| start + Duration::from_secs(secs));
        let mut batch = Batch::<SendMessages>::new(options(call_size), limit);
        batch.set_deadline(deadline);
        let mut in_flight: Vec<ShellCall> = Vec::new();
        let mut outcomes: Vec<Option<MessageOutcome<Message>>> = (0..total).map(|_| None).collect();
        // Per item: the call that carried it, and what its answer said for it (None: it
        // may have reached the service without a readable result).
        let mut carried: Vec<Option<(usize, Option<bool>)>> = vec![None; total];
        let mut stopped = false;
        let mut announced = std::collections::BTreeSet::new();
        let mut in_flight_items = std::collections::BTreeSet::new();
        let mut steps = steps.into_iter();
        let mut given = 0;
        // What `send` makes of the same outcomes, taken one by one or (`bulk`) a settled
        // call's at once; `in_place`: keeping the input, lending the batch its items.
        let mut collector = Collector::new();
        if in_place && let Ok(keeping) = Collector::in_place(input.by_ref()) {
            collector = keeping;
        }
        // The accepted items whose results also list failures (every third position).
        let mut noted_expected = std::collections::BTreeSet::new();
        loop {
            if collector.is_in_place() {
                batch.fill(&mut std::iter::from_fn(|| collector.lend()));
            } else {
                batch.fill(&mut input);
            }
            loop {
                let call = if lend & (1 << (batch.calls() % 32)) != 0 {
                    batch.poll_lent_call(&endpoint, now).map(ShellCall::Lent)
                } else {
                    batch.poll_call(&endpoint, now).map(ShellCall::Held)
                };
                let Some(call) = call else { break };
                prop_assert!(!stopped, "a call started after a stop");
                prop_assert!(deadline.is_none_or(|d| now < d), "a call started after the deadline");
                in_flight.push(call);
            }
            prop_assert!(in_flight.len() <= limit);
            loop {
                if bulk & (1 << (given % 32)) != 0
                    && let Some(settled) = batch.poll_call_outcomes()
                {
                    let noted: Vec<usize> = settled.noted.iter().map(|(index, _)| *index).collect();
                    for ((index, message), outcome) in settled.items.as_slice().iter().zip(settled.outcomes.as_slice()) {
                        let index = *index;
                        prop_assert_eq!(&message.to, &format!("4477009{index:05}"));
                        prop_assert!(outcomes[index].is_none(), "two outcomes for {}", index);
                        prop_assert!(carried[index].is_some(), "{} settled without a call", index);
                        let mut outcome = MessageOutcome::new(index, message.clone(), outcome.clone(), None);
                        outcome.unreadable_result = settled
                            .unreadable
                            .iter()
                            .find(|(at, _)| *at == index)
                            .map(|(_, result)| result.clone());
                        let unreadable_reason = matches!(outcome.outcome, Outcome::NotSent { reason: NotSentReason::UnreadableResult { .. } });
                        prop_assert_eq!(outcome.unreadable_result.is_some(), unreadable_reason);
                        prop_assert_eq!(noted.contains(&index), noted_expected.contains(&index), "noted for {}", index);
                        in_flight_items.remove(&index);
                        given += 1;
                        outcomes[index] = Some(outcome);
                    }
                    collector.add_call(settled);
                    continue;
                }
                let Some(event) = batch.poll_event() else { break };
                if let Event::Outcome(outcome) = &event {
                    collector.add_outcome(outcome.clone());
                }
                match event {
                    Event::CallStarting { call, items } => {
                        prop_assert!(announced.insert(call), "call {} announced twice", call);
                        for index in items {
                            prop_assert!(!in_flight_items.contains(&index), "{} in two calls", index);
                            in_flight_items.insert(index);
                            carried[index] = Some((call, None));
                        }
                    }
                    Event::CallReleased { call, items } => {
                        prop_assert!(announced.contains(&call));
                        for index in items {
                            prop_assert!(in_flight_items.remove(&index));
                            carried[index] = None;
                        }
                    }
                    Event::Outcome(outcome) => {
                        let index = outcome.index;
                        prop_assert_eq!(&outcome.message.to, &format!("4477009{index:05}"));
                        prop_assert!(outcomes[index].is_none(), "two outcomes for {}", index);
                        if let Some(call) = outcome.call {
                            // A call's outcomes come after its `CallStarting` (a call that
                            // could not be built has none: the model never builds one so).
                            prop_assert!(announced.contains(&call), "outcome of {} before call {} started", index, call);
                            prop_assert_eq!(carried[index].map(|(c, _)| c), Some(call));
                        }
                        // An unreadable result's detail lands on its own item.
                        let unreadable_reason = matches!(outcome.outcome, Outcome::NotSent { reason: NotSentReason::UnreadableResult { .. } });
                        prop_assert_eq!(outcome.unreadable_result.is_some(), unreadable_reason);
                        prop_assert_eq!(!outcome.accepted_with_failures.is_empty(), noted_expected.contains(&index), "noted for {}", index);
                        in_flight_items.remove(&index);
                        given += 1;
                        outcomes[index] = Some(outcome);
                    }
                    _ => {}
                }
            }
            // In flight, one call ready, one being filled.
            prop_assert!(
                batch.taken() - given <= (limit + 1) * call_size,
                "holds {} items", batch.taken() - given
            );
            if batch.is_done() {
                break;
            }
            match steps.next() {
                Some(Step::Answer(at, answer)) if !in_flight.is_empty() => {
                    let call = in_flight.remove(at % in_flight.len());
                    let items = batch.call_items(call.index());
                    let result = match answer {
                        Answer::Results { pattern, unreadable } => {
                            let results = items
                                .iter()
                                .enumerate()
                                .map(|(position, &index)| {
                                    if unreadable == Some(position) {
                                        carried[index] = Some((call.index(), None));
                                        return Err(UnreadableResult {
                                            reason: "x".into(),
                                            result: Excerpt::with_limit(b"{}", 10),
                                        });
                                    }
                                    let accepted = pattern & (1 << (position % 8)) != 0;
                                    carried[index] = Some((call.index(), Some(accepted)));
                                    let result = MessageResult::to("x").successful(accepted);
                                    if accepted && position % 3 == 0 {
                                        noted_expected.insert(index);
                                        let noted = crate::ValidationFailure::failure_code("Noted").details("noted");
                                        return Ok(result.with_validation_failures(vec![noted]));
                                    }
                                    Ok(result)
                                })
                                .collect();
                            Ok(results)
                        }
                        Answer::Fails(kind) => Err(failure_of(kind)),
                    };
                    match call {
                        ShellCall::Held(call) => batch.record(call.index, result, 1),
                        ShellCall::Lent(call) => batch.record_settled(call.settle(result, 1)),
                    };
                }
                Some(Step::Answer(..)) => {}
                Some(Step::Stop) => {
                    batch.stop();
                    stopped = true;
                }
                Some(Step::Wait(secs)) => {
                    now += Duration::from_secs(secs);
                    batch.handle_timeout(now);
                }
                Some(Step::Release(at)) if !in_flight.is_empty() => {
                    match in_flight.remove(at % in_flight.len()) {
                        ShellCall::Held(call) => batch.release(call),
                        ShellCall::Lent(call) => batch.release_lent(call),
                    }
                }
                Some(Step::Release(_)) => {}
                Some(Step::Prepare) => {
                    batch.prepare(&endpoint);
                }
                Some(Step::Finish) | None => {
                    batch.finish();
                    // The shell settles the calls it holds.
                    for call in in_flight.drain(..) {
                        if let ShellCall::Lent(call) = call {
                            batch.record_settled(call.settle(Err(CallError::NotRecorded), 1));
                        }
                    }
                }
            }
        }
        // A shell that accounts for its whole input pushes the rest.
        for message in input {
            batch.push(message);
        }
        while let Some(message) = collector.lend() {
            batch.push(message);
        }
        while let Some(event) = batch.poll_event() {
            if let Event::Outcome(outcome) = event {
                let index = outcome.index;
                prop_assert!(outcomes[index].is_none());
                collector.add_outcome(outcome.clone());
                outcomes[index] = Some(outcome);
            }
        }
        // The collector put every outcome in its input position, whatever order they came in.
        let report = match collector.finish() {
            Ok(report) => report,
            Err(error) => error.into_report(),
        };
        prop_assert_eq!(report.messages().len(), total);
        for (index, outcome) in outcomes.iter().enumerate() {
            let outcome = outcome.as_ref().expect("every item has an outcome");
            prop_assert_eq!(&report.messages()[index].to, &outcome.message.to);
            prop_assert_eq!(&report.outcomes()[index], &outcome.outcome);
        }
        prop_assert_eq!(report.unreadable_results().count(), outcomes.iter().flatten().filter(|o| o.unreadable_result.is_some()).count());
        // What was noted with an accepted item stays with it, however it was collected.
        let noted_at: std::collections::BTreeSet<usize> = report.accepted_with_failures().map(|(at, _)| at).collect();
        prop_assert_eq!(noted_at, noted_expected.clone());
        for (index, outcome) in outcomes.iter().enumerate() {
            let outcome = outcome.as_ref().expect("every item has an outcome");
            if !valid[index] {
                let rejected_by_client = matches!(outcome.outcome, Outcome::Rejected { by: RejectedBy::Client, .. });
                prop_assert!(rejected_by_client);
                continue;
            }
            match (&outcome.outcome, carried[index]) {
                (Outcome::Accepted, Some((_, Some(true)))) => {}
                (Outcome::Accepted, other) => prop_assert!(false, "{} accepted without a result: {:?}", index, other),
                (Outcome::Rejected { by: RejectedBy::Service, .. }, Some(_)) => {}
                (Outcome::NotSent { reason }, carried) => {
                    if carried.is_some_and(|(_, said)| said.is_none()) && outcome.is_safe_to_resend() {
                        // Only a call refused as a whole, or handed back, may be resent.
                        let never_reached = matches!(
                            reason,
                            NotSentReason::CallFailed { failure, .. } if !failure.may_have_reached_service()
                        ) || matches!(reason, NotSentReason::Stopped { .. });
                        prop_assert!(never_reached, "{} offered for resending: {:?}", index, reason);
                    }
                    if carried.is_none() {
                        prop_assert!(outcome.is_safe_to_resend(), "{} never sent: {:?}", index, reason);
                    }
                }
                (other, carried) => prop_assert!(false, "{}: {:?} {:?}", index, other, carried),
            }
        }
    }
}
