//! Extensible string enums: the known values, each a Rust variant, plus any other kept.

use super::Reader;
use super::node::Node;
use crate::model::{ExtensibleEnum, Variant};
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
        let values = match any_of {
            Some(any_of) => self.open_enum_values(&any_of)?,
            None => node.get("enum")?,
        };
        if !values.value.is_array() || values.items().is_empty() {
            return self.fail(values.pointer, "expected a non-empty array of strings");
        }
        let mut variants: Vec<Variant> = Vec::new();
        for item in values.items() {
            let Some(value) = self.string(&item) else {
                continue;
            };
            let ident = names::pascal_case(value);
            if !value.is_ascii() {
                self.fail::<()>(
                    item.pointer,
                    format!(
                        "{value:?} has characters outside ASCII, which a Rust variant name cannot carry; supported: values made of ASCII letters and digits (other ASCII characters separate words)"
                    ),
                );
            } else if ident == "Self" {
                self.fail::<()>(
                    item.pointer,
                    format!(
                        "{value:?} gives the variant name `Self`, a keyword no Rust name can be, not even raw; supported: any other value"
                    ),
                );
            } else if !names::is_identifier(&ident)
                || !ident.starts_with(|c: char| c.is_ascii_uppercase())
            {
                self.fail::<()>(
                    item.pointer,
                    format!(
                        "{value:?} gives no usable Rust variant name; supported: values made of ASCII letters and digits, starting with a letter"
                    ),
                );
            } else if ident == "Other" {
                self.fail::<()>(
                    item.pointer,
                    format!(
                        "{value:?} would clash with the `Other` variant that holds unknown values"
                    ),
                );
            } else if let Some(earlier) = variants.iter().find(|v| v.ident == ident) {
                self.fail::<()>(
                    item.pointer,
                    format!(
                        "{value:?} gives the same variant name as {:?} (`{ident}`)",
                        earlier.value
                    ),
                );
            } else {
                variants.push(Variant {
                    value: value.to_owned(),
                    ident,
                });
            }
        }
        Some(ExtensibleEnum {
            name: name.to_owned(),
            description,
            variants,
        })
    }

    /// The `enum` of `[{"type": "string", "enum": [...]}, {"type": "string"}]`.
    fn open_enum_values<'a>(&mut self, any_of: &Node<'a>) -> Option<Node<'a>> {
        const SUPPORTED: &str = "supported for `anyOf` on a component schema: `[{\"type\": \"string\", \"enum\": [...]}, {\"type\": \"string\"}]` (an open enum: the known values, then any other string)";
        let alternatives = any_of.items();
        let [known, other] = alternatives.as_slice() else {
            return self.fail(any_of.pointer.clone(), SUPPORTED);
        };
        let is_string = |node: &Node<'_>| node.value.get("type") == Some(&"string".into());
        let known_values = known.get("enum");
        if !is_string(known) || known_values.is_none() || !is_string(other) {
            return self.fail(any_of.pointer.clone(), SUPPORTED);
        }
        self.check_keys(known, OPEN_ENUM_KNOWN_KEYS);
        self.check_keys(other, OPEN_ENUM_OTHER_KEYS);
        known_values
    }
}
