//! Spec text → [`Api`]: reads the OpenAPI subset the generator supports, checks it, and records
//! every problem at its JSON pointer instead of stopping at the first.

use serde_json::{Map, Value};

use crate::error::{Error, Problem};
use crate::model::{
    Api, ExtensibleEnum, Field, FieldType, Method, ObjectSchema, Operation, Outcome, Rule, Schema,
    Sibling, Variant,
};
use crate::names;

/// Where the generated code needs the failure-code enum and the failure type to be.
const FAILURE_CODE_SCHEMA: &str = "FailureCode";
const VALIDATION_FAILURE_SCHEMA: &str = "ValidationFailure";
const SCHEMA_REF_PREFIX: &str = "#/components/schemas/";

const DOCUMENT_KEYS: &[&str] = &[
    "openapi",
    "info",
    "servers",
    "paths",
    "components",
    "security",
    "tags",
    "externalDocs",
];
const INFO_KEYS: &[&str] = &[
    "title",
    "version",
    "description",
    "termsOfService",
    "contact",
    "license",
];
const COMPONENTS_KEYS: &[&str] = &["schemas", "securitySchemes"];
const SECURITY_SCHEME_KEYS: &[&str] = &["type", "scheme", "description"];
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
const ENUM_SCHEMA_KEYS: &[&str] = &[
    "type",
    "title",
    "description",
    "enum",
    "example",
    "x-dynmark-extensible",
];
const STRING_PROPERTY_KEYS: &[&str] = &[
    "type",
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
];
const DATE_TIME_PROPERTY_KEYS: &[&str] = &[
    "type",
    "format",
    "description",
    "example",
    "x-dynmark-after",
];
const BOOLEAN_PROPERTY_KEYS: &[&str] = &["type", "description", "example", "default"];
const ARRAY_PROPERTY_KEYS: &[&str] = &[
    "type",
    "description",
    "example",
    "items",
    "minItems",
    "maxItems",
];
const ARRAY_ITEM_KEYS: &[&str] = &["type", "format", "description"];
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
    "x-dynmark-max-items-per-call",
    "x-dynmark-item-name",
];
const REQUEST_BODY_KEYS: &[&str] = &["description", "required", "content"];
const MEDIA_TYPE_KEYS: &[&str] = &["schema", "examples", "example"];
const BATCH_SCHEMA_KEYS: &[&str] = &["type", "description", "items", "minItems"];
const RESPONSE_KEYS: &[&str] = &["description", "content"];
const RESPONSE_ARRAY_KEYS: &[&str] = &["type", "description", "items"];
const STRING_FORMATS: &str = "date-time, uri";
const PROPERTY_TYPES: &str = "string, boolean, array, object ($ref)";

/// Reads `spec` (OpenAPI 3.0 JSON) into the model.
pub fn parse(spec: &str) -> Result<Api, Error> {
    let document: Value = serde_json::from_str(spec).map_err(Error::NotJson)?;
    let mut reader = Reader::default();
    let api = reader.document(Node::root(&document));
    match api {
        Some(api) if reader.problems.is_empty() => Ok(api),
        _ => Err(Error::Spec {
            problems: reader.problems,
        }),
    }
}

/// A value of the document and its JSON pointer.
#[derive(Clone)]
struct Node<'a> {
    value: &'a Value,
    pointer: String,
}

impl<'a> Node<'a> {
    fn root(value: &'a Value) -> Self {
        Node {
            value,
            pointer: String::new(),
        }
    }

    fn pointer_of(&self, key: &str) -> String {
        format!("{}/{}", self.pointer, escape_pointer(key))
    }

