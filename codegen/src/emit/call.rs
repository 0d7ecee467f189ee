//! A general operation → its struct (parameters and body, validated), its answer enum (one
//! variant per documented status) and its `operation::Operation` impl.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::{
    doc_paragraphs, field_docs, field_ident, method_variant, parameter, plain_ident, rule_tokens,
    value_type,
};
use crate::model::{
    Api, Call, Content, Field, FieldType, Operation, ParameterLocation, Rule, Schema,
};

/// The name of an operation's answer enum: `CreateVerification` → `CreateVerificationAnswer`.
pub(crate) fn answer_name(type_name: &str) -> String {
    format!("{type_name}Answer")
}

/// The operation's struct, answer enum and `Operation` impl, and its step types (for
/// `operations::steps`) if it has a step builder.
pub(super) fn call_operation(
    api: &Api,
    operation: &Operation,
    call: &Call,
    runtime: &syn::Path,
) -> (TokenStream, Option<TokenStream>) {
    let name = plain_ident(&operation.type_name);
    let answer = plain_ident(&answer_name(&operation.type_name));
    let method = method_variant(operation.method);
    let mut paragraphs: Vec<String> = operation.summary.iter().cloned().collect();
    paragraphs.extend(operation.description.iter().cloned());
    paragraphs.push(format!(
        "`{} {}` (`{}`), answered with [`{answer}`]. Call it with a client's `request` method.",
        method.to_string().to_uppercase(),
        operation.path,
        operation.operation_id,
    ));
    let docs = doc_paragraphs(&paragraphs);

    let fields = operation_fields(api, call);
    let struct_fields = fields.iter().map(operation_field);
    let required: Vec<&Field> = fields.iter().filter(|f| f.required).collect();
    let parameters = required
        .iter()
        .map(|field| parameter(api, field, &super_prefix()).0);
    let initializers = required.iter().map(|field| super::initializer(api, field));
    let optional_idents = fields.iter().filter(|f| !f.required).map(field_ident);
    let setters = fields
        .iter()
        .filter(|f| !f.required)
        .map(|field| super::setter(api, field, &super_prefix()));
    let validate_crate = {
        let path = quote!(#runtime).to_string().replace(' ', "");
        quote! { #[validate(crate = #path)] }
    };
    let step_code = call.steps.as_ref().map(|call_steps| {
        super::steps::step_builder(
            api,
            &operation.type_name,
            &fields,
            call_steps,
            &super::steps::Place {
                struct_path: quote! { super::#name },
                schemas_from_struct: super_prefix(),
                schemas_from_steps: quote! { super::super:: },
            },
        )
    });
    let deprecated = call
        .steps
        .as_ref()
        .map(|_| super::steps::deprecated_new(&operation.type_name, &fields));
    let start = step_code.as_ref().map(|code| &code.start);

    let operation_id = &operation.operation_id;
    let path = &operation.path;
    let path_parameters = call
        .parameters
        .iter()
        .filter(|p| p.location == ParameterLocation::Path)
        .map(|p| {
            let json = &p.field.json_name;
            let ident = field_ident(&p.field);
            quote! { (#json, ::std::string::ToString::to_string(&self.#ident)) }
        });
    let query_pushes = call
        .parameters
        .iter()
        .filter(|p| p.location == ParameterLocation::Query)
        .map(|p| {
            let json = &p.field.json_name;
            let ident = field_ident(&p.field);
            if p.field.required {
                quote! { query.push((#json, ::std::string::ToString::to_string(&self.#ident))); }
            } else {
                quote! {
                    if let Some(value) = &self.#ident {
                        query.push((#json, ::std::string::ToString::to_string(value)));
                    }
                }
            }
        });
    let has_query = call
        .parameters
        .iter()
        .any(|p| p.location == ParameterLocation::Query);
    let query_body = if has_query {
        quote! {
            let mut query = ::std::vec::Vec::new();
            #(#query_pushes)*
            query
        }
    } else {
        quote! { ::std::vec::Vec::new() }
    };
    let (body_type, body_value) = match &call.body {
        Some(ty) => (
            value_type(ty, &super_prefix()),
            quote! { ::core::option::Option::Some(&self.body) },
        ),
        None => (quote! { () }, quote! { ::core::option::Option::None }),
    };

    let variants = call.responses.iter().map(|response| {
        let ident = plain_ident(&response.variant);
        let mut doc = format!(" `{}`", response.status);
        if let Some(description) = &response.description {
            doc.push_str(": ");
            doc.push_str(description);
        }
        let doc = super::doc_lines(doc.trim_start());
        match &response.content {
            Content::None => quote! { #doc #ident, },
            Content::Text => quote! { #doc #ident(::std::string::String), },
            Content::Json(ty) => {
                let ty = value_type(ty, &super_prefix());
                quote! { #doc #ident(#ty), }
            }
        }
    });
    let status_arms = call.responses.iter().map(|response| {
        let ident = plain_ident(&response.variant);
        let status = Literal::u16_unsuffixed(response.status);
        match &response.content {
            Content::None => quote! { Self::#ident => #status, },
            _ => quote! { Self::#ident(..) => #status, },
        }
    });
    let read_arms = call.responses.iter().map(|response| {
        let ident = plain_ident(&response.variant);
        let status = Literal::u16_unsuffixed(response.status);
        match &response.content {
            Content::None => quote! {
                #status => ::core::option::Option::Some(::core::result::Result::Ok(#answer::#ident)),
            },
            Content::Text => quote! {
                #status => ::core::option::Option::Some(::core::result::Result::Ok(#answer::#ident(#runtime::operation::text(body)))),
            },
            Content::Json(_) => quote! {
                #status => ::core::option::Option::Some(#runtime::operation::json(body).map(#answer::#ident)),
            },
        }
    });
    let answer_doc = format!(
        " What the service answered to [`{}`], by status.",
        operation.type_name
    );

    let code = quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, serde::Serialize, #runtime::Validate)]
        #[non_exhaustive]
        #validate_crate
        pub struct #name {
            #(#struct_fields)*
        }

        impl #name {
            #start

            /// Creates the call from its required parts; every optional parameter starts absent.
            #deprecated
            pub fn new(#(#parameters),*) -> Self {
                Self {
                    #(#initializers,)*
                    #(#optional_idents: None,)*
                }
            }

            #(#setters)*
        }

        #[doc = #answer_doc]
        ///
        /// Credentials refused (`401`), a status the spec does not list and an unreadable body
        /// are the runtime's `CallError`s, common to every operation.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #answer {
            #(#variants)*
        }

        impl #answer {
            /// The HTTP status the answer came with.
            pub fn status(&self) -> u16 {
                match self {
                    #(#status_arms)*
                }
            }
        }

        impl #runtime::operation::Operation for #name {
            const OPERATION_ID: &'static str = #operation_id;
            const METHOD: #runtime::operation::Method = #runtime::operation::Method::#method;
            const PATH: &'static str = #path;

            type Body = #body_type;
            type Answer = #answer;

            fn path_parameters(&self) -> ::std::vec::Vec<(&'static str, ::std::string::String)> {
                ::std::vec![#(#path_parameters),*]
            }

            fn query_parameters(&self) -> ::std::vec::Vec<(&'static str, ::std::string::String)> {
                #query_body
            }

            fn body(&self) -> ::core::option::Option<&Self::Body> {
                #body_value
            }

            fn read_answer(status: u16, body: &[u8]) -> ::core::option::Option<::core::result::Result<#answer, #runtime::operation::JsonError>> {
                match status {
                    #(#read_arms)*
                    _ => ::core::option::Option::None,
                }
            }
        }
    };
    (code, step_code.map(|code| code.types))
}

fn super_prefix() -> TokenStream {
    quote! { super:: }
}

/// The struct's fields: the parameters, then `body` (`nested(flatten)`: its type validates, its
/// failures named as the service names them).
pub(super) fn operation_fields(api: &Api, call: &Call) -> Vec<Field> {
    let mut fields: Vec<Field> = call.parameters.iter().map(|p| p.field.clone()).collect();
    if let Some(ty) = &call.body {
        let inner = match ty {
            FieldType::Array(item) => item.as_ref(),
            other => other,
        };
        let description = match inner {
            FieldType::Named(name) => api
                .schema(name)
                .and_then(Schema::description)
                .map(|d| crate::parse::first_sentence(d).to_owned()),
            _ => None,
        };
        fields.push(Field {
            json_name: "body".to_owned(),
            rust_name: "body".to_owned(),
            raw: false,
            description: Some(match description {
                Some(description) => format!("The request body. {description}"),
                None => "The request body.".to_owned(),
            }),
            ty: ty.clone(),
            required: true,
            default: None,
            aliases: Vec::new(),
            // The service names the body's members as they are (`code`), not as this
            // struct's field (`body.code`): the body is the whole document it reads.
            rules: vec![Rule::NestedFlatten],
            secret: false,
        });
    }
    fields
}

/// A field of an operation's struct: its docs, its JSON name (which failure paths use, as the
/// service does: `requestId`), its rules.
fn operation_field(field: &Field) -> TokenStream {
    let docs = field_docs(field, "super::");
    let ident = field_ident(field);
    let ty = value_type(&field.ty, &super_prefix());
    let ty = if field.required {
        ty
    } else {
        quote! { ::core::option::Option<#ty> }
    };
    let validate_attr = (!field.rules.is_empty()).then(|| {
        let rules = field.rules.iter().map(rule_tokens);
        quote! { #[validate(#(#rules),*)] }
    });
    let rename = (field.rust_name != field.json_name).then(|| {
        let json = &field.json_name;
        quote! { #[serde(rename = #json)] }
    });
    let skip = (!field.required)
        .then(|| quote! { #[serde(skip_serializing_if = "::core::option::Option::is_none")] });
    quote! {
        #docs
        #rename
        #skip
        #validate_attr
        pub #ident: #ty,
    }
}
