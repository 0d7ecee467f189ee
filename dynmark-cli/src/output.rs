//! Where a finished row goes: the summary's counts, the progress, the report file, and a line
//! on standard output for a row that was rejected or is invalid (the first few of them).

use std::path::Path;

use crate::outcome::{ReportRow, RowOutcome};
use crate::progress::Progress;
use crate::report::{Report, ReportError};
use crate::summary::Summary;

/// How many problem rows are printed before the rest are left to the report.
const PRINTED: u64 = 50;

/// The outputs of a run.
pub struct Output {
    pub summary: Summary,
    progress: Progress,
    report: Option<Report>,
    printed: u64,
    has_report: bool,
}

impl Output {
    /// Creates the report file, if asked for one.
    pub fn new(report: Option<&Path>, quiet: bool) -> Result<Output, ReportError> {
        Ok(Output {
            summary: Summary::default(),
            progress: Progress::new(quiet),
            report: report.map(Report::create).transpose()?,
            printed: 0,
            has_report: report.is_some(),
        })
    }

    /// Row `sequence` (from 0, in reading order) is finished.
    pub fn row(&mut self, sequence: u64, row: ReportRow) -> Result<(), ReportError> {
        self.summary.add(&row);
        self.progress.update(&self.summary);
        if matches!(row.outcome, RowOutcome::Rejected | RowOutcome::Invalid) {
            self.printed += 1;
            if self.printed <= PRINTED {
                self.progress.println(&problem_line(&row));
            }
        }
        match &mut self.report {
            Some(report) => report.add(sequence, row),
            None => Ok(()),
        }
    }

    /// A note on standard error that does not break the progress bar.
    pub fn note(&self, line: &str) {
        self.progress.println(line);
    }

    /// Flushes the report and clears the progress; the summary is the caller's to print.
    pub fn finish(mut self) -> Result<Summary, ReportError> {
        self.progress.finish();
        if self.printed > PRINTED {
            let rest = self.printed - PRINTED;
            eprintln!(
                "... and {rest} more {}",
                if self.has_report {
                    "(every row is in the report)"
                } else {
                    "(--report FILE lists every row)"
                }
            );
        }
        if let Some(report) = self.report {
            report.finish()?;
        }
        Ok(self.summary)
    }
}

/// `row 3 (line 4, to 447700900000): invalid: from: must not be empty (FromEmpty)` (the line
/// when the input is JSON Lines).
fn problem_line(row: &ReportRow) -> String {
    let mut line = format!("row {}", row.row);
    let to = row.to.as_deref().filter(|to| !to.is_empty());
    match (row.line, to) {
        (Some(at), Some(to)) => line.push_str(&format!(" (line {at}, to {to})")),
        (Some(at), None) => line.push_str(&format!(" (line {at})")),
        (None, Some(to)) => line.push_str(&format!(" (to {to})")),
        (None, None) => {}
    }
    line.push_str(": ");
    line.push_str(row.reason.as_deref().unwrap_or(row.outcome.as_str()));
    for (i, failure) in row.failures.iter().enumerate() {
        line.push_str(if i == 0 { ": " } else { "; " });
        if let Some(property) = failure.property.as_deref().filter(|p| !p.is_empty()) {
            line.push_str(property);
            line.push_str(": ");
        }
        line.push_str(&format!("{} ({})", failure.details, failure.failure_code));
    }
    line
}
