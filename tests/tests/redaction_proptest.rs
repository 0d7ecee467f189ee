//! Random secrets (1 to 64 characters, quotes, backslashes, `%`, `+`, spaces, non-ASCII) echoed
//! by the service in random encodings at random positions, in every text of an answer that can
//! reach an error or a report: a 400's failures (`property`, `details`, an unknown code), a
//! 202's per-message failures (rejected and accepted-with-failures), a status's body and
//! `Content-Type`, a 401's text, an unreadable 2xx, the `failureDescription` answer, a body cut
//! by the size bound. No output (`Display`, `Debug`, the report's JSON) shows a secret.
//!
//! The echo is delimited by `|` (a short secret is only redacted where it stands alone; see
//! `dynmark_api::redact`): for one shorter than `ANYWHERE_BYTES` the check is that `|secret|`
//! does not appear in any spelling; for a longer one that the secret appears nowhere.

use dynmark_api::operations::SendMessages;
use std::time::Instant;

use dynmark_api::protocol::{
    BaseUrl, Batch, BatchOptions, BodyBuffer, Collector, Endpoint, HttpResponse,
};
use dynmark_api::redact::ANYWHERE_BYTES;
use dynmark_api::{Credentials, Message};
use proptest::prelude::*;

/// How the service spelled the echo.
#[derive(Debug, Clone, Copy)]
enum Encoding {
    Raw,
    JsonEscaped,
    JsonUnicode,
    PercentUpper,
    PercentLower,
    PercentEveryByte,
    PercentThenJson,
}

fn encode(secret: &str, encoding: Encoding) -> String {
    match encoding {
        Encoding::Raw => secret.to_owned(),
        Encoding::JsonEscaped => json_inner(secret),
        Encoding::JsonUnicode => secret
            .encode_utf16()
            .map(|unit| format!("\\u{unit:04x}"))
            .collect(),
        Encoding::PercentUpper => percent(secret, false, false),
        Encoding::PercentLower => percent(secret, true, false),
        Encoding::PercentEveryByte => percent(secret, false, true),
        Encoding::PercentThenJson => json_inner(&percent(secret, false, false)),
    }
}

fn json_inner(text: &str) -> String {
    let quoted = serde_json::to_string(text).unwrap();
    quoted[1..quoted.len() - 1].to_owned()
}

fn percent(text: &str, lower: bool, every: bool) -> String {
    let mut out = String::new();
    for &byte in text.as_bytes() {
        if !every && (byte.is_ascii_alphanumeric() || b"-._~".contains(&byte)) {
            out.push(byte as char);
        } else if lower {
            out.push_str(&format!("%{byte:02x}"));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The spellings of `secret` an output could show it in.
fn shown_forms(secret: &str) -> Vec<String> {
    let debug = format!("{secret:?}");
    let mut forms = vec![
        secret.to_owned(),
        json_inner(secret),
        debug[1..debug.len() - 1].to_owned(),
        percent(secret, false, false),
        // Debug of JSON (an error's `Debug` of a JSON-escaped echo).
        {
            let d = format!("{:?}", json_inner(secret));
            d[1..d.len() - 1].to_owned()
        },
    ];
    forms.sort();
    forms.dedup();
    forms
}

fn assert_hidden(output: &str, secrets: &[String], what: &str) {
    for secret in secrets {
        let anywhere = secret.len() >= ANYWHERE_BYTES;
        for form in shown_forms(secret) {
            let leaked = if anywhere {
                output.contains(&form)
            } else {
                output.contains(&format!("|{form}|"))
            };
            assert!(
                !leaked,
                "{what}: secret {secret:?} shown as {form:?} in:\n{output}"
            );
        }
    }
}

/// Where a text was cut, it does not end with `|` and the start of a secret.
fn assert_no_partial_at_end(text: &str, secrets: &[String], what: &str) {
    for secret in secrets {
        for form in shown_forms(secret) {
            for (len, _) in form.char_indices().skip(1) {
                let partial = format!("|{}", &form[..len]);
                assert!(
                    !text.ends_with(&partial),
                    "{what}: ends with the start of {secret:?} ({partial:?}): {text:?}"
                );
            }
        }
    }
}

fn secret() -> impl Strategy<Value = String> {
    let chars = prop_oneof![
        8 => proptest::char::range('a', 'z'),
        3 => proptest::char::range('0', '9'),
        3 => proptest::char::range('A', 'Z'),
        4 => proptest::sample::select(vec!['"', '\\', '%', '+', ' ', '/', '!', '&', '=', ':', '\'']),
        1 => proptest::sample::select(vec!['é', 'ß', '€', '😀']),
    ];
    proptest::collection::vec(chars, 1..=64).prop_map(|chars| chars.into_iter().collect())
}

fn filler() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 ,.:=]{0,600}"
}

fn encoding() -> impl Strategy<Value = Encoding> {
    proptest::sample::select(vec![
        Encoding::Raw,
        Encoding::JsonEscaped,
        Encoding::JsonUnicode,
        Encoding::PercentUpper,
        Encoding::PercentLower,
        Encoding::PercentEveryByte,
        Encoding::PercentThenJson,
    ])
}

fn endpoint(password: &str, limit: usize) -> Endpoint {
    Endpoint::new(
        BaseUrl::parse("http://127.0.0.1:1", false).unwrap(),
        Credentials::new("user", password),
    )
    .with_max_response_body(limit)
}

/// The secrets of `password`: itself and the `Authorization` value's Base64.
fn secrets(password: &str) -> Vec<String> {
    use std::fmt::Write as _;
    // Base64 by hand (the tests do not depend on the base64 crate).
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let input = format!("user:{password}");
    let mut token = String::new();
    for chunk in input.as_bytes().chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                let _ = write!(
                    token,
                    "{}",
                    ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char
                );
            } else {
                token.push('=');
            }
        }
    }
    vec![password.to_owned(), token]
}

