//! Every request and response example in the spec reads into the generated types and writes back
//! as the same JSON: the types and the documented payloads cannot drift apart.

use dynmark_api::validation::Validate;
use dynmark_api::{CredentialsFailure, FailureCode, Message, MessageResult, ValidationFailure};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

const SEND: &str = "/paths/~1webapi~1message~1send/post";
const METHODS: &[&str] = &["get", "post", "put", "patch", "delete"];

fn spec() -> Value {
    serde_json::from_str(dynmark_spec::OPENAPI_JSON).expect("the spec is JSON")
}

/// How the examples of one schema are checked: read as its generated type (or a `Vec` of it) and
/// written back as JSON.
#[derive(Clone, Copy)]
struct RoundTrip {
    one: fn(&Value) -> Result<Value, String>,
    many: fn(&Value) -> Result<Value, String>,
}

impl RoundTrip {
    fn of<T: DeserializeOwned + Serialize>() -> Self {
        RoundTrip {
            one: roundtrip::<T>,
            many: roundtrip::<Vec<T>>,
        }
    }
}

/// Reads `json` as `T` and writes it back.
fn roundtrip<T: DeserializeOwned + Serialize>(json: &Value) -> Result<Value, String> {
    let value: T = serde_json::from_value(json.clone()).map_err(|error| error.to_string())?;
    serde_json::to_value(&value).map_err(|error| error.to_string())
}

/// The generated type of each schema of the spec. Rust cannot pick a type from the spec at run
/// time, so `tests/build.rs` writes this table from the spec: a schema added to the spec is
/// checked with no edit here. An example of a schema the build did not see (only possible in a
/// spec changed at run time, as below) fails [`every_example_in_the_spec_round_trips`].
fn round_trip_of(schema: &str) -> Option<RoundTrip> {
    Some(include!(concat!(env!("OUT_DIR"), "/spec_round_trips.rs")))
}

/// What a media type's (or a component's) schema says an example is.
#[derive(Clone)]
enum Shape {
    /// `{"$ref": "#/components/schemas/X"}`
    One(String),
    /// `{"type": "array", "items": {"$ref": ...}}`
    Many(String),
    /// `{"oneOf": [...]}` (`exactly_one`) or `{"anyOf": [...]}`: the example is exactly one of
    /// them, or at least one (then it is written back as the first that reads it).
    Alternatives {
        shapes: Vec<Shape>,
        exactly_one: bool,
    },
    /// `{"type": "string"}` (a `text/plain` body).
    Text,
}

fn schema_name(reference: &Value) -> Option<String> {
    reference
        .as_str()?
        .strip_prefix("#/components/schemas/")
        .map(str::to_owned)
}

fn shape(schema: &Value) -> Result<Shape, String> {
    if let Some(reference) = schema.get("$ref") {
        return schema_name(reference)
            .map(Shape::One)
            .ok_or_else(|| format!("unexpected $ref {reference}"));
    }
    for (keyword, exactly_one) in [("oneOf", true), ("anyOf", false)] {
        if let Some(alternatives) = schema.get(keyword).and_then(Value::as_array) {
            return alternatives
                .iter()
                .map(shape)
                .collect::<Result<_, _>>()
                .map(|shapes| Shape::Alternatives {
                    shapes,
                    exactly_one,
                });
        }
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("array") => match schema.pointer("/items/$ref").and_then(schema_name) {
            Some(name) => Ok(Shape::Many(name)),
            None => Err(format!("an array of something other than a $ref: {schema}")),
        },
        Some("string") => Ok(Shape::Text),
        _ => Err(format!(
            "a schema this test does not know how to check: {schema}"
        )),
    }
}

/// The JSON names read as aliases (`x-dynmark-aliases`) and the name each is written as.
fn aliases(spec: &Value) -> Vec<(String, String)> {
    let mut aliases = Vec::new();
    let schemas = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    for schema in schemas.into_iter().flat_map(Map::values) {
        let Some(map) = schema.get("x-dynmark-aliases").and_then(Value::as_object) else {
            continue;
        };
        for (property, names) in map {
            for alias in names
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                aliases.push((alias.to_owned(), property.clone()));
            }
        }
    }
    aliases
}

