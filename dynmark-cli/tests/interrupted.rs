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

/// How many rows the journal at `path` has in each state.
fn journal_states(path: &std::path::Path) -> HashMap<String, usize> {
    let connection = rusqlite::Connection::open(path).expect("the journal opens");
    let calls_in_flight: i64 = connection
        .query_row("SELECT COUNT(*) FROM calls WHERE done = 0", [], |r| {
            r.get(0)
        })
        .expect("calls");
    assert_eq!(calls_in_flight, 0, "every call of the run was settled");
    let mut statement = connection
        .prepare("SELECT state, COUNT(*) FROM row_states GROUP BY state")
        .expect("query");
    statement
        .query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as usize))
        })
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("states")
}

#[test]
fn ctrl_c_stops_gracefully_no_call_starts_after_it_and_the_journal_and_report_are_complete() {
    const ROWS: usize = 5_000;
    let sandbox = Sandbox::start().expect("sandbox");
    // Every call of the first run answers slowly: one at a time, each 400 ms.
    for _ in 0..20 {
        sandbox.inject(Fault::Delay(Duration::from_millis(400)));
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
            "--calls-in-flight".as_ref(),
            "1".as_ref(),
            "--journal".as_ref(),
            journal.as_os_str(),
            "--report".as_ref(),
            report.as_os_str(),
            file.as_os_str(),
        ],
    );
    // Call 2 is recorded by the sandbox before its answer, 400 ms later: it is the one call in
    // flight, and the next one (its rows already taken and serialized) waits for it.
    wait_for_calls(&sandbox, 2, &mut child);
    std::thread::sleep(Duration::from_millis(100));
    let calls_at_signal = sandbox.calls().len();
    assert_eq!(calls_at_signal, 2);
    let interrupted = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(interrupted.success());
    let status = child.wait().expect("exits");
    assert_eq!(status.code(), Some(130));

    // No call started after the signal: the one in flight finished, nothing after it.
    let calls = sandbox.calls();
    assert_eq!(calls.len(), calls_at_signal, "a call started after Ctrl-C");
    // (The first call may carry fewer rows: it goes with what has been read when nothing is in
    // flight.)
    let sent: usize = calls.iter().map(|call| call.messages).sum();
    assert!(sent > 0 && sent <= 500, "{sent}");
    assert_eq!(sandbox.accepted().len(), sent);

    // The journal says exactly that: what went out is accepted, nothing uncertain, the rows of
    // the call that was about to go (announced, then released) not sent.
    let states = journal_states(&journal);
    assert_eq!(
        states.get("accepted").copied().unwrap_or(0),
        sent,
        "{states:?}"
    );
    assert_eq!(states.get("uncertain"), None, "{states:?}");
    assert_eq!(states.get("inFlight"), None, "{states:?}");

    // The report has every row of the file: the accepted ones, and every other not sent
    // (taken by the send and stopped, or never taken), each saying why.
    let lines = report_lines(&report);
    assert_eq!(lines.len(), ROWS);
    let accepted: Vec<u64> = lines
        .iter()
        .filter(|l| l["outcome"] == "accepted")
        .map(|l| l["row"].as_u64().expect("row"))
        .collect();
    assert_eq!(accepted, (1..=sent as u64).collect::<Vec<u64>>());
    for line in &lines[sent..] {
        assert_eq!(line["outcome"], "notSent", "{line}");
        let reason = line["reason"].as_str().expect("a reason");
        assert!(reason.contains("stop"), "{reason}");
    }

    // Run again: the rest goes, nothing twice.
    let output = dynmark_for(&sandbox)
        .args(["send", "--quiet", "--journal"])
        .arg(&journal)
        .arg(&file)
        .output()
        .expect("runs");
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.starts_with(&format!(
            "{ROWS} rows: {ROWS} accepted ({sent} in an earlier run), 0 rejected, 0 not sent"
        )),
        "{stdout}"
    );
    let counts = acceptances(&sandbox);
    assert_eq!(counts.len(), ROWS);
    assert!(counts.values().all(|&count| count == 1));
    assert_eq!(
        journal_states(&journal).get("accepted").copied(),
        Some(ROWS)
    );
}
