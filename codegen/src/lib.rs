//! Turns the Dynmark OpenAPI document into Rust: one type per schema and one call descriptor per
//! operation, the code `dynmark-api` includes from its build script.
//!
//! The generator is a pure library: spec text in, code out, no I/O. It works in three stages, one
//! module each:
//!
//! 1. [`parse`] reads the JSON (serde_json, member order preserved), checks it against the subset
//!    described below and builds the [`model`]. Every problem is recorded with the JSON pointer of
//!    the offending value and what is supported instead, and all are reported together.
//! 2. [`model`] is the checked description: schemas, fields, validation rules, operations.
//! 3. [`emit`] turns the model into tokens; [`generate`] formats them with prettyplease.
//!
//! The same spec always gives the same bytes.
//!
//! # What is generated
//!
//! The schemas' types go in `pub mod types`, each re-exported by name beside it (`pub use
//! types::{Message, ...}`, never a glob: in `dynmark-api`, whose root includes the code, a
//! schema named like a hand-written root item such as `Client` is a compile error, not a type
//! silently hidden). Every type can grow without breaking its users' code:
//!
//! - For an object schema: a `#[non_exhaustive]` struct named as the schema (build it as below,
//!   then the `with_` setters), deriving `Debug, Clone, PartialEq,
//!   serde::Serialize, serde::Deserialize`, with snake_case fields renamed to their JSON names,
//!   optional properties as `Option<T>` skipped when `None`, `format: date-time` as
//!   `chrono::DateTime<chrono::Utc>`, arrays as `Vec<T>`, `additionalProperties: false` as
//!   `#[serde(deny_unknown_fields)]`, a `new` taking the required fields (strings and open enums
//!   as `impl Into<_>`) and a `with_<field>` setter per optional field. When the schema has a
//!   validation rule, holds a type that has one, or is an operation's item, it also derives the
//!   runtime's `Validate` with `#[validate(...)]` attributes (DEVELOPERS.md, Contract 2).
//!
//!   How it is built depends on its required fields. With none: `Default` and `new()`; with
//!   one: `new(field)`. With two or more, a step builder in the fields' spec order, each step
//!   named after its field so that values of one type cannot be swapped unnoticed:
//!   `Message::to("447700900000").from("ACME").body("Hi Ann")`. The struct's function named
//!   after its first required field starts it; each step type (`types::steps::MessageNeedsFrom`,
//!   `MessageNeedsBody`: `#[must_use]`, `Clone`, `Debug` with secrets redacted) holds the
//!   fields given so far and has one method, named after the next field; the last returns the
//!   struct. A required field added to the spec is one more step: code that leaves it out stops
//!   compiling. `new` by position is kept, `#[deprecated]` with a note naming the chain. A step
//!   that would clash with an item the struct or step type already has (`new`, a `with_`
//!   setter, a trait's function such as `clone` or `validate`) or two step types of one name are
//!   refused; a keyword is a raw step (`Tag::r#type(..)`).
//! - For a string schema with `enum` and `x-dynmark-extensible: true`, or the open form standard
//!   generators read as open (`anyOf` a string `enum` and a plain `type: string`, with
//!   `x-dynmark-extensible: true`): a `#[non_exhaustive]` enum of the known values plus
//!   `Other(UnknownValue)` (the runtime's opaque holder of a value this version does not list,
//!   read with `as_str`), with `as_str`, `is_known`, `Display`, `From<&str>`,
//!   `From<String>`, and `Serialize`/`Deserialize` as its string.
//! - For the same open form of `type: integer` (`format` `int32` or `int64`), its known values'
//!   variants named by `x-enum-varnames` beside the `enum` (openapi-generator's extension, so
//!   other tools give them the same names): a `#[non_exhaustive]` `Copy` enum of the known
//!   values plus `Other(UnknownNumber)` (the runtime's opaque holder of an `i64`), with
//!   `as_i64`, `is_known`, `Display`, `From<i64>`, and `Serialize`/`Deserialize` as its number.
//! - For each operation, in `pub mod operations`, named as the PascalCase of its `operationId`:
//!   - a batch operation (one with `x-dynmark-max-items-per-call`): a unit struct implementing
//!     the runtime's `operation::BatchOperation`;
//!   - any other: a `#[non_exhaustive]` struct holding its parameters (typed fields, the spec's
//!     rules as `#[validate(...)]`) and its body (the field `body`, `nested(flatten)`: failures name its members as the service
//!     does, `code`, not `body.code`), built as an
//!     object schema's struct is (`new` for one required part, steps in `operations::steps`
//!     for more: `ValidateVerification::request_id(..).body(..)`) with `with_` setters for
//!     optional query parameters; an enum
//!     `<Name>Answer` with one variant per documented status (the body's type, `String` for
//!     text, nothing for no content), a `401` left to the runtime's common failures; and the
//!     runtime's `operation::Operation` impl (path template, parameters, body, reading the
//!     answer by status).
//!
//!   These and the `ItemOutcome` impls are generated only for code included in the runtime
//!   itself (runtime path `crate`, see [`Options::runtime_path`]).
//!
//! # The supported OpenAPI subset
//!
//! OpenAPI `3.0.x`. Component schemas of `type: object` (with `properties`, `required`,
//! `additionalProperties: true|false`) or extensible string enums. Properties of `type: string`
//! (plain, `format: date-time` or `format: uri`), `boolean`, `array` (of a `$ref`, strings,
//! date-times or booleans), `integer` (`i64`) or a `$ref` alone to a component schema.
//! Operations under `paths` (`get`, `post`, `put`, `patch`, `delete`) of two kinds:
//!
//! - batch operations (with the batch keywords): no parameters, a required `application/json`
//!   body that is an array of `$ref` items, exactly one 2xx response holding an array of results
//!   (or `anyOf`/`oneOf` such arrays, exactly one of whose item schemas has `x-dynmark-outcome`: the
//!   others document other shapes sent with the same status); other responses are
//!   `application/json` (a `$ref` or an array of one) or `text/plain` strings;
//! - any other operation: `path` and `query` parameters with an inline schema of type string,
//!   integer or boolean (every `{name}` of the path a required path parameter); an optional
//!   required `application/json` body, a `$ref` to an object schema or an array of them; and
//!   responses by status code (at least one 2xx), each with no content, one `application/json`
//!   `$ref` (or array of one) or a `text/plain` string.
//!
//! Security schemes are HTTP Basic.
//!
//! Anything else is refused with an [`Error`] naming the JSON pointer, for example
//! `/components/schemas/Message/properties/to/type: "number" is not supported; supported:
//! string, boolean, integer, array, object ($ref)`. That includes `allOf`/`anyOf`/`oneOf` (outside the
//! accepted response and the open enum), `nullable: true` on a required property, inline objects, unknown formats, unanchored patterns and unknown
//! `x-dynmark-*` extensions. Other vendors' `x-*` extensions are left alone. Also refused: a
//! `$ref` cycle that does not pass through an array (the type would hold itself) and enum values
//! that give no Rust variant name (non-ASCII, `Self`).
//!
//! Descriptions become doc comments; their code blocks become ```` ```text ```` blocks (an
//! unlabelled or Rust fence, an indented block), so that they are never run as doctests.
//!
//! # Validation keywords and the `#[validate(...)]` rules they become
//!
//! | keyword | where | rule | failure codes |
//! |---|---|---|---|
//! | `x-dynmark-not-blank: true` | string | `required` | `{P}Empty` |
//! | `minLength` / `maxLength` | string | `length(min = N, max = M)` | `{P}TooShort`, `{P}TooLong` |
//! | `pattern` (anchored `^...$`) | string | `pattern = "..."` | `{P}Invalid` |
//! | `format: uri` | string | `url` | `{P}Invalid` |
//! | `x-dynmark-phone-number: {"localWhenSet": "<sibling>"}` | string | `phone(country = sibling)` | `{P}Invalid`, `{P}LocalWithoutCountry` |
//! | `x-dynmark-originator: true` | string | `originator` | `{P}Invalid` |
//! | `x-dynmark-country: "iso-3166-1-alpha-3"` | string | `country` | `{P}Invalid` |
//! | `x-dynmark-gsm7: true` or `{"when": "<boolean sibling>"}` | string | `gsm7` / `gsm7(when = sibling)` | `{P}ContainsUnicode` |
//! | `x-dynmark-after: "<date-time sibling>"` (our policy: the page does not state it) | date-time | `after = sibling` | `{P}NotAfter{Q}` |
//! | `enum` | string property | `one_of("a", "b")` | `{P}Invalid` |
//! | `minItems` / `maxItems` | array | `items(min = N, max = M)` | `{P}TooFew`, `{P}TooMany` |
//! | (a field holding a validated type) | `$ref`, array of `$ref` | `nested` | the inner ones |
//!
//! `{P}` is [`failure_code_prefix`] of the property's JSON name (the PascalCase of its words, a
//! word in capitals capitalised as a word: `clientRef` → `ClientRef`, `URL` → `Url`), exactly
//! as the `Validate` derive spells it; `{Q}` is the sibling's. Siblings are named
//! by JSON name in the spec and must exist with the type shown. Every code the rules can produce
//! must be listed in the extensible enum `FailureCode`, or generation fails.
//!
//! # The other Dynmark extensions
//!
//! - `x-dynmark-extensible: true` (string schema with `enum`, or `anyOf` a string `enum` and
//!   `type: string`): the enum is open; unknown values are kept in `Other(UnknownValue)`. Or
//!   `anyOf` an integer `enum` (with `x-enum-varnames`) and `type: integer`: unknown numbers are
//!   kept in `Other(UnknownNumber)`.
//! - `nullable: true` (standard, on an optional property): `null` reads as absent, which the
//!   field's `Option` already does; it is never written.
//! - `x-dynmark-aliases: {"<property>": ["<other JSON name>", ...]}` (object schema): extra JSON
//!   names the property is read from (`#[serde(alias = ...)]`); it is always written under its own.
//! - `x-dynmark-outcome: {"accepted": "<required boolean>", "failures": "<array of
//!   ValidationFailure>"}` (object schema): implements the runtime's `operation::ItemOutcome`.
//! - `x-dynmark-max-items-per-call: N` (operation, at least 1; with `x-dynmark-item-name`, it
//!   makes the operation a batch): `MAX_ITEMS_PER_CALL`.
//! - `x-dynmark-item-name: "<name>"` (operation, with the previous one): `ITEM_NAME`, how failure paths name
//!   an item (`message[3].from`).
//! - `x-dynmark-variant: "<PascalCase name>"` (a response of an operation without the batch
//!   keywords): the name of the answer's variant for that status (`Created`, `NotFound`,
//!   `Invalid`); without it the status's reason phrase is used (200 `Ok`, 201 `Created`, 204
//!   `NoContent`, 400 `BadRequest`, 404 `NotFound`, ...), and a status without one is refused.
//! - `x-dynmark-secret: true` (string property): the value holds a secret (a `deliveryStatusUrl`
//!   ending with a receipt token); the struct's `Debug` is written out instead of derived and
//!   shows `<redacted>` for it.
//! - `x-dynmark-webhooks: {"<name>": <Path Item>}` (document): what Dynmark sends to you outside
//!   any call of yours (the inbound message), as OpenAPI 3.1's `webhooks`.
//! - `x-dynmark-date-time-formats: ["yyyy-MM-dd'T'HH:mm:ss.SSS", ...]` (string query parameter of
//!   a callback or webhook, non-empty array of Java `SimpleDateFormat` patterns): the value is a
//!   UTC date-time in one of these forms.
//!
//! # Requests Dynmark sends to you
//!
//! An operation's standard `callbacks` (the delivery receipt sent to a message's
//! `deliveryStatusUrl`) and the document's `x-dynmark-webhooks`: path items with only a `get`
//! (`operationId`, `summary`, `description`, `parameters`, `responses`), whose parameters are
//! all `in: query` with a schema of `type: string` (`minLength`, `maxLength`,
//! `x-dynmark-date-time-formats`) or `type: integer` (`format: int64`), each name once. Inside
//! the runtime, each becomes a parameter table in `pub mod requests_to_you`
//! (`DELIVERY_RECEIPT: &[receipts::QueryParameter]`, from the `operationId`): name, required,
//! non-empty (`minLength` ≥ 1, integers, date-times), kind (text, integer, or date-time with
//! the Java patterns as `chrono` ones). `dynmark_api::receipts` reads query strings with them;
//! the typed `DeliveryReceipt` and `InboundMessage` around them are written by hand (their
//! field names are not the wire's run-together ones: `status_id`, not `statusid`).
//!
//! # Example
//!
//! ```
//! let spec = r#"{
//!   "openapi": "3.0.3",
//!   "info": {"title": "Example", "version": "1"},
//!   "paths": {},
//!   "components": {"schemas": {"Note": {
//!     "type": "object",
//!     "required": ["text"],
//!     "properties": {"text": {"type": "string", "maxLength": 10}}
//!   }}}
//! }"#;
//! let error = dynmark_codegen::generate(spec, &dynmark_codegen::Options::default()).unwrap_err();
//! // The rule produces `TextTooLong`, which no `FailureCode` enum lists.
//! assert!(error.to_string().starts_with("/components/schemas/FailureCode: "));
//! ```

