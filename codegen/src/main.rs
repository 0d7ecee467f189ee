//! `dynmark-codegen`: prints the code generated from an OpenAPI document, or checks that the
//! committed snapshot of it is up to date.
//!
//! ```text
//! dynmark-codegen [--runtime-path PATH] SPEC            print the generated code
//! dynmark-codegen [--runtime-path PATH] --check [SNAP] SPEC
//!                                                      compare with the insta snapshot SNAP
//! ```
//!
//! The runtime path defaults to `crate`, as in `dynmark-api`'s build script and the snapshot.
//! SNAP defaults to `tests/tests/snapshots/codegen_snapshot__generated_code.snap` (relative to
//! the workspace root, where `cargo run` is usually started). Exit status: 0 on success (or an
//! up-to-date snapshot), 1 when the snapshot is stale (a unified diff is printed), 2 on any other
//! error.

use std::io::Write;
use std::process::ExitCode;

use dynmark_codegen::{Options, generate};

const DEFAULT_SNAPSHOT: &str = "tests/tests/snapshots/codegen_snapshot__generated_code.snap";
const USAGE: &str = "usage: dynmark-codegen [--runtime-path PATH] [--check [SNAPSHOT]] SPEC";

struct Arguments {
    spec: String,
    runtime_path: String,
    check: Option<String>,
}

fn arguments() -> Result<Arguments, String> {
    let mut spec = None;
    let mut runtime_path = "crate".to_owned();
    let mut check = None;
    let mut args = std::env::args().skip(1).peekable();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runtime-path" => {
                runtime_path = args.next().ok_or("--runtime-path needs a value")?;
            }
            "--check" => {
                // The snapshot path is optional: it is the next argument when one follows the
                // snapshot and still leaves the spec.
                let explicit = args.peek().is_some_and(|next| next.ends_with(".snap"));
                check = Some(if explicit {
                    args.next().unwrap_or_default()
                } else {
                    DEFAULT_SNAPSHOT.to_owned()
                });
            }
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other if other.starts_with('-') => return Err(format!("unknown option {other}")),
            other if spec.is_none() => spec = Some(other.to_owned()),
            other => return Err(format!("unexpected argument {other}")),
        }
    }
    Ok(Arguments {
        spec: spec.ok_or("missing the SPEC argument")?,
        runtime_path,
        check,
    })
}

/// Writes `text` to standard output. A reader that stopped early (`dynmark-codegen ... | head`)
/// is not an error: what it wanted was written.
fn write_stdout(text: &str) -> Result<(), String> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write to standard output: {error}"))
        }
        _ => Ok(()),
    }
}

/// The snapshot's body: everything after insta's `---` header.
fn snapshot_body(snapshot: &str) -> &str {
    snapshot
        .strip_prefix("---\n")
        .and_then(|rest| rest.split_once("\n---\n"))
        .map_or(snapshot, |(_, body)| body)
}

fn run() -> Result<ExitCode, String> {
    let arguments = arguments()?;
    let spec = std::fs::read_to_string(&arguments.spec)
        .map_err(|error| format!("cannot read {}: {error}", arguments.spec))?;
    let options = Options {
        runtime_path: arguments.runtime_path,
    };
    let code = generate(&spec, &options).map_err(|error| error.to_string())?;
    let Some(snapshot_path) = arguments.check else {
        write_stdout(&code)?;
        return Ok(ExitCode::SUCCESS);
    };
    let snapshot = std::fs::read_to_string(&snapshot_path)
        .map_err(|error| format!("cannot read {snapshot_path}: {error}"))?;
    let committed = snapshot_body(&snapshot).trim_end();
    let generated = code.trim_end();
    if committed == generated {
        eprintln!("{snapshot_path} is up to date");
        return Ok(ExitCode::SUCCESS);
    }
    let diff = similar::TextDiff::from_lines(committed, generated);
    write_stdout(
        &diff
            .unified_diff()
            .context_radius(3)
            .header(&snapshot_path, "generated from the spec")
            .to_string(),
    )?;
    eprintln!(
        "{snapshot_path} is stale: run `INSTA_UPDATE=always cargo test -p dynmark-tests --test codegen_snapshot` and review the change"
    );
    Ok(ExitCode::from(1))
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(message) => {
            eprintln!("dynmark-codegen: {message}");
            ExitCode::from(2)
        }
    }
}
