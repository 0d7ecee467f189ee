//! Text: blank values and lengths in characters.

/// `true` when `s` is empty or only whitespace: what `required` refuses.
pub fn is_blank(s: &str) -> bool {
    match s.as_bytes().first() {
        None => true,
        // An ASCII character that is not whitespace (tab to carriage return, space) cannot be
        // trimmed away: the common case, decided without looking further.
        Some(&byte) if byte < 0x80 && !matches!(byte, b'\t'..=b'\r' | b' ') => false,
        Some(_) => s.trim().is_empty(),
    }
}

/// The length of `s` in characters (Unicode scalar values), not bytes: `"é"` is 1 character and 2
/// bytes. This is the length `length(min, max)` bounds.
pub fn char_count(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_characters_not_bytes() {
        assert_eq!(char_count("abc"), 3);
        assert_eq!(char_count("é€😀"), 3);
        assert_eq!("é€😀".len(), 9);
        assert!(is_blank(" \t\n"));
        assert!(is_blank(""));
        assert!(!is_blank(" a "));
    }

    #[test]
    fn blank_is_what_trimming_leaves_empty_for_every_character() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            for text in [c.to_string(), format!("{c}a"), format!("{c}{c}")] {
                assert_eq!(is_blank(&text), text.trim().is_empty(), "{text:?}");
            }
        }
    }
}
