//! Object schemas: their properties as struct fields with types, defaults, aliases and the
//! batch outcome.

use serde_json::Value;

use super::node::{Node, kind};
use super::rules::{PendingSibling, SiblingKind};
use super::{Reader, SCHEMA_REF_PREFIX, VALIDATION_FAILURE_SCHEMA, first_sentence};
use crate::model::{Field, FieldType, ObjectSchema, Outcome, Rule, Sibling};
use crate::names;

const OBJECT_SCHEMA_KEYS: &[&str] = &[
    "type",
    "title",
    "description",
    "required",
    "properties",
    "additionalProperties",
    "example",
    "x-dynmark-outcome",
    "x-dynmark-aliases",
];

const STRING_PROPERTY_KEYS: &[&str] = &[
    "type",
    "nullable",
    "description",
    "example",
    "default",
    "format",
    "minLength",
    "maxLength",
    "pattern",
    "enum",
    "x-dynmark-not-blank",
    "x-dynmark-phone-number",
    "x-dynmark-originator",
    "x-dynmark-country",
    "x-dynmark-gsm7",
    "x-dynmark-secret",
];
const DATE_TIME_PROPERTY_KEYS: &[&str] = &[
    "type",
    "nullable",
    "format",
    "description",
    "example",
    "x-dynmark-after",
];
const BOOLEAN_PROPERTY_KEYS: &[&str] = &["type", "nullable", "description", "example", "default"];
const INTEGER_PROPERTY_KEYS: &[&str] = &[
    "type",
    "nullable",
    "format",
    "description",
    "example",
    "default",
];
const ARRAY_PROPERTY_KEYS: &[&str] = &[
    "type",
    "nullable",
    "description",
    "example",
    "items",
    "minItems",
    "maxItems",
];
const ARRAY_ITEM_KEYS: &[&str] = &["type", "format", "description"];

const STRING_FORMATS: &str = "date-time, uri";
pub(super) const PROPERTY_TYPES: &str = "string, boolean, integer, array, object ($ref)";

