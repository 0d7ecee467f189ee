//! Extensible enums of strings or integers: the known values, each a Rust variant, plus any
//! other kept.

use super::Reader;
use super::node::Node;
use crate::model::{EnumValues, ExtensibleEnum, Variant};
use crate::names;

const ENUM_SCHEMA_KEYS: &[&str] = &[
    "type",
    "title",
    "description",
    "enum",
    "example",
    "x-dynmark-extensible",
];

/// The keys of the open form: `anyOf` a string `enum` and a plain string.
const OPEN_ENUM_SCHEMA_KEYS: &[&str] = &[
    "title",
    "description",
    "anyOf",
    "example",
    "x-dynmark-extensible",
];
const OPEN_ENUM_KNOWN_KEYS: &[&str] = &["type", "description", "enum"];
const OPEN_ENUM_OTHER_KEYS: &[&str] = &["type", "description"];
/// The same for integers: `x-enum-varnames` (openapi-generator's extension, which other tools
/// read too) names the known values' variants.
const OPEN_INTEGER_ENUM_KNOWN_KEYS: &[&str] =
    &["type", "format", "description", "enum", "x-enum-varnames"];
const OPEN_INTEGER_ENUM_OTHER_KEYS: &[&str] = &["type", "format", "description"];

impl Reader {
    /// `type: string` with `enum`, or the form standard generators read as open: `anyOf` a
    /// string `enum` (the known values) and a plain `type: string` (any other); either with
    /// `x-dynmark-extensible: true`.
    pub(super) fn extensible_enum(
        &mut self,
        name: &str,
        node: &Node<'_>,
    ) -> Option<ExtensibleEnum> {
        let any_of = node.get("anyOf");
        let keys = match any_of {
            Some(_) => OPEN_ENUM_SCHEMA_KEYS,
            None => ENUM_SCHEMA_KEYS,
        };
        self.check_keys(node, keys);
        let description = self.optional_string(node, "description");
        match node.get("x-dynmark-extensible") {
            Some(flag) => {
                if !self.must_be_true(&flag) {
                    return None;
                }
            }
            None => {
                return self.fail(
                    node.pointer.clone(),
                    "a closed string enum is not supported; supported: `x-dynmark-extensible: true` (the known values, plus any other kept as its string)",
                );
            }
        }
        let (values, kind, names) = match any_of {
            Some(any_of) => self.open_enum_values(&any_of)?,
            None => (node.get("enum")?, EnumValues::Strings, None),
        };
        if !values.value.is_array() || values.items().is_empty() {
            return self.fail(
                values.pointer,
                match kind {
                    EnumValues::Strings => "expected a non-empty array of strings",
                    EnumValues::Integers => "expected a non-empty array of integers",
                },
            );
        }
        // Each value with the name its variant takes and where that name was written.
        let mut named: Vec<(String, Option<i64>, String, String)> = Vec::new();
        match kind {
            EnumValues::Strings => {
                for item in values.items() {
                    if let Some(value) = self.string(&item) {
                        named.push((
                            value.to_owned(),
                            None,
                            value.to_owned(),
                            item.pointer.clone(),
                        ));
                    }
                }
            }
            EnumValues::Integers => {
                let items = values.items();
                let name_nodes = match &names {
                    Some(names) if names.items().len() == items.len() => names.items(),
                    Some(names) => {
                        return self.fail(
                            names.pointer.clone(),
                            format!(
                                "names {} variants for {} values; supported: one name per value of `enum`, in order",
                                names.items().len(),
                                items.len()
                            ),
                        );
                    }
                    None => {
                        return self.fail(
                            values.pointer.clone(),
                            "an integer enum needs `x-enum-varnames` beside it (one PascalCase name per value, in order), since a number gives no Rust variant name",
                        );
                    }
                };
                for (item, name) in items.iter().zip(&name_nodes) {
                    let number = item.value.as_i64();
                    if number.is_none() {
                        self.fail::<()>(item.pointer.clone(), "expected an integer");
                    }
                    if let (Some(number), Some(text)) = (number, self.string(name)) {
                        named.push((
                            number.to_string(),
                            Some(number),
                            text.to_owned(),
                            name.pointer.clone(),
                        ));
                    }
                }
            }
        }
        let mut variants: Vec<Variant> = Vec::new();
        for (value, number, source, pointer) in named {
            let ident = names::pascal_case(&source);
            if !source.is_ascii() {
                self.fail::<()>(
                    pointer,
                    format!(
                        "{source:?} has characters outside ASCII, which a Rust variant name cannot carry; supported: values made of ASCII letters and digits (other ASCII characters separate words)"
                    ),
                );
            } else if ident == "Self" {
                self.fail::<()>(
                    pointer,
                    format!(
                        "{source:?} gives the variant name `Self`, a keyword no Rust name can be, not even raw; supported: any other value"
                    ),
                );
            } else if !names::is_identifier(&ident)
                || !ident.starts_with(|c: char| c.is_ascii_uppercase())
            {
                self.fail::<()>(
                    pointer,
                    format!(
                        "{source:?} gives no usable Rust variant name; supported: values made of ASCII letters and digits, starting with a letter"
                    ),
                );
            } else if ident == "Other" {
                self.fail::<()>(
                    pointer,
                    format!(
                        "{source:?} would clash with the `Other` variant that holds unknown values"
                    ),
                );
            } else if let Some(earlier) = variants.iter().find(|v| v.ident == ident) {
                self.fail::<()>(
                    pointer,
                    format!(
                        "{source:?} gives the same variant name as {:?} (`{ident}`)",
                        earlier.value
                    ),
                );
            } else if let Some(earlier) = variants.iter().find(|v| v.value == value) {
                self.fail::<()>(
                    pointer,
                    format!("{value} is listed twice (as `{}` first)", earlier.ident),
                );
            } else {
                variants.push(Variant {
                    value,
                    ident,
                    number,
                });
            }
        }
        Some(ExtensibleEnum {
            name: name.to_owned(),
            description,
            values: kind,
            variants,
        })
    }

