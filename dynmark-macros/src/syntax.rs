//! Stage 1, what was written: the derive input and its `#[validate(...)]` attributes as a plain
//! model. Each rule is recognised by name and its arguments are read into typed values; nothing
//! here looks at field types or at other fields (that is [`crate::check`]).
//!
//! Errors found here: a shape the derive does not support (enum, union, tuple struct), an unknown
//! rule or container attribute, an argument of the wrong kind (a string where a number is wanted,
//! a value given to a rule that takes none), a bound given twice.

use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{
    Attribute, Data, DeriveInput, Expr, Fields, Generics, Ident, Lit, LitInt, LitStr, Token, Type,
};

use crate::Errors;

/// The rules a field attribute may name, in the order the error message lists them.
pub(crate) const RULE_NAMES: &[&str] = &[
    "required",
    "length",
    "pattern",
    "url",
    "phone",
    "originator",
    "country",
    "gsm7",
    "after",
    "one_of",
    "items",
    "nested",
];

/// A struct with named fields (or a unit struct), as written.
pub(crate) struct Input<'a> {
    pub ident: &'a Ident,
    pub generics: &'a Generics,
    /// `#[validate(crate = "...")]`, parsed as a path.
    pub krate: Option<syn::Path>,
    /// `#[serde(rename_all = "...")]` (or its `serialize = "..."` form).
    pub rename_all: Option<LitStr>,
    pub fields: Vec<Field<'a>>,
}

/// One named field.
pub(crate) struct Field<'a> {
    pub ident: &'a Ident,
    pub ty: &'a Type,
    /// `#[serde(rename = "...")]` (or its `serialize = "..."` form).
    pub rename: Option<LitStr>,
    /// `#[serde(flatten)]`: a nested value validated at this struct's own path.
    pub flatten: bool,
    pub rules: Vec<Rule>,
}

/// One rule as written: its name (for spans and messages) and its typed arguments.
pub(crate) struct Rule {
    pub name: Ident,
    pub kind: RuleKind,
}

pub(crate) enum RuleKind {
    Required,
    Length(Bounds),
    Pattern(LitStr),
    Url,
    Phone {
        country: Option<Ident>,
    },
    Originator,
    Country,
    Gsm7 {
        when: Option<Ident>,
    },
    After(Ident),
    OneOf(Vec<LitStr>),
    Items(Bounds),
    /// `nested`, or `nested(flatten)`: the inner failures at this struct's own path.
    Nested {
        flatten: bool,
    },
}

/// `min = N, max = M`, either optional.
pub(crate) struct Bounds {
    pub min: Option<Bound>,
    pub max: Option<Bound>,
}

pub(crate) struct Bound {
    pub value: usize,
    pub lit: LitInt,
}

/// Reads the derive input; `None` when its shape is not supported (the error is in `errors`).
/// Attribute mistakes are recorded and the offending rule left out, so later stages still run
/// and report theirs.
pub(crate) fn parse<'a>(input: &'a DeriveInput, errors: &mut Errors) -> Option<Input<'a>> {
    let krate = container_attrs(&input.attrs, errors);
    let rename_all = serde_container(&input.attrs);
    let fields = match &input.data {
        Data::Struct(data) => match &data.fields {
            Fields::Named(named) => named
                .named
                .iter()
                .map(|field| parse_field(field, errors))
                .collect(),
            Fields::Unit => Vec::new(),
            Fields::Unnamed(unnamed) => {
                errors.at(
                    unnamed.paren_token.span.join(),
                    format!(
                        "#[derive(Validate)] does not support tuple structs: failures name fields by their JSON names; give `{}` named fields",
                        input.ident
                    ),
                );
                return None;
            }
        },
        Data::Enum(data) => {
            errors.at(
                data.enum_token.span,
                "#[derive(Validate)] supports only structs with named fields, not enums",
            );
            return None;
        }
        Data::Union(data) => {
            errors.at(
                data.union_token.span,
                "#[derive(Validate)] supports only structs with named fields, not unions",
            );
            return None;
        }
    };
    Some(Input {
        ident: &input.ident,
        generics: &input.generics,
        krate,
        rename_all,
        fields,
    })
}

