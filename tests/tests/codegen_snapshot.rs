//! The code generated from the real spec, as `dynmark-api`'s build script generates it (runtime
//! path `crate`). A change to the spec or to the generator shows up here as a diff of Rust, to be
//! reviewed before the snapshot is accepted. `cargo run -p dynmark-codegen -- --check
//! spec/dynmark.openapi.json` compares the same text without running the tests.

use dynmark_codegen::{Options, generate};

fn generated_code() -> String {
    generate(dynmark_spec::OPENAPI_JSON, &Options::inside_dynmark_api())
        .unwrap_or_else(|error| panic!("the spec no longer generates:\n{error}"))
}

#[test]
fn generated_code_matches_the_snapshot() {
    insta::assert_snapshot!("generated_code", generated_code());
}

#[test]
fn generation_is_deterministic() {
    let first = generated_code();
    for _ in 0..3 {
        assert_eq!(generated_code(), first);
    }
}

/// The build script and this snapshot use the same options, so the snapshot is what
/// `dynmark_api` compiles: its generated items are all here.
#[test]
fn the_snapshot_holds_every_type_dynmark_api_exposes() {
    let code = generated_code();
    for item in [
        "pub struct Message {",
        "pub struct MessageResult {",
        "pub struct ValidationFailure {",
        "pub struct CredentialsFailure {",
        "pub enum FailureCode {",
        "impl crate::operation::ItemOutcome for MessageResult {",
        "impl crate::operation::BatchOperation for SendMessages {",
    ] {
        assert!(code.contains(item), "missing `{item}`");
    }
}
