//! Sends the example messages of Dynmark's "Send Messages" page (a simple send, one with
//! delivery receipts, one to a local number, one to several recipients) plus one invalid
//! message, and prints what happened to each message, with its encoding and parts.
//!
//! ```text
//! cargo run --example send
//! ```
//!
//! By default it starts the local sandbox in-process and sends there, through the async client
//! and then the blocking one. With `DYNMARK_USERNAME` and `DYNMARK_PASSWORD` set (and optionally
//! `DYNMARK_BASE_URL`), it sends to that service instead, once, with the async client only (a
//! second send would deliver every message twice): real messages, to Ofcom's drama numbers
//! (07700 900000 to 07700 900999, reserved for fiction, never assigned to a subscriber).
//!
//! It exits with a failure status when a send returned an error (a call failed as a whole).

use std::error::Error;
use std::process::ExitCode;

use dynmark_api::sandbox::Sandbox;
use dynmark_api::{Message, Outcome, SendError, SendReport};

/// The page's request examples, and one message the service would refuse (no originator); every
/// recipient is one of Ofcom's drama numbers, in the page's shapes (international digits, or a
/// local number with a space and `countryIsoCode` `GBR`).
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
            Message::new("07700 900123", "Example", text)
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
            Message::new("447700900999", "", text),
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
        // What the message costs: its encoding and parts (`dynmark_api::sms::Parts`).
        let parts = message.parts();
        println!(
            "{mark} #{index} {name:<24} to {:<14} [{parts}] {outcome}",
            message.to
        );
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(Sent::AllAnswered) => ExitCode::SUCCESS,
        Ok(Sent::SomeCallFailed) => {
            eprintln!("error: a call failed as a whole; see the report above");
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// How the sends went.
enum Sent {
    /// Every call was answered (messages may still be rejected: that is their outcome).
    AllAnswered,
    /// A send returned an error: a call failed as a whole.
    SomeCallFailed,
}

fn run() -> Result<Sent, Box<dyn Error>> {
    let examples = messages();
    let to_send = || examples.iter().map(|(_, m)| m.clone()).collect::<Vec<_>>();
    let mut sent = Sent::AllAnswered;
    let mut tally = |result: &Result<SendReport, SendError>| {
        if result.is_err() {
            sent = Sent::SomeCallFailed;
        }
    };
    let runtime = tokio::runtime::Runtime::new()?;

    if std::env::var_os("DYNMARK_USERNAME").is_some() {
        // A real service: send once, so that no message is delivered twice.
        let client = dynmark_api::Client::from_env()?;
        println!(
            "Sending to {} (from DYNMARK_* variables)",
            client.endpoint().base_url()
        );
        let result = runtime.block_on(client.send(to_send()));
        print_report("async", &examples, &result);
        tally(&result);
        println!(
            "\n== blocking client: skipped against a real service, so that no message is delivered twice"
        );
        return Ok(sent);
    }

    let sandbox = Sandbox::start()?;
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

    let result = runtime.block_on(async_client.send(to_send()));
    print_report("async", &examples, &result);
    tally(&result);

    let result = blocking_client.send(to_send());
    print_report("blocking", &examples, &result);
    tally(&result);

    println!(
        "\nThe sandbox answered {} call(s) and accepted {} message(s).",
        sandbox.calls().len(),
        sandbox.accepted().len()
    );
    Ok(sent)
}
