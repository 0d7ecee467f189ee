//! Opt-in replacement of typographic look-alikes (smart quotes, dashes, ellipsis, Unicode
//! spaces) by GSM 03.38 characters, so that a body pasted from a word processor is sent as
//! GSM-7 instead of UCS-2.

use std::fmt;

use serde::Serialize;

use super::{Parts, UnicodeChar};

/// The look-alikes [`replace_lookalikes`] replaces: each character, what it becomes (GSM 03.38
/// text, possibly empty) and its Unicode name. Sorted by character.
///
/// | characters | become |
/// |---|---|
/// | `‘ ’ ‚ ‛ ′ ‵ ´ ʹ ʻ ʼ ˈ ＇` and the backtick | `'` |
/// | `“ ” „ ‟ ″ ‶ « » ＂` | `"` |
/// | `‹ ›` | `<` `>` |
/// | hyphen, non-breaking hyphen, figure dash, en dash, em dash, horizontal bar, minus sign, small and fullwidth hyphen-minus | `-` |
/// | `…` (horizontal ellipsis) | `...` |
/// | `․` (one dot leader) | `.` |
/// | `⁄ ∕` (fraction and division slashes) | `/` |
/// | `ˆ ˜` (modifier circumflex and small tilde) | `^` `~` (extension table: 2 septets each) |
/// | tab, no-break space, en and em quads and spaces, three-, four- and six-per-em spaces, figure, punctuation, thin and hair spaces, narrow no-break space, medium mathematical space, ideographic space | a space |
/// | line separator, paragraph separator | a line feed |
/// | soft hyphen, zero width space, word joiner, zero width no-break space (byte order mark) | nothing (they are invisible) |
///
/// Letters are never replaced (`ê` stays `ê`, `ç` stays `ç`): that would change words. Nor are
/// the zero width joiner and non-joiner, which shape emoji and scripts.
pub const LOOKALIKES: &[(char, &str, &str)] = &[
    ('\t', " ", "CHARACTER TABULATION"),
    ('`', "'", "GRAVE ACCENT"),
    ('\u{a0}', " ", "NO-BREAK SPACE"),
    ('\u{ab}', "\"", "LEFT-POINTING DOUBLE ANGLE QUOTATION MARK"),
    ('\u{ad}', "", "SOFT HYPHEN"),
    ('\u{b4}', "'", "ACUTE ACCENT"),
    ('\u{bb}', "\"", "RIGHT-POINTING DOUBLE ANGLE QUOTATION MARK"),
    ('\u{2b9}', "'", "MODIFIER LETTER PRIME"),
    ('\u{2bb}', "'", "MODIFIER LETTER TURNED COMMA"),
    ('\u{2bc}', "'", "MODIFIER LETTER APOSTROPHE"),
    ('\u{2c6}', "^", "MODIFIER LETTER CIRCUMFLEX ACCENT"),
    ('\u{2c8}', "'", "MODIFIER LETTER VERTICAL LINE"),
    ('\u{2dc}', "~", "SMALL TILDE"),
    ('\u{2000}', " ", "EN QUAD"),
    ('\u{2001}', " ", "EM QUAD"),
    ('\u{2002}', " ", "EN SPACE"),
    ('\u{2003}', " ", "EM SPACE"),
    ('\u{2004}', " ", "THREE-PER-EM SPACE"),
    ('\u{2005}', " ", "FOUR-PER-EM SPACE"),
    ('\u{2006}', " ", "SIX-PER-EM SPACE"),
    ('\u{2007}', " ", "FIGURE SPACE"),
    ('\u{2008}', " ", "PUNCTUATION SPACE"),
    ('\u{2009}', " ", "THIN SPACE"),
    ('\u{200a}', " ", "HAIR SPACE"),
    ('\u{200b}', "", "ZERO WIDTH SPACE"),
    ('\u{2010}', "-", "HYPHEN"),
    ('\u{2011}', "-", "NON-BREAKING HYPHEN"),
    ('\u{2012}', "-", "FIGURE DASH"),
    ('\u{2013}', "-", "EN DASH"),
    ('\u{2014}', "-", "EM DASH"),
    ('\u{2015}', "-", "HORIZONTAL BAR"),
    ('\u{2018}', "'", "LEFT SINGLE QUOTATION MARK"),
    ('\u{2019}', "'", "RIGHT SINGLE QUOTATION MARK"),
    ('\u{201a}', "'", "SINGLE LOW-9 QUOTATION MARK"),
    ('\u{201b}', "'", "SINGLE HIGH-REVERSED-9 QUOTATION MARK"),
    ('\u{201c}', "\"", "LEFT DOUBLE QUOTATION MARK"),
    ('\u{201d}', "\"", "RIGHT DOUBLE QUOTATION MARK"),
    ('\u{201e}', "\"", "DOUBLE LOW-9 QUOTATION MARK"),
    ('\u{201f}', "\"", "DOUBLE HIGH-REVERSED-9 QUOTATION MARK"),
    ('\u{2024}', ".", "ONE DOT LEADER"),
    ('\u{2026}', "...", "HORIZONTAL ELLIPSIS"),
    ('\u{2028}', "\n", "LINE SEPARATOR"),
    ('\u{2029}', "\n", "PARAGRAPH SEPARATOR"),
    ('\u{202f}', " ", "NARROW NO-BREAK SPACE"),
    ('\u{2032}', "'", "PRIME"),
    ('\u{2033}', "\"", "DOUBLE PRIME"),
    ('\u{2035}', "'", "REVERSED PRIME"),
    ('\u{2036}', "\"", "REVERSED DOUBLE PRIME"),
    ('\u{2039}', "<", "SINGLE LEFT-POINTING ANGLE QUOTATION MARK"),
    (
        '\u{203a}',
        ">",
        "SINGLE RIGHT-POINTING ANGLE QUOTATION MARK",
    ),
    ('\u{2044}', "/", "FRACTION SLASH"),
    ('\u{205f}', " ", "MEDIUM MATHEMATICAL SPACE"),
    ('\u{2060}', "", "WORD JOINER"),
    ('\u{2212}', "-", "MINUS SIGN"),
    ('\u{2215}', "/", "DIVISION SLASH"),
    ('\u{3000}', " ", "IDEOGRAPHIC SPACE"),
    ('\u{fe63}', "-", "SMALL HYPHEN-MINUS"),
    ('\u{feff}', "", "ZERO WIDTH NO-BREAK SPACE"),
    ('\u{ff02}', "\"", "FULLWIDTH QUOTATION MARK"),
    ('\u{ff07}', "'", "FULLWIDTH APOSTROPHE"),
    ('\u{ff0d}', "-", "FULLWIDTH HYPHEN-MINUS"),
];

