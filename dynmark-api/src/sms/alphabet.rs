//! The GSM 7-bit default alphabet of 3GPP TS 23.038 §6.2.1: its basic table and its extension
//! table, the one place in the crate that lists them (the `gsm7` validation rule and the part
//! counts of [`Parts`](super::Parts) both read these tables).
//!
//! National language shift tables (Turkish, Spanish, Portuguese, Indian languages) are not
//! counted: Dynmark documents none, so a character outside these two tables makes a message
//! UCS-2.

/// The basic table in code order: `BASIC[code]` is the character of septet `code`, `None` at
/// `0x1B` (the escape to the [`EXTENSION`] table). 127 characters: line feed, carriage return,
/// space, the printable ASCII characters except the backtick and the 8 of the extension table
/// (`[ \ ] ^ { | } ~`), `¡ £ ¤ ¥ § ¿ Ä Å Æ Ç É Ñ Ö Ø Ü ß à ä å æ è é ì ñ ò ö ø ù ü` and the Greek
/// capitals `Γ Δ Θ Λ Ξ Π Σ Φ Ψ Ω`.
///
/// Position `0x09` is the capital `Ç`, as in ETSI's table; Unicode's `GSM0338.TXT` maps it to
/// the small `ç`. Carriers and Twilio follow ETSI, so `ç` makes a message UCS-2 here.
pub const BASIC: [Option<char>; 128] = {
    const ROWS: [&str; 8] = [
        "@£$¥èéùìòÇ\nØø\rÅå",
        "Δ_ΦΓΛΩΠΨΣΘΞ\u{1b}ÆæßÉ",
        " !\"#¤%&'()*+,-./",
        "0123456789:;<=>?",
        "¡ABCDEFGHIJKLMNO",
        "PQRSTUVWXYZÄÖÑÜ§",
        "¿abcdefghijklmno",
        "pqrstuvwxyzäöñüà",
    ];
    let mut table = [None; 128];
    let mut row = 0;
    while row < ROWS.len() {
        let bytes = ROWS[row].as_bytes();
        let mut at = 0;
        let mut column = 0;
        while at < bytes.len() {
            let (c, width) = decode_utf8(bytes, at);
            let code = row * 16 + column;
            if code != ESCAPE as usize {
                table[code] = Some(c);
            }
            at += width;
            column += 1;
        }
        assert!(
            column == 16,
            "every row of the basic table has 16 characters"
        );
        row += 1;
    }
    table
};

/// The septet that escapes to the extension table: a character of [`EXTENSION`] is sent as
/// `ESCAPE` and its code, two septets.
pub const ESCAPE: u8 = 0x1B;

/// The extension table: each character with the code sent after [`ESCAPE`]. Form feed,
/// `^ { } \ [ ~ ] |` and `€`; each costs 2 septets.
pub const EXTENSION: [(u8, char); 10] = [
    (0x0A, '\u{0c}'),
    (0x14, '^'),
    (0x28, '{'),
    (0x29, '}'),
    (0x2F, '\\'),
    (0x3C, '['),
    (0x3D, '~'),
    (0x3E, ']'),
    (0x40, '|'),
    (0x65, '€'),
];

/// How many septets `c` costs in GSM-7: 1 in the basic table, 2 in the extension table, `None`
/// outside both (the message must be sent as UCS-2).
#[inline]
pub fn septets(c: char) -> Option<usize> {
    let code = u32::from(c) as usize;
    let cost = if code < COSTS.len() {
        COSTS[code]
    } else if c == '€' {
        2
    } else {
        0
    };
    if cost == 0 {
        None
    } else {
        Some(usize::from(cost))
    }
}

/// `true` when `c` is in the basic table or the extension table.
#[inline]
pub fn is_gsm7_char(c: char) -> bool {
    septets(c).is_some()
}

