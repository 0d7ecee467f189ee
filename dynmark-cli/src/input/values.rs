//! From the text of a cell (or a JSON value) to the value of a message field, and from a row's
//! fields to a [`Message`]. A value that is not of its field's type is a failure of that field,
//! in the service's shape: `{ property: "deliverAfter", failureCode: "DeliverAfterInvalid" }`.

use chrono::{DateTime, Utc};
use dynmark_api::{Message, ValidationFailure};
use serde::Deserialize as _;
use serde_json::{Map, Value};

use crate::fields::{Field, Fields, Kind};

/// Values applied to every row that has no value of its own for the field (no column, or an
/// empty cell; in JSON Lines, no member or `null`).
#[derive(Debug, Clone, Default)]
pub struct Defaults {
    values: Vec<(String, Value)>,
}

impl Defaults {
    /// Adds `value` as the default of `field` (any case); a later default of the same field
    /// replaces an earlier one.
    ///
    /// # Errors
    ///
    /// The field is not one of the message's, or the value is not of its type: a message for
    /// the user, naming both.
    pub fn set(&mut self, fields: &Fields, field: &str, value: &str) -> Result<(), String> {
        let Some(field) = fields.find(field) else {
            return Err(format!(
                "`{field}` is not a message field (the fields are: {})",
                fields.names()
            ));
        };
        let value = cell_value(field, value)
            .map_err(|failure| format!("the default {}: {}", field.name, failure.details))?;
        self.values.retain(|(name, _)| *name != field.name);
        if !value.is_null() {
            self.values.push((field.name.clone(), value));
        }
        Ok(())
    }

    /// `true` when `field` (its JSON name) has a default.
    pub fn has(&self, field: &str) -> bool {
        self.values.iter().any(|(name, _)| name == field)
    }

    /// Fills in the fields `fields` lacks.
    fn apply(&self, fields: &mut Map<String, Value>) {
        for (name, value) in &self.values {
            if fields.get(name).is_none_or(Value::is_null) {
                fields.insert(name.clone(), value.clone());
            }
        }
    }
}

/// The value of `field` that a cell holding `text` gives: `null` for an empty cell.
pub fn cell_value(field: &Field, text: &str) -> Result<Value, ValidationFailure> {
    if text.is_empty() {
        return Ok(Value::Null);
    }
    match field.kind {
        Kind::Text => Ok(Value::String(text.to_owned())),
        Kind::Boolean => match text.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" => Ok(Value::Bool(true)),
            "false" | "no" | "0" => Ok(Value::Bool(false)),
            _ => Err(invalid(
                field,
                format!("`{text}` is not true or false (nor yes/no, 1/0)"),
            )),
        },
        Kind::DateTime => date_time(field, text),
    }
}

/// The value of `field` that a JSON Lines member holding `value` gives. Numbers are taken as
/// text where text is expected (`"to": 447700900000`), as the service's parser does.
pub fn json_value(field: &Field, value: Value) -> Result<Value, ValidationFailure> {
    match (field.kind, value) {
        (_, Value::Null) => Ok(Value::Null),
        (Kind::Text, Value::String(text)) => Ok(Value::String(text)),
        (Kind::Text, Value::Number(number)) => Ok(Value::String(number.to_string())),
        (Kind::Boolean, Value::Bool(flag)) => Ok(Value::Bool(flag)),
        (Kind::DateTime, Value::String(text)) => date_time(field, &text),
        (kind, other) => Err(invalid(
            field,
            format!(
                "{} is not {}",
                describe(&other),
                match kind {
                    Kind::Text => "text",
                    Kind::Boolean => "true or false",
                    Kind::DateTime => "a date-time string",
                }
            ),
        )),
    }
}

fn date_time(field: &Field, text: &str) -> Result<Value, ValidationFailure> {
    match text.trim().parse::<DateTime<Utc>>() {
        Ok(time) => Ok(Value::String(
            time.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
        )),
        Err(_) => Err(invalid(
            field,
            format!(
                "`{text}` is not an ISO 8601 date-time with its offset (such as \
                 2015-10-21T13:28:06.419Z)"
            ),
        )),
    }
}

fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `{Field}Invalid` (`deliverAfter` → `DeliverAfterInvalid`), as the service names a value it
/// cannot take.
pub fn invalid(field: &Field, details: String) -> ValidationFailure {
    let mut code = String::with_capacity(field.name.len() + 7);
    let mut chars = field.name.chars();
    if let Some(first) = chars.next() {
        code.extend(first.to_uppercase());
        code.extend(chars);
    }
    code.push_str("Invalid");
    ValidationFailure::failure_code(code)
        .details(details)
        .with_property(field.name.clone())
}

/// A row's fields, read and typed: the message they make, or why they make none.
pub struct RowFields {
    pub fields: Map<String, Value>,
    pub failures: Vec<ValidationFailure>,
}

impl RowFields {
    pub fn new() -> RowFields {
        RowFields {
            fields: Map::new(),
            failures: Vec::new(),
        }
    }

