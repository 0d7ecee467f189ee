//! Measuring a body in one pass: its encoding, its units, where its parts start and its
//! characters outside GSM 03.38 (the rules are in [`Parts`](super::Parts)' docs).
//!
//! The pass counts both encodings at once and splits by both as it goes, since which one
//! applies is known only at the end. A list is allocated only once it is certainly needed: the
//! GSM-7 part starts once the body has passed 160 septets (only the first start can come
//! before), the UCS-2 ones once a character outside GSM 03.38 has been seen. A body whose
//! first such character comes after its second UCS-2 part start (a long GSM-7 text with an
//! emoji at the end) is split again in a second pass.

use super::{Encoding, PartStart, UnicodeChar, alphabet, unicode_chars};

/// What [`measure`] found.
pub(super) struct Measured {
    pub(super) encoding: Encoding,
    pub(super) units: usize,
    pub(super) later_starts: Vec<PartStart>,
    pub(super) units_before_last_part: usize,
    pub(super) unicode_chars: Vec<UnicodeChar>,
}

/// Measures `body`.
pub(super) fn measure(body: &str) -> Measured {
    if body.is_ascii() {
        // A character is a byte: its position is its offset.
        let chars = body
            .bytes()
            .enumerate()
            .map(|(at, byte)| (at, at, char::from(byte)));
        measure_chars(body, chars)
    } else {
        let chars = body
            .char_indices()
            .enumerate()
            .map(|(position, (offset, c))| (position, offset, c));
        measure_chars(body, chars)
    }
}

fn measure_chars(body: &str, chars: impl Iterator<Item = (usize, usize, char)>) -> Measured {
    let mut gsm7 = Splitter::new(Encoding::Gsm7, 2 * body.len());
    let mut ucs2 = Splitter::new(Encoding::Ucs2, body.len());
    let mut unicode: Option<Vec<UnicodeChar>> = None;
    for (position, offset, character) in chars {
        ucs2.push(position, offset, character.len_utf16());
        match alphabet::septets(character) {
            Some(septets) if unicode.is_none() => gsm7.push(position, offset, septets),
            Some(_) => {}
            None => {
                let list = unicode.get_or_insert_with(|| {
                    // Allocated once, at its size: count the rest first.
                    ucs2.may_allocate = true;
                    Vec::with_capacity(unicode_chars(&body[offset..]).count())
                });
                list.push(UnicodeChar {
                    character,
                    position,
                    offset,
                });
            }
        }
        if gsm7.units > Encoding::Gsm7.single_part_units() {
            gsm7.may_allocate = true;
        }
    }
    match unicode {
        None => gsm7.finish(body, Vec::new()),
        Some(unicode_chars) => ucs2.finish(body, unicode_chars),
    }
}

/// The split of one encoding, as the characters come.
struct Splitter {
    encoding: Encoding,
    limit: usize,
    /// The units so far.
    units: usize,
    in_part: usize,
    before_part: usize,
    first: Option<PartStart>,
    more: Vec<PartStart>,
    /// Whether the list of starts may be allocated now.
    may_allocate: bool,
    /// A start came when the list could not be allocated: split again at the end.
    incomplete: bool,
    /// Enough room for every start of a body of this many units.
    capacity: usize,
}

impl Splitter {
    fn new(encoding: Encoding, max_units: usize) -> Self {
        let limit = encoding.multipart_units();
        Splitter {
            encoding,
            limit,
            units: 0,
            in_part: 0,
            before_part: 0,
            first: None,
            more: Vec::new(),
            may_allocate: false,
            incomplete: false,
            // A character costs at most 2 units: every part but the last holds `limit - 1`.
            capacity: max_units / (limit - 1) + 1,
        }
    }

    #[inline]
    fn push(&mut self, position: usize, offset: usize, cost: usize) {
        self.units += cost;
        if self.in_part + cost > self.limit {
            self.start(PartStart { position, offset });
            self.before_part += self.in_part;
            self.in_part = 0;
        }
        self.in_part += cost;
    }

    #[cold]
    fn start(&mut self, start: PartStart) {
        if self.first.is_none() {
            self.first = Some(start);
            return;
        }
        if self.incomplete {
            return;
        }
        if !self.may_allocate {
            self.incomplete = true;
            return;
        }
        if self.more.is_empty() {
            self.more.reserve_exact(self.capacity);
            self.more.extend(self.first);
        }
        self.more.push(start);
    }

    fn finish(self, body: &str, unicode_chars: Vec<UnicodeChar>) -> Measured {
        let encoding = self.encoding;
        let units = self.units;
        let (later_starts, units_before_last_part) = if units <= encoding.single_part_units() {
            (Vec::new(), 0)
        } else if self.incomplete {
            split(body, encoding, units)
        } else if self.more.is_empty() {
            (self.first.into_iter().collect(), self.before_part)
        } else {
            (self.more, self.before_part)
        };
        Measured {
            encoding,
            units,
            later_starts,
            units_before_last_part,
            unicode_chars,
        }
    }
}

/// Splits a body longer than one part: where parts 2, 3, ... start, and how many units come
/// before the last part. A character that does not fit in what is left of a part starts the
/// next one (an escape pair and a surrogate pair are one character here).
fn split(body: &str, encoding: Encoding, units: usize) -> (Vec<PartStart>, usize) {
    let limit = encoding.multipart_units();
    // A character costs at most 2 units, so every part but the last holds at least `limit - 1`.
    let capacity = units / (limit - 1) + 1;
    let gsm7 = encoding == Encoding::Gsm7;
    if body.is_ascii() {
        // A character is a byte: its position is its offset.
        let costs = body.bytes().enumerate().map(|(at, byte)| {
            let cost = if gsm7 {
                alphabet::septets(char::from(byte)).unwrap_or(1)
            } else {
                1
            };
            (at, at, cost)
        });
        split_costs(costs, limit, capacity)
    } else {
        let costs = body
            .char_indices()
            .enumerate()
            .map(|(position, (offset, c))| {
                let cost = if gsm7 {
                    alphabet::septets(c).unwrap_or(1)
                } else {
                    c.len_utf16()
                };
                (position, offset, cost)
            });
        split_costs(costs, limit, capacity)
    }
}

/// The split of characters given as (position, offset, cost) into parts of at most `limit`.
fn split_costs(
    costs: impl Iterator<Item = (usize, usize, usize)>,
    limit: usize,
    capacity: usize,
) -> (Vec<PartStart>, usize) {
    let mut starts = Vec::with_capacity(capacity);
    let mut in_part = 0;
    let mut before_part = 0;
    for (position, offset, cost) in costs {
        if in_part + cost > limit {
            starts.push(PartStart { position, offset });
            before_part += in_part;
            in_part = 0;
        }
        in_part += cost;
    }
    (starts, before_part)
}
