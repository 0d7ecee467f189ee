//! Text: blank values and lengths in characters.

/// `true` when `s` is empty or only whitespace: what `required` refuses.
pub fn is_blank(s: &str) -> bool {
    s.trim().is_empty()
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
}
