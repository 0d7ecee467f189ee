//! Generates `Message` a second time, from a copy of the spec with one constraint changed
//! (`Message.clientRef` `maxLength` 64 → 10), so `tests/validate_spec_change.rs` can show that
//! validation follows the spec: no rule of a generated type is written by hand.
//! With the runtime path `::dynmark_api` the generator emits the types and their `Validate`
//! impls only (no operation descriptors), so the whole file can be included in a test module.
//!
//! Also writes the table of every schema's generated type for `tests/spec_examples.rs`, and
//! generates code from some of `dynmark-codegen`'s fixtures (names that could clash with
//! what the generated code uses), for `tests/codegen_fixtures_compile.rs` to compile: with the
//! runtime path `::dynmark_api`, and with `crate` (against a stand-in of `dynmark-api`'s root).

use std::path::{Path, PathBuf};

/// The `codegen/tests/fixtures/supported/` fixtures compiled by `tests/codegen_fixtures_compile.rs`.
const COMPILED_FIXTURES: &[&str] = &[
    "standard_names",
    "keyword_siblings",
    "shouting_property_names",
    "parameters",
    "answers",
    "required_field_steps",
    "open_integer_enum",
];

fn generate_fixtures(out_dir: &Path) {
    let fixtures =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../codegen/tests/fixtures/supported");
    for name in COMPILED_FIXTURES {
        let path = fixtures.join(format!("{name}.json"));
        println!("cargo::rerun-if-changed={}", path.display());
        let spec = std::fs::read_to_string(&path)
            .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
        for (suffix, options) in [
            ("", dynmark_codegen::Options::default()),
            ("_inside", dynmark_codegen::Options::inside_dynmark_api()),
        ] {
            let code = dynmark_codegen::generate(&spec, &options)
                .unwrap_or_else(|error| panic!("dynmark-codegen refused {name}:\n{error}"));
            let target = out_dir.join(format!("fixture_{name}{suffix}.rs"));
            std::fs::write(&target, code)
                .unwrap_or_else(|error| panic!("cannot write {}: {error}", target.display()));
        }
    }
}

/// The table `tests/spec_examples.rs` reads examples with: one arm per schema of the spec,
/// naming its generated type, so a schema added to the spec is checked with no test edit.
fn generate_round_trips(out_dir: &Path, spec: &serde_json::Value) {
    let schemas = spec
        .pointer("/components/schemas")
        .and_then(serde_json::Value::as_object)
        .expect("the spec has component schemas");
    let mut code = String::from("match schema {\n");
    for name in schemas.keys() {
        code.push_str(&format!(
            "    {name:?} => RoundTrip::of::<dynmark_api::{name}>(),\n"
        ));
    }
    code.push_str("    _ => return None,\n}\n");
    let target = out_dir.join("spec_round_trips.rs");
    std::fs::write(&target, code)
        .unwrap_or_else(|error| panic!("cannot write {}: {error}", target.display()));
}

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    generate_fixtures(&out_dir);
    let mut spec: serde_json::Value =
        serde_json::from_str(dynmark_spec::OPENAPI_JSON).expect("the spec is JSON");
    generate_round_trips(&out_dir, &spec);
    let max_length = spec
        .pointer_mut("/components/schemas/Message/properties/clientRef/maxLength")
        .expect("the spec gives Message.clientRef a maxLength");
    assert_eq!(
        *max_length, 64,
        "the test expects the spec's clientRef limit to be 64"
    );
    *max_length = serde_json::Value::from(10);

    let modified = serde_json::to_string(&spec).expect("a JSON value serializes");
    let code = dynmark_codegen::generate(&modified, &dynmark_codegen::Options::default())
        .unwrap_or_else(|error| panic!("dynmark-codegen refused the modified spec:\n{error}"));
    let target = out_dir.join("modified_spec.rs");
    std::fs::write(&target, code)
        .unwrap_or_else(|error| panic!("cannot write {}: {error}", target.display()));
}
