//! The value of an open set (failure codes, statuses) that this version does not know.

use std::fmt;

/// A value of an extensible enum that the spec this version was built from does not list, kept
/// exactly as received (`FailureCode::Other`, `HandsetStatus::Other`, ...).
///
/// It is opaque on purpose: read it with [`as_str`](Self::as_str) (or the enum's own `as_str`),
/// never match on its text. A later version may know the value as a variant of its own, and a
/// `match` on `Other` with that text would then silently stop matching. To compare with a value
/// by name, convert the name: `FailureCode::from("Throttled") == code`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct UnknownValue(String);

impl UnknownValue {
    /// Keeps `value`. The generated enums call this for values they do not list; to make an
    /// enum value from text, use the enum's `From<&str>`, which picks a known variant first.
    #[doc(hidden)]
    pub fn new(value: String) -> Self {
        UnknownValue(value)
    }

    /// The value, as received.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A number of an open integer set (`NumberStatus::Other`) that the spec this version was built
/// from does not list, kept exactly as received.
///
/// Opaque for the same reason as [`UnknownValue`]: read it with [`as_i64`](Self::as_i64) (or the
/// enum's own `as_i64`), never match on it; to compare with a number, convert the number:
/// `NumberStatus::from(7) == status`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct UnknownNumber(i64);

impl UnknownNumber {
    /// Keeps `value`. The generated enums call this for values they do not list; to make an
    /// enum value from a number, use the enum's `From<i64>`, which picks a known variant first.
    #[doc(hidden)]
    pub fn new(value: i64) -> Self {
        UnknownNumber(value)
    }

    /// The value, as received.
    pub fn as_i64(&self) -> i64 {
        self.0
    }
}

impl fmt::Debug for UnknownNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for UnknownNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}