    /// The `enum` of `[{"type": "string", "enum": [...]}, {"type": "string"}]`, or of the same
    /// with `type: integer` (then with the variants' names in `x-enum-varnames`).
    fn open_enum_values<'a>(
        &mut self,
        any_of: &Node<'a>,
    ) -> Option<(Node<'a>, EnumValues, Option<Node<'a>>)> {
        const SUPPORTED: &str = "supported for `anyOf` on a component schema: `[{\"type\": \"string\", \"enum\": [...]}, {\"type\": \"string\"}]` (an open enum: the known values, then any other string), or the same with `\"type\": \"integer\"` and `x-enum-varnames` naming the known values";
        let alternatives = any_of.items();
        let [known, other] = alternatives.as_slice() else {
            return self.fail(any_of.pointer.clone(), SUPPORTED);
        };
        let type_of = |node: &Node<'_>| {
            node.value
                .get("type")
                .and_then(|t| t.as_str())
                .map(str::to_owned)
        };
        let kind = match (type_of(known).as_deref(), type_of(other).as_deref()) {
            (Some("string"), Some("string")) => EnumValues::Strings,
            (Some("integer"), Some("integer")) => EnumValues::Integers,
            _ => return self.fail(any_of.pointer.clone(), SUPPORTED),
        };
        let Some(known_values) = known.get("enum") else {
            return self.fail(any_of.pointer.clone(), SUPPORTED);
        };
        match kind {
            EnumValues::Strings => {
                self.check_keys(known, OPEN_ENUM_KNOWN_KEYS);
                self.check_keys(other, OPEN_ENUM_OTHER_KEYS);
            }
            EnumValues::Integers => {
                self.check_keys(known, OPEN_INTEGER_ENUM_KNOWN_KEYS);
                self.check_keys(other, OPEN_INTEGER_ENUM_OTHER_KEYS);
                for node in [known, other] {
                    if let Some(format) = node.get("format")
                        && !matches!(format.value.as_str(), Some("int32" | "int64"))
                    {
                        self.fail::<()>(
                            format.pointer,
                            format!("{} is not supported; supported: int32, int64", format.value),
                        );
                    }
                }
            }
        }
        Some((known_values, kind, known.get("x-enum-varnames")))
    }
}