fn container_attrs(attrs: &[Attribute], errors: &mut Errors) -> Option<syn::Path> {
    let mut krate: Option<syn::Path> = None;
    for item in validate_items(attrs, errors) {
        if item.name != "crate" {
            errors.at(
                item.name.span(),
                format!(
                    "unknown container attribute `{}`; the only one is `crate = \"path\"` (rules go on fields)",
                    item.name
                ),
            );
            continue;
        }
        let Some(lit) = item.string_value(errors, "crate = \"::dynmark_api\"") else {
            continue;
        };
        if krate.is_some() {
            errors.at(item.name.span(), "duplicate `crate`; give it once");
            continue;
        }
        match lit.parse::<syn::Path>() {
            Ok(path) => krate = Some(path),
            Err(_) => errors.at(
                lit.span(),
                format!(
                    "`{}` is not a path; expected the path of the runtime crate, e.g. `crate = \"::dynmark_api\"`",
                    lit.value()
                ),
            ),
        }
    }
    krate
}

fn parse_field<'a>(field: &'a syn::Field, errors: &mut Errors) -> Field<'a> {
    let ident = field.ident.as_ref().expect("named fields have identifiers");
    let (rename, flatten) = serde_field(&field.attrs);
    let rules = validate_items(&field.attrs, errors)
        .into_iter()
        .filter_map(|item| parse_rule(item, errors))
        .collect();
    Field {
        ident,
        ty: &field.ty,
        rename,
        flatten,
        rules,
    }
}

fn parse_rule(item: RawItem, errors: &mut Errors) -> Option<Rule> {
    let name = item.name.to_string();
    let kind = match name.as_str() {
        "required" => item.flag(errors).then_some(RuleKind::Required)?,
        "url" => item.flag(errors).then_some(RuleKind::Url)?,
        "originator" => item.flag(errors).then_some(RuleKind::Originator)?,
        "country" => item.flag(errors).then_some(RuleKind::Country)?,
        "nested" => RuleKind::Nested {
            flatten: item.optional_word(errors, "flatten", "nested(flatten)")?,
        },
        "length" => RuleKind::Length(item.bounds(errors, "length(min = 1, max = 64)")?),
        "items" => RuleKind::Items(item.bounds(errors, "items(min = 1, max = 250)")?),
        "pattern" => {
            RuleKind::Pattern(item.string_value(errors, "pattern = \"[A-Z]{3}-[0-9]{4}\"")?)
        }
        "after" => RuleKind::After(item.field_value(errors, "after = deliver_after")?),
        "phone" => RuleKind::Phone {
            country: item.optional_sibling(
                errors,
                "country",
                "phone(country = country_iso_code)",
            )?,
        },
        "gsm7" => RuleKind::Gsm7 {
            when: item.optional_sibling(errors, "when", "gsm7(when = reject_unicode)")?,
        },
        "one_of" => RuleKind::OneOf(item.string_list(errors)?),
        _ => {
            errors.at(
                item.name.span(),
                format!(
                    "unknown rule `{name}`; expected one of: {}",
                    RULE_NAMES.join(", ")
                ),
            );
            return None;
        }
    };
    Some(Rule {
        name: item.name,
        kind,
    })
}

/// Every item of every `#[validate(...)]` attribute in `attrs`, in order. A malformed attribute
/// is reported and skipped.
fn validate_items(attrs: &[Attribute], errors: &mut Errors) -> Vec<RawItem> {
    let mut items = Vec::new();
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("validate")) {
        if !matches!(attr.meta, syn::Meta::List(_)) {
            errors.spanned(attr, "expected `#[validate(...)]` with a list of rules, e.g. `#[validate(required, length(max = 64))]`");
            continue;
        }
        match attr.parse_args_with(Punctuated::<RawItem, Token![,]>::parse_terminated) {
            Ok(parsed) => items.extend(parsed),
            Err(error) => errors.push(error),
        }
    }
    items
}

