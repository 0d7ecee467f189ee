//! The GSM 03.38 alphabet (3GPP TS 23.038): what an SMS can carry without switching to UCS-2.
//! The tables themselves are [`crate::sms::alphabet`]; this rule reads them.

use std::fmt;

use crate::sms::{UnicodeChar, alphabet, unicode_chars};

/// `true` when every character of `s` is in the GSM 03.38 default alphabet or its extension
/// table, i.e. the message can be sent as GSM-7 (`rejectUnicode` lets it through).
///
/// Basic table: `@ £ $ ¥ è é ù ì ò Ç Ø ø Å å Δ _ Φ Γ Λ Ω Π Ψ Σ Θ Ξ Æ æ ß É ¤ ¡ Ä Ö Ñ Ü § ¿ ä ö ñ ü à`,
/// space, `! " # % & ' ( ) * + , - . / : ; < = > ?`, `0-9`, `A-Z`, `a-z`, line feed and carriage
/// return. Extension table (sent as two septets): form feed and `^ { } \ [ ~ ] | €`. So `é` and
/// `€` are GSM-7; `ê`, `ç`, the backtick and any emoji are not.
pub fn is_gsm7(s: &str) -> bool {
    // Fast path: ASCII text is checked byte by byte.
    let bytes = s.as_bytes();
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        if byte >= 0x80 {
            return s[index..].chars().all(is_gsm7_char);
        }
        if !is_gsm7_char(char::from(byte)) {
            return false;
        }
        index += 1;
    }
    true
}

/// The first character of `s` outside GSM 03.38, with its position counted in characters (from
/// 0), or `None` when `s` [`is_gsm7`]. Every one of them: [`crate::sms::unicode_chars`].
pub fn first_non_gsm7(s: &str) -> Option<(usize, char)> {
    unicode_chars(s)
        .next()
        .map(|unicode| (unicode.position, unicode.character))
}

/// `true` when `c` is in the GSM 03.38 basic table or its extension table (see [`is_gsm7`]).
#[inline]
pub fn is_gsm7_char(c: char) -> bool {
    alphabet::is_gsm7_char(c)
}

/// The characters of `s` outside GSM 03.38 for a sentence, at most 5, positions counted from
/// 1: `'ê' (U+00EA) at character 3 and '😀' (U+1F600) at character 7`, `... and 4 more`.
/// Empty when `s` [`is_gsm7`].
pub fn non_gsm7_list(s: &str) -> NonGsm7List<'_> {
    NonGsm7List { text: s }
}

/// The list written by [`non_gsm7_list`].
#[derive(Debug, Clone, Copy)]
pub struct NonGsm7List<'a> {
    text: &'a str,
}

impl NonGsm7List<'_> {
    /// How many characters are listed at most.
    pub const MAX_LISTED: usize = 5;
}

impl fmt::Display for NonGsm7List<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut all = unicode_chars(self.text);
        let listed: Vec<UnicodeChar> = all.by_ref().take(Self::MAX_LISTED).collect();
        let more = all.count();
        for (index, unicode) in listed.iter().enumerate() {
            let separator = match index {
                0 => "",
                _ if index + 1 == listed.len() && more == 0 => " and ",
                _ => ", ",
            };
            write!(f, "{separator}{unicode}")?;
        }
        if more > 0 {
            write!(f, " and {more} more")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_and_extension_tables() {
        assert!(is_gsm7("Hello, this is a test message"));
        assert!(is_gsm7(
            "é € ^{}\\[~]| @£$¥ ΔΦΓΛΩΠΨΣΘΞ ÆæßÉ ¤¡ÄÖÑÜ§¿äöñüà\r\n\x0c"
        ));
        assert!(is_gsm7(""));
        assert!(!is_gsm7("ê"));
        assert!(!is_gsm7("`"));
        assert!(!is_gsm7("hi 😀"));
        assert!(!is_gsm7("\t"));
        assert!(!is_gsm7("ç"));
        assert_eq!(first_non_gsm7("abê😀"), Some((2, 'ê')));
        assert_eq!(first_non_gsm7("abc€"), None);
    }

    #[test]
    fn the_fast_path_agrees_with_the_characters() {
        for code in 0..0x3000u32 {
            if let Some(c) = char::from_u32(code) {
                let mut buffer = [0; 4];
                assert_eq!(
                    is_gsm7(c.encode_utf8(&mut buffer)),
                    is_gsm7_char(c),
                    "{c:?}"
                );
            }
        }
    }

    #[test]
    fn the_list_names_each_character_and_where() {
        assert_eq!(non_gsm7_list("abc").to_string(), "");
        assert_eq!(
            non_gsm7_list("Crêpe").to_string(),
            "'ê' (U+00EA) at character 3"
        );
        assert_eq!(
            non_gsm7_list("Crêpe 😀").to_string(),
            "'ê' (U+00EA) at character 3 and '😀' (U+1F600) at character 7"
        );
        assert_eq!(
            non_gsm7_list("`a`b`c`d`e`f`").to_string(),
            "'`' (U+0060) at character 1, '`' (U+0060) at character 3, '`' (U+0060) at character 5, '`' (U+0060) at character 7, '`' (U+0060) at character 9 and 2 more"
        );
    }
}
