//! What the spec says, as plain data: the output of [`parse`](crate::parse) and the only input
//! of emission. Everything here has been checked: names are valid Rust identifiers, references
//! point at existing schemas, siblings named by rules exist and have the right type.

use serde_json::Value;

/// The part of an OpenAPI document the generator turns into code.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `components/schemas`, in the document's order.
    pub schemas: Vec<Schema>,
    /// One per operation under `paths`, in the document's order.
    pub operations: Vec<Operation>,
    /// What Dynmark sends to you: each operation's `callbacks`, then `x-dynmark-webhooks`.
    pub requests_to_you: Vec<RequestToYou>,
}

/// A `get` Dynmark sends to you (a callback or a webhook), described by its query parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestToYou {
    /// `operationId` (`deliveryReceipt`).
    pub operation_id: String,
    /// Its query parameters, in the document's order.
    pub parameters: Vec<QueryParameter>,
}

/// One query parameter of a [`RequestToYou`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryParameter {
    /// `name`, as Dynmark spells it (`statusid`).
    pub name: String,
    /// `required`.
    pub required: bool,
    /// `minLength` of at least 1 (a string), or any integer or date-time: an empty value is wrong.
    pub non_empty: bool,
    /// What the value is.
    pub kind: QueryKind,
}

/// The kind of a [`QueryParameter`]'s value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryKind {
    /// `type: string`.
    Text,
    /// `type: integer` (`format: int64`).
    Integer,
    /// `type: string` with `x-dynmark-date-time-formats`: the forms as `chrono` patterns.
    DateTime(Vec<String>),
}

impl Api {
    /// The schema named `name`, if any.
    pub fn schema(&self, name: &str) -> Option<&Schema> {
        self.schemas.iter().find(|schema| schema.name() == name)
    }
}

/// One schema of `components/schemas`: a Rust type.
#[derive(Debug, Clone, PartialEq)]
pub enum Schema {
    /// `type: object`: a struct.
    Object(ObjectSchema),
    /// `type: string` with `enum` and `x-dynmark-extensible: true`: an enum of the known values
    /// plus `Other(UnknownValue)`.
    ExtensibleEnum(ExtensibleEnum),
}

impl Schema {
    /// The schema's (and the Rust type's) name.
    pub fn name(&self) -> &str {
        match self {
            Schema::Object(object) => &object.name,
            Schema::ExtensibleEnum(enumeration) => &enumeration.name,
        }
    }

    /// The schema's `description`.
    pub fn description(&self) -> Option<&str> {
        match self {
            Schema::Object(object) => object.description.as_deref(),
            Schema::ExtensibleEnum(enumeration) => enumeration.description.as_deref(),
        }
    }
}

/// An object schema.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectSchema {
    /// The schema's name, a `PascalCase` identifier.
    pub name: String,
    /// `description`.
    pub description: Option<String>,
    /// `properties`, in the document's order.
    pub fields: Vec<Field>,
    /// `additionalProperties: false`.
    pub deny_unknown_fields: bool,
    /// Whether the type derives `Validate`: it has a rule, holds a type that has one, or is the
    /// item of a batch operation or the body of another.
    pub validated: bool,
    /// `x-dynmark-outcome`: the type is the service's answer for one batch item.
    pub outcome: Option<Outcome>,
    /// With two or more required fields: the step builder that names each of them where it is
    /// written (`Message::to(..).from(..).body(..)`).
    pub steps: Option<Steps>,
}

/// The step builder of a struct with two or more required fields, in the fields' spec order:
/// the struct's associated function named after the first required field starts it, each step
/// type has one method named after the next field, and the last returns the struct itself.
/// A required field added to the spec later is one more step, so code that leaves it out stops
/// compiling instead of sending a value without it.
///
/// With one required field the struct keeps `new(field)`; with none, `Default` and `new()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Steps {
    /// The types between the steps, one per required field after the first, in order:
    /// `waiting[i]` holds the first `i + 1` required fields and waits for the next
    /// (`MessageNeedsFrom`, `MessageNeedsBody`). They live in the module `steps` beside the
    /// struct (`types::steps`, `operations::steps`).
    pub waiting: Vec<String>,
}

/// One property of an object schema: a struct field.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The property's JSON name (`countryIsoCode`).
    pub json_name: String,
    /// The Rust field name (`country_iso_code`), without any `r#`.
    pub rust_name: String,
    /// Whether the Rust name is a keyword, written `r#name`.
    pub raw: bool,
    /// `description` (for a `$ref`, the referenced schema's).
    pub description: Option<String>,
    /// The value's type.
    pub ty: FieldType,
    /// Listed in the object's `required`.
    pub required: bool,
    /// `default`: the value the service assumes when the property is absent.
    pub default: Option<Value>,
    /// Other JSON names the property is read from (`x-dynmark-aliases`).
    pub aliases: Vec<String>,
    /// The local validation rules, in the order they are emitted.
    pub rules: Vec<Rule>,
    /// `x-dynmark-secret: true`: the value holds a secret, never shown by `Debug`.
    pub secret: bool,
}

