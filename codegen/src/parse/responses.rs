//! The responses of an operation: the accepted one and the documented failures.

use super::Reader;
use super::node::{Node, kind};
use super::operations::MEDIA_TYPE_KEYS;
use crate::model::Schema;

const RESPONSE_KEYS: &[&str] = &["description", "content"];
const RESPONSE_ARRAY_KEYS: &[&str] = &["type", "description", "items"];

impl Reader {
    /// `{"type": "array", "items": {"$ref": ...}}`: the item schema's name.
    pub(super) fn array_of_ref(&mut self, node: &Node<'_>, schemas: &[Schema]) -> Option<String> {
        self.object(node)?;
        self.check_keys(node, RESPONSE_ARRAY_KEYS);
        if node.get("type").map(|t| t.value.as_str()) != Some(Some("array")) {
            return self.fail(
                node.pointer.clone(),
                "expected `type: array` with `items` a `$ref` to an object schema",
            );
        }
        let items = node
            .get("items")
            .or_else(|| self.fail(node.pointer_of("items"), "is missing; it is required"))?;
        self.schema_ref(&items, schemas)
    }

    /// Checks every response; returns the 2xx status and the schema of one item result.
    pub(super) fn responses(
        &mut self,
        responses: &Node<'_>,
        schemas: &[Schema],
    ) -> Option<(u16, String)> {
        self.object(responses)?;
        let mut accepted: Vec<(u16, Option<String>, String)> = Vec::new();
        for (status_text, response) in responses.entries() {
            let status = match status_text.parse::<u16>() {
                Ok(status) if (100..600).contains(&status) => Some(status),
                _ if status_text == "default" => None,
                _ => {
                    self.fail::<()>(
                        response.pointer,
                        format!("{status_text:?} is not supported; supported: an HTTP status code (100 to 599) or `default`"),
                    );
                    continue;
                }
            };
            if self.object(&response).is_none() {
                continue;
            }
            self.check_keys(&response, RESPONSE_KEYS);
            self.required_string(&response, "description");
            let content = response.get("content");
            match status {
                Some(status @ 200..=299) => {
                    let item_result = match content {
                        Some(content) => self.json_media(&content).and_then(|media| {
                            let schema = media.get("schema").or_else(|| {
                                self.fail(media.pointer_of("schema"), "is missing; it is required")
                            })?;
                            self.item_result(&schema, schemas)
                        }),
                        None => self.fail(
                            response.pointer.clone(),
                            "a success response without content is not supported; supported: an `application/json` array of one result per item",
                        ),
                    };
                    accepted.push((status, item_result, response.pointer.clone()));
                }
                _ => {
                    if let Some(content) = content {
                        self.error_response_content(&content, schemas);
                    }
                }
            }
        }
        match accepted.as_slice() {
            // A missing result has been reported where it was found.
            [(status, item_result, _)] => item_result.clone().map(|result| (*status, result)),
            [] => self.fail(
                responses.pointer.clone(),
                "no 2xx response; supported: exactly one, the answer to an accepted batch",
            ),
            [_, (_, _, second), ..] => self.fail(
                second.clone(),
                "a second 2xx response is not supported; supported: exactly one",
            ),
        }
    }

    /// The accepted response's schema: an array of results, or `anyOf` (or `oneOf`) arrays where
    /// exactly one item schema has `x-dynmark-outcome` (the others document other shapes the
    /// service sends with the same status, such as `CredentialsFailure`; `anyOf` says that an
    /// empty array matches both).
    pub(super) fn item_result(&mut self, schema: &Node<'_>, schemas: &[Schema]) -> Option<String> {
        self.object(schema)?;
        let has_outcome = |name: &str| {
            matches!(
                schemas.iter().find(|s| s.name() == name),
                Some(Schema::Object(object)) if object.outcome.is_some()
            )
        };
        let keyword = if schema.get("anyOf").is_some() {
            "anyOf"
        } else {
            "oneOf"
        };
        let Some(alternatives) = schema.get(keyword) else {
            let name = self.array_of_ref(schema, schemas)?;
            if has_outcome(&name) {
                return Some(name);
            }
            return self.fail(
                schema.pointer_of("items"),
                format!("`{name}` has no `x-dynmark-outcome`; the result of one item needs it"),
            );
        };
        self.check_keys(schema, &[keyword, "description"]);
        if !alternatives.value.is_array() {
            return self.fail(
                alternatives.pointer.clone(),
                format!("expected an array, found {}", kind(alternatives.value)),
            );
        }
        let mut results = Vec::new();
        for alternative in alternatives.items() {
            if let Some(name) = self.array_of_ref(&alternative, schemas)
                && has_outcome(&name)
            {
                results.push(name);
            }
        }
        match results.as_slice() {
            [name] => Some(name.clone()),
            _ => self.fail(
                alternatives.pointer,
                format!(
                    "{} alternatives are arrays of a schema with `x-dynmark-outcome`; supported: `{keyword}` arrays of `$ref` where exactly one item schema has `x-dynmark-outcome`",
                    results.len()
                ),
            ),
        }
    }

    pub(super) fn error_response_content(&mut self, content: &Node<'_>, schemas: &[Schema]) {
        if self.object(content).is_none() {
            return;
        }
        for (media_type, media) in content.entries() {
            if self.object(&media).is_none() {
                continue;
            }
            self.check_keys(&media, MEDIA_TYPE_KEYS);
            let Some(schema) = media.get("schema") else {
                self.fail::<()>(media.pointer_of("schema"), "is missing; it is required");
                continue;
            };
            match media_type {
                "application/json" => {
                    if schema.get("$ref").is_some() {
                        self.schema_ref(&schema, schemas);
                    } else {
                        self.array_of_ref(&schema, schemas);
                    }
                }
                "text/plain" => {
                    if schema.value != &serde_json::json!({"type": "string"}) {
                        self.fail::<()>(
                            schema.pointer,
                            "supported for text/plain: `{\"type\": \"string\"}`",
                        );
                    }
                }
                other => {
                    self.fail::<()>(
                        media.pointer,
                        format!("the media type {other:?} is not supported; supported: application/json, text/plain"),
                    );
                }
            }
        }
    }
}
