//! The account a client sends as: a username and a password, sent with HTTP Basic
//! authentication.
//!
//! The password and the `Authorization` header built from it never appear in `Debug` or
//! `Display` output, in errors, or in error excerpts of the service's answers.

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

    /// The length in bytes of the longest secret [`redact`](Self::redact) looks for.
    pub(crate) fn longest_secret(&self) -> usize {
        self.authorization.0.len().max(self.password.0.len())
    }

    /// Replaces every occurrence of the password, and of the encoded `Authorization` value, in
    /// `text` with `<redacted>` (a service that echoes a request must not leak it into errors).
    pub(crate) fn redact(&self, text: &str) -> String {
        let mut text = text.to_owned();
        let encoded = self
            .authorization
            .0
            .strip_prefix("Basic ")
            .unwrap_or(&self.authorization.0);
        for secret in [encoded, self.password.0.as_str()] {
            if !secret.is_empty() && text.contains(secret) {
                text = text.replace(secret, REDACTED);
            }
        }
        text
    }

    /// Removes from the end of `text` the longest part that is the beginning of a secret (the
    /// password or the encoded `Authorization` value): what is left where a text that may hold a
    /// secret was cut must not show the secret's first characters. `true` when something was
    /// removed.
    pub(crate) fn trim_partial_secret(&self, text: &mut String) -> bool {
        let encoded = self
            .authorization
            .0
            .strip_prefix("Basic ")
            .unwrap_or(&self.authorization.0);
        let longest = [encoded, self.password.0.as_str()]
            .into_iter()
            .filter_map(|secret| {
                // The longest proper prefix of `secret` that ends `text` (a whole secret was
                // already redacted).
                (1..secret.len())
                    .rev()
                    .filter(|&len| secret.is_char_boundary(len))
                    .find(|&len| text.ends_with(&secret[..len]))
            })
            .max();
        match longest {
            Some(len) => {
                text.truncate(text.len() - len);
                true
            }
            None => false,
        }
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

pub(crate) const REDACTED: &str = "<redacted>";

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

    #[test]
    fn trims_the_beginning_of_a_secret_from_the_end_of_a_cut_text() {
        let credentials = Credentials::new("stgdynlivesc", "Passw0rd!");
        let mut text = "echo: Pass".to_owned();
        assert!(credentials.trim_partial_secret(&mut text));
        assert_eq!(text, "echo: ");
        let mut text = "Authorization: Basic c3RnZHlu".to_owned();
        assert!(credentials.trim_partial_secret(&mut text));
        assert_eq!(text, "Authorization: Basic ");
        let mut text = "nothing secret".to_owned();
        assert!(!credentials.trim_partial_secret(&mut text));
        assert_eq!(text, "nothing secret");
    }

    #[test]
    fn redacts_echoed_secrets() {
        let credentials = Credentials::new("stgdynlivesc", "Passw0rd!");
        let echoed = "Authorization: Basic c3RnZHlubGl2ZXNjOlBhc3N3MHJkIQ== password=Passw0rd!";
        assert_eq!(
            credentials.redact(echoed),
            "Authorization: Basic <redacted> password=<redacted>"
        );
    }
}
