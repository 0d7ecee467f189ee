//! Checks a JSON value against an OpenAPI 3.0 schema of the subset the generator supports, so
//! that the sandbox can refuse a request body the spec forbids for an operation it serves from
//! the spec alone.
//!
//! Supported keywords: `$ref` (to `#/components/schemas/...` of the same document), `type`
//! (`object`, `array`, `string`, `boolean`, `integer`, `number`), `nullable`, `enum`, `anyOf`,
//! `oneOf`, `allOf`, `properties`, `required`, `additionalProperties` (`false` or a schema),
//! `items`, `minItems`, `maxItems`, `minLength`, `maxLength` (in characters), `pattern`,
//! `format` (`date-time`, `uri`), `minimum`, `maximum`. Others (descriptions, examples, the
//! `x-dynmark-*` rules that decide a message's own result) are not about the body's shape and
//! are ignored.

use serde_json::{Map, Value};

/// How deep `$ref`s may nest before the checker gives up (a cycle in a broken document).
const MAX_DEPTH: usize = 64;

/// One way `value` breaks the schema: where (`to`, `items[2].name`; empty for the whole value)
/// and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Violation {
    pub(crate) path: String,
    pub(crate) problem: String,
    /// A value that breaks one of its rules (a length, a pattern, a format, a bound), rather than
    /// a document of the wrong shape: a hand-written endpoint answers those itself, with the
    /// rule's own failure code, as the service does (`ToInvalid`, not `InvalidJson`).
    pub(crate) rule: bool,
}

/// Every way `value` breaks `schema`, resolving `$ref`s in `document`.
pub(crate) fn check(value: &Value, schema: &Value, document: &Value) -> Vec<Violation> {
    let mut checker = Checker {
        document,
        violations: Vec::new(),
    };
    checker.value(value, schema, "", 0);
    checker.violations
}

struct Checker<'a> {
    document: &'a Value,
    violations: Vec<Violation>,
}

