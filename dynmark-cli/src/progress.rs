//! Progress on standard error: an indicatif spinner with the counts on a terminal, a plain line
//! every few seconds otherwise (logs, CI), nothing with `--quiet`.

use std::io::IsTerminal as _;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::summary::Summary;

/// How often a plain progress line is written.
const LINE_EVERY: Duration = Duration::from_secs(5);

/// Where progress goes.
pub enum Progress {
    /// A spinner on the terminal.
    Bar(ProgressBar),
    /// A line every [`LINE_EVERY`].
    Lines {
        /// When the last line was written.
        last: Instant,
    },
    /// Nowhere.
    Quiet,
}

impl Progress {
    /// The bar on a terminal, plain lines otherwise; nothing when `quiet`.
    pub fn new(quiet: bool) -> Progress {
        if quiet {
            return Progress::Quiet;
        }
        if !std::io::stderr().is_terminal() {
            return Progress::Lines {
                last: Instant::now(),
            };
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(10));
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} {elapsed_precise} {pos} rows ({per_sec}) {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(Duration::from_millis(200));
        Progress::Bar(bar)
    }

    /// Shows the counts so far.
    pub fn update(&mut self, summary: &Summary) {
        match self {
            Progress::Bar(bar) => {
                bar.set_position(summary.rows);
                // Formatting the counts for every row would cost more than the rows: only when
                // the bar will draw.
                if summary.rows.is_multiple_of(64) {
                    bar.set_message(counts(summary));
                }
            }
            Progress::Lines { last } => {
                if last.elapsed() >= LINE_EVERY {
                    *last = Instant::now();
                    eprintln!("progress: {} rows: {}", summary.rows, counts(summary));
                }
            }
            Progress::Quiet => {}
        }
    }

    /// Takes the bar away before the summary is printed.
    pub fn finish(&mut self) {
        if let Progress::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }

    /// Prints a line without breaking the bar.
    pub fn println(&self, line: &str) {
        match self {
            Progress::Bar(bar) => bar.suspend(|| eprintln!("{line}")),
            _ => eprintln!("{line}"),
        }
    }
}

fn counts(summary: &Summary) -> String {
    format!(
        "{} accepted, {} rejected, {} not sent, {} uncertain",
        summary.accepted,
        summary.rejected,
        summary.not_sent,
        summary.uncertain.len()
    )
}
