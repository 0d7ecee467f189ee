//! Stage 3, tokens: the `Validate` impl, from the checked model only.
//!
//! The emitted code calls the runtime's `validation::__derive` helpers through the container's
//! runtime path, passing failure codes and JSON names as string literals computed at expansion
//! time; a helper builds a failure (and allocates) only when a rule is broken.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::check::{Container, Field, Sibling, TextRule};

pub(crate) fn emit(container: &Container<'_>) -> TokenStream {
    let krate = &container.krate;
    let ident = container.ident;
    let (impl_generics, type_generics, where_clause) = container.generics.split_for_impl();
    let body = if container.fields.is_empty() {
        quote! { let _ = (path, report); }
    } else {
        let fields = container
            .fields
            .iter()
            .map(|field| emit_field(krate, field));
        quote! {
            use #krate::validation::__derive as __dynmark;
            #(#fields)*
        }
    };
    // `do_not_recommend`: derived impls stay out of rustc's "the following other types implement
    // trait `Validate`" lists, so a misuse's error does not change whenever a type derives it.
    quote! {
        #[automatically_derived]
        #[diagnostic::do_not_recommend]
        impl #impl_generics #krate::validation::Validate for #ident #type_generics #where_clause {
            fn validate_at(
                &self,
                path: &#krate::validation::Path<'_>,
                report: &mut #krate::validation::Report,
            ) {
                #body
            }
        }
    }
}

fn emit_field(krate: &syn::Path, field: &Field<'_>) -> TokenStream {
    let member = field.member;
    let name = &field.json_name;
    let mut out = TokenStream::new();

    if let Some(text) = &field.text {
        let mut statics = TokenStream::new();
        let rules: Vec<TokenStream> = text
            .rules
            .iter()
            .enumerate()
            .map(|(index, rule)| emit_text_rule(name, rule, index, &mut statics))
            .collect();
        let value = match &text.required {
            Some(code) => {
                quote! { __dynmark::required(report, path, #name, #code, __dynmark::text(&self.#member)) }
            }
            None => quote! { __dynmark::text(&self.#member) },
        };
        out.extend(if rules.is_empty() {
            quote! { #value; }
        } else {
            quote! {
                if let ::core::option::Option::Some(value) = #value {
                    #statics
                    #(#rules)*
                }
            }
        });
    }

    if let Some(after) = &field.after {
        let code = &after.code;
        let other_name = &after.other.json_name;
        let this = optional_ref(quote!(self.#member), field.optional);
        let other = optional_ref(sibling_access(&after.other), after.other.optional);
        out.extend(quote! {
            if let (::core::option::Option::Some(value), ::core::option::Option::Some(other)) = (#this, #other) {
                __dynmark::after(report, path, #name, #code, value, #other_name, other);
            }
        });
    }

    if let Some(items) = &field.items {
        let codes = [&items.too_few, &items.too_many];
        let (min, max) = (option(items.min), option(items.max));
        let call = |list: TokenStream| quote! { __dynmark::items(report, path, #name, [#(#codes),*], #list.len(), #min, #max); };
        out.extend(if field.optional {
            let call = call(quote!(list));
            quote! { if let ::core::option::Option::Some(list) = &self.#member { #call } }
        } else {
            call(quote!(self.#member))
        });
    }

    if let Some(nested) = &field.nested {
        // Named through the field's type, spanned there: a type that does not implement
        // `Validate` is reported at the type.
        let ty = field.ty;
        let trait_path =
            quote_spanned! {ty.span()=> <#ty as #krate::validation::Validate>::validate_at };
        let inner_path = if nested.flatten {
            quote!(path)
        } else {
            quote!(&path.field(#name))
        };
        out.extend(quote! { #trait_path(&self.#member, #inner_path, report); });
    }
    out
}

fn emit_text_rule(
    name: &str,
    rule: &TextRule,
    index: usize,
    statics: &mut TokenStream,
) -> TokenStream {
    match rule {
        TextRule::Length {
            min,
            max,
            too_short,
            too_long,
        } => {
            let (min, max) = (option(*min), option(*max));
            quote! { __dynmark::length(report, path, #name, [#too_short, #too_long], value, #min, #max); }
        }
        TextRule::Pattern {
            regex,
            written,
            code,
        } => {
            let pattern = format_ident!("PATTERN_{}", index);
            statics.extend(quote! {
                static #pattern: __dynmark::LazyLock<__dynmark::Regex> = __dynmark::LazyLock::new(|| __dynmark::compile_pattern(#regex));
            });
            quote! { __dynmark::pattern(report, path, #name, #code, value, &#pattern, #written); }
        }
        TextRule::Url { code } => quote! { __dynmark::url(report, path, #name, #code, value); },
        TextRule::Phone {
            country,
            invalid,
            local_without_country,
        } => {
            let country = match country {
                Some(sibling) => {
                    let sibling_name = &sibling.json_name;
                    let access = sibling_access(sibling);
                    quote! { ::core::option::Option::Some((#sibling_name, __dynmark::given(&#access))) }
                }
                None => quote! { ::core::option::Option::None },
            };
            quote! { __dynmark::phone(report, path, #name, [#invalid, #local_without_country], value, #country); }
        }
        TextRule::Originator { code } => {
            quote! { __dynmark::originator(report, path, #name, #code, value); }
        }
        TextRule::Country { code } => {
            quote! { __dynmark::country(report, path, #name, #code, value); }
        }
        TextRule::Gsm7 { when, code } => match when {
            Some(sibling) => {
                let sibling_name = &sibling.json_name;
                let access = sibling_access(sibling);
                quote! {
                    if __dynmark::flag(&#access) {
                        __dynmark::gsm7(report, path, #name, #code, value, ::core::option::Option::Some(#sibling_name));
                    }
                }
            }
            None => {
                quote! { __dynmark::gsm7(report, path, #name, #code, value, ::core::option::Option::None); }
            }
        },
        TextRule::OneOf { values, code } => {
            quote! { __dynmark::one_of(report, path, #name, #code, value, &[#(#values),*]); }
        }
    }
}

fn sibling_access(sibling: &Sibling) -> TokenStream {
    let member = &sibling.member;
    quote!(self.#member)
}

/// `Option<&T>` of a field: `self.f.as_ref()` for an `Option`, `Some(&self.f)` otherwise.
fn optional_ref(access: TokenStream, optional: bool) -> TokenStream {
    if optional {
        quote! { ::core::option::Option::as_ref(&#access) }
    } else {
        quote! { ::core::option::Option::Some(&#access) }
    }
}

fn option(value: Option<usize>) -> TokenStream {
    match value {
        Some(value) => {
            let value = proc_macro2::Literal::usize_unsuffixed(value);
            quote! { ::core::option::Option::Some(#value) }
        }
        None => quote! { ::core::option::Option::None },
    }
}
