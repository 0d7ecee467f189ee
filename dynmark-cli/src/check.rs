//! `dynmark check` and `send --dry-run`: every row validated locally, nothing sent. Each
//! invalid row's failures in the service's words and paths, each valid one's encoding and
//! parts, and the totals.

use dynmark_api::dry_run::DryRunMessage;

use crate::Fatal;
use crate::cli::InputArgs;
use crate::input::Rows;
use crate::outcome::{ReportRow, RowOutcome};
use crate::output::Output;

/// Runs the check; the exit code is 1 when a row is invalid.
pub fn run(args: &InputArgs, rows: Rows) -> Result<u8, Fatal> {
    let mut output = Output::new(args.report.as_deref(), args.quiet).map_err(Fatal::usage_of)?;
    let mut fatal = None;
    for (sequence, row) in rows.enumerate() {
        let row = match row {
            Ok(row) => row,
            Err(error) => {
                fatal = Some(Fatal::usage_of(error));
                break;
            }
        };
        let line = match &row.content {
            Ok(message) => {
                let checked = DryRunMessage::of(sequence, message);
                let mut line = ReportRow::new(
                    row.number,
                    row.line,
                    row.to(),
                    row.client_ref(),
                    Some(&checked.parts),
                );
                line.outcome = if checked.is_valid() {
                    RowOutcome::Valid
                } else {
                    RowOutcome::Invalid
                };
                line.failures = checked.validation_failures;
                line
            }
            Err(unreadable) => {
                let mut line =
                    ReportRow::new(row.number, row.line, row.to(), row.client_ref(), None);
                line.outcome = RowOutcome::Invalid;
                line.failures = unreadable.failures.clone();
                line
            }
        };
        output.row(sequence as u64, line).map_err(Fatal::usage_of)?;
    }
    let summary = output.finish().map_err(Fatal::usage_of)?;
    println!("{}", summary.checked());
    if let Some(fatal) = fatal {
        return Err(fatal);
    }
    Ok(u8::from(summary.rejected > 0))
}
