//! The originator (`from`) of a message.

/// `true` for a valid originator: numeric ([`is_numeric_originator`]) or alphanumeric
/// ([`is_alphanumeric_originator`]).
///
/// Dynmark's documentation allows "Numeric: between 2-15 characters, permitted characters 0-9" or
/// "Alphanumeric: between 2-11 characters 0-9, a-z, A-Z, hyphen, underscore, full-stop and space",
/// and shows both `MAYFLOWER` and `+447740101097` as examples.
pub fn is_originator(s: &str) -> bool {
    is_numeric_originator(s) || is_alphanumeric_originator(s)
}

/// `true` for a numeric originator: 2 to 15 digits `0-9`, optionally after one leading `+`.
///
/// **The leading `+`:** Dynmark's own example originator is `+447740101097`, although its rule
/// lists only `0-9` as permitted characters. We accept one leading `+` and do not count it as a
/// digit (so `+` followed by 15 digits is valid, followed by 16 is not): a phone number written
/// in international notation is what users paste, and refusing the documented example would make
/// local validation stricter than the service. `+` anywhere else, or alone, is refused.
pub fn is_numeric_originator(s: &str) -> bool {
    let digits = s.strip_prefix('+').unwrap_or(s);
    (2..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

/// `true` for an alphanumeric originator: 2 to 11 characters, each one of `0-9 a-z A-Z`, hyphen
/// `-`, underscore `_`, full stop `.` or space. Nothing else (no accented letters, no `+`).
pub fn is_alphanumeric_originator(s: &str) -> bool {
    (2..=11).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b' '))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_and_alphanumeric_edges() {
        assert!(is_originator("12"));
        assert!(!is_originator("1"));
        assert!(is_originator("123456789012345"));
        assert!(!is_originator("1234567890123456"));
        assert!(is_originator("+447740101097"));
        assert!(is_originator("+123456789012345"));
        assert!(!is_originator("+1234567890123456"));
        assert!(!is_originator("+"));
        assert!(!is_originator("+1"));
        assert!(!is_originator("44+1"));
        assert!(is_originator("AB"));
        assert!(is_originator("MAYFLOWER"));
        assert!(is_originator("A-b_c.d e 9"));
        assert!(!is_originator("ABCDEFGHIJKL"));
        assert!(!is_originator("Café"));
        assert!(!is_originator("A+B"));
    }
}
