//! Spec text → [`Api`]: reads the OpenAPI subset the generator supports, checks it, and records
//! every problem at its JSON pointer instead of stopping at the first.
//!
//! One `Reader` collects the problems; each file reads one concern of the document:
//!
//! - `node`: a JSON value with its pointer; `reader`: the primitives (record a problem, refuse
//!   unknown keys, read a string or a count).
//! - `document`: the document as a whole, in reading order; security schemes.
//! - `convert`: which kind of type a component schema becomes; `$ref`s between schemas.
//! - `structs`: object schemas and their properties; `enums`: extensible string enums;
//!   `rules`: a property's validation keywords as `#[validate(...)]` rules.
//! - `operations`: paths, operations and request bodies; `parameters`: path and query
//!   parameters; `responses`: a batch's responses; `answers`: the responses of any other
//!   operation, as the variants of its answer.
//! - `webhooks`: requests Dynmark sends to you (`callbacks`, `x-dynmark-webhooks`), checked only.
//! - `checks`: passes over all schemas once read (cycles, failure codes, which types validate);
//!   `steps`: which structs get a step builder, and its names.

mod answers;
mod checks;
mod convert;
mod document;
mod enums;
mod node;
mod operations;
mod parameters;
mod reader;
mod responses;
mod rules;
mod secret;
mod steps;
mod structs;
mod webhooks;

use crate::error::{Error, Problem};
use serde_json::Value;

use crate::model::Api;
use node::Node;

/// Where the generated code needs the failure-code enum and the failure type to be.
const FAILURE_CODE_SCHEMA: &str = "FailureCode";
const VALIDATION_FAILURE_SCHEMA: &str = "ValidationFailure";
const SCHEMA_REF_PREFIX: &str = "#/components/schemas/";

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

/// The first sentence of a description (up to the first ". " of its first line).
pub(crate) fn first_sentence(text: &str) -> &str {
    let line = text.lines().next().unwrap_or_default();
    match line.find(". ") {
        Some(end) => &line[..=end],
        None => line,
    }
}

#[derive(Default)]
struct Reader {
    problems: Vec<Problem>,
    /// Callbacks and webhooks, as they are read (`webhooks.rs`).
    requests_to_you: Vec<crate::model::RequestToYou>,
}
