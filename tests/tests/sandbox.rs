//! The sandbox server end to end: real sockets, a raw `reqwest` client or a bare `TcpStream`.

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use dynmark_api::sandbox::{Fault, Sandbox};
use dynmark_api::{MessageResult, validation::Validate};

/// `base64("user:pass")`, for requests written by hand to a sandbox with those credentials.
const USER_PASS_BASE64: &str = "dXNlcjpwYXNz";

/// A safety net for raw reads, so a broken sandbox fails a test instead of hanging it.
const READ_TIMEOUT: Duration = Duration::from_secs(60);

fn message(to: &str, from: &str) -> String {
    format!(r#"{{"to":"{to}","from":"{from}","body":"Hello, this is a test message"}}"#)
}

fn valid_batch() -> String {
    format!("[{}]", message("447700900000", "Example"))
}

/// Sends `body` to the sandbox with the default credentials, from blocking code.
fn post(sandbox: &Sandbox, body: &str) -> reqwest::blocking::Response {
    post_as(sandbox, (Sandbox::USERNAME, Sandbox::PASSWORD), body)
}

fn post_as(
    sandbox: &Sandbox,
    (user, password): (&str, &str),
    body: &str,
) -> reqwest::blocking::Response {
    reqwest::blocking::Client::new()
        .post(sandbox.send_url())
        .basic_auth(user, Some(password))
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .expect("the sandbox answers")
}

fn content_type(response: &reqwest::blocking::Response) -> String {
    response
        .headers()
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// Posts `body` and returns the `400` answer's JSON, checking its status and content type.
fn bad_request(sandbox: &Sandbox, body: &str) -> serde_json::Value {
    let response = post(sandbox, body);
    assert_eq!(response.status(), 400);
    assert!(content_type(&response).starts_with("application/json"));
    serde_json::from_slice(&response.bytes().expect("a body")).expect("a JSON array of failures")
}

/// A sandbox accepting `user` / `pass`, and a connection to it.
fn raw_sandbox() -> (Sandbox, TcpStream) {
    let sandbox = Sandbox::builder()
        .credentials("user", "pass")
        .start()
        .expect("the sandbox starts");
    let stream = TcpStream::connect(sandbox.addr()).expect("the sandbox listens");
    stream
        .set_read_timeout(Some(READ_TIMEOUT))
        .expect("a read timeout");
    (sandbox, stream)
}

fn raw_send(stream: &mut TcpStream, body: &str) {
    let request = format!(
        "POST /webapi/message/send HTTP/1.1\r\nHost: sandbox\r\nAuthorization: Basic \
         {USER_PASS_BASE64}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream
        .write_all(request.as_bytes())
        .expect("the request is sent");
}

/// Reads one response: its head (status line and headers) and its `Content-Length` body.
fn raw_response(reader: &mut BufReader<&TcpStream>) -> (String, Vec<u8>) {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).expect("a response line");
        assert!(!line.is_empty(), "the connection closed inside the head");
        if line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    let mut body = vec![0; content_length(&head)];
    reader.read_exact(&mut body).expect("the whole body");
    (head, body)
}

fn content_length(head: &str) -> usize {
    head.lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .expect("a Content-Length header")
}

/// Everything the peer sends until it closes the connection. A reset after the request was read
/// also counts as closed.
fn read_until_closed(stream: &mut TcpStream) -> Vec<u8> {
    let mut received = Vec::new();
    match stream.read_to_end(&mut received) {
        Ok(_) => {}
        Err(error) if error.kind() == ErrorKind::ConnectionReset => {}
        Err(error) => panic!("the connection did not close: {error}"),
    }
    received
}

#[test]
fn accepts_valid_messages_and_reports_invalid_ones_in_order() {
    let sandbox = Sandbox::start().expect("the sandbox starts");
    let body = format!(
        "[{},{},{}]",
        message("447700900000", "Example"),
        message("447700900111", ""),
        message("447700900222", "Example"),
    );
    let response = post(&sandbox, &body);
    assert_eq!(response.status(), 202);
    assert!(content_type(&response).starts_with("application/json"));
    let results: Vec<MessageResult> =
        serde_json::from_slice(&response.bytes().expect("a body")).expect("MessageResult array");

    let sent: Vec<dynmark_api::Message> = serde_json::from_str(&body).expect("valid JSON");
    let failures = sent[1].validate().expect_err("an empty `from` is refused");
    let expected = vec![
        MessageResult::to("447700900000").successful(true),
        MessageResult::to("447700900111")
            .successful(false)
            .with_validation_failures(failures.into_failures()),
        MessageResult::to("447700900222").successful(true),
    ];
    assert_eq!(results, expected);
    assert_eq!(sandbox.accepted(), vec![sent[0].clone(), sent[2].clone()]);

    let calls = sandbox.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!((calls[0].messages, calls[0].status), (3, 202));
    assert_eq!(calls[0].fault, None);
}

#[tokio::test]
async fn serves_async_clients_on_a_case_insensitive_path() {
    let sandbox = Sandbox::start().expect("the sandbox starts");
    let response = reqwest::Client::new()
        .post(format!("{}/WebApi/Message/Send", sandbox.base_url()))
        .basic_auth(Sandbox::USERNAME, Some(Sandbox::PASSWORD))
        .header("content-type", "application/json")
        .body(valid_batch())
        .send()
        .await
        .expect("the sandbox answers");
    assert_eq!(response.status(), 202);
    assert_eq!(
        response.text().await.expect("a body"),
        r#"[{"to":"447700900000","successful":true}]"#
    );
    assert_eq!(sandbox.accepted().len(), 1);
}

#[test]
fn refuses_missing_or_wrong_credentials_with_the_pages_401() {
    let sandbox = Sandbox::builder()
        .credentials("someone", "secret")
        .start()
        .expect("the sandbox starts");
    let client = reqwest::blocking::Client::new();
    let attempts = [
        client.post(sandbox.send_url()),
        client
            .post(sandbox.send_url())
            .basic_auth(Sandbox::USERNAME, Some(Sandbox::PASSWORD)),
        client
            .post(sandbox.send_url())
            .basic_auth("someone", Some("Secret")),
        client
            .post(sandbox.send_url())
            .header("authorization", "Bearer secret"),
    ];
    for attempt in attempts {
        let response = attempt
            .header("content-type", "application/json")
            .body(valid_batch())
            .send()
            .expect("the sandbox answers");
        assert_eq!(response.status(), 401);
        assert_eq!(content_type(&response), "text/plain");
        assert_eq!(
            response.text().expect("a body"),
            "No authorization header supplied or invalid username or password"
        );
    }
    let accepted = client
        .post(sandbox.send_url())
        .basic_auth("someone", Some("secret"))
        .header("content-type", "application/json")
        .body(valid_batch())
        .send()
        .expect("the sandbox answers");
    assert_eq!(accepted.status(), 202);
    let statuses: Vec<u16> = sandbox.calls().iter().map(|call| call.status).collect();
    assert_eq!(statuses, [401, 401, 401, 401, 202]);
    assert_eq!(sandbox.accepted().len(), 1);
}

#[test]
fn other_paths_and_methods_are_refused_in_plain_text() {
    let sandbox = Sandbox::start().expect("the sandbox starts");
    let client = reqwest::blocking::Client::new();

    let not_found = client
        .post(format!("{}/webapi/message/sent", sandbox.base_url()))
        .send()
        .expect("the sandbox answers");
    assert_eq!(not_found.status(), 404);
    assert_eq!(content_type(&not_found), "text/plain");

    let not_allowed = client
        .get(sandbox.send_url())
        .send()
        .expect("the sandbox answers");
    assert_eq!(not_allowed.status(), 405);
    assert_eq!(
        not_allowed
            .headers()
            .get("allow")
            .and_then(|v| v.to_str().ok()),
        Some("POST")
    );
    // Only the send path is recorded.
    let statuses: Vec<u16> = sandbox.calls().iter().map(|call| call.status).collect();
    assert_eq!(statuses, [405]);
}

#[test]
fn malformed_json_is_a_400_in_the_pages_style() {
    let sandbox = Sandbox::start().expect("the sandbox starts");

    // The page's 400 example: an unknown member `toa` in each message, then a missing comma.
    let toa = "[\n  {\n    \"toa\": \"447700900000\",\n    \"from\": \"Example\",\n    \"body\": \"Hello\"\n  },\n  {\n    \"toa\": \"447700900111\",\n    \"from\": \"Example\",\n    \"body\": \"Hello\"\n  }\n]";
    insta::assert_json_snapshot!("unknown_member", bad_request(&sandbox, toa));

    let missing_comma = "[\n  {\n    \"from\": \"Test\",\n    \"to\": \"447979080215\",\n    \"body\": \"Hello, this is a test message\"\n    \"deliverAfter\": \"2015-10-05T12:57:00.543Z\",\n    \"clientRef\": \"124546\"\n  }\n]";
    insta::assert_json_snapshot!("missing_comma", bad_request(&sandbox, missing_comma));

    // The page's curl example: a single object instead of an array.
    let single = "{\n    \"from\": \"Test\",\n    \"to\": \"447979080215\",\n    \"body\": \"Hello, this is a test message\"\n}";
    insta::assert_json_snapshot!("single_object", bad_request(&sandbox, single));

    insta::assert_json_snapshot!("empty_array", bad_request(&sandbox, "[]"));
    insta::assert_json_snapshot!(
        "not_json",
        bad_request(&sandbox, "from=Test&to=447979080215")
    );
    insta::assert_json_snapshot!(
        "wrong_types",
        bad_request(
            &sandbox,
            r#"[{"to":447979080215,"from":"Test","body":"Hi"},{"to":"4479","body":"Hi"}]"#
        )
    );

    let statuses: Vec<u16> = sandbox.calls().iter().map(|call| call.status).collect();
    assert_eq!(statuses, [400; 6]);
    assert!(sandbox.accepted().is_empty());
}

#[test]
fn bodies_over_the_limit_are_refused() {
    let sandbox = Sandbox::builder()
        .max_body_bytes(64)
        .start()
        .expect("the sandbox starts");
    let body = format!(
        "[{}]",
        vec![message("447700900000", "Example"); 4].join(",")
    );
    assert!(body.len() > 64);
    sandbox.inject(Fault::Respond {
        status: 503,
        content_type: String::new(),
        body: Vec::new(),
    });
    let response = post(&sandbox, &body);
    // The spec documents no 413: a body the service cannot read is its 400 of InvalidJson.
    assert_eq!(response.status(), 400);
    let failures: serde_json::Value =
        serde_json::from_str(&response.text().expect("a body")).expect("JSON");
    assert_eq!(failures[0]["failureCode"], "InvalidJson", "{failures}");
    assert_eq!(sandbox.calls()[0].status, 400);
    assert!(sandbox.accepted().is_empty());
    // A request the sandbox could not read leaves the fault for the next one.
    assert_eq!(sandbox.pending_faults(), 1);
    assert_eq!(post(&sandbox, "[]").status(), 503);
}

#[test]
fn keeps_the_connection_alive_between_requests() {
    let (sandbox, mut stream) = raw_sandbox();
    raw_send(&mut stream, &valid_batch());
    raw_send(
        &mut stream,
        &format!("[{}]", message("447700900111", "Example")),
    );
    let mut reader = BufReader::new(&stream);
    let (first_head, first) = raw_response(&mut reader);
    let (second_head, second) = raw_response(&mut reader);
    assert!(first_head.starts_with("HTTP/1.1 202"), "{first_head}");
    assert!(second_head.starts_with("HTTP/1.1 202"), "{second_head}");
    assert_eq!(first, br#"[{"to":"447700900000","successful":true}]"#);
    assert_eq!(second, br#"[{"to":"447700900111","successful":true}]"#);
    let to: Vec<String> = sandbox.accepted().into_iter().map(|m| m.to).collect();
    assert_eq!(to, ["447700900000", "447700900111"]);
}

#[test]
fn a_respond_fault_answers_exactly_once_then_the_sandbox_is_normal_again() {
    let sandbox = Sandbox::start().expect("the sandbox starts");
    let fault = Fault::Respond {
        status: 503,
        content_type: "text/html".to_owned(),
        body: b"<h1>Service Unavailable</h1>".to_vec(),
    };
    sandbox.inject(fault.clone());
    assert_eq!(sandbox.pending_faults(), 1);

    let faulty = post(&sandbox, &valid_batch());
    assert_eq!(faulty.status(), 503);
    assert_eq!(content_type(&faulty), "text/html");
    assert_eq!(
        faulty.bytes().expect("a body").as_ref(),
        b"<h1>Service Unavailable</h1>"
    );
    assert_eq!(sandbox.pending_faults(), 0);

    assert_eq!(post(&sandbox, &valid_batch()).status(), 202);
    let calls = sandbox.calls();
    assert_eq!(
        calls
            .iter()
            .map(|c| (c.messages, c.status))
            .collect::<Vec<_>>(),
        [(1, 503), (1, 202)]
    );
    assert_eq!(calls[0].fault, Some(fault));
    assert_eq!(calls[1].fault, None);
    // The faulty call processed nothing.
    assert_eq!(sandbox.accepted().len(), 1);
}

#[test]
fn a_respond_fault_can_imitate_the_pages_credentials_failure() {
    let sandbox = Sandbox::start().expect("the sandbox starts");
    let body = br#"[{"failureDescription":"Unable to logon with credentials given"}]"#;
    sandbox.inject(Fault::Respond {
        status: 202,
        content_type: "application/json".to_owned(),
        body: body.to_vec(),
    });
    let response = post(&sandbox, &valid_batch());
    assert_eq!(response.status(), 202);
    assert_eq!(response.bytes().expect("a body").as_ref(), body);
}

#[test]
fn a_delay_fault_records_the_call_then_answers_normally() {
    let (sandbox, mut stream) = raw_sandbox();
    let delay = Duration::from_millis(200);
    sandbox.inject(Fault::Delay(delay));
    raw_send(&mut stream, &valid_batch());
    // Wait (without a deadline) until the request has taken the fault: the call is recorded by
    // then, before its answer is sent.
    while sandbox.pending_faults() > 0 {
        std::thread::sleep(Duration::from_millis(5));
    }
    let calls = sandbox.calls();
    assert_eq!(
        (calls[0].messages, calls[0].status, calls[0].fault.clone()),
        (1, 202, Some(Fault::Delay(delay)))
    );
    assert_eq!(sandbox.accepted().len(), 1);
    // Then the answer comes, as without the fault.
    let (head, body) = raw_response(&mut BufReader::new(&stream));
    assert!(head.starts_with("HTTP/1.1 202"), "{head}");
    assert_eq!(body, br#"[{"to":"447700900000","successful":true}]"#);
    assert_eq!(sandbox.calls().len(), 1);
}

#[test]
fn a_delayed_call_is_recorded_even_if_the_client_goes_away() {
    let (sandbox, mut stream) = raw_sandbox();
    sandbox.inject(Fault::Delay(Duration::from_secs(3600)));
    raw_send(&mut stream, &valid_batch());
    while sandbox.pending_faults() > 0 {
        std::thread::sleep(Duration::from_millis(5));
    }
    // The client gives up (a timeout) long before the answer: the messages were received and
    // processed all the same.
    drop(stream);
    let calls = sandbox.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!((calls[0].messages, calls[0].status), (1, 202), "{calls:?}");
    let to: Vec<String> = sandbox.accepted().into_iter().map(|m| m.to).collect();
    assert_eq!(to, ["447700900000"]);
    // Stopping the sandbox does not wait for the hour.
    drop(sandbox);
}

#[test]
fn basic_credentials_split_at_the_first_colon() {
    // A password may contain ':'.
    let sandbox = Sandbox::builder()
        .credentials("ann", "x:pw")
        .start()
        .expect("the sandbox starts");
    assert_eq!(
        post_as(&sandbox, ("ann", "x:pw"), &valid_batch()).status(),
        202
    );
    assert_eq!(
        post_as(&sandbox, ("ann", "x"), &valid_batch()).status(),
        401
    );
    assert_eq!(
        post_as(&sandbox, ("ann", "x:pw:"), &valid_batch()).status(),
        401
    );
    // A user name cannot: the sandbox refuses to start with one.
    let error = Sandbox::builder()
        .credentials("ann:x", "pw")
        .start()
        .expect_err("refused");
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
    assert!(!error.to_string().contains("pw"), "{error}");
}

#[test]
fn a_delayed_request_does_not_hold_up_other_connections() {
    let (sandbox, mut delayed) = raw_sandbox();
    sandbox.inject(Fault::Delay(Duration::from_secs(3600)));
    raw_send(&mut delayed, &valid_batch());
    // Wait (without a deadline) until the first request has taken the fault.
    while sandbox.pending_faults() > 0 {
        std::thread::sleep(Duration::from_millis(5));
    }

    let mut other = TcpStream::connect(sandbox.addr()).expect("the sandbox listens");
    other
        .set_read_timeout(Some(READ_TIMEOUT))
        .expect("a read timeout");
    raw_send(
        &mut other,
        &format!("[{}]", message("447700900111", "Example")),
    );
    let (head, body) = raw_response(&mut BufReader::new(&other));
    assert!(head.starts_with("HTTP/1.1 202"), "{head}");
    assert_eq!(body, br#"[{"to":"447700900111","successful":true}]"#);

    // The delayed request is still waiting for its answer.
    delayed.set_nonblocking(true).expect("non-blocking");
    let mut byte = [0; 1];
    let pending = delayed.read(&mut byte);
    assert_eq!(
        pending.map_err(|error| error.kind()),
        Err(ErrorKind::WouldBlock)
    );
    // Both were received and processed: the delayed one was recorded before its delay.
    let to: Vec<String> = sandbox.accepted().into_iter().map(|m| m.to).collect();
    assert_eq!(to, ["447700900000", "447700900111"]);

    // Stopping the sandbox closes the waiting connection without an answer.
    drop(sandbox);
    delayed.set_nonblocking(false).expect("blocking");
    assert_eq!(read_until_closed(&mut delayed), b"");
}

#[test]
fn a_drop_connection_fault_closes_without_a_byte() {
    let (sandbox, mut stream) = raw_sandbox();
    sandbox.inject(Fault::DropConnection);
    raw_send(&mut stream, &valid_batch());
    assert_eq!(read_until_closed(&mut stream), b"");

    let calls = sandbox.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(
        (calls[0].messages, calls[0].status, calls[0].fault.clone()),
        (1, 0, Some(Fault::DropConnection))
    );
    assert!(sandbox.accepted().is_empty());

    // The next request, on a new connection, is answered.
    assert_eq!(
        post_as(&sandbox, ("user", "pass"), &valid_batch()).status(),
        202
    );
}

#[test]
fn a_drop_connection_fault_is_a_transport_error_for_a_client() {
    let sandbox = Sandbox::start().expect("the sandbox starts");
    sandbox.inject(Fault::DropConnection);
    let error = reqwest::blocking::Client::new()
        .post(sandbox.send_url())
        .basic_auth(Sandbox::USERNAME, Some(Sandbox::PASSWORD))
        .header("content-type", "application/json")
        .body(valid_batch())
        .send()
        .expect_err("no answer");
    assert!(!error.is_status(), "{error:?}");
}

#[test]
fn a_truncated_body_fault_announces_more_than_it_sends() {
    let (sandbox, mut stream) = raw_sandbox();
    sandbox.inject(Fault::TruncatedBody);
    let body = format!(
        "[{},{}]",
        message("447700900000", "Example"),
        message("447700900111", "Example")
    );
    raw_send(&mut stream, &body);
    let received = read_until_closed(&mut stream);
    let text = String::from_utf8(received).expect("UTF-8");
    let (head, sent_body) = text.split_once("\r\n\r\n").expect("a complete head");
    assert!(head.starts_with("HTTP/1.1 202"), "{head}");
    let whole =
        r#"[{"to":"447700900000","successful":true},{"to":"447700900111","successful":true}]"#;
    assert_eq!(content_length(head), whole.len());
    assert!(!sent_body.is_empty());
    assert!(sent_body.len() < whole.len());
    assert!(whole.starts_with(sent_body), "{sent_body}");

    let calls = sandbox.calls();
    assert_eq!(
        (calls[0].messages, calls[0].status, calls[0].fault.clone()),
        (2, 202, Some(Fault::TruncatedBody))
    );
    // The request was processed: its messages count as accepted.
    assert_eq!(sandbox.accepted().len(), 2);
}

#[tokio::test]
async fn a_truncated_body_fault_is_a_body_error_for_a_client() {
    let sandbox = Sandbox::start().expect("the sandbox starts");
    sandbox.inject(Fault::TruncatedBody);
    let response = reqwest::Client::new()
        .post(sandbox.send_url())
        .basic_auth(Sandbox::USERNAME, Some(Sandbox::PASSWORD))
        .header("content-type", "application/json")
        .body(valid_batch())
        .send()
        .await
        .expect("the head arrives");
    assert_eq!(response.status(), 202);
    let error = response.bytes().await.expect_err("the body is cut short");
    assert!(error.is_body() || error.is_decode(), "{error:?}");
}

#[test]
fn faults_apply_in_order_one_request_each() {
    let sandbox = Sandbox::start().expect("the sandbox starts");
    for status in [500, 502] {
        sandbox.inject(Fault::Respond {
            status,
            content_type: String::new(),
            body: Vec::new(),
        });
    }
    let statuses: Vec<u16> = (0..3)
        .map(|_| post(&sandbox, &valid_batch()).status().as_u16())
        .collect();
    assert_eq!(statuses, [500, 502, 202]);
}

#[test]
fn a_respond_fault_with_a_status_that_cannot_be_final_sends_500() {
    let sandbox = Sandbox::start().expect("the sandbox starts");
    for status in [100, 42, 1000] {
        sandbox.inject(Fault::Respond {
            status,
            content_type: "text/plain".to_owned(),
            body: b"odd".to_vec(),
        });
        assert_eq!(post(&sandbox, &valid_batch()).status(), 500, "{status}");
    }
    let statuses: Vec<u16> = sandbox.calls().iter().map(|call| call.status).collect();
    assert_eq!(statuses, [500, 500, 500]);
}
