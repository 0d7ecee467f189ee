//! JSON Lines: one message object per line, members named as the spec names the fields (any
//! case). Blank lines are skipped; each other line is a row.

use std::borrow::Cow;
use std::io::BufRead;

use serde_json::Value;

use super::values::{Defaults, FieldValue, RowFields, Unreadable, json_value};
use super::{InputError, Row};
use crate::fields::Fields;

pub struct JsonLines {
    reader: Box<dyn BufRead + Send>,
    name: String,
    fields: Fields,
    defaults: Defaults,
    line: Vec<u8>,
    /// Lines read so far (blank ones too).
    lines: u64,
    rows: u64,
    done: bool,
}

impl JsonLines {
    pub fn new(
        reader: impl BufRead + Send + 'static,
        name: String,
        fields: Fields,
        defaults: Defaults,
    ) -> JsonLines {
        JsonLines {
            reader: Box::new(reader),
            name,
            fields,
            defaults,
            line: Vec::new(),
            lines: 0,
            rows: 0,
            done: false,
        }
    }

    fn row(&self, text: &[u8]) -> Result<dynmark_api::Message, Unreadable> {
        let text = std::str::from_utf8(text).map_err(|error| {
            Unreadable::whole(
                "InvalidJson",
                format!(
                    "the line is not UTF-8 text (byte {})",
                    error.valid_up_to() + 1
                ),
            )
        })?;
        let object = match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(object)) => object,
            Ok(_) => {
                return Err(Unreadable::whole(
                    "InvalidJson",
                    "the line is not a JSON object (one message per line)".to_owned(),
                ));
            }
            Err(error) => {
                return Err(Unreadable::whole(
                    "InvalidJson",
                    format!("the line is not JSON: {error}"),
                ));
            }
        };
        let mut row = RowFields::new();
        for (member, value) in object {
            let Some(field) = self.fields.find(&member) else {
                row.failures.push(
                    dynmark_api::ValidationFailure::failure_code("InvalidJson")
                        .details(format!(
                            "Could not find member '{member}' on object of type 'Message'."
                        ))
                        .with_property(member),
                );
                continue;
            };
            // What a bad value was, as far as a report can show it (its text, if it was text).
            let text = match &value {
                Value::String(text) => Some(text.clone()),
                _ => None,
            };
            match json_value(field, value) {
                Ok(Some(value)) => row.set(&field.name, value),
                Ok(None) => row.unset(&field.name),
                Err(failure) => {
                    match text {
                        Some(text) => row.set(&field.name, FieldValue::Text(Cow::Owned(text))),
                        None => row.unset(&field.name),
                    }
                    row.failures.push(failure);
                }
            }
        }
        row.into_message(&self.fields, &self.defaults)
    }
}

impl Iterator for JsonLines {
    type Item = Result<Row, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            self.line.clear();
            match self.reader.read_until(b'\n', &mut self.line) {
                Ok(0) => self.done = true,
                Ok(_) => {
                    self.lines += 1;
                    let text = self.line.trim_ascii();
                    if text.is_empty() {
                        continue;
                    }
                    self.rows += 1;
                    return Some(Ok(Row {
                        number: self.rows,
                        line: Some(self.lines),
                        content: self.row(text),
                    }));
                }
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
                Err(source) => {
                    self.done = true;
                    return Some(Err(InputError::Read {
                        name: self.name.clone(),
                        row: self.rows,
                        source,
                    }));
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;

    fn rows(text: &str) -> Vec<Row> {
        let fields = Fields::from_spec().expect("spec");
        JsonLines::new(
            Cursor::new(text.as_bytes().to_vec()),
            "-".into(),
            fields,
            Defaults::default(),
        )
        .collect::<Result<_, _>>()
        .expect("rows")
    }

    #[test]
    fn each_line_is_a_message_and_blank_lines_are_not_rows() {
        let rows = rows(
            "{\"to\":\"447700900000\",\"from\":\"Example\",\"body\":\"Hi\",\"clientRef\":\"a\"}\r\n\n{\"TO\":447700900111,\"from\":\"Example\",\"body\":\"Hi\",\"rejectUnicode\":null}\n",
        );
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].number, 2);
        assert_eq!(rows[0].client_ref(), Some("a"));
        assert_eq!(rows[1].to(), Some("447700900111"));
        assert!(rows[1].content.is_ok());
    }

    #[test]
    fn a_bad_line_is_a_row_with_its_failures() {
        let rows = rows(
            "{\"to\":\"447700900000\",\"from\":\"Example\",\"body\":\"Hi\",\"toa\":1}\nnot json\n[1]\n{\"to\":\"1\",\"from\":\"E\",\"body\":true}\n",
        );
        assert_eq!(rows.len(), 4);
        let unknown = rows[0].content.as_ref().unwrap_err();
        assert_eq!(unknown.to.as_deref(), Some("447700900000"));
        assert_eq!(unknown.failures[0].property.as_deref(), Some("toa"));
        assert_eq!(unknown.failures[0].failure_code.as_str(), "InvalidJson");
        let not_json = rows[1].content.as_ref().unwrap_err();
        assert!(
            not_json.failures[0]
                .details
                .starts_with("the line is not JSON")
        );
        let array = rows[2].content.as_ref().unwrap_err();
        assert!(array.failures[0].details.contains("not a JSON object"));
        let typed = rows[3].content.as_ref().unwrap_err();
        assert_eq!(typed.failures[0].failure_code.as_str(), "BodyInvalid");
    }
}
