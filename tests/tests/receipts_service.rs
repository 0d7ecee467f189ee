//! The `ReceiverService` over real sockets (hyper on 127.0.0.1): every answer of the table on
//! `Receiver`, the queue, a panicking handler, and what is logged (never the token).

mod receipts_support;

use std::sync::{Arc, Mutex, mpsc};

use dynmark_api::receipts::{ReceiptToken, Received, Receiver, ReceiverService};
use receipts_support::serve;

const RECEIPT: &str = "datetime=2016-01-21T09:19:24.123Z&recipient=447700900000&statusid=2&statusdescription=Delivered&clientref=a";

/// Every log record, as text.
struct Captured(Mutex<Vec<String>>);

impl log::Log for Captured {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        self.0.lock().unwrap().push(format!(
            "{} {} {}",
            record.level(),
            record.target(),
            record.args()
        ));
    }
    fn flush(&self) {}
}

static LOGS: Captured = Captured(Mutex::new(Vec::new()));

fn get(url: &str, method: reqwest::Method) -> (u16, Option<String>, String) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let response = reqwest::Client::builder()
            .no_proxy()
            .build()
            .unwrap()
            .request(method, url)
            .send()
            .await
            .expect("the receiver answers");
        let allow = response
            .headers()
            .get("allow")
            .map(|v| v.to_str().unwrap().to_owned());
        (
            response.status().as_u16(),
            allow,
            response.text().await.unwrap(),
        )
    })
}

#[test]
fn answers_as_documented_and_logs_without_the_token() {
    log::set_logger(&LOGS).unwrap();
    log::set_max_level(log::LevelFilter::Trace);
    let token = ReceiptToken::generate().unwrap();
    let secret = token.expose_secret().to_owned();
    let (service, mut deliveries) = ReceiverService::with_capacity(Receiver::new(token), 1);
    let served = serve(service);
    let base = served.base();

    let (status, _, body) = get(&format!("{base}/{secret}?{RECEIPT}"), reqwest::Method::GET);
    assert_eq!((status, body.as_str()), (200, "OK"));
    let Some(Received::Receipt(receipt)) = deliveries.try_recv() else {
        panic!("queued")
    };
    assert_eq!(receipt.client_ref.as_deref(), Some("a"));

    let (status, allow, _) = get(&format!("{base}/{secret}?{RECEIPT}"), reqwest::Method::POST);
    assert_eq!((status, allow.as_deref()), (405, Some("GET")));
    let (status, _, body) = get(&format!("{base}/{secret}x?{RECEIPT}"), reqwest::Method::GET);
    assert_eq!((status, body.as_str()), (404, "not found"));
    let (status, _, body) = get(
        &format!("{base}/{secret}?statusid=2&datetime=now"),
        reqwest::Method::GET,
    );
    assert_eq!(status, 400);
    assert!(body.contains("parameter `datetime` is \"now\""), "{body}");

    // A queue of one: the second receipt waits, the third finds it full.
    let (status, _, _) = get(&format!("{base}/{secret}?{RECEIPT}"), reqwest::Method::GET);
    assert_eq!(status, 200);
    let (status, _, body) = get(&format!("{base}/{secret}?{RECEIPT}"), reqwest::Method::GET);
    assert_eq!(status, 503, "{body}");
    assert!(deliveries.try_recv().is_some());
    assert!(deliveries.try_recv().is_none());

    let logs = LOGS.0.lock().unwrap().clone();
    assert_eq!(
        logs.iter()
            .filter(|l| l.contains("refused a request"))
            .count(),
        3,
        "{logs:?}"
    );
    assert!(logs.iter().any(|l| l.contains("queue is full")), "{logs:?}");
    assert!(
        logs.iter()
            .all(|l| l.contains("dynmark_api::receipts") || !l.contains("refused"))
    );
    assert!(logs.iter().all(|l| !l.contains(&secret)), "{logs:?}");
}

#[test]
fn a_panicking_handler_does_not_stop_the_next_items() {
    let token = ReceiptToken::generate().unwrap();
    let secret = token.expose_secret().to_owned();
    let (done, handled) = mpsc::channel();
    let calls = Arc::new(Mutex::new(0));
    let service = ReceiverService::with_handler(Receiver::new(token), {
        let calls = Arc::clone(&calls);
        move |_| {
            let n = {
                let mut calls = calls.lock().unwrap();
                *calls += 1;
                *calls
            };
            if n == 1 {
                panic!("the user's handler fails on the first item");
            }
            done.send(n).unwrap();
        }
    })
    .unwrap();
    let served = serve(service);
    for _ in 0..2 {
        let (status, _, _) = get(
            &format!("{}/{secret}?{RECEIPT}", served.base()),
            reqwest::Method::GET,
        );
        assert_eq!(status, 200);
    }
    assert_eq!(handled.recv().unwrap(), 2);
}
