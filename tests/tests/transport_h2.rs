//! The transport end to end against the sandbox: the user's own `reqwest::Client` (HTTP/2 with
//! prior knowledge), retries of what provably did not reach the service (`REFUSED_STREAM`,
//! `429` with `Retry-After`, a refused connection) and nothing else (a 5xx, a dropped
//! connection), and `Retry-After` kept in the error and the report.

use std::time::{Duration, Instant};

use dynmark_api::protocol::RetryPolicy;
use dynmark_api::sandbox::{Fault, Sandbox};
use dynmark_api::{CallError, CallFailureKind, Client, Message, NotSentReason};

fn messages(n: usize) -> Vec<Message> {
    (0..n)
        .map(|i| {
            Message::to(format!("4477009{i:05}"))
                .from("Example")
                .body("hello")
        })
        .collect()
}

/// The user's own client: HTTP/2 with prior knowledge (h2c), none of reqwest's retries.
fn h2_client() -> reqwest::Client {
    reqwest::Client::builder()
        .http2_prior_knowledge()
        .retry(reqwest::retry::never())
        .no_proxy()
        .build()
        .unwrap()
}

fn client(sandbox: &Sandbox, policy: RetryPolicy) -> Client {
    Client::builder()
        .credentials(Sandbox::USERNAME, Sandbox::PASSWORD)
        .base_url(sandbox.base_url())
        .http_client(h2_client())
        .retry_policy(policy)
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_users_own_client_is_used() {
    let sandbox = Sandbox::start().unwrap();
    let report = client(&sandbox, RetryPolicy::default())
        .send(messages(3))
        .await
        .unwrap();
    assert!(report.all_accepted(), "{report}");
    let calls = sandbox.calls();
    assert_eq!(calls.len(), 1);
    // Only the user's client speaks HTTP/2 to an http:// URL (prior knowledge): ours would
    // have spoken HTTP/1.1.
    assert!(calls[0].http2, "{calls:?}");
    // Our own client, for contrast.
    let ours = Client::builder()
        .credentials(Sandbox::USERNAME, Sandbox::PASSWORD)
        .base_url(sandbox.base_url())
        .build()
        .unwrap();
    ours.send(messages(1)).await.unwrap();
    assert!(!sandbox.calls()[1].http2);
}

#[tokio::test]
async fn a_refused_stream_is_sent_again_and_delivered_once() {
    let sandbox = Sandbox::start().unwrap();
    sandbox.inject(Fault::RefusedStream);
    let report = client(&sandbox, RetryPolicy::default())
        .send(messages(2))
        .await
        .unwrap();
    assert!(report.all_accepted(), "{report}");
    let calls = sandbox.calls();
    assert_eq!(
        calls
            .iter()
            .map(|c| (c.status, c.http2))
            .collect::<Vec<_>>(),
        [(0, true), (202, true)]
    );
    assert_eq!(sandbox.accepted().len(), 2);
    // The report says how many attempts the call took.
    assert_eq!(report.attempts(), [(0, 2)]);
    assert!(
        report.to_string().contains("call 0: 2 attempts"),
        "{report}"
    );
}

#[tokio::test]
async fn a_retry_after_past_the_sends_deadline_is_not_waited_for() {
    let sandbox = Sandbox::start().unwrap();
    sandbox.inject(Fault::Throttle {
        status: 429,
        retry_after: "5".into(),
    });
    let client = Client::builder()
        .credentials(Sandbox::USERNAME, Sandbox::PASSWORD)
        .base_url(sandbox.base_url())
        .send_deadline(Duration::from_secs(2))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client.send(messages(1)).await.unwrap_err();
    // Given up at once (the deadline bounds the wait), with the service's Retry-After.
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(
        error.failures()[0].error.retry_after(),
        Some(Duration::from_secs(5))
    );
    assert_eq!(sandbox.calls().len(), 1);
}

#[test]
fn the_blocking_client_takes_the_users_own_client_too() {
    let sandbox = Sandbox::start().unwrap();
    sandbox.inject(Fault::RefusedStream);
    let client = dynmark_api::blocking::Client::builder()
        .credentials(Sandbox::USERNAME, Sandbox::PASSWORD)
        .base_url(sandbox.base_url())
        .http_client(h2_client())
        .build()
        .unwrap();
    let report = client.send(messages(2)).unwrap();
    assert!(report.all_accepted(), "{report}");
    assert_eq!(report.attempts(), [(0, 2)]);
    let calls = sandbox.calls();
    assert!(calls.iter().all(|c| c.http2), "{calls:?}");
    assert_eq!(calls.len(), 2);
}

#[tokio::test]
async fn without_retries_a_refused_stream_is_reported_as_not_processed() {
    let sandbox = Sandbox::start().unwrap();
    sandbox.inject(Fault::RefusedStream);
    let error = client(&sandbox, RetryPolicy::never())
        .send(messages(2))
        .await
        .unwrap_err();
    let failure = &error.failures()[0];
    assert!(
        matches!(failure.error, CallError::NotProcessed { .. }),
        "{:?}",
        failure.error
    );
    assert!(failure.error.is_retryable());
    // What the issue found: such a call said "may have reached the service".
    for (_, reason) in error.report().not_sent() {
        assert!(!reason.may_have_reached_service(), "{reason}");
        assert_eq!(reason.to_string(), "call 0 failed (refused unprocessed)");
    }
    assert_eq!(sandbox.calls().len(), 1);
    assert!(sandbox.accepted().is_empty());
}

#[tokio::test]
async fn a_429_waits_for_its_retry_after_then_is_sent_again() {
    let sandbox = Sandbox::start().unwrap();
    sandbox.inject(Fault::Throttle {
        status: 429,
        retry_after: "1".into(),
    });
    let started = Instant::now();
    let report = client(&sandbox, RetryPolicy::default())
        .send(messages(2))
        .await
        .unwrap();
    assert!(report.all_accepted(), "{report}");
    // It waited as long as the service asked (a lower bound: correctness, not speed).
    assert!(started.elapsed() >= Duration::from_secs(1));
    let statuses: Vec<_> = sandbox.calls().iter().map(|c| c.status).collect();
    assert_eq!(statuses, [429, 202]);
}

#[tokio::test]
async fn a_429_asking_too_long_is_given_up_with_its_retry_after_in_the_error_and_report() {
    let sandbox = Sandbox::start().unwrap();
    sandbox.inject(Fault::Throttle {
        status: 429,
        retry_after: "120".into(),
    });
    let error = client(&sandbox, RetryPolicy::default())
        .send(messages(1))
        .await
        .unwrap_err();
    let failure = &error.failures()[0];
    assert_eq!(failure.error.retry_after(), Some(Duration::from_secs(120)));
    assert!(
        failure
            .error
            .to_string()
            .starts_with("the service answered HTTP 429 (text/plain), Retry-After 120 s: "),
        "{}",
        failure.error
    );
    let (_, reason) = error.report().not_sent().next().unwrap();
    assert_eq!(
        reason,
        NotSentReason::CallFailed {
            call: 0,
            failure: CallFailureKind::Status {
                status: 429,
                retry_after_secs: Some(120),
            },
        }
    );
    assert!(!reason.may_have_reached_service());
    assert_eq!(
        error.report().to_string(),
        "1 message(s): 0 accepted, 0 rejected, 1 not sent\n  #0 not sent: call 0 failed (HTTP 429, Retry-After 120 s)"
    );
    let json = serde_json::to_value(error.report()).unwrap();
    assert_eq!(
        json["outcomes"][0]["reason"]["failure"],
        serde_json::json!({"kind": "status", "status": 429, "retryAfterSeconds": 120})
    );
    assert_eq!(sandbox.calls().len(), 1);
}

#[tokio::test]
async fn a_5xx_and_a_dropped_connection_are_never_sent_again() {
    let sandbox = Sandbox::start().unwrap();
    sandbox.inject(Fault::Throttle {
        status: 503,
        retry_after: "1".into(),
    });
    let client = client(&sandbox, RetryPolicy::default());
    let error = client.send(messages(1)).await.unwrap_err();
    let failure = &error.failures()[0].error;
    assert_eq!(failure.retry_after(), Some(Duration::from_secs(1)));
    assert!(failure.may_have_reached_service());
    assert!(!failure.is_retryable());
    assert_eq!(sandbox.calls().len(), 1);
    // A connection dropped after the request was read (HTTP/1: our own client).
    let sandbox = Sandbox::start().unwrap();
    sandbox.inject(Fault::DropConnection);
    let ours = Client::builder()
        .credentials(Sandbox::USERNAME, Sandbox::PASSWORD)
        .base_url(sandbox.base_url())
        .build()
        .unwrap();
    let error = ours.send(messages(1)).await.unwrap_err();
    assert!(error.failures()[0].error.may_have_reached_service());
    assert_eq!(sandbox.calls().len(), 1);
}

#[tokio::test]
async fn a_refused_connection_is_classified_as_retryable_and_not_reached() {
    // A port nobody listens on.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = Client::builder()
        .credentials(Sandbox::USERNAME, Sandbox::PASSWORD)
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry_policy(
            RetryPolicy::default().with_backoff(Duration::from_millis(1), Duration::from_millis(2)),
        )
        .build()
        .unwrap();
    let error = client.send(messages(1)).await.unwrap_err();
    let failure = &error.failures()[0].error;
    assert!(matches!(failure, CallError::Connect { .. }), "{failure:?}");
    assert!(failure.is_retryable());
    assert!(!failure.may_have_reached_service());
    // Sent again up to the policy's bound (3 attempts), then given up.
    assert_eq!(error.report().attempts(), [(0, 3)]);
    assert!(error.report().safe_to_resend().count() == 1);
}

#[test]
fn the_blocking_client_retries_a_429_too() {
    let sandbox = Sandbox::start().unwrap();
    sandbox.inject(Fault::Throttle {
        status: 429,
        retry_after: "0".into(),
    });
    let client = dynmark_api::blocking::Client::builder()
        .credentials(Sandbox::USERNAME, Sandbox::PASSWORD)
        .base_url(sandbox.base_url())
        .build()
        .unwrap();
    let report = client.send(messages(2)).unwrap();
    assert!(report.all_accepted(), "{report}");
    let statuses: Vec<_> = sandbox.calls().iter().map(|c| c.status).collect();
    assert_eq!(statuses, [429, 202]);
}
