//! `dynmark`: send SMS through Dynmark from a CSV or JSON Lines file, checked, resumable, nothing
//! sent twice.
//!
//! ```text
//! dynmark check recipients.csv --from Example          # no network: what is wrong, parts, totals
//! dynmark send recipients.csv --from Example --journal job.sqlite --report report.jsonl
//! dynmark send --sandbox recipients.csv                # to an in-process sandbox, no account
//! dynmark sandbox --port 8080                          # a sandbox for your own integration
//! ```
//!
//! See `dynmark help send` for the file formats, the credentials and the exit codes.

#![forbid(unsafe_code)]

mod check;
mod cli;
mod committer;
mod credentials;
mod engine;
mod fields;
mod input;
mod journal;
mod outcome;
mod output;
mod progress;
mod report;
mod send;
mod serve;
mod summary;

use std::fmt;
use std::process::ExitCode;

use clap::Parser as _;

use cli::{Cli, Command, InputArgs};
use input::{Defaults, Rows, Source};

/// What ends a run early, and its exit code.
#[derive(Debug)]
pub struct Fatal {
    code: u8,
    message: String,
}

impl Fatal {
    /// A usage or input error (exit 2).
    pub fn usage(message: impl Into<String>) -> Fatal {
        Fatal {
            code: 2,
            message: message.into(),
        }
    }

    /// [`Fatal::usage`] of an error's text.
    pub fn usage_of(error: impl fmt::Display) -> Fatal {
        Fatal::usage(error.to_string())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("dynmark: error: cannot start the async runtime: {error}");
            return ExitCode::from(2);
        }
    };
    let result = runtime.block_on(run(cli));
    match result {
        Ok(code) => ExitCode::from(code),
        Err(fatal) => {
            eprintln!("dynmark: error: {}", fatal.message);
            ExitCode::from(fatal.code)
        }
    }
}

async fn run(cli: Cli) -> Result<u8, Fatal> {
    match cli.command {
        Command::Check(args) => check::run(&args, open(&args)?),
        Command::Send(args) if args.dry_run => check::run(&args.input, open(&args.input)?),
        Command::Send(args) => {
            let rows = open(&args.input)?;
            let stop = dynmark_api::StopHandle::new();
            tokio::spawn(stop_on_ctrl_c(stop.clone()));
            send::run(&args, rows, stop).await
        }
        Command::Sandbox(args) => serve::run(&args).await,
    }
}

/// The first Ctrl-C stops the send gracefully; a second one ends the process at once (the
/// journal stays exact: rows in flight are found uncertain by the next run).
async fn stop_on_ctrl_c(stop: dynmark_api::StopHandle) {
    if tokio::signal::ctrl_c().await.is_err() {
        return;
    }
    stop.stop();
    eprintln!(
        "stopping: no new call starts; the calls in flight finish, every other row is reported not \
         sent (Ctrl-C again quits at once)"
    );
    if tokio::signal::ctrl_c().await.is_ok() {
        std::process::exit(130);
    }
}

/// The rows of the command's file, with the defaults its flags give.
fn open(args: &InputArgs) -> Result<Rows, Fatal> {
    let fields = fields::Fields::from_spec().map_err(Fatal::usage)?;
    let mut defaults = Defaults::default();
    let named = [
        ("from", args.from.clone()),
        ("countryIsoCode", args.country.clone()),
        ("body", args.body.clone()),
        ("rejectUnicode", args.reject_unicode.map(|b| b.to_string())),
    ];
    for (field, value) in named {
        if let Some(value) = value {
            defaults.set(&fields, field, &value).map_err(Fatal::usage)?;
        }
    }
    for default in &args.defaults {
        let Some((field, value)) = default.split_once('=') else {
            return Err(Fatal::usage(format!(
                "--default {default}: expected FIELD=VALUE (e.g. --default filterSetName=shop)"
            )));
        };
        defaults
            .set(&fields, field, value)
            .map_err(|e| Fatal::usage(format!("--default {default}: {e}")))?;
    }
    Rows::open(&Source::parse(&args.file), args.format, fields, defaults).map_err(Fatal::usage_of)
}
