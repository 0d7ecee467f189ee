//! Rows in: a CSV file whose header names the message's fields, or JSON Lines, from a file or
//! standard input, read one row at a time as the sender asks for them.
//!
//! A byte order mark is skipped and CRLF line ends are read as LF. A row that makes no message
//! (a cell of the wrong type, an unreadable line) is still a row: it comes out with its failures,
//! so it is reported, never dropped. What makes the whole file unusable (a header naming an
//! unknown field, an empty file, a read error) is an [`InputError`].

mod csv_rows;
mod json_lines;
mod values;

use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::path::{Path, PathBuf};

use dynmark_api::Message;

use crate::fields::Fields;
pub use values::{Defaults, Unreadable};

/// One data row (the CSV header is not one; blank lines are not rows).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Its number: 1 for the first data row.
    pub number: u64,
    /// The line of the file it is on, from 1, in JSON Lines (blank lines make it differ from
    /// the row's number). `None` in CSV: the csv reader places a record where the previous one
    /// ended (before blank lines, and before the LF of a CRLF), so its line would be wrong.
    pub line: Option<u64>,
    /// The message it makes, or why it makes none.
    pub content: Result<Message, Unreadable>,
}

impl Row {
    /// The row's `to`, as far as it was read.
    pub fn to(&self) -> Option<&str> {
        match &self.content {
            Ok(message) => Some(&message.to),
            Err(unreadable) => unreadable.to.as_deref(),
        }
    }

    /// The row's `clientRef`, as far as it was read.
    pub fn client_ref(&self) -> Option<&str> {
        match &self.content {
            Ok(message) => message.client_ref.as_deref(),
            Err(unreadable) => unreadable.client_ref.as_deref(),
        }
    }
}

/// The file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Comma-separated values with a header row of field names.
    Csv,
    /// One JSON object per line.
    #[value(name = "jsonl")]
    JsonLines,
}

/// Why a file cannot be read at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// It could not be opened.
    #[error("cannot open {name}: {source}")]
    Open {
        /// The file's name.
        name: String,
        /// Why.
        source: io::Error,
    },
    /// Reading it failed.
    #[error("cannot read {name} after row {row}: {source}")]
    Read {
        /// The file's name.
        name: String,
        /// The last row read.
        row: u64,
        /// Why.
        source: io::Error,
    },
    /// It holds nothing (or only a byte order mark and blank space).
    #[error("{name} is empty: {expected}")]
    Empty {
        /// The file's name.
        name: String,
        /// What it should hold.
        expected: &'static str,
    },
    /// The CSV header names columns that are not message fields.
    #[error(
        "{name}: the header names {} that {} not message fields: {}; the fields are: {known}",
        plural(columns.len(), "column", "columns"),
        if columns.len() == 1 { "is" } else { "are" },
        Columns(columns)
    )]
    UnknownColumns {
        /// The file's name.
        name: String,
        /// `(column number from 1, name)` of each unknown column.
        columns: Vec<(usize, String)>,
        /// The fields a column may name.
        known: String,
    },
    /// The CSV header names a field twice.
    #[error("{name}: the header names `{field}` twice (columns {first} and {second})")]
    DuplicateColumn {
        /// The file's name.
        name: String,
        /// The field.
        field: String,
        /// The first column naming it.
        first: usize,
        /// The second.
        second: usize,
    },
    /// The CSV header lacks a required field and no default gives it.
    #[error(
        "{name}: the header has no `{field}` column, which every message needs; add the column \
         or give a value for every row with `--default {field}=VALUE`"
    )]
    MissingColumn {
        /// The file's name.
        name: String,
        /// The field.
        field: String,
    },
}

fn plural(n: usize, one: &'static str, many: &'static str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

struct Columns<'a>(&'a [(usize, String)]);

impl fmt::Display for Columns<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (column, name)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            if name.trim().is_empty() {
                write!(f, "an unnamed column (column {column})")?;
            } else {
                write!(f, "`{name}` (column {column})")?;
            }
        }
        Ok(())
    }
}

/// Where rows come from: a path, or `-` for standard input.
#[derive(Debug, Clone)]
pub enum Source {
    /// Standard input.
    Stdin,
    /// A file.
    Path(PathBuf),
}

impl Source {
    /// `-` is standard input; anything else a path.
    pub fn parse(arg: &Path) -> Source {
        if arg.as_os_str() == "-" {
            Source::Stdin
        } else {
            Source::Path(arg.to_owned())
        }
    }

    /// How messages name it.
    pub fn name(&self) -> String {
        match self {
            Source::Stdin => "standard input".to_owned(),
            Source::Path(path) => path.display().to_string(),
        }
    }

