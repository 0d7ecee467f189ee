//! The derive as a function: expansions (snapshotted) and error collection.

use syn::DeriveInput;

fn expand_pretty(input: DeriveInput) -> String {
    let tokens = crate::expand(&input);
    let file: syn::File = syn::parse2(tokens).expect("the expansion is a valid Rust file");
    prettyplease::unparse(&file)
}

fn error_messages(input: DeriveInput) -> Vec<String> {
    let tokens = crate::expand(&input).to_string();
    tokens
        .split("compile_error !")
        .skip(1)
        .map(|part| {
            let start = part.find('"').expect("a message") + 1;
            let end = part[start..].find("\" }").expect("end of message") + start;
            part[start..end].to_owned()
        })
        .collect()
}

/// A struct like the generated `Message`, using every rule once.
#[test]
fn expansion_of_a_representative_struct() {
    let input: DeriveInput = syn::parse_quote! {
        #[derive(Validate)]
        #[validate(crate = "crate")]
        #[serde(rename_all = "camelCase")]
        pub struct Message {
            #[validate(required, phone(country = country_iso_code))]
            pub to: String,
            #[validate(required, originator)]
            pub from: String,
            #[validate(country)]
            pub country_iso_code: Option<String>,
            #[validate(required, gsm7(when = reject_unicode))]
            pub body: String,
            pub deliver_after: Option<chrono::DateTime<chrono::Utc>>,
            #[validate(after = deliver_after)]
            pub valid_until: Option<chrono::DateTime<chrono::Utc>>,
            #[serde(rename = "clientRef", skip_serializing_if = "Option::is_none")]
            #[validate(length(max = 64), pattern = "[A-Za-z0-9 ]*")]
            pub client_ref: Option<String>,
            #[validate(url)]
            pub delivery_status_url: Option<String>,
            #[validate(one_of("default", "strict"))]
            pub filter_set_name: Option<String>,
            pub reject_unicode: Option<bool>,
            #[validate(nested, items(min = 1, max = 250))]
            pub parts: Vec<Part>,
        }
    };
    insta::assert_snapshot!(expand_pretty(input));
}

#[test]
fn default_runtime_path_and_generics() {
    let input: DeriveInput = syn::parse_quote! {
        struct Contact<'a, T> where T: Clone {
            #[validate(required)]
            name: &'a str,
            #[validate(nested)]
            extra: T,
        }
    };
    let text = expand_pretty(input);
    assert!(
        text.contains("impl<'a, T> ::dynmark_api::validation::Validate for Contact<'a, T>"),
        "{text}"
    );
    assert!(text.contains("where\n    T: Clone,"), "{text}");
    assert!(
        text.contains("use ::dynmark_api::validation::__derive as __dynmark;"),
        "{text}"
    );
}

#[test]
fn unit_struct_checks_nothing() {
    let input: DeriveInput = syn::parse_quote! { struct Nothing; };
    let text = expand_pretty(input);
    assert!(text.contains("let _ = (path, report);"), "{text}");
}

#[test]
fn every_error_of_one_input_is_reported() {
    let input: DeriveInput = syn::parse_quote! {
        #[validate(crat = "x")]
        struct Bad {
            #[validate(lenght(max = 3))]
            a: String,
            #[validate(length(max = "3"))]
            b: String,
            #[validate(country)]
            c: u32,
            #[validate(required, required)]
            d: String,
            #[validate(after = nowhere)]
            e: Option<chrono::DateTime<chrono::Utc>>,
        }
    };
    let messages = error_messages(input);
    assert_eq!(messages.len(), 6, "{messages:#?}");
    assert!(messages[0].starts_with("unknown container attribute `crat`"));
    assert!(messages[1].starts_with("unknown rule `lenght`; expected one of: required, length,"));
    assert!(messages[2].starts_with("`max` expects a non-negative integer"));
    assert!(messages[3].starts_with("`country` applies to string fields"));
    assert!(messages[4].starts_with("duplicate rule `required`"));
    assert!(messages[5].starts_with("no field `nowhere` in `Bad`"));
}

#[test]
fn serde_rename_all_and_raw_identifiers_name_failures() {
    let input: DeriveInput = syn::parse_quote! {
        #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
        struct Shout {
            #[validate(required)]
            r#type: String,
            #[validate(required)]
            client_ref: String,
        }
    };
    let text = crate::expand(&input).to_string();
    assert!(text.contains(r#""TYPE" , "TypeEmpty""#), "{text}");
    assert!(
        text.contains(r#""CLIENT_REF" , "ClientRefEmpty""#),
        "{text}"
    );
}
