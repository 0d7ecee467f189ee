//! Dropping a streaming send before its end aborts the calls in flight, with both clients: a
//! server on 127.0.0.1 that reads each request and never answers sees the connection of the
//! call in flight closed once the send is dropped (the client's timeout is a minute, so
//! nothing else would close it).

use std::io::Read;
use std::net::{Ipv4Addr, TcpListener};
use std::sync::mpsc;
use std::time::Duration;

use dynmark_api::Message;
use dynmark_api::protocol::Event;
use futures_util::StreamExt as _;

/// What the silent server saw of one connection.
#[derive(Debug, PartialEq)]
enum Seen {
    /// A whole request arrived (its headers and as many body bytes as it said).
    Request,
    /// The client closed the connection.
    Closed,
}

/// A server that reads requests and never answers; says what it sees on the channel.
fn silent_server() -> (String, mpsc::Receiver<Seen>) {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (seen, saw) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let seen = seen.clone();
            std::thread::spawn(move || {
                let mut bytes = Vec::new();
                let mut buffer = [0u8; 4096];
                let mut told = false;
                loop {
                    match stream.read(&mut buffer) {
                        Ok(0) | Err(_) => {
                            let _ = seen.send(Seen::Closed);
                            return;
                        }
                        Ok(n) => bytes.extend_from_slice(&buffer[..n]),
                    }
                    if !told && whole_request(&bytes) {
                        told = true;
                        let _ = seen.send(Seen::Request);
                    }
                }
            });
        }
    });
    (url, saw)
}

/// `true` once `bytes` hold a request's headers and its `Content-Length` of body.
fn whole_request(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        return false;
    };
    let length = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    body.len() >= length
}

fn messages() -> Vec<Message> {
    (0..2)
        .map(|i| {
            Message::to(format!("44770090000{i}"))
                .from("Example")
                .body("Hello")
        })
        .collect()
}

/// Waits for the call in flight to reach the server, then for its connection to close after
/// the send is dropped (`drop_send`).
fn assert_dropping_closes(saw: &mpsc::Receiver<Seen>, drop_send: impl FnOnce()) {
    assert_eq!(
        saw.recv_timeout(Duration::from_secs(20)),
        Ok(Seen::Request),
        "the first call reaches the server"
    );
    drop_send();
    assert_eq!(
        saw.recv_timeout(Duration::from_secs(20)),
        Ok(Seen::Closed),
        "dropping the send closes the call's connection"
    );
    // The second call was announced but never written.
    assert_eq!(
        saw.recv_timeout(Duration::from_millis(300)),
        Err(mpsc::RecvTimeoutError::Timeout)
    );
}

#[test]
fn dropping_a_blocking_send_aborts_its_call_in_flight() {
    let (url, saw) = silent_server();
    let client = dynmark_api::blocking::Client::builder()
        .credentials("user", "password")
        .base_url(url)
        .batch_size(1)
        .calls_in_flight(2)
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let mut events = client.send_stream(messages()).events();
    // The second `CallStarting` comes once the first call was handed over.
    assert!(matches!(
        events.next(),
        Some(Event::CallStarting { call: 0, .. })
    ));
    assert!(matches!(
        events.next(),
        Some(Event::CallStarting { call: 1, .. })
    ));
    assert_dropping_closes(&saw, move || drop(events));
}

#[test]
fn dropping_an_async_send_aborts_its_call_in_flight() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (url, saw) = silent_server();
    let client = runtime.block_on(async {
        dynmark_api::Client::builder()
            .credentials("user", "password")
            .base_url(url)
            .batch_size(1)
            .calls_in_flight(2)
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap()
    });
    let mut events = client
        .send_stream(futures_util::stream::iter(messages()))
        .events();
    runtime.block_on(async {
        assert!(matches!(
            events.next().await,
            Some(Event::CallStarting { call: 0, .. })
        ));
        assert!(matches!(
            events.next().await,
            Some(Event::CallStarting { call: 1, .. })
        ));
    });
    assert_dropping_closes(&saw, move || drop(events));
}

/// The runtime that runs a call's task shuts down while the call is in flight (the send itself
/// is polled elsewhere): the task's guard hands the message back, and it is reported not sent
/// and possibly received (`NotRecorded`), never safe to resend; the send still ends.
#[test]
fn a_call_whose_runtime_shuts_down_is_reported_as_maybe_received() {
    use dynmark_api::{CallError, CallFailureKind, NotSentReason, Outcome};
    use futures_util::Stream;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    let (url, saw) = silent_server();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let client = dynmark_api::Client::builder()
        .credentials("user", "password")
        .base_url(url)
        .batch_size(1)
        .calls_in_flight(1)
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let one = messages().into_iter().take(1).collect::<Vec<_>>();
    let mut events = client.send_stream(futures_util::stream::iter(one)).events();
    /// Polls `events` (woken or not) until it has an event.
    fn next<S: Stream + Unpin>(events: &mut S) -> Option<S::Item> {
        let mut cx = Context::from_waker(futures_util::task::noop_waker_ref());
        loop {
            if let Poll::Ready(event) = Pin::new(&mut *events).poll_next(&mut cx) {
                return event;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
    let mut cx = Context::from_waker(futures_util::task::noop_waker_ref());
    {
        // The call's task is spawned on `runtime`.
        let _entered = runtime.enter();
        assert!(matches!(
            next(&mut events),
            Some(Event::CallStarting { call: 0, .. })
        ));
        // Asking for the next event writes the call; it waits for the answer.
        let mut pinned = Pin::new(&mut events);
        assert!(pinned.as_mut().poll_next(&mut cx).is_pending());
        assert_eq!(
            saw.recv_timeout(Duration::from_secs(20)),
            Ok(Seen::Request),
            "the call reaches the server"
        );
    }
    runtime.shutdown_background();
    let mut outcome = None;
    let mut failure = None;
    while let Some(event) = next(&mut events) {
        match event {
            Event::Outcome(o) => outcome = Some(o),
            Event::CallFinished { failure: f, .. } => failure = f,
            _ => {}
        }
    }
    let outcome = outcome.expect("the message has its outcome");
    assert_eq!(outcome.message.to, "447700900000", "the message comes back");
    assert!(matches!(
        outcome.outcome,
        Outcome::NotSent {
            reason: NotSentReason::CallFailed {
                call: 0,
                failure: CallFailureKind::NotRecorded
            }
        }
    ));
    assert!(
        !outcome.is_safe_to_resend(),
        "it may have reached the service"
    );
    assert!(matches!(failure, Some(CallError::NotRecorded)));
}
