//! Operations served from the spec alone: an endpoint added to the OpenAPI document, with no
//! hand-written sandbox code, is answered from its documented examples once its request passes
//! the document's schemas.
//!
//! For a request to such an operation the sandbox checks, in order: HTTP Basic credentials when
//! the operation (or the document) requires security (`401`, the documented text); the path and
//! query parameters and the JSON body against their schemas ([`schema`](super::schema); `400`,
//! an array of `InvalidJson` failures, one per problem, each naming its place); then it answers
//! the lowest documented 2xx status with its first example (by name), as JSON or text, or with
//! no body when that response has no content. A `Prefer: code=201, example=name` header (the
//! convention of the Prism mock server) picks another documented status or example. A response
//! that has content but no example cannot be answered from the spec: that is a `501`, whose text
//! says what to add.

use serde_json::{Map, Value};

use super::answer::{Answer, JSON, TEXT, UNAUTHORIZED};
use super::auth::Credentials;
use super::schema::{self, Violation};
use crate::{FailureCode, ValidationFailure};

/// The methods an OpenAPI path item may hold, as the sandbox serves them.
const METHODS: &[&str] = &["get", "put", "post", "delete", "patch"];

/// The operations of one OpenAPI document.
#[derive(Debug, Default)]
pub(crate) struct SpecApi {
    document: Value,
    pub(crate) operations: Vec<SpecOperation>,
}

/// One operation: where it is, and what its request and answers look like.
#[derive(Debug)]
pub(crate) struct SpecOperation {
    /// `POST`, `PUT`, ...
    pub(crate) method: String,
    pub(crate) template: PathTemplate,
    secured: bool,
    parameters: Vec<Parameter>,
    body: Option<Body>,
    /// By status, lowest first.
    responses: Vec<(u16, Value)>,
}

#[derive(Debug)]
struct Parameter {
    name: String,
    in_path: bool,
    required: bool,
    schema: Value,
}

#[derive(Debug)]
struct Body {
    required: bool,
    /// The `application/json` schema.
    schema: Value,
}

/// A path of the spec, `/webapi/verify/{requestId}/validate`, matched as Dynmark's routing does:
/// literal segments without regard to case, an optional trailing `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PathTemplate(Vec<Segment>);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Parameter(String),
}

impl PathTemplate {
    pub(crate) fn parse(template: &str) -> PathTemplate {
        PathTemplate(
            segments(template)
                .map(|segment| {
                    match segment
                        .strip_prefix('{')
                        .and_then(|rest| rest.strip_suffix('}'))
                    {
                        Some(name) => Segment::Parameter(name.to_owned()),
                        None => Segment::Literal(segment.to_ascii_lowercase()),
                    }
                })
                .collect(),
        )
    }

    /// The path parameters' names and (percent-decoded) values when `path` matches.
    pub(crate) fn matches(&self, path: &str) -> Option<Vec<(String, String)>> {
        let given: Vec<&str> = segments(path).collect();
        if given.len() != self.0.len() {
            return None;
        }
        let mut parameters = Vec::new();
        for (segment, given) in self.0.iter().zip(given) {
            match segment {
                Segment::Literal(literal) if literal.eq_ignore_ascii_case(given) => {}
                Segment::Literal(_) => return None,
                Segment::Parameter(_) if given.is_empty() => return None,
                Segment::Parameter(name) => parameters.push((name.clone(), percent_decode(given))),
            }
        }
        Some(parameters)
    }

    /// Whether both name the same paths (parameter names aside).
    pub(crate) fn same_shape(&self, other: &PathTemplate) -> bool {
        self.0.len() == other.0.len()
            && self.0.iter().zip(&other.0).all(|pair| match pair {
                (Segment::Literal(a), Segment::Literal(b)) => a == b,
                (Segment::Parameter(_), Segment::Parameter(_)) => true,
                _ => false,
            })
    }
}

