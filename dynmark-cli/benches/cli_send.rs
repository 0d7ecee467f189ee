//! The CLI beside the library, in the same run: N rows from a CSV to a sandbox on 127.0.0.1
//! through `dynmark send --journal` (also without the journal, and with `--durable-journal`), and the same rows read with
//! `csv` and serde and sent through the library's streaming send (`Client::send_stream`) in a
//! process of its own. Each runs as a child process against a fresh in-process counting sandbox; peak RSS
//! is the child's `VmHWM`.
//!
//! ```text
//! cargo bench -p dynmark-cli --bench cli_send -- --rows 100000 --runs 5
//! ```
//!
//! With `--runs N` each size is run N times, the variants taking turns, and a line per variant
//! gives the median, the fastest and the slowest run, and the median over the library's.
//!
//! Without `--bench` (as `cargo test --benches` runs it) it sends 2,000 rows once per variant
//! and checks every row was accepted, nothing more.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use dynmark_api::sandbox::Sandbox;

const LIBRARY_CHILD: &str = "--library-child";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some(LIBRARY_CHILD) {
        library_child(&args[1], Path::new(&args[2]));
        return;
    }
    let bench = args.iter().any(|a| a == "--bench");
    let rows = args
        .iter()
        .position(|a| a == "--rows")
        .and_then(|i| args.get(i + 1))
        .map(|n| n.parse().expect("--rows N"))
        .unwrap_or(if bench { 100_000 } else { 2_000 });
    let runs: usize = args
        .iter()
        .position(|a| a == "--runs")
        .and_then(|i| args.get(i + 1))
        .map(|n| n.parse().expect("--runs N"))
        .unwrap_or(1);
    let dir = tempfile::tempdir().expect("tempdir");
    let mut sizes = vec![rows];
    if bench && rows >= 100 {
        // Memory should not grow with the rows: the same run at a tenth of the size.
        sizes.insert(0, rows / 10);
    }
    const VARIANTS: [&str; 4] = ["library", "cli", "cli+journal", "cli+durable-journal"];
    for rows in sizes {
        let file = dir.path().join(format!("rows-{rows}.csv"));
        write_rows(&file, rows);
        let mut times: Vec<Vec<f64>> = vec![Vec::new(); VARIANTS.len()];
        let mut peaks: Vec<u64> = vec![0; VARIANTS.len()];
        for turn in 0..runs {
            for (v, variant) in VARIANTS.into_iter().enumerate() {
                let sandbox = Sandbox::builder().count_only().start().expect("sandbox");
                let journal = dir.path().join(format!("{variant}-{rows}-{turn}.sqlite"));
                let mut command = match variant {
                    "library" => {
                        let mut command =
                            Command::new(std::env::current_exe().expect("this benchmark's path"));
                        command
                            .arg(LIBRARY_CHILD)
                            .arg(sandbox.base_url())
                            .arg(&file);
                        command
                    }
                    _ => {
                        let mut command = Command::new(env!("CARGO_BIN_EXE_dynmark"));
                        command.args(["send", "--quiet"]);
                        if variant != "cli" {
                            command.arg("--journal").arg(&journal);
                        }
                        if variant == "cli+durable-journal" {
                            command.arg("--durable-journal");
                        }
                        command
                            .arg(&file)
                            .env("DYNMARK_BASE_URL", sandbox.base_url())
                            .env("DYNMARK_USERNAME", Sandbox::USERNAME)
                            .env("DYNMARK_PASSWORD", Sandbox::PASSWORD);
                        command
                    }
                };
                let (elapsed, peak_kib) = run(&mut command);
                let accepted = sandbox.accepted_count();
                assert_eq!(accepted, rows, "{variant}: every row accepted");
                println!(
                    "variant={variant} rows={rows} secs={:.2} msgs_per_s={:.0} peak_rss_mib={:.1}",
                    elapsed.as_secs_f64(),
                    rows as f64 / elapsed.as_secs_f64(),
                    peak_kib as f64 / 1024.0
                );
                times[v].push(elapsed.as_secs_f64());
                peaks[v] = peaks[v].max(peak_kib);
            }
        }
        if runs > 1 {
            let median = |times: &[f64]| {
                let mut sorted = times.to_vec();
                sorted.sort_by(f64::total_cmp);
                sorted[sorted.len() / 2]
            };
            let library = median(&times[0]);
            for (v, variant) in VARIANTS.into_iter().enumerate() {
                let fastest = times[v].iter().copied().fold(f64::INFINITY, f64::min);
                let slowest = times[v].iter().copied().fold(0.0, f64::max);
                println!(
                    "summary variant={variant} rows={rows} runs={runs} median_secs={:.3} \
                     fastest={fastest:.3} slowest={slowest:.3} vs_library={:.2} \
                     peak_rss_mib={:.1}",
                    median(&times[v]),
                    median(&times[v]) / library,
                    peaks[v] as f64 / 1024.0
                );
            }
        }
    }
}

/// Runs `command` to its end: how long it took and its peak RSS in KiB (its last `VmHWM`).
fn run(command: &mut Command) -> (Duration, u64) {
    let start = Instant::now();
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("starts");
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    let status = loop {
        if let Some(kib) = std::fs::read_to_string(&status_file)
            .ok()
            .and_then(|status| vm_hwm(&status))
        {
            peak = peak.max(kib);
        }
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let elapsed = start.elapsed();
    assert!(status.success(), "{command:?}: {status}");
    (elapsed, peak)
}

fn vm_hwm(status: &str) -> Option<u64> {
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn write_rows(path: &Path, rows: usize) {
    use std::io::Write as _;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    writeln!(out, "to,from,body,clientRef").expect("write");
    for row in 1..=rows {
        writeln!(
            out,
            "4477{row:08},Example,\"Hello, this is message {row} of the job\",row-{row}"
        )
        .expect("write");
    }
    out.flush().expect("flush");
}

/// The baseline: the same rows read with `csv` + serde, streamed through the library.
fn library_child(base_url: &str, file: &Path) {
    use futures_util::StreamExt as _;

    #[derive(serde::Deserialize)]
    struct Row {
        to: String,
        from: String,
        body: String,
        #[serde(rename = "clientRef")]
        client_ref: String,
    }
    let rows = csv::Reader::from_path(file)
        .expect("open")
        .into_deserialize::<Row>()
        .map(|row| {
            let row = row.expect("a row");
            dynmark_api::Message::to(row.to)
                .from(row.from)
                .body(row.body)
                .with_client_ref(row.client_ref)
        });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let client = dynmark_api::Client::builder()
            .credentials(Sandbox::USERNAME, Sandbox::PASSWORD)
            .base_url(base_url)
            .build()
            .expect("client");
        let mut outcomes = client.send_stream(futures_util::stream::iter(rows));
        let mut accepted = 0usize;
        while let Some(outcome) = outcomes.next().await {
            assert!(outcome.outcome.is_accepted(), "{:?}", outcome.outcome);
            accepted += 1;
        }
        assert!(accepted > 0);
    });
}