impl Checker<'_> {
    fn fail(&mut self, path: &str, problem: String) {
        self.violations.push(Violation {
            path: path.to_owned(),
            problem,
            rule: false,
        });
    }

    /// A value breaking one of its rules (see [`Violation::rule`]).
    fn fail_rule(&mut self, path: &str, problem: String) {
        self.violations.push(Violation {
            path: path.to_owned(),
            problem,
            rule: true,
        });
    }

    /// Whether `value` matches `schema`, without recording why not.
    fn matches(&self, value: &Value, schema: &Value, depth: usize) -> bool {
        let mut probe = Checker {
            document: self.document,
            violations: Vec::new(),
        };
        probe.value(value, schema, "", depth);
        probe.violations.is_empty()
    }

    fn value(&mut self, value: &Value, schema: &Value, path: &str, depth: usize) {
        if depth > MAX_DEPTH {
            self.fail(path, "the schema's references nest too deeply".to_owned());
            return;
        }
        let Some(schema) = schema.as_object() else {
            // `true`/`{}`-like schemas accept anything.
            return;
        };
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            match resolve(self.document, reference) {
                Some(target) => self.value(value, target, path, depth + 1),
                None => self.fail(path, format!("the schema refers to {reference}, not found")),
            }
            return;
        }
        if value.is_null() && schema.get("nullable") == Some(&Value::Bool(true)) {
            return;
        }
        if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
            for part in all {
                self.value(value, part, path, depth + 1);
            }
        }
        for (keyword, exactly_one) in [("anyOf", false), ("oneOf", true)] {
            let Some(alternatives) = schema.get(keyword).and_then(Value::as_array) else {
                continue;
            };
            let matching = alternatives
                .iter()
                .filter(|alternative| self.matches(value, alternative, depth + 1))
                .count();
            if matching == 0 {
                self.fail(
                    path,
                    format!(
                        "{} matches none of the `{keyword}` alternatives",
                        kind(value)
                    ),
                );
            } else if exactly_one && matching > 1 {
                self.fail(
                    path,
                    format!(
                        "{} matches {matching} `oneOf` alternatives, not one",
                        kind(value)
                    ),
                );
            }
        }
        if let Some(ty) = schema.get("type").and_then(Value::as_str)
            && !has_type(value, ty)
        {
            let expected = if value.is_null() {
                format!("{ty} (it may not be null)")
            } else {
                ty.to_owned()
            };
            self.fail(path, format!("expected {expected}, found {}", kind(value)));
            return;
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array)
            && !values.contains(value)
        {
            let listed: Vec<String> = values.iter().map(Value::to_string).collect();
            self.fail(path, format!("{value} is not one of {}", listed.join(", ")));
        }
        match value {
            Value::Object(members) => self.object(members, schema, path, depth),
            Value::Array(items) => self.array(items, schema, path, depth),
            Value::String(text) => self.string(text, schema, path),
            Value::Number(number) => self.number(number, schema, path),
            Value::Bool(_) | Value::Null => {}
        }
    }

    fn object(
        &mut self,
        members: &Map<String, Value>,
        schema: &Map<String, Value>,
        path: &str,
        depth: usize,
    ) {
        let properties = schema.get("properties").and_then(Value::as_object);
        for name in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if !members.contains_key(name) {
                self.fail(path, format!("the required member `{name}` is missing"));
            }
        }
        // In name order, whatever order serde_json's map keeps (its `preserve_order` feature
        // may be on in the build): the same request always gets the same failures.
        let mut sorted: Vec<(&String, &Value)> = members.iter().collect();
        sorted.sort_by_key(|(name, _)| *name);
        for (name, member) in sorted {
            let member_path = join(path, name);
            match properties.and_then(|properties| properties.get(name)) {
                Some(property) => self.value(member, property, &member_path, depth + 1),
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => {
                        self.fail(
                            &member_path,
                            format!("`{name}` is not a member of this object"),
                        );
                    }
                    Some(other @ Value::Object(_)) => {
                        self.value(member, other, &member_path, depth + 1);
                    }
                    _ => {}
                },
            }
        }
    }

    fn array(&mut self, items: &[Value], schema: &Map<String, Value>, path: &str, depth: usize) {
        let count = items.len() as u64;
        if let Some(min) = schema.get("minItems").and_then(Value::as_u64)
            && count < min
        {
            self.fail(
                path,
                format!("{count} items, fewer than the {min} required"),
            );
        }
        if let Some(max) = schema.get("maxItems").and_then(Value::as_u64)
            && count > max
        {
            self.fail(path, format!("{count} items, more than the {max} allowed"));
        }
        if let Some(item_schema) = schema.get("items") {
            for (index, item) in items.iter().enumerate() {
                self.value(item, item_schema, &format!("{path}[{index}]"), depth + 1);
            }
        }
    }

    fn string(&mut self, text: &str, schema: &Map<String, Value>, path: &str) {
        let length = text.chars().count() as u64;
        if let Some(min) = schema.get("minLength").and_then(Value::as_u64)
            && length < min
        {
            self.fail_rule(path, format!("{length} characters, fewer than {min}"));
        }
        if let Some(max) = schema.get("maxLength").and_then(Value::as_u64)
            && length > max
        {
            self.fail_rule(path, format!("{length} characters, more than {max}"));
        }
        if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
            match regex_lite::Regex::new(pattern) {
                Ok(regex) if !regex.is_match(text) => {
                    self.fail_rule(path, format!("does not match the pattern {pattern}"));
                }
                Ok(_) => {}
                Err(_) => self.fail(
                    path,
                    format!("the schema's pattern {pattern} is not a regex"),
                ),
            }
        }
        match schema.get("format").and_then(Value::as_str) {
            Some("date-time") if chrono::DateTime::parse_from_rfc3339(text).is_err() => {
                self.fail_rule(path, "is not an RFC 3339 date-time".to_owned());
            }
            Some("uri") if !is_absolute_uri(text) => {
                self.fail_rule(path, "is not an absolute URI".to_owned());
            }
            _ => {}
        }
    }

    fn number(&mut self, number: &serde_json::Number, schema: &Map<String, Value>, path: &str) {
        let Some(number) = number.as_f64() else {
            return;
        };
        if let Some(min) = schema.get("minimum").and_then(Value::as_f64)
            && number < min
        {
            self.fail_rule(path, format!("{number} is less than the minimum {min}"));
        }
        if let Some(max) = schema.get("maximum").and_then(Value::as_f64)
            && number > max
        {
            self.fail_rule(path, format!("{number} is more than the maximum {max}"));
        }
    }
}

/// The schema a local `$ref` (`#/components/schemas/X`) points to.
pub(crate) fn resolve<'a>(document: &'a Value, reference: &str) -> Option<&'a Value> {
    document.pointer(reference.strip_prefix('#')?)
}

fn has_type(value: &Value, ty: &str) -> bool {
    match ty {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        // An unknown type name restricts nothing here; the generator refuses it.
        _ => true,
    }
}

fn is_absolute_uri(text: &str) -> bool {
    url::Url::parse(text).is_ok() && !text.chars().any(char::is_whitespace)
}

