//! Generates `Message` a second time, from a copy of the spec with one constraint changed
//! (`Message.clientRef` `maxLength` 64 → 10), so `tests/validate_spec_change.rs` can show that
//! validation follows the spec: no rule of a generated type is written by hand.
//! With the runtime path `::dynmark_api` the generator emits the types and their `Validate`
//! impls only (no operation descriptors), so the whole file can be included in a test module.

use std::path::PathBuf;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let mut spec: serde_json::Value =
        serde_json::from_str(dynmark_spec::OPENAPI_JSON).expect("the spec is JSON");
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
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let target = out_dir.join("modified_spec.rs");
    std::fs::write(&target, code)
        .unwrap_or_else(|error| panic!("cannot write {}: {error}", target.display()));
}
