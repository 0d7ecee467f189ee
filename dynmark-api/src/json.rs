//! Request bodies written as JSON by code the generator emits for each schema.
//!
//! serde's derived `Serialize` hands every member's name to `serde_json`, which escapes it again
//! for each item of each call; a batch of 250 messages spends most of its serializing there and
//! in scanning plain text byte by byte. The generator knows the names at build time: it emits
//! [`WriteJson`] for every object schema with each `"name":` already written out, and the value
//! writers here copy a string whole when nothing in it needs escaping. Everything else (a string
//! that needs escaping, a number, a date-time, an enum) is written by `serde_json` itself, so
//! the bytes are always exactly what `serde_json::to_vec` writes for the same value
//! (the tests below check that on random values of the generated types).
//!
//! Public only for the generated code (and `dynmark-tests`' stand-in of this crate's root):
//! not part of the API, it may change in any release.

use serde::Serialize;

/// A value that writes itself as compact JSON, byte for byte as `serde_json` writes its
/// `Serialize` form. Emitted by the generator for every object schema (inside `dynmark-api`);
/// the generated batch operations write their items with it
/// ([`BatchOperation::write_item`](crate::operation::BatchOperation::write_item)).
pub trait WriteJson {
    /// Appends the value's JSON to `out`.
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), serde_json::Error>;
}

/// Appends `text` as a JSON string.
#[inline]
pub fn write_str(out: &mut Vec<u8>, text: &str) {
    if is_plain(text.as_bytes()) {
        out.reserve(text.len() + 2);
        out.push(b'"');
        out.extend_from_slice(text.as_bytes());
        out.push(b'"');
    } else {
        // `serde_json` escapes it; writing a `str` into a `Vec` cannot fail.
        let _ = serde_json::to_writer(&mut *out, text);
    }
}

/// Appends `true` or `false`.
#[inline]
pub fn write_bool(out: &mut Vec<u8>, value: bool) {
    out.extend_from_slice(if value { b"true" } else { b"false" });
}

/// Appends any other value as `serde_json` writes it.
#[inline]
pub fn write_serde<T: Serialize + ?Sized>(
    out: &mut Vec<u8>,
    value: &T,
) -> Result<(), serde_json::Error> {
    serde_json::to_writer(out, value)
}

/// Ends an object whose members were each written with a leading comma from `start` on: the
/// first comma becomes the `{` (or, with no member, `{` is written), then `}`.
#[inline]
pub fn close_object(out: &mut Vec<u8>, start: usize) {
    match out.get_mut(start) {
        Some(first) => *first = b'{',
        None => out.push(b'{'),
    }
    out.push(b'}');
}

/// Whether `bytes` go into a JSON string as they are: no control character, no `"` and no `\`
/// (`serde_json` escapes exactly these, and writes everything else, DEL and non-ASCII included,
/// unchanged). Checked eight bytes at a time in a `u64` (the last word overlapping the one
/// before it; a text of four to seven bytes as two overlapping halves, a shorter one byte by
/// byte).
#[inline]
fn is_plain(bytes: &[u8]) -> bool {
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        if word_is_special(u64::from_le_bytes(word.try_into().unwrap_or([b'A'; 8]))) {
            return false;
        }
    }
    let tail = words.remainder();
    match bytes.len() {
        0..4 => !tail.iter().any(|&byte| is_special(byte)),
        len @ 4..8 => {
            // Two overlapping halves make one word.
            let half = |at: usize| {
                let bytes: [u8; 4] = bytes[at..at + 4].try_into().unwrap_or([b'A'; 4]);
                u64::from(u32::from_le_bytes(bytes))
            };
            !word_is_special(half(0) | half(len - 4) << 32)
        }
        _ if tail.is_empty() => true,
        len => {
            let last: [u8; 8] = bytes[len - 8..].try_into().unwrap_or([b'A'; 8]);
            !word_is_special(u64::from_le_bytes(last))
        }
    }
}

/// Whether `serde_json` escapes `byte`.
#[inline]
fn is_special(byte: u8) -> bool {
    byte < 0x20 || byte == b'"' || byte == b'\\'
}

