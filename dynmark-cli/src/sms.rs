//! A message's encoding and number of parts, as the report and the dry run show them.
//!
//! Stand-in with the same shape as `dynmark_api::sms::{Encoding, Parts}` (issue 10), which this
//! module becomes a re-export of once that lands.

use std::fmt;

use dynmark_api::validation::rules::is_gsm7_char;

/// How a message's text is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// The GSM 03.38 alphabet, 7 bits a character.
    Gsm7,
    /// UTF-16, 16 bits a code unit.
    Ucs2,
}

impl Encoding {
    /// `GSM-7` or `UCS-2`.
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Gsm7 => "GSM-7",
            Encoding::Ucs2 => "UCS-2",
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a body is sent: its encoding and its number of parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parts {
    encoding: Encoding,
    count: usize,
}

impl Parts {
    /// The parts of `body`: one of 160 septets (GSM-7) or 70 code units (UCS-2), else parts of
    /// 153 or 67 that never split an escape sequence or a surrogate pair.
    pub fn of(body: &str) -> Parts {
        let gsm7 = body.chars().all(is_gsm7_char);
        let (encoding, single, part) = if gsm7 {
            (Encoding::Gsm7, 160, 153)
        } else {
            (Encoding::Ucs2, 70, 67)
        };
        let cost = |c: char| match encoding {
            Encoding::Gsm7
                if matches!(
                    c,
                    '\x0C' | '^' | '{' | '}' | '\\' | '[' | '~' | ']' | '|' | '€'
                ) =>
            {
                2
            }
            Encoding::Gsm7 => 1,
            Encoding::Ucs2 => c.len_utf16(),
        };
        let total: usize = body.chars().map(cost).sum();
        let count = if total <= single {
            1
        } else {
            let (mut count, mut used) = (1, 0);
            for c in body.chars() {
                let c = cost(c);
                if used + c > part {
                    count += 1;
                    used = 0;
                }
                used += c;
            }
            count
        };
        Parts { encoding, count }
    }

    /// The encoding.
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// How many parts.
    pub fn count(&self) -> usize {
        self.count
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_at_the_boundaries() {
        let a = |n| "a".repeat(n);
        assert_eq!(Parts::of(&a(160)).count(), 1);
        assert_eq!(Parts::of(&a(161)).count(), 2);
        assert_eq!(Parts::of(&format!("{}{{", a(159))).count(), 2);
        assert_eq!(Parts::of(&format!("{}{{{}", a(152), a(152))).count(), 3);
        let ucs2 = Parts::of(&format!("{}😀{}", a(66), a(66)));
        assert_eq!((ucs2.encoding(), ucs2.count()), (Encoding::Ucs2, 3));
        assert_eq!(Parts::of("Hello").encoding().to_string(), "GSM-7");
    }
}
