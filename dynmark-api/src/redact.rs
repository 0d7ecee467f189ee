//! The one redaction step: every text that came from the network and reaches an error, a report
//! or a log passes through a [`Redactor`] built from the credentials.
//!
//! # What is redacted
//!
//! The password and the encoded `Authorization` value (the Base64 of `username:password`), each
//! recognised in three spellings, alone or mixed within one echo:
//!
//! - raw (`s3"cr\et`);
//! - JSON-escaped (`s3\"cr\\et`, `\u0073\u0033...`, `\/`), as a body that quotes it would have it;
//! - percent-encoded (`s3%22cr%5Cet`, either hex case, `+` for a space), as a query string or a
//!   form would have it; also percent-encoded and then JSON-escaped.
//!
//! Each occurrence becomes `<redacted>`.
//!
//! # Short secrets
//!
//! A secret shorter than [`ANYWHERE_BYTES`] (6) bytes is redacted only where it stands alone:
//! the character before it and the one after it (in the decoded text) are not letters or digits
//! (or there is none). So the one-character password `e` is redacted in `"password":"e"` and in
//! `pw=e&`, while `Service Unavailable` is shown as it is: redacting every `e` in a known text
//! would show the secret by the pattern of the replacements. A longer secret is redacted
//! wherever it occurs, glued to other text or not. What remains possible: a short secret that is
//! also a whole word of the service's own text (the password `Service`) shows by where the
//! replacement is; choose passwords of 6 characters or more (and, as ever, longer ones).
//!
//! # Bounds and cuts
//!
//! Every quote is bounded ([`Redactor::quote`]): a body excerpt at 512 bytes, a header or a
//! failure's `property` and `details` at [`FIELD_BYTES`], a failure list at [`MAX_FAILURES`]
//! shown. The redaction is done on a window a little longer than the bound (so a secret that
//! starts inside the quote and ends after it is redacted whole) before the text is cut. Where a
//! text is cut, the partial word at the cut (letters and digits, up to 64 bytes) is dropped
//! whatever it is (so the cut does not say how a secret begins), and then any beginning of a
//! secret still at the end (one with spaces or punctuation, or glued to a longer run) too.

use std::fmt;
use std::sync::Arc;

use crate::credentials::Credentials;
use crate::{FailureCode, ValidationFailure};

/// What replaces a secret.
pub const REDACTED: &str = "<redacted>";

/// Secrets at least this long (in bytes) are redacted wherever they occur; shorter ones only
/// where they stand alone (see the [module docs](self)).
pub const ANYWHERE_BYTES: usize = 6;

/// The longest `property`, `details` or failure code of a failure from the service, and the
/// longest header value, kept in an error or a report (in bytes; a cut one ends with `…`).
pub const FIELD_BYTES: usize = 512;

/// The most failures from one list of the service's shown in an error's or a report's line; the
/// rest are counted (`…and 3 more`). Every failure is kept in the data.
pub const MAX_FAILURES: usize = 10;

/// How many bytes of encoded text one byte of a secret can take at most (`\u00XX` escapes of a
/// percent-encoding: `%` becomes `\u0025`, so `%XX` is up to 18 bytes).
const MAX_EXPANSION: usize = 18;

/// The longest partial word dropped where a text is cut.
const MAX_WORD_DROP: usize = 64;

/// Recognises and replaces the secrets of one set of credentials (see the [module docs](self)).
///
/// Cheap to clone. `Debug` shows how many secrets it holds, never them.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Redactor {
    secrets: Arc<[Vec<u8>]>,
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Redactor({} secret(s))", self.secrets.len())
    }
}

/// One byte of a decoded view of a text, and the bytes of the text it was decoded from.
#[derive(Debug, Clone, Copy)]
struct Unit {
    byte: u8,
    start: usize,
    end: usize,
}

impl Redactor {
    /// A redactor for the password and the encoded `Authorization` value of `credentials`.
    pub fn new(credentials: &Credentials) -> Self {
        let authorization = credentials.authorization();
        let token = authorization
            .strip_prefix("Basic ")
            .unwrap_or(authorization);
        let mut secrets: Vec<Vec<u8>> = [credentials.password(), token]
            .into_iter()
            .filter(|secret| !secret.is_empty())
            .map(|secret| secret.as_bytes().to_vec())
            .collect();
        secrets.dedup();
        Redactor {
            secrets: secrets.into(),
        }
    }

