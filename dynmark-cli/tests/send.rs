//! `dynmark send`, `check` and `sandbox` end to end: the real binary against a sandbox on
//! 127.0.0.1.

mod support;

use std::io::{BufRead as _, BufReader};
use std::process::Stdio;

use dynmark_api::sandbox::{Fault, Sandbox};
use serde_json::{Value, json};
use support::{dynmark, dynmark_for, numbered_csv, report_lines, texts};

/// The documentation page's example messages (simple, with receipts, local number, a second
/// recipient, scheduled), then invalid rows: no originator, a bad country, a date that is not
/// one, a `clientRef` over 64 characters.
const PAGE_CSV: &str = "\
to,from,body,clientRef,deliveryStatusUrl,countryIsoCode,deliverAfter
447700900000,Example,\"Hello, this is a test message\",Your reference,,,
447700900000,Example,\"Hello, this is a test message\",Your reference,https://inbound.example.com/SmsReceipts,,
07777 123123,Example,\"Hello, this is a test message\",Your reference,,GBR,
447700900111,Example,\"Hello, this is a test message\",Your second reference,,,
447979080215,Test,\"Hello, this is a test message\",124546,,,2015-10-05T12:57:00.543Z
447979080215,,\"Hello, this is a test message\",no originator,,,
447700900222,Example,Hello,bad country,,XXX,
447700900333,Example,Hello,bad date,,,next tuesday
447700900444,Example,Hello,0123456789012345678901234567890123456789012345678901234567890123456789,,,
";

