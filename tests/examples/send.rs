//! Sends the example messages of Dynmark's "Send Messages" page (a simple send, one with
//! delivery receipts, one to a local number, one to several recipients) plus one invalid
//! message, through the async client and then the blocking one, and prints what happened to
//! each message.
//!
//! ```text
//! cargo run --example send
//! ```
//!
//! By default it starts the local sandbox in-process and sends there. With `DYNMARK_USERNAME`
//! and `DYNMARK_PASSWORD` set (and optionally `DYNMARK_BASE_URL`), it sends to that service
//! instead: real messages, to the page's example numbers.

use std::error::Error;
use std::process::ExitCode;

use dynmark_api::sandbox::Sandbox;
use dynmark_api::{Message, Outcome, SendError, SendReport};

/// The page's request examples, and one message the service would refuse (no originator).
fn messages() -> Vec<(&'static str, Message)> {
    let text = "Hello, this is a test message";
    vec![
        (
            "Simple Send",
            Message::new("447700900000", "Example", text).with_client_ref("Your reference"),
        ),
        (
            "Send with Receipts",
            Message::new("447700900000", "Example", text)
                .with_delivery_status_url("https://inbound.example.com/SmsReceipts")
                .with_client_ref("Your reference"),
        ),
        (
            "Using Local Numbers",
            Message::new("07777 123123", "Example", text)
                .with_country_iso_code("GBR")
                .with_client_ref("Your reference"),
        ),
        (
            "Multiple recipients (1)",
            Message::new("447700900000", "Example", text).with_client_ref("Your reference"),
        ),
        (
            "Multiple recipients (2)",
            Message::new("447700900111", "Example", text).with_client_ref("Your second reference"),
        ),
        (
            "Invalid: no originator",
            Message::new("447979080215", "", text),
        ),
    ]
}

/// One line per message: which example, where to, and what happened.
fn print_report(
    client: &str,
    examples: &[(&str, Message)],
    result: &Result<SendReport, SendError>,
) {
    println!("\n== {client} client");
    let report = match result {
        Ok(report) => report,
        Err(error) => {
            println!("error: {error}");
            error.report()
        }
    };
    let counts = report.counts();
    println!(
        "{} message(s): {} accepted, {} rejected, {} not sent",
        report.len(),
        counts.accepted,
        counts.rejected,
        counts.not_sent
    );
    for ((index, outcome), (name, message)) in report.iter().zip(examples) {
        let mark = match outcome {
            Outcome::Accepted => "ok ",
            Outcome::Rejected { .. } => "no ",
            Outcome::NotSent { .. } => "?? ",
        };
        println!("{mark} #{index} {name:<24} to {:<14} {outcome}", message.to);
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn Error>> {
    let examples = messages();
    let to_send = || examples.iter().map(|(_, m)| m.clone()).collect::<Vec<_>>();

    let use_env = std::env::var_os("DYNMARK_USERNAME").is_some();
    // Keeps the sandbox running until the end of `main`.
    let sandbox = if use_env {
        None
    } else {
        Some(Sandbox::start()?)
    };
    let (async_client, blocking_client) = match &sandbox {
        None => {
            let async_client = dynmark_api::Client::from_env()?;
            println!(
                "Sending to {} (from DYNMARK_* variables)",
                async_client.endpoint().base_url()
            );
            (async_client, dynmark_api::blocking::Client::from_env()?)
        }
        Some(sandbox) => {
            println!(
                "Sending to the local sandbox at {} (set DYNMARK_USERNAME and DYNMARK_PASSWORD to use a real service)",
                sandbox.base_url()
            );
            let async_client = dynmark_api::Client::builder()
                .credentials(Sandbox::USERNAME, Sandbox::PASSWORD)
                .base_url(sandbox.base_url())
                .build()?;
            let blocking_client = dynmark_api::blocking::Client::builder()
                .credentials(Sandbox::USERNAME, Sandbox::PASSWORD)
                .base_url(sandbox.base_url())
                .build()?;
            (async_client, blocking_client)
        }
    };

    let runtime = tokio::runtime::Runtime::new()?;
    let result = runtime.block_on(async_client.send(to_send()));
    print_report("async", &examples, &result);

    let result = blocking_client.send(to_send());
    print_report("blocking", &examples, &result);

    if let Some(sandbox) = &sandbox {
        println!(
            "\nThe sandbox answered {} call(s) and accepted {} message(s).",
            sandbox.calls().len(),
            sandbox.accepted().len()
        );
    }
    Ok(())
}
