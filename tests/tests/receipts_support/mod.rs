//! What `receipts_e2e_async.rs` and `receipts_e2e_blocking.rs` share: a `ReceiverService`
//! served by hyper on 127.0.0.1 (its own thread and runtime), the sandbox, and the scenarios,
//! each taking the client's `send` as a closure.

#![allow(dead_code)]

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use dynmark_api::receipts::{
    ClientRefIndex, ReceiptToken, ReceiptUrl, Received, Receiver, ReceiverService, Tracker,
    assign_client_refs,
};
use dynmark_api::sandbox::{DeliveryOutcome, Sandbox};
use dynmark_api::{Message, SendReport};
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::sync::oneshot;

/// A service served on 127.0.0.1 until dropped.
pub struct Served {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Served {
    /// The base of the receipt URLs: `http://127.0.0.1:PORT/dynmark`.
    pub fn base(&self) -> String {
        format!("http://{}/dynmark", self.addr)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            thread.join().expect("the server thread does not panic");
        }
    }
}

/// Serves `service` with hyper (HTTP/1.1) on an ephemeral loopback port.
pub fn serve(service: ReceiverService) -> Served {
    let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("binds");
    listener.set_nonblocking(true).expect("non-blocking");
    let addr = listener.local_addr().expect("has an address");
    let (stop, mut stopped) = oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
            loop {
                tokio::select! {
                    _ = &mut stopped => break,
                    accepted = listener.accept() => {
                        let Ok((stream, _)) = accepted else { continue };
                        let service = TowerToHyperService::new(service.clone());
                        tokio::spawn(async move {
                            let _ = hyper::server::conn::http1::Builder::new()
                                .serve_connection(TokioIo::new(stream), service)
                                .await;
                        });
                    }
                }
            }
        });
    });
    Served {
        addr,
        stop: Some(stop),
        thread: Some(thread),
    }
}

