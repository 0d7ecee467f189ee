//! `dynmark_api::sms::Parts`: encoding, units and parts by 3GPP TS 23.040 / 23.038, on the
//! boundary cases of `shared/sms-parts.md`, every character of both GSM 03.38 tables and cases
//! taken from Twilio's calculator tests (`TwilioDevEd/message-segment-calculator`,
//! `tests/index.test.js`).

use dynmark_api::sms::{Encoding, Parts, alphabet};

fn a(n: usize) -> String {
    "a".repeat(n)
}

/// (encoding, units, parts) of `body`.
fn measure(body: &str) -> (Encoding, usize, usize) {
    let parts = Parts::of(body);
    (parts.encoding(), parts.units(), parts.count())
}

/// The character positions where each part starts.
fn starts(body: &str) -> Vec<usize> {
    Parts::of(body)
        .starts()
        .map(|start| start.position)
        .collect()
}

use Encoding::{Gsm7, Ucs2};

#[test]
fn the_boundary_cases_where_the_naive_formula_is_wrong() {
    assert_eq!(measure(&a(160)), (Gsm7, 160, 1));
    assert_eq!(measure(&a(161)), (Gsm7, 161, 2));
    assert_eq!(starts(&a(161)), [0, 153]);
    // 161 septets: the `{` is the escape pair of septets 160 and 161.
    assert_eq!(measure(&format!("{}{{", a(159))), (Gsm7, 161, 2));
    assert_eq!(measure(&format!("{}{{", a(158))), (Gsm7, 160, 1));
    // 306 septets = 2 × 153, but the `{` cannot straddle parts 1 and 2.
    let body = format!("{}{{{}", a(152), a(152));
    assert_eq!(measure(&body), (Gsm7, 306, 3));
    assert_eq!(starts(&body), [0, 152, 304]);
    // 70 and 71 UCS-2 units.
    assert_eq!(measure(&format!("ê{}", a(69))), (Ucs2, 70, 1));
    assert_eq!(measure(&format!("ê{}", a(70))), (Ucs2, 71, 2));
    // 134 units = 2 × 67, but the surrogate pair of 😀 cannot straddle parts 1 and 2.
    let body = format!("{}😀{}", a(66), a(66));
    assert_eq!(measure(&body), (Ucs2, 134, 3));
    assert_eq!(starts(&body), [0, 66, 132]);
    let parts = Parts::of(&body);
    let offsets: Vec<usize> = parts.starts().map(|start| start.offset).collect();
    assert_eq!(offsets, [0, 66, 66 + 4 + 65]);
}

#[test]
fn a_late_emoji_makes_every_part_ucs2() {
    let body = format!("{}😀", a(300));
    assert_eq!(measure(&body), (Ucs2, 302, 5));
    assert_eq!(starts(&body), [0, 67, 134, 201, 268]);
    assert_eq!(Parts::of(&body).unicode_chars()[0].position, 300);
    let body = format!("{}{{😀", a(300));
    assert_eq!(measure(&body), (Ucs2, 303, 5));
}

#[test]
fn the_smart_quote_that_triples_the_cost() {
    let plain = format!("It's {}", a(145));
    let smart = format!("It’s {}", a(145));
    assert_eq!(measure(&plain), (Gsm7, 150, 1));
    assert_eq!(measure(&smart), (Ucs2, 150, 3));
    let parts = Parts::of(&smart);
    let unicode = parts.unicode_chars();
    assert_eq!(unicode.len(), 1);
    assert_eq!(
        (unicode[0].character, unicode[0].position, unicode[0].offset),
        ('’', 2, 2)
    );
}

#[test]
fn empty_and_exact_part_sizes() {
    assert_eq!(measure(""), (Gsm7, 0, 1));
    assert_eq!(measure(&a(306)), (Gsm7, 306, 2));
    assert_eq!(measure(&a(307)), (Gsm7, 307, 3));
    assert_eq!(measure(&format!("ê{}", a(133))), (Ucs2, 134, 2));
    assert_eq!(measure(&format!("ê{}", a(134))), (Ucs2, 135, 3));
    assert_eq!(Parts::of(&a(153 * 255)).count(), 255);
    assert_eq!(Parts::of(&a(153 * 255 + 1)).count(), 256);
    assert_eq!(dynmark_api::sms::MAX_PARTS, 255);
}

#[test]
fn units_left() {
    assert_eq!(Parts::of("").units_left(), 160);
    assert_eq!(Parts::of(&a(150)).units_left(), 10);
    assert_eq!(Parts::of(&a(161)).units_left(), 153 - 8);
    // Part 1 holds 152 septets (the `{` moved on), part 2 `{` + 151 × `a`, part 3 one `a`.
    assert_eq!(
        Parts::of(&format!("{}{{{}", a(152), a(152))).units_left(),
        152
    );
    assert_eq!(Parts::of("😀").units_left(), 68);
    assert_eq!(Parts::of(&format!("{}😀{}", a(66), a(66))).units_left(), 66);
}