/// Everything a caller can see of a send whose one call got `response`: the events, the
/// report and the error.
fn send_outputs(endpoint: &Endpoint, response: &HttpResponse, items: usize) -> String {
    let mut messages = (0..items)
        .map(|i| {
            Message::to(format!("4477009{i:05}"))
                .from("Example")
                .body("hello")
        })
        .collect::<Vec<_>>()
        .into_iter();
    let mut batch = Batch::<SendMessages>::new(BatchOptions::default(), 1);
    let mut collector = Collector::new();
    let mut events = String::new();
    while !batch.is_done() {
        batch.fill(&mut messages);
        if let Some(call) = batch.poll_call(endpoint, Instant::now()) {
            let result = endpoint.parse_response::<SendMessages>(response, call.items);
            batch.record(call.index, result, 1);
        }
        while let Some(event) = batch.poll_event() {
            events.push_str(&format!("{event:?}\n"));
            collector.add(event);
        }
    }
    let shown = match collector.finish() {
        Ok(report) => format!(
            "{report}\n{report:?}\n{}",
            serde_json::to_string(&report).unwrap()
        ),
        Err(error) => format!(
            "{error}\n{error:?}\n{}\n{}",
            error.report(),
            serde_json::to_string(error.report()).unwrap()
        ),
    };
    format!("{events}{shown}")
}

