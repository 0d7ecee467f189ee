//! Large sends (issue 7): the whole call under one timeout, per-element answers, a deadline, a
//! graceful stop, streaming, and the call-level events. Run with both clients.

use std::io::{Read as _, Write as _};
use std::net::{Ipv4Addr, TcpListener};
use std::time::{Duration, Instant};

use super::*;

/// A server on 127.0.0.1 that reads one request, then answers `202` with a valid two-result
/// body, one byte every 200 ms (about 14 s in all). Stops when the client goes away.
fn drip_feeding_server() -> String {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("binds");
    let addr = listener.local_addr().expect("an address");
    std::thread::spawn(move || {
        let Ok((mut stream, _)) = listener.accept() else {
            return;
        };
        let mut request = Vec::new();
        let mut chunk = [0; 4096];
        // Enough of the request: its head and a little of the body.
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            match stream.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => request.extend_from_slice(&chunk[..n]),
            }
        }
        let body =
            br#"[{"to":"447700900000","successful":true},{"to":"447700900111","successful":true}]"#;
        let head = format!(
            "HTTP/1.1 202 Accepted\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            body.len()
        );
        if stream.write_all(head.as_bytes()).is_err() {
            return;
        }
        for byte in body {
            std::thread::sleep(Duration::from_millis(200));
            if stream
                .write_all(&[*byte])
                .and_then(|()| stream.flush())
                .is_err()
            {
                return;
            }
        }
    });
    format!("http://{addr}")
}

/// A body sent one byte every 200 ms against a 1 s timeout: a timeout within 2 s (the timeout
/// covers the whole call, the body's last byte included), and the messages may have reached
/// the service.
pub async fn a_drip_fed_answer_times_out<F: Flavor>() {
    let settings = Settings {
        base_url: drip_feeding_server(),
        username: "user".into(),
        password: "password".into(),
        allow_http: false,
        timeout: Some(Duration::from_secs(1)),
        batch_size: None,
        calls_in_flight: None,
        validate_locally: true,
        max_response_body: None,
        send_deadline: None,
    };
    let messages = multiple_recipients();
    let started = Instant::now();
    let result = send::<F>(&settings, messages.clone()).await;
    let took = started.elapsed();
    assert_accounted(&result, &messages, None);
    let error = result.expect_err("timed out");
    assert!(
        matches!(error.failures()[0].error, CallError::Timeout { .. }),
        "{:?}",
        error.failures()[0].error
    );
    assert!(took < Duration::from_secs(2), "took {took:?}");
    for (_, reason) in error.report().not_sent() {
        assert!(reason.may_have_reached_service());
    }
    assert_eq!(error.report().safe_to_resend().count(), 0);
}

/// A 202 whose first result is fine and whose second lacks `details`: 1 accepted, 1 that may
/// have been taken (never offered for resending); the call did not fail as a whole.
pub async fn one_unreadable_result<F: Flavor>() {
    let sandbox = Sandbox::start().expect("sandbox starts");
    sandbox.inject(Fault::Respond {
        status: 202,
        content_type: "application/json".into(),
        body: br#"[{"to":"447700900000","successful":true},{"to":"447700900111","successful":false,"validationFailures":[{"property":"from","failureCode":"FromEmpty"}]}]"#.to_vec(),
    });
    let messages = multiple_recipients();
    let result = send::<F>(&Settings::for_sandbox(&sandbox), messages.clone()).await;
    assert_accounted(&result, &messages, None);
    let error = result.as_ref().expect_err("one message has no answer");
    assert!(error.failures().is_empty());
    let report = error.report();
    assert_eq!(report.accepted().collect::<Vec<_>>(), [0]);
    assert_eq!(
        report.not_sent().collect::<Vec<_>>(),
        [(1, NotSentReason::UnreadableResult { call: 0 })]
    );
    assert!(NotSentReason::UnreadableResult { call: 0 }.may_have_reached_service());
    // What was wrong with it, and the element as the service sent it.
    let unreadable: Vec<_> = report.unreadable_results().collect();
    assert_eq!(unreadable.len(), 1);
    assert_eq!(unreadable[0].0, 1);
    assert!(
        unreadable[0].1.reason.contains("details"),
        "{}",
        unreadable[0].1.reason
    );
    assert!(unreadable[0].1.result.to_string().contains("447700900111"));
    assert!(
        report.to_string().contains("missing field `details`"),
        "{report}"
    );
    assert_eq!(report.safe_to_resend().count(), 0);
    assert_eq!(report.messages(), &messages[..], "the messages come back");
    snapshot("one_unreadable_result", &result);
}

