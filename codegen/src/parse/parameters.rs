//! The parameters of an operation: path and query values, each a typed field of the
//! operation's struct with the rules of its schema.

use super::Reader;
use super::node::Node;
use crate::model::{FieldType, Parameter, ParameterLocation};

const PARAMETER_KEYS: &[&str] = &[
    "name",
    "in",
    "required",
    "description",
    "schema",
    "example",
    "deprecated",
];
const PARAMETER_TYPES: &str = "string, integer, boolean";

impl Reader {
    /// The `parameters` of an operation under `path`: every `{name}` of the path must be a
    /// required path parameter and every path parameter must appear in the path.
    pub(super) fn parameters(
        &mut self,
        path: &str,
        operation: &Node<'_>,
    ) -> Option<Vec<Parameter>> {
        let in_path = path_names(path);
        let mut parameters: Vec<Parameter> = Vec::new();
        let mut pending = Vec::new();
        let mut complete = true;
        if let Some(list) = operation.get("parameters") {
            if !list.value.is_array() {
                return self.fail(
                    list.pointer.clone(),
                    "expected an array of parameter objects",
                );
            }
            for node in list.items() {
                match self.parameter(&node, parameters.len(), &mut pending) {
                    Some(parameter) => {
                        if let Some(clash) = parameters.iter().find(|p| {
                            p.field.json_name == parameter.field.json_name
                                || p.field.rust_name == parameter.field.rust_name
                        }) {
                            self.fail::<()>(
                                node.pointer_of("name"),
                                format!(
                                    "{:?} gives the same field as the parameter {:?} (`{}`); supported: distinct names",
                                    parameter.field.json_name,
                                    clash.field.json_name,
                                    parameter.field.rust_name
                                ),
                            );
                            complete = false;
                            continue;
                        }
                        if parameter.location == ParameterLocation::Path
                            && !in_path.contains(&parameter.field.json_name.as_str())
                        {
                            self.fail::<()>(
                                node.pointer_of("name"),
                                format!(
                                    "{:?} is a path parameter, but the path {path:?} has no `{{{}}}`",
                                    parameter.field.json_name, parameter.field.json_name
                                ),
                            );
                        }
                        parameters.push(parameter);
                    }
                    None => complete = false,
                }
            }
        }
        for name in &in_path {
            let declared = parameters
                .iter()
                .any(|p| p.location == ParameterLocation::Path && p.field.json_name == *name);
            if complete && !declared {
                self.fail::<()>(
                    operation.pointer_of("parameters"),
                    format!(
                        "the path {path:?} has `{{{name}}}`, but no parameter `in: path` names it; supported: one path parameter per `{{name}}` of the path"
                    ),
                );
            }
        }
        let mut fields: Vec<_> = parameters.iter().map(|p| p.field.clone()).collect();
        for sibling_rule in pending {
            self.resolve_sibling(&mut fields, sibling_rule);
        }
        for (parameter, field) in parameters.iter_mut().zip(fields) {
            parameter.field = field;
        }
        Some(parameters)
    }

    fn parameter(
        &mut self,
        node: &Node<'_>,
        index: usize,
        pending: &mut Vec<super::rules::PendingSibling>,
    ) -> Option<Parameter> {
        self.object(node)?;
        if let Some(reference) = node.get("$ref") {
            return self.fail(
                reference.pointer,
                "a parameter by reference is not supported; supported: the parameter written in the operation",
            );
        }
        self.check_keys(node, PARAMETER_KEYS);
        let name = self.required_string(node, "name");
        let location = match self.required_string(node, "in") {
            Some("path") => Some(ParameterLocation::Path),
            Some("query") => Some(ParameterLocation::Query),
            Some(other) => self.fail(
                node.pointer_of("in"),
                format!("{other:?} parameters are not supported; supported: path, query"),
            ),
            None => None,
        };
        let required = match node.get("required") {
            Some(flag) => match flag.value.as_bool() {
                Some(required) => required,
                None => self.fail(flag.pointer, "expected a boolean")?,
            },
            None => false,
        };
        if location == Some(ParameterLocation::Path) && !required {
            self.fail::<()>(
                node.pointer_of("required"),
                "a path parameter must be `required: true` (OpenAPI says so: the path has no meaning without it)",
            );
        }
        let schema = node
            .get("schema")
            .or_else(|| self.fail(node.pointer_of("schema"), "is missing; it is required"))?;
        self.object(&schema)?;
        if let Some(reference) = schema.get("$ref") {
            return self.fail(
                reference.pointer,
                format!(
                    "a parameter schema by reference is not supported; supported: an inline schema of type {PARAMETER_TYPES}"
                ),
            );
        }
        let name = name?;
        let mut field = self.field(name, &schema, required, &[], index, pending)?;
        if !matches!(
            field.ty,
            FieldType::String | FieldType::Integer | FieldType::Boolean
        ) {
            return self.fail(
                schema.pointer_of("type"),
                format!("this parameter type is not supported; supported: {PARAMETER_TYPES}"),
            );
        }
        if let Some(description) = self.optional_string(node, "description") {
            field.description = Some(description);
        }
        Some(Parameter {
            location: location?,
            field,
        })
    }
}

/// The `{name}`s of a path, in order.
fn path_names(path: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                names.push(&after[..close]);
                rest = &after[close + 1..];
            }
            None => break,
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::path_names;

    #[test]
    fn path_names_are_read_in_order() {
        assert_eq!(
            path_names("/webapi/verify/{requestId}/validate"),
            ["requestId"]
        );
        assert_eq!(path_names("/a/{x}/b/{y}"), ["x", "y"]);
        assert!(path_names("/webapi/message/send").is_empty());
    }
}