#[test]
fn a_csv_of_the_page_examples_and_invalid_rows_is_sent_and_reported_row_by_row() {
    let sandbox = Sandbox::start().expect("sandbox");
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("page.csv");
    std::fs::write(&file, PAGE_CSV).expect("write");
    let report = dir.path().join("report.jsonl");
    let output = dynmark_for(&sandbox)
        .arg("send")
        .arg(&file)
        .arg("--report")
        .arg(&report)
        .output()
        .expect("runs");
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stdout.starts_with(
            "9 rows: 5 accepted, 4 rejected, 0 not sent, 0 may have reached the service"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("  FromEmpty: 1\n"), "{stdout}");
    assert!(
        stderr.contains("row 6 (to 447979080215): rejected by the client: from: "),
        "{stderr}"
    );

    let accepted: Vec<_> = sandbox
        .accepted()
        .into_iter()
        .map(|m| m.client_ref)
        .collect();
    assert_eq!(accepted.len(), 5, "{accepted:?}");
    assert!(accepted.contains(&Some("124546".to_owned())));

    let lines = report_lines(&report);
    assert_eq!(lines.len(), 9);
    let outcomes: Vec<_> = lines
        .iter()
        .map(|l| l["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(
        outcomes,
        [
            "accepted", "accepted", "accepted", "accepted", "accepted", "rejected", "rejected",
            "rejected", "rejected"
        ]
    );
    for (i, line) in lines.iter().enumerate() {
        assert_eq!(line["row"], json!(i + 1));
    }
    assert_eq!(
        lines[0],
        json!({
            "row": 1, "to": "447700900000", "clientRef": "Your reference", "outcome": "accepted",
            "encoding": "GSM-7", "parts": 1, "failures": []
        })
    );
    assert_eq!(lines[2]["to"], "07777 123123");
    let codes = |line: &Value| -> Vec<(String, String)> {
        line["failures"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["property"].as_str().unwrap_or_default().to_owned(),
                    f["failureCode"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    assert_eq!(codes(&lines[5]), [("from".into(), "FromEmpty".into())]);
    assert_eq!(
        codes(&lines[6]),
        [("countryIsoCode".into(), "CountryIsoCodeInvalid".into())]
    );
    assert_eq!(
        codes(&lines[7]),
        [("deliverAfter".into(), "DeliverAfterInvalid".into())]
    );
    assert_eq!(
        codes(&lines[8]),
        [("clientRef".into(), "ClientRefTooLong".into())]
    );
    assert!(
        lines[7]["failures"][0]["details"]
            .as_str()
            .unwrap()
            .contains("`next tuesday`")
    );
}

#[test]
fn json_lines_from_standard_input_with_defaults_from_flags() {
    let sandbox = Sandbox::start().expect("sandbox");
    let input = "{\"to\":\"447700900000\",\"body\":\"one\",\"clientRef\":\"a\"}\n\n{\"to\":447700900111,\"body\":\"two\",\"from\":\"Own\"}\n";
    let output = dynmark_for(&sandbox)
        .args(["send", "-", "--from", "Example", "--country", "GBR"])
        .write_stdin(input)
        .output()
        .expect("runs");
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.starts_with("2 rows: 2 accepted, 0 rejected"),
        "{stdout}"
    );
    // The rows may go in two calls (stdin is read as it comes), answered in either order.
    let mut accepted = sandbox.accepted();
    accepted.sort_by(|a, b| a.to.cmp(&b.to));
    assert_eq!(accepted.len(), 2);
    assert_eq!(
        (accepted[0].from.as_str(), accepted[1].from.as_str()),
        ("Example", "Own")
    );
    assert_eq!(accepted[1].to, "447700900111");
    assert!(
        accepted
            .iter()
            .all(|m| m.country_iso_code.as_deref() == Some("GBR"))
    );
    // Not a terminal: plain output, no bar drawing.
    assert!(!stderr.contains('\u{1b}'), "{stderr:?}");
}

#[test]
fn check_says_what_is_wrong_with_each_row_and_exits_1_when_a_row_is_invalid() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("page.csv");
    std::fs::write(&file, PAGE_CSV).expect("write");
    let report = dir.path().join("check.csv");
    let output = dynmark()
        .arg("check")
        .arg(&file)
        .arg("--report")
        .arg(&report)
        .output()
        .expect("runs");
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stdout.starts_with("9 rows: 5 valid, 4 invalid\nparts of the valid messages: 5 (5 GSM-7)"),
        "{stdout}"
    );
    assert!(
        stderr.contains("row 7 (to 447700900222): invalid: countryIsoCode: "),
        "{stderr}"
    );
    let report = std::fs::read_to_string(&report).expect("report");
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines.len(), 10);
    assert_eq!(
        lines[0],
        "row,line,to,clientRef,outcome,encoding,parts,failures,reason"
    );
    assert_eq!(lines[1], "1,,447700900000,Your reference,valid,GSM-7,1,,");
    assert!(
        lines[6].starts_with("6,,447979080215,no originator,invalid,GSM-7,1,from: "),
        "{}",
        lines[6]
    );
    assert!(lines[6].ends_with("(FromEmpty),"), "{}", lines[6]);

    // Only the valid rows: exit 0; `send --dry-run` is the same check and sends nothing.
    let valid: String = PAGE_CSV.lines().take(6).map(|l| format!("{l}\n")).collect();
    std::fs::write(&file, valid).expect("write");
    let output = dynmark().arg("check").arg(&file).output().expect("runs");
    assert_eq!(output.status.code(), Some(0), "{:?}", texts(&output));
    let sandbox = Sandbox::start().expect("sandbox");
    let output = dynmark_for(&sandbox)
        .arg("send")
        .arg("--dry-run")
        .arg(&file)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0), "{:?}", texts(&output));
    assert!(texts(&output).0.starts_with("5 rows: 5 valid, 0 invalid"));
    assert!(sandbox.calls().is_empty());
}

#[test]
fn check_counts_encoding_and_parts() {
    let long = "a".repeat(161);
    let input = format!(
        "{{\"to\":\"447700900000\",\"from\":\"Example\",\"body\":\"{long}\"}}\n{{\"to\":\"447700900000\",\"from\":\"Example\",\"body\":\"Ünïcödé ☃\"}}\n"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let report = dir.path().join("check.jsonl");
    let output = dynmark()
        .args(["check", "-", "--report"])
        .arg(&report)
        .write_stdin(input)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0), "{:?}", texts(&output));
    let lines = report_lines(&report);
    assert_eq!(
        (lines[0]["encoding"].clone(), lines[0]["parts"].clone()),
        (json!("GSM-7"), json!(2))
    );
    assert_eq!(
        (lines[1]["encoding"].clone(), lines[1]["parts"].clone()),
        (json!("UCS-2"), json!(1))
    );
    assert_eq!(lines[1]["outcome"], "valid");
    assert!(
        texts(&output)
            .0
            .contains("parts of the valid messages: 3 (1 GSM-7, 1 UCS-2)")
    );
}

