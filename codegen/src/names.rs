//! How JSON names become Rust names, and the checks that the result is a usable identifier.

/// Words Rust reserves; a field with one of these names is written as a raw identifier (`r#type`).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers either.
const NOT_EVEN_RAW: &[&str] = &["crate", "self", "super", "Self", "_"];

/// Type names the generated code itself uses unqualified; a schema may not take one of them.
pub(crate) const RESERVED_TYPE_NAMES: &[&str] = &[
    "Box", "Default", "Err", "None", "Ok", "Option", "Result", "Self", "Some", "String", "Vec",
];

/// `countryIsoCode` → `country_iso_code`, `deliveryStatusURL` → `delivery_status_url`,
/// `filter-set name` → `filter_set_name`.
pub(crate) fn snake_case(json_name: &str) -> String {
    let chars: Vec<char> = json_name.chars().collect();
    let mut out = String::with_capacity(json_name.len() + 4);
    for (index, &c) in chars.iter().enumerate() {
        if c == '-' || c == ' ' || c == '_' || c == '.' {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            continue;
        }
        if c.is_uppercase() {
            let previous = index.checked_sub(1).map(|i| chars[i]);
            let next = chars.get(index + 1).copied();
            let starts_word = match previous {
                Some(p) if p.is_lowercase() || p.is_ascii_digit() => true,
                Some(p) if p.is_uppercase() => next.is_some_and(char::is_lowercase),
                _ => false,
            };
            if starts_word && !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `clientRef` → `ClientRef`, `sendMessages` → `SendMessages`, `from-empty` → `FromEmpty`:
/// the first letter of every word is upper-cased, the rest is kept.
pub(crate) fn pascal_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for word in name.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.extend(chars);
        }
    }
    out
}

/// Whether `name` is a plain ASCII identifier (letters, digits, underscores, not starting with a
/// digit).
pub(crate) fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) if first.is_ascii_alphabetic() || first == '_' => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// How a field named `snake` (already snake_case) is spelled in Rust: `None` when no spelling
/// works, `Some(true)` when it needs the raw form `r#name`.
pub(crate) fn needs_raw(snake: &str) -> Option<bool> {
    if !is_identifier(snake) || NOT_EVEN_RAW.contains(&snake) {
        None
    } else {
        Some(KEYWORDS.contains(&snake))
    }
}

/// Whether `name` is usable as a generated type's name: `PascalCase`, ASCII, not a keyword and
/// not one of the standard names the generated code relies on.
pub(crate) fn is_type_name(name: &str) -> bool {
    is_identifier(name)
        && name.starts_with(|c: char| c.is_ascii_uppercase())
        && !name.contains('_')
        && !RESERVED_TYPE_NAMES.contains(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_splits_words_the_way_serde_would_rename_them() {
        assert_eq!(snake_case("to"), "to");
        assert_eq!(snake_case("countryIsoCode"), "country_iso_code");
        assert_eq!(snake_case("validUntil"), "valid_until");
        assert_eq!(snake_case("deliveryStatusURL"), "delivery_status_url");
        assert_eq!(snake_case("HTTPServer"), "http_server");
        assert_eq!(snake_case("filter-set name"), "filter_set_name");
        assert_eq!(snake_case("line2Text"), "line2_text");
    }

    #[test]
    fn pascal_case_capitalises_each_word() {
        assert_eq!(pascal_case("clientRef"), "ClientRef");
        assert_eq!(pascal_case("sendMessages"), "SendMessages");
        assert_eq!(pascal_case("from-empty"), "FromEmpty");
        assert_eq!(pascal_case("InvalidJson"), "InvalidJson");
        assert_eq!(pascal_case("-"), "");
    }

    #[test]
    fn keywords_become_raw_and_unusable_names_are_refused() {
        assert_eq!(needs_raw("type"), Some(true));
        assert_eq!(needs_raw("body"), Some(false));
        assert_eq!(needs_raw("self"), None);
        assert_eq!(needs_raw("2fa"), None);
        assert!(is_type_name("Message"));
        assert!(!is_type_name("message"));
        assert!(!is_type_name("Option"));
        assert!(!is_type_name("Message_Result"));
    }
}
