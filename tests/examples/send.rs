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
//! Against the sandbox, every message also asks for its delivery receipt: its
//! `deliveryStatusUrl` is a local receiver's (`dynmark_api::receipts`), its `clientRef` unique
//! (`assign_client_refs`), and the receipts the sandbox sends back are matched to the messages
//! and printed.
//!
//! It exits with a failure status when a send returned an error (a call failed as a whole) or
//! an accepted message's receipt did not arrive.

use std::error::Error;
use std::process::ExitCode;

use std::sync::Arc;
use std::time::{Duration, Instant};

use dynmark_api::receipts::{
    ReceiptToken, ReceiptUrl, Received, Receiver, ReceiverService, Tracker, assign_client_refs,
};
use dynmark_api::sandbox::{ReceiverServer, Sandbox};
use dynmark_api::{Message, Outcome, SendError, SendReport};

/// The page's request examples, and one message the service would refuse (no originator); every
/// recipient is one of Ofcom's drama numbers, in the page's shapes (international digits, or a
/// local number with a space and `countryIsoCode` `GBR`).
fn messages() -> Vec<(&'static str, Message)> {
    let text = "Hello, this is a test message";
    vec![
        (
            "Simple Send",
            Message::to("447700900000")
                .from("Example")
                .body(text)
                .with_client_ref("Your reference"),
        ),
        (
            "Send with Receipts",
            Message::to("447700900000")
                .from("Example")
                .body(text)
                .with_delivery_status_url("https://inbound.example.com/SmsReceipts")
                .with_client_ref("Your reference"),
        ),
        (
            "Using Local Numbers",
            Message::to("07700 900123")
                .from("Example")
                .body(text)
                .with_country_iso_code("GBR")
                .with_client_ref("Your reference"),
        ),
        (
            "Multiple recipients (1)",
            Message::to("447700900000")
                .from("Example")
                .body(text)
                .with_client_ref("Your reference"),
        ),
        (
            "Multiple recipients (2)",
            Message::to("447700900111")
                .from("Example")
                .body(text)
                .with_client_ref("Your second reference"),
        ),
        (
            "Invalid: no originator",
            Message::to("447700900999").from("").body(text),
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
        Ok(Sent::ReceiptMissing) => {
            eprintln!("error: a delivery receipt did not arrive; see above");
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
    /// An accepted message's delivery receipt did not arrive.
    ReceiptMissing,
}

fn run() -> Result<Sent, Box<dyn Error>> {
    let examples = messages();
    let to_send = || examples.iter().map(|(_, m)| m.clone()).collect::<Vec<_>>();
    let mut sent_status = Sent::AllAnswered;
    let mut tally = |result: &Result<SendReport, SendError>| {
        if result.is_err() {
            sent_status = Sent::SomeCallFailed;
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
        return Ok(sent_status);
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

    // Delivery receipts: a receiver on 127.0.0.1 feeding a tracker, its URL on every message.
    let token = ReceiptToken::generate()?;
    let tracker = Arc::new(Tracker::new());
    let service = ReceiverService::with_handler(Receiver::new(token.clone()), {
        let tracker = Arc::clone(&tracker);
        move |received| {
            if let Received::Receipt(receipt) = received {
                tracker.receipt(&receipt);
            }
        }
    })?;
    let receiver = ReceiverServer::start(service)?;
    let url = ReceiptUrl::new(&receiver.base_url(), &token)?;
    let with_receipts = || -> Vec<Message> {
        let messages = to_send().into_iter().map(|mut message| {
            message.client_ref = None; // the page's references repeat: receipts need unique ones
            message.with_delivery_status_url(url.expose_secret())
        });
        assign_client_refs(messages).collect()
    };

    let sent = with_receipts();
    let result = runtime.block_on(async_client.send(sent.clone()));
    print_report("async", &examples, &result);
    tally(&result);
    let tracked = track(&tracker, &sent, &result)?;

    let sent = with_receipts();
    let result = blocking_client.send(sent.clone());
    print_report("blocking", &examples, &result);
    tally(&result);
    let tracked = tracked + track(&tracker, &sent, &result)?;

    // The sandbox sends each receipt at once; give them a few seconds to arrive.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !tracker.pending().is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    println!("\n== delivery receipts ({tracked} accepted message(s) asked for one)");
    for message in sent.iter().filter_map(|m| m.client_ref.as_deref()) {
        if let Some(tracked) = tracker.get(message) {
            for receipt in &tracked.receipts {
                println!(
                    "{} to {:<14} status {} ({}) at {}",
                    tracked.client_ref,
                    tracked.to,
                    receipt.status_id,
                    receipt.status_description,
                    receipt.datetime
                );
            }
        }
    }
    let pending = tracker.pending();
    println!(
        "{} of {tracked} receipt(s) arrived (both clients; the blocking client's listed above)",
        tracked - pending.len()
    );
    if !pending.is_empty() {
        for tracked in &pending {
            println!("no receipt for {} to {}", tracked.client_ref, tracked.to);
        }
        sent_status = Sent::ReceiptMissing;
    }

    println!(
        "\nThe sandbox answered {} call(s) and accepted {} message(s).",
        sandbox.calls().len(),
        sandbox.accepted().len()
    );
    Ok(sent_status)
}

/// Tells the tracker which messages of a send may get a receipt; how many.
fn track(
    tracker: &Tracker,
    sent: &[Message],
    result: &Result<SendReport, SendError>,
) -> Result<usize, Box<dyn Error>> {
    let report = match result {
        Ok(report) => report,
        Err(error) => error.report(),
    };
    Ok(tracker.track_report(sent, report)?)
}
