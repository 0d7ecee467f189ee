//! Stage 2, is it meaningful: every rule is matched against its field's type, repeated rules and
//! sibling fields (`phone(country = ...)`, `gsm7(when = ...)`, `after = ...`) are checked,
//! patterns are compiled once here to catch bad ones, and every name the emitted code needs (JSON
//! names, failure codes) is computed. [`crate::emit`] works from this model only and cannot fail.

use std::collections::HashMap;

use syn::{GenericArgument, Generics, Ident, PathArguments, Type};

use crate::Errors;
use crate::names::{code_prefix, rename_field, type_text};
use crate::syntax::{self, Bounds, RuleKind};

/// A struct whose rules all make sense.
pub(crate) struct Container<'a> {
    pub ident: &'a Ident,
    pub generics: &'a Generics,
    /// Where the runtime lives: `::dynmark_api` unless `#[validate(crate = "...")]` says otherwise.
    pub krate: syn::Path,
    /// The fields that have rules, in declaration order.
    pub fields: Vec<Field<'a>>,
}

/// One field and what to check on it, in this order: its text, its date-time, its item count,
/// its inside.
pub(crate) struct Field<'a> {
    pub member: &'a Ident,
    pub ty: &'a Type,
    /// The field's JSON name: the last segment of failure paths.
    pub json_name: String,
    pub optional: bool,
    pub text: Option<TextChecks>,
    pub after: Option<After>,
    pub items: Option<Items>,
    pub nested: Option<Nested>,
}

/// The rules on a string field. `required` decides what happens when there is no text (an empty
/// `Option` or a blank string); the other rules look at non-blank text only.
pub(crate) struct TextChecks {
    /// The failure code of `required`, when given.
    pub required: Option<String>,
    pub rules: Vec<TextRule>,
}

pub(crate) enum TextRule {
    Length {
        min: Option<usize>,
        max: Option<usize>,
        too_short: String,
        too_long: String,
    },
    /// `regex` is the written pattern anchored to match the whole value.
    Pattern {
        regex: String,
        written: String,
        code: String,
    },
    Url {
        code: String,
    },
    Phone {
        country: Option<Sibling>,
        invalid: String,
        local_without_country: String,
    },
    Originator {
        code: String,
    },
    Country {
        code: String,
    },
    Gsm7 {
        when: Option<Sibling>,
        code: String,
    },
    OneOf {
        values: Vec<String>,
        code: String,
    },
}

/// `after = other`: this date-time must be later than `other`'s.
pub(crate) struct After {
    pub other: Sibling,
    pub code: String,
}

/// `items(min, max)` on a list.
pub(crate) struct Items {
    pub min: Option<usize>,
    pub max: Option<usize>,
    pub too_few: String,
    pub too_many: String,
}

/// `nested`: validate inside the value; `flatten` (`nested(flatten)`, or `#[serde(flatten)]`)
/// keeps the inner failures at this struct's own path, as their JSON sits there (a request body
/// beside an operation's parameters is the whole document the service reads).
pub(crate) struct Nested {
    pub flatten: bool,
}

/// Another field of the same struct, named by a rule.
pub(crate) struct Sibling {
    pub member: Ident,
    pub json_name: String,
    pub optional: bool,
}

/// What a field's type is, as far as the rules care.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Text,
    DateTime,
    Flag,
    List,
    Other,
}

struct FieldType {
    optional: bool,
    kind: Kind,
}

const TEXT_TYPES: &str = "string fields (`String`, `&str`, `Cow<str>`, `Box<str>`, `Rc<str>`, `Arc<str>`, or an `Option` of one)";
const DATE_TIME_TYPES: &str = "date-time fields (`chrono::DateTime<Tz>`, `NaiveDateTime`, `NaiveDate`, `time::OffsetDateTime`, `jiff::Timestamp`, or an `Option` of one)";
const FLAG_TYPES: &str = "flag fields (`bool` or `Option<bool>`)";
const LIST_TYPES: &str =
    "list fields (`Vec<T>`, `VecDeque<T>`, `&[T]`, `Box<[T]>`, or an `Option` of one)";