    /// A redactor that recognises nothing (no credentials).
    pub fn none() -> Self {
        Redactor::default()
    }

    /// The length in bytes of the longest encoded form of a secret.
    fn longest_encoded(&self) -> usize {
        self.secrets.iter().map(Vec::len).max().unwrap_or(0) * MAX_EXPANSION
    }

    /// `text` with every secret replaced by [`REDACTED`].
    pub fn redact(&self, text: &str) -> String {
        let mut ranges = self.matches(text);
        if ranges.is_empty() {
            return text.to_owned();
        }
        ranges.sort_unstable();
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
        for (start, end) in ranges {
            match merged.last_mut() {
                Some(last) if start < last.1 => last.1 = last.1.max(end),
                _ => merged.push((start, end)),
            }
        }
        for (start, end) in merged {
            let start = floor_boundary(text, start);
            let end = ceil_boundary(text, end);
            if start < at {
                // Widened onto the previous match: extend it.
                at = at.max(end);
                continue;
            }
            out.push_str(&text[at..start]);
            out.push_str(REDACTED);
            at = end;
        }
        out.push_str(&text[at..]);
        out
    }

    /// A bounded quote of `text`, redacted: at most `limit` bytes of it once redacted (cut at a
    /// character boundary), and whether it was cut. `cut` says that `text` is itself only the
    /// start of a longer text. Only a window of `text` is looked at, so this is cheap however
    /// long it is.
    pub fn quote(&self, text: &[u8], limit: usize, cut: bool) -> (String, bool) {
        let window_end = floor_boundary_bytes(text, text.len().min(limit + self.longest_encoded()));
        let window = String::from_utf8_lossy(&text[..window_end]);
        let mut redacted = self.redact(&window);
        let mut truncated = cut || window_end < text.len();
        if redacted.len() > limit {
            redacted.truncate(floor_boundary(&redacted, limit));
            truncated = true;
        }
        if truncated {
            self.trim_cut(&mut redacted);
        }
        (redacted, truncated)
    }

    /// A string field from the network, bounded at [`FIELD_BYTES`] and redacted (`…` ends a cut
    /// one).
    pub fn field(&self, text: &str) -> String {
        let (mut quoted, cut) = self.quote(text.as_bytes(), FIELD_BYTES, false);
        if cut {
            quoted.push('…');
        }
        quoted
    }

    /// A failure from the service with its `property`, `details` and unknown failure code
    /// bounded and redacted.
    pub fn failure(&self, failure: ValidationFailure) -> ValidationFailure {
        let ValidationFailure {
            property,
            failure_code,
            details,
        } = failure;
        let failure_code = match failure_code {
            FailureCode::Other(code) => {
                FailureCode::Other(crate::UnknownValue::new(self.field(code.as_str())))
            }
            known => known,
        };
        ValidationFailure {
            property: property.map(|property| self.field(&property)),
            failure_code,
            details: self.field(&details),
        }
    }

    /// [`failure`](Self::failure) for each failure of a list.
    pub fn failures(&self, failures: Vec<ValidationFailure>) -> Vec<ValidationFailure> {
        failures
            .into_iter()
            .map(|failure| self.failure(failure))
            .collect()
    }

    /// Where `text` was cut: drops the partial word at its end, an escape the cut split, then any
    /// beginning of a secret left at the end.
    fn trim_cut(&self, text: &mut String) {
        let word = text
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_alphanumeric())
            .last()
            .map(|(at, _)| at);
        // A run of letters and digits longer than any word (a blob) is kept: only a secret's
        // beginning is removed from it, below.
        if let Some(at) = word
            && text.len() - at <= MAX_WORD_DROP
        {
            text.truncate(at);
        }
        if text.ends_with('\\') || text.ends_with('%') {
            text.pop();
        }
        if self.secrets.is_empty() {
            return;
        }
        loop {
            let cut = self.partial_at_end(text);
            match cut {
                Some(at) if at < text.len() => text.truncate(floor_boundary(text, at)),
                _ => break,
            }
        }
    }

    /// Where a proper beginning of a secret that ends `text` (in any view) starts.
    fn partial_at_end(&self, text: &str) -> Option<usize> {
        let mut earliest: Option<usize> = None;
        for view in views(text) {
            for secret in self.secrets.iter() {
                for len in (1..secret.len()).rev() {
                    if view.len() < len {
                        continue;
                    }
                    let from = view.len() - len;
                    if view[from..]
                        .iter()
                        .zip(&secret[..len])
                        .all(|(unit, byte)| unit.byte == *byte)
                    {
                        let start = view[from].start;
                        earliest = Some(earliest.map_or(start, |e: usize| e.min(start)));
                        break;
                    }
                }
            }
        }
        earliest
    }

    /// The byte ranges of `text` that hold a secret, in any view.
    fn matches(&self, text: &str) -> Vec<(usize, usize)> {
        let mut ranges = Vec::new();
        if self.secrets.is_empty() || text.is_empty() {
            return ranges;
        }
        for view in views(text) {
            for secret in self.secrets.iter() {
                find_in(&view, secret, &mut ranges);
            }
        }
        ranges
    }
}