/// `json` as the generated types write it: every alias member renamed to its own name.
fn written_form(json: &Value, aliases: &[(String, String)]) -> Value {
    match json {
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| written_form(item, aliases))
                .collect(),
        ),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, value)| {
                    let key = aliases
                        .iter()
                        .find(|(alias, _)| alias == key)
                        .map_or(key, |(_, name)| name);
                    (key.clone(), written_form(value, aliases))
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Reads `example` as `shape` and writes it back: `Ok` with what was written, or why not.
fn read_as(shape: &Shape, example: &Value) -> Result<Value, String> {
    match shape {
        Shape::One(name) | Shape::Many(name) => {
            let round_trip = round_trip_of(name)
                .ok_or_else(|| format!("schema `{name}` has no generated type in this build"))?;
            let read = if matches!(shape, Shape::One(_)) {
                round_trip.one
            } else {
                round_trip.many
            };
            read(example).map_err(|error| format!("does not read as `{name}`: {error}"))
        }
        Shape::Text if example.is_string() => Ok(example.clone()),
        Shape::Text => Err("is not a string".to_owned()),
        Shape::Alternatives {
            shapes,
            exactly_one,
        } => {
            let keyword = if *exactly_one { "oneOf" } else { "anyOf" };
            let mut read = Vec::new();
            let mut errors = Vec::new();
            for alternative in shapes {
                match read_as(alternative, example) {
                    Ok(written) => read.push(written),
                    // A missing type fails the test even when another alternative reads.
                    Err(error) if error.contains("no generated type") => return Err(error),
                    Err(error) => errors.push(error),
                }
            }
            match read.len() {
                0 => Err(format!(
                    "matches no `{keyword}` alternative: {}",
                    errors.join("; ")
                )),
                1 => Ok(read.remove(0)),
                n if *exactly_one => Err(format!(
                    "matches {n} `{keyword}` alternatives, not exactly one"
                )),
                _ => Ok(read.remove(0)),
            }
        }
    }
}

/// The examples of a media type object (`examples` by name, or a single `example`), with their
/// JSON pointers.
fn media_examples(media: &Value, pointer: &str) -> Vec<(String, Value)> {
    let mut found = Vec::new();
    if let Some(examples) = media.get("examples").and_then(Value::as_object) {
        for (name, example) in examples {
            found.push((
                format!("{pointer}/examples/{name}/value"),
                example["value"].clone(),
            ));
        }
    }
    if let Some(example) = media.get("example") {
        found.push((format!("{pointer}/example"), example.clone()));
    }
    found
}

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Every example of the spec with the shape its schema gives it: the request and response
/// examples of every operation under `paths`, and the `example` of every component schema.
fn all_examples(spec: &Value) -> Vec<(String, Result<Shape, String>, Value)> {
    let mut all = Vec::new();
    let mut media = |content: &Value, pointer: String| {
        for (media_type, media) in content.as_object().into_iter().flatten() {
            let pointer = format!("{pointer}/{}", escape(media_type));
            let shape = shape(&media["schema"]);
            for (at, example) in media_examples(media, &pointer) {
                all.push((at, shape.clone(), example));
            }
        }
    };
    let paths = spec["paths"].as_object().expect("the spec has paths");
    for (path, item) in paths {
        for method in METHODS {
            let Some(operation) = item.get(*method) else {
                continue;
            };
            let pointer = format!("/paths/{}/{method}", escape(path));
            media(
                &operation["requestBody"]["content"],
                format!("{pointer}/requestBody/content"),
            );
            for (status, response) in operation["responses"].as_object().into_iter().flatten() {
                media(
                    &response["content"],
                    format!("{pointer}/responses/{status}/content"),
                );
            }
        }
    }
    let schemas = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    for (name, schema) in schemas.into_iter().flatten() {
        if let Some(example) = schema.get("example") {
            all.push((
                format!("/components/schemas/{}/example", escape(name)),
                Ok(Shape::One(name.clone())),
                example.clone(),
            ));
        }
    }
    all
}

/// Checks every example of `spec`: how many there are, and what is wrong with them (each at its
/// JSON pointer).
fn check_examples(spec: &Value) -> (usize, Vec<String>) {
    let aliases = aliases(spec);
    let examples = all_examples(spec);
    let mut problems = Vec::new();
    for (pointer, shape, example) in &examples {
        let result = shape
            .as_ref()
            .map_err(Clone::clone)
            .and_then(|shape| read_as(shape, example));
        match result {
            Ok(written) if written == written_form(example, &aliases) => {}
            Ok(written) => {
                problems.push(format!("{pointer}: is written back differently: {written}"))
            }
            Err(error) => problems.push(format!("{pointer}: {error}")),
        }
    }
    (examples.len(), problems)
}

/// Every request and response example of every operation (and every schema's `example`) reads
/// into the generated type its schema names and writes back as the same JSON (aliases written
/// under their own names).
#[test]
fn every_example_in_the_spec_round_trips() {
    let spec = spec();
    let (count, problems) = check_examples(&spec);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // 6 request examples, 3 + 2 + 1 response examples of `sendMessages`, at least.
    assert!(count >= 12, "{count}");
    assert_eq!(missing_examples(&spec), [] as [String; 0]);
}

/// Every request body and every 2xx or 400 response with content has an example: they are
/// what this test checks (and what a sandbox can answer with).
fn missing_examples(spec: &Value) -> Vec<String> {
    let mut missing = Vec::new();
    let has_example = |content: &Value| {
        content.as_object().into_iter().flatten().any(|(_, media)| {
            media.get("example").is_some()
                || media
                    .get("examples")
                    .and_then(Value::as_object)
                    .is_some_and(|examples| !examples.is_empty())
        })
    };
    for (path, item) in spec["paths"].as_object().into_iter().flatten() {
        for method in METHODS {
            let Some(operation) = item.get(*method) else {
                continue;
            };
            let pointer = format!("/paths/{}/{method}", escape(path));
            let body = &operation["requestBody"]["content"];
            if !body.is_null() && !has_example(body) {
                missing.push(format!("{pointer}/requestBody"));
            }
            for (status, response) in operation["responses"].as_object().into_iter().flatten() {
                let content = &response["content"];
                let checked = status.starts_with('2') || status == "400";
                if checked && !content.is_null() && !has_example(content) {
                    missing.push(format!("{pointer}/responses/{status}"));
                }
            }
        }
    }
    missing
}

#[test]
fn a_response_without_an_example_is_reported() {
    let mut spec = spec();
    let media = spec
        .pointer_mut(&format!("{SEND}/responses/400/content/application~1json"))
        .and_then(Value::as_object_mut)
        .unwrap();
    media.remove("examples");
    media.remove("example");
    assert_eq!(missing_examples(&spec), [format!("{SEND}/responses/400")]);
}

/// An endpoint added to the spec with examples of a schema the table does not know fails the
/// test above, rather than leaving its examples unchecked.
#[test]
fn an_example_whose_schema_has_no_round_trip_function_fails() {
    let mut spec = spec();
    let (before, _) = check_examples(&spec);
    spec["components"]["schemas"]["Thing"] = serde_json::json!({
        "type": "object", "properties": {"name": {"type": "string"}}
    });
    spec["paths"]["/webapi/thing/create"] = serde_json::json!({"post": {
        "requestBody": {"content": {"application/json": {
            "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}},
            "examples": {"one": {"value": [{"name": "a"}]}}
        }}},
        "responses": {"200": {"description": "ok", "content": {"application/json": {
            "schema": {"oneOf": [
                {"type": "array", "items": {"$ref": "#/components/schemas/MessageResult"}},
                {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}
            ]},
            "example": [{"to": "1", "successful": true}]
        }}}}
    }});
    let (count, problems) = check_examples(&spec);
    assert_eq!(count, before + 2);
    assert_eq!(
        problems,
        [
            "/paths/~1webapi~1thing~1create/post/requestBody/content/application~1json/examples/one/value: schema `Thing` has no generated type in this build",
            "/paths/~1webapi~1thing~1create/post/responses/200/content/application~1json/example: schema `Thing` has no generated type in this build",
        ]
    );
}

#[test]
fn an_example_that_does_not_round_trip_fails() {
    let mut spec = spec();
    let examples = format!("{SEND}/requestBody/content/application~1json/examples");
    spec.pointer_mut(&format!("{examples}/simpleSend/value/0"))
        .unwrap()["toa"] = Value::from("447700900000");
    spec.pointer_mut(&format!(
        "{SEND}/responses/202/content/application~1json/examples/success/value/0"
    ))
    .unwrap()["successful"] = Value::from("yes");
    let (_, problems) = check_examples(&spec);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems[0].contains("simpleSend/value: does not read as `Message`: unknown field `toa`"),
        "{}",
        problems[0]
    );
    assert!(
        problems[1].contains("success/value: matches no `anyOf` alternative"),
        "{}",
        problems[1]
    );
}