/// Checks the written model; `None` when anything was wrong (every error is in `errors`).
pub(crate) fn check<'a>(input: syntax::Input<'a>, errors: &mut Errors) -> Option<Container<'a>> {
    let before = errors.is_empty();
    let json_names: Vec<String> = input
        .fields
        .iter()
        .map(|field| json_name(field, input.rename_all.as_ref()))
        .collect();
    let siblings = Siblings {
        input: &input,
        json_names: &json_names,
    };
    let mut fields = Vec::new();
    for (field, json) in input.fields.iter().zip(&json_names) {
        if let Some(checked) = check_field(field, json, &siblings, errors) {
            fields.push(checked);
        }
    }
    let container = Container {
        ident: input.ident,
        generics: input.generics,
        krate: input
            .krate
            .clone()
            .unwrap_or_else(|| syn::parse_quote!(::dynmark_api)),
        fields,
    };
    (before && errors.is_empty()).then_some(container)
}

fn json_name(field: &syntax::Field<'_>, rename_all: Option<&syn::LitStr>) -> String {
    if let Some(rename) = &field.rename {
        return rename.value();
    }
    let ident = syn::ext::IdentExt::unraw(field.ident).to_string();
    rename_all
        .and_then(|rule| rename_field(&rule.value(), &ident))
        .unwrap_or(ident)
}

struct Siblings<'i, 'a> {
    input: &'i syntax::Input<'a>,
    json_names: &'i [String],
}

impl Siblings<'_, '_> {
    /// Resolves `rule(key = name)` on `this` to a sibling of the `wanted` kind.
    fn find(
        &self,
        this: &Ident,
        name: &Ident,
        wanted: Kind,
        what: &str,
        errors: &mut Errors,
    ) -> Option<Sibling> {
        let position = self
            .input
            .fields
            .iter()
            .position(|field| field.ident == name);
        let Some(position) = position else {
            let all: Vec<String> = self
                .input
                .fields
                .iter()
                .map(|f| f.ident.to_string())
                .collect();
            errors.at(
                name.span(),
                format!(
                    "no field `{name}` in `{}`; {what} names another field of this struct by its Rust name (fields: {})",
                    self.input.ident,
                    all.join(", ")
                ),
            );
            return None;
        };
        if name == this {
            errors.at(
                name.span(),
                format!("{what} must name another field, not `{name}` itself"),
            );
            return None;
        }
        let field = &self.input.fields[position];
        let ty = classify(field.ty);
        if ty.kind != wanted {
            let allowed = match wanted {
                Kind::Text => TEXT_TYPES,
                Kind::DateTime => DATE_TIME_TYPES,
                Kind::Flag => FLAG_TYPES,
                Kind::List => LIST_TYPES,
                Kind::Other => "any type",
            };
            errors.at(
                name.span(),
                format!(
                    "{what} must name one of the {allowed}; `{name}` is `{}`",
                    type_text(field.ty)
                ),
            );
            return None;
        }
        Some(Sibling {
            member: name.clone(),
            json_name: self.json_names[position].clone(),
            optional: ty.optional,
        })
    }
}