/// The views of `text` a secret is looked for in: raw, JSON-unescaped, JSON-unescaped twice (an
/// echo of JSON inside a JSON string), percent-decoded, and JSON-unescaped then
/// percent-decoded. A view that decodes nothing is left out.
fn views(text: &str) -> Vec<Vec<Unit>> {
    let raw: Vec<Unit> = text
        .bytes()
        .enumerate()
        .map(|(at, byte)| Unit {
            byte,
            start: at,
            end: at + 1,
        })
        .collect();
    let mut views = Vec::with_capacity(5);
    let json = text.contains('\\').then(|| json_unescape(&raw));
    if text.contains(['%', '+']) {
        views.push(percent_decode(&raw));
    }
    if let Some(json) = json {
        if json
            .iter()
            .any(|unit| unit.byte == b'%' || unit.byte == b'+')
        {
            views.push(percent_decode(&json));
        }
        if json.iter().any(|unit| unit.byte == b'\\') {
            views.push(json_unescape(&json));
        }
        views.push(json);
    }
    views.push(raw);
    views
}

/// Finds every occurrence of `secret` in `view`, pushing the source ranges; a short secret only
/// where it stands alone.
fn find_in(view: &[Unit], secret: &[u8], ranges: &mut Vec<(usize, usize)>) {
    if secret.is_empty() || view.len() < secret.len() {
        return;
    }
    let anywhere = secret.len() >= ANYWHERE_BYTES;
    let mut at = 0;
    while at + secret.len() <= view.len() {
        let window = &view[at..at + secret.len()];
        if window
            .iter()
            .zip(secret)
            .all(|(unit, byte)| unit.byte == *byte)
        {
            let alone = || {
                let before = at.checked_sub(1).map(|i| view[i].byte);
                let after = view.get(at + secret.len()).map(|unit| unit.byte);
                !before.is_some_and(is_word_byte) && !after.is_some_and(is_word_byte)
            };
            if anywhere || alone() {
                ranges.push((window[0].start, window[secret.len() - 1].end));
                at += secret.len();
                continue;
            }
        }
        at += 1;
    }
}

/// A letter or a digit, or part of a character that is not ASCII (which may be a letter).
fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte >= 0x80
}

/// Decodes the JSON string escapes of `units` (`\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`,
/// `\uXXXX` with surrogate pairs); anything else is kept as it is.
fn json_unescape(units: &[Unit]) -> Vec<Unit> {
    let mut out = Vec::with_capacity(units.len());
    let mut at = 0;
    while at < units.len() {
        let unit = units[at];
        if unit.byte != b'\\' || at + 1 >= units.len() {
            out.push(unit);
            at += 1;
            continue;
        }
        let simple = match units[at + 1].byte {
            b'"' => Some(b'"'),
            b'\\' => Some(b'\\'),
            b'/' => Some(b'/'),
            b'b' => Some(0x08),
            b'f' => Some(0x0c),
            b'n' => Some(b'\n'),
            b'r' => Some(b'\r'),
            b't' => Some(b'\t'),
            _ => None,
        };
        if let Some(byte) = simple {
            out.push(Unit {
                byte,
                start: unit.start,
                end: units[at + 1].end,
            });
            at += 2;
            continue;
        }
        if units[at + 1].byte == b'u'
            && let Some(first) = hex4(units, at + 2)
        {
            let mut end_at = at + 6;
            let mut code = u32::from(first);
            if (0xD800..0xDC00).contains(&first)
                && units.get(end_at).is_some_and(|u| u.byte == b'\\')
                && units.get(end_at + 1).is_some_and(|u| u.byte == b'u')
                && let Some(second) = hex4(units, end_at + 2)
                && (0xDC00..0xE000).contains(&second)
            {
                code = 0x10000 + ((code - 0xD800) << 10) + (u32::from(second) - 0xDC00);
                end_at += 6;
            }
            if let Some(c) = char::from_u32(code) {
                let mut buf = [0; 4];
                let end = units[end_at - 1].end;
                for &byte in c.encode_utf8(&mut buf).as_bytes() {
                    out.push(Unit {
                        byte,
                        start: unit.start,
                        end,
                    });
                }
                at = end_at;
                continue;
            }
        }
        out.push(unit);
        at += 1;
    }
    out
}