impl Reader {
    pub(super) fn object_schema(
        &mut self,
        name: &str,
        node: &Node<'_>,
        all: &[(&str, Node<'_>)],
    ) -> Option<ObjectSchema> {
        self.check_keys(node, OBJECT_SCHEMA_KEYS);
        let description = self.optional_string(node, "description");

        let deny_unknown_fields = match node.get("additionalProperties") {
            None => false,
            Some(flag) => match flag.value {
                Value::Bool(allowed) => !allowed,
                other => {
                    self.fail::<()>(
                        flag.pointer,
                        format!(
                            "{} (a schema for extra members) is not supported; supported: true or false",
                            kind(other)
                        ),
                    );
                    false
                }
            },
        };

        let properties = node.get("properties");
        let property_nodes = match &properties {
            Some(properties) => {
                self.object(properties)?;
                properties.entries()
            }
            None => Vec::new(),
        };

        let mut required = Vec::new();
        if let Some(list) = node.get("required") {
            if !list.value.is_array() {
                self.fail::<()>(
                    list.pointer.clone(),
                    format!(
                        "expected an array of property names, found {}",
                        kind(list.value)
                    ),
                );
            }
            for item in list.items() {
                let Some(property) = self.string(&item) else {
                    continue;
                };
                if property_nodes.iter().all(|(json, _)| *json != property) {
                    self.fail::<()>(
                        item.pointer,
                        format!("{property:?} is not one of the schema's properties"),
                    );
                }
                required.push(property);
            }
        }

        let mut fields: Vec<Field> = Vec::new();
        let mut pending = Vec::new();
        for (json_name, property) in &property_nodes {
            let is_required = required.contains(json_name);
            let Some(field) = self.field(
                json_name,
                property,
                is_required,
                all,
                fields.len(),
                &mut pending,
            ) else {
                continue;
            };
            if let Some(clash) = fields.iter().find(|f| f.rust_name == field.rust_name) {
                self.fail::<()>(
                    property.pointer.clone(),
                    format!(
                        "becomes the Rust field `{}`, like {:?}; rename one of them",
                        field.rust_name, clash.json_name
                    ),
                );
                continue;
            }
            fields.push(field);
        }

        for sibling_rule in pending {
            self.resolve_sibling(&mut fields, sibling_rule);
        }

        if let Some(aliases) = node.get("x-dynmark-aliases") {
            self.aliases(&aliases, &mut fields);
        }
        let outcome = match node.get("x-dynmark-outcome") {
            Some(outcome) => Some(self.outcome(&outcome, &fields)?),
            None => None,
        };

        Some(ObjectSchema {
            name: name.to_owned(),
            description,
            fields,
            deny_unknown_fields,
            validated: false,
            outcome,
            steps: None,
        })
    }

    pub(super) fn aliases(&mut self, node: &Node<'_>, fields: &mut [Field]) {
        if self.object(node).is_none() {
            return;
        }
        for (property, names_node) in node.entries() {
            let Some(index) = fields.iter().position(|f| f.json_name == property) else {
                self.fail::<()>(
                    names_node.pointer,
                    format!("{property:?} is not one of the schema's properties"),
                );
                continue;
            };
            if !names_node.value.is_array() {
                self.fail::<()>(
                    names_node.pointer.clone(),
                    format!(
                        "expected an array of JSON names, found {}",
                        kind(names_node.value)
                    ),
                );
                continue;
            }
            for item in names_node.items() {
                let Some(alias) = self.string(&item) else {
                    continue;
                };
                let taken = fields
                    .iter()
                    .any(|f| f.json_name == alias || f.aliases.iter().any(|a| a == alias));
                if alias.is_empty() || taken {
                    self.fail::<()>(
                        item.pointer,
                        format!("{alias:?} is empty or already names a property"),
                    );
                } else {
                    fields[index].aliases.push(alias.to_owned());
                }
            }
        }
    }

    pub(super) fn outcome(&mut self, node: &Node<'_>, fields: &[Field]) -> Option<Outcome> {
        self.object(node)?;
        self.check_keys(node, &["accepted", "failures"]);
        let accepted_json = self.required_string(node, "accepted");
        let failures_json = self.required_string(node, "failures");
        let accepted =
            accepted_json.and_then(|json| match fields.iter().find(|f| f.json_name == json) {
                Some(field) if field.required && field.ty == FieldType::Boolean => {
                    Some((field.rust_name.clone(), field.raw))
                }
                _ => self.fail(
                    node.pointer_of("accepted"),
                    format!("{json:?} must name a required boolean property of this schema"),
                ),
            });
        let failures_ty = FieldType::Array(Box::new(FieldType::Named(
            VALIDATION_FAILURE_SCHEMA.to_owned(),
        )));
        let failures = failures_json.and_then(|json| {
            match fields.iter().find(|f| f.json_name == json) {
                Some(field) if field.ty == failures_ty => {
                    Some((field.rust_name.clone(), field.raw, field.required))
                }
                _ => self.fail(
                    node.pointer_of("failures"),
                    format!(
                        "{json:?} must name a property of this schema holding an array of `{SCHEMA_REF_PREFIX}{VALIDATION_FAILURE_SCHEMA}`"
                    ),
                ),
            }
        });
        let (failures, failures_raw, failures_required) = failures?;
        let (accepted, accepted_raw) = accepted?;
        Some(Outcome {
            accepted,
            accepted_raw,
            failures,
            failures_raw,
            failures_required,
        })
    }

    pub(super) fn field(
        &mut self,
        json_name: &str,
        node: &Node<'_>,
        required: bool,
        all: &[(&str, Node<'_>)],
        index: usize,
        pending: &mut Vec<PendingSibling>,
    ) -> Option<Field> {
        self.object(node)?;
        let rust_name = names::snake_case(json_name);
        let Some(raw) = names::needs_raw(&rust_name) else {
            return self.fail(
                node.pointer.clone(),
                format!(
                    "the property name {json_name:?} gives no usable Rust field name (`{rust_name}`); supported: names of ASCII letters and digits, starting with a letter"
                ),
            );
        };
        let mut field = Field {
            json_name: json_name.to_owned(),
            rust_name,
            raw,
            description: self.optional_string(node, "description"),
            ty: FieldType::String,
            required,
            default: None,
            aliases: Vec::new(),
            rules: Vec::new(),
            secret: false,
        };

        if let Some(reference) = node.get("$ref") {
            for (key, sibling) in node.entries() {
                if key != "$ref" {
                    self.fail::<()>(
                        sibling.pointer,
                        "OpenAPI 3.0 ignores members beside `$ref`; supported: `$ref` alone (describe the referenced schema instead)",
                    );
                }
            }
            let name = self.reference(&reference, all)?;
            field.description = all
                .iter()
                .find(|(known, _)| *known == name)
                .and_then(|(_, schema)| schema.value.get("description"))
                .and_then(Value::as_str)
                .map(|description| first_sentence(description).to_owned());
            field.ty = FieldType::Named(name);
            return Some(field);
        }

        for keyword in ["oneOf", "anyOf", "allOf", "not"] {
            if let Some(composed) = node.get(keyword) {
                return self.fail(
                    composed.pointer,
                    format!(
                        "`{keyword}` is not supported on a property; supported: one `type` ({PROPERTY_TYPES})"
                    ),
                );
            }
        }
        let Some(ty) = node.get("type") else {
            return self.fail(
                node.pointer.clone(),
                format!("a property needs `type` or `$ref`; supported types: {PROPERTY_TYPES}"),
            );
        };
        // `nullable: true` says what the `Option` of an optional field already reads: `null` is
        // "not set".
        if let Some(nullable) = node.get("nullable")
            && self.must_be_true(&nullable)
            && required
        {
            self.fail::<()>(
                nullable.pointer,
                "a required property that may be null is not supported; supported: `nullable: true` on an optional property (read as not set)",
            );
        }
        match ty.value.as_str() {
            Some("string") => {
                let format = match node.get("format") {
                    Some(format) => Some((self.string(&format)?, format)),
                    None => None,
                };
                match format {
                    Some(("date-time", _)) => {
                        self.check_keys(node, DATE_TIME_PROPERTY_KEYS);
                        field.ty = FieldType::DateTime;
                        if let Some(after) = node.get("x-dynmark-after") {
                            let sibling = self.string(&after)?;
                            field.rules.push(Rule::After(Sibling {
                                json_name: sibling.to_owned(),
                                rust_name: String::new(),
                                raw: false,
                            }));
                            pending.push(PendingSibling {
                                field: index,
                                rule: field.rules.len() - 1,
                                pointer: after.pointer,
                                expected: SiblingKind::DateTime,
                            });
                        }
                    }
                    Some(("uri", _)) | None => {
                        self.check_keys(node, STRING_PROPERTY_KEYS);
                        self.string_rules(node, &mut field, format.is_some(), index, pending);
                        field.secret = self.secret(node);
                    }
                    Some((other, format)) => {
                        return self.fail(
                            format.pointer,
                            format!("{other:?} is not supported; supported: {STRING_FORMATS}"),
                        );
                    }
                }
                if let Some(default) = node.get("default") {
                    if default.value.is_string() && field.ty == FieldType::String {
                        field.default = Some(default.value.clone());
                    } else {
                        self.fail::<()>(
                            default.pointer,
                            "a default here is not supported; supported: a string default on a plain string property",
                        );
                    }
                }
            }
            Some("boolean") => {
                self.check_keys(node, BOOLEAN_PROPERTY_KEYS);
                field.ty = FieldType::Boolean;
                if let Some(default) = node.get("default") {
                    if default.value.is_boolean() {
                        field.default = Some(default.value.clone());
                    } else {
                        self.fail::<()>(
                            default.pointer,
                            format!("expected a boolean default, found {}", kind(default.value)),
                        );
                    }
                }
            }
            Some("integer") => {
                self.check_keys(node, INTEGER_PROPERTY_KEYS);
                field.ty = FieldType::Integer;
                if let Some(format) = node.get("format")
                    && !matches!(format.value.as_str(), Some("int32" | "int64"))
                {
                    self.fail::<()>(
                        format.pointer,
                        format!(
                            "{} is not supported; supported on integers: int32, int64 (both read as `i64`)",
                            format.value
                        ),
                    );
                }
                if let Some(default) = node.get("default") {
                    if default.value.is_i64() {
                        field.default = Some(default.value.clone());
                    } else {
                        self.fail::<()>(
                            default.pointer,
                            format!("expected an integer default, found {}", kind(default.value)),
                        );
                    }
                }
            }
            Some("array") => {
                self.check_keys(node, ARRAY_PROPERTY_KEYS);
                let Some(items) = node.get("items") else {
                    return self.fail(node.pointer.clone(), "an array needs `items`");
                };
                field.ty = FieldType::Array(Box::new(self.array_item(&items, all)?));
                let min = node.get("minItems").and_then(|n| self.count(&n));
                let max = node.get("maxItems").and_then(|n| self.count(&n));
                if let (Some(min), Some(max)) = (min, max)
                    && min > max
                {
                    self.fail::<()>(
                        node.pointer_of("minItems"),
                        format!("{min} is more than maxItems ({max})"),
                    );
                }
                if min.is_some() || max.is_some() {
                    field.rules.push(Rule::Items { min, max });
                }
            }
            Some("object") => {
                return self.fail(
                    ty.pointer,
                    format!(
                        "an inline object is not supported; supported: {PROPERTY_TYPES}, with the object as a `$ref` to a schema in /components/schemas"
                    ),
                );
            }
            _ => {
                return self.fail(
                    ty.pointer,
                    format!("{} is not supported; supported: {PROPERTY_TYPES}", ty.value),
                );
            }
        }
        Some(field)
    }

    pub(super) fn array_item(
        &mut self,
        node: &Node<'_>,
        all: &[(&str, Node<'_>)],
    ) -> Option<FieldType> {
        self.object(node)?;
        if let Some(reference) = node.get("$ref") {
            for (key, sibling) in node.entries() {
                if key != "$ref" {
                    self.fail::<()>(
                        sibling.pointer,
                        "OpenAPI 3.0 ignores members beside `$ref`; supported: `$ref` alone",
                    );
                }
            }
            return self.reference(&reference, all).map(FieldType::Named);
        }
        self.check_keys(node, ARRAY_ITEM_KEYS);
        let ty = node.get("type");
        let format = node
            .get("format")
            .and_then(|f| f.value.as_str().map(|s| (s, f)));
        match (ty.as_ref().and_then(|t| t.value.as_str()), format) {
            (Some("string"), None) => Some(FieldType::String),
            (Some("string"), Some(("date-time", _))) => Some(FieldType::DateTime),
            (Some("boolean"), None) => Some(FieldType::Boolean),
            (Some("string" | "boolean"), Some((other, format))) => self.fail(
                format.pointer,
                format!("{other:?} is not supported on array items; supported: date-time on strings"),
            ),
            _ => self.fail(
                ty.map_or_else(|| node.pointer.clone(), |t| t.pointer),
                "array items are not supported in this form; supported: a `$ref` to a component schema, `type: string` (optionally `format: date-time`) or `type: boolean`",
            ),
        }
    }
}
