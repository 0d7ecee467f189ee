//! Why a spec could not be turned into code.

use std::fmt;

/// Everything that can stop generation.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The text is not JSON at all.
    #[error("the spec is not valid JSON: {0}")]
    NotJson(#[source] serde_json::Error),
    /// The runtime path option does not parse as a Rust path.
    #[error(
        "the runtime path {path:?} is not a Rust path (expected e.g. `crate` or `::dynmark_api`)"
    )]
    RuntimePath {
        /// What was given.
        path: String,
    },
    /// The generator produced tokens that are not a Rust file: a bug in `dynmark-codegen`, not a
    /// problem of the spec. Please report it with the spec that triggered it.
    #[error(
        "a bug in dynmark-codegen: the generated code does not parse ({message}); please report it with the spec that triggered it"
    )]
    GeneratorBug {
        /// What the Rust parser said.
        message: String,
    },
    /// The spec uses something the generator does not support, or is inconsistent; every problem
    /// found is listed, each at its JSON pointer.
    #[error("{}", Problems(problems))]
    Spec {
        /// The problems, in the order the document was read.
        problems: Vec<Problem>,
    },
}

/// One problem in the spec, at the JSON pointer (RFC 6901) of the offending value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{pointer}: {message}")]
pub struct Problem {
    /// Where: `/components/schemas/Message/properties/to/type`.
    pub pointer: String,
    /// What is wrong, and what is supported instead.
    pub message: String,
}

struct Problems<'a>(&'a [Problem]);

impl fmt::Display for Problems<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            [single] => write!(f, "{single}"),
            problems => {
                write!(f, "the spec has {} problems:", problems.len())?;
                for problem in problems {
                    write!(f, "\n  {problem}")?;
                }
                Ok(())
            }
        }
    }
}
