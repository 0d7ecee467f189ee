//! Which structs get a step builder, and the names of its steps: a struct with two or more
//! required fields is built one named step per required field (`Message::to(..).from(..)
//! .body(..)`), so that two values of the same type cannot be swapped unnoticed. Decided once
//! every schema and operation is read, because the step types of all structs share one module
//! (`types::steps`, `operations::steps`) and their names must not clash.

use super::Reader;
use super::node::escape_pointer;
use crate::model::{Field, Method, Operation, Schema, Shape, Steps};
use crate::names;

/// What every generated struct already has beside its fields, which the first step (an
/// associated function of the struct) must not be named like: `new`, and the functions of the
/// traits it implements, which a caller may call by path (`Message::clone(&m)`).
const STRUCT_ITEMS: &[&str] = &[
    "new",
    "default",
    "clone",
    "clone_from",
    "eq",
    "ne",
    "fmt",
    "serialize",
    "deserialize",
    "validate",
    "validate_at",
    // `operation::ItemOutcome`.
    "is_accepted",
    "failures",
    "into_failures",
];

/// What an operation's struct has besides: the runtime's `operation::Operation`.
const OPERATION_ITEMS: &[&str] = &["path_parameters", "query_parameters", "body", "read_answer"];

/// What every step type has beside its one method (it derives `Clone` and `Debug`): a step
/// named so would hide it.
const STEP_ITEMS: &[&str] = &["clone", "clone_from", "fmt"];

/// A struct about to get steps: its type name, its fields and where each is in the document.
struct Candidate<'a> {
    /// The JSON pointer of one of its required fields.
    field_pointer: Box<dyn Fn(&Field) -> String + 'a>,
    type_name: &'a str,
    fields: Vec<&'a Field>,
    /// Also has the `Operation` impl's functions.
    operation: bool,
}

impl Reader {
    /// Gives every struct with two or more required fields its [`Steps`], refusing a step that
    /// would clash with an item the struct or a step type already has, and two step types
    /// of the same name in one module.
    pub(super) fn assign_steps(&mut self, schemas: &mut [Schema], operations: &mut [Operation]) {
        let schema_steps: Vec<Option<Steps>> = schemas
            .iter()
            .map(|schema| match schema {
                Schema::Object(object) => {
                    let properties = format!(
                        "/components/schemas/{}/properties",
                        escape_pointer(&object.name)
                    );
                    self.steps_of(Candidate {
                        field_pointer: Box::new(move |field: &Field| {
                            format!("{properties}/{}", escape_pointer(&field.json_name))
                        }),
                        type_name: &object.name,
                        fields: object.fields.iter().collect(),
                        operation: false,
                    })
                }
                Schema::ExtensibleEnum(_) => None,
            })
            .collect();
        self.check_unique(
            "types::steps",
            schemas
                .iter()
                .map(|schema| format!("/components/schemas/{}", escape_pointer(schema.name()))),
            &schema_steps,
        );
        for (schema, steps) in schemas.iter_mut().zip(schema_steps) {
            if let Schema::Object(object) = schema {
                object.steps = steps;
            }
        }

        let operation_steps: Vec<Option<Steps>> = operations
            .iter()
            .map(|operation| {
                let Shape::Call(call) = &operation.shape else {
                    return None;
                };
                let pointer = operation_pointer(operation);
                let parameters = format!("{pointer}/parameters");
                let body = format!("{pointer}/requestBody");
                let body_field = call.body.as_ref().map(|ty| Field {
                    json_name: "body".to_owned(),
                    rust_name: "body".to_owned(),
                    raw: false,
                    description: None,
                    ty: ty.clone(),
                    required: true,
                    default: None,
                    aliases: Vec::new(),
                    rules: Vec::new(),
                    secret: false,
                });
                let mut fields: Vec<Field> =
                    call.parameters.iter().map(|p| p.field.clone()).collect();
                fields.extend(body_field);
                let json_names: Vec<String> = call
                    .parameters
                    .iter()
                    .map(|p| p.field.json_name.clone())
                    .collect();
                self.steps_of(Candidate {
                    field_pointer: Box::new(move |field: &Field| {
                        match json_names.iter().position(|name| *name == field.json_name) {
                            Some(index) => format!("{parameters}/{index}"),
                            None => body.clone(),
                        }
                    }),
                    type_name: &operation.type_name,
                    fields: fields.iter().collect(),
                    operation: true,
                })
            })
            .collect();
        self.check_unique(
            "operations::steps",
            operations.iter().map(operation_pointer),
            &operation_steps,
        );
        for (operation, steps) in operations.iter_mut().zip(operation_steps) {
            if let Shape::Call(call) = &mut operation.shape {
                call.steps = steps;
            }
        }
    }

