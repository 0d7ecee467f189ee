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

/// The names `dynmark-api` defines by hand at its root, beside the generated types (which its
/// `lib.rs` re-exports with `pub use generated::*`), plus the generated `operations` module.
///
/// A schema may not take one of them: an explicit item wins over a glob re-export, so the
/// generated type would be silently hidden. The lower-case and `SCREAMING_CASE` names cannot be
/// schema names anyway; they are listed so that `tests/tests/codegen_reserved_names.rs` can
/// compare this list with every `pub use` and `pub mod` of `dynmark-api/src/lib.rs` both ways.
pub const RESERVED_ROOT_NAMES: &[&str] = &[
    // modules
    "blocking",
    "operation",
    "operations",
    "protocol",
    "redact",
    "sandbox",
    "validation",
    // the clients and their settings
    "Client",
    "ClientBuilder",
    "CONNECT_TIMEOUT",
    "DEFAULT_CALLS_IN_FLIGHT",
    "DEFAULT_TIMEOUT",
    "Credentials",
    // errors
    "BuildError",
    "CallError",
    "CallFailure",
    "CallFailureKind",
    "SendError",
    "TransportError",
    // the report
    "Counts",
    "NotSentReason",
    "Outcome",
    "RejectedBy",
    "SendReport",
    "MessageOutcome",
    // streaming sends
    "Events",
    "Sending",
    "StopHandle",
    // validation (the trait and its derive)
    "Validate",
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

/// The failure-code prefix of a JSON name (`{P}` in DEVELOPERS.md, Contract 2): each word, split
/// at anything that is not a letter or digit, starts with a capital; a word of more than one
/// character written all in capitals is capitalised as a word. `clientRef` → `ClientRef`,
/// `client_ref` and `CLIENT_REF` → `ClientRef`, `URL` → `Url`, `country-iso` → `CountryIso`,
/// `http2Url` → `Http2Url`.
///
/// This is the algorithm of `code_prefix` in `dynmark-macros/src/names.rs`, which the
/// `Validate` derive uses to spell the codes it reports; a proc-macro crate cannot export
/// functions, so the generator keeps this copy. Change both together: the generator checks that
/// `FailureCode` lists every code the derive will produce, and
/// `tests/tests/validate_code_names.rs` compares the two on many names.
pub fn failure_code_prefix(json_name: &str) -> String {
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

/// `clientRef` → `ClientRef`, `sendMessages` → `SendMessages`, `from-empty` → `FromEmpty`:
/// the first letter of every word is upper-cased, the rest is kept. Type and variant names; a
/// failure code's prefix is [`failure_code_prefix`].
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

/// Whether `name` is usable as a generated type's name: `PascalCase` ASCII without underscores,
/// and not `Self`. The generated code names every standard item by its full path
/// (`::std::string::String`, `::core::convert::From`, ...), so a schema may be called `String`
/// or `From`; whether it may also sit at `dynmark-api`'s root is [`RESERVED_ROOT_NAMES`]' concern.
pub(crate) fn is_type_name(name: &str) -> bool {
    is_identifier(name)
        && name.starts_with(|c: char| c.is_ascii_uppercase())
        && !name.contains('_')
        && !NOT_EVEN_RAW.contains(&name)
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
    fn failure_code_prefixes_follow_the_derive() {
        for (name, expected) in [
            ("clientRef", "ClientRef"),
            ("client_ref", "ClientRef"),
            ("CLIENT_REF", "ClientRef"),
            ("client-ref", "ClientRef"),
            ("to", "To"),
            ("deliveryStatusUrl", "DeliveryStatusUrl"),
            ("URL", "Url"),
            ("x", "X"),
            ("X", "X"),
            ("aB", "AB"),
            ("ABc", "ABc"),
            ("http2Url", "Http2Url"),
            ("HTTP2", "Http2"),
        ] {
            assert_eq!(failure_code_prefix(name), expected, "{name}");
        }
    }

    #[test]
    fn keywords_become_raw_and_unusable_names_are_refused() {
        assert_eq!(needs_raw("type"), Some(true));
        assert_eq!(needs_raw("body"), Some(false));
        assert_eq!(needs_raw("self"), None);
        assert_eq!(needs_raw("2fa"), None);
        assert!(is_type_name("Message"));
        assert!(is_type_name("Option"));
        assert!(!is_type_name("message"));
        assert!(!is_type_name("Self"));
        assert!(!is_type_name("Message_Result"));
    }
}