/// `#[serde(rename_all = "...")]` on the container, when it can be read. Malformed serde
/// attributes are left for serde to report.
fn serde_container(attrs: &[Attribute]) -> Option<LitStr> {
    let mut rename_all = None;
    for item in serde_items(attrs) {
        if item.name == "rename_all" {
            rename_all = item.serialize_name().or(rename_all);
        }
    }
    rename_all
}

/// `#[serde(rename = "...")]` and `#[serde(flatten)]` on a field.
fn serde_field(attrs: &[Attribute]) -> (Option<LitStr>, bool) {
    let mut rename = None;
    let mut flatten = false;
    for item in serde_items(attrs) {
        if item.name == "rename" {
            rename = item.serialize_name().or(rename);
        } else if item.name == "flatten" {
            flatten = true;
        }
    }
    (rename, flatten)
}

fn serde_items(attrs: &[Attribute]) -> Vec<RawItem> {
    attrs
        .iter()
        .filter(|attr| attr.path().is_ident("serde"))
        .filter_map(|attr| {
            attr.parse_args_with(Punctuated::<RawItem, Token![,]>::parse_terminated)
                .ok()
        })
        .flatten()
        .collect()
}

/// One item of an attribute list: `name`, `name = value` or `name(args)`.
struct RawItem {
    name: Ident,
    value: RawValue,
}

enum RawValue {
    None,
    Eq(Token![=], Expr),
    List(syn::token::Paren, Punctuated<RawArg, Token![,]>),
}

/// One argument inside `name(...)`: `key = value` or a bare value.
enum RawArg {
    Named(Ident, Token![=], Expr),
    Positional(Expr),
}

impl Parse for RawItem {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let name = Ident::parse_any(input)?;
        let value = if input.peek(Token![=]) {
            RawValue::Eq(input.parse()?, input.parse()?)
        } else if input.peek(syn::token::Paren) {
            let content;
            let paren = syn::parenthesized!(content in input);
            RawValue::List(paren, Punctuated::parse_terminated(&content)?)
        } else {
            RawValue::None
        };
        Ok(RawItem { name, value })
    }
}

impl Parse for RawArg {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.peek(Ident::peek_any) && input.peek2(Token![=]) && !input.peek2(Token![==]) {
            Ok(RawArg::Named(
                Ident::parse_any(input)?,
                input.parse()?,
                input.parse()?,
            ))
        } else {
            Ok(RawArg::Positional(input.parse()?))
        }
    }
}

impl quote::ToTokens for RawItem {
    fn to_tokens(&self, tokens: &mut proc_macro2::TokenStream) {
        self.name.to_tokens(tokens);
        match &self.value {
            RawValue::None => {}
            RawValue::Eq(eq, expr) => {
                eq.to_tokens(tokens);
                expr.to_tokens(tokens);
            }
            RawValue::List(paren, args) => paren.surround(tokens, |inner| {
                for pair in args.pairs() {
                    match pair.value() {
                        RawArg::Named(key, eq, expr) => {
                            key.to_tokens(inner);
                            eq.to_tokens(inner);
                            expr.to_tokens(inner);
                        }
                        RawArg::Positional(expr) => expr.to_tokens(inner),
                    }
                    if let Some(comma) = pair.punct() {
                        comma.to_tokens(inner);
                    }
                }
            }),
        }
    }
}

