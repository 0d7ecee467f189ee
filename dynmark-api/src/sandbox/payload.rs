//! The body of a send request: a JSON array of [`Message`]s, or the `400` failures that say why it
//! is not one, worded and positioned as Dynmark's JSON parser words them.
//!
//! Parsing runs in two steps so that one bad message does not hide the others. The array is first
//! read as raw JSON values (which checks the syntax of the whole body); each value is then read as
//! a [`Message`] on its own, through `serde_path_to_error`, so every message that breaks the schema
//! (an unknown member, a missing one, a wrong type) gets its own failure. A syntax error ends the
//! array there; the failures of the messages before it are kept.

use std::fmt;

use serde::de::{DeserializeSeed, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::operation::BatchOperation;
use crate::operations::SendMessages;
use crate::{FailureCode, Message, ValidationFailure};

/// The failure code of every problem with the body's JSON.
const INVALID_JSON: &str = "InvalidJson";

/// What the service calls one item in its messages (`object of type 'Message'`).
const ITEM_TYPE: &str = "Message";

/// A body read as a batch of messages.
#[derive(Debug)]
pub(crate) struct Payload {
    /// How many items the body's array holds (those read before a syntax error, if any).
    pub(crate) items: usize,
    /// The messages, or every failure found.
    pub(crate) messages: Result<Vec<Message>, Vec<ValidationFailure>>,
}

/// Reads `body` as a JSON array of one or more [`Message`]s.
pub(crate) fn parse(body: &[u8]) -> Payload {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let text = match std::str::from_utf8(body) {
        Ok(text) => text,
        Err(error) => {
            let valid = body.get(..error.valid_up_to()).unwrap_or_default();
            let valid = std::str::from_utf8(valid).unwrap_or_default();
            let details = format!(
                "The request body is not UTF-8 text.{}",
                Position::at(valid, valid.len()).suffix(&[])
            );
            return Payload::failed(0, whole_payload(details));
        }
    };
    let start = text.len() - text.trim_start_matches(is_json_whitespace).len();
    match text.as_bytes().get(start) {
        None => {
            let details = "The request body is empty: send a JSON array of one or more Message \
                           objects.";
            Payload::failed(0, whole_payload(details.to_owned()))
        }
        Some(b'{') => {
            let details = format!(
                "Cannot read a single JSON object as a batch: send a JSON array of one or more \
                 Message objects, e.g. [{{...}}].{}",
                Position::at(text, start + 1).suffix(&[])
            );
            Payload::failed(0, whole_payload(details))
        }
        Some(b'[') => parse_array(text),
        Some(_) if serde_json::from_str::<serde::de::IgnoredAny>(text).is_err() => {
            let first = text[start..].chars().next().unwrap_or_default();
            let details = format!(
                "The request body is not JSON: unexpected character '{first}'.{}",
                Position::at(text, start).suffix(&[])
            );
            Payload::failed(0, whole_payload(details))
        }
        // JSON, but not an array: say what it is instead.
        Some(_) => parse_array(text),
    }
}

impl Payload {
    fn failed(items: usize, failure: ValidationFailure) -> Payload {
        Payload {
            items,
            messages: Err(vec![failure]),
        }
    }
}

fn parse_array(text: &str) -> Payload {
    let mut raw_items = Vec::new();
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let structure = RawItems(&mut raw_items)
        .deserialize(&mut deserializer)
        .and_then(|()| deserializer.end());

    let mut messages = Vec::with_capacity(raw_items.len());
    let mut failures = Vec::new();
    // Failures come in the order of the text: positions are found in one pass over it.
    let mut positions = Positions::new(text);
    for (index, raw) in raw_items.iter().enumerate() {
        match parse_item(text, index, raw, &mut positions) {
            Ok(message) => messages.push(message),
            Err(failure) => failures.push(failure),
        }
    }
    if let Err(error) = structure {
        let at = json_net_offset(text, 0, &error);
        let path = path_at(text, at);
        failures.push(invalid_json(text, &path, at, &error, &mut positions));
    } else if raw_items.is_empty() {
        let details = "The array is empty: send one or more Message objects.".to_owned();
        failures.push(whole_payload(details));
    }
    Payload {
        items: raw_items.len(),
        messages: if failures.is_empty() {
            Ok(messages)
        } else {
            Err(failures)
        },
    }
}

/// Reads item `index` of the array, whose text is `raw` inside `text`.
fn parse_item(
    text: &str,
    index: usize,
    raw: &RawValue,
    positions: &mut Positions<'_>,
) -> Result<Message, ValidationFailure> {
    let item = raw.get();
    let mut deserializer = serde_json::Deserializer::from_str(item);
    serde_path_to_error::deserialize::<_, Message>(&mut deserializer).map_err(|error| {
        let start = (item.as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
        let at = json_net_offset(text, start, error.inner());
        let mut path = vec![Segment::Index(index)];
        for segment in error.path().iter() {
            match segment {
                serde_path_to_error::Segment::Seq { index } => path.push(Segment::Index(*index)),
                serde_path_to_error::Segment::Map { key } => path.push(Segment::Key(key)),
                serde_path_to_error::Segment::Enum { variant } => path.push(Segment::Key(variant)),
                serde_path_to_error::Segment::Unknown => {
                    // Only syntax errors leave the path unknown, and the first step found those;
                    // fall back on reading the path from the text.
                    path = path_at(text, at);
                    break;
                }
            }
        }
        invalid_json(text, &path, at, error.inner(), positions)
    })
}

/// Collects the items of a JSON array as raw values, keeping those read before an error.
struct RawItems<'a, 'de>(&'a mut Vec<&'de RawValue>);

impl<'de> DeserializeSeed<'de> for RawItems<'_, 'de> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RawItems<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON array of Message objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(item) = seq.next_element::<&'de RawValue>()? {
            self.0.push(item);
        }
        Ok(())
    }
}