#[test]
fn a_header_with_an_unknown_column_is_refused_by_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("typo.csv");
    std::fs::write(
        &file,
        "to,from,bodyy,Client Ref\n447700900000,Example,Hello,x\n",
    )
    .expect("write");
    for command in ["check", "send"] {
        let output = dynmark().arg(command).arg(&file).output().expect("runs");
        let (_, stderr) = texts(&output);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains(
                "typo.csv: the header names 2 columns that are not message fields: `bodyy` \
                 (column 3), `Client Ref` (column 4); the fields are: "
            ),
            "{stderr}"
        );
    }
}

#[test]
fn an_empty_file_is_an_input_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in [("empty.csv", ""), ("blank.jsonl", "\u{feff}\n  \n")] {
        let file = dir.path().join(name);
        std::fs::write(&file, text).expect("write");
        let output = dynmark().arg("check").arg(&file).output().expect("runs");
        let (_, stderr) = texts(&output);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(&format!("{name} is empty: ")), "{stderr}");
    }
    // A header and no rows is a file with nothing to send: nothing is wrong.
    let file = dir.path().join("header.csv");
    std::fs::write(&file, "to,from,body\n").expect("write");
    let output = dynmark().arg("check").arg(&file).output().expect("runs");
    assert_eq!(output.status.code(), Some(0), "{:?}", texts(&output));
    assert!(texts(&output).0.starts_with("0 rows: 0 valid, 0 invalid"));
}

#[test]
fn a_file_with_a_bom_and_crlf_lines_is_read_as_any_other() {
    let sandbox = Sandbox::start().expect("sandbox");
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("excel.csv");
    std::fs::write(
        &file,
        "\u{feff}To,From,Body,ClientRef\r\n447700900000,Example,\"two\r\nlines\",a\r\n447700900111,Example,Hi,b\r\n",
    )
    .expect("write");
    let report = dir.path().join("report.jsonl");
    let output = dynmark_for(&sandbox)
        .arg("send")
        .arg(&file)
        .arg("--report")
        .arg(&report)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0), "{:?}", texts(&output));
    let accepted = sandbox.accepted();
    assert_eq!(accepted[0].to, "447700900000");
    assert_eq!(accepted[0].body, "two\r\nlines");
    assert_eq!(accepted[1].client_ref.as_deref(), Some("b"));
    let lines = report_lines(&report);
    assert_eq!(lines[1]["clientRef"], "b");
    assert_eq!(lines[1]["to"], "447700900111");
}

#[test]
fn each_report_row_and_problem_names_the_line_of_the_input_it_came_from() {
    let sandbox = Sandbox::start().expect("sandbox");
    let dir = tempfile::tempdir().expect("tempdir");
    // Blank lines are not rows: row 2 is on line 4, row 3 on line 7.
    let input = "{\"to\":\"447700900000\",\"from\":\"Example\",\"body\":\"one\"}\n\n\n\
                 {\"to\":\"447700900111\",\"from\":\"\",\"body\":\"two\"}\n\r\n\n\
                 {\"to\":\"447700900222\",\"from\":\"Example\",\"body\":\"three\"}\n";
    let report = dir.path().join("report.jsonl");
    let output = dynmark_for(&sandbox)
        .args(["send", "-", "--report"])
        .arg(&report)
        .write_stdin(input)
        .output()
        .expect("runs");
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    let lines = report_lines(&report);
    let rows: Vec<_> = lines
        .iter()
        .map(|l| (l["row"].clone(), l["line"].clone(), l["outcome"].clone()))
        .collect();
    assert_eq!(
        rows,
        [
            (json!(1), json!(1), json!("accepted")),
            (json!(2), json!(4), json!("rejected")),
            (json!(3), json!(7), json!("accepted")),
        ]
    );
    assert!(
        stderr.contains("row 2 (line 4, to 447700900111): rejected by the client: from: "),
        "{stderr}"
    );

    // JSON Lines to a CSV report: the line beside the row. (A CSV input has no line: the csv
    // reader cannot say where a record starts after blank lines or CRLF ends.)
    let report = dir.path().join("check.csv");
    let output = dynmark()
        .args(["check", "-", "--report"])
        .arg(&report)
        .write_stdin(input)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1), "{:?}", texts(&output));
    let report = std::fs::read_to_string(&report).expect("report");
    let lines: Vec<&str> = report.lines().collect();
    assert!(
        lines[2].starts_with("2,4,447700900111,,invalid,"),
        "{}",
        lines[2]
    );
    assert!(
        lines[3].starts_with("3,7,447700900222,,valid,"),
        "{}",
        lines[3]
    );
}

