//! The responses of a general operation, each a variant of its answer enum: the status, the
//! variant's name, and what the body holds (a JSON type, text, or nothing).

use super::Reader;
use super::node::Node;
use crate::model::{Content, FieldType, Response, Schema};
use crate::names;

const ANSWER_RESPONSE_KEYS: &[&str] = &["description", "content", "x-dynmark-variant"];
const ANSWER_MEDIA_KEYS: &[&str] = &["schema", "examples", "example"];

/// The variant names given to statuses without `x-dynmark-variant`: their reason phrases
/// (RFC 9110), in the user's words.
const REASONS: &[(u16, &str)] = &[
    (200, "Ok"),
    (201, "Created"),
    (202, "Accepted"),
    (204, "NoContent"),
    (400, "BadRequest"),
    (403, "Forbidden"),
    (404, "NotFound"),
    (409, "Conflict"),
    (410, "Gone"),
    (422, "UnprocessableContent"),
    (429, "TooManyRequests"),
];

/// The status whose answer every operation shares: the runtime's `CallError::Unauthorized`.
const UNAUTHORIZED: u16 = 401;

impl Reader {
    /// Every documented response of a general operation but a `401`, which is the runtime's
    /// common failure (`CallError::Unauthorized`): at least one 2xx.
    pub(super) fn call_responses(
        &mut self,
        responses: &Node<'_>,
        schemas: &[Schema],
    ) -> Option<Vec<Response>> {
        self.object(responses)?;
        let mut answers: Vec<Response> = Vec::new();
        let mut complete = true;
        for (status_text, node) in responses.entries() {
            let status = match status_text.parse::<u16>() {
                Ok(status) if (200..600).contains(&status) => status,
                _ => {
                    self.fail::<()>(
                        node.pointer.clone(),
                        format!(
                            "{status_text:?} is not supported; supported: an HTTP status code from 200 to 599 (an undocumented status is the runtime's `CallError::Status`)"
                        ),
                    );
                    complete = false;
                    continue;
                }
            };
            if self.object(&node).is_none() {
                complete = false;
                continue;
            }
            self.check_keys(&node, ANSWER_RESPONSE_KEYS);
            let description = self
                .required_string(&node, "description")
                .map(str::to_owned);
            let content = match node.get("content") {
                Some(content) => self.answer_content(&content, schemas),
                None => Some(Content::None),
            };
            if status == UNAUTHORIZED {
                if let Some(variant) = node.get("x-dynmark-variant") {
                    self.fail::<()>(
                        variant.pointer,
                        "a 401 is every operation's refusal of the credentials (`CallError::Unauthorized`), not a variant of the answer; supported: no `x-dynmark-variant` here",
                    );
                }
                continue;
            }
            let variant = self.variant_name(status, &node);
            let (Some(content), Some(variant)) = (content, variant) else {
                complete = false;
                continue;
            };
            if let Some(earlier) = answers.iter().find(|a| a.variant == variant) {
                self.fail::<()>(
                    node.pointer.clone(),
                    format!(
                        "its answer variant `{variant}` is already the one of status {}; supported: `x-dynmark-variant` with another name",
                        earlier.status
                    ),
                );
                complete = false;
                continue;
            }
            answers.push(Response {
                status,
                variant,
                description,
                content,
            });
        }
        if complete && !answers.iter().any(|a| (200..300).contains(&a.status)) {
            return self.fail(
                responses.pointer.clone(),
                "no 2xx response; supported: at least one, each a variant of the operation's answer",
            );
        }
        complete.then_some(answers)
    }

    /// `x-dynmark-variant`, else the status's reason phrase.
    fn variant_name(&mut self, status: u16, response: &Node<'_>) -> Option<String> {
        match response.get("x-dynmark-variant") {
            Some(node) => {
                let name = self.string(&node)?;
                if names::is_type_name(name) {
                    Some(name.to_owned())
                } else {
                    self.fail(
                        node.pointer,
                        format!(
                            "{name:?} is not usable as a Rust variant name; supported: PascalCase ASCII names without underscores, other than `Self`"
                        ),
                    )
                }
            }
            None => match REASONS.iter().find(|(known, _)| *known == status) {
                Some((_, reason)) => Some((*reason).to_owned()),
                None => self.fail(
                    response.pointer.clone(),
                    format!(
                        "status {status} has no standard variant name here; supported: `x-dynmark-variant` naming the answer's variant (`NotFound`, `Invalid`, ...)"
                    ),
                ),
            },
        }
    }

    /// One media type: `application/json` (a `$ref` to an object schema, or an array of them)
    /// or `text/plain` (a string).
    fn answer_content(&mut self, content: &Node<'_>, schemas: &[Schema]) -> Option<Content> {
        self.object(content)?;
        let entries = content.entries();
        let [(media_type, media)] = entries.as_slice() else {
            return self.fail(
                content.pointer.clone(),
                format!(
                    "{} media types are not supported; supported: exactly one, application/json or text/plain",
                    entries.len()
                ),
            );
        };
        self.object(media)?;
        self.check_keys(media, ANSWER_MEDIA_KEYS);
        let schema = media
            .get("schema")
            .or_else(|| self.fail(media.pointer_of("schema"), "is missing; it is required"))?;
        match *media_type {
            "application/json" => {
                if schema.get("$ref").is_some() {
                    self.schema_ref(&schema, schemas)
                        .map(|name| Content::Json(FieldType::Named(name)))
                } else {
                    self.array_of_ref(&schema, schemas).map(|name| {
                        Content::Json(FieldType::Array(Box::new(FieldType::Named(name))))
                    })
                }
            }
            "text/plain" => {
                if schema.value == &serde_json::json!({"type": "string"}) {
                    Some(Content::Text)
                } else {
                    self.fail(
                        schema.pointer,
                        "supported for text/plain: `{\"type\": \"string\"}`",
                    )
                }
            }
            other => self.fail(
                media.pointer.clone(),
                format!(
                    "the media type {other:?} is not supported; supported: application/json, text/plain"
                ),
            ),
        }
    }
}
