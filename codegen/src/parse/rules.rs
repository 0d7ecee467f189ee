//! The validation keywords of a property as `#[validate(...)]` rules, and the siblings they name.

use serde_json::Value;

use super::Reader;
use super::node::Node;
use crate::model::{Field, FieldType, Rule, Sibling};

/// A rule naming a sibling that is resolved once every property of the object is known.
pub(super) struct PendingSibling {
    pub(super) field: usize,
    pub(super) rule: usize,
    pub(super) pointer: String,
    pub(super) expected: SiblingKind,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum SiblingKind {
    String,
    Boolean,
    DateTime,
}

impl SiblingKind {
    fn describe(self) -> &'static str {
        match self {
            SiblingKind::String => "a string property",
            SiblingKind::Boolean => "a boolean property",
            SiblingKind::DateTime => "a date-time property",
        }
    }

    fn accepts(self, ty: &FieldType) -> bool {
        matches!(
            (self, ty),
            (SiblingKind::String, FieldType::String)
                | (SiblingKind::Boolean, FieldType::Boolean)
                | (SiblingKind::DateTime, FieldType::DateTime)
        )
    }
}

impl Reader {
    pub(super) fn resolve_sibling(&mut self, fields: &mut [Field], pending: PendingSibling) {
        let Some(field) = fields.get(pending.field) else {
            return;
        };
        let sibling_json = match &field.rules[pending.rule] {
            Rule::Phone { country: sibling }
            | Rule::Gsm7 {
                when: Some(sibling),
            }
            | Rule::After(sibling) => sibling.json_name.clone(),
            _ => return,
        };
        let own_json = field.json_name.clone();
        if sibling_json == own_json {
            self.fail::<()>(
                pending.pointer,
                format!(
                    "{sibling_json:?} is this property itself; it must name another property of this schema ({})",
                    pending.expected.describe()
                ),
            );
            return;
        }
        let found = fields
            .iter()
            .find(|candidate| {
                candidate.json_name == sibling_json && candidate.json_name != own_json
            })
            .map(|sibling| {
                (
                    (sibling.rust_name.clone(), sibling.raw),
                    pending.expected.accepts(&sibling.ty),
                )
            });
        let (rust_name, raw) = match found {
            Some((name, true)) => name,
            Some((_, false)) | None => {
                self.fail::<()>(
                    pending.pointer,
                    format!(
                        "{sibling_json:?} is not {} of this schema",
                        pending.expected.describe()
                    ),
                );
                return;
            }
        };
        match &mut fields[pending.field].rules[pending.rule] {
            Rule::Phone { country: sibling }
            | Rule::Gsm7 {
                when: Some(sibling),
            }
            | Rule::After(sibling) => {
                sibling.rust_name = rust_name;
                sibling.raw = raw;
            }
            _ => {}
        }
    }

    /// The rules of a plain (not date-time) string property, in emission order.
    pub(super) fn string_rules(
        &mut self,
        node: &Node<'_>,
        field: &mut Field,
        is_url: bool,
        index: usize,
        pending: &mut Vec<PendingSibling>,
    ) {
        if let Some(flag) = node.get("x-dynmark-not-blank")
            && self.must_be_true(&flag)
        {
            field.rules.push(Rule::Required);
        }
        let min = node.get("minLength").and_then(|n| self.count(&n));
        let max = node.get("maxLength").and_then(|n| self.count(&n));
        if let (Some(min), Some(max)) = (min, max)
            && min > max
        {
            self.fail::<()>(
                node.pointer_of("minLength"),
                format!("{min} is more than maxLength ({max})"),
            );
        }
        if min.is_some() || max.is_some() {
            field.rules.push(Rule::Length { min, max });
        }
        if let Some(pattern) = node.get("pattern")
            && let Some(text) = self.string(&pattern)
        {
            if !(text.starts_with('^') && text.ends_with('$')) {
                self.fail::<()>(
                    pattern.pointer,
                    "an unanchored pattern is not supported (JSON Schema searches, local validation matches the whole value); supported: a pattern starting with `^` and ending with `$`",
                );
            } else if let Err(error) = regex_lite::Regex::new(text) {
                self.fail::<()>(
                    pattern.pointer,
                    format!("is not a valid regular expression: {error}"),
                );
            } else {
                field.rules.push(Rule::Pattern(text.to_owned()));
            }
        }
        if is_url {
            field.rules.push(Rule::Url);
        }
        if let Some(phone) = node.get("x-dynmark-phone-number")
            && self.object(&phone).is_some()
        {
            self.check_keys(&phone, &["localWhenSet"]);
            if let Some(country) = self.required_string(&phone, "localWhenSet") {
                field.rules.push(Rule::Phone {
                    country: Sibling {
                        json_name: country.to_owned(),
                        rust_name: String::new(),
                        raw: false,
                    },
                });
                pending.push(PendingSibling {
                    field: index,
                    rule: field.rules.len() - 1,
                    pointer: phone.pointer_of("localWhenSet"),
                    expected: SiblingKind::String,
                });
            }
        }
        if let Some(flag) = node.get("x-dynmark-originator")
            && self.must_be_true(&flag)
        {
            field.rules.push(Rule::Originator);
        }
        if let Some(country) = node.get("x-dynmark-country") {
            if country.value.as_str() == Some("iso-3166-1-alpha-3") {
                field.rules.push(Rule::Country);
            } else {
                self.fail::<()>(
                    country.pointer,
                    format!(
                        "{} is not supported; supported: \"iso-3166-1-alpha-3\"",
                        country.value
                    ),
                );
            }
        }
        if let Some(gsm7) = node.get("x-dynmark-gsm7") {
            match gsm7.value {
                Value::Bool(true) => field.rules.push(Rule::Gsm7 { when: None }),
                Value::Object(_) => {
                    self.check_keys(&gsm7, &["when"]);
                    if let Some(when) = self.required_string(&gsm7, "when") {
                        field.rules.push(Rule::Gsm7 {
                            when: Some(Sibling {
                                json_name: when.to_owned(),
                                rust_name: String::new(),
                                raw: false,
                            }),
                        });
                        pending.push(PendingSibling {
                            field: index,
                            rule: field.rules.len() - 1,
                            pointer: gsm7.pointer_of("when"),
                            expected: SiblingKind::Boolean,
                        });
                    }
                }
                other => {
                    self.fail::<()>(
                        gsm7.pointer,
                        format!(
                            "{other} is not supported; supported: true, or {{\"when\": <boolean sibling property>}}"
                        ),
                    );
                }
            }
        }
        if let Some(values) = node.get("enum") {
            let allowed: Vec<String> = values
                .items()
                .iter()
                .filter_map(|item| self.string(item).map(str::to_owned))
                .collect();
            if allowed.is_empty() {
                self.fail::<()>(values.pointer, "expected a non-empty array of strings");
            } else {
                field.rules.push(Rule::OneOf(allowed));
            }
        }
    }
}