/// What [`LOOKALIKES`] replaces `c` with, if anything.
pub fn lookalike(c: char) -> Option<&'static str> {
    LOOKALIKES
        .binary_search_by_key(&c, |&(from, _, _)| from)
        .ok()
        .map(|index| LOOKALIKES[index].1)
}

/// One character [`replace_lookalikes`] replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Replacement {
    /// The character that was in the body.
    pub character: char,
    /// What it became (GSM 03.38 text, empty for an invisible character).
    pub with: &'static str,
    /// Its position in the original body in characters, from 0.
    pub position: usize,
}

/// `'’' (U+2019) at character 3 → "'"`.
impl fmt::Display for Replacement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} (U+{:04X}) at character {} → {:?}",
            self.character,
            u32::from(self.character),
            self.position + 1,
            self.with
        )
    }
}

/// Why [`replace_lookalikes`] left a body as it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub enum Unchanged {
    /// The body is GSM-7 already.
    AlreadyGsm7,
    /// Characters outside GSM 03.38 without a look-alike remain ([`Replaced::remaining`]): the
    /// body would stay UCS-2, so replacing would change the text for nothing.
    StillUnicode,
    /// The body would become GSM-7 but need more parts (a UCS-2 body full of `…`, each 3
    /// septets as `...`).
    MoreParts {
        /// The parts it would need as GSM-7.
        would_need: usize,
    },
}

/// The outcome of [`replace_lookalikes`]: the body to send, what was replaced, and the parts
/// before and after. Nothing is replaced unless the whole body becomes GSM-7 in no more parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replaced {
    body: String,
    replacements: Vec<Replacement>,
    unchanged: Option<Unchanged>,
    before: Parts,
    after: Parts,
}

impl Replaced {
    /// The body to send: the new one, or the original when [`unchanged`](Self::unchanged).
    pub fn body(&self) -> &str {
        &self.body
    }

    /// The body, owned.
    pub fn into_body(self) -> String {
        self.body
    }

    /// Every character replaced, in order; empty when the body is unchanged.
    pub fn replacements(&self) -> &[Replacement] {
        &self.replacements
    }

    /// `true` when the body changed.
    pub fn changed(&self) -> bool {
        self.unchanged.is_none()
    }

    /// Why the body was left as it was, or `None` when it changed.
    pub fn unchanged(&self) -> Option<Unchanged> {
        self.unchanged
    }

    /// The original body's parts.
    pub fn before(&self) -> &Parts {
        &self.before
    }

    /// The parts of [`body`](Self::body).
    pub fn after(&self) -> &Parts {
        &self.after
    }

    /// How many parts the replacement saves (0 when unchanged).
    pub fn parts_saved(&self) -> usize {
        self.before.count() - self.after.count()
    }

    /// The characters outside GSM 03.38 of the original body that have no look-alike (why a
    /// body stayed [`Unchanged::StillUnicode`]).
    pub fn remaining(&self) -> impl Iterator<Item = &UnicodeChar> + '_ {
        self.before
            .unicode_chars()
            .iter()
            .filter(|unicode| lookalike(unicode.character).is_none())
    }
}

