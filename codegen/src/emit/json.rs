//! `WriteJson` for an object schema (inside the runtime only): its JSON written member by
//! member, each `,"name":` a byte string made at build time, so that serializing a request
//! body does not escape the same names again for every item. Values go through the runtime's
//! writers (`crate::json`), which give the bytes `serde_json` gives.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::{field_ident, plain_ident};
use crate::model::{Api, FieldType, ObjectSchema, Schema};

/// `impl WriteJson for <object>`: members in the struct's (serde's) order, an absent optional
/// member left out as `skip_serializing_if = "Option::is_none"` leaves it out.
pub(super) fn write_json(api: &Api, object: &ObjectSchema, runtime: &syn::Path) -> TokenStream {
    let name = plain_ident(&object.name);
    let members = object.fields.iter().map(|field| {
        let ident = field_ident(field);
        let key = Literal::byte_string(member_key(&field.json_name).as_bytes());
        let value = value(api, &field.ty, &quote! { value }, runtime);
        if field.required {
            quote! {
                let value = &self.#ident;
                out.extend_from_slice(#key);
                #value
            }
        } else {
            quote! {
                if let ::core::option::Option::Some(value) = &self.#ident {
                    out.extend_from_slice(#key);
                    #value
                }
            }
        }
    });
    quote! {
        impl #runtime::json::WriteJson for #name {
            fn write_json(
                &self,
                out: &mut ::std::vec::Vec<u8>,
            ) -> ::core::result::Result<(), serde_json::Error> {
                let start = out.len();
                #(#members)*
                #runtime::json::close_object(out, start);
                ::core::result::Result::Ok(())
            }
        }
    }
}

/// `,"name":`, the name escaped as JSON escapes it.
fn member_key(json_name: &str) -> String {
    let quoted = serde_json::to_string(json_name).unwrap_or_else(|_| format!("{json_name:?}"));
    format!(",{quoted}:")
}

/// The statements that append `value` (a reference to a value of type `ty`) to `out`.
fn value(api: &Api, ty: &FieldType, value: &TokenStream, runtime: &syn::Path) -> TokenStream {
    match ty {
        FieldType::String => quote! { #runtime::json::write_str(out, #value); },
        FieldType::Boolean => quote! { #runtime::json::write_bool(out, *#value); },
        FieldType::Named(name) if matches!(api.schema(name), Some(Schema::Object(_))) => {
            quote! { #runtime::json::WriteJson::write_json(#value, out)?; }
        }
        FieldType::Integer | FieldType::DateTime | FieldType::Named(_) => {
            quote! { #runtime::json::write_serde(out, #value)?; }
        }
        FieldType::Array(item) => {
            let element = self::value(api, item, &quote! { element }, runtime);
            quote! {
                out.push(b'[');
                for (position, element) in #value.iter().enumerate() {
                    if position > 0 {
                        out.push(b',');
                    }
                    #element
                }
                out.push(b']');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::member_key;

    #[test]
    fn member_keys_are_escaped_as_json() {
        assert_eq!(member_key("to"), ",\"to\":");
        assert_eq!(member_key("a\"b"), ",\"a\\\"b\":");
    }
}
