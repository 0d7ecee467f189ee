//! [`Api`] → Rust tokens. Reads only the model: every check happened in [`parse`](crate::parse).

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote};

use crate::model::{
    Api, ExtensibleEnum, Field, FieldType, Method, ObjectSchema, Operation, Outcome, Rule, Schema,
};
use crate::parse::first_sentence;

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
    let schemas = api.schemas.iter().map(|schema| match schema {
        Schema::Object(object) => object_type(api, object, runtime, inside_runtime),
        Schema::ExtensibleEnum(enumeration) => extensible_enum(enumeration),
    });
    let operations = inside_runtime.then(|| operations(api, runtime));
    quote! {
        #(#schemas)*
        #operations
    }
}

/// `#[doc = "..."]` lines for a text (one per line, each with a leading space as `///` gives).
fn doc_lines(text: &str) -> TokenStream {
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

fn doc_paragraphs(paragraphs: &[String]) -> TokenStream {
    let text = paragraphs.join("\n\n");
    doc_lines(&text)
}

fn field_ident(field: &Field) -> Ident {
    if field.raw {
        Ident::new_raw(&field.rust_name, Span::call_site())
    } else {
        Ident::new(&field.rust_name, Span::call_site())
    }
}

fn plain_ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

fn value_type(ty: &FieldType, prefix: &TokenStream) -> TokenStream {
    match ty {
        FieldType::String => quote! { String },
        FieldType::Boolean => quote! { bool },
        FieldType::DateTime => quote! { chrono::DateTime<chrono::Utc> },
        FieldType::Named(name) => {
            let ident = plain_ident(name);
            quote! { #prefix #ident }
        }
        FieldType::Array(item) => {
            let item = value_type(item, prefix);
            quote! { Vec<#item> }
        }
    }
}

fn field_type(field: &Field) -> TokenStream {
    let ty = value_type(&field.ty, &TokenStream::new());
    if field.required {
        ty
    } else {
        quote! { Option<#ty> }
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
            let country = plain_ident(&country.rust_name);
            quote! { phone(country = #country) }
        }
        Rule::Originator => quote! { originator },
        Rule::Country => quote! { country },
        Rule::Gsm7 { when: None } => quote! { gsm7 },
        Rule::Gsm7 { when: Some(when) } => {
            let when = plain_ident(&when.rust_name);
            quote! { gsm7(when = #when) }
        }
        Rule::After(sibling) => {
            let sibling = plain_ident(&sibling.rust_name);
            quote! { after = #sibling }
        }
        Rule::OneOf(values) => quote! { one_of(#(#values),*) },
        Rule::Items { min, max } => {
            let bounds = bounds(*min, *max);
            quote! { items(#bounds) }
        }
        Rule::Nested => quote! { nested },
    }
}

fn field_docs(field: &Field) -> TokenStream {
    let mut paragraphs = Vec::new();
    if let Some(description) = &field.description {
        paragraphs.push(description.clone());
    }
    if let FieldType::Named(name) = &field.ty {
        paragraphs.push(format!("See [`{name}`]."));
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
    let docs = field_docs(field);
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
    if !field.required {
        serde_args.push(quote! { skip_serializing_if = "Option::is_none" });
    }
    let serde_attr = (!serde_args.is_empty()).then(|| quote! { #[serde(#(#serde_args),*)] });
    let validate_attr = (!field.rules.is_empty()).then(|| {
        let rules = field.rules.iter().map(rule_tokens);
        quote! { #[validate(#(#rules),*)] }
    });
    quote! {
        #docs
        #serde_attr
        #validate_attr
        pub #ident: #ty,
    }
}

/// How `new` takes a required field: strings and open enums as `impl Into<_>`.
fn parameter(api: &Api, field: &Field) -> (TokenStream, TokenStream) {
    let ident = field_ident(field);
    match &field.ty {
        FieldType::String => (
            quote! { #ident: impl Into<String> },
            quote! { #ident.into() },
        ),
        FieldType::Named(name) if matches!(api.schema(name), Some(Schema::ExtensibleEnum(_))) => {
            let ty = plain_ident(name);
            (quote! { #ident: impl Into<#ty> }, quote! { #ident.into() })
        }
        other => {
            let ty = value_type(other, &TokenStream::new());
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

fn object_type(
    api: &Api,
    object: &ObjectSchema,
    runtime: &syn::Path,
    inside_runtime: bool,
) -> TokenStream {
    let name = plain_ident(&object.name);
    let docs = doc_paragraphs(object.description.as_slice());
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
    let parameters = required.iter().map(|field| parameter(api, field).0);
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
    let setters = object
        .fields
        .iter()
        .filter(|f| !f.required)
        .map(|field| setter(api, field));
    let outcome = object
        .outcome
        .as_ref()
        .filter(|_| inside_runtime)
        .map(|outcome| item_outcome(&object.name, outcome, runtime));

    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize #default_derive #validate_derive)]
        #deny
        #validate_crate
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            #[doc = #new_doc]
            pub fn new(#(#parameters),*) -> Self {
                Self {
                    #(#initializers,)*
                    #(#optional_idents: None,)*
                }
            }

            #(#setters)*
        }

        #outcome
    }
}

/// Whether every field is optional, so that an all-absent value is a sensible `Default`.
fn required_none(object: &ObjectSchema) -> bool {
    object.fields.iter().all(|field| !field.required)
}

fn setter(api: &Api, field: &Field) -> TokenStream {
    let ident = field_ident(field);
    let method = format_ident!("with_{}", field.rust_name);
    let (parameter, value) = parameter(api, field);
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
    let accepted = plain_ident(&outcome.accepted);
    let failures = plain_ident(&outcome.failures);
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

            fn into_failures(self) -> Vec<ValidationFailure> {
                #owned
            }
        }
    }
}

fn extensible_enum(enumeration: &ExtensibleEnum) -> TokenStream {
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
    let expecting = format!("a {} string", enumeration.name);
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum #name {
            #(
                #[doc = #variant_docs]
                #idents,
            )*
            /// A value this version does not know, kept exactly as received.
            Other(String),
        }

        impl #name {
            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#idents => #values,)*
                    Self::Other(value) => value,
                }
            }

            /// `true` for the values listed in the spec, `false` for [`Self::Other`].
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Other(_))
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#values => Self::#idents,)*
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl From<String> for #name {
            fn from(value: String) -> Self {
                match value.as_str() {
                    #(#values => Self::#idents,)*
                    _ => Self::Other(value),
                }
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Visitor;

                impl serde::de::Visitor<'_> for Visitor {
                    type Value = #name;

                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(#expecting)
                    }

                    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<#name, E> {
                        Ok(#name::from(value))
                    }

                    fn visit_string<E: serde::de::Error>(self, value: String) -> Result<#name, E> {
                        Ok(#name::from(value))
                    }
                }

                deserializer.deserialize_string(Visitor)
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
    let descriptors = api
        .operations
        .iter()
        .map(|operation| operation_descriptor(operation, runtime));
    quote! {
        /// One call descriptor per operation of the spec, for the clients' batch calls.
        pub mod operations {
            #(#descriptors)*
        }
    }
}

fn operation_descriptor(operation: &Operation, runtime: &syn::Path) -> TokenStream {
    let name = plain_ident(&operation.type_name);
    let mut paragraphs: Vec<String> = operation.summary.iter().cloned().collect();
    paragraphs.extend(operation.description.iter().cloned());
    let at_least = match operation.min_items {
        0 => String::new(),
        min => format!("at least {min} and "),
    };
    paragraphs.push(format!(
        "`{} {}` (`{}`): {at_least}at most {} `{}` items per call (Dynmark's recommendation).",
        method_variant(operation.method).to_string().to_uppercase(),
        operation.path,
        operation.operation_id,
        operation.max_items_per_call,
        operation.item,
    ));
    let docs = doc_paragraphs(&paragraphs);
    let operation_id = &operation.operation_id;
    let method = method_variant(operation.method);
    let path = &operation.path;
    let accepted_status = Literal::u16_unsuffixed(operation.accepted_status);
    let max_items = Literal::usize_unsuffixed(
        usize::try_from(operation.max_items_per_call).unwrap_or(usize::MAX),
    );
    let item_name = &operation.item_name;
    let item = plain_ident(&operation.item);
    let item_result = plain_ident(&operation.item_result);
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
        }
    }
}
