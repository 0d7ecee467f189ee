//! Paths and their operations: method, identity, and what a call carries: a batch of items
//! (the batch keywords) or parameters and a JSON body.

use serde_json::Value;

use super::Reader;
use super::node::Node;
use crate::model::{Batch, Call, FieldType, Method, Operation, Schema, Shape};
use crate::names;

const PATH_ITEM_KEYS: &[&str] = &[
    "summary",
    "description",
    "get",
    "post",
    "put",
    "patch",
    "delete",
];
const OPERATION_KEYS: &[&str] = &[
    "operationId",
    "summary",
    "description",
    "tags",
    "security",
    "requestBody",
    "responses",
    "deprecated",
    "externalDocs",
    "callbacks",
    "x-dynmark-max-items-per-call",
    "x-dynmark-item-name",
    "parameters",
];
const REQUEST_BODY_KEYS: &[&str] = &["description", "required", "content"];
pub(super) const MEDIA_TYPE_KEYS: &[&str] = &["schema", "examples", "example"];
const BATCH_SCHEMA_KEYS: &[&str] = &["type", "description", "items", "minItems"];

impl Reader {
    pub(super) fn path_item(
        &mut self,
        path: &str,
        item: &Node<'_>,
        schemas: &[Schema],
        security_schemes: &[String],
        operations: &mut Vec<Operation>,
    ) {
        if !path.starts_with('/') {
            self.fail::<()>(item.pointer.clone(), "a path must start with `/`");
            return;
        }
        if self.object(item).is_none() {
            return;
        }
        self.check_keys(item, PATH_ITEM_KEYS);
        for (key, method) in [
            ("get", Method::Get),
            ("post", Method::Post),
            ("put", Method::Put),
            ("patch", Method::Patch),
            ("delete", Method::Delete),
        ] {
            let Some(node) = item.get(key) else {
                continue;
            };
            if let Some(operation) =
                self.operation(path, method, &node, schemas, security_schemes, operations)
            {
                operations.push(operation);
            }
        }
    }

    pub(super) fn operation(
        &mut self,
        path: &str,
        method: Method,
        node: &Node<'_>,
        schemas: &[Schema],
        security_schemes: &[String],
        earlier: &[Operation],
    ) -> Option<Operation> {
        self.object(node)?;
        self.check_keys(node, OPERATION_KEYS);
        if let Some(callbacks) = node.get("callbacks") {
            self.callbacks(&callbacks);
        }
        if let Some(security) = node.get("security") {
            self.security_requirements(&security, security_schemes);
        }
        let summary = self.optional_string(node, "summary");
        let description = self.optional_string(node, "description");
        let operation_id = self.required_string(node, "operationId");
        let type_name = operation_id.and_then(|id| {
            let type_name = names::pascal_case(id);
            if !names::is_type_name(&type_name) {
                self.fail(
                    node.pointer_of("operationId"),
                    format!(
                        "{id:?} gives no usable Rust type name (`{type_name}`); supported: camelCase ASCII identifiers such as `sendMessages`"
                    ),
                )
            } else if let Some(clash) = earlier.iter().find(|op| {
                op.type_name == type_name
                    || format!("{}Answer", op.type_name) == type_name
                    || op.type_name == format!("{type_name}Answer")
            }) {
                self.fail(
                    node.pointer_of("operationId"),
                    format!(
                        "{id:?} gives the type name `{type_name}`, which clashes with the earlier operation `{}` (or its answer enum `{}Answer`)",
                        clash.operation_id, clash.type_name
                    ),
                )
            } else {
                Some(type_name)
            }
        });

        let batch_keywords = ["x-dynmark-max-items-per-call", "x-dynmark-item-name"];
        let shape = if batch_keywords.iter().any(|key| node.get(key).is_some()) {
            self.batch(node, schemas).map(Shape::Batch)
        } else {
            self.call(path, node, schemas).map(Shape::Call)
        };
        Some(Operation {
            operation_id: operation_id?.to_owned(),
            type_name: type_name?,
            summary,
            description,
            method,
            path: path.to_owned(),
            shape: shape?,
        })
    }

    /// A batch operation (it has a batch keyword): no parameters, an array of items in, one
    /// result per item out.
    fn batch(&mut self, node: &Node<'_>, schemas: &[Schema]) -> Option<Batch> {
        if let Some(parameters) = node.get("parameters") {
            self.fail::<()>(
                parameters.pointer,
                "a batch operation (one with `x-dynmark-max-items-per-call`) takes no parameters; supported: parameters on operations without the batch keywords",
            );
        }
        let max_items_per_call = match node.get("x-dynmark-max-items-per-call") {
            Some(limit) => match self.count(&limit) {
                Some(0) => self.fail(limit.pointer, "must be at least 1"),
                other => other,
            },
            None => self.fail(
                node.pointer.clone(),
                "a batch operation needs `x-dynmark-max-items-per-call` (the most items one call carries)",
            ),
        };
        let item_name = match node.get("x-dynmark-item-name") {
            Some(name) => match self.string(&name) {
                Some("") => self.fail(name.pointer, "must not be empty"),
                other => other.map(str::to_owned),
            },
            None => self.fail(
                node.pointer.clone(),
                "a batch operation needs `x-dynmark-item-name` (how failure paths name one item, e.g. `message`)",
            ),
        };

        let request = match node.get("requestBody") {
            Some(body) => self.request_body(&body, schemas),
            None => self.fail(
                node.pointer.clone(),
                "a batch operation without `requestBody` is not supported; supported: a body that is an array of items",
            ),
        };
        let accepted = match node.get("responses") {
            Some(responses) => self.responses(&responses, schemas),
            None => self.fail(node.pointer_of("responses"), "is missing; it is required"),
        };

        let (item, min_items) = request?;
        let (accepted_status, item_result) = accepted?;
        Some(Batch {
            accepted_status,
            max_items_per_call: max_items_per_call?,
            item_name: item_name?,
            min_items,
            item,
            item_result,
        })
    }

