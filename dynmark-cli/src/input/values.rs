//! From the text of a cell (or a JSON value) to the value of a message field, and from a row's
//! fields to a [`Message`]. A value that is not of its field's type is a failure of that field,
//! in the service's shape: `{ property: "deliverAfter", failureCode: "DeliverAfterInvalid" }`.
//!
//! A row's values go straight into the generated `Message` through serde (a map of field names
//! to [`FieldValue`]s, borrowed from the CSV record where they can be): no JSON value in between.

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use dynmark_api::{Message, ValidationFailure};
use serde::Deserialize as _;
use serde::de::value::{Error as ValueError, MapDeserializer};
use serde::de::{Deserializer, IntoDeserializer, Visitor};
use serde_json::Value;

use crate::fields::{Field, Fields, Kind};

/// The value of one field, typed by its field: text (a date-time as its RFC 3339 form) or a
/// boolean. An absent value (an empty cell, `null`) is no `FieldValue`.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue<'a> {
    /// Text.
    Text(Cow<'a, str>),
    /// `true` or `false`.
    Bool(bool),
}

impl FieldValue<'_> {
    /// The same value, borrowed.
    fn borrowed(&self) -> FieldValue<'_> {
        match self {
            FieldValue::Text(text) => FieldValue::Text(Cow::Borrowed(text)),
            FieldValue::Bool(flag) => FieldValue::Bool(*flag),
        }
    }

    fn as_text(&self) -> Option<&str> {
        match self {
            FieldValue::Text(text) => Some(text),
            FieldValue::Bool(_) => None,
        }
    }
}

impl<'de> IntoDeserializer<'de, ValueError> for FieldValue<'_> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'de> Deserializer<'de> for FieldValue<'_> {
    type Error = ValueError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        match self {
            FieldValue::Text(Cow::Borrowed(text)) => visitor.visit_str(text),
            FieldValue::Text(Cow::Owned(text)) => visitor.visit_string(text),
            FieldValue::Bool(flag) => visitor.visit_bool(flag),
        }
    }

    /// A value present is `Some`: absent ones are never handed over.
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        visitor.visit_some(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier
        ignored_any
    }
}

/// Values applied to every row that has no value of its own for the field (no column, or an
/// empty cell; in JSON Lines, no member or `null`).
#[derive(Debug, Clone, Default)]
pub struct Defaults {
    values: Vec<(String, FieldValue<'static>)>,
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
        if let Some(value) = value {
            let value = match value {
                FieldValue::Text(text) => FieldValue::Text(Cow::Owned(text.into_owned())),
                FieldValue::Bool(flag) => FieldValue::Bool(flag),
            };
            self.values.push((field.name.clone(), value));
        }
        Ok(())
    }

    /// `true` when `field` (its JSON name) has a default.
    pub fn has(&self, field: &str) -> bool {
        self.values.iter().any(|(name, _)| name == field)
    }
}

/// The value of `field` that a cell holding `text` gives: `None` for an empty cell.
pub fn cell_value<'a>(
    field: &Field,
    text: &'a str,
) -> Result<Option<FieldValue<'a>>, ValidationFailure> {
    if text.is_empty() {
        return Ok(None);
    }
    match field.kind {
        Kind::Text => Ok(Some(FieldValue::Text(Cow::Borrowed(text)))),
        Kind::Boolean => match boolean(text) {
            Some(flag) => Ok(Some(FieldValue::Bool(flag))),
            None => Err(invalid(
                field,
                format!("`{text}` is not true or false (nor yes/no, 1/0)"),
            )),
        },
        Kind::DateTime => date_time(field, text).map(Some),
    }
}

fn boolean(text: &str) -> Option<bool> {
    let text = text.trim();
    let is = |word: &str| text.eq_ignore_ascii_case(word);
    if is("true") || is("yes") || is("1") {
        Some(true)
    } else if is("false") || is("no") || is("0") {
        Some(false)
    } else {
        None
    }
}