/// The type of a field's value (before `Option` for optional fields).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldType {
    /// `type: string`.
    String,
    /// `type: boolean`.
    Boolean,
    /// `type: integer`: `i64`.
    Integer,
    /// `type: string, format: date-time`: `chrono::DateTime<chrono::Utc>`.
    DateTime,
    /// `$ref: '#/components/schemas/<name>'`.
    Named(String),
    /// `type: array`: `Vec<T>`.
    Array(Box<FieldType>),
}

/// A sibling field named by a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sibling {
    /// Its JSON name (`deliverAfter`), which failure codes use.
    pub json_name: String,
    /// Its Rust name (`deliver_after`), which `#[validate(...)]` uses, without any `r#`.
    pub rust_name: String,
    /// Whether the Rust name is a keyword, written `r#name` (as the field itself is).
    pub raw: bool,
}

/// One local validation rule, as written in `#[validate(...)]` (DEVELOPERS.md, Contract 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// `x-dynmark-not-blank: true` → `required`.
    Required,
    /// `minLength` / `maxLength` → `length(min = N, max = M)`.
    Length {
        /// `minLength`.
        min: Option<u64>,
        /// `maxLength`.
        max: Option<u64>,
    },
    /// `pattern` → `pattern = "..."`.
    Pattern(String),
    /// `format: uri` → `url`.
    Url,
    /// `x-dynmark-phone-number` → `phone(country = sibling)`.
    Phone {
        /// The sibling whose presence allows a local number.
        country: Sibling,
    },
    /// `x-dynmark-originator: true` → `originator`.
    Originator,
    /// `x-dynmark-country: "iso-3166-1-alpha-3"` → `country`.
    Country,
    /// `x-dynmark-gsm7` → `gsm7` or `gsm7(when = sibling)`.
    Gsm7 {
        /// The boolean sibling that switches the rule on; `None` means always.
        when: Option<Sibling>,
    },
    /// `x-dynmark-after` → `after = sibling`.
    After(Sibling),
    /// `enum` on a property → `one_of("a", "b")`.
    OneOf(Vec<String>),
    /// `minItems` / `maxItems` → `items(min = N, max = M)`.
    Items {
        /// `minItems`.
        min: Option<u64>,
        /// `maxItems`.
        max: Option<u64>,
    },
    /// The field holds a type that validates itself → `nested`.
    Nested,
    /// The field holds a type that validates itself, whose failures are reported at the
    /// struct's own path → `nested(flatten)`: an operation's request body, whose members the
    /// service names as they are (`code`, not `body.code`).
    NestedFlatten,
}

impl Rule {
    /// The failure codes the rule can report for a field whose JSON name is `json_name`
    /// (`{P}` in Contract 2 is [`failure_code_prefix`](crate::failure_code_prefix) of the JSON
    /// name, as the `Validate` derive spells it).
    pub fn failure_codes(&self, json_name: &str) -> Vec<String> {
        let p = crate::names::failure_code_prefix(json_name);
        match self {
            Rule::Required => vec![format!("{p}Empty")],
            Rule::Length { min, max } | Rule::Items { min, max } => {
                let (short, long) = if matches!(self, Rule::Length { .. }) {
                    ("TooShort", "TooLong")
                } else {
                    ("TooFew", "TooMany")
                };
                let mut codes = Vec::new();
                if min.is_some() {
                    codes.push(format!("{p}{short}"));
                }
                if max.is_some() {
                    codes.push(format!("{p}{long}"));
                }
                codes
            }
            Rule::Pattern(_) | Rule::Url | Rule::Originator | Rule::Country | Rule::OneOf(_) => {
                vec![format!("{p}Invalid")]
            }
            Rule::Phone { .. } => vec![format!("{p}Invalid"), format!("{p}LocalWithoutCountry")],
            Rule::Gsm7 { .. } => vec![format!("{p}ContainsUnicode")],
            Rule::After(sibling) => vec![format!(
                "{p}NotAfter{}",
                crate::names::failure_code_prefix(&sibling.json_name)
            )],
            Rule::Nested | Rule::NestedFlatten => Vec::new(),
        }
    }
}

