//! Response bodies: read with a size bound, shown in errors as a bounded excerpt.

use std::fmt;

use serde::Serialize;

use crate::credentials::Credentials;
use crate::error::CallError;
use crate::protocol::Endpoint;

/// How many bytes of a body an [`Excerpt`] keeps by default.
pub const EXCERPT_BYTES: usize = 512;

/// The default bound on a response body: 4 MiB (a 250-result answer is about 50 KiB).
pub const DEFAULT_MAX_RESPONSE_BODY: usize = 4 * 1024 * 1024;

/// The start of a body, for an error message: at most [`EXCERPT_BYTES`] bytes, decoded lossily
/// as UTF-8 and cut at a character boundary, with any echoed secret redacted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Excerpt {
    text: String,
    truncated: bool,
}

impl Excerpt {
    /// The first [`EXCERPT_BYTES`] bytes of `body`.
    pub fn new(body: &[u8]) -> Self {
        Excerpt::with_limit(body, EXCERPT_BYTES)
    }

    /// The first `limit` bytes of `body` (fewer when `limit` falls inside a UTF-8 character).
    pub fn with_limit(body: &[u8], limit: usize) -> Self {
        let mut end = body.len().min(limit);
        if end < body.len() {
            // Step back over continuation bytes (0b10xx_xxxx) so a character is not split.
            let mut back = 0;
            while end > 0 && back < 3 && body[end] & 0b1100_0000 == 0b1000_0000 {
                end -= 1;
                back += 1;
            }
        }
        Excerpt {
            text: String::from_utf8_lossy(&body[..end]).into_owned(),
            truncated: end < body.len(),
        }
    }

    /// The first [`EXCERPT_BYTES`] bytes of `body` once the password and the encoded
    /// `Authorization` value are replaced by `<redacted>` (a secret that starts inside the
    /// excerpt is redacted whole, even when it runs past its end).
    pub(crate) fn redacted(body: &[u8], credentials: &Credentials) -> Self {
        let window = Excerpt::with_limit(body, EXCERPT_BYTES + credentials.longest_secret());
        let redacted = credentials.redact(&window.text);
        let excerpt = Excerpt::new(redacted.as_bytes());
        Excerpt {
            truncated: excerpt.truncated || window.truncated,
            text: excerpt.text,
        }
    }

    /// The text kept.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// `true` when the body was longer than the excerpt.
    pub fn is_truncated(&self) -> bool {
        self.truncated
    }
}

/// Shows the text on one line: control characters (newlines, tabs, ...) are escaped; `…` marks
/// a cut; an empty body reads `(empty body)`.
impl fmt::Display for Excerpt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.text.is_empty() && !self.truncated {
            return f.write_str("(empty body)");
        }
        for c in self.text.chars() {
            if c.is_control() {
                write!(f, "{}", c.escape_default())?;
            } else {
                fmt::Write::write_char(f, c)?;
            }
        }
        if self.truncated {
            f.write_str("…")?;
        }
        Ok(())
    }
}

/// Collects a response body chunk by chunk, refusing to grow past the endpoint's limit
/// ([`Endpoint::max_response_body`]).
///
/// The shells feed it whatever their transport yields; past the limit it answers
/// [`CallError::BodyTooLarge`] and the shell stops reading.
#[derive(Debug)]
pub struct BodyBuffer<'a> {
    endpoint: &'a Endpoint,
    status: u16,
    limit: usize,
    bytes: Vec<u8>,
}

impl<'a> BodyBuffer<'a> {
    /// A buffer for the body of an answer with `status`; `content_length` is the announced
    /// length, if any (an announced length over the limit fails at once).
    pub fn new(
        endpoint: &'a Endpoint,
        status: u16,
        content_length: Option<u64>,
    ) -> Result<Self, CallError> {
        let limit = endpoint.max_response_body();
        let announced = content_length.map_or(0, |len| usize::try_from(len).unwrap_or(usize::MAX));
        if announced > limit {
            return Err(CallError::BodyTooLarge {
                status,
                limit,
                announced: content_length,
                body: Excerpt::new(b""),
            });
        }
        Ok(BodyBuffer {
            endpoint,
            status,
            limit,
            bytes: Vec::with_capacity(announced.min(64 * 1024)),
        })
    }