fn check_field<'a>(
    field: &syntax::Field<'a>,
    json: &str,
    siblings: &Siblings<'_, 'a>,
    errors: &mut Errors,
) -> Option<Field<'a>> {
    if field.rules.is_empty() {
        return None;
    }
    let ty = classify(field.ty);
    let prefix = code_prefix(json);
    let code = |suffix: &str| format!("{prefix}{suffix}");
    let mut checked = Field {
        member: field.ident,
        ty: field.ty,
        json_name: json.to_owned(),
        optional: ty.optional,
        text: None,
        after: None,
        items: None,
        nested: None,
    };
    let mut seen: HashMap<String, &Ident> = HashMap::new();
    let mut text = TextChecks {
        required: None,
        rules: Vec::new(),
    };

    for rule in &field.rules {
        let name = rule.name.to_string();
        if seen.insert(name.clone(), &rule.name).is_some() {
            let hint = match rule.kind {
                RuleKind::Length(_) | RuleKind::Items(_) => {
                    format!(" (give both bounds in one: `{name}(min = 1, max = 64)`)")
                }
                _ => String::new(),
            };
            errors.at(
                rule.name.span(),
                format!("duplicate rule `{name}` on field `{}`; each rule may be given once per field{hint}", field.ident),
            );
            continue;
        }
        let wanted = match rule.kind {
            RuleKind::After(_) => Some((Kind::DateTime, DATE_TIME_TYPES)),
            RuleKind::Items(_) => Some((Kind::List, LIST_TYPES)),
            RuleKind::Nested { .. } => None,
            _ => Some((Kind::Text, TEXT_TYPES)),
        };
        if let Some((kind, allowed)) = wanted
            && ty.kind != kind
        {
            errors.spanned(
                field.ty,
                format!(
                    "`{name}` applies to {allowed}; field `{}` is `{}`",
                    field.ident,
                    type_text(field.ty)
                ),
            );
            continue;
        }
        match &rule.kind {
            RuleKind::Required => text.required = Some(code("Empty")),
            RuleKind::Length(bounds) => {
                if let Some((min, max)) = check_bounds(&rule.name, bounds, errors) {
                    text.rules.push(TextRule::Length {
                        min,
                        max,
                        too_short: code("TooShort"),
                        too_long: code("TooLong"),
                    });
                }
            }
            RuleKind::Pattern(lit) => {
                let written = lit.value();
                let regex = format!("^(?:{written})$");
                match regex_lite::Regex::new(&regex) {
                    Ok(_) => text.rules.push(TextRule::Pattern {
                        regex,
                        written,
                        code: code("Invalid"),
                    }),
                    Err(error) => errors.at(
                        lit.span(),
                        format!("invalid regular expression for `pattern`: {error}"),
                    ),
                }
            }
            RuleKind::Url => text.rules.push(TextRule::Url {
                code: code("Invalid"),
            }),
            RuleKind::Phone { country } => {
                let country = match country {
                    Some(name) => match siblings.find(
                        field.ident,
                        name,
                        Kind::Text,
                        "`phone(country = ...)`",
                        errors,
                    ) {
                        Some(sibling) => Some(sibling),
                        None => continue,
                    },
                    None => None,
                };
                text.rules.push(TextRule::Phone {
                    country,
                    invalid: code("Invalid"),
                    local_without_country: code("LocalWithoutCountry"),
                });
            }
            RuleKind::Originator => text.rules.push(TextRule::Originator {
                code: code("Invalid"),
            }),
            RuleKind::Country => text.rules.push(TextRule::Country {
                code: code("Invalid"),
            }),
            RuleKind::Gsm7 { when } => {
                let when = match when {
                    Some(name) => match siblings.find(
                        field.ident,
                        name,
                        Kind::Flag,
                        "`gsm7(when = ...)`",
                        errors,
                    ) {
                        Some(sibling) => Some(sibling),
                        None => continue,
                    },
                    None => None,
                };
                text.rules.push(TextRule::Gsm7 {
                    when,
                    code: code("ContainsUnicode"),
                });
            }
            RuleKind::OneOf(values) => {
                if values.is_empty() {
                    errors.at(
                        rule.name.span(),
                        "`one_of` needs at least one allowed value, e.g. `one_of(\"a\", \"b\")`",
                    );
                    continue;
                }
                text.rules.push(TextRule::OneOf {
                    values: values.iter().map(syn::LitStr::value).collect(),
                    code: code("Invalid"),
                });
            }
            RuleKind::After(other) => {
                if let Some(other) =
                    siblings.find(field.ident, other, Kind::DateTime, "`after = ...`", errors)
                {
                    let code = format!("{prefix}NotAfter{}", code_prefix(&other.json_name));
                    checked.after = Some(After { other, code });
                }
            }
            RuleKind::Items(bounds) => {
                if let Some((min, max)) = check_bounds(&rule.name, bounds, errors) {
                    checked.items = Some(Items {
                        min,
                        max,
                        too_few: code("TooFew"),
                        too_many: code("TooMany"),
                    });
                }
            }
            RuleKind::Nested { flatten } => {
                checked.nested = Some(Nested {
                    flatten: *flatten || field.flatten,
                })
            }
        }
    }
    if text.required.is_some() || !text.rules.is_empty() {
        checked.text = Some(text);
    }
    Some(checked)
}

