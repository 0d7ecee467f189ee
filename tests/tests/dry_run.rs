//! `dynmark_api::dry_run`: each message's validation result, encoding and parts, and the
//! totals, with no network; the JSON shape is snapshotted.

use dynmark_api::Message;
use dynmark_api::dry_run::{DryRun, DryRunMessage, DryRunTotals};
use dynmark_api::sms::Encoding;

/// The page's request examples, a UCS-2 message, a long one and two the service would refuse.
fn messages() -> Vec<Message> {
    let text = "Hello, this is a test message";
    vec![
        Message::to("447700900000")
            .from("Example")
            .body(text)
            .with_client_ref("Your reference"),
        Message::to("447700900000")
            .from("Example")
            .body(text)
            .with_delivery_status_url("https://inbound.example.com/SmsReceipts")
            .with_client_ref("Your reference"),
        Message::to("07777 123123")
            .from("Example")
            .body(text)
            .with_country_iso_code("GBR")
            .with_client_ref("Your reference"),
        Message::to("447700900000")
            .from("Example")
            .body(text)
            .with_client_ref("Your reference"),
        Message::to("447700900111")
            .from("Example")
            .body(text)
            .with_client_ref("Your second reference"),
        Message::to("447700900222")
            .from("Example")
            .body("Your table is ready 🍽️ – see you soon"),
        Message::to("447700900333")
            .from("Example")
            .body("a".repeat(200)),
        Message::to("447700900444").from("").body(text),
        Message::to("447700900555")
            .from("Example")
            .body("Crêpes 😀")
            .with_reject_unicode(true),
    ]
}

#[test]
fn the_pages_examples() {
    let messages = messages();
    let dry_run = DryRun::of(&messages);
    let totals = dry_run.totals();
    assert_eq!(
        (totals.messages, totals.valid, totals.invalid, totals.parts),
        (9, 7, 2, 8)
    );
    assert_eq!(
        (
            totals.by_encoding.gsm7.messages,
            totals.by_encoding.gsm7.parts
        ),
        (6, 7)
    );
    assert_eq!(
        (
            totals.by_encoding.ucs2.messages,
            totals.by_encoding.ucs2.parts
        ),
        (1, 1)
    );
    let per_message = dry_run.messages();
    assert_eq!(per_message.len(), 9);
    assert!(per_message.iter().enumerate().all(|(i, m)| m.index == i));
    assert_eq!(per_message[5].encoding(), Encoding::Ucs2);
    assert_eq!(per_message[6].parts.count(), 2);
    assert!(!per_message[7].is_valid());
    assert_eq!(
        per_message[7].validation_failures[0].property.as_deref(),
        Some("from")
    );
    assert_eq!(
        per_message[8].validation_failures[0]
            .failure_code
            .to_string(),
        "BodyContainsUnicode"
    );
    assert_eq!(
        totals.to_string(),
        "9 messages: 7 valid, 2 invalid; 8 parts (GSM-7: 6 messages, 7 parts; UCS-2: 1 message, 1 part)"
    );
    assert_eq!(
        per_message[0].to_string(),
        "#0 to 447700900000: GSM-7, 1 part (29 septets)"
    );
    assert_eq!(
        per_message[7].to_string(),
        "#7 to 447700900444: GSM-7, 1 part (29 septets), invalid: from: from is empty; a value other than whitespace is required (FromEmpty)"
    );
    insta::assert_json_snapshot!("dry_run_of_the_pages_examples", dry_run);
}

#[test]
fn totals_stream_one_message_at_a_time() {
    let messages = messages();
    let whole = DryRun::of(&messages);
    let mut streamed = DryRunTotals::new();
    for (index, message) in messages.iter().enumerate() {
        streamed.add(&DryRunMessage::of(index, message));
    }
    assert_eq!(&streamed, whole.totals());

    // Two halves measured apart, then merged.
    let (first, second) = messages.split_at(4);
    let mut left = DryRunTotals::new();
    left.extend(&DryRun::of(first).messages().to_vec());
    let mut right = DryRunTotals::new();
    right.extend(DryRun::of(second).messages());
    left.merge(&right);
    assert_eq!(&left, whole.totals());
}

#[test]
fn an_empty_batch() {
    let dry_run = DryRun::of(&[]);
    assert_eq!(*dry_run.totals(), DryRunTotals::new());
    assert_eq!(
        serde_json::to_value(&dry_run).unwrap(),
        serde_json::json!({
            "totals": {
                "messages": 0, "valid": 0, "invalid": 0, "parts": 0,
                "byEncoding": {
                    "GSM-7": {"messages": 0, "parts": 0},
                    "UCS-2": {"messages": 0, "parts": 0}
                }
            },
            "perMessage": []
        })
    );
}
