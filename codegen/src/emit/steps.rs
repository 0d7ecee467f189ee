//! The step builder of a struct with two or more required fields ([`Steps`]): the struct's
//! associated function named after its first required field, one type per following field in
//! the module `steps` beside the struct, each with one method named after that field, the last
//! returning the struct (`Message::to(..).from(..).body(..)`). Each value is named where it is
//! written, so `from` and `body` cannot be swapped unnoticed, and a required field added to the
//! spec is one more step: code that leaves it out stops compiling.

use proc_macro2::TokenStream;
use quote::quote;

use super::{field_ident, initializer, parameter, plain_ident, value_type};
use crate::model::{Api, Field, Steps};
use crate::parse::first_sentence;

/// Where the struct and its steps live, as paths from the steps' module.
pub(super) struct Place {
    /// The struct's path from the steps' module (`super::Message`).
    pub struct_path: TokenStream,
    /// The schemas' module from the struct's module (`` in `types`, `super::` in `operations`).
    pub schemas_from_struct: TokenStream,
    /// The schemas' module from the steps' module (`super::`, `super::super::`).
    pub schemas_from_steps: TokenStream,
}

/// What a struct's step builder adds: the starting function (in the struct's `impl`), and the
/// step types (in its `steps` module).
pub(super) struct StepCode {
    pub start: TokenStream,
    pub types: TokenStream,
}

/// `Message::to(..).from(..).body(..)`: the chain that builds `type_name`, as docs and the
/// deprecation note of `new` write it.
pub(super) fn chain(type_name: &str, fields: &[Field]) -> String {
    let mut text = type_name.to_owned();
    for (index, field) in fields.iter().filter(|f| f.required).enumerate() {
        text.push_str(if index == 0 { "::" } else { "." });
        text.push_str(&method_name(field));
        text.push_str("(..)");
    }
    text
}