/// What a JSON value is, for messages.
pub(crate) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn join(path: &str, member: &str) -> String {
    if path.is_empty() {
        member.to_owned()
    } else {
        format!("{path}.{member}")
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn problems(value: Value, schema: Value, document: &Value) -> Vec<(String, String)> {
        check(&value, &schema, document)
            .into_iter()
            .map(|violation| (violation.path, violation.problem))
            .collect()
    }

    fn document() -> Value {
        json!({"components": {"schemas": {
            "Code": {"type": "object", "required": ["code"], "additionalProperties": false,
                     "properties": {"code": {"type": "string", "minLength": 4, "maxLength": 8,
                                             "pattern": "^[0-9]+$"},
                                    "note": {"type": "string", "nullable": true},
                                    "at": {"type": "string", "format": "date-time"},
                                    "url": {"type": "string", "format": "uri"},
                                    "tries": {"type": "integer", "minimum": 1, "maximum": 3}}},
            "Status": {"anyOf": [{"type": "string", "enum": ["On", "Off"]}, {"type": "string"}]}
        }}})
    }

    #[test]
    fn a_value_that_matches_has_no_violations() {
        let document = document();
        let code = json!({"$ref": "#/components/schemas/Code"});
        let valid = json!({"code": "1234", "note": null, "at": "2015-10-05T12:57:00.543Z",
                           "url": "https://example.com/r", "tries": 2});
        assert_eq!(problems(valid, code.clone(), &document), []);
        assert_eq!(
            problems(
                json!("Dead"),
                json!({"$ref": "#/components/schemas/Status"}),
                &document
            ),
            []
        );
    }

    #[test]
    fn every_violation_is_reported_with_its_path() {
        let document = document();
        let schema = json!({"type": "array", "minItems": 1,
                            "items": {"$ref": "#/components/schemas/Code"}});
        let value = json!([
            {"code": "12", "extra": 1},
            {"note": 5, "at": "yesterday", "url": "/relative", "tries": 7},
            {"code": null}
        ]);
        assert_eq!(
            problems(value, schema, &document),
            [
                (
                    "[0].code".to_owned(),
                    "2 characters, fewer than 4".to_owned()
                ),
                (
                    "[0].extra".to_owned(),
                    "`extra` is not a member of this object".to_owned()
                ),
                (
                    "[1]".to_owned(),
                    "the required member `code` is missing".to_owned()
                ),
                // Members in name order.
                (
                    "[1].at".to_owned(),
                    "is not an RFC 3339 date-time".to_owned()
                ),
                (
                    "[1].note".to_owned(),
                    "expected string, found a number".to_owned()
                ),
                (
                    "[1].tries".to_owned(),
                    "7 is more than the maximum 3".to_owned()
                ),
                ("[1].url".to_owned(), "is not an absolute URI".to_owned()),
                (
                    "[2].code".to_owned(),
                    "expected string (it may not be null), found null".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn arrays_enums_and_alternatives() {
        let document = document();
        assert_eq!(
            problems(
                json!([]),
                json!({"type": "array", "minItems": 1}),
                &document
            ),
            [(
                String::new(),
                "0 items, fewer than the 1 required".to_owned()
            )]
        );
        assert_eq!(
            problems(
                json!("Maybe"),
                json!({"type": "string", "enum": ["On", "Off"]}),
                &document
            ),
            [(
                String::new(),
                "\"Maybe\" is not one of \"On\", \"Off\"".to_owned()
            )]
        );
        let one_of = json!({"oneOf": [{"type": "string"}, {"type": "string", "maxLength": 3}]});
        assert_eq!(
            problems(json!("abc"), one_of.clone(), &document),
            [(
                String::new(),
                "a string matches 2 `oneOf` alternatives, not one".to_owned()
            )]
        );
        assert_eq!(problems(json!("abcd"), one_of, &document), []);
        assert_eq!(
            problems(
                json!(4),
                json!({"$ref": "#/components/schemas/Status"}),
                &document
            ),
            [(
                String::new(),
                "a number matches none of the `anyOf` alternatives".to_owned()
            )]
        );
        assert_eq!(
            problems(json!(1.5), json!({"type": "integer"}), &document),
            [(String::new(), "expected integer, found a number".to_owned())]
        );
    }

    #[test]
    fn a_dangling_or_cyclic_reference_is_a_violation_not_a_hang() {
        let document =
            json!({"components": {"schemas": {"Loop": {"$ref": "#/components/schemas/Loop"}}}});
        let found = problems(
            json!(1),
            json!({"$ref": "#/components/schemas/Loop"}),
            &document,
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].1.contains("nest too deeply"), "{found:?}");
        let found = problems(
            json!(1),
            json!({"$ref": "#/components/schemas/Nope"}),
            &document,
        );
        assert!(found[0].1.contains("not found"), "{found:?}");
    }
}
