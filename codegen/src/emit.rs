//! [`Api`] → Rust tokens. Reads only the model: every check happened in [`parse`](crate::parse).
//!
//! A schema may be named like any standard item (`String`, `Vec`, `Option`, `Result`, `From`,
//! `Into`, ...), and the generated types sit beside each other, so the emitted code names every
//! standard type and trait by its full path (`::std::string::String`, `::core::convert::From`,
//! `::core::fmt::Formatter`, ...) and its own helper types with names no schema can take
//! (`__Visitor`: schema names have no underscore). The prelude's values `Some` and `None` stay
//! short where the code is read most (`new`, the setters): a schema is a struct with named
//! fields or an enum, which live in the type namespace only and cannot hide a value.
//! `tests/tests/codegen_fixtures_compile.rs` compiles a fixture with all of these names.

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote};

use crate::model::{
    Api, Batch, EnumValues, ExtensibleEnum, Field, FieldType, Method, ObjectSchema, Operation,
    Outcome, Rule, Schema, Shape, Sibling,
};

mod call;
mod json;
use crate::parse::first_sentence;

mod requests_to_you;
mod secret;
mod steps;

/// The code for every schema and operation of `api`; `runtime` is where `dynmark_api`'s
/// hand-written runtime lives from the generated code's point of view (`crate` or
/// `::dynmark_api`).
///
/// The runtime's `operation::ItemOutcome` speaks of the runtime's own `ValidationFailure`, so an
/// item result can only implement it when the generated types *are* the runtime's, that is when
/// the code is included in `dynmark-api` (`runtime` is `crate`). Elsewhere the generated
/// `ValidationFailure` is a second, distinct type: the `ItemOutcome` impls and the `operations`
/// module (whose `BatchOperation::ItemResult` needs `ItemOutcome`) are then left out, and the
/// output holds the types and their `Validate` impls only.
pub fn emit(api: &Api, runtime: &syn::Path) -> TokenStream {
    let inside_runtime = runtime.leading_colon.is_none()
        && runtime.segments.len() == 1
        && runtime.segments[0].ident == "crate";
    let mut step_types = Vec::new();
    let schemas: Vec<TokenStream> = api
        .schemas
        .iter()
        .map(|schema| match schema {
            Schema::Object(object) => {
                let (code, steps) = object_type(api, object, runtime, inside_runtime);
                step_types.extend(steps);
                code
            }
            Schema::ExtensibleEnum(enumeration) => extensible_enum(enumeration, runtime),
        })
        .collect();
    let example = api.schemas.iter().find_map(|schema| match schema {
        Schema::Object(object) if object.steps.is_some() => {
            Some(steps::chain(&object.name, &object.fields))
        }
        _ => None,
    });
    let steps = steps::steps_module("types::steps", example, step_types);
    let names: Vec<Ident> = api
        .schemas
        .iter()
        .map(|schema| plain_ident(schema.name()))
        .collect();
    // Named one by one, not with a glob: a schema named like an item beside the re-export
    // (`Client` at `dynmark-api`'s root) is a compile error, never silently hidden.
    let reexport = (!names.is_empty()).then(|| quote! { pub use types::{#(#names),*}; });
    let operations = inside_runtime.then(|| operations(api, runtime));
    let requests_to_you = (inside_runtime && !api.requests_to_you.is_empty())
        .then(|| requests_to_you::requests_to_you(api, runtime));
    quote! {
        /// One type per schema of the spec, each re-exported beside this module.
        #[allow(missing_docs, clippy::all)]
        pub mod types {
            #(#schemas)*
            #steps
        }

        #reexport

        #operations
        #requests_to_you
    }
}

/// `#[doc = "..."]` lines for a text (one per line, each with a leading space as `///` gives),
/// its code blocks made text blocks ([`code_blocks_as_text`]).
fn doc_lines(text: &str) -> TokenStream {
    let text = code_blocks_as_text(text);
    let lines = text.lines().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote! { #[doc = #line] }
    });
    quote! { #(#lines)* }
}

/// A description's code blocks as ```` ```text ```` blocks, so that rustdoc does not run them as
/// doctests of the crate that includes the generated code: a fence without a language (or with
/// a Rust one: `rust`, `ignore`, `no_run`, ...) is relabelled `text`, and an indented code block
/// (four spaces, after a blank line, outside a list) is fenced as `text`. Other fences
/// (```` ```json ````) and the rest of the text are kept as they are.
pub(crate) fn code_blocks_as_text(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    // The open fence's marker (```` ``` ```` or `~~~`, at least three).
    let mut fence: Option<String> = None;
    let mut indented = false;
    // Blank lines seen inside an indented block, kept until it is known whether it goes on.
    let mut blanks = 0;
    let mut previous_blank = true;
    let mut in_list = false;
    for line in text.lines() {
        let expanded = line.replace('\t', "    ");
        let content = expanded.trim_start();
        let indent = expanded.len() - content.len();
        let blank = content.is_empty();
        if let Some(marker) = &fence {
            if indent < 4
                && content.starts_with(marker.as_str())
                && content
                    .trim_start_matches(marker.as_bytes()[0] as char)
                    .trim()
                    .is_empty()
            {
                fence = None;
            }
            out.push(line.to_owned());
            previous_blank = blank;
            continue;
        }
        if indented {
            if blank {
                blanks += 1;
                continue;
            }
            if indent >= 4 {
                out.extend(std::iter::repeat_n(String::new(), blanks));
                blanks = 0;
                out.push(expanded[4..].to_owned());
                continue;
            }
            out.push("```".to_owned());
            out.extend(std::iter::repeat_n(String::new(), blanks));
            blanks = 0;
            indented = false;
            previous_blank = true;
        }
        if blank {
            out.push(String::new());
            previous_blank = true;
            continue;
        }
        if indent < 4
            && let Some(marker) = fence_marker(content)
        {
            let info = content[marker.len()..].trim();
            let language = info
                .split(|c: char| c == ',' || c.is_whitespace())
                .next()
                .unwrap_or_default();
            let rust = matches!(
                language,
                "" | "rust"
                    | "ignore"
                    | "should_panic"
                    | "no_run"
                    | "compile_fail"
                    | "test_harness"
                    | "edition2015"
                    | "edition2018"
                    | "edition2021"
                    | "edition2024"
            );
            if rust {
                out.push(format!("{}{marker}text", &expanded[..indent]));
            } else {
                out.push(line.to_owned());
            }
            fence = Some(marker);
            previous_blank = false;
            continue;
        }
        if indent >= 4 && previous_blank && !in_list {
            out.push("```text".to_owned());
            out.push(expanded[4..].to_owned());
            indented = true;
            continue;
        }
        if indent < 4 && is_list_item(content) {
            in_list = true;
        } else if indent == 0 && previous_blank {
            in_list = false;
        }
        out.push(line.to_owned());
        previous_blank = false;
    }
    if indented {
        out.push("```".to_owned());
    }
    let mut text = out.join("\n");
    if fence.is_some() {
        // An unclosed fence runs to the end of the text, as in Markdown; close it explicitly.
        text.push_str("\n```");
    }
    text
}

/// The fence marker a line opens with: three or more backticks or tildes.
fn fence_marker(content: &str) -> Option<String> {
    let first = content.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let length = content.chars().take_while(|c| *c == first).count();
    (length >= 3).then(|| first.to_string().repeat(length))
}

/// Whether a line starts a Markdown list item (`- `, `* `, `+ `, `1. `, `1) `).
fn is_list_item(content: &str) -> bool {
    let digits = content.chars().take_while(char::is_ascii_digit).count();
    let rest = if digits > 0 {
        match content[digits..].strip_prefix(['.', ')']) {
            Some(rest) => rest,
            None => return false,
        }
    } else {
        match content.strip_prefix(['-', '*', '+']) {
            Some(rest) => rest,
            None => return false,
        }
    };
    rest.is_empty() || rest.starts_with(' ')
}

fn doc_paragraphs(paragraphs: &[String]) -> TokenStream {
    let text = paragraphs.join("\n\n");
    doc_lines(&text)
}

/// A field's identifier: `r#name` when the name is a keyword.
fn rust_ident(name: &str, raw: bool) -> Ident {
    if raw {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

fn field_ident(field: &Field) -> Ident {
    rust_ident(&field.rust_name, field.raw)
}

fn sibling_ident(sibling: &Sibling) -> Ident {
    rust_ident(&sibling.rust_name, sibling.raw)
}

fn plain_ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

fn value_type(ty: &FieldType, prefix: &TokenStream) -> TokenStream {
    match ty {
        FieldType::String => quote! { ::std::string::String },
        FieldType::Boolean => quote! { bool },
        FieldType::Integer => quote! { i64 },
        FieldType::DateTime => quote! { chrono::DateTime<chrono::Utc> },
        FieldType::Named(name) => {
            let ident = plain_ident(name);
            quote! { #prefix #ident }
        }
        FieldType::Array(item) => {
            let item = value_type(item, prefix);
            quote! { ::std::vec::Vec<#item> }
        }
    }
}

fn field_type(field: &Field) -> TokenStream {
    let ty = value_type(&field.ty, &TokenStream::new());
    if field.required {
        ty
    } else {
        quote! { ::core::option::Option<#ty> }
    }
}

fn count(value: u64) -> Literal {
    Literal::u64_unsuffixed(value)
}

fn bounds(min: Option<u64>, max: Option<u64>) -> TokenStream {
    let min = min.map(|min| {
        let min = count(min);
        quote! { min = #min }
    });
    let max = max.map(|max| {
        let max = count(max);
        quote! { max = #max }
    });
    let parts = min.into_iter().chain(max);
    quote! { #(#parts),* }
}

/// One rule in the syntax of DEVELOPERS.md, Contract 2.
fn rule_tokens(rule: &Rule) -> TokenStream {
    match rule {
        Rule::Required => quote! { required },
        Rule::Length { min, max } => {
            let bounds = bounds(*min, *max);
            quote! { length(#bounds) }
        }
        Rule::Pattern(pattern) => quote! { pattern = #pattern },
        Rule::Url => quote! { url },
        Rule::Phone { country } => {
            let country = sibling_ident(country);
            quote! { phone(country = #country) }
        }
        Rule::Originator => quote! { originator },
        Rule::Country => quote! { country },
        Rule::Gsm7 { when: None } => quote! { gsm7 },
        Rule::Gsm7 { when: Some(when) } => {
            let when = sibling_ident(when);
            quote! { gsm7(when = #when) }
        }
        Rule::After(sibling) => {
            let sibling = sibling_ident(sibling);
            quote! { after = #sibling }
        }
        Rule::OneOf(values) => quote! { one_of(#(#values),*) },
        Rule::Items { min, max } => {
            let bounds = bounds(*min, *max);
            quote! { items(#bounds) }
        }
        Rule::Nested => quote! { nested },
        Rule::NestedFlatten => quote! { nested(flatten) },
    }
}

/// A field's docs; `link_prefix` is the path of the schemas' module from the field's (`""`
/// beside them, `"super::"` in `operations`).
fn field_docs(field: &Field, link_prefix: &str) -> TokenStream {
    let mut paragraphs = Vec::new();
    if let Some(description) = &field.description {
        paragraphs.push(description.clone());
    }
    if let FieldType::Named(name) = &field.ty {
        if link_prefix.is_empty() {
            paragraphs.push(format!("See [`{name}`]."));
        } else {
            paragraphs.push(format!("See [`{name}`]({link_prefix}{name})."));
        }
    }
    if let Some(default) = &field.default {
        paragraphs.push(format!("Absent means `{default}`."));
    }
    if !field.aliases.is_empty() {
        let aliases: Vec<String> = field.aliases.iter().map(|a| format!("`{a}`")).collect();
        paragraphs.push(format!(
            "Also read from {} {}; always written as `{}`.",
            if aliases.len() == 1 {
                "the JSON name"
            } else {
                "the JSON names"
            },
            aliases.join(", "),
            field.json_name
        ));
    }
    doc_paragraphs(&paragraphs)
}

fn struct_field(field: &Field) -> TokenStream {
    let docs = field_docs(field, "");
    let ident = field_ident(field);
    let ty = field_type(field);
    let mut serde_args = Vec::new();
    if field.rust_name != field.json_name {
        let json = &field.json_name;
        serde_args.push(quote! { rename = #json });
    }
    for alias in &field.aliases {
        serde_args.push(quote! { alias = #alias });
    }
    let serde_attr = (!serde_args.is_empty()).then(|| quote! { #[serde(#(#serde_args),*)] });
    // serde resolves the path beside the type, where a schema may be called `Option`. An
    // attribute of its own keeps the names above on one line.
    let skip_attr = (!field.required)
        .then(|| quote! { #[serde(skip_serializing_if = "::core::option::Option::is_none")] });
    let validate_attr = (!field.rules.is_empty()).then(|| {
        let rules = field.rules.iter().map(rule_tokens);
        quote! { #[validate(#(#rules),*)] }
    });
    quote! {
        #docs
        #serde_attr
        #skip_attr
        #validate_attr
        pub #ident: #ty,
    }
}

/// How `new` takes a required field: strings and open enums as `impl Into<_>`; `prefix` is the
/// path of the schemas' module (empty beside them).
fn parameter(api: &Api, field: &Field, prefix: &TokenStream) -> (TokenStream, TokenStream) {
    let ident = field_ident(field);
    match &field.ty {
        FieldType::String => (
            quote! { #ident: impl ::core::convert::Into<::std::string::String> },
            quote! { #ident.into() },
        ),
        FieldType::Named(name) if matches!(api.schema(name), Some(Schema::ExtensibleEnum(_))) => {
            let ty = plain_ident(name);
            (
                quote! { #ident: impl ::core::convert::Into<#prefix #ty> },
                quote! { #ident.into() },
            )
        }
        other => {
            let ty = value_type(other, prefix);
            (quote! { #ident: #ty }, quote! { #ident })
        }
    }
}

/// `field: value` in a struct expression, shortened to `field` when the value is the parameter.
fn initializer(api: &Api, field: &Field) -> TokenStream {
    let ident = field_ident(field);
    let converted = match &field.ty {
        FieldType::String => true,
        FieldType::Named(name) => matches!(api.schema(name), Some(Schema::ExtensibleEnum(_))),
        _ => false,
    };
    if converted {
        quote! { #ident: #ident.into() }
    } else {
        quote! { #ident }
    }
}

/// The struct of an object schema, and its step types (for `types::steps`) if it has a step
/// builder.
fn object_type(
    api: &Api,
    object: &ObjectSchema,
    runtime: &syn::Path,
    inside_runtime: bool,
) -> (TokenStream, Option<TokenStream>) {
    let name = plain_ident(&object.name);
    let mut paragraphs: Vec<String> = object.description.iter().cloned().collect();
    if object.steps.is_some() {
        paragraphs.push(format!(
            "Build one with `{}`{}: each required field is named where it is written.",
            steps::chain(&object.name, &object.fields),
            if object.fields.iter().any(|f| !f.required) {
                ", then the `with_` setters"
            } else {
                ""
            }
        ));
    }
    let docs = doc_paragraphs(&paragraphs);
    let default_derive = required_none(object).then(|| quote! { , Default });
    let validate_derive = object.validated.then(|| quote! { , #runtime::Validate });
    let validate_crate = object.validated.then(|| {
        let path = quote!(#runtime).to_string().replace(' ', "");
        quote! { #[validate(crate = #path)] }
    });
    let deny = object
        .deny_unknown_fields
        .then(|| quote! { #[serde(deny_unknown_fields)] });
    let fields = object.fields.iter().map(struct_field);

    let required: Vec<&Field> = object.fields.iter().filter(|f| f.required).collect();
    let parameters = required
        .iter()
        .map(|field| parameter(api, field, &TokenStream::new()).0);
    let initializers = required.iter().map(|field| initializer(api, field));
    let optional_idents = object
        .fields
        .iter()
        .filter(|f| !f.required)
        .map(field_ident);
    let new_doc = if object.fields.iter().any(|f| !f.required) {
        " Creates the value from its required fields; every optional field starts absent (set them with the `with_` methods)."
    } else {
        " Creates the value from its fields."
    };
    let step_code = object.steps.as_ref().map(|object_steps| {
        steps::step_builder(
            api,
            &object.name,
            &object.fields,
            object_steps,
            &steps::Place {
                struct_path: quote! { super::#name },
                schemas_from_struct: TokenStream::new(),
                schemas_from_steps: quote! { super:: },
            },
        )
    });
    let deprecated = object
        .steps
        .as_ref()
        .map(|_| steps::deprecated_new(&object.name, &object.fields));
    let start = step_code.as_ref().map(|code| &code.start);
    let setters = object
        .fields
        .iter()
        .filter(|f| !f.required)
        .map(|field| setter(api, field, &TokenStream::new()));
    let outcome = object
        .outcome
        .as_ref()
        .filter(|_| inside_runtime)
        .map(|outcome| item_outcome(&object.name, outcome, runtime));
    let write_json = inside_runtime.then(|| json::write_json(api, object, runtime));

    let (debug_derive, redacted_debug) = match secret::redacted_debug(object) {
        Some(debug) => (None, Some(debug)),
        None => (Some(quote! { Debug, }), None),
    };

    let code = quote! {
        #docs
        #[derive(#debug_derive Clone, PartialEq, serde::Serialize, serde::Deserialize #default_derive #validate_derive)]
        #[non_exhaustive]
        #deny
        #validate_crate
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            #start

            #[doc = #new_doc]
            #deprecated
            pub fn new(#(#parameters),*) -> Self {
                Self {
                    #(#initializers,)*
                    #(#optional_idents: None,)*
                }
            }

            #(#setters)*
        }

        #redacted_debug
        #outcome
        #write_json
    };
    (code, step_code.map(|code| code.types))
}

/// Whether every field is optional, so that an all-absent value is a sensible `Default`.
fn required_none(object: &ObjectSchema) -> bool {
    object.fields.iter().all(|field| !field.required)
}

fn setter(api: &Api, field: &Field, prefix: &TokenStream) -> TokenStream {
    let ident = field_ident(field);
    let method = format_ident!("with_{}", field.rust_name);
    let (parameter, value) = parameter(api, field, prefix);
    let doc = match &field.description {
        Some(description) => format!(
            " Sets `{}`: {}",
            field.json_name,
            first_sentence(description)
        ),
        None => format!(" Sets `{}`.", field.json_name),
    };
    quote! {
        #[doc = #doc]
        #[must_use]
        pub fn #method(mut self, #parameter) -> Self {
            self.#ident = Some(#value);
            self
        }
    }
}

fn item_outcome(name: &str, outcome: &Outcome, runtime: &syn::Path) -> TokenStream {
    let name = plain_ident(name);
    let accepted = rust_ident(&outcome.accepted, outcome.accepted_raw);
    let failures = rust_ident(&outcome.failures, outcome.failures_raw);
    let (borrowed, owned) = if outcome.failures_required {
        (quote! { &self.#failures }, quote! { self.#failures })
    } else {
        (
            quote! { self.#failures.as_deref().unwrap_or(&[]) },
            quote! { self.#failures.unwrap_or_default() },
        )
    };
    quote! {
        impl #runtime::operation::ItemOutcome for #name {
            fn is_accepted(&self) -> bool {
                self.#accepted
            }

            fn failures(&self) -> &[ValidationFailure] {
                #borrowed
            }

            fn into_failures(self) -> ::std::vec::Vec<ValidationFailure> {
                #owned
            }
        }
    }
}

fn extensible_enum(enumeration: &ExtensibleEnum, runtime: &syn::Path) -> TokenStream {
    if enumeration.values == EnumValues::Integers {
        return integer_enum(enumeration, runtime);
    }
    let name = plain_ident(&enumeration.name);
    let docs = doc_paragraphs(enumeration.description.as_slice());
    let idents: Vec<Ident> = enumeration
        .variants
        .iter()
        .map(|v| plain_ident(&v.ident))
        .collect();
    let values: Vec<&str> = enumeration
        .variants
        .iter()
        .map(|v| v.value.as_str())
        .collect();
    let variant_docs = values.iter().map(|value| format!(" `{value}`"));
    let wire = wire_impls(
        &name,
        &format!("a {} string", enumeration.name),
        quote! { serializer.serialize_str(self.as_str()) },
        quote! {
            fn visit_str<E: serde::de::Error>(self, value: &str) -> ::core::result::Result<#name, E> {
                ::core::result::Result::Ok(#name::from(value))
            }

            fn visit_string<E: serde::de::Error>(self, value: ::std::string::String) -> ::core::result::Result<#name, E> {
                ::core::result::Result::Ok(#name::from(value))
            }
        },
        quote! { deserialize_string },
    );
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(
                #[doc = #variant_docs]
                #idents,
            )*
            /// A value this version does not know, kept exactly as received: read it with
            /// [`as_str`](Self::as_str), never by matching on its text (a later version may
            /// know it as a variant of its own).
            Other(#runtime::UnknownValue),
        }

        impl #name {
            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#idents => #values,)*
                    Self::Other(value) => value.as_str(),
                }
            }

            /// `true` for the values listed in the spec, `false` for [`Self::Other`].
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Other(_))
            }
        }

        impl ::core::fmt::Display for #name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::core::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#values => Self::#idents,)*
                    other => Self::Other(#runtime::UnknownValue::new(other.to_owned())),
                }
            }
        }

        impl ::core::convert::From<::std::string::String> for #name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    #(#values => Self::#idents,)*
                    _ => Self::Other(#runtime::UnknownValue::new(value)),
                }
            }
        }

        #wire
    }
}

/// An open set of integers (`NumberStatus`): the known values as variants named by
/// `x-enum-varnames`, any other kept in `Other(UnknownNumber)`; read and written as its number.
fn integer_enum(enumeration: &ExtensibleEnum, runtime: &syn::Path) -> TokenStream {
    let name = plain_ident(&enumeration.name);
    let docs = doc_paragraphs(enumeration.description.as_slice());
    let idents: Vec<Ident> = enumeration
        .variants
        .iter()
        .map(|v| plain_ident(&v.ident))
        .collect();
    let numbers: Vec<Literal> = enumeration
        .variants
        .iter()
        .map(|v| Literal::i64_unsuffixed(v.number.unwrap_or_default()))
        .collect();
    let variant_docs = enumeration
        .variants
        .iter()
        .map(|v| format!(" `{}`", v.value));
    let wire = wire_impls(
        &name,
        &format!("a {} integer", enumeration.name),
        quote! { serializer.serialize_i64(self.as_i64()) },
        quote! {
            fn visit_i64<E: serde::de::Error>(self, value: i64) -> ::core::result::Result<#name, E> {
                ::core::result::Result::Ok(#name::from(value))
            }

            fn visit_u64<E: serde::de::Error>(self, value: u64) -> ::core::result::Result<#name, E> {
                match i64::try_from(value) {
                    ::core::result::Result::Ok(value) => ::core::result::Result::Ok(#name::from(value)),
                    ::core::result::Result::Err(_) => ::core::result::Result::Err(E::invalid_value(serde::de::Unexpected::Unsigned(value), &self)),
                }
            }
        },
        quote! { deserialize_i64 },
    );
    quote! {
        #docs
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(
                #[doc = #variant_docs]
                #idents,
            )*
            /// A value this version does not know, kept exactly as received: read it with
            /// [`as_i64`](Self::as_i64), never by matching on its number (a later version may
            /// know it as a variant of its own).
            Other(#runtime::UnknownNumber),
        }

        impl #name {
            /// The value as it appears on the wire.
            pub fn as_i64(&self) -> i64 {
                match self {
                    #(Self::#idents => #numbers,)*
                    Self::Other(value) => value.as_i64(),
                }
            }

            /// `true` for the values listed in the spec, `false` for [`Self::Other`].
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Other(_))
            }
        }

        impl ::core::fmt::Display for #name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Display::fmt(&self.as_i64(), f)
            }
        }

        impl ::core::convert::From<i64> for #name {
            fn from(value: i64) -> Self {
                match value {
                    #(#numbers => Self::#idents,)*
                    other => Self::Other(#runtime::UnknownNumber::new(other)),
                }
            }
        }

        #wire
    }
}

/// An open enum's `Serialize` (`serialize`: the body, writing its wire value) and `Deserialize`
/// (a visitor `expecting` it, with `visit` methods, driven by `entry`, the deserializer's
/// method), shared by the string and the integer kinds.
fn wire_impls(
    name: &Ident,
    expecting: &str,
    serialize: TokenStream,
    visit: TokenStream,
    entry: TokenStream,
) -> TokenStream {
    quote! {
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                #serialize
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                // A schema name never has an underscore, so this cannot clash with one.
                struct __Visitor;

                impl serde::de::Visitor<'_> for __Visitor {
                    type Value = #name;

                    fn expecting(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                        f.write_str(#expecting)
                    }

                    #visit
                }

                deserializer.#entry(__Visitor)
            }
        }
    }
}

fn method_variant(method: Method) -> Ident {
    plain_ident(match method {
        Method::Get => "Get",
        Method::Post => "Post",
        Method::Put => "Put",
        Method::Patch => "Patch",
        Method::Delete => "Delete",
    })
}

fn operations(api: &Api, runtime: &syn::Path) -> TokenStream {
    if api.operations.is_empty() {
        return TokenStream::new();
    }
    let mut step_types = Vec::new();
    let descriptors: Vec<TokenStream> = api
        .operations
        .iter()
        .map(|operation| match &operation.shape {
            Shape::Batch(batch) => batch_descriptor(operation, batch, runtime),
            Shape::Call(call) => {
                let (code, steps) = call::call_operation(api, operation, call, runtime);
                step_types.extend(steps);
                code
            }
        })
        .collect();
    let example = api
        .operations
        .iter()
        .find_map(|operation| match &operation.shape {
            Shape::Call(call) if call.steps.is_some() => Some(steps::chain(
                &operation.type_name,
                &call::operation_fields(api, call),
            )),
            _ => None,
        });
    let steps = steps::steps_module("operations::steps", example, step_types);
    quote! {
        /// One type per operation of the spec: a descriptor for the clients' batch calls
        /// (`call`), or the call itself with its answer (`request`).
        #[allow(missing_docs, clippy::all)]
        pub mod operations {
            #(#descriptors)*
            #steps
        }
    }
}

fn batch_descriptor(operation: &Operation, batch: &Batch, runtime: &syn::Path) -> TokenStream {
    let name = plain_ident(&operation.type_name);
    let mut paragraphs: Vec<String> = operation.summary.iter().cloned().collect();
    paragraphs.extend(operation.description.iter().cloned());
    let at_least = match batch.min_items {
        0 => String::new(),
        min => format!("at least {min} and "),
    };
    paragraphs.push(format!(
        "`{} {}` (`{}`): {at_least}at most {} `{}` items per call (Dynmark's recommendation).",
        method_variant(operation.method).to_string().to_uppercase(),
        operation.path,
        operation.operation_id,
        batch.max_items_per_call,
        batch.item,
    ));
    let docs = doc_paragraphs(&paragraphs);
    let operation_id = &operation.operation_id;
    let method = method_variant(operation.method);
    let path = &operation.path;
    let accepted_status = Literal::u16_unsuffixed(batch.accepted_status);
    let max_items =
        Literal::usize_unsuffixed(usize::try_from(batch.max_items_per_call).unwrap_or(usize::MAX));
    let item_name = &batch.item_name;
    let item = plain_ident(&batch.item);
    let item_result = plain_ident(&batch.item_result);
    quote! {
        #docs
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct #name;

        impl #runtime::operation::BatchOperation for #name {
            const OPERATION_ID: &'static str = #operation_id;
            const METHOD: #runtime::operation::Method = #runtime::operation::Method::#method;
            const PATH: &'static str = #path;
            const ACCEPTED_STATUS: u16 = #accepted_status;
            const MAX_ITEMS_PER_CALL: usize = #max_items;
            const ITEM_NAME: &'static str = #item_name;

            type Item = super::#item;
            type ItemResult = super::#item_result;

            fn write_item(
                item: &Self::Item,
                out: &mut ::std::vec::Vec<u8>,
            ) -> ::core::result::Result<(), serde_json::Error> {
                #runtime::json::WriteJson::write_json(item, out)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::code_blocks_as_text;

    #[test]
    fn unlabelled_and_rust_fences_become_text() {
        assert_eq!(
            code_blocks_as_text("Send:\n\n```\ncurl -X POST\n```\n\nDone."),
            "Send:\n\n```text\ncurl -X POST\n```\n\nDone."
        );
        assert_eq!(
            code_blocks_as_text("```rust,no_run\nlet x = 1;\n```"),
            "```text\nlet x = 1;\n```"
        );
        assert_eq!(code_blocks_as_text("~~~~\na\n~~~~"), "~~~~text\na\n~~~~");
    }

    #[test]
    fn labelled_fences_and_their_content_are_kept() {
        let json = "```json\n{\"to\": \"447700900000\"}\n\n    {}\n```";
        assert_eq!(code_blocks_as_text(json), json);
    }

    #[test]
    fn indented_blocks_become_text_fences() {
        assert_eq!(
            code_blocks_as_text("For example:\n\n    POST /send\n\n    [1]\nAfter."),
            "For example:\n\n```text\nPOST /send\n\n[1]\n```\nAfter."
        );
        assert_eq!(
            code_blocks_as_text("    at the start"),
            "```text\nat the start\n```"
        );
        assert_eq!(code_blocks_as_text("\tx = 1"), "```text\nx = 1\n```");
    }

    #[test]
    fn indented_lines_that_are_not_code_blocks_are_kept() {
        // A paragraph's continuation lines, and the paragraphs of a list item.
        let text = "One line\n    continued.\n\n- an item\n\n    its second paragraph\n\nAfter.";
        assert_eq!(code_blocks_as_text(text), text);
    }

    #[test]
    fn an_unclosed_fence_is_closed() {
        assert_eq!(code_blocks_as_text("```\nx"), "```text\nx\n```");
    }
}
