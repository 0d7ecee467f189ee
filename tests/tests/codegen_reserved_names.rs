//! `dynmark-api` includes the generated code at its root, beside items written by hand. The
//! generated types live in `mod types` and are re-exported there by name (`pub use
//! types::{Message, ...}`), never with a glob: a schema named like a hand-written root item
//! (`Client`, `SendReport`, ...) is then a compile error (E0255, the name is defined twice)
//! instead of a type silently hidden by the item, as a glob re-export would let happen. No
//! list of reserved names is needed; these tests keep the re-export explicit.

use dynmark_codegen::{Options, generate};

/// The names of the top-level `pub use types::{...};` of generated code.
fn reexported(code: &str) -> Vec<String> {
    let start = code
        .find("\npub use types::{")
        .map(|at| at + "\npub use types::{".len());
    let Some(start) = start else {
        // A single name is written without braces.
        return code
            .lines()
            .filter_map(|line| line.strip_prefix("pub use types::"))
            .map(|rest| rest.trim_end_matches(';').to_owned())
            .collect();
    };
    let end = start + code[start..].find("};").expect("the re-export is closed");
    code[start..end]
        .split(',')
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .collect()
}

fn schema_names(spec: &str) -> Vec<String> {
    let spec: serde_json::Value = serde_json::from_str(spec).unwrap();
    spec["components"]["schemas"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect()
}

#[test]
fn every_generated_type_is_re_exported_by_name_never_by_glob() {
    for options in [Options::inside_dynmark_api(), Options::default()] {
        let code = generate(dynmark_spec::OPENAPI_JSON, &options).unwrap();
        let mut names = reexported(&code);
        let mut expected = schema_names(dynmark_spec::OPENAPI_JSON);
        names.sort();
        expected.sort();
        assert_eq!(names, expected);
        assert!(code.contains("\npub mod types {"), "{code}");
        let globs: Vec<&str> = code
            .lines()
            .filter(|line| line.trim_start().starts_with("pub use") && line.contains('*'))
            .collect();
        assert!(globs.is_empty(), "{globs:?}");
    }
}

#[test]
fn dynmark_api_includes_the_generated_code_at_its_root_without_a_glob() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../dynmark-api/src/lib.rs");
    let source = std::fs::read_to_string(path).expect("dynmark-api/src/lib.rs");
    let code: Vec<&str> = source
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect();
    assert!(
        code.iter()
            .any(|line| line.starts_with("include!(") && line.contains("dynmark_generated.rs")),
        "lib.rs must include the generated code at its root, so the types' re-export sits beside \
         the hand-written items"
    );
    let globs: Vec<&&str> = code
        .iter()
        .filter(|line| line.contains("pub use") && line.contains("::*"))
        .collect();
    assert!(
        globs.is_empty(),
        "a glob re-export at dynmark-api's root would let a hand-written item hide a generated \
         type: {globs:?}"
    );
}

#[test]
fn a_schema_may_be_named_like_a_root_item_of_dynmark_api_elsewhere() {
    // Outside dynmark-api nothing clashes: the generator accepts the name and re-exports it.
    let spec = r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
        "components": {"schemas": {"Client": {"type": "object", "properties": {}}}}}"#;
    let code = generate(spec, &Options::default()).unwrap();
    assert_eq!(reexported(&code), ["Client"]);
}
