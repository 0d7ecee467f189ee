//! CSV: a header row naming message fields (any case), then one message per row.

use std::borrow::Cow;
use std::io::Read;

use dynmark_api::ValidationFailure;

use super::values::{Defaults, FieldValue, RowFields, Unreadable, cell_value};
use super::{InputError, Row};
use crate::fields::{Field, Fields};

pub struct CsvRows {
    reader: csv::Reader<Box<dyn Read + Send>>,
    name: String,
    fields: Fields,
    defaults: Defaults,
    /// The field each column holds, in column order.
    columns: Vec<Field>,
    record: csv::StringRecord,
    rows: u64,
    done: bool,
}

impl CsvRows {
    pub fn new(
        reader: impl Read + Send + 'static,
        name: String,
        fields: Fields,
        defaults: Defaults,
    ) -> Result<CsvRows, InputError> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(Box::new(reader) as Box<dyn Read + Send>);
        let header = reader.headers().map_err(|error| InputError::Read {
            name: name.clone(),
            row: 0,
            source: into_io(error),
        })?;
        let mut columns: Vec<Field> = Vec::with_capacity(header.len());
        let mut unknown = Vec::new();
        for (index, title) in header.iter().enumerate() {
            match fields.find(title) {
                Some(field) => {
                    if let Some(first) = columns.iter().position(|f| f.name == field.name) {
                        return Err(InputError::DuplicateColumn {
                            name,
                            field: field.name.clone(),
                            first: first + 1,
                            second: index + 1,
                        });
                    }
                    columns.push(field.clone());
                }
                None => unknown.push((index + 1, title.to_owned())),
            }
        }
        if !unknown.is_empty() {
            return Err(InputError::UnknownColumns {
                name,
                columns: unknown,
                known: fields.names(),
            });
        }
        if let Some(field) = fields.iter().find(|field| {
            field.required
                && !defaults.has(&field.name)
                && !columns.iter().any(|column| column.name == field.name)
        }) {
            return Err(InputError::MissingColumn {
                name,
                field: field.name.clone(),
            });
        }
        Ok(CsvRows {
            reader,
            name,
            fields,
            defaults,
            columns,
            record: csv::StringRecord::new(),
            rows: 0,
            done: false,
        })
    }

    fn row(&self) -> Row {
        let mut row = RowFields::new();
        for (field, text) in self.columns.iter().zip(self.record.iter()) {
            match cell_value(field, text) {
                Ok(Some(value)) => row.set(&field.name, value),
                Ok(None) => {}
                Err(failure) => {
                    row.set(&field.name, FieldValue::Text(Cow::Borrowed(text)));
                    row.failures.push(failure);
                }
            }
        }
        Row {
            number: self.rows,
            line: None,
            content: row.into_message(&self.fields, &self.defaults),
        }
    }
}

impl Iterator for CsvRows {
    type Item = Result<Row, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.reader.read_record(&mut self.record) {
            Ok(false) => {
                self.done = true;
                None
            }
            Ok(true) => {
                self.rows += 1;
                Some(Ok(self.row()))
            }
            Err(error) => self.error(error),
        }
    }
}

impl CsvRows {
    /// A record that could not be read: a row with its failure when the rest of the file can
    /// still be read, else the end.
    fn error(&mut self, error: csv::Error) -> Option<Result<Row, InputError>> {
        match error.kind() {
            csv::ErrorKind::UnequalLengths { len, .. } => {
                self.rows += 1;
                let details = format!(
                    "the row has {len} {}, the header {}",
                    if *len == 1 { "cell" } else { "cells" },
                    self.columns.len()
                );
                Some(Ok(self.unreadable(details)))
            }
            csv::ErrorKind::Utf8 { err, .. } => {
                self.rows += 1;
                let details = format!("cell {} is not UTF-8 text", err.field() + 1);
                Some(Ok(self.unreadable(details)))
            }
            _ => {
                self.done = true;
                Some(Err(InputError::Read {
                    name: self.name.clone(),
                    row: self.rows,
                    source: into_io(error),
                }))
            }
        }
    }

