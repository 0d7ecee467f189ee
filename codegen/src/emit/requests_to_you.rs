//! `pub mod requests_to_you`: one parameter table per callback or webhook (what Dynmark sends
//! to you), read by `dynmark_api::receipts`. Emitted only inside the runtime, whose
//! `receipts::QueryParameter` the tables are made of.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::{Api, QueryKind};
use crate::names;

pub(super) fn requests_to_you(api: &Api, runtime: &syn::Path) -> TokenStream {
    let tables = api.requests_to_you.iter().map(|request| {
        let name = format_ident!(
            "{}",
            names::snake_case(&request.operation_id).to_uppercase()
        );
        let doc = format!(
            " The query parameters of `{}`, in the spec's order.",
            request.operation_id
        );
        let parameters = request.parameters.iter().map(|parameter| {
            let wire = &parameter.name;
            let required = parameter.required;
            let non_empty = parameter.non_empty;
            let kind = match &parameter.kind {
                QueryKind::Text => quote! { #runtime::receipts::QueryKind::Text },
                QueryKind::Integer => quote! { #runtime::receipts::QueryKind::Integer },
                QueryKind::DateTime(forms) => {
                    quote! { #runtime::receipts::QueryKind::DateTime(&[#(#forms),*]) }
                }
            };
            quote! {
                #runtime::receipts::QueryParameter {
                    name: #wire,
                    required: #required,
                    non_empty: #non_empty,
                    kind: #kind,
                }
            }
        });
        quote! {
            #[doc = #doc]
            pub const #name: &[#runtime::receipts::QueryParameter] = &[#(#parameters),*];
        }
    });
    quote! {
        /// What Dynmark sends to you (the spec's callbacks and `x-dynmark-webhooks`): the query
        /// parameters of each request, as `dynmark_api::receipts` reads them.
        pub mod requests_to_you {
            #(#tables)*
        }
    }
}