/// `x-dynmark-outcome` of an object schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The Rust name of the required boolean field saying the item was taken, without any `r#`.
    pub accepted: String,
    /// Whether that name is a keyword, written `r#name`.
    pub accepted_raw: bool,
    /// The Rust name of the field holding the failures (`Vec<ValidationFailure>`), without any
    /// `r#`.
    pub failures: String,
    /// Whether that name is a keyword, written `r#name`.
    pub failures_raw: bool,
    /// Whether that field is required (`Vec`) rather than optional (`Option<Vec>`).
    pub failures_required: bool,
}

/// An enum open to values unknown today: strings, or integers.
#[derive(Debug, Clone, PartialEq)]
pub struct ExtensibleEnum {
    /// The schema's name.
    pub name: String,
    /// `description`.
    pub description: Option<String>,
    /// What the values are on the wire.
    pub values: EnumValues,
    /// The known values, in the document's order.
    pub variants: Vec<Variant>,
}

/// What an [`ExtensibleEnum`]'s values are on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnumValues {
    /// Strings (`FailureCode`): an unknown one is kept as the runtime's `UnknownValue`.
    Strings,
    /// Integers (`NumberStatus`), the variants named by `x-enum-varnames`: an unknown one is
    /// kept as the runtime's `UnknownNumber`.
    Integers,
}

/// One known value of an [`ExtensibleEnum`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// The value on the wire (`FromEmpty`; for integers, in decimal: `2`).
    pub value: String,
    /// The Rust variant name (`FromEmpty`; for integers, from `x-enum-varnames`: `On`).
    pub ident: String,
    /// For integers, the value.
    pub number: Option<i64>,
}

/// The HTTP method of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `get`
    Get,
    /// `post`
    Post,
    /// `put`
    Put,
    /// `patch`
    Patch,
    /// `delete`
    Delete,
}

/// One operation under `paths`: a call a client can make.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// `operationId` (`sendMessages`).
    pub operation_id: String,
    /// The type name of its descriptor (`SendMessages`).
    pub type_name: String,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// The method.
    pub method: Method,
    /// The path below the server URL, parameters written `{name}`.
    pub path: String,
    /// What the call carries and how it is answered.
    pub shape: Shape,
}

impl Operation {
    /// The batch description, for a batch operation.
    pub fn batch(&self) -> Option<&Batch> {
        match &self.shape {
            Shape::Batch(batch) => Some(batch),
            Shape::Call(_) => None,
        }
    }
}

/// The two kinds of operation the generator emits.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// A body that is an array of items, answered with one result per item
    /// (`x-dynmark-max-items-per-call`): the runtime's `BatchOperation`.
    Batch(Batch),
    /// Any other call: parameters, an optional body, one answer per documented status: the
    /// runtime's `Operation`.
    Call(Call),
}

/// An operation whose body is an array of items, answered with one result per item.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    /// The 2xx response's status.
    pub accepted_status: u16,
    /// `x-dynmark-max-items-per-call`.
    pub max_items_per_call: u64,
    /// `x-dynmark-item-name`.
    pub item_name: String,
    /// The request body's `minItems` (0 when absent).
    pub min_items: u64,
    /// The schema of one request item.
    pub item: String,
    /// The schema of one result in the accepted response.
    pub item_result: String,
}

/// A general operation: what the caller gives (parameters, body) and what the service answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// `parameters`, in the document's order: fields of the operation's struct.
    pub parameters: Vec<Parameter>,
    /// The JSON request body, if the operation has one: the struct's `body` field, a `Named`
    /// object schema or an `Array` of one (which derives `Validate`: the field is `nested`).
    pub body: Option<FieldType>,
    /// Every documented response but the common failures (a `401`), in the document's order.
    pub responses: Vec<Response>,
    /// With two or more required parts (parameters, then the body): the step builder
    /// (`ValidateVerification::request_id(..).body(..)`).
    pub steps: Option<Steps>,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParameterLocation {
    /// `in: path`: replaces `{name}` in the path, percent-encoded.
    Path,
    /// `in: query`: `?name=value`, form-encoded.
    Query,
}

/// One parameter of an operation: a field of its struct.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// Where it goes.
    pub location: ParameterLocation,
    /// The field: `json_name` is the parameter's name, `ty` a string, boolean or integer type,
    /// `rules` from its schema's keywords.
    pub field: Field,
}

/// One documented response: a variant of the operation's answer enum.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The variant's name (`Created`, `NotFound`, `Invalid`).
    pub variant: String,
    /// `description`.
    pub description: Option<String>,
    /// What its body holds.
    pub content: Content,
}

/// The body of a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// No `content`: a body, if any, is ignored.
    None,
    /// `application/json`: a `$ref` (`Named`) or an array of one (`Array(Named)`).
    Json(FieldType),
    /// `text/plain`: the body as a string.
    Text,
}