/// The examples of one `examples` object, by name.
fn examples(pointer: &str) -> Vec<(String, Value)> {
    let spec = spec();
    let examples = spec
        .pointer(pointer)
        .and_then(Value::as_object)
        .unwrap_or_else(|| panic!("no examples at {pointer}"));
    examples
        .iter()
        .map(|(name, example)| (name.clone(), example["value"].clone()))
        .collect()
}

/// Reads `json` as `T`.
fn read<T: DeserializeOwned>(name: &str, json: &Value) -> T {
    serde_json::from_value(json.clone())
        .unwrap_or_else(|error| panic!("example {name} does not read: {error}"))
}

/// The messages of the request examples pass local validation, the numeric originator with its
/// leading `+` (`+447740101097`, as on Dynmark's page) included.
#[test]
fn request_examples_are_valid_messages() {
    let examples = examples(&format!(
        "{SEND}/requestBody/content/application~1json/examples"
    ));
    assert!(
        examples
            .iter()
            .any(|(_, json)| json[0]["from"] == "+447740101097")
    );
    for (name, json) in &examples {
        let messages: Vec<Message> = read(name, json);
        assert!(!messages.is_empty(), "{name}");
        for message in &messages {
            assert_eq!(message.validate(), Ok(()), "{name}");
        }
    }
}

