//! `--report FILE`: one line per input row, in input order, as CSV or JSON Lines (by the file's
//! extension: `.csv`; `.jsonl`, `.ndjson` or `.json`).
//!
//! Rows finish out of order (calls answer in any order); a row is written once every row before
//! it is, so the file is always in row order and what waits is bounded by the calls in flight.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::outcome::ReportRow;

/// The report's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    JsonLines,
}

/// Why a report cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The extension says neither format.
    #[error(
        "the report's name must end in .csv (CSV) or .jsonl, .ndjson or .json (JSON Lines): {0}"
    )]
    Extension(PathBuf),
    /// It cannot be created or written.
    #[error("cannot write the report {path}: {source}")]
    Write {
        /// Where.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
}

/// The report file being written.
pub struct Report {
    path: PathBuf,
    format: Format,
    out: BufWriter<File>,
    /// Rows finished before one ahead of them, by sequence number.
    waiting: BTreeMap<u64, ReportRow>,
    /// The sequence number of the next row to write.
    next: u64,
}

impl Report {
    /// Checks the extension and creates (or truncates) the file.
    pub fn create(path: &Path) -> Result<Report, ReportError> {
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let format = match extension.as_deref() {
            Some("csv") => Format::Csv,
            Some("jsonl" | "ndjson" | "json") => Format::JsonLines,
            _ => return Err(ReportError::Extension(path.to_owned())),
        };
        let file = File::create(path).map_err(|source| ReportError::Write {
            path: path.to_owned(),
            source,
        })?;
        let mut report = Report {
            path: path.to_owned(),
            format,
            out: BufWriter::new(file),
            waiting: BTreeMap::new(),
            next: 0,
        };
        if format == Format::Csv {
            report
                .out
                .write_all(b"row,line,to,clientRef,outcome,encoding,parts,failures,reason\n")
                .map_err(|source| report.error(source))?;
        }
        Ok(report)
    }

    /// Row number `sequence` (from 0, in reading order) is finished: writes it and every row
    /// waiting behind it.
    pub fn add(&mut self, sequence: u64, row: ReportRow) -> Result<(), ReportError> {
        if sequence != self.next {
            self.waiting.insert(sequence, row);
            return Ok(());
        }
        self.write(&row)?;
        self.next += 1;
        while let Some(row) = self.waiting.remove(&self.next) {
            self.write(&row)?;
            self.next += 1;
        }
        Ok(())
    }

    /// Writes what waits (there is none when every row was added) and flushes the file.
    pub fn finish(mut self) -> Result<(), ReportError> {
        for row in std::mem::take(&mut self.waiting).into_values() {
            self.write(&row)?;
        }
        self.out.flush().map_err(|source| self.error(source))
    }

    fn write(&mut self, row: &ReportRow) -> Result<(), ReportError> {
        let written = match self.format {
            Format::JsonLines => serde_json::to_writer(&mut self.out, row)
                .map_err(io::Error::from)
                .and_then(|()| self.out.write_all(b"\n")),
            Format::Csv => self.write_csv(row),
        };
        written.map_err(|source| self.error(source))
    }

    fn write_csv(&mut self, row: &ReportRow) -> io::Result<()> {
        let failures = row
            .failures
            .iter()
            .map(|failure| match failure.property.as_deref() {
                Some(property) if !property.is_empty() => {
                    format!("{property}: {} ({})", failure.details, failure.failure_code)
                }
                _ => format!("{} ({})", failure.details, failure.failure_code),
            })
            .collect::<Vec<_>>()
            .join("; ");
        let fields = [
            row.row.to_string(),
            row.line.map(|l| l.to_string()).unwrap_or_default(),
            row.to.clone().unwrap_or_default(),
            row.client_ref.clone().unwrap_or_default(),
            row.outcome.as_str().to_owned(),
            row.encoding.unwrap_or_default().to_owned(),
            row.parts.map(|p| p.to_string()).unwrap_or_default(),
            failures,
            row.reason.clone().unwrap_or_default(),
        ];
        for (i, field) in fields.iter().enumerate() {
            if i > 0 {
                self.out.write_all(b",")?;
            }
            write_csv_field(&mut self.out, field)?;
        }
        self.out.write_all(b"\n")
    }

    fn error(&self, source: io::Error) -> ReportError {
        ReportError::Write {
            path: self.path.clone(),
            source,
        }
    }
}

/// A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).
fn write_csv_field(out: &mut impl Write, field: &str) -> io::Result<()> {
    if field.contains([',', '"', '\n', '\r']) {
        write!(out, "\"{}\"", field.replace('"', "\"\""))
    } else {
        out.write_all(field.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::RowOutcome;

    #[test]
    fn rows_are_written_in_order_whatever_order_they_finish_in() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("report.csv");
        let mut report = Report::create(&path).expect("create");
        let row = |n, outcome| {
            ReportRow::new(n, Some(n + 1), Some("447700900000"), Some("a,\"b\""), None)
                .with(outcome, "why")
        };
        report.add(1, row(2, RowOutcome::Rejected)).expect("add");
        report.add(0, row(1, RowOutcome::Accepted)).expect("add");
        report.add(2, row(3, RowOutcome::NotSent)).expect("add");
        report.finish().expect("finish");
        let text = std::fs::read_to_string(&path).expect("read");
        assert_eq!(
            text,
            "row,line,to,clientRef,outcome,encoding,parts,failures,reason\n\
             1,2,447700900000,\"a,\"\"b\"\"\",accepted,,,,why\n\
             2,3,447700900000,\"a,\"\"b\"\"\",rejected,,,,why\n\
             3,4,447700900000,\"a,\"\"b\"\"\",notSent,,,,why\n"
        );
        assert!(matches!(
            Report::create(&dir.path().join("report.txt")),
            Err(ReportError::Extension(_))
        ));
    }
}
