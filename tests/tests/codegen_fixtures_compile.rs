//! Code generated from `dynmark-codegen`'s fixtures compiles and works, not only looks right in a
//! snapshot: schemas named like the standard items the generated code uses (`String`, `Vec`,
//! `Option`, `Result`, `From`, `Into`, `Visitor`, `Some`, `None`, `Ok`, `Err`, `Box`,
//! `Default`), an operation named `option`, properties and rule siblings named by keywords
//! (`type`, `match`, `final`, ...), property names in capitals (`URL`, `CLIENT_REF`), and
//! general operations (path and query parameters, object and array bodies, answers by status)
//! driven through the real sans-IO core.
//!
//! `tests/build.rs` generates each fixture with the runtime path `::dynmark_api` (types and their
//! `Validate` impls) and `standard_names` also with `crate` (plus the `ItemOutcome` impls and
//! `mod operations`), against the stand-in of `dynmark-api`'s root below.

use dynmark_tests::failure_codes;

// A stand-in for `dynmark-api`'s root, which code generated with the runtime path `crate` names:
// the real derive and validation, and `operation` traits shaped as the real ones but speaking of
// the generated `ValidationFailure` (the real ones speak of dynmark-api's own).
use dynmark_api::{UnknownValue, Validate, json, validation};

mod operation {
    // A general operation's answer holds the generated types themselves: the real trait fits.
    pub use dynmark_api::operation::{JsonError, Method, Operation, json, text};

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

        fn write_item(item: &Self::Item, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
            serde_json::to_writer(out, item)
        }
    }
}

/// `standard_names` as included in `dynmark-api` (runtime path `crate`).
mod inside {
    #![allow(dead_code, missing_docs, unused_imports, clippy::all)]
    include!(concat!(
        env!("OUT_DIR"),
        "/fixture_standard_names_inside.rs"
    ));
}

/// `standard_names` for another crate (runtime path `::dynmark_api`).
mod names {
    #![allow(dead_code, missing_docs, unused_imports, clippy::all)]
    include!(concat!(env!("OUT_DIR"), "/fixture_standard_names.rs"));
}

/// Path and query parameters (`crate`: with their operation).
mod parameters {
    #![allow(dead_code, missing_docs, unused_imports, clippy::all)]
    include!(concat!(env!("OUT_DIR"), "/fixture_parameters_inside.rs"));
}

/// Object and array bodies; 201, 204, 400 JSON, 409 text, 401 (`crate`: with the operations).
mod answers {
    #![allow(dead_code, missing_docs, unused_imports, clippy::all)]
    include!(concat!(env!("OUT_DIR"), "/fixture_answers_inside.rs"));
}

/// Structs with two, three and one required fields (runtime path `::dynmark_api`).
mod steps {
    #![allow(dead_code, missing_docs, unused_imports, clippy::all)]
    include!(concat!(env!("OUT_DIR"), "/fixture_required_field_steps.rs"));
}

/// An open set of integers (runtime path `::dynmark_api`).
mod levels {
    #![allow(dead_code, missing_docs, unused_imports, clippy::all)]
    include!(concat!(env!("OUT_DIR"), "/fixture_open_integer_enum.rs"));
}

mod keywords {
    #![allow(dead_code, missing_docs, unused_imports, clippy::all)]
    include!(concat!(env!("OUT_DIR"), "/fixture_keyword_siblings.rs"));
}

mod capitals {
    #![allow(dead_code, missing_docs, unused_imports, clippy::all)]
    include!(concat!(
        env!("OUT_DIR"),
        "/fixture_shouting_property_names.rs"
    ));
}