/// The basic table of 3GPP TS 23.038 §6.2.1, written out here independently of the crate's
/// (code order, ESC at 0x1B left out).
const BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const EXTENSION: &str = "\x0c^{}\\[~]|€";

#[test]
fn every_character_of_the_basic_table_costs_one_septet() {
    assert_eq!(BASIC.chars().count(), 127);
    let crate_table: String = alphabet::BASIC.iter().flatten().collect();
    assert_eq!(crate_table, BASIC);
    for c in BASIC.chars() {
        let body = c.to_string();
        assert_eq!(measure(&body), (Gsm7, 1, 1), "{c:?}");
        assert!(Parts::of(&body).unicode_chars().is_empty(), "{c:?}");
        assert_eq!(measure(&c.to_string().repeat(160)), (Gsm7, 160, 1), "{c:?}");
        assert_eq!(measure(&c.to_string().repeat(161)), (Gsm7, 161, 2), "{c:?}");
    }
    assert_eq!(measure(BASIC), (Gsm7, 127, 1));
}

#[test]
fn every_character_of_the_extension_table_costs_two_septets() {
    let crate_table: String = alphabet::EXTENSION.iter().map(|&(_, c)| c).collect();
    assert_eq!(crate_table, EXTENSION);
    for c in EXTENSION.chars() {
        assert_eq!(measure(&c.to_string()), (Gsm7, 2, 1), "{c:?}");
        assert_eq!(measure(&c.to_string().repeat(80)), (Gsm7, 160, 1), "{c:?}");
        // 81 pairs: 76 fit in part 1 (152 septets), 5 in part 2.
        let body = c.to_string().repeat(81);
        assert_eq!(measure(&body), (Gsm7, 162, 2), "{c:?}");
        assert_eq!(starts(&body), [0, 76], "{c:?}");
        // Twilio's escape cases: the pair and 158 digits fit in one part, 159 do not.
        let digits = "1234567890".repeat(16);
        assert_eq!(measure(&format!("{c}{}", &digits[..158])), (Gsm7, 160, 1));
        assert_eq!(measure(&format!("{c}{}", &digits[..159])), (Gsm7, 161, 2));
    }
    assert_eq!(measure(EXTENSION), (Gsm7, 20, 1));
}

#[test]
fn every_other_character_of_the_first_planes_is_ucs2() {
    for c in (0..0x3000).filter_map(char::from_u32) {
        if BASIC.contains(c) || EXTENSION.contains(c) {
            continue;
        }
        let body = format!("a{c}");
        let parts = Parts::of(&body);
        assert_eq!(parts.encoding(), Ucs2, "{c:?}");
        assert_eq!(parts.units(), 1 + c.len_utf16(), "{c:?}");
        assert_eq!(parts.unicode_chars().len(), 1, "{c:?}");
        assert_eq!(parts.unicode_chars()[0].position, 1, "{c:?}");
    }
}

#[test]
fn capital_c_cedilla_is_gsm7_small_is_not() {
    // ETSI's table has `Ç` at 0x09; Unicode's GSM0338.TXT says `ç`; carriers follow ETSI.
    assert_eq!(measure("Ça va"), (Gsm7, 5, 1));
    assert_eq!(measure("ça va"), (Ucs2, 5, 1));
    assert_eq!(Parts::of("Garçon").unicode_chars()[0].position, 3);
}

#[test]
fn cr_lf_is_two_septets() {
    assert_eq!(measure("a\r\nb"), (Gsm7, 4, 1));
    assert_eq!(measure(&"\r\n".repeat(80)), (Gsm7, 160, 1));
    // Two characters, so a part may end between CR and LF.
    let body = format!("{}\r\n{}", a(152), a(10));
    assert_eq!(measure(&body), (Gsm7, 164, 2));
    assert_eq!(starts(&body), [0, 153]);
    // Twilio: '\rabcde\r\n123' is 11 characters, '\nabcde\n\n123\n' 12.
    assert_eq!(measure("\rabcde\r\n123"), (Gsm7, 11, 1));
    assert_eq!(measure("\nabcde\n\n123\n"), (Gsm7, 12, 1));
    // Tab is not GSM 03.38.
    assert_eq!(measure("a\tb"), (Ucs2, 3, 1));
}