    fn unreadable(&self, details: String) -> Row {
        Row {
            number: self.rows,
            line: None,
            content: Err(Unreadable {
                to: None,
                client_ref: None,
                failures: vec![ValidationFailure::failure_code("RowInvalid").details(details)],
            }),
        }
    }
}

fn into_io(error: csv::Error) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, error)
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;

    fn rows(text: &str, defaults: Defaults) -> Result<Vec<Row>, InputError> {
        let fields = Fields::from_spec().expect("spec");
        CsvRows::new(
            Cursor::new(text.as_bytes().to_vec()),
            "rows.csv".into(),
            fields,
            defaults,
        )?
        .collect()
    }

    #[test]
    fn the_header_is_read_in_any_case_and_rows_make_messages() {
        let rows = rows(
            "TO,From,body,ClientRef,rejectunicode\r\n447700900000,Example,Hello,r-1,no\r\n\r\n447700900111,,\"Hi, there\",,\r\n",
            Defaults::default(),
        )
        .expect("rows");
        assert_eq!(rows.len(), 2);
        let first = rows[0].content.as_ref().expect("a message");
        assert_eq!(rows[0].number, 1);
        assert_eq!(first.to, "447700900000");
        assert_eq!(first.client_ref.as_deref(), Some("r-1"));
        assert_eq!(first.reject_unicode, Some(false));
        let second = rows[1].content.as_ref().expect("a message");
        assert_eq!(rows[1].number, 2);
        assert_eq!(second.from, "");
        assert_eq!(second.body, "Hi, there");
        assert_eq!(second.client_ref, None);
    }

    #[test]
    fn unknown_columns_are_refused_by_name() {
        let error = rows("to,toa,from,body,\n", Defaults::default()).unwrap_err();
        assert_eq!(
            error.to_string().split("; the fields").next(),
            Some(
                "rows.csv: the header names 2 columns that are not message fields: `toa` \
                 (column 2), an unnamed column (column 5)"
            )
        );
        let error = rows("to,from,body,TO\n", Defaults::default()).unwrap_err();
        assert_eq!(
            error.to_string(),
            "rows.csv: the header names `to` twice (columns 1 and 4)"
        );
    }

    #[test]
    fn a_required_column_may_come_from_a_default() {
        let error = rows("to,body\n1,x\n", Defaults::default()).unwrap_err();
        assert!(error.to_string().contains("no `from` column"), "{error}");
        let fields = Fields::from_spec().expect("spec");
        let mut defaults = Defaults::default();
        defaults.set(&fields, "from", "Example").expect("default");
        let rows = rows("to,body\n447700900000,x\n", defaults).expect("rows");
        assert_eq!(
            rows[0].content.as_ref().map(|m| m.from.as_str()),
            Ok("Example")
        );
    }

    #[test]
    fn a_bad_row_is_a_row_with_its_failures() {
        let rows = rows(
            "to,from,body,deliverAfter\n447700900000,Example\n447700900000,Example,Hi,soon\n447700900000,Example,Hi,\n",
            Defaults::default(),
        )
        .expect("rows");
        assert_eq!(rows.len(), 3);
        let short = rows[0].content.as_ref().unwrap_err();
        assert_eq!(short.failures[0].failure_code.as_str(), "RowInvalid");
        assert_eq!(
            short.failures[0].details,
            "the row has 2 cells, the header 4"
        );
        let bad = rows[1].content.as_ref().unwrap_err();
        assert_eq!(bad.to.as_deref(), Some("447700900000"));
        assert_eq!(bad.failures[0].property.as_deref(), Some("deliverAfter"));
        assert!(rows[2].content.is_ok());
        assert_eq!(rows[2].number, 3);
    }
}