/// The client's send deadline: the first call starts before it and is answered after it; no
/// further call starts, and the rest are safe to send again.
pub async fn a_deadline_stops_new_calls<F: Flavor>() {
    let sandbox = Sandbox::start().expect("sandbox starts");
    sandbox.inject(Fault::Delay(Duration::from_millis(400)));
    let settings = Settings {
        batch_size: Some(1),
        calls_in_flight: Some(1),
        send_deadline: Some(Duration::from_millis(150)),
        ..Settings::for_sandbox(&sandbox)
    };
    let messages = numbered(4);
    let result = send::<F>(&settings, messages.clone()).await;
    assert_accounted(&result, &messages, Some(&sandbox));
    assert_eq!(sandbox.calls().len(), 1, "no call after the deadline");
    let error = result.as_ref().expect_err("messages were not sent");
    assert!(error.failures().is_empty());
    let report = error.report();
    assert_eq!(report.accepted().collect::<Vec<_>>(), [0]);
    assert!(
        report
            .not_sent()
            .all(|(_, reason)| reason == NotSentReason::DeadlinePassed)
    );
    let again: Vec<&str> = report
        .safe_to_resend()
        .map(|(_, m)| m.to.as_str())
        .collect();
    let expected: Vec<&str> = messages[1..].iter().map(|m| m.to.as_str()).collect();
    assert_eq!(again, expected);
    snapshot("deadline", &result);
}

/// A graceful stop from another thread while the first call is in flight: that call finishes
/// and is reported, no further call starts, the report is complete.
pub async fn a_stop_mid_send<F: Flavor>() {
    let sandbox = Sandbox::start().expect("sandbox starts");
    sandbox.inject(Fault::Delay(Duration::from_millis(400)));
    let settings = Settings {
        batch_size: Some(1),
        calls_in_flight: Some(1),
        ..Settings::for_sandbox(&sandbox)
    };
    let client = F::build(&settings).expect("client builds");
    let stop = StopHandle::new();
    let stopper = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(100));
            stop.stop();
        })
    };
    let messages = numbered(5);
    let result = F::send_stoppable(&client, messages.clone(), stop).await;
    stopper.join().expect("the stopping thread ends");
    assert_accounted(&result, &messages, Some(&sandbox));
    assert_eq!(sandbox.calls().len(), 1, "no call after the stop");
    let error = result.as_ref().expect_err("messages were not sent");
    let report = error.report();
    assert_eq!(report.len(), 5);
    assert_eq!(report.accepted().collect::<Vec<_>>(), [0]);
    assert!(
        report
            .not_sent()
            .all(|(_, reason)| reason == NotSentReason::StopRequested)
    );
    assert_eq!(report.safe_to_resend().count(), 4);
    snapshot("stop", &result);
}

/// 10,000 messages streamed in and out: 10,000 outcomes, each with its own message.
pub async fn streaming_ten_thousand<F: Flavor>() {
    let sandbox = Sandbox::builder()
        .count_only()
        .start()
        .expect("sandbox starts");
    let client = F::build(&Settings::for_sandbox(&sandbox)).expect("client builds");
    let messages: Vec<Message> = (0..10_000)
        .map(|i| {
            Message::to(format!("44770{i:07}"))
                .from("Example")
                .body(format!("Message {i}"))
        })
        .collect();
    let outcomes = F::stream(&client, messages.clone()).await;
    assert_eq!(outcomes.len(), 10_000);
    let mut seen = vec![false; 10_000];
    for outcome in &outcomes {
        assert!(!seen[outcome.index], "{} twice", outcome.index);
        seen[outcome.index] = true;
        assert_eq!(outcome.message, messages[outcome.index]);
        assert_eq!(outcome.outcome, Outcome::Accepted);
    }
    assert_eq!(sandbox.accepted_count(), 10_000);
    assert!(sandbox.accepted().is_empty(), "counted, not kept");
    assert_eq!(sandbox.calls().len(), 40);
}

/// A call's `CallStarting` is given out before its request is written: the sandbox has not
/// seen the call when the consumer gets the event.
pub async fn call_starting_comes_before_the_request<F: Flavor>() {
    let sandbox = Sandbox::start().expect("sandbox starts");
    let settings = Settings {
        batch_size: Some(2),
        calls_in_flight: Some(1),
        ..Settings::for_sandbox(&sandbox)
    };
    let client = F::build(&settings).expect("client builds");
    let messages = numbered(5);
    let mut starting = Vec::new();
    let events = F::events(&client, messages, |event| {
        if let Event::CallStarting { call, items } = event {
            // With one call in flight, the calls before it are answered; this one is not sent.
            std::thread::sleep(Duration::from_millis(20));
            assert_eq!(
                sandbox.calls().len(),
                *call,
                "call {call} was written too early"
            );
            starting.push(items.clone());
        }
    })
    .await;
    assert_eq!(starting, [vec![0, 1], vec![2, 3], vec![4]]);
    let finished = events
        .iter()
        .filter(|event| matches!(event, Event::CallFinished { failure: None, .. }))
        .count();
    assert_eq!(finished, 3);
    assert_eq!(sandbox.calls().len(), 3);
}