/// The four hex digits at `units[at..at + 4]`, as a number.
fn hex4(units: &[Unit], at: usize) -> Option<u16> {
    let digits = units.get(at..at + 4)?;
    digits.iter().try_fold(0u16, |value, unit| {
        Some(value * 16 + u16::from(hex_digit(unit.byte)?))
    })
}

fn hex_digit(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

/// Decodes `%XX` (either case) and `+` (a space) in `units`; anything else is kept.
fn percent_decode(units: &[Unit]) -> Vec<Unit> {
    let mut out = Vec::with_capacity(units.len());
    let mut at = 0;
    while at < units.len() {
        let unit = units[at];
        if unit.byte == b'%'
            && let (Some(high), Some(low)) = (
                units.get(at + 1).and_then(|u| hex_digit(u.byte)),
                units.get(at + 2).and_then(|u| hex_digit(u.byte)),
            )
        {
            out.push(Unit {
                byte: high * 16 + low,
                start: unit.start,
                end: units[at + 2].end,
            });
            at += 3;
            continue;
        }
        out.push(if unit.byte == b'+' {
            Unit { byte: b' ', ..unit }
        } else {
            unit
        });
        at += 1;
    }
    out
}

/// The largest character boundary of `text` at or before `at`.
fn floor_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The smallest character boundary of `text` at or after `at`.
fn ceil_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

/// `at`, or less so that a UTF-8 character of `bytes` is not split (at most 3 bytes back).
fn floor_boundary_bytes(bytes: &[u8], at: usize) -> usize {
    let mut end = at.min(bytes.len());
    let mut back = 0;
    while end > 0 && end < bytes.len() && back < 3 && bytes[end] & 0b1100_0000 == 0b1000_0000 {
        end -= 1;
        back += 1;
    }
    end
}

/// A failure list shown on one line, at most [`MAX_FAILURES`] of it (`…and N more`).
pub(crate) struct FailureLine<'a> {
    pub(crate) failures: &'a [ValidationFailure],
    /// What comes before the first failure (`": "`).
    pub(crate) first: &'a str,
}

