//! Names computed at expansion time: a field's JSON name (as serde spells it), the PascalCase
//! prefix of its failure codes, and a type written back as the user wrote it (for messages).

/// How `#[serde(rename_all = "...")]` turns a snake_case field name into its JSON name; `None`
/// when the rule is not one serde knows (serde reports that itself).
pub(crate) fn rename_field(rule: &str, field: &str) -> Option<String> {
    let renamed = match rule {
        "lowercase" | "snake_case" => field.to_owned(),
        "UPPERCASE" | "SCREAMING_SNAKE_CASE" => field.to_ascii_uppercase(),
        "PascalCase" => pascal_from_snake(field),
        "camelCase" => {
            let pascal = pascal_from_snake(field);
            let mut chars = pascal.chars();
            match chars.next() {
                Some(first) => first.to_lowercase().chain(chars).collect(),
                None => String::new(),
            }
        }
        "kebab-case" => field.replace('_', "-"),
        "SCREAMING-KEBAB-CASE" => field.to_ascii_uppercase().replace('_', "-"),
        _ => return None,
    };
    Some(renamed)
}

/// serde's PascalCase of a snake_case name: `client_ref` → `ClientRef`.
fn pascal_from_snake(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut capitalize = true;
    for c in field.chars() {
        if c == '_' {
            capitalize = true;
        } else if capitalize {
            out.extend(c.to_uppercase());
            capitalize = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The failure-code prefix of a JSON name (Contract 2's `{P}`): each word, split at anything that
/// is not a letter or digit, starts with a capital; a word written all in capitals is
/// capitalised as a word. `clientRef` → `ClientRef`, `client_ref` and `CLIENT_REF` →
/// `ClientRef`, `country-iso` → `CountryIso`.
///
/// `dynmark-codegen` keeps an exact copy, `dynmark_codegen::failure_code_prefix`, to know which
/// codes the generated types can report (a proc-macro crate cannot export functions): change
/// both together. `tests/tests/validate_code_names.rs` compares them.
pub(crate) fn code_prefix(json_name: &str) -> String {
    let mut out = String::with_capacity(json_name.len());
    for word in json_name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let shouting = !word.chars().any(char::is_lowercase) && word.chars().count() > 1;
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            if shouting {
                out.extend(chars.flat_map(char::to_lowercase));
            } else {
                out.extend(chars);
            }
        }
    }
    out
}

/// A type as a human writes it: `Option<Vec<u8>>`, `&'a str`.
pub(crate) fn type_text(ty: &syn::Type) -> String {
    let raw = quote::quote!(#ty).to_string();
    let mut text = raw;
    for (from, to) in [
        (" :: ", "::"),
        (":: ", "::"),
        (" < ", "<"),
        ("< ", "<"),
        (" <", "<"),
        (" >", ">"),
        (" ,", ","),
        ("& ", "&"),
        (" ;", ";"),
        ("( ", "("),
        (" )", ")"),
        ("[ ", "["),
        (" ]", "]"),
    ] {
        text = text.replace(from, to);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_rename_rules() {
        let cases = [
            ("camelCase", "client_ref", "clientRef"),
            ("snake_case", "client_ref", "client_ref"),
            ("PascalCase", "client_ref", "ClientRef"),
            ("kebab-case", "client_ref", "client-ref"),
            ("lowercase", "client_ref", "client_ref"),
            ("UPPERCASE", "client_ref", "CLIENT_REF"),
            ("SCREAMING_SNAKE_CASE", "client_ref", "CLIENT_REF"),
            ("SCREAMING-KEBAB-CASE", "client_ref", "CLIENT-REF"),
            ("camelCase", "to", "to"),
        ];
        for (rule, field, expected) in cases {
            assert_eq!(
                rename_field(rule, field).as_deref(),
                Some(expected),
                "{rule} {field}"
            );
        }
        assert_eq!(rename_field("Title Case", "to"), None);
    }

    #[test]
    fn code_prefixes() {
        for (name, expected) in [
            ("clientRef", "ClientRef"),
            ("client_ref", "ClientRef"),
            ("CLIENT_REF", "ClientRef"),
            ("client-ref", "ClientRef"),
            ("to", "To"),
            ("deliveryStatusUrl", "DeliveryStatusUrl"),
            ("URL", "Url"),
            ("x", "X"),
            ("aB", "AB"),
            ("ABc", "ABc"),
            ("http2Url", "Http2Url"),
        ] {
            assert_eq!(code_prefix(name), expected);
        }
    }

    #[test]
    fn types_read_as_written() {
        let ty: syn::Type = syn::parse_quote!(Option<std::vec::Vec<(u8, [u8; 4])>>);
        assert_eq!(type_text(&ty), "Option<std::vec::Vec<(u8, [u8; 4])>>");
        let ty: syn::Type = syn::parse_quote!(&'a str);
        assert_eq!(type_text(&ty), "&'a str");
    }
}
