//! The `dynmark-codegen` command line: print, and `--check` against an insta snapshot.

use std::path::PathBuf;
use std::process::{Command, Output};

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dynmark-codegen"))
        .args(args)
        .output()
        .expect("the CLI runs")
}

/// A snapshot file in insta's format holding `body`, unique to this test.
fn snapshot_file(test: &str, body: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!(
        "dynmark-codegen-cli-{}-{test}.snap",
        std::process::id()
    ));
    let text = format!(
        "---\nsource: tests/tests/codegen_snapshot.rs\nexpression: generated_code()\n---\n{body}"
    );
    std::fs::write(&path, text).expect("temp file");
    path
}

#[test]
fn prints_the_generated_code() {
    let output = run(&[&fixture("supported/object_fields")]);
    assert!(output.status.success());
    let code = String::from_utf8(output.stdout).unwrap();
    assert!(code.starts_with(dynmark_codegen::GENERATED_HEADER));
    assert!(code.contains("pub struct Contact {"));
}

#[test]
fn check_passes_on_an_up_to_date_snapshot() {
    let spec = fixture("supported/batch_operation");
    let code = String::from_utf8(run(&[&spec]).stdout).unwrap();
    let snapshot = snapshot_file("fresh", code.trim_end());
    let output = run(&["--check", snapshot.to_str().unwrap(), &spec]);
    std::fs::remove_file(&snapshot).ok();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn check_fails_with_a_unified_diff_on_a_stale_snapshot() {
    let spec = fixture("supported/batch_operation");
    let code = String::from_utf8(run(&[&spec]).stdout).unwrap();
    let stale = code.replace("        pub reason: ::std::string::String,\n", "");
    let snapshot = snapshot_file("stale", &stale);
    let output = run(&["--check", snapshot.to_str().unwrap(), &spec]);
    std::fs::remove_file(&snapshot).ok();
    assert_eq!(output.status.code(), Some(1));
    let diff = String::from_utf8(output.stdout).unwrap();
    assert!(diff.contains("+++ generated from the spec"), "{diff}");
    assert!(
        diff.contains("\n+        pub reason: ::std::string::String,\n"),
        "{diff}"
    );
    assert_eq!(
        diff.lines()
            .filter(|line| line.starts_with('+') && !line.starts_with("+++"))
            .count(),
        1,
        "{diff}"
    );
}

#[test]
fn a_refused_spec_exits_2_naming_the_json_pointer() {
    let output = run(&[&fixture("refused/number_property")]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains(
            "/components/schemas/Message/properties/to/type: \"number\" is not supported"
        ),
        "{stderr}"
    );
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(run(&[]).status.code(), Some(2));
    assert_eq!(run(&["--frobnicate", "x.json"]).status.code(), Some(2));
}

/// `dynmark-codegen SPEC | head`: the reader closing the pipe early is not a failure (it used to
/// panic in `print!` and exit with 101).
#[test]
fn a_closed_standard_output_is_not_an_error() {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    // Closed before the CLI starts, so its every write fails with a broken pipe.
    drop(reader);
    let output = Command::new(env!("CARGO_BIN_EXE_dynmark-codegen"))
        .arg(fixture("supported/batch_operation"))
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .expect("the CLI runs");
    assert!(
        output.status.success(),
        "{:?}: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