pub mod emit;
mod error;
pub mod model;
mod names;
pub mod parse;

pub use error::{Error, Problem};
pub use model::Api;
pub use names::failure_code_prefix;

/// How the generated code is produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The path of the `dynmark_api` runtime as seen from the generated code: `crate` when the
    /// code is included in `dynmark-api` itself, `::dynmark_api` (the default) anywhere else.
    ///
    /// Only with `crate` are the runtime's `ItemOutcome` impls and the `operations` module
    /// generated: elsewhere the generated `ValidationFailure` is not the runtime's, so they
    /// could not compile (see [`emit::emit`]).
    pub runtime_path: String,
}

impl Options {
    /// The options for code included in `dynmark-api` itself (runtime path `crate`).
    pub fn inside_dynmark_api() -> Self {
        Options {
            runtime_path: "crate".to_owned(),
        }
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            runtime_path: "::dynmark_api".to_owned(),
        }
    }
}

/// The first line of every generated file.
pub const GENERATED_HEADER: &str = "// @generated by dynmark-codegen from the Dynmark OpenAPI document. Do not edit: change the spec.";

/// The generated code for `spec` (OpenAPI 3.0 JSON text) as tokens.
pub fn generate_tokens(spec: &str, options: &Options) -> Result<proc_macro2::TokenStream, Error> {
    let runtime = runtime_path(options)?;
    let api = parse::parse(spec)?;
    Ok(emit::emit(&api, &runtime))
}