/// One step of a path into the body: `[3]` or `.from`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment<'a> {
    Index(usize),
    Key(&'a str),
}

/// Renders `path` as Json.NET does in its messages: `[0].toa`, empty for the root.
fn json_path(path: &[Segment<'_>]) -> String {
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Index(index) => out.push_str(&format!("[{index}]")),
            Segment::Key(key) if key.chars().all(|c| c.is_alphanumeric() || c == '_') => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Key(key) => out.push_str(&format!("['{key}']")),
        }
    }
    out
}

/// Renders `path` as a failure's `property`: `message[0].toa`.
fn property(path: &[Segment<'_>]) -> Option<String> {
    if path.is_empty() {
        return None;
    }
    let mut out = String::from(SendMessages::ITEM_NAME);
    for segment in path {
        match segment {
            Segment::Index(index) => out.push_str(&format!("[{index}]")),
            Segment::Key(key) => {
                out.push('.');
                out.push_str(key);
            }
        }
    }
    Some(out)
}

/// A problem with the whole payload (no `property`).
fn whole_payload(details: String) -> ValidationFailure {
    ValidationFailure {
        property: None,
        failure_code: FailureCode::from(INVALID_JSON),
        details,
    }
}

/// The failure for a `serde_json` error found at byte `at` of `text`, at `path`.
fn invalid_json(
    text: &str,
    path: &[Segment<'_>],
    at: usize,
    error: &serde_json::Error,
    positions: &mut Positions<'_>,
) -> ValidationFailure {
    let details = format!(
        "{}{}",
        describe(text, at, error),
        positions.at(at).suffix(path)
    );
    ValidationFailure {
        property: property(path),
        failure_code: FailureCode::from(INVALID_JSON),
        details,
    }
}

/// The first sentence of a failure's `details`: Json.NET's wording for the errors it shares with
/// `serde_json`, else `serde_json`'s own.
fn describe(text: &str, at: usize, error: &serde_json::Error) -> String {
    let full = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    let message = full.strip_suffix(&suffix).unwrap_or(&full);
    let quoted = |prefix: &str| {
        message
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_prefix('`'))
            .and_then(|rest| rest.split('`').next())
            .map(str::to_owned)
    };
    let next_char = text.get(at..).and_then(|rest| rest.chars().next());
    if let Some(member) = quoted("unknown field ") {
        format!("Could not find member '{member}' on object of type '{ITEM_TYPE}'.")
    } else if let Some(member) = quoted("missing field ") {
        format!("Required property '{member}' not found in JSON.")
    } else if error.is_eof() {
        "Unexpected end when reading JSON.".to_owned()
    } else if let (true, Some(c)) = (message == "expected value", next_char) {
        format!("Unexpected character encountered while parsing value: {c}.")
    } else if let (true, Some(c)) = (message.starts_with("expected `,` or"), next_char) {
        format!("After parsing a value an unexpected character was encountered: {c}.")
    } else if let (true, Some(c)) = (message == "trailing characters", next_char) {
        format!("Additional text encountered after finished reading JSON content: {c}.")
    } else {
        let mut chars = message.chars();
        let first = chars.next().map(|c| c.to_uppercase().to_string());
        format!("{}{}.", first.unwrap_or_default(), chars.as_str())
    }
}

/// Where Json.NET would say the error is, as a byte offset into `text`: after the last character
/// it consumed. `start` is where the text `error` was found in begins (an item's offset).
///
/// `serde_json` points a syntax error at the offending character and a data error after the
/// token it read; for an unknown member Json.NET has also read the `:` after its name.
fn json_net_offset(text: &str, start: usize, error: &serde_json::Error) -> usize {
    let local = text.get(start..).unwrap_or_default();
    let line_start = if error.line() <= 1 {
        0
    } else {
        local
            .match_indices('\n')
            .nth(error.line() - 2)
            .map_or(local.len(), |(index, _)| index + 1)
    };
    let mut at = (start + line_start + error.column()).min(text.len());
    if error.is_syntax() {
        at = at.saturating_sub(1);
    }
    if error.is_data() && error.to_string().starts_with("unknown field") {
        let rest = text.get(at..).unwrap_or_default();
        let after_space = rest.trim_start_matches(is_json_whitespace);
        at += rest.len() - after_space.len();
        if after_space.starts_with(':') {
            at += 1;
        }
    }
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// A position in Json.NET's terms: a 1-based line, and the number of characters before it on
/// that line.
struct Position {
    line: usize,
    position: usize,
}

impl Position {
    fn at(text: &str, at: usize) -> Position {
        let before = text.get(..at).unwrap_or(text);
        let line_start = before.rfind('\n').map_or(0, |index| index + 1);
        Position {
            line: 1 + before.bytes().filter(|&b| b == b'\n').count(),
            position: before[line_start..].chars().count(),
        }
    }

    /// ` Path '[0].toa', line 3, position 10.`
    fn suffix(&self, path: &[Segment<'_>]) -> String {
        format!(
            " Path '{}', line {}, position {}.",
            json_path(path),
            self.line,
            self.position
        )
    }
}

/// Positions in one text, found by walking it forward from the last one asked for: asked in
/// increasing order (as a body's failures are), all of them together take one pass over the
/// text, so a body with thousands of failures is answered in linear time.
struct Positions<'a> {
    text: &'a str,
    /// The byte offset of the last position found, and that position.
    offset: usize,
    line: usize,
    column: usize,
}

impl<'a> Positions<'a> {
    fn new(text: &'a str) -> Self {
        Positions {
            text,
            offset: 0,
            line: 1,
            column: 0,
        }
    }

    /// The position of byte `at` (a character boundary; clamped to the text).
    fn at(&mut self, at: usize) -> Position {
        let at = at.min(self.text.len());
        if at < self.offset || !self.text.is_char_boundary(at) {
            // Backwards (or inside a character): from the start, as `Position::at` does.
            return Position::at(self.text, at);
        }
        for c in self.text[self.offset..at].chars() {
            if c == '\n' {
                self.line += 1;
                self.column = 0;
            } else {
                self.column += 1;
            }
        }
        self.offset = at;
        Position {
            line: self.line,
            position: self.column,
        }
    }
}

fn is_json_whitespace(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// The path Json.NET's reader would report at byte `at` of `text`: the array indexes and the last
/// member name read in each open container. Used where `serde_json` cannot say (syntax errors).
fn path_at(text: &str, at: usize) -> Vec<Segment<'_>> {
    enum Frame<'a> {
        Array(Option<usize>),
        Object {
            key: Option<&'a str>,
            wants_key: bool,
        },
    }
    fn value_starts(stack: &mut [Frame<'_>]) {
        if let Some(Frame::Array(index)) = stack.last_mut() {
            *index = Some(index.map_or(0, |i| i + 1));
        }
    }

    let bytes = text.as_bytes();
    let end = at.min(bytes.len());
    let mut stack: Vec<Frame<'_>> = Vec::new();
    let mut i = 0;
    while i < end {
        match bytes[i] {
            b'"' => {
                let open = i + 1;
                let mut close = open;
                let mut escaped = false;
                while close < end && (escaped || bytes[close] != b'"') {
                    escaped = !escaped && bytes[close] == b'\\';
                    close += 1;
                }
                match stack.last_mut() {
                    Some(Frame::Object { key, wants_key }) if *wants_key => {
                        *key = text.get(open..close);
                        *wants_key = false;
                    }
                    _ => value_starts(&mut stack),
                }
                i = close + 1;
                continue;
            }
            b'{' => {
                value_starts(&mut stack);
                stack.push(Frame::Object {
                    key: None,
                    wants_key: true,
                });
            }
            b'[' => {
                value_starts(&mut stack);
                stack.push(Frame::Array(None));
            }
            b'}' | b']' => {
                stack.pop();
            }
            b',' => {
                if let Some(Frame::Object { wants_key, .. }) = stack.last_mut() {
                    *wants_key = true;
                }
            }
            b':' | b' ' | b'\t' | b'\n' | b'\r' => {}
            _ => {
                value_starts(&mut stack);
                while i + 1 < end && !b",]} \t\n\r".contains(&bytes[i + 1]) {
                    i += 1;
                }
            }
        }
        i += 1;
    }
    stack
        .iter()
        .filter_map(|frame| match frame {
            Frame::Array(index) => index.map(Segment::Index),
            Frame::Object { key, .. } => key.map(Segment::Key),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failures(body: &str) -> Vec<(Option<String>, String, String)> {
        match parse(body.as_bytes()).messages {
            Ok(messages) => panic!("expected failures, got {messages:?}"),
            Err(failures) => failures
                .into_iter()
                .map(|f| (f.property, f.failure_code.to_string(), f.details))
                .collect(),
        }
    }

    #[test]
    fn the_pages_unknown_member_example_has_its_line_and_position() {
        let body = "[\n  {\n    \"toa\": \"447700900000\",\n    \"from\": \"Example\",\n    \"body\": \"Hi\"\n  },\n  {\n    \"toa\": \"447700900111\",\n    \"from\": \"Example\",\n    \"body\": \"Hi\"\n  }\n]";
        assert_eq!(
            failures(body),
            vec![
                (
                    Some("message[0].toa".to_owned()),
                    "InvalidJson".to_owned(),
                    "Could not find member 'toa' on object of type 'Message'. Path '[0].toa', line 3, position 10.".to_owned()
                ),
                (
                    Some("message[1].toa".to_owned()),
                    "InvalidJson".to_owned(),
                    "Could not find member 'toa' on object of type 'Message'. Path '[1].toa', line 8, position 10.".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn a_missing_comma_is_reported_after_the_last_member_read() {
        // The page's second 400 failure: line 9, position 4, path '[1].body'.
        let body = "[\n  {\n    \"from\": \"Example\",\n    \"to\": \"447700900000\",\n    \"body\": \"Hi\"\n  },\n  {\n    \"body\": \"Hi\"\n    \"from\": \"Example\"\n  }\n]";
        assert_eq!(
            failures(body),
            vec![(
                Some("message[1].body".to_owned()),
                "InvalidJson".to_owned(),
                "After parsing a value an unexpected character was encountered: \". Path '[1].body', line 9, position 4.".to_owned()
            )]
        );
    }

    #[test]
    fn items_before_a_syntax_error_are_still_checked() {
        let body = r#"[{"toa":"1","from":"a","body":"b"},{"to":"1" "from":"a"}]"#;
        let found = failures(body);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].0.as_deref(), Some("message[0].toa"));
        assert_eq!(found[1].0.as_deref(), Some("message[1].to"));
    }

    #[test]
    fn missing_members_and_wrong_types_name_the_item_and_member() {
        let found = failures(r#"[{"to":"1","body":"b"},{"to":5,"from":"a","body":"b"}]"#);
        assert_eq!(
            found,
            vec![
                (
                    Some("message[0]".to_owned()),
                    "InvalidJson".to_owned(),
                    "Required property 'from' not found in JSON. Path '[0]', line 1, position 22."
                        .to_owned()
                ),
                (
                    Some("message[1].to".to_owned()),
                    "InvalidJson".to_owned(),
                    "Invalid type: integer `5`, expected a string. Path '[1].to', line 1, position 30."
                        .to_owned()
                ),
            ]
        );
    }

    #[test]
    fn whole_payload_problems_have_no_property() {
        for body in [
            "",
            "  \n",
            "{\"to\":\"1\"}",
            "[]",
            "\"text\"",
            "[] x",
            "[{",
            "not json",
        ] {
            let found = failures(body);
            assert_eq!(found.len(), 1, "{body:?}: {found:?}");
            assert_eq!(found[0].1, "InvalidJson", "{body:?}");
            if body != "[{" {
                assert_eq!(found[0].0, None, "{body:?}: {found:?}");
            }
        }
    }

    #[test]
    fn end_of_input_inside_an_item_is_reported_at_the_end() {
        assert_eq!(
            failures("[{\"to\":\"5\","),
            vec![(
                Some("message[0].to".to_owned()),
                "InvalidJson".to_owned(),
                "Unexpected end when reading JSON. Path '[0].to', line 1, position 11.".to_owned()
            )]
        );
    }

    #[test]
    fn a_body_that_is_not_json_says_so() {
        assert_eq!(
            failures("\n from=Test"),
            vec![(
                None,
                "InvalidJson".to_owned(),
                "The request body is not JSON: unexpected character 'f'. Path '', line 2, position 1."
                    .to_owned()
            )]
        );
        assert_eq!(
            failures("\"text\"")[0].2,
            "Invalid type: string \"text\", expected a JSON array of Message objects. Path '', line 1, position 6."
        );
        assert_eq!(
            failures("[{\"to\": }]")[0].2,
            "Unexpected character encountered while parsing value: }. Path '[0].to', line 1, position 8."
        );
    }

    #[test]
    fn positions_count_characters_not_bytes() {
        let found = failures("[{\"body\":\"héllo\",\"toa\":1}]");
        assert_eq!(
            found[0].2,
            "Could not find member 'toa' on object of type 'Message'. Path '[0].toa', line 1, position 23."
        );
    }

    #[test]
    fn invalid_utf8_is_one_failure_with_its_position() {
        let payload = parse(b"[\n{\"to\": \"\xff\"}]");
        let failures = payload.messages.expect_err("not UTF-8");
        assert_eq!(failures.len(), 1);
        assert_eq!(
            failures[0].details,
            "The request body is not UTF-8 text. Path '', line 2, position 8."
        );
    }

    #[test]
    fn a_well_formed_array_gives_its_messages_in_order() {
        let payload = parse(
            "\u{feff}[{\"to\":\"1\",\"from\":\"a\",\"body\":\"b\"},{\"to\":\"2\",\"from\":\"a\",\"body\":\"c\"}]"
                .as_bytes(),
        );
        assert_eq!(payload.items, 2);
        let messages = payload.messages.expect("well formed");
        let to: Vec<&str> = messages.iter().map(|m| m.to.as_str()).collect();
        assert_eq!(to, ["1", "2"]);
    }

    #[test]
    fn never_panics_on_cut_or_mangled_bodies() {
        let sample = "\u{feff}[\n {\"to\": \"447700900000\", \"from\": \"Ex\\\"ample\",\r\n  \"body\": \"h\u{e9}llo \u{1f600}\", \"rejectUnicode\": true, \"x\": [1, {\"y\": null}]},\n {\"to\":\"1\",\"from\":\"a\",\"body\":\"b\"}\n]";
        let bytes = sample.as_bytes();
        let check = |body: &[u8]| match parse(body).messages {
            Ok(messages) => assert!(!messages.is_empty()),
            Err(failures) => {
                assert!(!failures.is_empty());
                assert!(
                    failures.iter().all(|f| f.details.ends_with('.')),
                    "{failures:?}"
                );
            }
        };
        for end in 0..=bytes.len() {
            check(&bytes[..end]);
        }
        for index in 0..bytes.len() {
            for replacement in *b"[]{}\",:\\ \n0t\xff" {
                let mut mangled = bytes.to_vec();
                mangled[index] = replacement;
                check(&mangled);
            }
        }
    }

    #[test]
    fn json_path_quotes_unusual_member_names() {
        let path = [Segment::Index(2), Segment::Key("a b"), Segment::Key("c")];
        assert_eq!(json_path(&path), "[2]['a b'].c");
        assert_eq!(property(&path).as_deref(), Some("message[2].a b.c"));
    }

    #[test]
    fn path_at_follows_nesting_and_strings() {
        let text = r#"[1, {"a": "x,\"}", "b": [true, {"c": 2"#;
        let path = path_at(text, text.len());
        assert_eq!(
            path,
            [
                Segment::Index(1),
                Segment::Key("b"),
                Segment::Index(1),
                Segment::Key("c")
            ]
        );
    }
}
