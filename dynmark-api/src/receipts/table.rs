//! The parameter tables generated from the spec (`crate::requests_to_you`), and reading a query
//! string with one: each parameter present (when required), not empty (when it must not be),
//! and of its kind. The readers (`receipt.rs`, `inbound.rs`) then take the values by name.

use chrono::{DateTime, Utc};

use super::error::{ParseError, Quoted};
use super::{datetime, query};

/// One query parameter of a request Dynmark sends to you, as the spec describes it (generated
/// into `dynmark_api::requests_to_you` from the spec's callbacks and `x-dynmark-webhooks`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct QueryParameter {
    /// Its name, as Dynmark spells it (`statusid`).
    pub name: &'static str,
    /// Whether a request without it is refused ([`ParseError::Missing`]).
    pub required: bool,
    /// Whether an empty value is refused ([`ParseError::Empty`]) when required (an empty
    /// optional one is taken as absent).
    pub non_empty: bool,
    /// What its value is.
    pub kind: QueryKind,
}

/// The kind of a [`QueryParameter`]'s value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum QueryKind {
    /// Any text.
    Text,
    /// A 64-bit integer.
    Integer,
    /// A UTC date-time in one of these `chrono` patterns (from the spec's
    /// `x-dynmark-date-time-formats`); any RFC 3339 date-time is read too.
    DateTime(&'static [&'static str]),
}

enum Value {
    Text(String),
    Integer(i64),
    DateTime(DateTime<Utc>),
}

/// A query read with a table: the values, by name.
pub(crate) struct Read {
    table: &'static [QueryParameter],
    values: Vec<Option<Value>>,
}

/// Reads `query` with `table`.
pub(crate) fn read(query: &[u8], table: &'static [QueryParameter]) -> Result<Read, ParseError> {
    let names: Vec<&'static str> = table.iter().map(|parameter| parameter.name).collect();
    let raw = query::values(query, &names)?;
    let mut values = Vec::with_capacity(table.len());
    for (parameter, value) in table.iter().zip(raw) {
        let name = parameter.name;
        let value = match value {
            Some(value) if value.is_empty() && !parameter.required => None,
            Some(value) if value.is_empty() && parameter.non_empty => {
                return Err(ParseError::Empty { parameter: name });
            }
            Some(value) => Some(value),
            None if parameter.required => return Err(ParseError::Missing { parameter: name }),
            None => None,
        };
        let Some(value) = value else {
            values.push(None);
            continue;
        };
        let malformed = |expected| ParseError::Malformed {
            parameter: name,
            value: Quoted::new(&value),
            expected,
        };
        values.push(Some(match parameter.kind {
            QueryKind::Text => Value::Text(value),
            QueryKind::Integer => {
                Value::Integer(value.parse().map_err(|_| malformed("an integer"))?)
            }
            QueryKind::DateTime(forms) => Value::DateTime(
                datetime::read(&value, forms).ok_or_else(|| malformed(datetime::EXPECTED))?,
            ),
        }));
    }
    Ok(Read { table, values })
}

impl Read {
    fn take(&mut self, name: &str) -> Option<Value> {
        let index = self.table.iter().position(|p| p.name == name)?;
        self.values[index].take()
    }

    /// The text parameter `name` (`None` when absent, or not a text parameter of the table).
    pub(crate) fn text(&mut self, name: &str) -> Option<String> {
        match self.take(name)? {
            Value::Text(text) => Some(text),
            _ => None,
        }
    }

    /// The integer parameter `name`.
    pub(crate) fn integer(&mut self, name: &str) -> Option<i64> {
        match self.take(name)? {
            Value::Integer(integer) => Some(integer),
            _ => None,
        }
    }

    /// The date-time parameter `name`.
    pub(crate) fn date_time(&mut self, name: &str) -> Option<DateTime<Utc>> {
        match self.take(name)? {
            Value::DateTime(at) => Some(at),
            _ => None,
        }
    }
}
