//! What the end-to-end tests share: the binary with a clean environment pointed at a sandbox,
//! and the report read back.

#![allow(dead_code)]

use std::path::Path;

use assert_cmd::Command;
use dynmark_api::sandbox::Sandbox;
use serde_json::Value;

/// `dynmark` with no inherited `DYNMARK_*` variables.
pub fn dynmark() -> Command {
    let mut command = Command::cargo_bin("dynmark").expect("the dynmark binary is built");
    command
        .env_remove("DYNMARK_USERNAME")
        .env_remove("DYNMARK_PASSWORD")
        .env_remove("DYNMARK_BASE_URL")
        .timeout(std::time::Duration::from_secs(120));
    command
}

/// `dynmark` with the sandbox's URL and credentials in the environment.
pub fn dynmark_for(sandbox: &Sandbox) -> Command {
    let mut command = dynmark();
    command
        .env("DYNMARK_BASE_URL", sandbox.base_url())
        .env("DYNMARK_USERNAME", Sandbox::USERNAME)
        .env("DYNMARK_PASSWORD", Sandbox::PASSWORD);
    command
}

/// The report's lines, as JSON.
pub fn report_lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .expect("the report is written")
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect()
}

/// The standard output and error of a finished command, as text.
pub fn texts(output: &std::process::Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// `rows` messages numbered from 1, with `clientRef` `row-N`.
pub fn numbered_csv(rows: usize) -> String {
    let mut csv = String::from("to,from,body,clientRef\n");
    for row in 1..=rows {
        csv.push_str(&format!("4477{row:08},Example,Message {row},row-{row}\n"));
    }
    csv
}
