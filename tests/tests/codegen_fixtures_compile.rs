//! Code generated from `dynmark-codegen`'s fixtures compiles and works, not only looks right in a
//! snapshot: schemas named like the standard items the generated code uses (`String`, `Vec`,
//! `Option`, `Result`, `From`, `Into`, `Visitor`, `Some`, `None`, `Ok`, `Err`, `Box`,
//! `Default`), an operation named `option`, properties and rule siblings named by keywords
//! (`type`, `match`, `final`, ...), and property names in capitals (`URL`, `CLIENT_REF`).
//!
//! `tests/build.rs` generates each fixture with the runtime path `::dynmark_api` (types and their
//! `Validate` impls) and `standard_names` also with `crate` (plus the `ItemOutcome` impls and
//! `mod operations`), against the stand-in of `dynmark-api`'s root below.

use dynmark_tests::failure_codes;

// A stand-in for `dynmark-api`'s root, which code generated with the runtime path `crate` names:
// the real derive and validation, and `operation` traits shaped as the real ones but speaking of
// the generated `ValidationFailure` (the real ones speak of dynmark-api's own).
use dynmark_api::{Validate, validation};

mod operation {
    pub use dynmark_api::operation::Method;

    /// `dynmark_api::operation::ItemOutcome`, over the stand-in's `ValidationFailure`.
    pub trait ItemOutcome {
        fn is_accepted(&self) -> bool;
        fn failures(&self) -> &[crate::inside::ValidationFailure];
        fn into_failures(self) -> Vec<crate::inside::ValidationFailure>;
    }

    /// `dynmark_api::operation::BatchOperation`, with the stand-in's `ItemOutcome`.
    pub trait BatchOperation {
        const OPERATION_ID: &'static str;
        const METHOD: Method;
        const PATH: &'static str;
        const ACCEPTED_STATUS: u16;
        const MAX_ITEMS_PER_CALL: usize;
        const ITEM_NAME: &'static str;
        type Item: serde::Serialize + dynmark_api::validation::Validate;
        type ItemResult: serde::de::DeserializeOwned + ItemOutcome;
    }
}

/// `standard_names` as included in `dynmark-api` (runtime path `crate`).
mod inside {
    #![allow(dead_code, missing_docs, clippy::all)]
    include!(concat!(
        env!("OUT_DIR"),
        "/fixture_standard_names_inside.rs"
    ));
}

/// `standard_names` for another crate (runtime path `::dynmark_api`).
mod names {
    #![allow(dead_code, missing_docs, clippy::all)]
    include!(concat!(env!("OUT_DIR"), "/fixture_standard_names.rs"));
}

mod keywords {
    #![allow(dead_code, missing_docs, clippy::all)]
    include!(concat!(env!("OUT_DIR"), "/fixture_keyword_siblings.rs"));
}

mod capitals {
    #![allow(dead_code, missing_docs, clippy::all)]
    include!(concat!(
        env!("OUT_DIR"),
        "/fixture_shouting_property_names.rs"
    ));
}

#[test]
fn schemas_named_like_standard_items_work() {
    let string = names::String::new("hello", names::Visitor::From);
    assert_eq!(string.validate(), Ok(()));
    assert_eq!(failure_codes(&names::String::new(" ", "Ok")), ["TextEmpty"]);
    assert_eq!(names::String::new("x", "Ok").kind, names::Visitor::Ok);

    let list = names::Vec::new(vec![string.clone().with_note("a note")])
        .with_options(names::Option::default().with_flag(true))
        .with_tags(vec!["t".to_owned()]);
    let json = serde_json::to_value(&list).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "items": [{"text": "hello", "kind": "From", "note": "a note"}],
            "options": {"flag": true},
            "tags": ["t"]
        })
    );
    assert_eq!(serde_json::from_value::<names::Vec>(json).unwrap(), list);
    assert_eq!(failure_codes(&names::Vec::new(Vec::new())), ["ItemsTooFew"]);

    let into = names::From::new(names::Into::new(string));
    assert_eq!(into.into.value.text, "hello");
    assert_eq!(names::Some::default().none, None);
    assert_eq!(
        names::None::default().with_some("x").some.as_deref(),
        Some("x")
    );
    assert_eq!(
        names::Ok::default().with_err(names::Err::new("e")).err,
        Some(names::Err::new("e"))
    );
    assert_eq!(
        names::Box::new(names::Default::default()).default.value,
        None
    );
    assert_eq!(names::Fmt::default().result, None);
}