    fn steps_of(&mut self, candidate: Candidate<'_>) -> Option<Steps> {
        let required: Vec<&Field> = candidate
            .fields
            .iter()
            .copied()
            .filter(|f| f.required)
            .collect();
        if required.len() < 2 {
            return None;
        }
        let setters: Vec<String> = candidate
            .fields
            .iter()
            .filter(|f| !f.required)
            .map(|f| format!("with_{}", f.rust_name))
            .collect();
        let mut clean = true;
        let first = required[0];
        let taken = STRUCT_ITEMS.contains(&first.rust_name.as_str())
            || (candidate.operation && OPERATION_ITEMS.contains(&first.rust_name.as_str()))
            || setters.contains(&first.rust_name);
        if taken {
            clean = false;
            self.fail::<()>(
                (candidate.field_pointer)(first),
                format!(
                    "is the first required field of `{}`, so it names the function that starts building one (`{}::{}(..)`), but the type already has a `{}`; supported: any other name (or another required field first)",
                    candidate.type_name, candidate.type_name, first.rust_name, first.rust_name
                ),
            );
        }
        for field in &required[1..] {
            if STEP_ITEMS.contains(&field.rust_name.as_str()) {
                clean = false;
                self.fail::<()>(
                    (candidate.field_pointer)(field),
                    format!(
                        "is a required field of `{}`, so it names a step of building one (`.{}(..)`), which would hide the step type's `{}` (from `Clone` or `Debug`); supported: any other name",
                        candidate.type_name, field.rust_name, field.rust_name
                    ),
                );
            }
        }
        if !clean {
            return None;
        }
        Some(Steps {
            waiting: required[1..]
                .iter()
                .map(|field| step_type_name(candidate.type_name, field))
                .collect(),
        })
    }

    /// Refuses two step types of the same name in one module (`ANeedsBC` from `A` waiting for
    /// `bC` and from `ANeedsB` waiting for `c`).
    fn check_unique(
        &mut self,
        module: &str,
        pointers: impl Iterator<Item = String>,
        steps: &[Option<Steps>],
    ) {
        let mut seen: Vec<(&str, String)> = Vec::new();
        for (pointer, steps) in pointers.zip(steps) {
            let Some(steps) = steps else { continue };
            for name in &steps.waiting {
                if let Some((_, earlier)) = seen.iter().find(|(seen, _)| *seen == name) {
                    self.fail::<()>(
                        pointer.clone(),
                        format!(
                            "its step builder needs the type `{module}::{name}`, which the step builder of {earlier} needs too; supported: schema and property names that give distinct step types"
                        ),
                    );
                } else {
                    seen.push((name, pointer.clone()));
                }
            }
        }
    }
}

/// `Message` waiting for `from` → `MessageNeedsFrom`.
fn step_type_name(type_name: &str, field: &Field) -> String {
    format!("{type_name}Needs{}", names::pascal_case(&field.rust_name))
}

fn operation_pointer(operation: &Operation) -> String {
    let method = match operation.method {
        Method::Get => "get",
        Method::Post => "post",
        Method::Put => "put",
        Method::Patch => "patch",
        Method::Delete => "delete",
    };
    format!("/paths/{}/{method}", escape_pointer(&operation.path))
}