#[test]
fn schemas_named_like_standard_items_work() {
    let string = names::String::text("hello").kind(names::Visitor::From);
    assert_eq!(string.validate(), Ok(()));
    assert_eq!(
        failure_codes(&names::String::text(" ").kind("Ok")),
        ["TextEmpty"]
    );
    assert_eq!(names::String::text("x").kind("Ok").kind, names::Visitor::Ok);

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
    let unknown = names::Visitor::from("Some");
    assert!(matches!(&unknown, names::Visitor::Other(value) if value.as_str() == "Some"));
    assert_eq!(unknown.as_str(), "Some");
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
    let item: <Op as BatchOperation>::Item = inside::String::text("x").kind("String");
    assert_eq!(item.validate(), Ok(()));
    // The generated writer gives serde_json's bytes, renamed and keyword members included.
    for item in [item.clone(), item.clone().with_note("a \"note\"\n")] {
        let mut written = Vec::new();
        Op::write_item(&item, &mut written).unwrap();
        assert_eq!(
            String::from_utf8(written).unwrap(),
            serde_json::to_string(&item).unwrap()
        );
    }

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

fn endpoint() -> dynmark_api::protocol::Endpoint {
    let base_url = dynmark_api::protocol::BaseUrl::parse("http://127.0.0.1:9", false).unwrap();
    dynmark_api::protocol::Endpoint::new(base_url, dynmark_api::Credentials::new("user", "pw"))
}

fn response(status: u16, body: &str) -> dynmark_api::protocol::HttpResponse {
    dynmark_api::protocol::HttpResponse::new(status, None, body.as_bytes().to_vec())
}

#[test]
fn path_and_query_parameters_are_typed_validated_and_encoded() {
    use operation::Operation;
    use parameters::operations::{ListLines, ListLinesAnswer};

    type Op = ListLines;
    assert_eq!(Op::OPERATION_ID, "listLines");
    assert_eq!(Op::METHOD, operation::Method::Get);
    let id = "3f2c8a4e-6b1d-4c9a-9e7f-2a5b8c1d0e6f";
    let call = ListLines::note_id(id)
        .limit(20)
        .with_verbose(true)
        .with_tag("a&b c");
    assert_eq!(call.validate(), Ok(()));
    assert_eq!(call.body(), None);
    assert_eq!(
        endpoint().operation_url(&call).unwrap(),
        format!("http://127.0.0.1:9/notes/{id}/lines?limit=20&verbose=true&tag=a%26b+c")
    );
    // Optional parameters left out are not sent.
    assert_eq!(
        endpoint()
            .operation_url(&ListLines::note_id(id).limit(-1))
            .unwrap(),
        format!("http://127.0.0.1:9/notes/{id}/lines?limit=-1")
    );
    // The spec's constraints on parameters are checked locally.
    let wrong = ListLines::note_id("not/a/uuid")
        .limit(1)
        .with_tag("t".repeat(21));
    assert_eq!(failure_codes(&wrong), ["NoteIdInvalid", "TagTooLong"]);
    // Failure paths name parameters as the spec does.
    let failures = wrong.validate().unwrap_err().into_failures();
    assert_eq!(failures[0].property.as_deref(), Some("noteId"));

    let answer = endpoint()
        .read_answer::<ListLines>(&response(200, r#"{"text": "hello", "lines": 3}"#))
        .unwrap();
    let ListLinesAnswer::Ok(note) = &answer;
    assert_eq!((note.text.as_str(), note.lines), ("hello", Some(3)));
    assert_eq!(answer.status(), 200);
    // The 401 is the common failure, not a variant.
    let refused = endpoint()
        .read_answer::<ListLines>(&response(401, "No authorization header supplied"))
        .unwrap_err();
    assert!(refused.is_unauthorized());
}

#[test]
fn object_and_array_bodies_and_every_documented_answer_work() {
    use answers::operations::{
        CheckNote, CheckNoteAnswer, CreateNote, CreateNoteAnswer, LookUpNotes, LookUpNotesAnswer,
    };
    use operation::Operation;

    // An object body, its failures named as the service names its members (`text`, not
    // `body.text`).
    let create = CreateNote::new(answers::Note::new(" "));
    let failures = create.validate().unwrap_err().into_failures();
    assert_eq!(failures[0].property.as_deref(), Some("text"));
    assert_eq!(failures[0].failure_code.as_str(), "TextEmpty");
    let request = endpoint()
        .operation_request(&CreateNote::new(answers::Note::new("hi")))
        .unwrap();
    assert_eq!(request.method, operation::Method::Post);
    assert_eq!(request.url, "http://127.0.0.1:9/notes");
    assert_eq!(&request.body[..], br#"{"text":"hi"}"#);

    let created = endpoint()
        .read_answer::<CreateNote>(&response(201, r#"{"id": "n1", "text": "hi"}"#))
        .unwrap();
    assert!(
        matches!(&created, CreateNoteAnswer::Created(note) if note.id.as_deref() == Some("n1"))
    );
    assert_eq!(created.status(), 201);
    let invalid = endpoint()
        .read_answer::<CreateNote>(&response(
            400,
            r#"[{"property": "text", "failureCode": "SomethingNew", "details": "no"}]"#,
        ))
        .unwrap();
    let CreateNoteAnswer::Invalid(failures) = invalid else {
        panic!("{invalid:?}");
    };
    assert_eq!(failures[0].failure_code.as_str(), "SomethingNew");
    assert!(!failures[0].failure_code.is_known());

    // A path parameter and an object body; 200 JSON, 204 nothing, 409 text.
    let check = CheckNote::note_id("n 1").body(answers::Check::new("1234"));
    assert_eq!(CheckNote::PATH, "/notes/{noteId}/check");
    let request = endpoint().operation_request(&check).unwrap();
    assert_eq!(request.url, "http://127.0.0.1:9/notes/n%201/check");
    assert_eq!(&request.body[..], br#"{"code":"1234"}"#);
    assert_eq!(
        failure_codes(&CheckNote::note_id("n").body(answers::Check::new("1234567"))),
        ["CodeTooLong"]
    );
    let checked = endpoint()
        .read_answer::<CheckNote>(&response(200, r#"{"status": "Matched"}"#))
        .unwrap();
    assert!(
        matches!(checked, CheckNoteAnswer::Ok(ref r) if r.status == answers::CheckStatus::Matched)
    );
    let unknown = endpoint()
        .read_answer::<CheckNote>(&response(200, r#"{"status": "Expired"}"#))
        .unwrap();
    assert!(matches!(unknown, CheckNoteAnswer::Ok(ref r) if r.status.as_str() == "Expired"));
    assert_eq!(
        endpoint()
            .read_answer::<CheckNote>(&response(204, ""))
            .unwrap(),
        CheckNoteAnswer::NotFound
    );
    assert_eq!(
        endpoint()
            .read_answer::<CheckNote>(&response(409, "being edited"))
            .unwrap(),
        CheckNoteAnswer::Conflict("being edited".into())
    );
    let unlisted = endpoint()
        .read_answer::<CheckNote>(&response(404, "nope"))
        .unwrap_err();
    assert!(matches!(
        unlisted,
        dynmark_api::CallError::Status { status: 404, .. }
    ));

    // An array body and an array answer.
    let lookup = LookUpNotes::new(vec![answers::Note::new("a"), answers::Note::new("")]);
    let failures = lookup.validate().unwrap_err().into_failures();
    assert_eq!(failures[0].property.as_deref(), Some("[1].text"));
    let found = endpoint()
        .read_answer::<LookUpNotes>(&response(200, r#"[{"text": "a"}, {"text": "b"}]"#))
        .unwrap();
    let LookUpNotesAnswer::Ok(notes) = found;
    assert_eq!(notes.len(), 2);
}

#[test]
fn structs_with_several_required_fields_are_built_in_named_steps() {
    let letter = steps::Letter::from("Ann").to("Bob").body("Hi Bob");
    assert_eq!(
        (
            letter.from.as_str(),
            letter.to.as_str(),
            letter.body.as_str()
        ),
        ("Ann", "Bob", "Hi Bob")
    );
    assert_eq!(letter.postscript, None);
    // The optional fields keep their setters after the last step.
    let signed = letter.clone().with_postscript("PS");
    assert_eq!(
        serde_json::to_value(&signed).unwrap(),
        serde_json::json!({"from": "Ann", "to": "Bob", "body": "Hi Bob", "postscript": "PS"})
    );
    assert_eq!(letter.validate(), Ok(()));
    assert_eq!(
        failure_codes(&steps::Letter::from("").to(" ").body("x")),
        ["FromEmpty", "ToEmpty"]
    );

    // A step can be kept and reused: one sender, many recipients.
    let from_ann = steps::Letter::from("Ann");
    let letters: Vec<steps::Letter> = ["Bob", "Cy"]
        .into_iter()
        .map(|to| from_ann.clone().to(to).body("Hello"))
        .collect();
    assert_eq!(letters[1].to, "Cy");
    assert_eq!(letters[1].from, "Ann");
    // Each step shows what it holds.
    assert_eq!(
        format!("{:?}", steps::Letter::from("Ann").to("Bob")),
        r#"LetterNeedsBody { from: "Ann", to: "Bob" }"#
    );

    // The deprecated `new` still builds the same value, by position.
    #[allow(deprecated)]
    let by_position = steps::Letter::new("Ann", "Bob", "Hi Bob");
    assert_eq!(by_position, letter);

    // Keywords are raw identifiers, as a step or as the start.
    let label = steps::Label::text("Sale").r#type("Bold");
    assert_eq!(label.r#type, steps::Kind::Bold);
    assert_eq!(
        serde_json::to_value(&label).unwrap(),
        serde_json::json!({"text": "Sale", "type": "Bold"})
    );
    let tag = steps::Tag::r#type("size").weight(3);
    assert_eq!((tag.r#type.as_str(), tag.weight), ("size", 3));

    // One required field keeps `new`.
    assert_eq!(
        steps::Note::new("x").with_tag("t").tag.as_deref(),
        Some("t")
    );
}

#[test]
fn an_open_integer_enum_keeps_unknown_numbers_and_writes_numbers() {
    use levels::{Level, Reading};

    for (number, level) in [
        (-1, Level::Below),
        (0, Level::None),
        (2, Level::TwoUp),
        (10, Level::TEN),
    ] {
        let read: Reading = serde_json::from_value(serde_json::json!({"level": number})).unwrap();
        assert_eq!(read.level, level);
        assert!(level.is_known());
        assert_eq!(level.as_i64(), number);
        assert_eq!(level.to_string(), number.to_string());
        assert_eq!(
            serde_json::to_value(&read).unwrap(),
            serde_json::json!({"level": number})
        );
    }
    // Any other integer is kept, never a parse error, and written back as it came.
    let read: Reading = serde_json::from_str(r#"{"level": 7}"#).unwrap();
    assert!(matches!(read.level, Level::Other(value) if value.as_i64() == 7));
    assert!(!read.level.is_known());
    assert_eq!(read.level, Level::from(7));
    assert_eq!(serde_json::to_string(&read).unwrap(), r#"{"level":7}"#);
    let big: Reading = serde_json::from_str(r#"{"level": -9223372036854775808}"#).unwrap();
    assert_eq!(big.level.as_i64(), i64::MIN);
    // What is not an integer of this range is an error that says so.
    for wrong in [
        r#"{"level": "2"}"#,
        r#"{"level": 2.5}"#,
        r#"{"level": 18446744073709551615}"#,
    ] {
        let error = serde_json::from_str::<Reading>(wrong).unwrap_err();
        assert!(
            error.to_string().contains("a Level integer"),
            "{wrong}: {error}"
        );
    }
}