/// `#[deprecated]` for the `new` of a struct with steps: it takes the required fields by
/// position. Kept so that users' code still builds, with a warning saying how to mend it.
pub(super) fn deprecated_new(type_name: &str, fields: &[Field]) -> TokenStream {
    let note = format!(
        "takes the required fields by position, so two of one type can be swapped unnoticed: use `{}`, which names each",
        chain(type_name, fields)
    );
    quote! { #[deprecated(note = #note)] }
}

/// The method's name as written in code: `r#type` for a keyword.
fn method_name(field: &Field) -> String {
    if field.raw {
        format!("r#{}", field.rust_name)
    } else {
        field.rust_name.clone()
    }
}

pub(super) fn step_builder(
    api: &Api,
    type_name: &str,
    fields: &[Field],
    steps: &Steps,
    place: &Place,
) -> StepCode {
    let required: Vec<&Field> = fields.iter().filter(|f| f.required).collect();
    let optional: Vec<&Field> = fields.iter().filter(|f| !f.required).collect();
    let chain = chain(type_name, fields);
    let module = syn::Ident::new("steps", proc_macro2::Span::call_site());

    // The starting function, on the struct.
    let first = required[0];
    let first_ident = field_ident(first);
    let (first_parameter, _) = parameter(api, first, &place.schemas_from_struct);
    let first_value = initializer(api, first);
    let first_waiting = plain_ident(&steps.waiting[0]);
    let start_doc = format!(
        " Starts building a `{type_name}` with `{}`{} Then {}: each required field is named where it is written, so two of the same type cannot be swapped unnoticed.",
        first.json_name,
        described(first),
        rest_of_chain(&required[1..]),
    );
    let start = quote! {
        #[doc = #start_doc]
        pub fn #first_ident(#first_parameter) -> #module::#first_waiting {
            #module::#first_waiting { #first_value }
        }
    };

    let struct_path = &place.struct_path;
    let types = steps.waiting.iter().enumerate().map(|(index, waiting)| {
        let name = plain_ident(waiting);
        let held = &required[..=index];
        let next = required[index + 1];
        let held_fields = held.iter().map(|field| {
            let ident = field_ident(field);
            let ty = value_type(&field.ty, &place.schemas_from_steps);
            // The struct's starting function, in the parent module, fills the first.
            quote! { pub(super) #ident: #ty, }
        });
        let given: Vec<String> = held.iter().map(|f| format!("`{}`", f.json_name)).collect();
        let type_doc = format!(
            " A [`{type_name}`]({}) being built (`{chain}`) with {} given: [`{}`](Self::{}) comes next.",
            quote!(#struct_path).to_string().replace(' ', ""),
            given.join(", "),
            next.rust_name,
            next.rust_name,
        );
        let type_doc = if next.raw {
            // An intra-doc link cannot name a raw method.
            format!(
                " A [`{type_name}`]({}) being built (`{chain}`) with {} given: `.{}(..)` comes next.",
                quote!(#struct_path).to_string().replace(' ', ""),
                given.join(", "),
                method_name(next),
            )
        } else {
            type_doc
        };
        let must_use = format!(
            "a step of building a `{type_name}`, which needs `.{}(..)` next",
            method_name(next)
        );
        let next_ident = field_ident(next);
        let (next_parameter, _) = parameter(api, next, &place.schemas_from_steps);
        let next_value = initializer(api, next);
        let moved = held.iter().map(|field| {
            let ident = field_ident(field);
            quote! { #ident: self.#ident }
        });
        let (returns, body, method_doc) = match steps.waiting.get(index + 1) {
            Some(following) => {
                let following = plain_ident(following);
                (
                    quote! { #following },
                    quote! { #following { #(#moved,)* #next_value } },
                    format!(
                        " Sets `{}`{} Then {}.",
                        next.json_name,
                        described(next),
                        rest_of_chain(&required[index + 2..]),
                    ),
                )
            }
            None => {
                let optional_idents = optional.iter().map(|field| field_ident(field));
                (
                    quote! { #struct_path },
                    quote! {
                        #struct_path {
                            #(#moved,)*
                            #next_value,
                            #(#optional_idents: None,)*
                        }
                    },
                    if optional.is_empty() {
                        format!(" Sets `{}`{} This is the last step: it gives the `{type_name}`.", next.json_name, described(next))
                    } else {
                        format!(
                            " Sets `{}`{} This is the last step: it gives the `{type_name}`, whose optional fields start absent (set them with its `with_` methods).",
                            next.json_name,
                            described(next)
                        )
                    },
                )
            }
        };
        let (debug_derive, debug_impl) = if held.iter().any(|field| field.secret) {
            let label = waiting.as_str();
            let shown = held.iter().map(|field| {
                let ident = field_ident(field);
                let label = &field.rust_name;
                if field.secret {
                    quote! { .field(#label, &"<redacted>") }
                } else {
                    quote! { .field(#label, &self.#ident) }
                }
            });
            (
                None,
                Some(quote! {
                    impl ::core::fmt::Debug for #name {
                        fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                            f.debug_struct(#label) #(#shown)* .finish()
                        }
                    }
                }),
            )
        } else {
            (Some(quote! { Debug, }), None)
        };
        quote! {
            #[doc = #type_doc]
            #[derive(#debug_derive Clone)]
            #[must_use = #must_use]
            pub struct #name {
                #(#held_fields)*
            }

            impl #name {
                #[doc = #method_doc]
                pub fn #next_ident(self, #next_parameter) -> #returns {
                    #body
                }
            }

            #debug_impl
        }
    });
    StepCode {
        start,
        types: quote! { #(#types)* },
    }
}

/// The steps module of a set of structs (`module` as docs name it; `example` one struct's
/// chain), or nothing when none has steps.
pub(super) fn steps_module(
    module: &str,
    example: Option<String>,
    types: Vec<TokenStream>,
) -> TokenStream {
    let Some(example) = example else {
        return TokenStream::new();
    };
    let doc = format!(
        " The steps of building each struct with two or more required fields (`{module}`), one type per step, as in `{example}`: each holds the fields given so far and has one method, named after the next required field; the last step gives the struct. Start with the struct's function named after its first required field."
    );
    quote! {
        #[doc = #doc]
        pub mod steps {
            #(#types)*
        }
    }
}

/// ` (the recipient's phone number).` from a field's description, or `.` without one.
fn described(field: &Field) -> String {
    match &field.description {
        Some(description) => format!(" ({}).", first_sentence(description).trim_end_matches('.')),
        None => ".".to_owned(),
    }
}

/// `.from(..).body(..)` for the steps still to come.
fn rest_of_chain(fields: &[&Field]) -> String {
    let calls: String = fields
        .iter()
        .map(|field| format!(".{}(..)", method_name(field)))
        .collect();
    format!("`{calls}`")
}
