//! The summary at the end of a run: how many rows ended each way, the rejections by failure
//! code, the parts, and which rows may have reached the service.

use std::collections::BTreeMap;
use std::fmt;

use crate::outcome::{ReportRow, RowOutcome};

/// Counts of the rows so far.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Rows read.
    pub rows: u64,
    /// Accepted (in this run or, with a journal, an earlier one).
    pub accepted: u64,
    /// Of those, accepted in an earlier run (skipped).
    pub accepted_before: u64,
    /// Rejected (or, for `check`, invalid).
    pub rejected: u64,
    /// Valid (`check`).
    pub valid: u64,
    /// Not sent, safe to send again.
    pub not_sent: u64,
    /// The rows that may have reached the service.
    pub uncertain: Vec<u64>,
    /// Rejections by failure code (a row counts once per code it has).
    pub by_code: BTreeMap<String, u64>,
    /// Parts of the accepted (or valid) messages.
    pub parts: u64,
    /// Messages by encoding, of the accepted (or valid) ones.
    pub by_encoding: BTreeMap<&'static str, u64>,
}

impl Summary {
    /// Counts `row`.
    pub fn add(&mut self, row: &ReportRow) {
        self.rows += 1;
        match row.outcome {
            RowOutcome::Accepted | RowOutcome::Valid => {
                if row.outcome == RowOutcome::Accepted {
                    self.accepted += 1;
                } else {
                    self.valid += 1;
                }
                self.parts += row.parts.unwrap_or(0) as u64;
                if let Some(encoding) = row.encoding {
                    *self.by_encoding.entry(encoding).or_default() += 1;
                }
            }
            RowOutcome::Rejected | RowOutcome::Invalid => {
                self.rejected += 1;
                let mut codes: Vec<&str> = row
                    .failures
                    .iter()
                    .map(|f| f.failure_code.as_str())
                    .collect();
                codes.sort_unstable();
                codes.dedup();
                for code in codes {
                    *self.by_code.entry(code.to_owned()).or_default() += 1;
                }
            }
            RowOutcome::NotSent => self.not_sent += 1,
            RowOutcome::Uncertain => self.uncertain.push(row.row),
        }
    }

    /// The summary of a `check` (or `send --dry-run`).
    pub fn checked(&self) -> Checked<'_> {
        Checked(self)
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} rows: {} accepted", self.rows, self.accepted)?;
        if self.accepted_before > 0 {
            write!(f, " ({} in an earlier run)", self.accepted_before)?;
        }
        write!(
            f,
            ", {} rejected, {} not sent, {} may have reached the service",
            self.rejected,
            self.not_sent,
            self.uncertain.len()
        )?;
        write!(f, "\nparts accepted: {}", self.parts)?;
        write_encodings(f, self)?;
        write_codes(f, self, "rejected")?;
        if !self.uncertain.is_empty() {
            write!(
                f,
                "\nmay have reached the service (not sent again; --resend-uncertain sends them): \
                 rows {}",
                Ranges(&self.uncertain)
            )?;
        }
        if self.not_sent > 0 {
            f.write_str("\nnot sent: safe to send again (run the same command again)")?;
        }
        Ok(())
    }
}

/// [`Summary::checked`].
pub struct Checked<'a>(&'a Summary);

impl fmt::Display for Checked<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let summary = self.0;
        write!(
            f,
            "{} rows: {} valid, {} invalid\nparts of the valid messages: {}",
            summary.rows, summary.valid, summary.rejected, summary.parts
        )?;
        write_encodings(f, summary)?;
        write_codes(f, summary, "invalid")
    }
}

fn write_encodings(f: &mut fmt::Formatter<'_>, summary: &Summary) -> fmt::Result {
    for (i, (encoding, count)) in summary.by_encoding.iter().enumerate() {
        f.write_str(if i == 0 { " (" } else { ", " })?;
        write!(f, "{count} {encoding}")?;
        if i + 1 == summary.by_encoding.len() {
            f.write_str(")")?;
        }
    }
    Ok(())
}

fn write_codes(f: &mut fmt::Formatter<'_>, summary: &Summary, what: &str) -> fmt::Result {
    if summary.by_code.is_empty() {
        return Ok(());
    }
    write!(f, "\n{what} by failure code:")?;
    for (code, count) in &summary.by_code {
        write!(f, "\n  {code}: {count}")?;
    }
    Ok(())
}

/// Row numbers as ranges: `3-5, 9`.
struct Ranges<'a>(&'a [u64]);

impl fmt::Display for Ranges<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rows = self.0.to_vec();
        rows.sort_unstable();
        rows.dedup();
        let mut i = 0;
        while i < rows.len() {
            let start = rows[i];
            let mut end = start;
            while i + 1 < rows.len() && rows[i + 1] == end + 1 {
                i += 1;
                end = rows[i];
            }
            if start != rows[0] {
                f.write_str(", ")?;
            }
            if start == end {
                write!(f, "{start}")?;
            } else {
                write!(f, "{start}-{end}")?;
            }
            i += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dynmark_api::ValidationFailure;

    #[test]
    fn the_summary_counts_each_way_and_lists_uncertain_rows_as_ranges() {
        let mut summary = Summary::default();
        let row = |n, outcome| ReportRow::new(n, None, None, None, None).with(outcome, "");
        let mut accepted = row(1, RowOutcome::Accepted);
        accepted.encoding = Some("GSM-7");
        accepted.parts = Some(2);
        summary.add(&accepted);
        let mut rejected = row(2, RowOutcome::Rejected);
        rejected.failures = vec![
            ValidationFailure::failure_code("FromEmpty").details("x"),
            ValidationFailure::failure_code("FromEmpty").details("y"),
        ];
        summary.add(&rejected);
        for n in [3, 4, 5, 9] {
            summary.add(&row(n, RowOutcome::Uncertain));
        }
        summary.add(&row(10, RowOutcome::NotSent));
        assert_eq!(
            summary.to_string(),
            "7 rows: 1 accepted, 1 rejected, 1 not sent, 4 may have reached the service\n\
             parts accepted: 2 (1 GSM-7)\n\
             rejected by failure code:\n  FromEmpty: 1\n\
             may have reached the service (not sent again; --resend-uncertain sends them): rows 3-5, 9\n\
             not sent: safe to send again (run the same command again)"
        );
    }
}
