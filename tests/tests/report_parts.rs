//! The send report says what the accepted messages cost: each one's encoding and parts, and the
//! total, for both clients and the streaming send.

use dynmark_api::sandbox::Sandbox;
use dynmark_api::sms::{Encoding, Parts};
use dynmark_api::{Client, Message};
use futures_util::StreamExt as _;

fn messages() -> Vec<Message> {
    vec![
        // 1 part of GSM-7
        Message::to("447700900000")
            .from("Example")
            .body("Hello, this is a test message"),
        // rejected locally: its parts are not counted
        Message::to("447700900111").from("").body("no originator"),
        // 161 GSM-7 characters: 2 parts
        Message::to("447700900222")
            .from("Example")
            .body("a".repeat(161)),
        // one smart quote makes 150 characters UCS-2: 3 parts
        Message::to("447700900333")
            .from("Example")
            .body(format!("It’s {}", "a".repeat(145))),
    ]
}

fn client(sandbox: &Sandbox) -> Client {
    Client::builder()
        .credentials(Sandbox::USERNAME, Sandbox::PASSWORD)
        .base_url(sandbox.base_url())
        .build()
        .expect("a client")
}

#[tokio::test]
async fn the_report_totals_the_parts_of_the_accepted_messages() {
    let sandbox = Sandbox::start().expect("the sandbox starts");
    let client = client(&sandbox);
    let report = client.send(messages()).await.expect("a report");
    let parts: Vec<(usize, usize, Encoding)> = report
        .accepted_parts()
        .map(|(index, parts)| (index, parts.count(), parts.encoding()))
        .collect();
    assert_eq!(
        parts,
        [
            (0, 1, Encoding::Gsm7),
            (2, 2, Encoding::Gsm7),
            (3, 3, Encoding::Ucs2)
        ]
    );
    assert_eq!(report.parts_accepted(), 6);
}

#[tokio::test]
async fn each_streamed_outcome_carries_its_parts() {
    let sandbox = Sandbox::start().expect("the sandbox starts");
    let client = client(&sandbox);
    let outcomes: Vec<_> = client
        .send_stream(futures_util::stream::iter(messages()))
        .collect()
        .await;
    assert_eq!(outcomes.len(), 4);
    for outcome in &outcomes {
        assert_eq!(outcome.parts(), Parts::of(&outcome.message.body));
    }
    let billed: usize = outcomes
        .iter()
        .filter(|outcome| outcome.outcome.is_accepted())
        .map(|outcome| outcome.parts().count())
        .sum();
    assert_eq!(billed, 6);
}

#[test]
fn the_blocking_report_totals_them_too() {
    let sandbox = Sandbox::start().expect("the sandbox starts");
    let client = dynmark_api::blocking::Client::builder()
        .credentials(Sandbox::USERNAME, Sandbox::PASSWORD)
        .base_url(sandbox.base_url())
        .build()
        .expect("a client");
    let report = client.send(messages()).expect("a report");
    assert_eq!(report.parts_accepted(), 6);
    assert_eq!(report.accepted_parts().count(), 3);
}
