//! Generates the Dynmark types and call descriptors from the OpenAPI document carried by
//! `dynmark-spec`, into `$OUT_DIR/dynmark_generated.rs` (included by `src/lib.rs`).

use std::path::PathBuf;

fn main() {
    // Only this script and its build-dependencies (the spec travels in `dynmark-spec`, whose
    // rebuild reruns this script) decide the output, not the crate's other files.
    println!("cargo::rerun-if-changed=build.rs");
    let options = dynmark_codegen::Options::inside_dynmark_api();
    let code = match dynmark_codegen::generate(dynmark_spec::OPENAPI_JSON, &options) {
        Ok(code) => code,
        // A build script reports failure by panicking; the message names every problem in the
        // spec with its JSON pointer.
        Err(error) => panic!("dynmark-codegen could not generate code from the spec:\n{error}"),
    };
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let target = out_dir.join("dynmark_generated.rs");
    if let Err(error) = std::fs::write(&target, code) {
        panic!("cannot write {}: {error}", target.display());
    }
}