/// The value of `field` that a JSON Lines member holding `value` gives (`None` for `null`).
/// Numbers are taken as text where text is expected (`"to": 447700900000`), as the service's
/// parser does.
pub fn json_value(
    field: &Field,
    value: Value,
) -> Result<Option<FieldValue<'static>>, ValidationFailure> {
    match (field.kind, value) {
        (_, Value::Null) => Ok(None),
        (Kind::Text, Value::String(text)) => Ok(Some(FieldValue::Text(Cow::Owned(text)))),
        (Kind::Text, Value::Number(number)) => {
            Ok(Some(FieldValue::Text(Cow::Owned(number.to_string()))))
        }
        (Kind::Boolean, Value::Bool(flag)) => Ok(Some(FieldValue::Bool(flag))),
        (Kind::DateTime, Value::String(text)) => date_time(field, &text).map(Some),
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

fn date_time(field: &Field, text: &str) -> Result<FieldValue<'static>, ValidationFailure> {
    match text.trim().parse::<DateTime<Utc>>() {
        Ok(time) => Ok(FieldValue::Text(Cow::Owned(
            time.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
        ))),
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

/// A row's fields, read and typed (by JSON name, borrowed from the row where they can be): the
/// message they make, or why they make none.
pub struct RowFields<'a> {
    values: Vec<(&'a str, FieldValue<'a>)>,
    pub failures: Vec<ValidationFailure>,
}

impl<'a> RowFields<'a> {
    pub fn new() -> RowFields<'a> {
        RowFields {
            values: Vec::with_capacity(16),
            failures: Vec::new(),
        }
    }

    /// Sets `field` (its JSON name) to `value`, replacing an earlier value.
    pub fn set(&mut self, field: &'a str, value: FieldValue<'a>) {
        match self.values.iter_mut().find(|(name, _)| *name == field) {
            Some((_, old)) => *old = value,
            None => self.values.push((field, value)),
        }
    }

    /// Removes `field`'s value (a later `null` for it).
    pub fn unset(&mut self, field: &str) {
        self.values.retain(|(name, _)| *name != field);
    }

    fn has(&self, field: &str) -> bool {
        self.values.iter().any(|(name, _)| *name == field)
    }

    /// The message, with `defaults` applied and every required field present (empty when
    /// missing, so that validation says `ToEmpty` as the service would); or every failure, with
    /// the row's `to` and `clientRef` as far as they were read.
    pub fn into_message(
        mut self,
        fields: &'a Fields,
        defaults: &'a Defaults,
    ) -> Result<Message, Unreadable> {
        for (name, value) in &defaults.values {
            if !self.has(name) {
                self.values.push((name, value.borrowed()));
            }
        }
        for field in fields.iter().filter(|field| field.required) {
            if !self.has(&field.name) {
                self.values
                    .push((&field.name, FieldValue::Text(Cow::Borrowed(""))));
            }
        }
        if !self.failures.is_empty() {
            return Err(self.unreadable());
        }
        let values = MapDeserializer::new(self.values.iter().map(|(n, v)| (*n, v.borrowed())));
        match Message::deserialize(values) {
            Ok(message) => Ok(message),
            // Every value was typed above: this is a field the spec and the generated type see
            // differently. Still the row's problem to report, never a panic.
            Err(error) => {
                self.failures.push(
                    ValidationFailure::failure_code("InvalidJson")
                        .details(format!("the row does not make a message: {error}")),
                );
                Err(self.unreadable())
            }
        }
    }

    fn unreadable(self) -> Unreadable {
        let text = |field: &str| {
            self.values
                .iter()
                .find(|(name, _)| *name == field)
                .and_then(|(_, value)| value.as_text())
                .map(str::to_owned)
        };
        Unreadable {
            to: text("to"),
            client_ref: text("clientRef"),
            failures: self.failures,
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

    fn text(text: &str) -> Option<FieldValue<'_>> {
        Some(FieldValue::Text(Cow::Borrowed(text)))
    }

    #[test]
    fn cells_are_typed_by_their_field() {
        let fields = fields();
        let field = |name| fields.find(name).expect(name);
        assert_eq!(
            cell_value(field("to"), "447700900000"),
            Ok(text("447700900000"))
        );
        assert_eq!(cell_value(field("to"), ""), Ok(None));
        assert_eq!(
            cell_value(field("rejectUnicode"), " Yes "),
            Ok(Some(FieldValue::Bool(true)))
        );
        assert_eq!(
            cell_value(field("rejectUnicode"), "0"),
            Ok(Some(FieldValue::Bool(false)))
        );
        let failure = cell_value(field("rejectUnicode"), "maybe").unwrap_err();
        assert_eq!(failure.property.as_deref(), Some("rejectUnicode"));
        assert_eq!(failure.failure_code.as_str(), "RejectUnicodeInvalid");
        assert!(failure.details.contains("`maybe`"), "{}", failure.details);
        assert_eq!(
            cell_value(field("deliverAfter"), "2015-10-21T14:28:06.419+01:00"),
            Ok(text("2015-10-21T13:28:06.419Z"))
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
            Ok(text("447700900000"))
        );
        assert_eq!(json_value(field("to"), Value::Null), Ok(None));
        let failure = json_value(field("body"), serde_json::json!(["a"])).unwrap_err();
        assert_eq!(failure.failure_code.as_str(), "BodyInvalid");
        assert_eq!(failure.details, "an array is not text");
        let failure = json_value(field("rejectUnicode"), serde_json::json!("true")).unwrap_err();
        assert_eq!(failure.details, "text is not true or false");
    }

    #[test]
    fn every_kind_of_value_reaches_the_message() {
        let fields = fields();
        let defaults = Defaults::default();
        let mut row = RowFields::new();
        row.set("to", FieldValue::Text(Cow::Borrowed("447700900000")));
        row.set("from", FieldValue::Text(Cow::Borrowed("Example")));
        row.set("body", FieldValue::Text(Cow::Owned("Hello".into())));
        row.set("rejectUnicode", FieldValue::Bool(true));
        row.set(
            "deliverAfter",
            FieldValue::Text(Cow::Borrowed("2015-10-21T13:28:06.419Z")),
        );
        row.set("clientRef", FieldValue::Text(Cow::Borrowed("first")));
        row.set("clientRef", FieldValue::Text(Cow::Borrowed("second")));
        let message = row.into_message(&fields, &defaults).expect("a message");
        assert_eq!(message.to, "447700900000");
        assert_eq!(message.body, "Hello");
        assert_eq!(message.reject_unicode, Some(true));
        assert_eq!(message.client_ref.as_deref(), Some("second"));
        assert_eq!(
            message.deliver_after.map(|t| t.to_rfc3339()),
            Some("2015-10-21T13:28:06.419+00:00".to_owned())
        );
        assert_eq!(message.valid_until, None);
    }

    #[test]
    fn a_value_the_message_cannot_take_is_a_failure_of_the_row() {
        let fields = fields();
        let mut row = RowFields::new();
        row.set("to", FieldValue::Text(Cow::Borrowed("447700900000")));
        // Typed as a boolean where the message has text: the spec and the type disagree.
        row.set("clientRef", FieldValue::Bool(true));
        let unreadable = row.into_message(&fields, &Defaults::default()).unwrap_err();
        assert_eq!(unreadable.to.as_deref(), Some("447700900000"));
        assert_eq!(unreadable.failures[0].failure_code.as_str(), "InvalidJson");
        assert!(
            unreadable.failures[0]
                .details
                .starts_with("the row does not make a message"),
            "{}",
            unreadable.failures[0].details
        );
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
        row.set("from", FieldValue::Text(Cow::Borrowed("Own")));
        row.set("body", FieldValue::Text(Cow::Borrowed("Hello")));
        let message = row.into_message(&fields, &defaults).expect("a message");
        assert_eq!(message.from, "Own");
        assert_eq!(message.to, "");
        assert_eq!(message.country_iso_code.as_deref(), Some("GBR"));
    }
}