#[test]
fn credentials_come_from_the_environment_or_a_file_never_the_command_line() {
    let sandbox = Sandbox::start().expect("sandbox");
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("one.csv");
    std::fs::write(&file, numbered_csv(1)).expect("write");

    let output = dynmark().arg("send").arg(&file).output().expect("runs");
    let (_, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("no credentials: set DYNMARK_USERNAME and DYNMARK_PASSWORD"),
        "{stderr}"
    );
    assert!(sandbox.calls().is_empty());

    let output = dynmark()
        .args(["send", "--password", "x"])
        .arg(&file)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));

    let credentials = dir.path().join("dynmark.env");
    std::fs::write(
        &credentials,
        format!(
            "DYNMARK_USERNAME={}\nDYNMARK_PASSWORD={}\nDYNMARK_BASE_URL={}\n",
            Sandbox::USERNAME,
            Sandbox::PASSWORD,
            sandbox.base_url()
        ),
    )
    .expect("write");
    let output = dynmark()
        .arg("send")
        .arg(&file)
        .arg("--credentials")
        .arg(&credentials)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0), "{:?}", texts(&output));
    assert_eq!(sandbox.accepted().len(), 1);
}

#[test]
fn refused_credentials_are_a_failed_call_and_no_secret_is_shown() {
    let sandbox = Sandbox::start().expect("sandbox");
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("rows.csv");
    std::fs::write(&file, numbered_csv(600)).expect("write");
    let report = dir.path().join("report.jsonl");
    let output = dynmark_for(&sandbox)
        .env("DYNMARK_PASSWORD", "not-the-password-42")
        .args([
            "send",
            "--batch-size",
            "100",
            "--calls-in-flight",
            "1",
            "--report",
        ])
        .arg(&report)
        .arg(&file)
        .output()
        .expect("runs");
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(3), "{stdout}\n{stderr}");
    assert!(!stdout.contains("not-the-password-42") && !stderr.contains("not-the-password-42"));
    // One call was refused; no further call was made; every row is in the report.
    assert_eq!(sandbox.calls().len(), 1);
    let lines = report_lines(&report);
    assert_eq!(lines.len(), 600);
    assert!(
        lines.iter().all(|l| l["outcome"] == "notSent"),
        "{:?}",
        lines[0]
    );
    assert!(
        lines[599]["reason"]
            .as_str()
            .unwrap()
            .starts_with("not sent: "),
        "{}",
        lines[599]
    );
}

