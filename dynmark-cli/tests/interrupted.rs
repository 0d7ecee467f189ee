//! A `dynmark send --journal` killed (SIGKILL) or stopped (Ctrl-C) in the middle of a job, then
//! run again: nothing is sent twice, except what the journal lists as uncertain, which is listed
//! and not sent again.

mod support;

use std::collections::HashMap;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use dynmark_api::sandbox::{Fault, Sandbox};
use support::{dynmark_for, numbered_csv, report_lines, texts};

fn spawn(sandbox: &Sandbox, args: &[&std::ffi::OsStr]) -> Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("dynmark"))
        .env("DYNMARK_BASE_URL", sandbox.base_url())
        .env("DYNMARK_USERNAME", Sandbox::USERNAME)
        .env("DYNMARK_PASSWORD", Sandbox::PASSWORD)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("dynmark starts")
}

/// Waits until the sandbox has received `calls` calls.
fn wait_for_calls(sandbox: &Sandbox, calls: usize, child: &mut Child) {
    let start = Instant::now();
    while sandbox.calls().len() < calls {
        assert!(
            child.try_wait().expect("wait").is_none(),
            "dynmark ended before {calls} calls"
        );
        assert!(start.elapsed() < Duration::from_secs(120), "no progress");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// How many times the sandbox accepted each `clientRef`.
fn acceptances(sandbox: &Sandbox) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for message in sandbox.accepted() {
        *counts
            .entry(message.client_ref.expect("every row has one"))
            .or_default() += 1;
    }
    counts
}

#[test]
fn killed_mid_job_then_run_again_every_row_is_accepted_once_except_the_uncertain_ones() {
    const ROWS: usize = 20_000;
    let sandbox = Sandbox::start().expect("sandbox");
    // The first calls answer slowly: the kill lands while some are in flight.
    for _ in 0..16 {
        sandbox.inject(Fault::Delay(Duration::from_millis(300)));
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("rows.csv");
    std::fs::write(&file, numbered_csv(ROWS)).expect("write");
    let journal = dir.path().join("job.sqlite");
    let mut child = spawn(
        &sandbox,
        &[
            "send".as_ref(),
            "--quiet".as_ref(),
            "--journal".as_ref(),
            journal.as_os_str(),
            file.as_os_str(),
        ],
    );
    // Call 12 is recorded by the sandbox before its answer, 300 ms later: it is in flight now.
    wait_for_calls(&sandbox, 12, &mut child);
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    let before = acceptances(&sandbox);
    assert!(
        !before.is_empty() && before.len() < ROWS,
        "{} accepted",
        before.len()
    );

    let report = dir.path().join("rerun.jsonl");
    let output = dynmark_for(&sandbox)
        .args(["send", "--quiet", "--journal"])
        .arg(&journal)
        .arg("--report")
        .arg(&report)
        .arg(&file)
        .output()
        .expect("runs");
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(3), "{stdout}\n{stderr}");

    let lines = report_lines(&report);
    assert_eq!(lines.len(), ROWS);
    let uncertain: Vec<u64> = lines
        .iter()
        .filter(|line| line["outcome"] == "uncertain")
        .map(|line| line["row"].as_u64().expect("row"))
        .collect();
    assert!(
        !uncertain.is_empty(),
        "the calls in flight at the kill are uncertain"
    );
    assert!(
        stderr.contains(&format!("ended with {} rows in flight", uncertain.len())),
        "{stderr}"
    );
    assert!(
        stdout.contains(&format!("{} may have reached the service", uncertain.len())),
        "{stdout}"
    );
    assert!(
        lines
            .iter()
            .all(|l| l["outcome"] == "accepted" || l["outcome"] == "uncertain"),
        "every other row is accepted"
    );

    let after = acceptances(&sandbox);
    for row in 1..=ROWS {
        let client_ref = format!("row-{row}");
        let count = after.get(&client_ref).copied().unwrap_or(0);
        if uncertain.binary_search(&(row as u64)).is_ok() {
            // Listed, not sent again: at most the first run's delivery.
            assert!(count <= 1, "uncertain row {row} accepted {count} times");
            assert_eq!(
                count,
                before.get(&client_ref).copied().unwrap_or(0),
                "row {row} was resent"
            );
        } else {
            assert_eq!(count, 1, "row {row} accepted {count} times");
        }
    }
}

#[test]
fn ctrl_c_stops_gracefully_and_the_journal_and_report_are_complete() {
    const ROWS: usize = 5_000;
    let sandbox = Sandbox::start().expect("sandbox");
    for _ in 0..8 {
        sandbox.inject(Fault::Delay(Duration::from_millis(200)));
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("rows.csv");
    std::fs::write(&file, numbered_csv(ROWS)).expect("write");
    let journal = dir.path().join("job.sqlite");
    let report = dir.path().join("report.jsonl");
    let mut child = spawn(
        &sandbox,
        &[
            "send".as_ref(),
            "--quiet".as_ref(),
            "--journal".as_ref(),
            journal.as_os_str(),
            "--report".as_ref(),
            report.as_os_str(),
            file.as_os_str(),
        ],
    );
    wait_for_calls(&sandbox, 2, &mut child);
    let interrupted = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(interrupted.success());
    let status = child.wait().expect("exits");
    assert_eq!(status.code(), Some(130));

    // The calls in flight finished: what the sandbox took is exactly what the report says.
    let lines = report_lines(&report);
    assert_eq!(lines.len(), ROWS);
    let accepted: Vec<_> = lines
        .iter()
        .filter(|l| l["outcome"] == "accepted")
        .collect();
    assert_eq!(accepted.len(), sandbox.accepted().len());
    assert!(accepted.len() < ROWS);
    assert!(
        lines
            .iter()
            .all(|l| l["outcome"] == "accepted" || l["outcome"] == "notSent")
    );

    // Run again: the rest goes, nothing twice.
    let output = dynmark_for(&sandbox)
        .args(["send", "--quiet", "--journal"])
        .arg(&journal)
        .arg(&file)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0), "{:?}", texts(&output));
    let counts = acceptances(&sandbox);
    assert_eq!(counts.len(), ROWS);
    assert!(counts.values().all(|&count| count == 1));
}
