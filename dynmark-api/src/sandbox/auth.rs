//! HTTP Basic authentication, as the sandbox checks it.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// The one user name and password the sandbox accepts.
///
/// Its `Debug` shows the user name only; the password is compared in time that does not depend
/// on where a guess first differs, and never printed.
///
/// As RFC 7617 says, the decoded `user:password` of a `Basic` header is split at its first `:`,
/// and the user name and the password are compared separately: a user name that contains `:`
/// is never accepted.
#[derive(Clone)]
pub(crate) struct Credentials {
    username: String,
    password: Vec<u8>,
}

impl Credentials {
    pub(crate) fn new(username: &str, password: &str) -> Credentials {
        Credentials {
            username: username.to_owned(),
            password: password.as_bytes().to_vec(),
        }
    }

    /// The user name.
    pub(crate) fn username(&self) -> &str {
        &self.username
    }

    /// Whether `header` (the `Authorization` header's value, if any) carries these credentials.
    pub(crate) fn accept(&self, header: Option<&[u8]>) -> bool {
        let Some(given) = header.and_then(basic_credentials) else {
            return false;
        };
        let Some(colon) = given.iter().position(|&byte| byte == b':') else {
            return false;
        };
        let (username, password) = (&given[..colon], &given[colon + 1..]);
        // Both compared, whichever differs.
        let username_matches = constant_time_eq(username, self.username.as_bytes());
        let password_matches = constant_time_eq(password, &self.password);
        username_matches & password_matches
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// The decoded `user:password` of a `Basic` authorization header.
fn basic_credentials(header: &[u8]) -> Option<Vec<u8>> {
    let header = std::str::from_utf8(header).ok()?.trim();
    let (scheme, encoded) = header.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("Basic") {
        return None;
    }
    STANDARD.decode(encoded.trim()).ok()
}

/// Compares in time that depends on the lengths only, not on the first differing byte.
fn constant_time_eq(given: &[u8], expected: &[u8]) -> bool {
    let mut difference = given.len() ^ expected.len();
    for (index, byte) in expected.iter().enumerate() {
        let other = given.get(index).copied().unwrap_or(!byte);
        difference |= usize::from(byte ^ other);
    }
    difference == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(user_pass: &str) -> Vec<u8> {
        format!("Basic {}", STANDARD.encode(user_pass)).into_bytes()
    }

    #[test]
    fn accepts_exactly_the_configured_pair() {
        let credentials = Credentials::new("ann", "s3cret:x");
        assert!(credentials.accept(Some(&header("ann:s3cret:x"))));
        assert!(credentials.accept(Some(b"basic  YW5uOnMzY3JldDp4  ")));
        for refused in [
            "ann:s3cret",
            "ann:s3cret:xy",
            "bob:s3cret:x",
            "",
            "ann:s3cret:X",
        ] {
            assert!(!credentials.accept(Some(&header(refused))), "{refused}");
        }
    }

    #[test]
    fn splits_at_the_first_colon_as_rfc_7617_says() {
        // The password may contain ':'; the user name cannot.
        let credentials = Credentials::new("ann", "x:pw");
        assert!(credentials.accept(Some(&header("ann:x:pw"))));
        let credentials = Credentials::new("ann:x", "pw");
        assert!(!credentials.accept(Some(&header("ann:x:pw"))));
        // No ':' at all: no password.
        let credentials = Credentials::new("annpw", "");
        assert!(!credentials.accept(Some(&header("annpw"))));
        assert!(credentials.accept(Some(&header("annpw:"))));
    }

    #[test]
    fn refuses_missing_or_malformed_headers() {
        let credentials = Credentials::new("ann", "pw");
        assert!(!credentials.accept(None));
        for malformed in [
            &b"Basic"[..],
            b"Bearer YW5uOnB3",
            b"Basic not*base64",
            b"YW5uOnB3",
            b"Basic \xff",
        ] {
            assert!(!credentials.accept(Some(malformed)), "{malformed:?}");
        }
    }

    #[test]
    fn debug_never_shows_the_password() {
        let debug = format!("{:?}", Credentials::new("ann", "hunter2"));
        assert!(debug.contains("ann"), "{debug}");
        assert!(!debug.contains("hunter2"), "{debug}");
    }
}
