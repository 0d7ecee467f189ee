//! Changing a constraint in the spec changes the validation: `build.rs` generated `Message` again
//! from a copy of the spec whose `clientRef` `maxLength` is 10 instead of 64.

use dynmark_api::validation::Validate;

/// `Message` generated from the modified spec (runtime path `::dynmark_api`).
mod modified {
    #![allow(dead_code, missing_docs, unused_imports, clippy::all)]
    include!(concat!(env!("OUT_DIR"), "/modified_spec.rs"));
}

const TWENTY: &str = "twenty-characters-ok";

#[test]
fn a_20_character_client_ref_passes_the_real_message_and_fails_the_modified_one() {
    assert_eq!(TWENTY.chars().count(), 20);

    let real = dynmark_api::Message::to("447700900000")
        .from("Example")
        .body("Hello")
        .with_client_ref(TWENTY);
    assert_eq!(real.validate(), Ok(()));

    let modified = modified::Message::to("447700900000")
        .from("Example")
        .body("Hello")
        .with_client_ref(TWENTY);
    let report = modified
        .validate()
        .expect_err("clientRef is limited to 10 characters there");
    let failures = report.failures();
    assert_eq!(failures.len(), 1, "{report}");
    assert_eq!(failures[0].property.as_deref(), Some("clientRef"));
    assert_eq!(failures[0].failure_code.as_str(), "ClientRefTooLong");
    assert_eq!(
        failures[0].details,
        "clientRef is 20 characters long; at most 10 are allowed"
    );
}

#[test]
fn the_modified_limit_is_exactly_10() {
    let at_limit = modified::Message::to("447700900000")
        .from("Example")
        .body("Hello")
        .with_client_ref("0123456789");
    assert_eq!(at_limit.validate(), Ok(()));
    let over = modified::Message::to("447700900000")
        .from("Example")
        .body("Hello")
        .with_client_ref("0123456789A");
    assert!(over.validate().is_err());
}