/// The segments after the leading `/`, without a trailing empty one.
fn segments(path: &str) -> impl Iterator<Item = &str> {
    let path = path.strip_prefix('/').unwrap_or(path);
    let path = path.strip_suffix('/').unwrap_or(path);
    path.split('/')
}

fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = |at: usize| {
            bytes
                .get(at)
                .and_then(|&b| char::from(b).to_digit(16))
                .and_then(|d| u8::try_from(d).ok())
        };
        match (bytes[index], hex(index + 1), hex(index + 2)) {
            (b'%', Some(high), Some(low)) => {
                decoded.push(high * 16 + low);
                index += 3;
            }
            (byte, _, _) => {
                decoded.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

impl SpecApi {
    /// Reads the operations of `spec` (OpenAPI 3.0 JSON).
    pub(crate) fn parse(spec: &str) -> Result<SpecApi, String> {
        let document: Value =
            serde_json::from_str(spec).map_err(|error| format!("the spec is not JSON: {error}"))?;
        let secured_by_default = is_secured(document.get("security"));
        let mut operations = Vec::new();
        let paths = document
            .get("paths")
            .and_then(Value::as_object)
            .ok_or("the spec has no `paths` object")?;
        for (path, item) in paths {
            let template = PathTemplate::parse(path);
            let shared = parameters(item.get("parameters"), &document, path)?;
            for method in METHODS {
                let Some(operation) = item.get(*method) else {
                    continue;
                };
                let at = format!("{} {path}", method.to_ascii_uppercase());
                let mut parameters = shared.clone_all();
                for parameter in parameters_of(operation.get("parameters"), &document, &at)? {
                    parameters.retain(|p| p.name != parameter.name);
                    parameters.push(parameter);
                }
                let secured = match operation.get("security") {
                    Some(security) => is_secured(Some(security)),
                    None => secured_by_default,
                };
                let body = operation
                    .get("requestBody")
                    .map(|body| {
                        let schema = body
                            .pointer("/content/application~1json/schema")
                            .cloned()
                            .ok_or(format!(
                                "{at}: the request body has no application/json schema"
                            ))?;
                        Ok::<_, String>(Body {
                            required: body.get("required") == Some(&Value::Bool(true)),
                            schema,
                        })
                    })
                    .transpose()?;
                let mut responses: Vec<(u16, Value)> = operation
                    .get("responses")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                    .filter_map(|(status, response)| {
                        // A `$ref`d response (`#/components/responses/...`) is read as its target.
                        let response = match response.get("$ref").and_then(Value::as_str) {
                            Some(reference) => schema::resolve(&document, reference)?,
                            None => response,
                        };
                        Some((status.parse().ok()?, response.clone()))
                    })
                    .collect();
                responses.sort_by_key(|(status, _)| *status);
                operations.push(SpecOperation {
                    method: method.to_ascii_uppercase(),
                    template: template.clone(),
                    secured,
                    parameters,
                    body,
                    responses,
                });
            }
        }
        Ok(SpecApi {
            document,
            operations,
        })
    }

    /// The answer to `request` for the operation at `index`, whose path parameters are
    /// `path_parameters`.
    pub(crate) fn answer(
        &self,
        index: usize,
        request: &SpecRequest<'_>,
        path_parameters: &[(String, String)],
        credentials: &Credentials,
    ) -> Answer {
        let Some(operation) = self.operations.get(index) else {
            return Answer::text(500, "The sandbox lost track of this operation.");
        };
        if operation.secured && !credentials.accept(request.authorization) {
            let text = operation
                .example(401, None)
                .and_then(|(_, example)| example.as_str().map(str::to_owned))
                .unwrap_or_else(|| UNAUTHORIZED.to_owned());
            let mut answer = Answer::text(401, &text);
            answer.headers.push((
                "www-authenticate",
                "Basic realm=\"Dynmark sandbox\"".to_owned(),
            ));
            return answer;
        }
        if let Some(refused) = self.refuse(index, request, path_parameters, false) {
            return refused;
        }
        let prefer = Prefer::parse(request.prefer);
        let status = match prefer.code {
            Some(code)
                if operation
                    .responses
                    .iter()
                    .any(|(status, _)| *status == code) =>
            {
                code
            }
            Some(code) => {
                return Answer::text(
                    501,
                    &format!("`Prefer: code={code}`: the spec documents no such status here."),
                );
            }
            None => match operation
                .responses
                .iter()
                .find(|(status, _)| (200..300).contains(status))
            {
                Some((status, _)) => *status,
                None => return Answer::text(501, "The spec documents no 2xx answer here."),
            },
        };
        operation.respond(status, prefer.example.as_deref())
    }

    /// The `400` for a request to the operation at `index` that its schemas forbid: one
    /// `InvalidJson` failure per problem, each naming its place. `None` when the request
    /// conforms. With `shape_only` (before the hand-written endpoints' own decisions, so that
    /// they refuse what the spec forbids), a value that only breaks one of its rules (a length,
    /// a pattern, a format) is left to the endpoint, which answers it with the rule's own
    /// failure code as the service does (`ToInvalid`).
    pub(crate) fn refuse(
        &self,
        index: usize,
        request: &SpecRequest<'_>,
        path_parameters: &[(String, String)],
        shape_only: bool,
    ) -> Option<Answer> {
        let operation = self.operations.get(index)?;
        let mut violations = self.check_request(operation, request, path_parameters);
        if shape_only {
            violations.retain(|violation| !violation.rule);
        }
        if violations.is_empty() {
            return None;
        }
        let failures: Vec<ValidationFailure> = violations
            .into_iter()
            .map(|violation| ValidationFailure {
                property: Some(violation.path).filter(|path| !path.is_empty()),
                failure_code: FailureCode::InvalidJson,
                details: violation.problem,
            })
            .collect();
        Some(Answer::json(400, &failures))
    }

    fn check_request(
        &self,
        operation: &SpecOperation,
        request: &SpecRequest<'_>,
        path_parameters: &[(String, String)],
    ) -> Vec<Violation> {
        let mut violations = Vec::new();
        let query: Vec<(String, String)> = request
            .query
            .map(|query| {
                url::form_urlencoded::parse(query.as_bytes())
                    .into_owned()
                    .collect()
            })
            .unwrap_or_default();
        for parameter in &operation.parameters {
            let given = if parameter.in_path {
                path_parameters
                    .iter()
                    .find(|(name, _)| *name == parameter.name)
            } else {
                query.iter().find(|(name, _)| *name == parameter.name)
            };
            match given {
                None if parameter.required => violations.push(Violation {
                    path: parameter.name.clone(),
                    problem: format!("the required parameter `{}` is missing", parameter.name),
                    rule: false,
                }),
                None => {}
                Some((_, text)) => {
                    let value = parameter_value(text, &parameter.schema, &self.document);
                    for mut violation in schema::check(&value, &parameter.schema, &self.document) {
                        violation.path = parameter.name.clone();
                        violations.push(violation);
                    }
                }
            }
        }
        let Some(body_spec) = &operation.body else {
            return violations;
        };
        if let Some(content_type) = request.content_type
            && !super::answer::is_json(content_type)
        {
            violations.push(Violation {
                path: String::new(),
                problem: "The request body must be JSON: send it with Content-Type: \
                          application/json."
                    .to_owned(),
                rule: false,
            });
            return violations;
        }
        let text = request
            .body
            .strip_prefix(b"\xEF\xBB\xBF")
            .unwrap_or(request.body);
        if text.iter().all(u8::is_ascii_whitespace) {
            if body_spec.required {
                violations.push(Violation {
                    path: String::new(),
                    problem: "The request body is empty: this operation needs a JSON body."
                        .to_owned(),
                    rule: false,
                });
            }
            return violations;
        }
        match serde_json::from_slice::<Value>(text) {
            Ok(body) => violations.extend(schema::check(&body, &body_spec.schema, &self.document)),
            Err(error) => violations.push(Violation {
                path: String::new(),
                problem: format!("The request body is not JSON: {error}."),
                rule: false,
            }),
        }
        violations
    }
}

impl SpecOperation {
    /// The documented example for `status` (named `name`, else the first by name), with the
    /// response's media type.
    fn example(&self, status: u16, name: Option<&str>) -> Option<(String, Value)> {
        let (_, response) = self.responses.iter().find(|(s, _)| *s == status)?;
        // The first media type by name (`application/json` before `text/plain`).
        let (media_type, media) = response
            .get("content")?
            .as_object()?
            .iter()
            .min_by_key(|(media_type, _)| *media_type)?;
        let example = match (media.get("examples").and_then(Value::as_object), name) {
            (Some(examples), Some(name)) => examples.get(name)?.get("value")?.clone(),
            // The first by name, whatever order serde_json's map keeps.
            (Some(examples), None) => examples
                .iter()
                .min_by_key(|(name, _)| *name)?
                .1
                .get("value")?
                .clone(),
            (None, Some(_)) => return None,
            (None, None) => media.get("example")?.clone(),
        };
        Some((media_type.clone(), example))
    }

    /// Answers `status` with its documented example.
    fn respond(&self, status: u16, name: Option<&str>) -> Answer {
        let has_content = self
            .responses
            .iter()
            .find(|(s, _)| *s == status)
            .and_then(|(_, response)| response.get("content"))
            .and_then(Value::as_object)
            .is_some_and(|content| !content.is_empty());
        if !has_content {
            let mut answer = Answer::text(status, "");
            answer.content_type = "";
            return answer;
        }
        match self.example(status, name) {
            Some((media_type, Value::String(text))) if !media_type.contains("json") => {
                let mut answer = Answer::text(status, &text);
                answer.content_type = TEXT;
                answer
            }
            Some((_, example)) => {
                let mut answer = Answer::json(status, &example);
                answer.content_type = JSON;
                answer
            }
            None => Answer::text(
                501,
                &format!(
                    "The spec's {status} answer here has content but no example{}: add one to \
                     serve it from the sandbox.",
                    name.map(|name| format!(" named {name:?}"))
                        .unwrap_or_default()
                ),
            ),
        }
    }
}

/// The parts of a request an operation served from the spec looks at.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SpecRequest<'a> {
    pub(crate) authorization: Option<&'a [u8]>,
    pub(crate) content_type: Option<&'a [u8]>,
    pub(crate) query: Option<&'a str>,
    pub(crate) prefer: Option<&'a [u8]>,
    pub(crate) body: &'a [u8],
}

/// `Prefer: code=201, example=name`.
#[derive(Debug, Default, PartialEq, Eq)]
struct Prefer {
    code: Option<u16>,
    example: Option<String>,
}

impl Prefer {
    fn parse(header: Option<&[u8]>) -> Prefer {
        let mut prefer = Prefer::default();
        let Some(header) = header.and_then(|header| std::str::from_utf8(header).ok()) else {
            return prefer;
        };
        for preference in header.split([',', ';']) {
            let Some((key, value)) = preference.split_once('=') else {
                continue;
            };
            let value = value.trim().trim_matches('"');
            match key.trim().to_ascii_lowercase().as_str() {
                "code" => prefer.code = value.parse().ok(),
                "example" => prefer.example = Some(value.to_owned()),
                _ => {}
            }
        }
        prefer
    }
}

/// A parameter's text as the JSON value its schema expects (a number for `integer`, ...), or
/// the text itself when it is not one.
fn parameter_value(text: &str, schema: &Value, document: &Value) -> Value {
    let resolved = match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => schema::resolve(document, reference).unwrap_or(schema),
        None => schema,
    };
    let parsed = match resolved.get("type").and_then(Value::as_str) {
        Some("integer") => text.parse::<i64>().ok().map(Value::from),
        Some("number") => text.parse::<f64>().ok().map(Value::from),
        Some("boolean") => text.parse::<bool>().ok().map(Value::from),
        _ => None,
    };
    parsed.unwrap_or_else(|| Value::from(text))
}

