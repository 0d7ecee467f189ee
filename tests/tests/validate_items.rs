//! `items(min, max)`: the number of items of a list (`{P}TooFew`, `{P}TooMany`).

use dynmark_api::Message;
use dynmark_api::validation::Validate;

/// A batch as the service takes it: 1 to 250 messages a call.
#[derive(dynmark_api::Validate)]
struct Batch {
    #[validate(items(min = 1, max = 250), nested)]
    message: Vec<Message>,
    #[validate(items(max = 2))]
    tags: Option<Vec<String>>,
}

fn message() -> Message {
    Message::to("447700900000").from("Example").body("Hello")
}

fn codes(batch: &Batch) -> Vec<String> {
    dynmark_tests::failure_codes(&batch)
}

#[test]
fn bounds_are_inclusive() {
    assert!(
        codes(&Batch {
            message: vec![message()],
            tags: None
        })
        .is_empty()
    );
    assert!(
        codes(&Batch {
            message: vec![message(); 250],
            tags: Some(vec!["a".into(), "b".into()])
        })
        .is_empty()
    );
    assert_eq!(
        codes(&Batch {
            message: Vec::new(),
            tags: None
        }),
        ["MessageTooFew"]
    );
    assert_eq!(
        codes(&Batch {
            message: vec![message(); 251],
            tags: Some(vec![String::new(); 3])
        }),
        ["MessageTooMany", "TagsTooMany"]
    );
}

#[test]
fn the_details_count_items() {
    let report = Batch {
        message: vec![message(); 251],
        tags: None,
    }
    .validate()
    .unwrap_err();
    let failure = &report.failures()[0];
    assert_eq!(failure.property.as_deref(), Some("message"));
    assert_eq!(
        failure.details,
        "message has 251 items; at most 250 are allowed"
    );
    let report = Batch {
        message: Vec::new(),
        tags: None,
    }
    .validate()
    .unwrap_err();
    assert_eq!(
        report.failures()[0].details,
        "message has 0 items; at least 1 is required"
    );
}

#[test]
fn the_generated_operation_limit_matches() {
    use dynmark_api::operation::BatchOperation;
    assert_eq!(
        <dynmark_api::operations::SendMessages as BatchOperation>::MAX_ITEMS_PER_CALL,
        250
    );
}