#[test]
fn the_scheduled_example_keeps_its_utc_times() {
    let examples = examples(&format!(
        "{SEND}/requestBody/content/application~1json/examples"
    ));
    let (_, json) = examples
        .iter()
        .find(|(name, _)| name == "scheduledDelivery")
        .unwrap();
    let messages: Vec<Message> = read("scheduledDelivery", json);
    let message = &messages[0];
    assert_eq!(
        message.deliver_after.map(|t| t.to_rfc3339()),
        Some("2015-10-05T12:57:00.543+00:00".to_owned())
    );
    assert!(message.valid_until > message.deliver_after);
}

#[test]
fn accepted_examples_are_results_or_a_credentials_failure() {
    let examples = examples(&format!(
        "{SEND}/responses/202/content/application~1json/examples"
    ));
    let names: Vec<&str> = examples.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["success", "error", "credentialsFailure"]);
    for (name, json) in &examples {
        if name == "credentialsFailure" {
            let failures: Vec<CredentialsFailure> = read(name, json);
            assert_eq!(
                failures[0].failure_description,
                "Unable to logon with credentials given"
            );
        } else {
            let results: Vec<MessageResult> = read(name, json);
            assert_eq!(results[0].successful, name == "success");
        }
    }
}

#[test]
fn the_error_example_reports_a_known_failure_code() {
    let examples = examples(&format!(
        "{SEND}/responses/202/content/application~1json/examples"
    ));
    let (_, json) = examples.iter().find(|(name, _)| name == "error").unwrap();
    let results: Vec<MessageResult> = read("error", json);
    let failures = results[0]
        .validation_failures
        .as_deref()
        .unwrap_or_default();
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].property.as_deref(), Some("from"));
    assert_eq!(failures[0].failure_code, FailureCode::FromEmpty);
}

