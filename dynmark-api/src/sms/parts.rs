//! How many parts (segments) a message body is sent in, and why.

use std::fmt;

use serde::Serialize;
use serde::ser::SerializeStruct;

use super::{Encoding, alphabet, split};

/// The largest number of parts a concatenated message can address (3GPP TS 23.040: the part
/// number is one octet). [`Parts::count`] can be higher; such a body cannot be sent as one
/// message.
pub const MAX_PARTS: usize = 255;

/// A body's encoding, its length in units and the parts it is sent in, by the rules of 3GPP
/// TS 23.040 and 23.038:
///
/// - GSM-7 when every character is in the GSM 03.38 basic or extension table
///   ([`alphabet`](super::alphabet)); a character of the extension table costs 2 septets.
///   Otherwise the whole message is UCS-2, counted in UTF-16 code units (an emoji outside the
///   Basic Multilingual Plane costs 2).
/// - One part holds 160 septets or 70 units; a longer message is split into parts of at most
///   153 septets or 67 units, and a character is never split between two parts: an escape
///   pair (`{`, `€`, ...) or a surrogate pair that does not fit moves whole to the next part.
///   So `ceil(units / 153)` can be one short: 152 × `a`, `{`, 152 × `a` is 306 septets but 3
///   parts.
///
/// Only the splitting rule of the standard applies: a grapheme cluster of several characters
/// (a flag, a ZWJ emoji sequence) may be split between parts, which the standard allows;
/// the phone reassembles the parts before it shows them. (Twilio's calculator keeps clusters
/// whole, which can count one part more when a cluster straddles a boundary.)
///
/// ```
/// use dynmark_api::sms::{Encoding, Parts};
///
/// let parts = Parts::of("Hello, this is a test message");
/// assert_eq!((parts.encoding(), parts.count(), parts.units()), (Encoding::Gsm7, 1, 29));
///
/// // One smart quote makes the whole message UCS-2: 150 characters, 3 parts instead of 1.
/// let body = format!("It’s {}", "a".repeat(145));
/// let parts = Parts::of(&body);
/// assert_eq!((parts.encoding(), parts.count()), (Encoding::Ucs2, 3));
/// assert_eq!(parts.unicode_chars()[0].character, '’');
/// assert_eq!(parts.unicode_chars()[0].position, 2);
/// ```
///
/// Computing it allocates nothing for a GSM-7 body of one part; a longer body allocates the
/// list of its part starts, a UCS-2 body the list of its characters outside GSM 03.38.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parts {
    encoding: Encoding,
    units: usize,
    /// Where parts 2, 3, ... start; empty for a message of one part.
    later_starts: Vec<PartStart>,
    /// The units of every part but the last.
    units_before_last_part: usize,
    unicode_chars: Vec<UnicodeChar>,
}

/// Where a part starts in the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PartStart {
    /// In characters (Unicode scalar values), from 0.
    pub position: usize,
    /// In bytes of the UTF-8 body, from 0: `&body[offset..]` is the rest of the body from there.
    pub offset: usize,
}

/// A character outside GSM 03.38, which makes its message UCS-2, and where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct UnicodeChar {
    /// The character.
    pub character: char,
    /// Its position in characters (Unicode scalar values), from 0.
    pub position: usize,
    /// Its position in bytes of the UTF-8 body, from 0.
    pub offset: usize,
}

impl UnicodeChar {
    /// Its code point written as `U+00EA`.
    pub fn code_point(&self) -> String {
        format!("U+{:04X}", u32::from(self.character))
    }
}

/// `'ê' (U+00EA) at character 3`: the position counted from 1, for people.
impl fmt::Display for UnicodeChar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} (U+{:04X}) at character {}",
            self.character,
            u32::from(self.character),
            self.position + 1
        )
    }
}

/// `{"character": "ê", "codePoint": "U+00EA", "position": 2}` (position from 0).
impl Serialize for UnicodeChar {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut state = serializer.serialize_struct("UnicodeChar", 3)?;
        state.serialize_field("character", &self.character)?;
        state.serialize_field("codePoint", &self.code_point())?;
        state.serialize_field("position", &self.position)?;
        state.end()
    }
}

