//! The GSM 03.38 alphabet (3GPP TS 23.038): what an SMS can carry without switching to UCS-2.

/// `true` when every character of `s` is in the GSM 03.38 default alphabet or its extension
/// table, i.e. the message can be sent as GSM-7 (`rejectUnicode` lets it through).
///
/// Basic table: `@ £ $ ¥ è é ù ì ò Ç Ø ø Å å Δ _ Φ Γ Λ Ω Π Ψ Σ Θ Ξ Æ æ ß É ¤ ¡ Ä Ö Ñ Ü § ¿ ä ö ñ ü à`,
/// space, `! " # % & ' ( ) * + , - . / : ; < = > ?`, `0-9`, `A-Z`, `a-z`, line feed and carriage
/// return. Extension table (sent as two septets): form feed and `^ { } \ [ ~ ] | €`. So `é` and
/// `€` are GSM-7; `ê`, the backtick and any emoji are not.
pub fn is_gsm7(s: &str) -> bool {
    // Fast path: ASCII text is checked byte by byte against a table.
    let bytes = s.as_bytes();
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        if byte >= 0x80 {
            return s[index..].chars().all(is_gsm7_char);
        }
        if !ASCII[byte as usize] {
            return false;
        }
        index += 1;
    }
    true
}

/// The first character of `s` outside GSM 03.38, with its position counted in characters (from
/// 0), or `None` when `s` [`is_gsm7`].
pub fn first_non_gsm7(s: &str) -> Option<(usize, char)> {
    s.chars().enumerate().find(|&(_, c)| !is_gsm7_char(c))
}

/// `true` when `c` is in the GSM 03.38 basic table or its extension table (see [`is_gsm7`]).
pub fn is_gsm7_char(c: char) -> bool {
    if c.is_ascii() {
        return ASCII[c as usize];
    }
    matches!(
        c,
        '£' | '¥'
            | 'è'
            | 'é'
            | 'ù'
            | 'ì'
            | 'ò'
            | 'Ç'
            | 'Ø'
            | 'ø'
            | 'Å'
            | 'å'
            | 'Δ'
            | 'Φ'
            | 'Γ'
            | 'Λ'
            | 'Ω'
            | 'Π'
            | 'Ψ'
            | 'Σ'
            | 'Θ'
            | 'Ξ'
            | 'Æ'
            | 'æ'
            | 'ß'
            | 'É'
            | '¤'
            | '¡'
            | 'Ä'
            | 'Ö'
            | 'Ñ'
            | 'Ü'
            | '§'
            | '¿'
            | 'ä'
            | 'ö'
            | 'ñ'
            | 'ü'
            | 'à'
            | '€'
    )
}

/// Which ASCII characters GSM 03.38 carries: every printable one but the backtick, plus line
/// feed, carriage return and (extension table) form feed.
const ASCII: [bool; 128] = {
    let mut table = [false; 128];
    let mut byte = 0x20;
    while byte < 0x7f {
        table[byte] = byte != b'`' as usize;
        byte += 1;
    }
    table[b'\n' as usize] = true;
    table[b'\r' as usize] = true;
    table[0x0c] = true;
    table
};

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
}