    /// Any other operation: parameters, an optional JSON body, one answer per documented status.
    fn call(&mut self, path: &str, node: &Node<'_>, schemas: &[Schema]) -> Option<Call> {
        let parameters = self.parameters(path, node);
        let body = match node.get("requestBody") {
            Some(body) => self.call_body(&body, schemas),
            None => Some(None),
        };
        if let (Some(parameters), Some(Some(_))) = (&parameters, &body)
            && let Some(clash) = parameters.iter().find(|p| p.field.rust_name == "body")
        {
            self.fail::<()>(
                node.pointer_of("parameters"),
                format!(
                    "the parameter {:?} becomes the field `body`, which holds the request body; supported: any other name",
                    clash.field.json_name
                ),
            );
        }
        let responses = match node.get("responses") {
            Some(responses) => self.call_responses(&responses, schemas),
            None => self.fail(node.pointer_of("responses"), "is missing; it is required"),
        };
        Some(Call {
            parameters: parameters?,
            body: body?,
            responses: responses?,
            steps: None,
        })
    }

    /// The schema of a request body, which must be required and `application/json` (either kind
    /// of operation).
    fn body_schema<'a>(&mut self, body: &Node<'a>) -> Option<Node<'a>> {
        self.object(body)?;
        self.check_keys(body, REQUEST_BODY_KEYS);
        if body.get("required").map(|r| r.value) != Some(&Value::Bool(true)) {
            self.fail::<()>(
                body.pointer_of("required"),
                "an optional request body is not supported; supported: `required: true`",
            );
        }
        let content = body
            .get("content")
            .or_else(|| self.fail(body.pointer_of("content"), "is missing; it is required"))?;
        let media = self.json_media(&content)?;
        let schema = media
            .get("schema")
            .or_else(|| self.fail(media.pointer_of("schema"), "is missing; it is required"))?;
        self.object(&schema)?;
        Some(schema)
    }

    /// The body of a general operation: a `$ref` to an object schema, or an array of them.
    fn call_body(&mut self, body: &Node<'_>, schemas: &[Schema]) -> Option<Option<FieldType>> {
        let schema = self.body_schema(body)?;
        if schema.get("$ref").is_some() {
            return self
                .schema_ref(&schema, schemas)
                .map(|name| Some(FieldType::Named(name)));
        }
        self.check_keys(&schema, BATCH_SCHEMA_KEYS);
        if schema.get("type").map(|t| t.value.as_str()) != Some(Some("array")) {
            return self.fail(
                schema.pointer.clone(),
                "this request body is not supported; supported: a `$ref` to an object schema, or `type: array` with `items` such a `$ref`",
            );
        }
        if let Some(min) = schema.get("minItems") {
            self.fail::<()>(
                min.pointer,
                "`minItems` on the body of an operation without the batch keywords is not supported; supported: `x-dynmark-max-items-per-call` and `x-dynmark-item-name` make it a batch",
            );
        }
        let items = schema
            .get("items")
            .or_else(|| self.fail(schema.pointer_of("items"), "is missing; it is required"))?;
        let item = self.schema_ref(&items, schemas)?;
        Some(Some(FieldType::Array(Box::new(FieldType::Named(item)))))
    }

    /// The one `application/json` media type of a request body or response.
    pub(super) fn json_media<'a>(&mut self, content: &Node<'a>) -> Option<Node<'a>> {
        self.object(content)?;
        let mut json = None;
        for (media_type, media) in content.entries() {
            if media_type == "application/json" {
                json = Some(media);
            } else {
                self.fail::<()>(
                    media.pointer,
                    format!("the media type {media_type:?} is not supported here; supported: application/json"),
                );
            }
        }
        let media = match json {
            Some(media) => media,
            None => return self.fail(content.pointer.clone(), "expected `application/json`"),
        };
        self.object(&media)?;
        self.check_keys(&media, MEDIA_TYPE_KEYS);
        Some(media)
    }

    pub(super) fn request_body(
        &mut self,
        body: &Node<'_>,
        schemas: &[Schema],
    ) -> Option<(String, u64)> {
        let schema = self.body_schema(body)?;
        self.check_keys(&schema, BATCH_SCHEMA_KEYS);
        if schema.get("type").map(|t| t.value.as_str()) != Some(Some("array")) {
            return self.fail(
                schema.pointer.clone(),
                "a request body that is not an array is not supported; supported: `type: array` with `items` a `$ref` to an object schema",
            );
        }
        let min_items = match schema.get("minItems") {
            Some(min) => self.count(&min)?,
            None => 0,
        };
        let items = schema
            .get("items")
            .or_else(|| self.fail(schema.pointer_of("items"), "is missing; it is required"))?;
        let item = self.schema_ref(&items, schemas)?;
        Some((item, min_items))
    }
}