/// The generated code for `spec` (OpenAPI 3.0 JSON text), formatted, starting with
/// [`GENERATED_HEADER`].
pub fn generate(spec: &str, options: &Options) -> Result<String, Error> {
    let tokens = generate_tokens(spec, options)?;
    format(tokens)
}

/// Formats generated tokens as a file. They come from `quote!` over checked identifiers and
/// literals, so they always form a file; should that ever break, the error says it is the
/// generator's bug rather than writing broken code or blaming the spec.
fn format(tokens: proc_macro2::TokenStream) -> Result<String, Error> {
    let file: syn::File = syn::parse2(tokens).map_err(|error| Error::GeneratorBug {
        message: error.to_string(),
    })?;
    Ok(format!(
        "{GENERATED_HEADER}\n\n{}",
        prettyplease::unparse(&file)
    ))
}

fn runtime_path(options: &Options) -> Result<syn::Path, Error> {
    syn::parse_str::<syn::Path>(&options.runtime_path).map_err(|_| Error::RuntimePath {
        path: options.runtime_path.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_that_are_not_a_file_are_a_generator_bug_not_a_spec_problem() {
        let error = format(quote::quote! { pub struct }).unwrap_err();
        assert!(matches!(error, Error::GeneratorBug { .. }), "{error:?}");
        assert!(
            error.to_string().starts_with("a bug in dynmark-codegen: "),
            "{error}"
        );
    }
}