#[test]
fn a_journal_makes_a_second_run_send_nothing_already_accepted() {
    let sandbox = Sandbox::start().expect("sandbox");
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("rows.csv");
    let mut csv = numbered_csv(300);
    csv.push_str("447700900999,,no originator,row-301\n");
    std::fs::write(&file, &csv).expect("write");
    let journal = dir.path().join("job.sqlite");
    let run = |report: &str| {
        dynmark_for(&sandbox)
            .args(["send", "--batch-size", "50", "--journal"])
            .arg(&journal)
            .arg("--report")
            .arg(dir.path().join(report))
            .arg(&file)
            .output()
            .expect("runs")
    };
    let first = run("first.jsonl");
    assert_eq!(first.status.code(), Some(1), "{:?}", texts(&first));
    assert_eq!(sandbox.accepted().len(), 300);
    let calls = sandbox.calls().len();

    let second = run("second.jsonl");
    let (stdout, _) = texts(&second);
    assert_eq!(second.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.starts_with("301 rows: 300 accepted (300 in an earlier run), 1 rejected"),
        "{stdout}"
    );
    assert_eq!(sandbox.calls().len(), calls, "nothing was sent again");
    let lines = report_lines(&dir.path().join("second.jsonl"));
    assert_eq!(lines[0]["outcome"], "accepted");
    assert_eq!(lines[0]["reason"], "accepted in an earlier run");
    assert_eq!(lines[300]["outcome"], "rejected");

    // The same journal for another file: refused, nothing sent.
    std::fs::write(&file, csv.replace("Message 7,", "Message seven,")).expect("write");
    let third = run("third.jsonl");
    let (_, stderr) = texts(&third);
    assert_eq!(third.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("row 7 is not the row the journal recorded as accepted"),
        "{stderr}"
    );
    assert_eq!(sandbox.calls().len(), calls);

    // Nor for another service.
    let other = Sandbox::start().expect("sandbox");
    let fourth = dynmark_for(&other)
        .arg("send")
        .arg("--journal")
        .arg(&journal)
        .arg(&file)
        .output()
        .expect("runs");
    let (_, stderr) = texts(&fourth);
    assert_eq!(fourth.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("was written for http://127.0.0.1:"),
        "{stderr}"
    );
}

#[test]
fn a_failed_call_makes_its_rows_uncertain_and_a_rerun_lists_them_without_resending() {
    let sandbox = Sandbox::start().expect("sandbox");
    // The second call is processed (its messages accepted) and its answer cut short.
    sandbox.inject(Fault::Delay(std::time::Duration::ZERO));
    sandbox.inject(Fault::TruncatedBody);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("rows.csv");
    std::fs::write(&file, numbered_csv(30)).expect("write");
    let journal = dir.path().join("job.sqlite");
    let run = |extra: &[&std::ffi::OsStr]| {
        dynmark_for(&sandbox)
            .args([
                "send",
                "--batch-size",
                "10",
                "--calls-in-flight",
                "1",
                "--journal",
            ])
            .arg(&journal)
            .args(extra)
            .arg(&file)
            .output()
            .expect("runs")
    };
    let report = dir.path().join("first.jsonl");
    let first = run(&["--report".as_ref(), report.as_os_str()]);
    let (stdout, _) = texts(&first);
    assert_eq!(first.status.code(), Some(3), "{stdout}");
    // The second call's rows (however many the send put in it) may have reached the service.
    let second_call = sandbox.calls()[1].messages;
    let uncertain: Vec<u64> = report_lines(&report)
        .iter()
        .filter(|line| line["outcome"] == "uncertain")
        .map(|line| line["row"].as_u64().expect("row"))
        .collect();
    assert!(second_call > 0);
    assert_eq!(uncertain.len(), second_call, "{stdout}");
    assert!(
        stdout.contains(&format!("{second_call} may have reached the service")),
        "{stdout}"
    );
    assert_eq!(sandbox.accepted().len(), 30);

    let second = run(&[]);
    let (stdout, _) = texts(&second);
    assert_eq!(second.status.code(), Some(3), "{stdout}");
    let sure = 30 - second_call;
    assert!(
        stdout.starts_with(&format!(
            "30 rows: {sure} accepted ({sure} in an earlier run), 0 rejected, 0 not sent, \
             {second_call} may have reached the service"
        )),
        "{stdout}"
    );
    assert_eq!(sandbox.accepted().len(), 30, "nothing was sent again");

    let third = run(&["--resend-uncertain".as_ref()]);
    let (stdout, _) = texts(&third);
    assert_eq!(third.status.code(), Some(0), "{stdout}");
    assert_eq!(
        sandbox.accepted().len(),
        30 + second_call,
        "the uncertain rows were sent again, as asked"
    );
}

#[test]
fn send_sandbox_needs_no_account() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("rows.csv");
    std::fs::write(&file, numbered_csv(3)).expect("write");
    let output = dynmark()
        .args(["send", "--sandbox"])
        .arg(&file)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0), "{:?}", texts(&output));
    assert!(texts(&output).0.starts_with("3 rows: 3 accepted"));
}

