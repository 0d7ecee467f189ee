//! `dynmark check` and `send --dry-run`: every row validated locally, nothing sent. Each
//! invalid row's failures in the service's words and paths, each valid one's encoding and
//! parts, and the totals.

use dynmark_api::Validate as _;

use crate::Fatal;
use crate::cli::InputArgs;
use crate::input::Rows;
use crate::outcome::{ReportRow, RowOutcome};
use crate::output::Output;
use crate::sms::Parts;

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
        let parts = row.content.as_ref().ok().map(|m| Parts::of(&m.body));
        let line = ReportRow::new(row.number, row.to(), row.client_ref(), parts);
        let failures = match &row.content {
            Ok(message) => message.validate().err().map(|r| r.into_failures()),
            Err(unreadable) => Some(unreadable.failures.clone()),
        };
        let mut line = line;
        match failures {
            None => line.outcome = RowOutcome::Valid,
            Some(failures) => {
                line.outcome = RowOutcome::Invalid;
                line.failures = failures;
            }
        }
        output.row(sequence as u64, line).map_err(Fatal::usage_of)?;
    }
    let summary = output.finish().map_err(Fatal::usage_of)?;
    println!("{}", summary.checked());
    if let Some(fatal) = fatal {
        return Err(fatal);
    }
    Ok(u8::from(summary.rejected > 0))
}