/// `replaced 2 look-alikes, UCS-2, 3 parts (150 UTF-16 units) → GSM-7, 1 part (150 septets): 2
/// parts saved` and one line per replacement; or why nothing changed.
impl fmt::Display for Replaced {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.unchanged {
            None => {
                let count = self.replacements.len();
                let plural = if count == 1 { "" } else { "s" };
                write!(
                    f,
                    "replaced {count} look-alike{plural}, {} → {}: {} saved",
                    self.before,
                    self.after,
                    match self.parts_saved() {
                        1 => "1 part".to_owned(),
                        saved => format!("{saved} parts"),
                    }
                )?;
                for replacement in &self.replacements {
                    write!(f, "\n  {replacement}")?;
                }
                Ok(())
            }
            Some(Unchanged::AlreadyGsm7) => {
                write!(f, "unchanged: already GSM-7, {}", self.before)
            }
            Some(Unchanged::MoreParts { would_need }) => write!(
                f,
                "unchanged: as GSM-7 it would need {would_need} parts instead of {}",
                self.before
            ),
            Some(Unchanged::StillUnicode) => {
                write!(f, "unchanged: it would stay UCS-2 because of ")?;
                for (index, unicode) in self.remaining().take(MAX_LISTED).enumerate() {
                    if index > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{unicode}")?;
                }
                let more = self.remaining().count().saturating_sub(MAX_LISTED);
                if more > 0 {
                    write!(f, " and {more} more")?;
                }
                Ok(())
            }
        }
    }
}

const MAX_LISTED: usize = 5;

/// Replaces the look-alikes of [`LOOKALIKES`] in `body` when that makes the whole body GSM-7
/// without more parts; otherwise leaves it as it was and says why. Never changes a body
/// silently: the result lists every replacement and the parts before and after.
///
/// ```
/// use dynmark_api::sms::{Encoding, replace_lookalikes};
///
/// let body = format!("It’s ready — {}", "a".repeat(140));
/// let replaced = replace_lookalikes(&body);
/// assert!(replaced.changed());
/// assert_eq!(replaced.body(), format!("It's ready - {}", "a".repeat(140)));
/// assert_eq!(replaced.after().encoding(), Encoding::Gsm7);
/// assert_eq!((replaced.before().count(), replaced.after().count()), (3, 1));
/// assert_eq!(replaced.parts_saved(), 2);
/// assert_eq!(replaced.replacements().len(), 2);
///
/// let replaced = replace_lookalikes("It’s ready 😀");
/// assert!(!replaced.changed());
/// assert_eq!(replaced.body(), "It’s ready 😀");
/// ```
pub fn replace_lookalikes(body: &str) -> Replaced {
    let before = Parts::of(body);
    if before.unicode_chars().is_empty() {
        return Replaced {
            body: body.to_owned(),
            replacements: Vec::new(),
            unchanged: Some(Unchanged::AlreadyGsm7),
            after: before.clone(),
            before,
        };
    }
    let unchanged = |unchanged, before: Parts| Replaced {
        body: body.to_owned(),
        replacements: Vec::new(),
        unchanged: Some(unchanged),
        after: before.clone(),
        before,
    };
    if before
        .unicode_chars()
        .iter()
        .any(|unicode| lookalike(unicode.character).is_none())
    {
        return unchanged(Unchanged::StillUnicode, before);
    }
    let (new_body, replacements) = replace_all(before.unicode_chars(), body);
    let after = Parts::of(&new_body);
    debug_assert_eq!(after.encoding(), super::Encoding::Gsm7);
    if after.count() > before.count() {
        let would_need = after.count();
        return unchanged(Unchanged::MoreParts { would_need }, before);
    }
    Replaced {
        body: new_body,
        replacements,
        unchanged: None,
        before,
        after,
    }
}

/// `body` with each of `unicode` that has a look-alike replaced.
fn replace_all(unicode: &[UnicodeChar], body: &str) -> (String, Vec<Replacement>) {
    let mut new_body = String::with_capacity(body.len());
    let mut replacements = Vec::with_capacity(unicode.len());
    let mut copied = 0;
    for unicode in unicode {
        let Some(with) = lookalike(unicode.character) else {
            continue;
        };
        new_body.push_str(&body[copied..unicode.offset]);
        new_body.push_str(with);
        copied = unicode.offset + unicode.character.len_utf8();
        replacements.push(Replacement {
            character: unicode.character,
            with,
            position: unicode.position,
        });
    }
    new_body.push_str(&body[copied..]);
    (new_body, replacements)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sms::alphabet;

    #[test]
    fn the_table_is_sorted_and_maps_non_gsm7_to_gsm7() {
        for pair in LOOKALIKES.windows(2) {
            assert!(pair[0].0 < pair[1].0, "{:?} before {:?}", pair[0], pair[1]);
        }
        for &(from, to, name) in LOOKALIKES {
            assert!(!alphabet::is_gsm7_char(from), "{name} is GSM-7 already");
            assert!(to.chars().all(alphabet::is_gsm7_char), "{name} → {to:?}");
            assert_eq!(lookalike(from), Some(to));
        }
        assert_eq!(lookalike('a'), None);
        assert_eq!(lookalike('ç'), None);
    }
}