fn is_secured(security: Option<&Value>) -> bool {
    security
        .and_then(Value::as_array)
        .is_some_and(|requirements| {
            !requirements.is_empty()
                && !requirements
                    .iter()
                    .any(|requirement| requirement.as_object().is_some_and(Map::is_empty))
        })
}

/// Parameters shared by the operations of a path item.
struct Shared(Vec<Parameter>);

impl Shared {
    fn clone_all(&self) -> Vec<Parameter> {
        self.0
            .iter()
            .map(|p| Parameter {
                name: p.name.clone(),
                in_path: p.in_path,
                required: p.required,
                schema: p.schema.clone(),
            })
            .collect()
    }
}

fn parameters(list: Option<&Value>, document: &Value, at: &str) -> Result<Shared, String> {
    parameters_of(list, document, at).map(Shared)
}

fn parameters_of(
    list: Option<&Value>,
    document: &Value,
    at: &str,
) -> Result<Vec<Parameter>, String> {
    let mut parameters = Vec::new();
    for parameter in list.and_then(Value::as_array).into_iter().flatten() {
        let parameter = match parameter.get("$ref").and_then(Value::as_str) {
            Some(reference) => schema::resolve(document, reference).ok_or(format!(
                "{at}: the parameter {reference} is not in the spec"
            ))?,
            None => parameter,
        };
        let name = parameter
            .get("name")
            .and_then(Value::as_str)
            .ok_or(format!("{at}: a parameter has no name"))?;
        let location = parameter
            .get("in")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if location != "path" && location != "query" {
            // Headers and cookies are not checked.
            continue;
        }
        parameters.push(Parameter {
            name: name.to_owned(),
            in_path: location == "path",
            required: location == "path" || parameter.get("required") == Some(&Value::Bool(true)),
            schema: parameter
                .get("schema")
                .cloned()
                .unwrap_or(Value::Bool(true)),
        });
    }
    Ok(parameters)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_match_without_regard_to_case_and_decode_parameters() {
        let template = PathTemplate::parse("/webapi/verify/{requestId}/validate");
        assert_eq!(
            template.matches("/WebApi/Verify/ab%20c/Validate/"),
            Some(vec![("requestId".to_owned(), "ab c".to_owned())])
        );
        assert_eq!(template.matches("/webapi/verify//validate"), None);
        assert_eq!(template.matches("/webapi/verify/x"), None);
        assert_eq!(template.matches("/webapi/verify/x/validate/more"), None);
        assert!(template.same_shape(&PathTemplate::parse("/WEBAPI/verify/{id}/validate")));
        assert!(!template.same_shape(&PathTemplate::parse("/webapi/verify")));
        assert_eq!(percent_decode("%41%zz%4"), "A%zz%4");
    }

    #[test]
    fn prefer_names_a_status_and_an_example() {
        assert_eq!(
            Prefer::parse(Some(b"code=204, example=\"gone\"")),
            Prefer {
                code: Some(204),
                example: Some("gone".to_owned())
            }
        );
        assert_eq!(Prefer::parse(Some(b"respond-async")), Prefer::default());
        assert_eq!(Prefer::parse(None), Prefer::default());
    }

    #[test]
    fn security_is_required_unless_an_empty_requirement_allows_none() {
        assert!(is_secured(Some(&serde_json::json!([{"basicAuth": []}]))));
        assert!(!is_secured(Some(&serde_json::json!([]))));
        assert!(!is_secured(Some(
            &serde_json::json!([{}, {"basicAuth": []}])
        )));
        assert!(!is_secured(None));
    }
}
