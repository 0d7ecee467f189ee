//! Response bodies: read with a size bound, shown in errors as a bounded excerpt.

use std::fmt;
use std::time::Duration;

use serde::Serialize;

use crate::error::CallError;
use crate::protocol::{Endpoint, HttpResponse};
use crate::redact::Redactor;

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

    /// The first [`EXCERPT_BYTES`] bytes of `body`, redacted by `redactor` (a secret that starts
    /// inside the excerpt is redacted whole, even when it runs past its end).
    pub(crate) fn redacted(body: &[u8], redactor: &Redactor) -> Self {
        Excerpt::redacted_cut(body, redactor, false)
    }

    /// As [`redacted`](Self::redacted); `cut` says that `body` is itself only the start of a
    /// longer body. Where the text was cut, nothing at its end shows how a secret begins.
    pub(crate) fn redacted_cut(body: &[u8], redactor: &Redactor, cut: bool) -> Self {
        Excerpt::quoted(body, redactor, EXCERPT_BYTES, cut)
    }

    /// At most `limit` bytes of `body`, redacted by `redactor` (see [`Redactor::quote`]).
    pub(crate) fn quoted(body: &[u8], redactor: &Redactor, limit: usize, cut: bool) -> Self {
        let (text, truncated) = redactor.quote(body, limit, cut);
        Excerpt { text, truncated }
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
        write_one_line(f, &self.text)?;
        if self.truncated {
            f.write_str("…")?;
        }
        Ok(())
    }
}

/// Writes `text` on one line: control characters (newlines, tabs, escape, ...) are escaped
/// (`\n`, `\u{1b}`), so text from the network cannot start a line of its own or drive a
/// terminal.
pub(crate) fn write_one_line(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    for c in text.chars() {
        if c.is_control() {
            write!(f, "{}", c.escape_default())?;
        } else {
            fmt::Write::write_char(f, c)?;
        }
    }
    Ok(())
}

/// Collects a response body chunk by chunk, refusing to grow past the endpoint's limit
/// ([`Endpoint::max_response_body`]).
///
/// The shells feed it whatever their transport yields; past the limit it answers with the
/// call's error and the shell stops reading. The status decides first: only a success's body
/// must be read whole, so only a 2xx over the limit is [`CallError::BodyTooLarge`]; any other
/// status fails as [`Endpoint::parse_response`] says it does, with the start of the body (a 401
/// is still [`CallError::Unauthorized`], which stops the batch).
#[derive(Debug)]
pub struct BodyBuffer<'a> {
    endpoint: &'a Endpoint,
    status: u16,
    content_type: Option<String>,
    retry_after: Option<Duration>,
    limit: usize,
    bytes: Vec<u8>,
}

impl<'a> BodyBuffer<'a> {
    /// A buffer for the body of an answer with `status` and `content_type`; `content_length` is
    /// the announced length, if any (an announced length over the limit fails at once).
    pub fn new(
        endpoint: &'a Endpoint,
        status: u16,
        content_type: Option<String>,
        content_length: Option<u64>,
    ) -> Result<Self, CallError> {
        BodyBuffer::with_retry_after(endpoint, status, content_type, content_length, None)
    }

    /// As [`new`](Self::new), for an answer whose `Retry-After` header asked for `retry_after`
    /// (read with [`parse_retry_after`](crate::protocol::parse_retry_after)): it is kept in the
    /// response and in the call's error.
    pub fn with_retry_after(
        endpoint: &'a Endpoint,
        status: u16,
        content_type: Option<String>,
        content_length: Option<u64>,
        retry_after: Option<Duration>,
    ) -> Result<Self, CallError> {
        let limit = endpoint.max_response_body();
        let announced = content_length.map_or(0, |len| usize::try_from(len).unwrap_or(usize::MAX));
        let buffer = BodyBuffer {
            endpoint,
            status,
            content_type,
            retry_after,
            limit,
            bytes: Vec::new(),
        };
        if announced > limit {
            return Err(buffer.too_large(content_length));
        }
        Ok(BodyBuffer {
            bytes: Vec::with_capacity(announced.min(64 * 1024)),
            ..buffer
        })
    }

