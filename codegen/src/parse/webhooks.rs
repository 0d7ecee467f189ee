//! Requests Dynmark sends to you: an operation's `callbacks` (the delivery receipt sent to each
//! message's `deliveryStatusUrl`) and the document's `x-dynmark-webhooks` (the inbound message,
//! as OpenAPI 3.1's `webhooks`). They are read against a small subset (a `get` whose
//! parameters are all query parameters of `type: string` or `integer`) into
//! [`RequestToYou`]s: the parameter tables `dynmark_api::receipts` reads queries with.

use super::Reader;
use super::node::Node;
use crate::model::{QueryKind, QueryParameter, RequestToYou};

const CALLBACK_PATH_ITEM_KEYS: &[&str] = &["summary", "description", "get"];
const CALLBACK_OPERATION_KEYS: &[&str] = &[
    "operationId",
    "summary",
    "description",
    "parameters",
    "responses",
    // `[]`: Dynmark's requests carry no credentials (linters ask that it be said).
    "security",
];
const QUERY_PARAMETER_KEYS: &[&str] =
    &["name", "in", "required", "description", "schema", "example"];
const QUERY_STRING_KEYS: &[&str] = &[
    "type",
    "description",
    "minLength",
    "maxLength",
    "x-dynmark-date-time-formats",
];
const QUERY_INTEGER_KEYS: &[&str] = &["type", "format", "description"];

impl Reader {
    /// An operation's `callbacks`: a name to a map of URL expressions to path items.
    pub(super) fn callbacks(&mut self, callbacks: &Node<'_>) {
        if self.object(callbacks).is_none() {
            return;
        }
        for (_, callback) in callbacks.entries() {
            if self.object(&callback).is_none() {
                continue;
            }
            for (_, item) in callback.entries() {
                if let Some(request) = self.request_to_you(&item) {
                    self.requests_to_you.push(request);
                }
            }
        }
    }

    /// The document's `x-dynmark-webhooks`: a name to a path item.
    pub(super) fn webhooks(&mut self, webhooks: &Node<'_>) {
        if self.object(webhooks).is_none() {
            return;
        }
        for (_, item) in webhooks.entries() {
            if let Some(request) = self.request_to_you(&item) {
                self.requests_to_you.push(request);
            }
        }
    }

    /// A path item of a callback or webhook: one `get` with query parameters.
    fn request_to_you(&mut self, item: &Node<'_>) -> Option<RequestToYou> {
        self.object(item)?;
        self.check_keys(item, CALLBACK_PATH_ITEM_KEYS);
        let Some(get) = item.get("get") else {
            return self.fail(
                item.pointer.clone(),
                "needs a `get`: Dynmark forwards receipts and messages as GET requests",
            );
        };
        self.object(&get)?;
        self.check_keys(&get, CALLBACK_OPERATION_KEYS);
        let operation_id = self.required_string(&get, "operationId");
        if let Some(id) = operation_id
            && self.requests_to_you.iter().any(|r| r.operation_id == id)
        {
            self.fail::<()>(
                get.pointer_of("operationId"),
                format!("{id:?} is used twice"),
            );
        }
        if get.get("responses").is_none() {
            self.fail::<()>(get.pointer_of("responses"), "is missing; it is required");
        }
        let Some(parameters) = get.get("parameters") else {
            return self.fail(
                get.pointer_of("parameters"),
                "is missing: the query parameters are what Dynmark sends",
            );
        };
        if !parameters.value.is_array() {
            return self.fail(
                parameters.pointer.clone(),
                "expected an array of parameters",
            );
        }
        let mut read: Vec<QueryParameter> = Vec::new();
        let mut complete = true;
        for parameter in parameters.items() {
            let Some(query) = self.query_parameter(&parameter) else {
                complete = false;
                continue;
            };
            if read.iter().any(|other| other.name == query.name) {
                self.fail::<()>(
                    parameter.pointer_of("name"),
                    format!("{:?} is listed twice", query.name),
                );
            }
            read.push(query);
        }
        let operation_id = operation_id?.to_owned();
        complete.then_some(RequestToYou {
            operation_id,
            parameters: read,
        })
    }

