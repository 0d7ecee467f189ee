//! One fixture spec per supported construct (its generated code snapshotted) and one per refused
//! construct (its error message snapshotted). The fixtures live in `tests/fixtures/`.

use dynmark_codegen::{Error, Options, generate};

fn fixture(kind: &str, name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/{kind}/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("cannot read {path}: {error}"))
}

/// The code generated from a supported fixture, as `dynmark-api`'s build script generates it.
fn generated(name: &str) -> String {
    match generate(&fixture("supported", name), &Options::inside_dynmark_api()) {
        Ok(code) => code,
        Err(error) => panic!("fixture {name} should be supported, but:\n{error}"),
    }
}

/// The error a refused fixture produces.
fn refused(name: &str) -> String {
    match generate(&fixture("refused", name), &Options::default()) {
        Ok(code) => panic!("fixture {name} should be refused, but generated:\n{code}"),
        Err(error) => error.to_string(),
    }
}

macro_rules! supported {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                insta::assert_snapshot!(concat!("supported__", stringify!($name)), generated(stringify!($name)));
            }
        )*
    };
}

macro_rules! refused {
    ($($name:ident),* $(,)?) => {
        mod refused {
            use super::refused;
            $(
                #[test]
                fn $name() {
                    insta::assert_snapshot!(stringify!($name), refused(stringify!($name)));
                }
            )*
        }
    };
}

supported!(
    object_fields,
    extensible_enum,
    open_enum,
    nullable_optional_fields,
    validation_rules,
    aliases_and_unknown_fields,
    batch_operation,
    shouting_property_names,
    standard_names,
    keyword_siblings,
    recursion_through_an_array,
    descriptions_with_code,
    parameters,
    answers,
    callbacks_and_webhooks,
    secret_fields,
    required_field_steps,
    open_integer_enum,
);

refused!(
    step_name_clash,
    open_integer_enum_malformed,
    number_property,
    header_parameter,
    array_parameter,
    undeclared_path_parameter,
    batch_with_parameters,
    optional_request_body,
    two_media_types,
    answer_variant_clash,
    status_without_variant_name,
    status_range,
    parameter_code_not_listed,
    nullable_required,
    open_enum_malformed,
    all_of,
    one_of_property,
    inline_object,
    unknown_format,
    unknown_extension,
    unanchored_pattern,
    invalid_pattern,
    ref_with_siblings,
    dangling_ref,
    missing_failure_codes,
    no_failure_code_enum,
    sibling_of_wrong_type,
    closed_enum,
    enum_value_clash,
    openapi_3_1,
    api_key_security,
    several_problems,
    ref_cycle,
    enum_value_not_a_variant,
    sibling_names_itself,
    webhook_problems,
    secret_not_boolean,
);

/// Every fixture file has a test above, so none is silently skipped.
#[test]
fn every_fixture_is_tested() {
    let source = include_str!("fixtures.rs");
    for kind in ["supported", "refused"] {
        let dir = format!("{}/tests/fixtures/{kind}", env!("CARGO_MANIFEST_DIR"));
        for entry in std::fs::read_dir(&dir).expect("fixture directory") {
            let path = entry.expect("fixture entry").path();
            let name = path
                .file_stem()
                .and_then(|s| s.to_str())
                .expect("file name");
            assert!(
                source.contains(&format!("    {name},\n")),
                "{} has no test in fixtures.rs",
                path.display()
            );
        }
    }
}

#[test]
fn text_that_is_not_json_is_refused() {
    let error = generate("{\"openapi\": ", &Options::default()).unwrap_err();
    assert!(matches!(error, Error::NotJson(_)), "{error:?}");
    insta::assert_snapshot!("refused__not_json", error.to_string());
}

#[test]
fn a_runtime_path_that_is_not_a_path_is_refused() {
    let options = Options {
        runtime_path: "not a path".to_owned(),
    };
    let error = generate(&fixture("supported", "object_fields"), &options).unwrap_err();
    assert!(matches!(error, Error::RuntimePath { .. }), "{error:?}");
}

#[test]
fn problems_carry_their_json_pointer() {
    let Err(Error::Spec { problems }) =
        generate(&fixture("refused", "number_property"), &Options::default())
    else {
        panic!("expected a spec error");
    };
    assert_eq!(problems.len(), 1);
    assert_eq!(
        problems[0].pointer,
        "/components/schemas/Message/properties/to/type"
    );
}

#[test]
fn the_runtime_path_reaches_every_use_of_the_runtime() {
    let spec = fixture("supported", "batch_operation");
    let inside = generate(&spec, &Options::inside_dynmark_api()).unwrap();
    assert!(inside.contains("impl crate::operation::BatchOperation for CreateNotes"));
    assert!(inside.contains("impl crate::operation::ItemOutcome for NoteResult"));
    assert!(inside.contains("impl crate::json::WriteJson for Note "));
    assert!(!inside.contains("dynmark_api"), "{inside}");

    let spec = fixture("supported", "validation_rules");
    let inside = generate(&spec, &Options::inside_dynmark_api()).unwrap();
    let outside = generate(&spec, &Options::default()).unwrap();
    assert!(inside.contains("#[validate(crate = \"crate\")]"));
    assert!(outside.contains("#[validate(crate = \"::dynmark_api\")]"));
    assert!(!outside.contains("crate::"), "{outside}");
    // The same uses, but the request body writers (`WriteJson`), emitted inside only.
    assert_eq!(
        inside.matches("crate::").count() - inside.matches("crate::json::").count(),
        outside.matches("::dynmark_api::").count()
    );
}

/// Outside `dynmark-api` the generated `ValidationFailure` is not the runtime's, so the impls of
/// runtime traits that speak of it are left out rather than emitted uncompilable.
#[test]
fn outside_the_runtime_only_types_are_generated() {
    let outside = generate(
        &fixture("supported", "batch_operation"),
        &Options::default(),
    )
    .unwrap();
    assert!(outside.contains("pub struct NoteResult"));
    assert!(!outside.contains("ItemOutcome"), "{outside}");
    assert!(!outside.contains("WriteJson"), "{outside}");
    assert!(!outside.contains("mod operations"), "{outside}");
}

#[test]
fn generation_is_deterministic() {
    for name in ["object_fields", "validation_rules", "batch_operation"] {
        let spec = fixture("supported", name);
        let first = generate(&spec, &Options::default()).unwrap();
        let second = generate(&spec, &Options::default()).unwrap();
        assert_eq!(first, second, "{name}");
    }
}
