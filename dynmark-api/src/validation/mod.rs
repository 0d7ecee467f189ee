//! Local validation: the same answer the service would give, before anything is sent.
//!
//! [`Validate`] is usually derived (`#[derive(dynmark_api::Validate)]`); the generated
//! [`Message`](crate::Message) derives it from the constraints in the spec. A failed validation
//! returns a [`Report`] holding every failure, each a [`ValidationFailure`] shaped like the ones
//! the service returns (`property`, `failureCode`, `details`).

use std::fmt;

use crate::{FailureCode, ValidationFailure};

pub mod rules;

#[doc(hidden)]
#[path = "derive_support.rs"]
pub mod __derive;

/// A type whose values can be checked against rules before they are sent.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be validated: it does not implement `Validate`",
    label = "`{Self}` does not implement `Validate`",
    note = "derive it with `#[derive(dynmark_api::Validate)]` on `{Self}`, or drop the rule that validates inside this field (`nested`)"
)]
pub trait Validate {
    /// Checks every rule, pushing one failure per broken rule into `report`; `path` names where
    /// `self` stands (the root, a field, a list item). Never stops at the first failure.
    fn validate_at(&self, path: &Path<'_>, report: &mut Report);

    /// Checks every rule; `Err` holds every failure found. Allocates nothing when valid.
    fn validate(&self) -> Result<(), Report> {
        let mut report = Report::new();
        self.validate_at(&Path::ROOT, &mut report);
        report.into_result()
    }
}

impl<T: Validate + ?Sized> Validate for &T {
    fn validate_at(&self, path: &Path<'_>, report: &mut Report) {
        (**self).validate_at(path, report);
    }
}

impl<T: Validate + ?Sized> Validate for Box<T> {
    fn validate_at(&self, path: &Path<'_>, report: &mut Report) {
        (**self).validate_at(path, report);
    }
}

impl<T: Validate> Validate for Option<T> {
    fn validate_at(&self, path: &Path<'_>, report: &mut Report) {
        if let Some(value) = self {
            value.validate_at(path, report);
        }
    }
}

impl<T: Validate> Validate for [T] {
    fn validate_at(&self, path: &Path<'_>, report: &mut Report) {
        for (index, item) in self.iter().enumerate() {
            item.validate_at(&path.index(index), report);
        }
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate_at(&self, path: &Path<'_>, report: &mut Report) {
        self.as_slice().validate_at(path, report);
    }
}

/// Where a value stands, from the root: `message[3].from`.
///
/// A path is a chain of borrowed segments on the stack; it becomes a `String` only when a failure
/// is reported, so validating a valid value allocates nothing.
#[derive(Debug, Clone, Copy)]
pub struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    segment: Segment<'a>,
}

#[derive(Debug, Clone, Copy)]
enum Segment<'a> {
    Root,
    Field(&'a str),
    Index(usize),
}

impl<'a> Path<'a> {
    /// The root: the value being validated itself.
    pub const ROOT: Path<'static> = Path {
        parent: None,
        segment: Segment::Root,
    };

    /// The path of a field of the value at `self` (`name` is the field's JSON name).
    pub fn field(&'a self, name: &'a str) -> Path<'a> {
        Path {
            parent: Some(self),
            segment: Segment::Field(name),
        }
    }

    /// The path of item `index` of the list at `self`.
    pub fn index(&'a self, index: usize) -> Path<'a> {
        Path {
            parent: Some(self),
            segment: Segment::Index(index),
        }
    }

    /// `true` for the root path.
    pub fn is_root(&self) -> bool {
        matches!(self.segment, Segment::Root)
    }

    /// The path in the service's style: `message[3].from`; the root is the empty string.
    pub fn render(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(parent) = self.parent {
            fmt::Display::fmt(parent, f)?;
        }
        match self.segment {
            Segment::Root => Ok(()),
            Segment::Field(name) => {
                let after_root = self.parent.is_none_or(Path::is_root);
                if after_root {
                    f.write_str(name)
                } else {
                    write!(f, ".{name}")
                }
            }
            Segment::Index(index) => write!(f, "[{index}]"),
        }
    }
}

/// Every failure found by one validation, in the order found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    failures: Vec<ValidationFailure>,
}

impl Report {
    /// An empty report (allocates nothing).
    pub const fn new() -> Self {
        Report {
            failures: Vec::new(),
        }
    }

    /// Records that the value at `path` broke a rule: `code` is the failure code in the service's
    /// style (`ClientRefTooLong`), `details` a sentence for a human.
    pub fn fail(&mut self, path: &Path<'_>, code: FailureCode, details: impl Into<String>) {
        let property = if path.is_root() {
            None
        } else {
            Some(path.render())
        };
        self.failures.push(ValidationFailure {
            property,
            failure_code: code,
            details: details.into(),
        });
    }

    /// Records a failure built elsewhere.
    pub fn push(&mut self, failure: ValidationFailure) {
        self.failures.push(failure);
    }

    /// `true` when nothing failed.
    pub fn is_empty(&self) -> bool {
        self.failures.is_empty()
    }

    /// How many failures were found.
    pub fn len(&self) -> usize {
        self.failures.len()
    }

    /// The failures, in the order found.
    pub fn failures(&self) -> &[ValidationFailure] {
        &self.failures
    }

    /// The failures, owned.
    pub fn into_failures(self) -> Vec<ValidationFailure> {
        self.failures
    }

    /// `Ok(())` when empty, else `Err(self)`.
    pub fn into_result(self) -> Result<(), Report> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} validation failure(s)", self.failures.len())?;
        for failure in &self.failures {
            let property = failure.property.as_deref().unwrap_or("(payload)");
            write!(
                f,
                "\n  {property}: {} ({})",
                failure.details, failure.failure_code
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for Report {}

impl IntoIterator for Report {
    type Item = ValidationFailure;
    type IntoIter = std::vec::IntoIter<ValidationFailure>;
    fn into_iter(self) -> Self::IntoIter {
        self.failures.into_iter()
    }
}
