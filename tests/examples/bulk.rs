//! Streams N generated valid messages through the async client to an in-process sandbox that
//! counts what it accepts (and keeps nothing), and prints exactly one line:
//!
//! ```text
//! cargo run --release -p dynmark-tests --example bulk -- --messages 1000000
//! messages=1000000 accepted=1000000 peak_rss_mib=M msgs_per_s=R
//! ```
//!
//! `peak_rss_mib` is the peak resident memory of the whole process (client, sandbox and
//! runtime), from `VmHWM` in `/proc/self/status`; `msgs_per_s` counts from the first message
//! to the last outcome. Messages are made as they are taken and dropped with their outcome, so
//! memory stays bounded whatever N. It exits with a failure status unless every message was
//! accepted.
//!
//! `--send vec` makes the N messages first and hands them to `Client::send` as a `Vec` (the
//! report is kept in the `Vec`'s memory); `--send iter` hands `send` the same `Vec` behind a
//! `filter` (an input of unknown length: the report is a second copy). Both print the same
//! line with `send=vec` or `send=iter` first: what a report of every message costs.

use std::error::Error;
use std::process::ExitCode;
use std::time::Instant;

use dynmark_api::sandbox::Sandbox;
use dynmark_api::{Client, Message, Outcome};
use futures_util::StreamExt as _;

const DEFAULT_MESSAGES: usize = 100_000;

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("bulk: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<bool, Box<dyn Error>> {
    let (messages, send) = parse_args(std::env::args().skip(1))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let sandbox = Sandbox::builder().count_only().start()?;
    let client = Client::builder()
        .credentials(Sandbox::USERNAME, Sandbox::PASSWORD)
        .base_url(sandbox.base_url())
        .build()?;
    if let Some(send) = send {
        let all: Vec<Message> = (0..messages).map(message).collect();
        let started = Instant::now();
        let report = runtime.block_on(async {
            if send == "vec" {
                client.send(all).await
            } else {
                client.send(all.into_iter().filter(|_| true)).await
            }
        })?;
        let seconds = started.elapsed().as_secs_f64();
        let accepted = report.counts().accepted;
        println!(
            "send={send} messages={messages} accepted={accepted} peak_rss_mib={:.1} msgs_per_s={:.0}",
            peak_rss_kib()? as f64 / 1024.0,
            messages as f64 / seconds.max(f64::EPSILON)
        );
        return Ok(accepted == messages && sandbox.accepted_count() == messages);
    }
    let started = Instant::now();
    let accepted = runtime.block_on(async {
        let input = futures_util::stream::iter(0..messages).map(message);
        let mut outcomes = client.send_stream(input);
        let mut accepted = 0usize;
        while let Some(done) = outcomes.next().await {
            match done.outcome {
                Outcome::Accepted => accepted += 1,
                other => eprintln!("#{} to {}: {other}", done.index, done.message.to),
            }
        }
        accepted
    });
    let seconds = started.elapsed().as_secs_f64();
    let peak = peak_rss_kib()?;
    println!(
        "messages={messages} accepted={accepted} peak_rss_mib={:.1} msgs_per_s={:.0}",
        peak as f64 / 1024.0,
        messages as f64 / seconds.max(f64::EPSILON)
    );
    Ok(accepted == messages && sandbox.accepted_count() == messages)
}

/// Message `i`: a valid one, to a distinct drama-range-shaped number.
fn message(i: usize) -> Message {
    Message::to(format!("4477{:08}", i % 100_000_000))
        .from("Example")
        .body("Hello, this is a test message")
        .with_client_ref(format!("bulk-{i}"))
}

/// `--messages N` (default 100,000), `--send vec|iter` (default: stream).
fn parse_args(
    mut args: impl Iterator<Item = String>,
) -> Result<(usize, Option<String>), Box<dyn Error>> {
    let mut messages = DEFAULT_MESSAGES;
    let mut send = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--messages" => {
                let value = args.next().ok_or("--messages needs a number")?;
                messages = value
                    .replace(['_', ','], "")
                    .parse()
                    .map_err(|_| format!("--messages: `{value}` is not a number"))?;
            }
            "--send" => match args.next().as_deref() {
                Some(how @ ("vec" | "iter")) => send = Some(how.to_owned()),
                _ => return Err("--send takes `vec` or `iter`".into()),
            },
            other => {
                return Err(format!(
                    "unknown argument `{other}` (use --messages N, --send vec|iter)"
                )
                .into());
            }
        }
    }
    Ok((messages, send))
}

/// The process's peak resident set size, in KiB (`VmHWM`).
fn peak_rss_kib() -> Result<u64, Box<dyn Error>> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let line = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .ok_or("no VmHWM in /proc/self/status")?;
    let kib = line.trim().trim_end_matches("kB").trim().parse()?;
    Ok(kib)
}
