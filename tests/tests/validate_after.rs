//! `after = sibling`: a date-time later than the sibling's, when both are set
//! (`{P}NotAfter{Q}`).

use chrono::{DateTime, FixedOffset, Utc};
use dynmark_api::Message;
use dynmark_api::validation::Validate;

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("RFC 3339")
        .with_timezone(&Utc)
}

fn codes(message: &Message) -> Vec<String> {
    dynmark_tests::failure_codes(&message)
}

fn base() -> Message {
    Message::to("447700900000").from("Example").body("Hello")
}

#[test]
fn valid_until_after_deliver_after() {
    let deliver = utc("2026-01-01T10:00:00Z");
    assert!(
        codes(
            &base()
                .with_deliver_after(deliver)
                .with_valid_until(utc("2026-01-01T10:00:00.001Z"))
        )
        .is_empty()
    );
    assert_eq!(
        codes(&base().with_deliver_after(deliver).with_valid_until(deliver)),
        ["ValidUntilNotAfterDeliverAfter"]
    );
    assert_eq!(
        codes(
            &base()
                .with_deliver_after(deliver)
                .with_valid_until(utc("2026-01-01T09:59:59Z"))
        ),
        ["ValidUntilNotAfterDeliverAfter"]
    );
    // Only when both are set.
    assert!(codes(&base().with_valid_until(utc("2000-01-01T00:00:00Z"))).is_empty());
    assert!(codes(&base().with_deliver_after(deliver)).is_empty());
}

/// Times written with an offset are compared as instants: 12:00+02:00 is 10:00Z, earlier than
/// 11:00Z even though "12" > "11".
#[test]
fn non_utc_offsets_are_compared_as_instants() {
    let json = serde_json::json!({
        "to": "447700900000",
        "from": "Example",
        "body": "Hello",
        "deliverAfter": "2026-01-01T12:00:00+02:00",
        "validUntil": "2026-01-01T11:00:00Z"
    });
    let message: Message = serde_json::from_value(json).expect("a Message");
    assert!(codes(&message).is_empty());

    // 06:00-05:00 is 11:00Z: after 10:30Z although "06" < "10".
    let message = message_with("2026-01-01T10:30:00Z", "2026-01-01T06:00:00-05:00");
    assert!(codes(&message).is_empty());
    // 12:00+02:00 is 10:00Z: before 10:30Z although "12" > "10".
    let message = message_with("2026-01-01T10:30:00Z", "2026-01-01T12:00:00+02:00");
    assert_eq!(codes(&message), ["ValidUntilNotAfterDeliverAfter"]);
}

fn message_with(deliver_after: &str, valid_until: &str) -> Message {
    let json = serde_json::json!({
        "to": "447700900000",
        "from": "Example",
        "body": "Hello",
        "deliverAfter": deliver_after,
        "validUntil": valid_until
    });
    serde_json::from_value(json).expect("a Message")
}

#[test]
fn the_details_show_both_instants() {
    let deliver = utc("2026-01-01T10:00:00Z");
    let report = base()
        .with_deliver_after(deliver)
        .with_valid_until(utc("2026-01-01T09:00:00Z"))
        .validate()
        .unwrap_err();
    let failure = &report.failures()[0];
    assert_eq!(failure.property.as_deref(), Some("validUntil"));
    assert_eq!(
        failure.details,
        "validUntil (2026-01-01T09:00:00Z) is not after deliverAfter (2026-01-01T10:00:00Z); it must be later"
    );
}

#[derive(serde::Serialize, dynmark_api::Validate)]
#[serde(rename_all = "kebab-case")]
struct Booking {
    starts_at: DateTime<FixedOffset>,
    #[validate(after = starts_at)]
    ends_at: DateTime<FixedOffset>,
    #[validate(after = starts_at)]
    reminder_at: Option<DateTime<Utc>>,
}

#[test]
fn user_struct_with_offsets() {
    let fixed = |text: &str| DateTime::parse_from_rfc3339(text).expect("RFC 3339");
    let booking = |starts: &str, ends: &str, reminder: Option<&str>| Booking {
        starts_at: fixed(starts),
        ends_at: fixed(ends),
        reminder_at: reminder.map(utc),
    };
    let codes = |b: Booking| {
        b.validate().err().map_or_else(Vec::new, |r| {
            r.into_failures()
                .into_iter()
                .map(|f| (f.property.unwrap(), f.failure_code.to_string()))
                .collect::<Vec<_>>()
        })
    };
    // 09:00+01:00 is 08:00Z; 08:30Z ends after it although "08:30" < "09:00".
    assert!(
        codes(booking(
            "2026-05-01T09:00:00+01:00",
            "2026-05-01T08:30:00+00:00",
            None
        ))
        .is_empty()
    );
    assert_eq!(
        codes(booking(
            "2026-05-01T09:00:00+01:00",
            "2026-05-01T08:00:00Z",
            Some("2026-05-01T07:59:00Z")
        )),
        [
            ("ends-at".to_owned(), "EndsAtNotAfterStartsAt".to_owned()),
            (
                "reminder-at".to_owned(),
                "ReminderAtNotAfterStartsAt".to_owned()
            ),
        ]
    );
}
