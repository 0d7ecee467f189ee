//! The message's fields, read from the spec (`components.schemas.Message`): their JSON names,
//! which are required, and what a cell must hold for each. A CSV header names these fields; a
//! spec that gains a field gains a column with no change here.

use serde_json::Value;

/// What a field's value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Any text.
    Text,
    /// `true` or `false` (a CSV cell may also say `yes`/`no`, `1`/`0`).
    Boolean,
    /// An ISO 8601 date-time with its offset (`2015-10-21T13:28:06.419Z`).
    DateTime,
}

/// One field of the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Its JSON name, as the spec spells it (`clientRef`).
    pub name: String,
    /// Whether a message must have it.
    pub required: bool,
    /// What its value is.
    pub kind: Kind,
}

/// Every field of the message.
#[derive(Debug, Clone)]
pub struct Fields {
    fields: Vec<Field>,
}

impl Fields {
    /// The fields of the spec's `Message` schema.
    pub fn from_spec() -> Result<Fields, String> {
        Fields::from_openapi(dynmark_spec::OPENAPI_JSON)
    }

    fn from_openapi(document: &str) -> Result<Fields, String> {
        let document: Value =
            serde_json::from_str(document).map_err(|e| format!("the spec is not JSON: {e}"))?;
        let schema = document
            .pointer("/components/schemas/Message")
            .ok_or("the spec has no `Message` schema")?;
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|names| names.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let properties = schema
            .get("properties")
            .and_then(Value::as_object)
            .ok_or("the spec's `Message` schema has no properties")?;
        let fields = properties
            .iter()
            .map(|(name, property)| {
                let kind = match (
                    property.get("type").and_then(Value::as_str),
                    property.get("format").and_then(Value::as_str),
                ) {
                    (Some("boolean"), _) => Kind::Boolean,
                    (Some("string"), Some("date-time")) => Kind::DateTime,
                    (Some("string"), _) => Kind::Text,
                    (other, _) => {
                        return Err(format!(
                            "the spec's `Message.{name}` has type {other:?}, which a CSV cell \
                             cannot hold"
                        ));
                    }
                };
                Ok(Field {
                    name: name.clone(),
                    required: required.contains(&name.as_str()),
                    kind,
                })
            })
            .collect::<Result<_, String>>()?;
        Ok(Fields { fields })
    }

    /// The field called `name`, in any case (`ClientRef`, `CLIENTREF` and `clientref` are all
    /// `clientRef`).
    pub fn find(&self, name: &str) -> Option<&Field> {
        let name = name.trim();
        self.fields
            .iter()
            .find(|field| field.name.eq_ignore_ascii_case(name))
    }

    /// Every field.
    pub fn iter(&self) -> impl Iterator<Item = &Field> {
        self.fields.iter()
    }

    /// The JSON names, comma-separated (for messages that list what a header may name).
    pub fn names(&self) -> String {
        self.fields
            .iter()
            .map(|field| field.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spec_gives_the_message_fields() {
        let fields = Fields::from_spec().expect("the spec's Message schema is readable");
        let to = fields.find("TO").expect("to");
        assert_eq!(
            (to.name.as_str(), to.required, to.kind),
            ("to", true, Kind::Text)
        );
        let client_ref = fields.find("clientref").expect("clientRef");
        assert_eq!(client_ref.name, "clientRef");
        assert!(!client_ref.required);
        assert_eq!(
            fields.find("deliverAfter").map(|f| f.kind),
            Some(Kind::DateTime)
        );
        assert_eq!(
            fields.find("rejectUnicode").map(|f| f.kind),
            Some(Kind::Boolean)
        );
        assert!(fields.find("toa").is_none());
        assert!(fields.names().contains("clientRef, "), "{}", fields.names());
    }

    #[test]
    fn a_field_of_another_type_is_refused_by_name() {
        let document =
            r#"{"components":{"schemas":{"Message":{"properties":{"n":{"type":"array"}}}}}}"#;
        let error = Fields::from_openapi(document).unwrap_err();
        assert!(error.contains("`Message.n`"), "{error}");
    }
}
