//! The command line: what each command takes.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::input::Format;

/// The exit codes, as `--help` shows them.
pub const EXIT_CODES: &str = "\
Exit codes:
  0  every row accepted (check: every row valid)
  1  some rows rejected (check: invalid); the others are accepted
  2  a usage or input error: bad arguments, an unreadable file or header, no credentials, a
     journal for another file or service
  3  a call failed: some rows were not sent or may have reached the service (the summary and
     the report say which)
  130 stopped with Ctrl-C: calls in flight finished, the rest not sent (run again to send them)";

/// Send SMS through Dynmark from a CSV or JSON Lines file: checked, resumable, nothing sent twice.
#[derive(Debug, Parser)]
#[command(name = "dynmark", version, after_help = EXIT_CODES)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Send one message per row of FILE.
    ///
    /// CSV: a header row naming message fields (to, from, body, countryIsoCode, clientRef,
    /// deliverAfter, validUntil, deliveryStatusUrl, filterSetName, rejectUnicode,
    /// impersonateUserName; any case), then one row per message. JSON Lines: one message object
    /// per line. Credentials: DYNMARK_USERNAME and DYNMARK_PASSWORD, or --credentials FILE, or a
    /// prompt on the terminal; DYNMARK_BASE_URL or --base-url for another service.
    #[command(after_help = EXIT_CODES)]
    Send(SendArgs),
    /// Check each row of FILE without sending anything: validation failures in the service's
    /// words, encoding and parts, totals. Exit 1 when a row is invalid.
    #[command(after_help = EXIT_CODES)]
    Check(InputArgs),
    /// Run a local Dynmark-compatible sandbox until Ctrl-C, and print its URL and credentials.
    Sandbox(SandboxArgs),
}

/// Where rows come from and what they default to.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// The rows: a .csv or .jsonl file, or `-` for standard input.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The file's format (default: by extension, else by content).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// `from` of rows that have none.
    #[arg(long, value_name = "ORIGINATOR")]
    pub from: Option<String>,
    /// `countryIsoCode` of rows that have none (ISO 3166-1 alpha-3, e.g. GBR).
    #[arg(long, value_name = "ISO3")]
    pub country: Option<String>,
    /// `body` of rows that have none.
    #[arg(long, value_name = "TEXT")]
    pub body: Option<String>,
    /// `rejectUnicode` of rows that have none.
    #[arg(long, value_name = "BOOL")]
    pub reject_unicode: Option<bool>,
    /// Any field's value for rows that have none (repeatable): `--default filterSetName=shop`.
    #[arg(long = "default", value_name = "FIELD=VALUE")]
    pub defaults: Vec<String>,
    /// Write one line per row to FILE: CSV (.csv) or JSON Lines (.jsonl, .ndjson, .json).
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// No progress on standard error.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `send`'s options.
#[derive(Debug, Args)]
pub struct SendArgs {
    /// The rows and their defaults.
    #[command(flatten)]
    pub input: InputArgs,
    /// Check the rows as `check` does and send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Record what is sent in this SQLite file; run the same command again to send only what has
    /// not gone out (accepted rows are skipped, rows that may have reached the service listed).
    #[arg(long, value_name = "FILE")]
    pub journal: Option<PathBuf>,
    /// With --journal: sync each journal commit to the disk, so that it survives a power cut
    /// too (a kill never loses a commit, even without this); slower.
    #[arg(long, requires = "journal")]
    pub durable_journal: bool,
    /// With --journal: send again rows that may have reached the service (they may be
    /// delivered twice).
    #[arg(long, requires = "journal")]
    pub resend_uncertain: bool,
    /// Send to an in-process sandbox instead of Dynmark (no account needed).
    #[arg(long, conflicts_with_all = ["credentials", "base_url"])]
    pub sandbox: bool,
    /// Read DYNMARK_USERNAME, DYNMARK_PASSWORD (and DYNMARK_BASE_URL) from FILE, NAME=VALUE lines.
    #[arg(long, value_name = "FILE")]
    pub credentials: Option<PathBuf>,
    /// The service's base URL (default: DYNMARK_BASE_URL, else Dynmark's).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// At most N messages per call (Dynmark recommends at most 250).
    #[arg(long, value_name = "N", default_value_t = 250)]
    pub batch_size: usize,
    /// At most N calls at once.
    #[arg(long, value_name = "N", default_value_t = dynmark_api::DEFAULT_CALLS_IN_FLIGHT)]
    pub calls_in_flight: usize,
    /// Give up on a call after SECONDS without its full answer.
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,
}

/// `sandbox`'s options.
#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// The port on 127.0.0.1 (0: any free one).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
}