/// Both 400 examples carry their codes (the page's other block spells the member `failureKey`: the
/// example shows it under the declared name, and its description says so; the alias itself is
/// read in `failure_key_is_read_as_failure_code` below).
#[test]
fn bad_request_examples_carry_their_codes() {
    let examples = examples(&format!(
        "{SEND}/responses/400/content/application~1json/examples"
    ));
    let names: Vec<&str> = examples.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["invalidJson", "errBadJson"]);
    for (name, json) in &examples {
        let failures: Vec<ValidationFailure> = read(name, json);
        let code = if name == "errBadJson" {
            FailureCode::ErrBadJson
        } else {
            FailureCode::InvalidJson
        };
        assert!(
            failures.iter().all(|failure| failure.failure_code == code),
            "{name}"
        );
    }
}

#[test]
fn the_unauthorized_example_is_plain_text() {
    let examples = examples(&format!(
        "{SEND}/responses/401/content/text~1plain/examples"
    ));
    assert_eq!(examples.len(), 1);
    assert_eq!(
        examples[0].1,
        "No authorization header supplied or invalid username or password"
    );
}

/// Every code in the spec's `FailureCode` list is a known variant, written back unchanged; any
/// other code is kept as it came.
#[test]
fn failure_codes_in_the_spec_are_known_and_others_are_kept() {
    let spec = spec();
    let codes = spec
        .pointer("/components/schemas/FailureCode/anyOf/0/enum")
        .and_then(Value::as_array)
        .expect("FailureCode lists its codes");
    for code in codes {
        let parsed: FailureCode = serde_json::from_value(code.clone()).unwrap();
        assert!(parsed.is_known(), "{code}");
        assert_eq!(&serde_json::to_value(&parsed).unwrap(), code);
    }
    let unknown: FailureCode = serde_json::from_value(Value::from("ToTooFunny")).unwrap();
    assert!(matches!(&unknown, FailureCode::Other(value) if value.as_str() == "ToTooFunny"));
    assert!(!unknown.is_known());
    assert_eq!(unknown.to_string(), "ToTooFunny");
}

/// `Message` refuses members the service does not know, as the service does (`toa` in the 400
/// example).
#[test]
fn a_message_with_an_unknown_member_does_not_read() {
    let json = serde_json::json!({"from": "Example", "toa": "447700900000", "body": "Hi"});
    let error = serde_json::from_value::<Message>(json).unwrap_err();
    assert!(error.to_string().contains("unknown field `toa`"), "{error}");
}

/// The page's other 400 block sends the code as `failureKey`: it reads as `failureCode` and is
/// written back under the declared name.
#[test]
fn failure_key_is_read_as_failure_code() {
    let example = examples(&format!(
        "{SEND}/responses/400/content/application~1json/examples"
    ))
    .into_iter()
    .find(|(name, _)| name == "errBadJson")
    .expect("the errBadJson example")
    .1;
    let description = spec()
        .pointer(&format!(
            "{SEND}/responses/400/content/application~1json/examples/errBadJson/description"
        ))
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_default();
    assert!(description.contains("`failureKey`"), "{description}");
    // The page's spelling: every `failureCode` member renamed `failureKey`.
    let as_captured = serde_json::to_string(&example)
        .unwrap()
        .replace("\"failureCode\"", "\"failureKey\"");
    assert!(
        as_captured.contains("\"failureKey\":\"ErrBadJson\""),
        "{as_captured}"
    );
    let failures: Vec<ValidationFailure> = serde_json::from_str(&as_captured).unwrap();
    assert_eq!(failures.len(), 3);
    assert!(
        failures
            .iter()
            .all(|failure| failure.failure_code == FailureCode::ErrBadJson)
    );
    assert_eq!(serde_json::to_value(&failures).unwrap(), example);
}