/// The characters of `body` outside GSM 03.38, in order, with their positions; none when the
/// body can be sent as GSM-7. Allocates nothing.
pub fn unicode_chars(body: &str) -> impl Iterator<Item = UnicodeChar> + '_ {
    // Most bodies are ASCII: skip the prefix where a character is a byte.
    let ascii = body.bytes().take_while(u8::is_ascii).count();
    let (head, tail) = body.split_at(ascii);
    let head = head
        .bytes()
        .enumerate()
        .filter(|&(_, byte)| alphabet::septets(char::from(byte)).is_none())
        .map(|(at, byte)| UnicodeChar {
            character: char::from(byte),
            position: at,
            offset: at,
        });
    let tail = tail
        .char_indices()
        .enumerate()
        .filter(|&(_, (_, c))| alphabet::septets(c).is_none())
        .map(move |(position, (offset, character))| UnicodeChar {
            character,
            position: ascii + position,
            offset: ascii + offset,
        });
    head.chain(tail)
}

impl Parts {
    /// Measures `body`.
    pub fn of(body: &str) -> Parts {
        let measured = split::measure(body);
        Parts {
            encoding: measured.encoding,
            units: measured.units,
            later_starts: measured.later_starts,
            units_before_last_part: measured.units_before_last_part,
            unicode_chars: measured.unicode_chars,
        }
    }

    /// GSM-7, or UCS-2 when any character is outside GSM 03.38.
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// The number of parts the body is sent (and billed) as: 1 for an empty body. It can be
    /// more than [`MAX_PARTS`].
    pub fn count(&self) -> usize {
        1 + self.later_starts.len()
    }

    /// The body's length in its encoding's units: septets for GSM-7 (2 for a character of the
    /// extension table), UTF-16 code units for UCS-2.
    pub fn units(&self) -> usize {
        self.units
    }

    /// Where each part starts, the first at 0: `&body[start.offset..]` is the body from there.
    pub fn starts(&self) -> impl Iterator<Item = PartStart> + '_ {
        std::iter::once(PartStart {
            position: 0,
            offset: 0,
        })
        .chain(self.later_starts.iter().copied())
    }

    /// The characters that make the body UCS-2, in order, with their positions; empty for GSM-7.
    pub fn unicode_chars(&self) -> &[UnicodeChar] {
        &self.unicode_chars
    }

    /// How many more units fit in the last part before the body needs one more part (for a
    /// body of one part, up to the single-part limit of 160 or 70).
    pub fn units_left(&self) -> usize {
        if self.later_starts.is_empty() {
            self.encoding.single_part_units().saturating_sub(self.units)
        } else {
            let in_last_part = self.units - self.units_before_last_part;
            self.encoding.multipart_units() - in_last_part
        }
    }
}

/// `GSM-7, 1 part (29 septets)`, `UCS-2, 3 parts (134 UTF-16 units)`.
impl fmt::Display for Parts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.count();
        let parts = if count == 1 { "part" } else { "parts" };
        write!(
            f,
            "{}, {count} {parts} ({} {})",
            self.encoding,
            self.units,
            self.encoding.unit_name()
        )
    }
}

/// `{"encoding": "UCS-2", "parts": 3, "units": 134, "unicodeCharacters": [...]}`; the list only
/// when there is one.
impl Serialize for Parts {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let fields = if self.unicode_chars.is_empty() { 3 } else { 4 };
        let mut state = serializer.serialize_struct("Parts", fields)?;
        state.serialize_field("encoding", &self.encoding)?;
        state.serialize_field("parts", &self.count())?;
        state.serialize_field("units", &self.units)?;
        if self.unicode_chars.is_empty() {
            state.skip_field("unicodeCharacters")?;
        } else {
            state.serialize_field("unicodeCharacters", &self.unicode_chars)?;
        }
        state.end()
    }
}