/// A JSON string field holding `before|echo|after`.
fn field(before: &str, echo: &str, after: &str) -> serde_json::Value {
    serde_json::Value::String(format!("{before}|{echo}|{after}"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn failures_of_a_400_and_a_202_never_show_a_secret(
        password in secret(),
        which in 0usize..2,
        encoding in encoding(),
        before in filler(),
        after in filler(),
        place in 0usize..3,
        many in 1usize..30,
    ) {
        let endpoint = endpoint(&password, 4 << 20);
        let secrets = secrets(&password);
        let echo = encode(&secrets[which], encoding);
        let echoed = field(&before, &echo, &after);
        let plain = serde_json::Value::String("x".into());
        let failure = |i: usize| {
            let mut failure = serde_json::json!({
                "property": format!("message[{}].body", i % 2),
                "failureCode": "BodyTooLong",
                "details": "too long",
            });
            let key = ["property", "details", "failureCode"][place];
            failure[key] = echoed.clone();
            if place == 2 {
                failure["details"] = plain.clone();
            }
            failure
        };
        // A 400 listing `many` failures.
        let body: Vec<_> = (0..many).map(failure).collect();
        let response = HttpResponse::new(400, Some("application/json".into()), serde_json::to_vec(&body).unwrap());
        let error = endpoint.parse_response::<SendMessages>(&response, 2).unwrap_err();
        assert_hidden(&format!("{error}\n{error:?}"), &secrets, "400 error");
        assert_hidden(&send_outputs(&endpoint, &response, 2), &secrets, "400 send");
        // A 202: one message rejected, one accepted with failures.
        let results = serde_json::json!([
            {"to": "447700900000", "successful": false, "validationFailures": (0..many).map(failure).collect::<Vec<_>>()},
            {"to": "447700900001", "successful": true, "validationFailures": [failure(0)]},
        ]);
        let response = HttpResponse::new(202, Some("application/json".into()), serde_json::to_vec(&results).unwrap());
        assert_hidden(&send_outputs(&endpoint, &response, 2), &secrets, "202 send");
        // A 202 whose second result cannot be read: its excerpt and reason are quoted.
        let results = serde_json::json!([
            {"to": "447700900000", "successful": true},
            {"to": 5, "successful": "yes", "echo": echoed.clone()},
        ]);
        let response = HttpResponse::new(202, Some("application/json".into()), serde_json::to_vec(&results).unwrap());
        let parsed = endpoint.parse_response::<SendMessages>(&response, 2);
        let outputs = format!("{parsed:?}\n{}", send_outputs(&endpoint, &response, 2));
        prop_assert!(outputs.contains("UnreadableResult { reason"), "{}", outputs);
        prop_assert!(outputs.contains("UnreadableResult"), "{}", outputs);
        assert_hidden(&outputs, &secrets, "unreadable 202 result");
    }

    #[test]
    fn bodies_and_headers_never_show_a_secret(
        password in secret(),
        which in 0usize..2,
        encoding in encoding(),
        before in filler(),
        after in filler(),
        status in proptest::sample::select(vec![200u16, 202, 301, 400, 401, 404, 429, 500, 503]),
        limit in 16usize..1200,
    ) {
        let secrets = secrets(&password);
        let echo = encode(&secrets[which], encoding);
        let body = format!("{before}|{echo}|{after}");
        let content_type = format!("text/plain; echo=|{echo}|");
        // Read whole.
        let endpoint = endpoint(&password, 4 << 20);
        let response = HttpResponse::new(status, Some(content_type.clone()), body.clone().into_bytes());
        let error = endpoint.parse_response::<SendMessages>(&response, 1).unwrap_err();
        assert_hidden(&format!("{error}\n{error:?}"), &secrets, "whole body");
        assert_hidden(&send_outputs(&endpoint, &response, 1), &secrets, "whole body send");
        // The credentials-failure answer of a 202.
        let refused = serde_json::to_vec(&serde_json::json!([{"failureDescription": body}])).unwrap();
        let response = HttpResponse::new(202, Some("application/json".into()), refused);
        let error = endpoint.parse_response::<SendMessages>(&response, 1).unwrap_err();
        assert_hidden(&format!("{error}\n{error:?}"), &secrets, "failureDescription");
        // Cut by the size bound, anywhere.
        let endpoint = self::endpoint(&password, limit);
        let mut buffer = BodyBuffer::new(&endpoint, status, Some(content_type), None).unwrap();
        if let Err(error) = buffer.push(body.as_bytes()) {
            let shown = format!("{error}\n{error:?}");
            assert_hidden(&shown, &secrets, "cut body");
            let text = shown.lines().next().unwrap().trim_end_matches('…');
            assert_no_partial_at_end(text, &secrets, "cut body");
        }
    }
}

#[test]
fn a_short_secret_is_not_revealed_by_the_pattern_of_its_replacement() {
    // What the issue found: the password `e` turned a 503's text into `S<redacted>rvic<redacted>`.
    let endpoint = endpoint("e", 4 << 20);
    let response = HttpResponse::new(503, Some("text/plain".into()), "Service Unavailable");
    let error = endpoint
        .parse_response::<SendMessages>(&response, 1)
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "the service answered HTTP 503 (text/plain): Service Unavailable"
    );
    // Its echo is still redacted.
    let response = HttpResponse::new(503, None, r#"{"password":"e","user":"user"}"#);
    let error = endpoint
        .parse_response::<SendMessages>(&response, 1)
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        r#"the service answered HTTP 503: {"password":"<redacted>","user":"user"}"#
    );
}

#[test]
fn a_failure_list_is_bounded() {
    // What the issue found: a 1 MiB `details` gave a 1 MiB error message.
    let endpoint = endpoint("long-password", 4 << 20);
    let body = serde_json::to_vec(&serde_json::json!([{
        "property": "message[0].body",
        "failureCode": "BodyTooLong",
        "details": "d".repeat(1 << 20),
    }]))
    .unwrap();
    let response = HttpResponse::new(400, Some("application/json".into()), body);
    let error = endpoint
        .parse_response::<SendMessages>(&response, 1)
        .unwrap_err();
    assert!(
        error.to_string().len() < 1200,
        "{}",
        error.to_string().len()
    );
    // Many failures: the line shows ten and counts the rest.
    let failures: Vec<_> = (0..1000)
        .map(|i| serde_json::json!({"property": format!("message[0].p{i}"), "failureCode": "X", "details": "d"}))
        .collect();
    let response = HttpResponse::new(
        400,
        Some("application/json".into()),
        serde_json::to_vec(&failures).unwrap(),
    );
    let error = endpoint
        .parse_response::<SendMessages>(&response, 1)
        .unwrap_err();
    let shown = error.to_string();
    assert!(shown.contains("1000 failure(s)"), "{shown}");
    assert!(shown.ends_with("; …and 990 more"), "{shown}");
    assert!(shown.len() < 1200, "{}", shown.len());
}
