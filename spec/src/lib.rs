//! The Dynmark REST API, described once as an OpenAPI 3.0.3 document.
//!
//! This crate only carries the document, so that it travels with the published crates:
//! `dynmark-api`'s build script hands [`OPENAPI_JSON`] to `dynmark-codegen`, and every
//! generated type, validator and call descriptor comes from it. Editing
//! `spec/dynmark.openapi.json` rebuilds everything downstream.

/// The OpenAPI 3.0.3 document, as JSON text.
pub const OPENAPI_JSON: &str = include_str!("../dynmark.openapi.json");

/// Where the document lives in the source tree, relative to the workspace root.
pub const PATH_IN_WORKSPACE: &str = "spec/dynmark.openapi.json";
