//! Passes over every schema once all are read: `$ref` cycles, the failure codes the rules
//! produce, and which types derive `Validate`.

use super::node::escape_pointer;
use super::{FAILURE_CODE_SCHEMA, Reader};
use crate::model::{EnumValues, Field, FieldType, Operation, Rule, Schema, Shape};

impl Reader {
    /// Refuses every `$ref` cycle that does not pass through an array: a struct that holds
    /// itself (`Node.next: Node`, or `A.b: B` with `B.a: A`), even through `Option`, would have
    /// an infinite size. Each cycle is reported once, at the `$ref` of its first schema (in
    /// document order) that starts it.
    pub(super) fn check_cycles(&mut self, schemas: &[Schema]) {
        // The schemas each object holds directly (not through an array), by index.
        let edges: Vec<Vec<(usize, &Field)>> = schemas
            .iter()
            .map(|schema| match schema {
                Schema::Object(object) => object
                    .fields
                    .iter()
                    .filter_map(|field| match &field.ty {
                        FieldType::Named(name) => schemas
                            .iter()
                            .position(|s| s.name() == name)
                            .map(|target| (target, field)),
                        _ => None,
                    })
                    .collect(),
                Schema::ExtensibleEnum(_) => Vec::new(),
            })
            .collect();
        let reachable: Vec<Vec<bool>> = (0..schemas.len())
            .map(|start| {
                let mut seen = vec![false; schemas.len()];
                let mut stack = vec![start];
                while let Some(at) = stack.pop() {
                    for &(next, _) in &edges[at] {
                        if !seen[next] {
                            seen[next] = true;
                            stack.push(next);
                        }
                    }
                }
                seen
            })
            .collect();
        let mut reported = vec![false; schemas.len()];
        for start in 0..schemas.len() {
            if reported[start] || !reachable[start][start] {
                continue;
            }
            // The schemas on a cycle with `start` (its strongly connected component).
            let component: Vec<bool> = (0..schemas.len())
                .map(|other| reachable[start][other] && reachable[other][start])
                .collect();
            for (other, &member) in component.iter().enumerate() {
                reported[other] |= member;
            }
            let Some(&(first, field)) = edges[start].iter().find(|(next, _)| component[*next])
            else {
                continue;
            };
            let mut names = vec![schemas[start].name().to_owned()];
            names.extend(
                shortest_path(&edges, &component, first, start)
                    .into_iter()
                    .map(|index| schemas[index].name().to_owned()),
            );
            let pointer = format!(
                "/components/schemas/{}/properties/{}/$ref",
                escape_pointer(schemas[start].name()),
                escape_pointer(&field.json_name)
            );
            self.fail::<()>(
                pointer,
                format!(
                    "the schemas form a cycle without an array in between ({}): the Rust type would hold itself and have no finite size; supported: cycles that pass through an array (`type: array` with `items` a `$ref`)",
                    names.join(" → ")
                ),
            );
        }
    }

    /// Every failure code the rules can produce (on properties and on parameters) must be a
    /// known value of `FailureCode`.
    pub(super) fn check_failure_codes(&mut self, schemas: &[Schema], operations: &[Operation]) {
        let mut codes: Vec<String> = Vec::new();
        let properties = schemas.iter().flat_map(|schema| match schema {
            Schema::Object(object) => object.fields.as_slice(),
            Schema::ExtensibleEnum(_) => &[],
        });
        let parameters = operations
            .iter()
            .flat_map(|operation| match &operation.shape {
                Shape::Call(call) => call.parameters.iter().map(|p| &p.field).collect(),
                Shape::Batch(_) => Vec::new(),
            });
        for field in properties.chain(parameters) {
            for rule in &field.rules {
                for code in rule.failure_codes(&field.json_name) {
                    if !codes.contains(&code) {
                        codes.push(code);
                    }
                }
            }
        }
        if codes.is_empty() {
            return;
        }
        let pointer = format!("/components/schemas/{FAILURE_CODE_SCHEMA}");
        match schemas.iter().find(|s| s.name() == FAILURE_CODE_SCHEMA) {
            Some(Schema::ExtensibleEnum(known)) if known.values == EnumValues::Strings => {
                let missing: Vec<&str> = codes
                    .iter()
                    .filter(|code| known.variants.iter().all(|v| &v.value != *code))
                    .map(String::as_str)
                    .collect();
                if !missing.is_empty() {
                    self.fail::<()>(
                        format!("{pointer}/enum"),
                        format!(
                            "lacks failure codes the validation rules produce: {}; supported: every such code listed",
                            missing.join(", ")
                        ),
                    );
                }
            }
            _ => {
                self.fail::<()>(
                    pointer,
                    format!(
                        "the validation rules produce failure codes ({}) but there is no extensible string enum `{FAILURE_CODE_SCHEMA}` listing them",
                        codes.join(", ")
                    ),
                );
            }
        }
    }
}

/// The schemas from `from` to `to` (both included) along the fewest `edges` within `component`.
pub(super) fn shortest_path(
    edges: &[Vec<(usize, &Field)>],
    component: &[bool],
    from: usize,
    to: usize,
) -> Vec<usize> {
    let mut previous: Vec<Option<usize>> = vec![None; edges.len()];
    let mut queue = std::collections::VecDeque::from([from]);
    let mut seen = vec![false; edges.len()];
    seen[from] = true;
    while let Some(at) = queue.pop_front() {
        if at == to {
            break;
        }
        for &(next, _) in &edges[at] {
            if component[next] && !seen[next] {
                seen[next] = true;
                previous[next] = Some(at);
                queue.push_back(next);
            }
        }
    }
    let mut path = vec![to];
    let mut at = to;
    while at != from {
        match previous[at] {
            Some(before) => {
                path.push(before);
                at = before;
            }
            None => break,
        }
    }
    path.reverse();
    path
}

/// Decides which object types derive `Validate` and adds `nested` to fields holding one. The
/// item of a batch and the body of another operation always validate (the runtime validates
/// what it sends).
pub(super) fn mark_validated(schemas: &mut [Schema], operations: &[Operation]) {
    let sent = |name: &str| {
        operations.iter().any(|op| match &op.shape {
            Shape::Batch(batch) => batch.item == name,
            Shape::Call(call) => match &call.body {
                Some(FieldType::Named(body)) => body == name,
                Some(FieldType::Array(item)) => **item == FieldType::Named(name.to_owned()),
                _ => false,
            },
        })
    };
    let mut validated: Vec<String> = schemas
        .iter()
        .filter_map(|schema| match schema {
            Schema::Object(object)
                if object.fields.iter().any(|f| !f.rules.is_empty()) || sent(&object.name) =>
            {
                Some(object.name.clone())
            }
            _ => None,
        })
        .collect();
    loop {
        let mut changed = false;
        for schema in schemas.iter_mut() {
            let Schema::Object(object) = schema else {
                continue;
            };
            for field in &mut object.fields {
                let inner = match &field.ty {
                    FieldType::Named(name) => Some(name),
                    FieldType::Array(item) => match item.as_ref() {
                        FieldType::Named(name) => Some(name),
                        _ => None,
                    },
                    _ => None,
                };
                if inner.is_some_and(|name| validated.contains(name))
                    && !field.rules.contains(&Rule::Nested)
                {
                    field.rules.push(Rule::Nested);
                    changed = true;
                }
            }
            if !validated.contains(&object.name)
                && object.fields.iter().any(|f| !f.rules.is_empty())
            {
                validated.push(object.name.clone());
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    for schema in schemas.iter_mut() {
        if let Schema::Object(object) = schema {
            object.validated = validated.contains(&object.name);
        }
    }
}