/// Whether any byte of `word` is below `0x20`, `"` or `\`.
#[inline]
fn word_is_special(word: u64) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    // A byte of `word - n * ONES` has its high bit set where the byte was below `n` (for a
    // byte under 0x80; `& !word` leaves the others out).
    let below = |word: u64, n: u64| word.wrapping_sub(ONES * n) & !word & HIGHS;
    let control = below(word, 0x20);
    let quote = below(word ^ (ONES * u64::from(b'"')), 1);
    let backslash = below(word ^ (ONES * u64::from(b'\\')), 1);
    control | quote | backslash != 0
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use proptest::{collection, option};

    use super::*;
    use crate::operations::SendMessages;
    use crate::{Message, MessageResult, ValidationFailure};

    fn written(text: &str) -> String {
        let mut out = Vec::new();
        write_str(&mut out, text);
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn strings_read_as_serde_json_writes_them() {
        for text in [
            "",
            "plain",
            "a \"quote\"",
            "back\\slash",
            "tab\there",
            "line\nbreak",
            "\u{1}\u{1f}\u{7f}",
            "héllo €10 😀",
            "sixteen bytes ok",
            "sixteen bytes \"q",
            "a longer text of more than sixteen bytes with a \" late",
            "a longer text of more than sixteen bytes with a \\ late",
            "a longer text of more than sixteen bytes with a \u{1b} late",
            "a longer text of more than sixteen bytes, all of it plain",
        ] {
            assert_eq!(
                written(text),
                serde_json::to_string(text).expect("serializes"),
                "{text:?}"
            );
        }
    }

    /// Text of every kind: any Unicode (control characters, quotes and backslashes
    /// included), and plain runs around the sixteen-byte blocks.
    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "[ -~]{0,40}",
            "[a-z]{0,20}[\"\\\u{0}-\u{1f}\u{7f}é😀][a-z]{0,20}",
        ]
    }

    fn time() -> impl Strategy<Value = chrono::DateTime<chrono::Utc>> {
        (0i64..4_000_000_000, 0u32..1_000_000_000).prop_map(|(seconds, nanos)| {
            chrono::DateTime::from_timestamp(seconds, nanos).expect("in range")
        })
    }

    prop_compose! {
        fn message()(
            to in text(), from in text(), body in text(),
            country in option::of(text()), after in option::of(time()),
            until in option::of(time()), client_ref in option::of(text()),
            url in option::of(text()), filter in option::of(text()),
            reject in option::of(any::<bool>()), user in option::of(text()),
        ) -> Message {
            let mut message = Message::to(to).from(from).body(body);
            message.country_iso_code = country;
            message.deliver_after = after;
            message.valid_until = until;
            message.client_ref = client_ref;
            message.delivery_status_url = url;
            message.filter_set_name = filter;
            message.reject_unicode = reject;
            message.impersonate_user_name = user;
            message
        }
    }

    prop_compose! {
        fn failure()(property in option::of(text()), code in text(), details in text())
            -> ValidationFailure
        {
            let mut failure = ValidationFailure::failure_code(code).details(details);
            failure.property = property;
            failure
        }
    }

    prop_compose! {
        fn result()(
            to in text(), successful in any::<bool>(),
            failures in option::of(collection::vec(failure(), 0..4)),
        ) -> MessageResult {
            let mut result = MessageResult::to(to).successful(successful);
            result.validation_failures = failures;
            result
        }
    }

    fn written_json(value: &impl WriteJson) -> Vec<u8> {
        let mut out = b"prefix".to_vec();
        value.write_json(&mut out).expect("writes");
        out.split_off(6)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn a_message_is_written_as_serde_json_writes_it(message in message()) {
            let expected = serde_json::to_vec(&message).expect("serializes");
            prop_assert_eq!(written_json(&message), expected);
        }

        #[test]
        fn a_call_body_is_the_json_array_of_its_items(
            messages in collection::vec(message(), 0..5),
        ) {
            let endpoint = crate::protocol::Endpoint::new(
                crate::protocol::BaseUrl::parse("http://127.0.0.1:1", true).expect("url"),
                crate::Credentials::new("user", "password"),
            );
            let request = endpoint.request::<SendMessages>(&messages).expect("request");
            let expected = serde_json::to_vec(&messages).expect("serializes");
            prop_assert_eq!(&request.body[..], &expected[..]);
        }

        #[test]
        fn nested_objects_and_arrays_are_written_as_serde_json_writes_them(
            result in result(),
        ) {
            let expected = serde_json::to_vec(&result).expect("serializes");
            prop_assert_eq!(written_json(&result), expected);
        }
    }

    #[test]
    fn an_object_without_members_is_braces() {
        let mut out = b"[".to_vec();
        let start = out.len();
        close_object(&mut out, start);
        assert_eq!(out, b"[{}");
        let mut out = Vec::new();
        out.extend_from_slice(b",\"a\":1,\"b\":2");
        close_object(&mut out, 0);
        assert_eq!(out, b"{\"a\":1,\"b\":2}");
    }
}
