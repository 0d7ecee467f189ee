//! The account a client sends as: a username and a password, sent with HTTP Basic
//! authentication.
//!
//! The password and the `Authorization` header built from it never appear in `Debug` or
//! `Display` output, in errors, or in quotes of the service's answers (a
//! [`Redactor`](crate::redact::Redactor) built from them redacts those).

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// A Dynmark username and password.
///
/// `Debug` shows the username and hides the password:
///
/// ```
/// let credentials = dynmark_api::Credentials::new("alice", "s3cret-pa55");
/// let shown = format!("{credentials:?}");
/// assert!(shown.contains("alice"));
/// assert!(!shown.contains("s3cret-pa55"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    username: String,
    password: Secret,
    authorization: Secret,
}

impl Credentials {
    /// Credentials for HTTP Basic authentication.
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> Self {
        let username = username.into();
        let password = password.into();
        let encoded = STANDARD.encode(format!("{username}:{password}"));
        Credentials {
            username,
            password: Secret(password),
            authorization: Secret(format!("Basic {encoded}")),
        }
    }

    /// The username.
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The password. Handle with care: this is the one way to read it.
    pub fn password(&self) -> &str {
        &self.password.0
    }

    /// The value of the `Authorization` header (`Basic <base64 of username:password>`).
    pub(crate) fn authorization(&self) -> &str {
        &self.authorization.0
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &self.password)
            .finish()
    }
}

use crate::redact::REDACTED;

/// A string that never shows itself in `Debug`.
#[derive(Clone, PartialEq, Eq)]
struct Secret(String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_the_basic_authorization_value() {
        // The page's own example: `Basic c3RnZHlubGl2ZXNjOlBhc3N3MHJkIQ==`.
        let credentials = Credentials::new("stgdynlivesc", "Passw0rd!");
        assert_eq!(
            credentials.authorization(),
            "Basic c3RnZHlubGl2ZXNjOlBhc3N3MHJkIQ=="
        );
        assert_eq!(credentials.username(), "stgdynlivesc");
        assert_eq!(credentials.password(), "Passw0rd!");
    }

    #[test]
    fn debug_hides_the_password_and_the_header() {
        let credentials = Credentials::new("stgdynlivesc", "Passw0rd!");
        let shown = format!("{credentials:?} {credentials:#?}");
        assert!(shown.contains("stgdynlivesc"));
        assert!(!shown.contains("Passw0rd!"));
        assert!(!shown.contains("c3RnZHlubGl2ZXNjOlBhc3N3MHJkIQ=="));
        assert!(shown.contains(REDACTED));
    }
}