    /// The message, with `defaults` applied and every required field present (empty when
    /// missing, so that validation says `ToEmpty` as the service would); or every failure, with
    /// the row's `to` and `clientRef` as far as they were read.
    pub fn into_message(
        mut self,
        fields: &Fields,
        defaults: &Defaults,
    ) -> Result<Message, Unreadable> {
        defaults.apply(&mut self.fields);
        for field in fields.iter().filter(|field| field.required) {
            if self.fields.get(&field.name).is_none_or(Value::is_null) {
                self.fields
                    .insert(field.name.clone(), Value::String(String::new()));
            }
        }
        // `null` and absent are the same to the message.
        self.fields.retain(|_, value| !value.is_null());
        if !self.failures.is_empty() {
            return Err(Unreadable::from_fields(&self.fields, self.failures));
        }
        let value = Value::Object(self.fields);
        match Message::deserialize(&value) {
            Ok(message) => Ok(message),
            // Every value was typed above: this is a field the spec and the generated type see
            // differently. Still the row's problem to report, never a panic.
            Err(error) => {
                let fields = match &value {
                    Value::Object(fields) => fields,
                    _ => &Map::new(),
                };
                Err(Unreadable::from_fields(
                    fields,
                    vec![
                        ValidationFailure::failure_code("InvalidJson")
                            .details(format!("the row does not make a message: {error}")),
                    ],
                ))
            }
        }
    }
}

/// A row that makes no message: what is known of it, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Unreadable {
    /// Its `to`, if it was read.
    pub to: Option<String>,
    /// Its `clientRef`, if it was read.
    pub client_ref: Option<String>,
    /// Every failure.
    pub failures: Vec<ValidationFailure>,
}

impl Unreadable {
    pub fn from_fields(fields: &Map<String, Value>, failures: Vec<ValidationFailure>) -> Self {
        let text = |name: &str| fields.get(name).and_then(Value::as_str).map(str::to_owned);
        Unreadable {
            to: text("to"),
            client_ref: text("clientRef"),
            failures,
        }
    }

    /// A row of which nothing could be read.
    pub fn whole(code: &str, details: String) -> Self {
        Unreadable {
            to: None,
            client_ref: None,
            failures: vec![ValidationFailure::failure_code(code).details(details)],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> Fields {
        Fields::from_spec().expect("spec")
    }

    #[test]
    fn cells_are_typed_by_their_field() {
        let fields = fields();
        let field = |name| fields.find(name).expect(name);
        assert_eq!(
            cell_value(field("to"), "447700900000"),
            Ok(Value::String("447700900000".into()))
        );
        assert_eq!(cell_value(field("to"), ""), Ok(Value::Null));
        assert_eq!(
            cell_value(field("rejectUnicode"), " Yes "),
            Ok(Value::Bool(true))
        );
        assert_eq!(
            cell_value(field("rejectUnicode"), "0"),
            Ok(Value::Bool(false))
        );
        let failure = cell_value(field("rejectUnicode"), "maybe").unwrap_err();
        assert_eq!(failure.property.as_deref(), Some("rejectUnicode"));
        assert_eq!(failure.failure_code.as_str(), "RejectUnicodeInvalid");
        assert!(failure.details.contains("`maybe`"), "{}", failure.details);
        assert_eq!(
            cell_value(field("deliverAfter"), "2015-10-21T14:28:06.419+01:00"),
            Ok(Value::String("2015-10-21T13:28:06.419Z".into()))
        );
        let failure = cell_value(field("deliverAfter"), "tomorrow").unwrap_err();
        assert_eq!(failure.failure_code.as_str(), "DeliverAfterInvalid");
    }

    #[test]
    fn json_values_are_typed_by_their_field() {
        let fields = fields();
        let field = |name| fields.find(name).expect(name);
        assert_eq!(
            json_value(field("to"), serde_json::json!(447700900000u64)),
            Ok(Value::String("447700900000".into()))
        );
        let failure = json_value(field("body"), serde_json::json!(["a"])).unwrap_err();
        assert_eq!(failure.failure_code.as_str(), "BodyInvalid");
        assert_eq!(failure.details, "an array is not text");
        let failure = json_value(field("rejectUnicode"), serde_json::json!("true")).unwrap_err();
        assert_eq!(failure.details, "text is not true or false");
    }

    #[test]
    fn defaults_fill_what_a_row_lacks_and_required_fields_are_never_missing() {
        let fields = fields();
        let mut defaults = Defaults::default();
        defaults.set(&fields, "FROM", "Example").expect("from");
        defaults
            .set(&fields, "countryIsoCode", "GBR")
            .expect("country");
        assert!(defaults.has("from"));
        assert!(
            defaults
                .set(&fields, "toa", "1")
                .unwrap_err()
                .contains("`toa` is not a message field")
        );
        assert!(
            defaults
                .set(&fields, "validUntil", "soon")
                .unwrap_err()
                .contains("validUntil")
        );

        let mut row = RowFields::new();
        row.fields
            .insert("from".into(), Value::String("Own".into()));
        row.fields
            .insert("body".into(), Value::String("Hello".into()));
        let message = row.into_message(&fields, &defaults).expect("a message");
        assert_eq!(message.from, "Own");
        assert_eq!(message.to, "");
        assert_eq!(message.country_iso_code.as_deref(), Some("GBR"));
    }
}
