//! Shared fixtures for the workspace's snapshot, compile-fail and end-to-end tests.

pub mod alloc;

use dynmark_api::validation::Validate;

/// The failure codes validating `value` reports, in order (empty when it is valid).
pub fn failure_codes(value: &(impl Validate + ?Sized)) -> Vec<String> {
    match value.validate() {
        Ok(()) => Vec::new(),
        Err(report) => report
            .failures()
            .iter()
            .map(|failure| failure.failure_code.to_string())
            .collect(),
    }
}

/// The README's Rust examples, compiled as doc-tests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
