//! End-to-end with the async client: messages sent to the sandbox, receipts delivered to a
//! `ReceiverService` on 127.0.0.1 (scenarios in `receipts_support`).

mod receipts_support;

use dynmark_api::sandbox::Sandbox;
use dynmark_api::{Client, Message, SendReport};

fn send(sandbox: &Sandbox, messages: Vec<Message>) -> SendReport {
    let client = Client::builder()
        .credentials(Sandbox::USERNAME, Sandbox::PASSWORD)
        .base_url(sandbox.base_url())
        .build()
        .expect("client builds");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime
        .block_on(client.send(messages))
        .expect("every call answered")
}

#[test]
fn every_receipt_arrives_and_is_matched() {
    receipts_support::every_receipt_arrives_and_is_matched(send);
}

#[test]
fn a_wrong_token_is_refused() {
    receipts_support::a_wrong_token_is_refused(send);
}

#[test]
fn answers_while_the_handler_is_busy() {
    receipts_support::answers_while_the_handler_is_busy(send);
}