    /// Appends a chunk.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), CallError> {
        if self.bytes.len().saturating_add(chunk.len()) > self.limit {
            let room = self.limit - self.bytes.len();
            self.bytes.extend_from_slice(&chunk[..room]);
            return Err(self.too_large(None));
        }
        self.bytes.extend_from_slice(chunk);
        Ok(())
    }

    /// The error for a body over the limit (`announced`: caught by the announced length).
    fn too_large(&self, announced: Option<u64>) -> CallError {
        // What was read is only the start of the body.
        let body = Excerpt::redacted_cut(&self.bytes, self.endpoint.redactor(), true);
        if (200..300).contains(&self.status) {
            CallError::BodyTooLarge {
                status: self.status,
                limit: self.limit,
                announced,
                body: match announced {
                    Some(_) => Excerpt::new(b""),
                    None => body,
                },
            }
        } else {
            self.endpoint.status_failure(
                self.status,
                self.content_type.as_deref(),
                body,
                self.retry_after,
            )
        }
    }

    /// The body read so far.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    /// The response: status, content type and the body read.
    pub fn into_response(self) -> HttpResponse {
        HttpResponse::new(self.status, self.content_type, self.bytes)
            .with_retry_after(self.retry_after)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Credentials;
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
        let mut body = BodyBuffer::new(&endpoint, 200, None, None).unwrap();
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
                // The password (`1234567`) is redacted even from a body that echoes it, and the
                // partial word at the cut is dropped.
                assert_eq!(body.text(), "<redacted>");
                assert!(body.is_truncated());
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn body_buffer_refuses_an_announced_length_past_the_limit() {
        let endpoint = endpoint(10);
        let error = BodyBuffer::new(&endpoint, 202, None, Some(11)).unwrap_err();
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
        let body = BodyBuffer::new(&endpoint, 202, None, Some(10)).unwrap();
        assert!(body.into_bytes().is_empty());
    }

    #[test]
    fn a_401_over_the_limit_is_still_a_refusal_of_the_credentials() {
        let endpoint = endpoint(16);
        let mut body = BodyBuffer::new(&endpoint, 401, Some("text/plain".into()), None).unwrap();
        let error = body.push(b"No authorization header supplied").unwrap_err();
        assert!(error.is_unauthorized(), "{error:?}");
        assert!(!error.may_have_reached_service());
        assert_eq!(
            error.to_string(),
            "the service refused the credentials (HTTP 401): No …"
        );
        // Announced too large: refused at once, still a refusal of the credentials.
        let error = BodyBuffer::new(&endpoint, 401, None, Some(1 << 30)).unwrap_err();
        assert!(error.is_unauthorized(), "{error:?}");
        // Any other status that is not a success fails as its status says, not as "too large".
        let mut body = BodyBuffer::new(&endpoint, 404, Some("text/html".into()), None).unwrap();
        let error = body.push(&[b'x'; 17]).unwrap_err();
        assert!(
            matches!(error, CallError::Status { status: 404, ref content_type, .. } if content_type.as_deref() == Some("text/html")),
            "{error:?}"
        );
        assert!(!error.may_have_reached_service());
        let error = BodyBuffer::new(&endpoint, 400, None, Some(17)).unwrap_err();
        assert!(
            matches!(error, CallError::Status { status: 400, .. }),
            "{error:?}"
        );
        // A success must be read whole: too large.
        let mut body = BodyBuffer::new(&endpoint, 202, None, None).unwrap();
        let error = body.push(&[b'x'; 17]).unwrap_err();
        assert!(
            matches!(error, CallError::BodyTooLarge { status: 202, .. }),
            "{error:?}"
        );
    }

    #[test]
    fn a_body_cut_at_the_limit_does_not_end_with_the_start_of_a_secret() {
        // The password is `1234567`; the limit cuts the echoed password after `1234`.
        let endpoint = endpoint(12);
        for status in [200, 401, 500] {
            let mut body = BodyBuffer::new(&endpoint, status, None, None).unwrap();
            let error = body.push(b"echo: xx1234567 and more").unwrap_err();
            let shown = format!("{error} {error:?}");
            assert!(!shown.contains("1234"), "{status}: {shown}");
            // The partial word at the cut is dropped, whatever it is.
            assert!(
                shown.contains("echo: \u{2026}") || shown.contains("echo: …"),
                "{status}: {shown}"
            );
        }
        // The encoded `Authorization` value (`dXNlcjoxMjM0NTY3`), cut by the excerpt's own
        // bound after earlier redactions shortened the text.
        let redactor = endpoint.redactor();
        let secret = "dXNlcjoxMjM0NTY3";
        let mut echoed = format!("{secret} ").repeat(4);
        echoed.push_str(&"y ".repeat((EXCERPT_BYTES - echoed.len()) / 2));
        echoed.push_str(secret);
        echoed.push_str(" and more");
        let excerpt = Excerpt::redacted_cut(echoed.as_bytes(), redactor, false);
        assert!(!excerpt.text().contains("dXNl"), "{}", excerpt.text());
        assert!(
            excerpt.text().starts_with("<redacted> <redacted>"),
            "{}",
            excerpt.text()
        );
        assert!(excerpt.text().len() <= EXCERPT_BYTES);
    }
}