impl fmt::Display for FailureLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, failure) in self.failures.iter().take(MAX_FAILURES).enumerate() {
            f.write_str(if i == 0 { self.first } else { "; " })?;
            crate::error::write_failure(f, failure)?;
        }
        if self.failures.len() > MAX_FAILURES {
            write!(f, "; …and {} more", self.failures.len() - MAX_FAILURES)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redactor(password: &str) -> Redactor {
        Redactor::new(&Credentials::new("stgdynlivesc", password))
    }

    #[test]
    fn redacts_raw_json_escaped_and_percent_encoded_echoes() {
        let r = redactor("s3\"cr\\et pw");
        assert_eq!(r.redact("a s3\"cr\\et pw b"), "a <redacted> b");
        assert_eq!(
            r.redact(r#"{"p":"s3\"cr\\et pw"}"#),
            r#"{"p":"<redacted>"}"#
        );
        assert_eq!(r.redact("p=s3%22cr%5Cet+pw&x"), "p=<redacted>&x");
        assert_eq!(r.redact("p=s3%22cr%5cet%20pw&x"), "p=<redacted>&x");
        assert_eq!(r.redact(r"\u0073\u0033\u0022cr\u005cet pw!"), "<redacted>!");
        // Percent-encoded, then JSON-escaped.
        assert_eq!(r.redact(r#""s3%22cr%5Cet%20pw\/""#), r#""<redacted>\/""#);
        // JSON-escaped twice: a JSON echo inside a JSON string.
        assert_eq!(
            r.redact(r#"{"echo":"{\"p\":\"s3\\\"cr\\\\et pw\"}"}"#),
            r#"{"echo":"{\"p\":\"<redacted>\"}"}"#
        );
        // The `Authorization` value.
        let r = Redactor::new(&Credentials::new("stgdynlivesc", "Passw0rd!"));
        assert_eq!(
            r.redact("Authorization: Basic c3RnZHlubGl2ZXNjOlBhc3N3MHJkIQ== password=Passw0rd!"),
            "Authorization: Basic <redacted> password=<redacted>"
        );
        assert_eq!(
            r.redact("c3RnZHlubGl2ZXNjOlBhc3N3MHJkIQ%3D%3D"),
            "<redacted>"
        );
    }

    #[test]
    fn a_short_secret_is_redacted_only_where_it_stands_alone() {
        let r = redactor("e");
        // What the issue found: `S<redacted>rvic<redacted>` showed the password.
        assert_eq!(r.redact("Service Unavailable"), "Service Unavailable");
        assert_eq!(
            r.redact(r#"{"password":"e"}"#),
            r#"{"password":"<redacted>"}"#
        );
        assert_eq!(r.redact("pw=e&x=1"), "pw=<redacted>&x=1");
        assert_eq!(r.redact("pw=%65&x=1"), "pw=<redacted>&x=1");
        assert_eq!(r.redact("S%65rvice"), "S%65rvice");
        // A long secret is redacted even glued to other text.
        let r = redactor("longpassword");
        assert_eq!(r.redact("xxlongpasswordyy"), "xx<redacted>yy");
    }

    #[test]
    fn a_cut_never_shows_how_a_secret_begins() {
        let r = redactor("Passw0rd!");
        let (quoted, cut) = r.quote(b"echo: Passw0", 100, true);
        assert!(cut);
        assert_eq!(quoted, "echo: ");
        // The partial word is dropped whatever it is, so the cut does not depend on the secret.
        let (quoted, _) = r.quote(b"echo: Other", 100, true);
        assert_eq!(quoted, "echo: ");
        // A secret with a space: its beginning before the space is removed too.
        let r = redactor("pass word!");
        let (quoted, _) = r.quote(b"echo: pass wo", 100, true);
        assert_eq!(quoted, "echo: ");
        // A split escape.
        let (quoted, _) = r.quote(b"echo: %", 100, true);
        assert_eq!(quoted, "echo: ");
        // Not cut: kept whole.
        let (quoted, cut) = r.quote(b"echo: pass wo", 100, false);
        assert!(!cut);
        assert_eq!(quoted, "echo: pass wo");
    }

    #[test]
    fn quotes_are_bounded_and_redact_across_the_bound() {
        let r = redactor("longpassword");
        let mut text = "x".repeat(FIELD_BYTES - 4);
        text.push_str(" longpassword tail");
        let (quoted, cut) = r.quote(text.as_bytes(), FIELD_BYTES, false);
        assert!(cut);
        assert!(quoted.len() <= FIELD_BYTES);
        assert!(!quoted.contains("long"), "{quoted}");
        let huge = "d".repeat(1 << 20);
        assert!(r.field(&huge).len() <= FIELD_BYTES + '…'.len_utf8());
    }

    #[test]
    fn failures_are_redacted_and_bounded() {
        let r = redactor("longpassword");
        let failure = r.failure(ValidationFailure {
            property: Some("message[0].longpassword".into()),
            failure_code: FailureCode::from("Xlongpassword"),
            details: format!("echo longpassword {}", "z ".repeat(1 << 19)),
        });
        assert_eq!(failure.property.as_deref(), Some("message[0].<redacted>"));
        assert_eq!(failure.failure_code.as_str(), "X<redacted>");
        assert!(failure.details.starts_with("echo <redacted> z"));
        assert!(failure.details.len() <= FIELD_BYTES + 3);
        assert!(failure.details.ends_with('…'));
    }

    #[test]
    fn debug_shows_no_secret() {
        let r = redactor("longpassword");
        assert_eq!(format!("{r:?}"), "Redactor(2 secret(s))");
        assert_eq!(Redactor::none().redact("anything"), "anything");
    }
}