/// Waits for `done` (every 5 ms), failing the test after a minute: a guard against hanging,
/// not a speed requirement.
pub fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done() {
        assert!(Instant::now() < deadline, "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// The sandbox, a receiver feeding a tracker, and the receipt URL.
pub struct Fixture {
    pub sandbox: Sandbox,
    pub served: Served,
    pub token: ReceiptToken,
    pub url: ReceiptUrl,
    pub tracker: Arc<Tracker>,
    pub received: Arc<Mutex<Vec<Received>>>,
}

pub fn fixture() -> Fixture {
    let sandbox = Sandbox::start().expect("sandbox starts");
    let token = ReceiptToken::generate().expect("random source");
    let tracker = Arc::new(Tracker::new());
    let received = Arc::new(Mutex::new(Vec::new()));
    let service = ReceiverService::with_handler(Receiver::new(token.clone()), {
        let tracker = Arc::clone(&tracker);
        let received = Arc::clone(&received);
        move |item| {
            if let Received::Receipt(receipt) = &item {
                tracker.receipt(receipt);
            }
            received.lock().unwrap().push(item);
        }
    })
    .expect("handler thread starts");
    let served = serve(service);
    let url = ReceiptUrl::new(&served.base(), &token).expect("loopback http is allowed");
    Fixture {
        sandbox,
        served,
        token,
        url,
        tracker,
        received,
    }
}

/// `n` messages without a `clientRef`, to distinct recipients, with `url` as their
/// `deliveryStatusUrl`, given references by `assign_client_refs`.
pub fn messages(n: usize, url: &str) -> Vec<Message> {
    assign_client_refs((0..n).map(|i| {
        Message::to(format!("4477009{i:05}"))
            .from("Example")
            .body("Your order has shipped")
            .with_delivery_status_url(url)
    }))
    .collect()
}

/// Every message sent through the client is accepted, its receipt arrives at the receiver and is
/// matched to it by `clientRef`; nothing is left pending or unmatched.
pub fn every_receipt_arrives_and_is_matched(
    send: impl FnOnce(&Sandbox, Vec<Message>) -> SendReport,
) {
    let f = fixture();
    // More than one call's worth (250), so the receipts come from several calls.
    let messages = messages(260, f.url.expose_secret());
    let report = send(&f.sandbox, messages.clone());
    assert!(report.all_accepted(), "{report}");
    assert_eq!(f.tracker.track_report(&messages, &report), Ok(260));
    let index = ClientRefIndex::new(&messages, &report);
    for (i, message) in messages.iter().enumerate() {
        let found = index.get(message.client_ref.as_deref().unwrap());
        assert_eq!(found, Some((i, &dynmark_api::Outcome::Accepted)));
    }
    assert_eq!(index.get("no such reference"), None);
    // The token is in every message's URL, and in no Debug or Display output.
    let shown = format!(
        "{messages:?} {:?} {report} {report:?} {:?} {:?} {:?}",
        f.sandbox.accepted(),
        f.sandbox,
        f.url,
        f.tracker
    );
    assert!(!shown.contains(f.token.expose_secret()), "{shown}");
    assert!(shown.contains("<redacted>"));
    wait_until("every receipt", || f.tracker.pending().is_empty());

    for message in &messages {
        let client_ref = message.client_ref.as_deref().unwrap();
        let tracked = f.tracker.get(client_ref).expect("tracked");
        assert_eq!(tracked.to, message.to);
        assert_eq!(tracked.receipts.len(), 1, "{client_ref}");
        let receipt = &tracked.receipts[0];
        assert_eq!(receipt.recipient, message.to);
        assert_eq!(receipt.client_ref.as_deref(), Some(client_ref));
        assert_eq!(receipt.status_id.get(), 2);
        assert_eq!(receipt.status_description, "Delivered");
    }
    assert!(f.tracker.unmatched().is_empty());
    // The sandbox records an attempt once it has the answer, which may be after the handler ran.
    wait_until("every attempt recorded", || {
        f.sandbox.receipts().len() == 260
    });
    let deliveries = f.sandbox.receipts();
    assert!(
        deliveries.iter().all(|d| d.outcome.is_ok()),
        "{deliveries:?}"
    );
}

/// Receipts to a URL with another token are answered `404` and never reach the handler.
pub fn a_wrong_token_is_refused(send: impl FnOnce(&Sandbox, Vec<Message>) -> SendReport) {
    let f = fixture();
    let other = ReceiptToken::generate().unwrap();
    let wrong = ReceiptUrl::new(&f.served.base(), &other).unwrap();
    let mut messages = messages(3, wrong.expose_secret());
    // One with the right token after them: once its receipt is in, the others were handled.
    messages.extend(self::messages(1, f.url.expose_secret()));
    let report = send(&f.sandbox, messages.clone());
    assert!(report.all_accepted(), "{report}");
    wait_until("four delivery attempts", || f.sandbox.receipts().len() == 4);
    wait_until("the good receipt", || f.received.lock().unwrap().len() == 1);

    let outcomes: Vec<_> = f
        .sandbox
        .receipts()
        .into_iter()
        .map(|d| (d.client_ref, d.outcome))
        .collect();
    for message in &messages[..3] {
        assert!(
            outcomes.contains(&(message.client_ref.clone(), DeliveryOutcome::Answered(404))),
            "{outcomes:?}"
        );
    }
    assert!(outcomes.contains(&(
        messages[3].client_ref.clone(),
        DeliveryOutcome::Answered(200)
    )));
    let received = f.received.lock().unwrap();
    let Received::Receipt(receipt) = &received[0] else {
        panic!("{received:?}")
    };
    assert_eq!(receipt.client_ref, messages[3].client_ref);
}

/// The receiver answers `200` while the handler is still busy with an earlier receipt: the
/// handler blocks on a channel that is released only after both answers were recorded by the
/// sandbox.
pub fn answers_while_the_handler_is_busy(send: impl FnOnce(&Sandbox, Vec<Message>) -> SendReport) {
    let sandbox = Sandbox::start().unwrap();
    let token = ReceiptToken::generate().unwrap();
    let (entered_tx, entered) = mpsc::channel::<()>();
    let (release, released) = mpsc::channel::<()>();
    let released = Mutex::new(released);
    let handled = Arc::new(Mutex::new(Vec::new()));
    let service = ReceiverService::with_handler(Receiver::new(token.clone()), {
        let handled = Arc::clone(&handled);
        move |item| {
            entered_tx.send(()).unwrap();
            released.lock().unwrap().recv().unwrap();
            handled.lock().unwrap().push(item);
        }
    })
    .unwrap();
    let served = serve(service);
    let url = ReceiptUrl::new(&served.base(), &token).unwrap();
    let messages = messages(2, url.expose_secret());

    let report = send(&sandbox, messages);
    assert!(report.all_accepted(), "{report}");
    entered
        .recv()
        .expect("the handler starts on the first receipt");
    // The handler is now blocked in `recv` on `released`, and stays so until `release` sends.
    wait_until("both receipts answered", || sandbox.receipts().len() == 2);
    assert!(
        sandbox
            .receipts()
            .iter()
            .all(|d| d.outcome == DeliveryOutcome::Answered(200)),
        "{:?}",
        sandbox.receipts()
    );
    assert!(
        handled.lock().unwrap().is_empty(),
        "the handler was still blocked"
    );

    release.send(()).unwrap();
    entered.recv().unwrap();
    release.send(()).unwrap();
    wait_until("both handled", || handled.lock().unwrap().len() == 2);
}
