//! The sandbox as Dynmark's sender: receipts with the configured status and delay, inbound
//! messages to the configured URL, failing and non-loopback receivers recorded.

mod receipts_support;

use std::time::Duration;

use dynmark_api::receipts::{
    ReceiptToken, ReceiptUrl, Received, Receiver, ReceiverService, StatusId,
};
use dynmark_api::sandbox::{DeliveryOutcome, ReceiptPlan, Sandbox};
use dynmark_api::{Client, Message};
use receipts_support::{serve, wait_until};

fn send(sandbox: &Sandbox, messages: Vec<Message>) {
    let client = Client::builder()
        .credentials(Sandbox::USERNAME, Sandbox::PASSWORD)
        .base_url(sandbox.base_url())
        .build()
        .unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let report = runtime.block_on(client.send(messages)).unwrap();
    assert!(report.all_accepted(), "{report}");
}

#[test]
fn receipts_carry_the_planned_status_after_the_delay_and_inbound_messages_arrive() {
    let token = ReceiptToken::generate().unwrap();
    let (service, mut deliveries) = ReceiverService::new(Receiver::new(token.clone()));
    let served = serve(service);
    let url = ReceiptUrl::new(&served.base(), &token).unwrap();
    let plan = ReceiptPlan::default()
        .with_delay(Duration::from_millis(300))
        .with_status(StatusId::new(5), "Failed: unknown subscriber");
    let sandbox = Sandbox::builder()
        .receipts(plan)
        .inbound_url(url.expose_secret())
        .start()
        .unwrap();

    let sent_at = std::time::Instant::now();
    send(
        &sandbox,
        vec![
            Message::to("447700900000")
                .from("Example")
                .body("Hi")
                .with_client_ref("r1")
                .with_delivery_status_url(url.expose_secret()),
            Message::to("447700900001")
                .from("Example")
                .body("No receipt wanted"),
        ],
    );
    wait_until("the receipt", || sandbox.receipts().len() == 1);
    // A lower bound only: the sandbox sleeps the delay before sending.
    assert!(sent_at.elapsed() >= Duration::from_millis(300));
    let Some(Received::Receipt(receipt)) = deliveries.try_recv() else {
        panic!()
    };
    assert_eq!(receipt.status_id, StatusId::new(5));
    assert_eq!(receipt.status_description, "Failed: unknown subscriber");
    assert_eq!(receipt.client_ref.as_deref(), Some("r1"));
    assert_eq!(receipt.recipient, "447700900000");
    assert_eq!(
        sandbox.receipts()[0].outcome,
        DeliveryOutcome::Answered(200)
    );

    let id = sandbox
        .send_inbound("447700900000", "447860000000", "STOP, thanks & bye")
        .unwrap();
    wait_until("the inbound message", || sandbox.inbound().len() == 1);
    assert!(
        sandbox.inbound()[0].outcome.is_ok(),
        "{:?}",
        sandbox.inbound()
    );
    let Some(Received::Inbound(inbound)) = deliveries.try_recv() else {
        panic!()
    };
    assert_eq!(inbound.message_id, id);
    assert_eq!(inbound.content, "STOP, thanks & bye");
    assert_eq!(inbound.sender, "447700900000");
    let debug = format!(
        "{sandbox:?} {:?} {:?}",
        sandbox.receipts(),
        sandbox.inbound()
    );
    assert!(!debug.contains(token.expose_secret()), "{debug}");
}

#[test]
fn failing_and_remote_receivers_are_recorded_and_nothing_leaves_loopback() {
    let sandbox = Sandbox::start().unwrap();
    assert_eq!(
        sandbox.send_inbound("447700900000", "447860000000", "hi"),
        None
    );
    // A port nothing listens on: bind one, then close it.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let token = ReceiptToken::generate().unwrap();
    let (service, _deliveries) = ReceiverService::new(Receiver::new(token));
    let served = serve(service);
    send(
        &sandbox,
        vec![
            Message::to("447700900000")
                .from("Example")
                .body("Hi")
                .with_client_ref("refused")
                .with_delivery_status_url(format!("http://{closed}/r")),
            Message::to("447700900001")
                .from("Example")
                .body("Hi")
                .with_client_ref("remote")
                .with_delivery_status_url("https://receipts.example.com/r"),
            Message::to("447700900002")
                .from("Example")
                .body("Hi")
                .with_client_ref("404")
                .with_delivery_status_url(format!("{}/wrong-token", served.base())),
        ],
    );
    wait_until("three attempts", || sandbox.receipts().len() == 3);
    let outcome = |client_ref: &str| {
        sandbox
            .receipts()
            .into_iter()
            .find(|d| d.client_ref.as_deref() == Some(client_ref))
            .unwrap()
            .outcome
    };
    assert!(
        matches!(outcome("refused"), DeliveryOutcome::Failed(_)),
        "{:?}",
        outcome("refused")
    );
    assert_eq!(outcome("remote"), DeliveryOutcome::NotLoopback);
    assert_eq!(outcome("404"), DeliveryOutcome::Answered(404));
}