#[test]
fn dynmark_sandbox_prints_its_url_and_credentials_and_serves_them() {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("dynmark"))
        .args(["sandbox", "--port", "0"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("starts");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut line = || lines.next().expect("a line").expect("text");
    let first = line();
    let url = first
        .strip_prefix("Dynmark sandbox listening on ")
        .expect("the URL first")
        .to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert_eq!(line(), format!("DYNMARK_BASE_URL={url}"));
    assert_eq!(line(), format!("DYNMARK_USERNAME={}", Sandbox::USERNAME));
    assert_eq!(line(), format!("DYNMARK_PASSWORD={}", Sandbox::PASSWORD));

    let output = dynmark()
        .env("DYNMARK_BASE_URL", &url)
        .env("DYNMARK_USERNAME", Sandbox::USERNAME)
        .env("DYNMARK_PASSWORD", Sandbox::PASSWORD)
        .args(["send", "-"])
        .write_stdin(numbered_csv(2))
        .output()
        .expect("runs");
    child.kill().expect("stops");
    let _ = child.wait();
    assert_eq!(output.status.code(), Some(0), "{:?}", texts(&output));
    assert!(texts(&output).0.starts_with("2 rows: 2 accepted"));
}

#[test]
fn usage_errors_exit_2() {
    let output = dynmark().args(["send"]).output().expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let output = dynmark()
        .args(["check", "-", "--default", "toa=1"])
        .write_stdin("to,from,body\n")
        .output()
        .expect("runs");
    let (_, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--default toa=1: `toa` is not a message field"),
        "{stderr}"
    );
    let output = dynmark()
        .args(["check", "-", "--report", "out.txt"])
        .write_stdin("to,from,body\n")
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(texts(&output).1.contains("must end in .csv"));
}

#[test]
fn rows_are_read_as_calls_need_them_not_all_at_once() {
    use std::io::Write as _;
    let sandbox = Sandbox::start().expect("sandbox");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("dynmark"))
        .env("DYNMARK_BASE_URL", sandbox.base_url())
        .env("DYNMARK_USERNAME", Sandbox::USERNAME)
        .env("DYNMARK_PASSWORD", Sandbox::PASSWORD)
        .args(["send", "--quiet", "--batch-size", "100", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let mut stdin = child.stdin.take().expect("stdin");
    let csv = numbered_csv(500);
    let (first, rest) = csv.split_at(csv.find("row-300\n").expect("row 300") + 8);
    stdin.write_all(first.as_bytes()).expect("write");
    stdin.flush().expect("flush");
    // The input is still open: the first 300 rows must be on their way already.
    let start = std::time::Instant::now();
    while sandbox.accepted().len() < 300 {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(60),
            "the first rows were not sent before the input ended"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    stdin.write_all(rest.as_bytes()).expect("write");
    drop(stdin);
    let output = child.wait_with_output().expect("ends");
    assert_eq!(output.status.code(), Some(0), "{:?}", texts(&output));
    assert_eq!(sandbox.accepted().len(), 500);
}

#[test]
fn a_result_the_service_sent_unreadably_says_why_on_its_row() {
    let sandbox = Sandbox::start().expect("sandbox");
    // The first result is fine, the second lacks `details`.
    sandbox.inject(Fault::Respond {
        status: 202,
        content_type: "application/json".into(),
        body: br#"[{"to":"447700900000","successful":true},{"to":"447700900001","successful":false,"validationFailures":[{"property":"from","failureCode":"FromEmpty"}]}]"#.to_vec(),
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("rows.csv");
    std::fs::write(&file, numbered_csv(2)).expect("write");
    let report = dir.path().join("report.jsonl");
    let output = dynmark_for(&sandbox)
        .args(["send", "--quiet", "--report"])
        .arg(&report)
        .arg(&file)
        .output()
        .expect("runs");
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(3), "{stdout}{stderr}");
    let lines = report_lines(&report);
    assert_eq!(lines[0]["outcome"], "accepted");
    assert_eq!(lines[1]["outcome"], "uncertain");
    let reason = lines[1]["reason"].as_str().expect("a reason");
    assert!(reason.contains("could not be read"), "{reason}");
    assert!(reason.contains("missing field `details`"), "{reason}");
}