    /// One query parameter.
    fn query_parameter(&mut self, parameter: &Node<'_>) -> Option<QueryParameter> {
        self.object(parameter)?;
        self.check_keys(parameter, QUERY_PARAMETER_KEYS);
        let name = self.required_string(parameter, "name");
        if let Some(place) = self.required_string(parameter, "in")
            && place != "query"
        {
            self.fail::<()>(
                parameter.pointer_of("in"),
                format!("{place:?} is not supported; supported: \"query\""),
            );
        }
        let required = match parameter.get("required") {
            None => false,
            Some(required) => match required.value.as_bool() {
                Some(required) => required,
                None => self.fail(required.pointer.clone(), "expected true or false")?,
            },
        };
        let Some(schema) = parameter.get("schema") else {
            return self.fail(parameter.pointer_of("schema"), "is missing; it is required");
        };
        self.object(&schema)?;
        let (kind, non_empty) = match self.required_string(&schema, "type")? {
            "string" => {
                self.check_keys(&schema, QUERY_STRING_KEYS);
                if let Some(node) = schema.get("maxLength") {
                    self.count(&node);
                }
                let min_length = match schema.get("minLength") {
                    Some(node) => self.count(&node).unwrap_or(0),
                    None => 0,
                };
                match schema.get("x-dynmark-date-time-formats") {
                    Some(formats) => (QueryKind::DateTime(self.date_time_formats(&formats)?), true),
                    None => (QueryKind::Text, min_length >= 1),
                }
            }
            "integer" => {
                self.check_keys(&schema, QUERY_INTEGER_KEYS);
                if let Some(format) = self.optional_string(&schema, "format")
                    && format != "int64"
                {
                    self.fail::<()>(
                        schema.pointer_of("format"),
                        format!("{format:?} is not supported; supported: \"int64\""),
                    );
                }
                (QueryKind::Integer, true)
            }
            other => {
                return self.fail(
                    schema.pointer_of("type"),
                    format!(
                        "{other:?} is not supported for a query parameter; supported: string, integer"
                    ),
                );
            }
        };
        Some(QueryParameter {
            name: name?.to_owned(),
            required,
            non_empty,
            kind,
        })
    }

    /// `x-dynmark-date-time-formats`: a non-empty array of Java `SimpleDateFormat` patterns,
    /// as `chrono` patterns.
    fn date_time_formats(&mut self, formats: &Node<'_>) -> Option<Vec<String>> {
        let patterns = formats.items();
        if !formats.value.is_array() || patterns.is_empty() {
            return self.fail(
                formats.pointer.clone(),
                "expected a non-empty array of date-time patterns (`yyyy-MM-dd'T'HH:mm:ss.SSS`)",
            );
        }
        let mut converted = Vec::new();
        let mut complete = true;
        for pattern in patterns {
            let Some(java) = self.string(&pattern) else {
                complete = false;
                continue;
            };
            match chrono_pattern(java) {
                Ok(chrono) => converted.push(chrono),
                Err(problem) => {
                    complete = false;
                    self.fail::<()>(pattern.pointer.clone(), problem);
                }
            }
        }
        complete.then_some(converted)
    }
}

/// A Java `SimpleDateFormat` pattern (the samples' notation) as a `chrono` one: `yyyy`, `MM`,
/// `MMM`, `dd`, `HH`, `mm`, `ss`, `.SSS` (an optional fraction, `%.f`), quoted literals
/// (`'T'`), other non-letters as themselves.
fn chrono_pattern(java: &str) -> Result<String, String> {
    const SUPPORTED: &str =
        "supported: yyyy, MM, MMM, dd, HH, mm, ss, .SSS, quoted literals ('T') and non-letters";
    if java.is_empty() {
        return Err("a pattern must not be empty".into());
    }
    let chars: Vec<char> = java.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            let Some(end) = chars[i + 1..].iter().position(|&q| q == '\'') else {
                return Err(format!("{java:?} has an unclosed quote; {SUPPORTED}"));
            };
            for &literal in &chars[i + 1..i + 1 + end] {
                push_literal(&mut out, literal);
            }
            i += end + 2;
            continue;
        }
        if c == '.' && chars[i + 1..].starts_with(&['S', 'S', 'S']) {
            out.push_str("%.f");
            i += 4;
            continue;
        }
        if !c.is_ascii_alphabetic() {
            push_literal(&mut out, c);
            i += 1;
            continue;
        }
        let run = chars[i..].iter().take_while(|&&d| d == c).count();
        let token: String = chars[i..i + run].iter().collect();
        out.push_str(match token.as_str() {
            "yyyy" => "%Y",
            "MM" => "%m",
            "MMM" => "%b",
            "dd" => "%d",
            "HH" => "%H",
            "mm" => "%M",
            "ss" => "%S",
            _ => return Err(format!("{java:?}: `{token}` is not supported; {SUPPORTED}")),
        });
        i += run;
    }
    Ok(out)
}

fn push_literal(out: &mut String, c: char) {
    if c == '%' {
        out.push_str("%%");
    } else {
        out.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::chrono_pattern;

    #[test]
    fn java_patterns_become_chrono_patterns() {
        for (java, chrono) in [
            ("yyyy-MM-dd'T'HH:mm:ss.SSS", "%Y-%m-%dT%H:%M:%S%.f"),
            ("yyyy-MM-dd'T'HH:mm:ss'Z'", "%Y-%m-%dT%H:%M:%SZ"),
            ("dd MMM yyyy HH:mm:ss", "%d %b %Y %H:%M:%S"),
            ("'100%' yyyy", "100%% %Y"),
        ] {
            assert_eq!(chrono_pattern(java).as_deref(), Ok(chrono), "{java}");
        }
        for java in ["", "yy-MM-dd", "yyyy 'T", "EEE dd"] {
            assert!(chrono_pattern(java).is_err(), "{java}");
        }
    }
}