#[test]
fn an_enum_with_variants_named_like_standard_items_reads_and_writes_its_strings() {
    for (text, variant) in [
        ("String", names::Visitor::String),
        ("From", names::Visitor::From),
        ("Into", names::Visitor::Into),
        ("Visitor", names::Visitor::Visitor),
        ("Ok", names::Visitor::Ok),
        ("None", names::Visitor::None),
    ] {
        let read: names::Visitor = serde_json::from_value(serde_json::json!(text)).unwrap();
        assert_eq!(read, variant);
        assert_eq!(variant.to_string(), text);
        assert_eq!(names::Visitor::from(text.to_owned()), variant);
    }
    assert_eq!(
        names::Visitor::from("Some"),
        names::Visitor::Other("Some".to_owned())
    );
}

#[test]
fn inside_the_runtime_the_operation_and_the_outcome_are_generated() {
    use operation::{BatchOperation, ItemOutcome};

    type Op = inside::operations::Option;
    assert_eq!(Op::OPERATION_ID, "option");
    assert_eq!(Op::METHOD, operation::Method::Post);
    assert_eq!(Op::PATH, "/api/strings");
    assert_eq!(Op::ACCEPTED_STATUS, 200);
    assert_eq!(Op::ITEM_NAME, "string");
    assert_eq!(Op::MAX_ITEMS_PER_CALL, 10);
    let item: <Op as BatchOperation>::Item = inside::String::new("x", "String");
    assert_eq!(item.validate(), Ok(()));

    // `final` and `type` are keywords: the outcome reads the raw fields.
    let failure = inside::ValidationFailure::new("TextEmpty");
    let result: <Op as BatchOperation>::ItemResult =
        inside::Result::new(false).with_type(vec![failure.clone()]);
    assert!(!result.is_accepted());
    assert_eq!(result.failures(), std::slice::from_ref(&failure));
    assert_eq!(result.into_failures(), [failure]);
    let accepted: inside::Result = serde_json::from_str(r#"{"final": true}"#).unwrap();
    assert!(accepted.is_accepted());
    assert!(accepted.failures().is_empty());
}

#[test]
fn rules_naming_keyword_siblings_work() {
    let local = keywords::Event::new("07700 900000");
    assert_eq!(failure_codes(&local), ["TypeLocalWithoutCountry"]);
    assert_eq!(
        failure_codes(&local.clone().with_match("GBR")),
        [] as [&str; 0]
    );

    let symbols = keywords::Event::new("447700900000").with_loop("✓");
    assert_eq!(failure_codes(&symbols), [] as [&str; 0]);
    assert_eq!(
        failure_codes(&symbols.with_async(true)),
        ["LoopContainsUnicode"]
    );

    let time = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap();
    let backwards = keywords::Event::new("447700900000")
        .with_final(time)
        .with_override(time);
    assert_eq!(failure_codes(&backwards), ["FinalNotAfterOverride"]);

    let json = serde_json::to_value(keywords::Event::new("1").with_match("GBR")).unwrap();
    assert_eq!(json, serde_json::json!({"type": "1", "match": "GBR"}));
}

/// The derive spells `URL`'s codes `UrlEmpty`; the generator accepted the fixture only because
/// its `FailureCode` lists the derive's spelling, so the reported code is a known variant.
#[test]
fn codes_of_properties_in_capitals_are_the_derives_and_known() {
    let empty = capitals::Link::new("");
    assert_eq!(failure_codes(&empty), ["UrlEmpty"]);
    assert_eq!(capitals::FailureCode::UrlEmpty.as_str(), "UrlEmpty");

    let long = capitals::Link::new("x")
        .with_client_ref("r".repeat(65))
        .with_http2_url("not a url");
    assert_eq!(
        failure_codes(&long),
        ["ClientRefTooLong", "Http2UrlInvalid"]
    );
    for code in failure_codes(&long) {
        assert!(capitals::FailureCode::from(code).is_known());
    }
}
