//! The two encodings a message can be sent in.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How a message's text is sent: GSM-7 when every character is in the GSM 03.38 tables
/// ([`alphabet`](super::alphabet)), otherwise UCS-2 for the whole message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Encoding {
    /// The GSM 03.38 7-bit default alphabet: 160 septets in one part, 153 in each part of a
    /// longer message; a character of the extension table costs 2 septets.
    #[serde(rename = "GSM-7")]
    Gsm7,
    /// UCS-2, counted in UTF-16 code units: 70 in one part, 67 in each part of a longer message;
    /// a character outside the Basic Multilingual Plane (most emoji) costs 2.
    #[serde(rename = "UCS-2")]
    Ucs2,
}

impl Encoding {
    /// The name as carriers and this crate's JSON write it: `"GSM-7"`, `"UCS-2"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Encoding::Gsm7 => "GSM-7",
            Encoding::Ucs2 => "UCS-2",
        }
    }

    /// How many units (septets or UTF-16 code units) a message that fits in one part may hold:
    /// 160 or 70 (140 octets).
    pub const fn single_part_units(self) -> usize {
        match self {
            Encoding::Gsm7 => 160,
            Encoding::Ucs2 => 70,
        }
    }

    /// How many units each part of a concatenated message holds: 153 or 67 (140 octets less
    /// the 6-octet user data header, 3GPP TS 23.040 §9.2.3.24.1).
    pub const fn multipart_units(self) -> usize {
        match self {
            Encoding::Gsm7 => 153,
            Encoding::Ucs2 => 67,
        }
    }

    /// What the units of this encoding are called: `"septets"` or `"UTF-16 units"`.
    pub const fn unit_name(self) -> &'static str {
        match self {
            Encoding::Gsm7 => "septets",
            Encoding::Ucs2 => "UTF-16 units",
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