    /// Appends a chunk.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), CallError> {
        if self.bytes.len().saturating_add(chunk.len()) > self.limit {
            let room = self.limit - self.bytes.len();
            self.bytes.extend_from_slice(&chunk[..room]);
            return Err(CallError::BodyTooLarge {
                status: self.status,
                limit: self.limit,
                announced: None,
                body: Excerpt {
                    truncated: true,
                    ..Excerpt::redacted(&self.bytes, self.endpoint.credentials())
                },
            });
        }
        self.bytes.extend_from_slice(chunk);
        Ok(())
    }

    /// The body read so far.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::BaseUrl;

    fn endpoint(limit: usize) -> Endpoint {
        let base_url = BaseUrl::parse("http://127.0.0.1:1", false).unwrap();
        Endpoint::new(base_url, Credentials::new("user", "1234567")).with_max_response_body(limit)
    }

    #[test]
    fn excerpt_keeps_short_bodies_whole() {
        let excerpt = Excerpt::new(b"No authorization header supplied");
        assert_eq!(excerpt.text(), "No authorization header supplied");
        assert!(!excerpt.is_truncated());
        assert_eq!(excerpt.to_string(), "No authorization header supplied");
    }

    #[test]
    fn excerpt_cuts_at_a_char_boundary() {
        // 'é' is two bytes; a cut after 3 bytes would split the second one.
        let excerpt = Excerpt::with_limit("éé".as_bytes(), 3);
        assert_eq!(excerpt.text(), "é");
        assert!(excerpt.is_truncated());
        assert_eq!(excerpt.to_string(), "é…");
        // A four-byte character.
        let excerpt = Excerpt::with_limit("a😀b".as_bytes(), 4);
        assert_eq!(excerpt.text(), "a");
        let excerpt = Excerpt::with_limit("a😀b".as_bytes(), 5);
        assert_eq!(excerpt.text(), "a😀");
    }

    #[test]
    fn excerpt_bounds_long_bodies() {
        let body = vec![b'x'; 10_000];
        let excerpt = Excerpt::new(&body);
        assert_eq!(excerpt.text().len(), EXCERPT_BYTES);
        assert!(excerpt.is_truncated());
    }

    #[test]
    fn excerpt_is_lossy_and_one_line() {
        let excerpt = Excerpt::new(b"<html>\n\xff\xfe</html>");
        assert_eq!(excerpt.to_string(), "<html>\\n\u{fffd}\u{fffd}</html>");
        assert_eq!(Excerpt::new(b"").to_string(), "(empty body)");
    }

    #[test]
    fn body_buffer_refuses_to_grow_past_the_limit() {
        let endpoint = endpoint(10);
        let mut body = BodyBuffer::new(&endpoint, 200, None).unwrap();
        body.push(b"12345").unwrap();
        body.push(b"67890").unwrap();
        let error = body.push(b"1").unwrap_err();
        match error {
            CallError::BodyTooLarge {
                status,
                limit,
                announced,
                body,
            } => {
                assert_eq!((status, limit, announced), (200, 10, None));
                // The password (`1234567`) is redacted even from a body that echoes it.
                assert_eq!(body.text(), "<redacted>890");
                assert!(body.is_truncated());
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn body_buffer_refuses_an_announced_length_past_the_limit() {
        let endpoint = endpoint(10);
        let error = BodyBuffer::new(&endpoint, 202, Some(11)).unwrap_err();
        assert!(matches!(
            error,
            CallError::BodyTooLarge {
                limit: 10,
                announced: Some(11),
                ..
            }
        ));
        assert_eq!(
            error.to_string(),
            "the service's answer (HTTP 202) is larger than the limit of 10 bytes: it announced 11 bytes"
        );
        let body = BodyBuffer::new(&endpoint, 202, Some(10)).unwrap();
        assert!(body.into_bytes().is_empty());
    }
}
