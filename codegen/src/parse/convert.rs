//! Which kind of Rust type a component schema becomes, and references between schemas.

use super::node::Node;
use super::{Reader, SCHEMA_REF_PREFIX};
use crate::model::Schema;
use crate::names;

impl Reader {
    pub(super) fn schema(
        &mut self,
        name: &str,
        node: &Node<'_>,
        all: &[(&str, Node<'_>)],
    ) -> Option<Schema> {
        if !names::is_type_name(name) {
            return self.fail(
                node.pointer.clone(),
                format!(
                    "`{name}` is not usable as a Rust type name; supported: PascalCase ASCII names without underscores, other than `Self`"
                ),
            );
        }
        self.object(node)?;
        if node.get("$ref").is_some() {
            return self.fail(
                node.pointer_of("$ref"),
                "a schema that only refers to another is not supported; supported: `type: object`, or `type: string` with `enum`",
            );
        }
        if node.get("type").is_none() && node.get("anyOf").is_some() {
            return self.extensible_enum(name, node).map(Schema::ExtensibleEnum);
        }
        let Some(ty) = node.get("type") else {
            return self.fail(
                node.pointer.clone(),
                "a schema without `type` is not supported; supported: `type: object`, `type: string` with `enum` and `x-dynmark-extensible: true`, or an open enum (`anyOf` a string `enum` and `type: string`, with `x-dynmark-extensible: true`)",
            );
        };
        match ty.value.as_str() {
            Some("object") => self.object_schema(name, node, all).map(Schema::Object),
            Some("string") if node.get("enum").is_some() => self
                .extensible_enum(name, node)
                .map(Schema::ExtensibleEnum),
            _ => self.fail(
                ty.pointer,
                format!(
                    "{} is not supported for a component schema; supported: \"object\", or \"string\" with `enum` and `x-dynmark-extensible: true`",
                    ty.value
                ),
            ),
        }
    }

    /// Resolves `$ref` to a component schema's name.
    pub(super) fn reference(
        &mut self,
        node: &Node<'_>,
        all: &[(&str, Node<'_>)],
    ) -> Option<String> {
        let target = self.string(node)?;
        match target.strip_prefix(SCHEMA_REF_PREFIX) {
            Some(name) if all.iter().any(|(known, _)| *known == name) => Some(name.to_owned()),
            _ => self.fail(
                node.pointer.clone(),
                format!(
                    "{target:?} names no schema of this document; supported: `{SCHEMA_REF_PREFIX}<Name>` of an existing schema"
                ),
            ),
        }
    }

    /// `{"$ref": ...}` naming an object schema already read.
    pub(super) fn schema_ref(&mut self, node: &Node<'_>, schemas: &[Schema]) -> Option<String> {
        self.object(node)?;
        let target = node
            .get("$ref")
            .and_then(|r| r.value.as_str().map(|s| (s, r)));
        let name = target.and_then(|(target, _)| target.strip_prefix(SCHEMA_REF_PREFIX));
        match name.map(|name| (name, schemas.iter().find(|s| s.name() == name))) {
            Some((name, Some(Schema::Object(_)))) if node.entries().len() == 1 => {
                Some(name.to_owned())
            }
            _ => self.fail(
                node.pointer.clone(),
                format!(
                    "expected `{{\"$ref\": \"{SCHEMA_REF_PREFIX}<Name>\"}}` naming an object schema of this document"
                ),
            ),
        }
    }
}
