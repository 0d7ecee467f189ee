//! The success path allocates nothing: validating a valid message (or a batch of them) makes no
//! heap allocation; a failure allocates only to record itself.

use dynmark_tests::alloc::{Counting, allocations_of};

use chrono::{TimeZone, Utc};
use dynmark_api::Message;
use dynmark_api::validation::Validate;

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn valid_messages_allocate_nothing() {
    let deliver = Utc.with_ymd_and_hms(2026, 5, 14, 9, 0, 0).unwrap();
    let full = Message::to("447700900000")
        .from("+447740101097")
        .body("Café: 5€ [ok]")
        .with_client_ref("é".repeat(64))
        .with_country_iso_code("GBR")
        .with_delivery_status_url("https://inbound.example.com:8443/SmsReceipts?id=1#x")
        .with_deliver_after(deliver)
        .with_valid_until(deliver + chrono::Duration::hours(1))
        .with_reject_unicode(true)
        .with_filter_set_name("default");
    let local = Message::to("07777 123123")
        .from("MAYFLOWER")
        .body("Hello")
        .with_country_iso_code("GBR");
    let batch = vec![
        full.clone(),
        local.clone(),
        Message::to("447700900001").from("Example").body("Hi"),
    ];

    for message in [&full, &local] {
        assert_eq!(allocations_of(|| assert!(message.validate().is_ok())), 0);
    }
    assert_eq!(allocations_of(|| assert!(batch.validate().is_ok())), 0);

    // A failure allocates (its path, code and details), and only then.
    let broken = full.clone().with_country_iso_code("GB");
    assert!(allocations_of(|| assert!(broken.validate().is_err())) > 0);
}
