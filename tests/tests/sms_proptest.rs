//! Properties of `Parts::of` on random bodies: its part count equals the number of parts an
//! actual split by the rules produces, every part fits its limit, no escape pair or surrogate
//! pair is split, and every part but the last is full (the split is the shortest possible).

use dynmark_api::sms::{Encoding, Parts, alphabet};
use proptest::prelude::*;

/// The tables of 3GPP TS 23.038 written out independently of the crate's.
const BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const EXTENSION: &str = "\x0c^{}\\[~]|€";

/// The encoding and each character's cost, by the oracle tables.
fn costs(body: &str) -> (Encoding, Vec<usize>) {
    let gsm7 = body
        .chars()
        .all(|c| BASIC.contains(c) || EXTENSION.contains(c));
    if gsm7 {
        let costs = body
            .chars()
            .map(|c| if EXTENSION.contains(c) { 2 } else { 1 })
            .collect();
        (Encoding::Gsm7, costs)
    } else {
        (Encoding::Ucs2, body.chars().map(char::len_utf16).collect())
    }
}

/// Splits `body` into parts as a sender would: characters whole, each part as full as it can be.
fn split(body: &str) -> (Encoding, Vec<String>) {
    let (encoding, costs) = costs(body);
    let (single, multi) = match encoding {
        Encoding::Gsm7 => (160, 153),
        _ => (70, 67),
    };
    if costs.iter().sum::<usize>() <= single {
        return (encoding, vec![body.to_owned()]);
    }
    let mut parts = vec![String::new()];
    let mut fill = 0;
    for (c, cost) in body.chars().zip(costs) {
        if fill + cost > multi {
            parts.push(String::new());
            fill = 0;
        }
        parts.last_mut().unwrap().push(c);
        fill += cost;
    }
    (encoding, parts)
}

/// A part's length in units of `encoding`, from its encoded form: septets (ESC and code for
/// the extension table) or UTF-16 code units.
fn encoded_units(part: &str, encoding: Encoding) -> usize {
    match encoding {
        Encoding::Gsm7 => part
            .chars()
            .map(|c| match alphabet::encode(c).expect("GSM-7 body") {
                alphabet::Septets::Basic(_) => 1,
                alphabet::Septets::Extension(_) => 2,
            })
            .sum(),
        _ => part.encode_utf16().count(),
    }
}

fn body() -> impl Strategy<Value = String> {
    let chars = prop_oneof![
        8 => Just('a'),
        2 => Just('{'),
        1 => Just('€'),
        1 => Just('é'),
        1 => Just('\r'),
        1 => Just('\n'),
        1 => Just('ê'),
        1 => Just('😀'),
        1 => Just('\u{1F1EE}'),
        1 => Just('\u{200D}'),
        1 => any::<char>(),
    ];
    // A long GSM-7 text with one character outside it late (the UCS-2 split is known late).
    let late_unicode = ("[a-z{€é]{0,400}", "[ê😀\u{2019}]", "[a-z{]{0,100}")
        .prop_map(|(head, unicode, tail)| format!("{head}{unicode}{tail}"));
    prop_oneof![
        "[a-z{}€é \\[\\]]{0,500}",
        late_unicode,
        prop::collection::vec(chars, 0..400).prop_map(|chars| chars.into_iter().collect()),
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_count_is_that_of_an_actual_split(body in body()) {
        let parts = Parts::of(&body);
        let (encoding, split) = split(&body);
        prop_assert_eq!(parts.encoding(), encoding);
        prop_assert_eq!(parts.count(), split.len());
        prop_assert_eq!(split.concat(), body.as_str());

        // Each part fits its limit; the parts add up to the whole.
        let (single, multi) = (encoding.single_part_units(), encoding.multipart_units());
        let units: Vec<usize> = split.iter().map(|part| encoded_units(part, encoding)).collect();
        prop_assert_eq!(units.iter().sum::<usize>(), parts.units());
        let limit = if split.len() == 1 { single } else { multi };
        for (index, part_units) in units.iter().enumerate() {
            prop_assert!(*part_units <= limit, "part {} has {} units", index, part_units);
        }
        // Every part but the last is full: its next character did not fit.
        let (_, costs) = costs(&body);
        let mut position = 0;
        for (index, part) in split.iter().enumerate() {
            position += part.chars().count();
            if index + 1 < split.len() {
                prop_assert!(units[index] + costs[position] > multi);
            }
        }

        // The starts `Parts` reports are the split's, and each is a character boundary.
        let mut expected = Vec::new();
        let (mut position, mut offset) = (0, 0);
        for part in &split {
            expected.push((position, offset));
            position += part.chars().count();
            offset += part.len();
        }
        let starts: Vec<(usize, usize)> =
            parts.starts().map(|start| (start.position, start.offset)).collect();
        prop_assert_eq!(&starts, &expected);
        for (_, offset) in starts {
            prop_assert!(body.is_char_boundary(offset));
        }

        // The characters that make it UCS-2 are exactly those outside the tables.
        let outside: Vec<(usize, char)> = body
            .chars()
            .enumerate()
            .filter(|&(_, c)| !BASIC.contains(c) && !EXTENSION.contains(c))
            .collect();
        let reported: Vec<(usize, char)> = parts
            .unicode_chars()
            .iter()
            .map(|unicode| (unicode.position, unicode.character))
            .collect();
        prop_assert_eq!(reported, outside);
        for unicode in parts.unicode_chars() {
            prop_assert!(body[unicode.offset..].starts_with(unicode.character));
        }
    }

    #[test]
    fn the_escape_and_surrogate_pairs_are_never_split(body in body()) {
        let parts = Parts::of(&body);
        // The part boundaries in units of the encoded message.
        let boundaries: Vec<usize> = parts
            .starts()
            .skip(1)
            .map(|start| encoded_units(&body[..start.offset], parts.encoding()))
            .collect();
        match parts.encoding() {
            Encoding::Gsm7 => {
                let mut septets = Vec::new();
                for c in body.chars() {
                    match alphabet::encode(c).unwrap() {
                        alphabet::Septets::Basic(code) => septets.push(code),
                        alphabet::Septets::Extension(code) => {
                            septets.extend([alphabet::ESCAPE, code]);
                        }
                    }
                }
                for boundary in boundaries {
                    prop_assert_ne!(septets[boundary - 1], alphabet::ESCAPE);
                }
            }
            _ => {
                let units: Vec<u16> = body.encode_utf16().collect();
                for boundary in boundaries {
                    prop_assert!(!(0xDC00..0xE000).contains(&units[boundary]));
                    prop_assert!(!(0xD800..0xDC00).contains(&units[boundary - 1]));
                }
            }
        }
    }
}