impl RawItem {
    /// A rule that takes no value: `required`.
    fn flag(&self, errors: &mut Errors) -> bool {
        let name = &self.name;
        match &self.value {
            RawValue::None => true,
            RawValue::Eq(eq, expr) => {
                errors.spanned(
                    quote::quote!(#eq #expr),
                    format!("`{name}` takes no value; write `{name}` alone"),
                );
                false
            }
            RawValue::List(paren, _) => {
                errors.at(
                    paren.span.join(),
                    format!("`{name}` takes no arguments; write `{name}` alone"),
                );
                false
            }
        }
    }

    /// `name = "text"`.
    fn string_value(&self, errors: &mut Errors, example: &str) -> Option<LitStr> {
        let name = &self.name;
        match &self.value {
            RawValue::Eq(_, expr) => string_lit(
                expr,
                errors,
                &format!("`{name}` expects a string literal, e.g. `{example}`"),
            ),
            _ => {
                errors.spanned(self, format!("`{name}` needs a value: `{example}`"));
                None
            }
        }
    }

    /// `name = sibling_field`.
    fn field_value(&self, errors: &mut Errors, example: &str) -> Option<Ident> {
        let name = &self.name;
        match &self.value {
            RawValue::Eq(_, expr) => field_ident(
                expr,
                errors,
                &format!(
                    "`{name}` expects the name of another field of this struct, e.g. `{example}`"
                ),
            ),
            _ => {
                errors.spanned(self, format!("`{name}` needs a field: `{example}`"));
                None
            }
        }
    }

    /// `name` or `name(word)`: whether the word was written.
    fn optional_word(&self, errors: &mut Errors, word: &str, example: &str) -> Option<bool> {
        let name = &self.name;
        match &self.value {
            RawValue::None => Some(false),
            RawValue::List(_, args)
                if args.len() == 1
                    && matches!(args.first(), Some(RawArg::Positional(Expr::Path(path))) if path.path.is_ident(word)) =>
            {
                Some(true)
            }
            _ => {
                errors.spanned(self, format!("`{name}` is written `{name}` or `{example}`"));
                None
            }
        }
    }

    /// `name` or `name(key = sibling_field)`; `Some(None)` for the bare form.
    fn optional_sibling(
        &self,
        errors: &mut Errors,
        key: &str,
        example: &str,
    ) -> Option<Option<Ident>> {
        let name = &self.name;
        let args = match &self.value {
            RawValue::None => return Some(None),
            RawValue::Eq(eq, expr) => {
                errors.spanned(
                    quote::quote!(#eq #expr),
                    format!("`{name}` is written `{name}` or `{example}`"),
                );
                return None;
            }
            RawValue::List(_, args) => args,
        };
        let mut found: Option<Ident> = None;
        let mut ok = true;
        for arg in args {
            match arg {
                RawArg::Named(arg_name, _, expr) if arg_name == key => {
                    if found.is_some() {
                        errors.at(arg_name.span(), format!("duplicate `{key}`; give it once"));
                        ok = false;
                    } else if let Some(ident) = field_ident(
                        expr,
                        errors,
                        &format!(
                            "`{key}` expects the name of another field of this struct, e.g. `{example}`"
                        ),
                    ) {
                        found = Some(ident);
                    } else {
                        ok = false;
                    }
                }
                RawArg::Named(arg_name, ..) => {
                    errors.at(arg_name.span(), format!("unknown argument `{arg_name}` for `{name}`; expected `{key}`, e.g. `{example}`"));
                    ok = false;
                }
                RawArg::Positional(expr) => {
                    errors.spanned(expr, format!("expected `{key} = field`, e.g. `{example}`"));
                    ok = false;
                }
            }
        }
        if !ok {
            return None;
        }
        match found {
            Some(ident) => Some(Some(ident)),
            None => {
                errors.spanned(self, format!("`{name}(...)` needs `{key} = field`, e.g. `{example}`; or write `{name}` alone"));
                None
            }
        }
    }

    /// `name(min = N, max = M)`.
    fn bounds(&self, errors: &mut Errors, example: &str) -> Option<Bounds> {
        let name = &self.name;
        let RawValue::List(_, args) = &self.value else {
            errors.spanned(
                self,
                format!("`{name}` takes bounds in parentheses: `{example}`"),
            );
            return None;
        };
        let mut bounds = Bounds {
            min: None,
            max: None,
        };
        let mut ok = true;
        for arg in args {
            match arg {
                RawArg::Named(key, _, expr) if key == "min" || key == "max" => {
                    let slot = if key == "min" {
                        &mut bounds.min
                    } else {
                        &mut bounds.max
                    };
                    if slot.is_some() {
                        errors.at(
                            key.span(),
                            format!("duplicate `{key}` in `{name}`; give it once"),
                        );
                        ok = false;
                    } else if let Some(bound) = integer(
                        expr,
                        errors,
                        &format!("`{key}` expects a non-negative integer, e.g. `{example}`"),
                    ) {
                        *slot = Some(bound);
                    } else {
                        ok = false;
                    }
                }
                RawArg::Named(key, ..) => {
                    errors.at(key.span(), format!("unknown bound `{key}` for `{name}`; expected `min` and/or `max`, e.g. `{example}`"));
                    ok = false;
                }
                RawArg::Positional(expr) => {
                    errors.spanned(
                        expr,
                        format!("expected `min = N` or `max = N`, e.g. `{example}`"),
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(bounds)
    }

    /// `one_of("a", "b", ...)`.
    fn string_list(&self, errors: &mut Errors) -> Option<Vec<LitStr>> {
        let name = &self.name;
        let RawValue::List(_, args) = &self.value else {
            errors.spanned(
                self,
                format!("`{name}` takes the allowed values in parentheses: `one_of(\"a\", \"b\")`"),
            );
            return None;
        };
        let mut values = Vec::new();
        let mut ok = true;
        for arg in args {
            let message = "`one_of` expects string literals, e.g. `one_of(\"a\", \"b\")`";
            match arg {
                RawArg::Positional(expr) => match string_lit(expr, errors, message) {
                    Some(lit) => values.push(lit),
                    None => ok = false,
                },
                RawArg::Named(key, eq, expr) => {
                    errors.spanned(quote::quote!(#key #eq #expr), message);
                    ok = false;
                }
            }
        }
        ok.then_some(values)
    }

    /// For serde's `rename = "x"` or `rename(serialize = "x", ...)`: the serialized name.
    fn serialize_name(&self) -> Option<LitStr> {
        match &self.value {
            RawValue::Eq(_, expr) => as_lit_str(expr),
            RawValue::List(_, args) => args.iter().find_map(|arg| match arg {
                RawArg::Named(key, _, expr) if key == "serialize" => as_lit_str(expr),
                _ => None,
            }),
            RawValue::None => None,
        }
    }
}

fn as_lit_str(expr: &Expr) -> Option<LitStr> {
    match expr {
        Expr::Lit(syn::ExprLit {
            lit: Lit::Str(lit), ..
        }) => Some(lit.clone()),
        _ => None,
    }
}

fn string_lit(expr: &Expr, errors: &mut Errors, message: &str) -> Option<LitStr> {
    let lit = as_lit_str(expr);
    if lit.is_none() {
        errors.spanned(expr, message);
    }
    lit
}

fn integer(expr: &Expr, errors: &mut Errors, message: &str) -> Option<Bound> {
    if let Expr::Lit(syn::ExprLit {
        lit: Lit::Int(lit), ..
    }) = expr
    {
        match lit.base10_parse::<usize>() {
            Ok(value) => {
                return Some(Bound {
                    value,
                    lit: lit.clone(),
                });
            }
            Err(error) => {
                errors.at(lit.span(), format!("{message} ({error})"));
                return None;
            }
        }
    }
    errors.spanned(expr, message);
    None
}

fn field_ident(expr: &Expr, errors: &mut Errors, message: &str) -> Option<Ident> {
    if let Expr::Path(path) = expr
        && path.qself.is_none()
        && path.attrs.is_empty()
        && let Some(ident) = path.path.get_ident()
    {
        return Some(ident.clone());
    }
    errors.spanned(expr, message);
    None
}
