//! `x-dynmark-secret`: a hand-rolled `Debug` for a struct with a secret field (the
//! `deliveryStatusUrl` holding a receipt token), showing `<redacted>` in its place.

use proc_macro2::TokenStream;
use quote::quote;

use super::{field_ident, plain_ident};
use crate::model::ObjectSchema;

/// The `Debug` impl of `object` when one of its fields is secret; `None` (derive it) otherwise.
pub(super) fn redacted_debug(object: &ObjectSchema) -> Option<TokenStream> {
    if !object.fields.iter().any(|field| field.secret) {
        return None;
    }
    let name = plain_ident(&object.name);
    let label = &object.name;
    let fields = object.fields.iter().map(|field| {
        let ident = field_ident(field);
        let label = &field.rust_name;
        match (field.secret, field.required) {
            (false, _) => quote! { .field(#label, &self.#ident) },
            (true, true) => quote! { .field(#label, &"<redacted>") },
            (true, false) => quote! {
                .field(#label, &self.#ident.as_ref().map(|_| "<redacted>"))
            },
        }
    });
    Some(quote! {
        impl ::core::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.debug_struct(#label)
                    #(#fields)*
                    .finish()
            }
        }
    })
}