#[test]
fn flags_and_zwj_emoji_count_every_utf16_unit() {
    // 🇮🇹: two regional indicators, two surrogate pairs: 4 units.
    assert_eq!(measure("🇮🇹"), (Ucs2, 4, 1));
    // 🏳️‍🌈: U+1F3F3 U+FE0F U+200D U+1F308, 6 units.
    assert_eq!(measure("🏳️‍🌈"), (Ucs2, 6, 1));
    // 👩‍👩‍👧‍👦: four people and three joiners, 11 units.
    assert_eq!(measure("👩‍👩‍👧‍👦"), (Ucs2, 11, 1));
    let parts = Parts::of("a🏳️‍🌈");
    let characters: Vec<(char, usize)> = parts
        .unicode_chars()
        .iter()
        .map(|unicode| (unicode.character, unicode.position))
        .collect();
    assert_eq!(
        characters,
        [
            ('\u{1F3F3}', 1),
            ('\u{FE0F}', 2),
            ('\u{200D}', 3),
            ('\u{1F308}', 4)
        ]
    );
    // Across a part boundary the standard keeps each surrogate pair whole; the grapheme may be
    // split (the phone reassembles the parts): 65 × `a` + 🇮🇹 = 69 units, then 70 more.
    let body = format!("{}🇮🇹{}", a(65), a(70));
    assert_eq!(measure(&body), (Ucs2, 139, 3));
    // Part 1: 65 + the first indicator (67 units); part 2 starts at the second indicator.
    assert_eq!(starts(&body), [0, 66, 66 + 66]);
}

/// Twilio's "Basic tests": (body, encoding, parts, UCS-2 or GSM-7 units).
#[test]
fn twilios_published_cases() {
    let digits = "1234567890".repeat(31);
    let cases: Vec<(String, Encoding, usize, usize)> = vec![
        (digits[..160].to_owned(), Gsm7, 1, 160),
        (digits[..161].to_owned(), Gsm7, 2, 161),
        (digits[..307].to_owned(), Gsm7, 3, 307),
        (format!("😜{}", &digits[1..69]), Ucs2, 1, 70),
        (format!("😜{}", &digits[1..70]), Ucs2, 2, 71),
        (format!("😜{}", &digits[1..134]), Ucs2, 3, 135),
        (format!("🇮🇹{}", &digits[2..68]), Ucs2, 1, 70),
        (format!("🇮🇹{}", &digits[2..69]), Ucs2, 2, 71),
        (format!("🏳️‍🌈{}", &digits[1..65]), Ucs2, 1, 70),
        (format!("🏳️‍🌈{}", &digits[1..66]), Ucs2, 2, 71),
        // "UCS2 message with special GSM characters": `]` costs 1 unit in UCS-2, not 2.
        (format!("😀{}", "]".repeat(68)), Ucs2, 1, 70),
        (format!("😀{}", "]".repeat(69)), Ucs2, 2, 71),
        // "Triple accents": e and three combining acute accents.
        (format!("e\u{301}\u{301}\u{301}{}", a(66)), Ucs2, 1, 70),
        (format!("e\u{301}\u{301}\u{301}{}", a(67)), Ucs2, 2, 71),
    ];
    for (body, encoding, count, units) in cases {
        assert_eq!(measure(&body), (encoding, units, count), "{body:?}");
    }
    // "One grapheme UCS-2 characters": 70 of them are one part, 71 are two.
    for c in ['Á', 'Ú', 'ú', 'ç', 'í', 'Í', 'ó', 'Ó'] {
        assert_eq!(measure(&c.to_string().repeat(70)), (Ucs2, 70, 1), "{c}");
        assert_eq!(measure(&c.to_string().repeat(71)), (Ucs2, 71, 2), "{c}");
        assert_eq!(
            Parts::of(&c.to_string().repeat(71)).unicode_chars().len(),
            71
        );
    }
    // "getNonGsmCharacters": 'más' → ['á'].
    let parts = Parts::of("más");
    let unicode: Vec<char> = parts.unicode_chars().iter().map(|u| u.character).collect();
    assert_eq!(unicode, ['á']);
}

#[test]
fn display_and_json() {
    assert_eq!(
        Parts::of("Hello, this is a test message").to_string(),
        "GSM-7, 1 part (29 septets)"
    );
    assert_eq!(
        Parts::of(&format!("{}😀{}", a(66), a(66))).to_string(),
        "UCS-2, 3 parts (134 UTF-16 units)"
    );
    assert_eq!(Encoding::Gsm7.to_string(), "GSM-7");
    assert_eq!(Encoding::Ucs2.to_string(), "UCS-2");
    assert_eq!(
        serde_json::to_value(Parts::of("Hi")).unwrap(),
        serde_json::json!({"encoding": "GSM-7", "parts": 1, "units": 2})
    );
    assert_eq!(
        serde_json::to_value(Parts::of("Crêpe 😀")).unwrap(),
        serde_json::json!({
            "encoding": "UCS-2",
            "parts": 1,
            "units": 8,
            "unicodeCharacters": [
                {"character": "ê", "codePoint": "U+00EA", "position": 2},
                {"character": "😀", "codePoint": "U+1F600", "position": 6},
            ]
        })
    );
    let encoding: Encoding = serde_json::from_str("\"UCS-2\"").unwrap();
    assert_eq!(encoding, Ucs2);
    assert_eq!(
        Parts::of("Crêpe").unicode_chars()[0].to_string(),
        "'ê' (U+00EA) at character 3"
    );
}
