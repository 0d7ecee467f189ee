//! Runs the local sandbox on its own, for tools outside Rust (CI runs schemathesis against it).
//!
//! ```text
//! cargo run --example sandbox_server [-- SECONDS [SPEC]]
//! ```
//!
//! It starts the sandbox on `127.0.0.1` (an ephemeral port) with [`Sandbox::USERNAME`] and
//! [`Sandbox::PASSWORD`], serving the operations of the OpenAPI document at the path `SPEC`
//! beside its own (default: the crate's spec, `dynmark_spec::OPENAPI_JSON`), prints its base URL
//! on the first line of standard output (`http://127.0.0.1:PORT`), then serves until it is
//! killed or `SECONDS` have passed (600 by default, so that a forgotten server stops by itself).

use std::io::Write as _;
use std::process::ExitCode;
use std::time::Duration;

use dynmark_api::sandbox::Sandbox;

fn main() -> ExitCode {
    let seconds = match std::env::args().nth(1).map(|arg| arg.parse::<u64>()) {
        None => 600,
        Some(Ok(seconds)) => seconds,
        Some(Err(error)) => {
            eprintln!("sandbox_server: the argument must be a number of seconds: {error}");
            return ExitCode::FAILURE;
        }
    };
    let mut builder = Sandbox::builder();
    if let Some(path) = std::env::args().nth(2) {
        match std::fs::read_to_string(&path) {
            Ok(spec) => builder = builder.spec(&spec),
            Err(error) => {
                eprintln!("sandbox_server: cannot read the spec {path}: {error}");
                return ExitCode::FAILURE;
            }
        }
    }
    let sandbox = match builder.start() {
        Ok(sandbox) => sandbox,
        Err(error) => {
            eprintln!("sandbox_server: the sandbox did not start: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!("{}", sandbox.base_url());
    // The first line is what a script waits for: send it now, not when the buffer fills.
    if std::io::stdout().flush().is_err() {
        return ExitCode::FAILURE;
    }
    std::thread::sleep(Duration::from_secs(seconds));
    drop(sandbox);
    ExitCode::SUCCESS
}