fn check_bounds(
    rule: &Ident,
    bounds: &Bounds,
    errors: &mut Errors,
) -> Option<(Option<usize>, Option<usize>)> {
    match (&bounds.min, &bounds.max) {
        (None, None) => {
            errors.at(
                rule.span(),
                format!("`{rule}` needs at least one bound: `{rule}(min = N)`, `{rule}(max = M)` or `{rule}(min = N, max = M)`"),
            );
            None
        }
        (Some(min), Some(max)) if min.value > max.value => {
            errors.at(
                min.lit.span(),
                format!(
                    "`min = {}` is greater than `max = {}`: no value could pass",
                    min.value, max.value
                ),
            );
            None
        }
        (min, max) => Some((min.as_ref().map(|b| b.value), max.as_ref().map(|b| b.value))),
    }
}

/// Reads what kind of value a field holds from how its type is written (the derive cannot see
/// through type aliases; a rule needs one of the spellings listed in its error message).
fn classify(ty: &Type) -> FieldType {
    let (optional, inner) = match single_arg(ty, "Option") {
        Some(inner) => (true, inner),
        None => (false, ty),
    };
    FieldType {
        optional,
        kind: kind_of(inner),
    }
}

fn kind_of(ty: &Type) -> Kind {
    match ty {
        Type::Group(group) => kind_of(&group.elem),
        Type::Paren(paren) => kind_of(&paren.elem),
        Type::Reference(reference) => match &*reference.elem {
            Type::Slice(_) => Kind::List,
            elem if is_str(elem) => Kind::Text,
            elem => match kind_of(elem) {
                Kind::Text => Kind::Text,
                _ => Kind::Other,
            },
        },
        Type::Path(path) if path.qself.is_none() => {
            let Some(last) = path.path.segments.last() else {
                return Kind::Other;
            };
            match last.ident.to_string().as_str() {
                "String" if last.arguments.is_none() => Kind::Text,
                "bool" if last.arguments.is_none() => Kind::Flag,
                "Box" | "Rc" | "Arc" => match single_type_arg(&last.arguments) {
                    Some(arg) if is_str(arg) => Kind::Text,
                    Some(Type::Slice(_)) if last.ident == "Box" => Kind::List,
                    _ => Kind::Other,
                },
                "Cow" => match last_type_arg(&last.arguments) {
                    Some(arg) if is_str(arg) => Kind::Text,
                    _ => Kind::Other,
                },
                "DateTime" | "NaiveDateTime" | "NaiveDate" | "OffsetDateTime" | "Timestamp" => {
                    Kind::DateTime
                }
                "Vec" | "VecDeque" => Kind::List,
                _ => Kind::Other,
            }
        }
        _ => Kind::Other,
    }
}

fn is_str(ty: &Type) -> bool {
    matches!(ty, Type::Path(path) if path.qself.is_none() && path.path.is_ident("str"))
}

/// `Name<T>` → `T`.
fn single_arg<'t>(ty: &'t Type, name: &str) -> Option<&'t Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != name || path.qself.is_some() {
        return None;
    }
    single_type_arg(&last.arguments)
}

fn single_type_arg(arguments: &PathArguments) -> Option<&Type> {
    let PathArguments::AngleBracketed(args) = arguments else {
        return None;
    };
    let mut types = args.args.iter().filter_map(|arg| match arg {
        GenericArgument::Type(ty) => Some(ty),
        _ => None,
    });
    let first = types.next()?;
    types.next().is_none().then_some(first)
}

fn last_type_arg(arguments: &PathArguments) -> Option<&Type> {
    let PathArguments::AngleBracketed(args) = arguments else {
        return None;
    };
    args.args.iter().rev().find_map(|arg| match arg {
        GenericArgument::Type(ty) => Some(ty),
        _ => None,
    })
}