/// The septets of `c`: its basic code, or [`ESCAPE`] and its extension code.
pub fn encode(c: char) -> Option<Septets> {
    if let Some(code) = BASIC.iter().position(|&basic| basic == Some(c)) {
        return Some(Septets::Basic(code as u8));
    }
    EXTENSION
        .iter()
        .find(|&&(_, extended)| extended == c)
        .map(|&(code, _)| Septets::Extension(code))
}

/// How one character is written in GSM-7.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Septets {
    /// One septet of the basic table.
    Basic(u8),
    /// [`ESCAPE`] followed by this code of the extension table.
    Extension(u8),
}

/// The cost in septets of every code point below the highest one of both tables except `€`
/// (U+20AC, checked on its own): 0 outside, 1 basic, 2 extension. Built from [`BASIC`] and
/// [`EXTENSION`] at compile time, so that the tables stay the only list. A `static`, not a
/// `const`: indexing a `const` array at run time may copy it first.
static COSTS: [u8; 0x3AA] = {
    let mut costs = [0u8; 0x3AA];
    let mut code = 0;
    while code < BASIC.len() {
        if let Some(c) = BASIC[code] {
            let at = c as usize;
            assert!(at < costs.len(), "COSTS covers the basic table");
            costs[at] = 1;
        }
        code += 1;
    }
    let mut index = 0;
    while index < EXTENSION.len() {
        let at = EXTENSION[index].1 as usize;
        if at < costs.len() {
            costs[at] = 2;
        } else {
            assert!(at == '€' as usize, "only € is above COSTS");
        }
        index += 1;
    }
    costs
};

/// Decodes the UTF-8 character at `bytes[at]` in a `const` context: the character and its width.
const fn decode_utf8(bytes: &[u8], at: usize) -> (char, usize) {
    let first = bytes[at] as u32;
    let (code, width) = if first < 0x80 {
        (first, 1)
    } else if first < 0xE0 {
        (((first & 0x1F) << 6) | (bytes[at + 1] as u32 & 0x3F), 2)
    } else {
        (
            ((first & 0x0F) << 12)
                | ((bytes[at + 1] as u32 & 0x3F) << 6)
                | (bytes[at + 2] as u32 & 0x3F),
            3,
        )
    };
    match char::from_u32(code) {
        Some(c) => (c, width),
        None => panic!("the tables are valid UTF-8"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tables_have_the_standard_sizes() {
        assert_eq!(BASIC.iter().flatten().count(), 127);
        assert_eq!(BASIC[0x1B], None);
        assert_eq!(BASIC[0x09], Some('Ç'));
        assert_eq!(BASIC[0x00], Some('@'));
        assert_eq!(BASIC[0x02], Some('$'));
        assert_eq!(BASIC[0x24], Some('¤'));
        assert_eq!(BASIC[0x7F], Some('à'));
        let costs: usize = (0..=0x10FFFF)
            .filter_map(char::from_u32)
            .filter_map(septets)
            .sum();
        assert_eq!(costs, 127 + 2 * 10);
    }

    #[test]
    fn every_character_is_one_utf16_unit() {
        // `split.rs` relies on it: before a body's first character outside the tables, its
        // UTF-16 length is its number of characters.
        let all = BASIC
            .iter()
            .flatten()
            .chain(EXTENSION.iter().map(|(_, c)| c));
        for c in all {
            assert_eq!(c.len_utf16(), 1, "{c:?}");
        }
    }

    #[test]
    fn encode_agrees_with_the_costs() {
        for c in (0..0x3000).filter_map(char::from_u32) {
            let expected = match encode(c) {
                Some(Septets::Basic(_)) => Some(1),
                Some(Septets::Extension(_)) => Some(2),
                None => None,
            };
            assert_eq!(septets(c), expected, "{c:?}");
        }
        assert_eq!(encode('€'), Some(Septets::Extension(0x65)));
        assert_eq!(encode('ç'), None);
    }
}