    /// The format its extension says (`.csv`; `.jsonl`, `.ndjson`), if any.
    fn format_by_extension(&self) -> Option<Format> {
        let Source::Path(path) = self else {
            return None;
        };
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "csv" => Some(Format::Csv),
            "jsonl" | "ndjson" => Some(Format::JsonLines),
            _ => None,
        }
    }
}

/// The rows of a file, one at a time.
pub struct Rows {
    inner: Inner,
    regular_file: bool,
}

enum Inner {
    Csv(csv_rows::CsvRows),
    JsonLines(json_lines::JsonLines),
}

impl Rows {
    /// Opens `source` and reads what comes before the first row (the CSV header). The format is
    /// `format` if given, else the extension's, else the content's (`{` first: JSON Lines).
    ///
    /// # Errors
    ///
    /// See [`InputError`].
    pub fn open(
        source: &Source,
        format: Option<Format>,
        fields: Fields,
        defaults: Defaults,
    ) -> Result<Rows, InputError> {
        let name = source.name();
        let reader: Box<dyn Read + Send> = match source {
            Source::Stdin => Box::new(io::stdin()),
            Source::Path(path) => {
                Box::new(File::open(path).map_err(|source| InputError::Open {
                    name: name.clone(),
                    source,
                })?)
            }
        };
        let (reader, first) = skip_bom(reader).map_err(|source| InputError::Read {
            name: name.clone(),
            row: 0,
            source,
        })?;
        let format = format.or(source.format_by_extension());
        let Some(first) = first else {
            return Err(InputError::Empty {
                name,
                expected: match format {
                    Some(Format::JsonLines) => "one JSON object per line, a message each",
                    _ => "a header row of field names, then one row per message",
                },
            });
        };
        let format = format.unwrap_or(if first == b'{' {
            Format::JsonLines
        } else {
            Format::Csv
        });
        let inner = match format {
            Format::Csv => Inner::Csv(csv_rows::CsvRows::new(reader, name, fields, defaults)?),
            Format::JsonLines => {
                Inner::JsonLines(json_lines::JsonLines::new(reader, name, fields, defaults))
            }
        };
        let regular_file = match source {
            Source::Path(path) => std::fs::metadata(path).is_ok_and(|m| m.is_file()),
            Source::Stdin => false,
        };
        Ok(Rows {
            inner,
            regular_file,
        })
    }

    /// Whether the rows come from a regular file (not a pipe, a terminal or standard input): a
    /// read from it never waits for someone to write.
    pub fn is_regular_file(&self) -> bool {
        self.regular_file
    }
}

impl Iterator for Rows {
    type Item = Result<Row, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.inner {
            Inner::Csv(rows) => rows.next(),
            Inner::JsonLines(rows) => rows.next(),
        }
    }
}

type Buffered = BufReader<Box<dyn Read + Send>>;

/// The reader past a UTF-8 byte order mark, and its first byte that is not blank space (`None`
/// when there is none: the file is empty).
fn skip_bom(mut reader: Box<dyn Read + Send>) -> io::Result<(Buffered, Option<u8>)> {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let mut head = Vec::with_capacity(4096);
    let first = loop {
        let mut chunk = [0u8; 4096];
        let read = match reader.read(&mut chunk) {
            Ok(read) => read,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        head.extend_from_slice(&chunk[..read]);
        let body = head.strip_prefix(BOM).unwrap_or(&head);
        let first = body.iter().copied().find(|b| !b.is_ascii_whitespace());
        // The BOM is only told apart once three bytes are in.
        if read == 0 || (first.is_some() && head.len() >= BOM.len()) {
            break first;
        }
    };
    let skip = if head.starts_with(BOM) { BOM.len() } else { 0 };
    let head = Cursor::new(head).chain(reader);
    let mut reader: Buffered = BufReader::with_capacity(64 * 1024, Box::new(head));
    let mut skipped = 0;
    while skipped < skip {
        let available = reader.fill_buf()?.len().min(skip - skipped);
        reader.consume(available);
        skipped += available;
    }
    Ok((reader, first))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bom_is_skipped_and_an_empty_file_is_told() {
        let (mut reader, first) =
            skip_bom(Box::new(Cursor::new(b"\xEF\xBB\xBFto,from\r\n".to_vec()))).expect("read");
        assert_eq!(first, Some(b't'));
        let mut text = String::new();
        reader.read_to_string(&mut text).expect("utf-8");
        assert_eq!(text, "to,from\r\n");

        let (_, first) =
            skip_bom(Box::new(Cursor::new(b"\xEF\xBB\xBF \r\n".to_vec()))).expect("read");
        assert_eq!(first, None);
        let (_, first) = skip_bom(Box::new(Cursor::new(Vec::new()))).expect("read");
        assert_eq!(first, None);
        let (_, first) = skip_bom(Box::new(Cursor::new(b"{".to_vec()))).expect("read");
        assert_eq!(first, Some(b'{'));
    }
}