    fn get(&self, key: &str) -> Option<Node<'a>> {
        self.value.get(key).map(|value| Node {
            value,
            pointer: self.pointer_of(key),
        })
    }

    fn index(&self, index: usize) -> Option<Node<'a>> {
        self.value.get(index).map(|value| Node {
            value,
            pointer: format!("{}/{index}", self.pointer),
        })
    }

    /// The members of an object (empty for anything else), in document order.
    fn entries(&self) -> Vec<(&'a str, Node<'a>)> {
        match self.value {
            Value::Object(map) => map
                .iter()
                .map(|(key, value)| {
                    (
                        key.as_str(),
                        Node {
                            value,
                            pointer: self.pointer_of(key),
                        },
                    )
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The items of an array (empty for anything else).
    fn items(&self) -> Vec<Node<'a>> {
        match self.value {
            Value::Array(items) => (0..items.len()).filter_map(|i| self.index(i)).collect(),
            _ => Vec::new(),
        }
    }
}

/// The first sentence of a description (up to the first ". " of its first line).
pub(crate) fn first_sentence(text: &str) -> &str {
    let line = text.lines().next().unwrap_or_default();
    match line.find(". ") {
        Some(end) => &line[..=end],
        None => line,
    }
}

/// What a JSON value is, for messages.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A rule naming a sibling that is resolved once every property of the object is known.
struct PendingSibling {
    field: usize,
    rule: usize,
    pointer: String,
    expected: SiblingKind,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SiblingKind {
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

#[derive(Default)]
struct Reader {
    problems: Vec<Problem>,
}

impl Reader {
    fn fail<T>(&mut self, pointer: impl Into<String>, message: impl Into<String>) -> Option<T> {
        self.problems.push(Problem {
            pointer: pointer.into(),
            message: message.into(),
        });
        None
    }

    /// Records every member of `node` that is not in `supported`. Other vendors' `x-` extensions
    /// are theirs and left alone; an unknown `x-dynmark-` one is ours and refused.
    fn check_keys(&mut self, node: &Node<'_>, supported: &[&str]) {
        for (key, child) in node.entries() {
            if supported.contains(&key) {
                continue;
            }
            if key.starts_with("x-") && !key.starts_with("x-dynmark-") {
                continue;
            }
            let what = if key.starts_with("x-dynmark-") {
                format!("unknown extension `{key}`")
            } else {
                format!("`{key}` is not supported here")
            };
            self.fail::<()>(
                child.pointer,
                format!("{what}; supported: {}", supported.join(", ")),
            );
        }
    }

    fn object<'a>(&mut self, node: &Node<'a>) -> Option<&'a Map<String, Value>> {
        match node.value {
            Value::Object(map) => Some(map),
            other => self.fail(
                node.pointer.clone(),
                format!("expected an object, found {}", kind(other)),
            ),
        }
    }

    fn string<'a>(&mut self, node: &Node<'a>) -> Option<&'a str> {
        match node.value {
            Value::String(text) => Some(text),
            other => self.fail(
                node.pointer.clone(),
                format!("expected a string, found {}", kind(other)),
            ),
        }
    }

    fn required_string<'a>(&mut self, parent: &Node<'a>, key: &str) -> Option<&'a str> {
        match parent.get(key) {
            Some(node) => self.string(&node),
            None => self.fail(parent.pointer_of(key), "is missing; it is required"),
        }
    }

    fn optional_string(&mut self, parent: &Node<'_>, key: &str) -> Option<String> {
        let node = parent.get(key)?;
        self.string(&node).map(str::to_owned)
    }

    fn count(&mut self, node: &Node<'_>) -> Option<u64> {
        match node.value.as_u64() {
            Some(count) => Some(count),
            None => self.fail(
                node.pointer.clone(),
                format!(
                    "expected a non-negative integer, found {}",
                    kind(node.value)
                ),
            ),
        }
    }

    fn must_be_true(&mut self, node: &Node<'_>) -> bool {
        if node.value == &Value::Bool(true) {
            true
        } else {
            self.fail::<()>(
                node.pointer.clone(),
                format!("{} is not supported; supported: true", node.value),
            );
            false
        }
    }

    fn document(&mut self, root: Node<'_>) -> Option<Api> {
        self.object(&root)?;
        self.check_keys(&root, DOCUMENT_KEYS);
        if let Some(version) = self.required_string(&root, "openapi")
            && !version.starts_with("3.0.")
        {
            self.fail::<()>(
                root.pointer_of("openapi"),
                format!("{version:?} is not supported; supported: 3.0.x"),
            );
        }
        let (title, version) = match root.get("info") {
            Some(info) => {
                self.object(&info);
                self.check_keys(&info, INFO_KEYS);
                (
                    self.required_string(&info, "title").map(str::to_owned),
                    self.required_string(&info, "version").map(str::to_owned),
                )
            }
            None => self.fail(root.pointer_of("info"), "is missing; it is required")?,
        };

        let components = root.get("components");
        if let Some(components) = &components {
            self.object(components);
            self.check_keys(components, COMPONENTS_KEYS);
        }
        let security_schemes = self.security_schemes(components.as_ref());
        if let Some(security) = root.get("security") {
            self.security_requirements(&security, &security_schemes);
        }

        let schema_nodes = components
            .as_ref()
            .and_then(|components| components.get("schemas"))
            .map(|schemas| {
                self.object(&schemas);
                schemas.entries()
            })
            .unwrap_or_default();
        let mut schemas = Vec::new();
        for (name, node) in &schema_nodes {
            if let Some(schema) = self.schema(name, node, &schema_nodes) {
                schemas.push(schema);
            }
        }

        self.check_cycles(&schemas);

        let mut operations = Vec::new();
        match root.get("paths") {
            Some(paths) => {
                self.object(&paths);
                for (path, item) in paths.entries() {
                    self.path_item(path, &item, &schemas, &security_schemes, &mut operations);
                }
            }
            None => {
                self.fail::<()>(root.pointer_of("paths"), "is missing; it is required");
            }
        }

        mark_validated(&mut schemas, &operations);
        // The codes are only meaningful once every rule is known to be well formed.
        if self.problems.is_empty() {
            self.check_failure_codes(&schemas);
        }

        Some(Api {
            title: title?,
            version: version?,
            schemas,
            operations,
        })
    }

    fn security_schemes(&mut self, components: Option<&Node<'_>>) -> Vec<String> {
        let Some(schemes) = components.and_then(|components| components.get("securitySchemes"))
        else {
            return Vec::new();
        };
        self.object(&schemes);
        let mut names = Vec::new();
        for (name, scheme) in schemes.entries() {
            if self.object(&scheme).is_none() {
                continue;
            }
            self.check_keys(&scheme, SECURITY_SCHEME_KEYS);
            let kind = self.required_string(&scheme, "type");
            let http_scheme = scheme.get("scheme").and_then(|s| s.value.as_str());
            if kind == Some("http") && http_scheme.is_some_and(|s| s.eq_ignore_ascii_case("basic"))
            {
                names.push(name.to_owned());
            } else if kind.is_some() {
                self.fail::<()>(
                    scheme.pointer.clone(),
                    "this security scheme is not supported; supported: `type: http` with `scheme: basic`",
                );
            }
        }
        names
    }

    fn security_requirements(&mut self, security: &Node<'_>, schemes: &[String]) {
        if !security.value.is_array() {
            self.fail::<()>(
                security.pointer.clone(),
                format!(
                    "expected an array of security requirements, found {}",
                    kind(security.value)
                ),
            );
            return;
        }
        for requirement in security.items() {
            if self.object(&requirement).is_none() {
                continue;
            }
            for (name, node) in requirement.entries() {
                if !schemes.iter().any(|scheme| scheme == name) {
                    self.fail::<()>(
                        node.pointer,
                        format!(
                            "names no scheme of /components/securitySchemes; supported: {}",
                            schemes.join(", ")
                        ),
                    );
                }
            }
        }
    }

    fn schema(&mut self, name: &str, node: &Node<'_>, all: &[(&str, Node<'_>)]) -> Option<Schema> {
        if !names::is_type_name(name) {
            return self.fail(
                node.pointer.clone(),
                format!(
                    "`{name}` is not usable as a Rust type name; supported: PascalCase ASCII names without underscores, other than `Self`"
                ),
            );
        }
        if names::RESERVED_ROOT_NAMES.contains(&name) {
            return self.fail(
                node.pointer.clone(),
                format!(
                    "`{name}` is an item dynmark-api defines by hand at its root, where the generated types are re-exported, so the generated `{name}` would be silently hidden; supported: a name that is not in `dynmark_codegen::RESERVED_ROOT_NAMES`"
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
        let Some(ty) = node.get("type") else {
            return self.fail(
                node.pointer.clone(),
                "a schema without `type` is not supported; supported: `type: object`, or `type: string` with `enum` and `x-dynmark-extensible: true`",
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

    fn extensible_enum(&mut self, name: &str, node: &Node<'_>) -> Option<ExtensibleEnum> {
        self.check_keys(node, ENUM_SCHEMA_KEYS);
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
        let values = node.get("enum")?;
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
                        "{value:?} would clash with the `Other(String)` variant that holds unknown values"
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

    fn object_schema(
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
        })
    }

    fn resolve_sibling(&mut self, fields: &mut [Field], pending: PendingSibling) {
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

    fn aliases(&mut self, node: &Node<'_>, fields: &mut [Field]) {
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

    fn outcome(&mut self, node: &Node<'_>, fields: &[Field]) -> Option<Outcome> {
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

    /// Resolves `$ref` to a component schema's name.
    fn reference(&mut self, node: &Node<'_>, all: &[(&str, Node<'_>)]) -> Option<String> {
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

    fn field(
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

    /// The rules of a plain (not date-time) string property, in emission order.
    fn string_rules(
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

    fn array_item(&mut self, node: &Node<'_>, all: &[(&str, Node<'_>)]) -> Option<FieldType> {
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

    fn path_item(
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

    fn operation(
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
            } else if earlier.iter().any(|op| op.type_name == type_name) {
                self.fail(
                    node.pointer_of("operationId"),
                    format!("{id:?} gives the same type name as an earlier operation (`{type_name}`)"),
                )
            } else {
                Some(type_name)
            }
        });

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
                "an operation without `requestBody` is not supported; supported: batch operations whose body is an array of items",
            ),
        };
        let accepted = match node.get("responses") {
            Some(responses) => self.responses(&responses, schemas),
            None => self.fail(node.pointer_of("responses"), "is missing; it is required"),
        };

        let (item, min_items) = request?;
        let (accepted_status, item_result) = accepted?;
        Some(Operation {
            operation_id: operation_id?.to_owned(),
            type_name: type_name?,
            summary,
            description,
            method,
            path: path.to_owned(),
            accepted_status,
            max_items_per_call: max_items_per_call?,
            item_name: item_name?,
            min_items,
            item,
            item_result,
        })
    }

    /// The one `application/json` media type of a request body or response.
    fn json_media<'a>(&mut self, content: &Node<'a>) -> Option<Node<'a>> {
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

    fn request_body(&mut self, body: &Node<'_>, schemas: &[Schema]) -> Option<(String, u64)> {
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

    /// `{"$ref": ...}` naming an object schema already read.
    fn schema_ref(&mut self, node: &Node<'_>, schemas: &[Schema]) -> Option<String> {
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

    /// `{"type": "array", "items": {"$ref": ...}}`: the item schema's name.
    fn array_of_ref(&mut self, node: &Node<'_>, schemas: &[Schema]) -> Option<String> {
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
    fn responses(&mut self, responses: &Node<'_>, schemas: &[Schema]) -> Option<(u16, String)> {
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

    /// The accepted response's schema: an array of results, or `oneOf` arrays where exactly one
    /// item schema has `x-dynmark-outcome` (the others document other shapes the service sends
    /// with the same status, such as `CredentialsFailure`).
    fn item_result(&mut self, schema: &Node<'_>, schemas: &[Schema]) -> Option<String> {
        self.object(schema)?;
        let has_outcome = |name: &str| {
            matches!(
                schemas.iter().find(|s| s.name() == name),
                Some(Schema::Object(object)) if object.outcome.is_some()
            )
        };
        let Some(alternatives) = schema.get("oneOf") else {
            let name = self.array_of_ref(schema, schemas)?;
            if has_outcome(&name) {
                return Some(name);
            }
            return self.fail(
                schema.pointer_of("items"),
                format!("`{name}` has no `x-dynmark-outcome`; the result of one item needs it"),
            );
        };
        self.check_keys(schema, &["oneOf", "description"]);
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
                    "{} alternatives are arrays of a schema with `x-dynmark-outcome`; supported: `oneOf` arrays of `$ref` where exactly one item schema has `x-dynmark-outcome`",
                    results.len()
                ),
            ),
        }
    }

    fn error_response_content(&mut self, content: &Node<'_>, schemas: &[Schema]) {
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

    /// Refuses every `$ref` cycle that does not pass through an array: a struct that holds
    /// itself (`Node.next: Node`, or `A.b: B` with `B.a: A`), even through `Option`, would have
    /// an infinite size. Each cycle is reported once, at the `$ref` of its first schema (in
    /// document order) that starts it.
    fn check_cycles(&mut self, schemas: &[Schema]) {
        // The schemas each object holds directly (not through an array), by index.
        let edges: Vec<Vec<(usize, &Field)>> = schemas
            .iter()
            .map(|schema| match schema {
                Schema::Object(object) => object
                    .fields
                    .iter()
                    .filter_map(|field| match &field.ty {
                        FieldType::Named(name) => schemas
                            .iter()
                            .position(|s| s.name() == name)
                            .map(|target| (target, field)),
                        _ => None,
                    })
                    .collect(),
                Schema::ExtensibleEnum(_) => Vec::new(),
            })
            .collect();
        let reachable: Vec<Vec<bool>> = (0..schemas.len())
            .map(|start| {
                let mut seen = vec![false; schemas.len()];
                let mut stack = vec![start];
                while let Some(at) = stack.pop() {
                    for &(next, _) in &edges[at] {
                        if !seen[next] {
                            seen[next] = true;
                            stack.push(next);
                        }
                    }
                }
                seen
            })
            .collect();
        let mut reported = vec![false; schemas.len()];
        for start in 0..schemas.len() {
            if reported[start] || !reachable[start][start] {
                continue;
            }
            // The schemas on a cycle with `start` (its strongly connected component).
            let component: Vec<bool> = (0..schemas.len())
                .map(|other| reachable[start][other] && reachable[other][start])
                .collect();
            for (other, &member) in component.iter().enumerate() {
                reported[other] |= member;
            }
            let Some(&(first, field)) = edges[start].iter().find(|(next, _)| component[*next])
            else {
                continue;
            };
            let mut names = vec![schemas[start].name().to_owned()];
            names.extend(
                shortest_path(&edges, &component, first, start)
                    .into_iter()
                    .map(|index| schemas[index].name().to_owned()),
            );
            let pointer = format!(
                "/components/schemas/{}/properties/{}/$ref",
                escape_pointer(schemas[start].name()),
                escape_pointer(&field.json_name)
            );
            self.fail::<()>(
                pointer,
                format!(
                    "the schemas form a cycle without an array in between ({}): the Rust type would hold itself and have no finite size; supported: cycles that pass through an array (`type: array` with `items` a `$ref`)",
                    names.join(" → ")
                ),
            );
        }
    }

    /// Every failure code the rules can produce must be a known value of `FailureCode`.
    fn check_failure_codes(&mut self, schemas: &[Schema]) {
        let mut codes: Vec<String> = Vec::new();
        for schema in schemas {
            if let Schema::Object(object) = schema {
                for field in &object.fields {
                    for rule in &field.rules {
                        for code in rule.failure_codes(&field.json_name) {
                            if !codes.contains(&code) {
                                codes.push(code);
                            }
                        }
                    }
                }
            }
        }
        if codes.is_empty() {
            return;
        }
        let pointer = format!("/components/schemas/{FAILURE_CODE_SCHEMA}");
        match schemas.iter().find(|s| s.name() == FAILURE_CODE_SCHEMA) {
            Some(Schema::ExtensibleEnum(known)) => {
                let missing: Vec<&str> = codes
                    .iter()
                    .filter(|code| known.variants.iter().all(|v| &v.value != *code))
                    .map(String::as_str)
                    .collect();
                if !missing.is_empty() {
                    self.fail::<()>(
                        format!("{pointer}/enum"),
                        format!(
                            "lacks failure codes the validation rules produce: {}; supported: every such code listed",
                            missing.join(", ")
                        ),
                    );
                }
            }
            _ => {
                self.fail::<()>(
                    pointer,
                    format!(
                        "the validation rules produce failure codes ({}) but there is no extensible string enum `{FAILURE_CODE_SCHEMA}` listing them",
                        codes.join(", ")
                    ),
                );
            }
        }
    }
}

/// A JSON pointer reference token (RFC 6901): `~` → `~0`, `/` → `~1`.
fn escape_pointer(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// The schemas from `from` to `to` (both included) along the fewest `edges` within `component`.
fn shortest_path(
    edges: &[Vec<(usize, &Field)>],
    component: &[bool],
    from: usize,
    to: usize,
) -> Vec<usize> {
    let mut previous: Vec<Option<usize>> = vec![None; edges.len()];
    let mut queue = std::collections::VecDeque::from([from]);
    let mut seen = vec![false; edges.len()];
    seen[from] = true;
    while let Some(at) = queue.pop_front() {
        if at == to {
            break;
        }
        for &(next, _) in &edges[at] {
            if component[next] && !seen[next] {
                seen[next] = true;
                previous[next] = Some(at);
                queue.push_back(next);
            }
        }
    }
    let mut path = vec![to];
    let mut at = to;
    while at != from {
        match previous[at] {
            Some(before) => {
                path.push(before);
                at = before;
            }
            None => break,
        }
    }
    path.reverse();
    path
}

/// Decides which object types derive `Validate` and adds `nested` to fields holding one.
fn mark_validated(schemas: &mut [Schema], operations: &[Operation]) {
    let mut validated: Vec<String> = schemas
        .iter()
        .filter_map(|schema| match schema {
            Schema::Object(object)
                if object.fields.iter().any(|f| !f.rules.is_empty())
                    || operations.iter().any(|op| op.item == object.name) =>
            {
                Some(object.name.clone())
            }
            _ => None,
        })
        .collect();
    loop {
        let mut changed = false;
        for schema in schemas.iter_mut() {
            let Schema::Object(object) = schema else {
                continue;
            };
            for field in &mut object.fields {
                let inner = match &field.ty {
                    FieldType::Named(name) => Some(name),
                    FieldType::Array(item) => match item.as_ref() {
                        FieldType::Named(name) => Some(name),
                        _ => None,
                    },
                    _ => None,
                };
                if inner.is_some_and(|name| validated.contains(name))
                    && !field.rules.contains(&Rule::Nested)
                {
                    field.rules.push(Rule::Nested);
                    changed = true;
                }
            }
            if !validated.contains(&object.name)
                && object.fields.iter().any(|f| !f.rules.is_empty())
            {
                validated.push(object.name.clone());
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    for schema in schemas.iter_mut() {
        if let Schema::Object(object) = schema {
            object.validated = validated.contains(&object.name);
        }
    }
}
