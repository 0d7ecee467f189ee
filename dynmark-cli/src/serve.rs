//! `dynmark sandbox`: the library's local Dynmark-compatible server, on a port, until Ctrl-C.

use std::io::Write as _;

use dynmark_api::sandbox::Sandbox;

use crate::Fatal;
use crate::cli::SandboxArgs;
use crate::credentials::{BASE_URL, PASSWORD, USERNAME};

/// Starts the sandbox, prints how to reach it, serves until Ctrl-C.
pub async fn run(args: &SandboxArgs) -> Result<u8, Fatal> {
    let sandbox = Sandbox::builder().port(args.port).start().map_err(|e| {
        Fatal::usage(format!(
            "cannot start the sandbox on port {}: {e}",
            args.port
        ))
    })?;
    let mut out = std::io::stdout().lock();
    // Written at once, so that a script reading the first lines can go on.
    let _ = writeln!(
        out,
        "Dynmark sandbox listening on {url}\n\
         {BASE_URL}={url}\n\
         {USERNAME}={user}\n\
         {PASSWORD}={password}\n\
         Try: dynmark send --base-url {url} FILE (with the two variables above set). Ctrl-C stops it.",
        url = sandbox.base_url(),
        user = Sandbox::USERNAME,
        password = Sandbox::PASSWORD,
    );
    let _ = out.flush();
    drop(out);
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| Fatal::usage(format!("cannot wait for Ctrl-C: {e}")))?;
    println!(
        "stopped after {} calls; {} messages accepted",
        sandbox.calls().len(),
        sandbox.accepted().len()
    );
    Ok(0)
}
