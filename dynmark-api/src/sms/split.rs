//! Measuring a body: its encoding, its units, where its parts start and its
//! characters outside GSM 03.38 (the rules are in [`Parts`](super::Parts)' docs).
//!
//! An ASCII body is measured byte by byte; any other body in one pass while it is GSM-7,
//! splitting as it goes, and once it turns out UCS-2, in a pass over the rest and a split.

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
        measure_ascii(body)
    } else {
        let chars = body
            .char_indices()
            .enumerate()
            .map(|(position, (offset, c))| (position, offset, c));
        measure_chars(body, chars)
    }
}

/// An ASCII body, the common case: a character is a byte and a UTF-16 unit, so one pass over
/// the bytes decides the encoding and the units; a body longer than one part is split in a
/// second pass.
fn measure_ascii(body: &str) -> Measured {
    let mut septets = 0;
    let mut gsm7 = true;
    for &byte in body.as_bytes() {
        match alphabet::septets(char::from(byte)) {
            Some(cost) => septets += cost,
            None => gsm7 = false,
        }
    }
    let (encoding, units, unicode_chars) = if gsm7 {
        (Encoding::Gsm7, septets, Vec::new())
    } else {
        let mut list = Vec::with_capacity(unicode_chars(body).count());
        list.extend(unicode_chars(body));
        (Encoding::Ucs2, body.len(), list)
    };
    let (later_starts, units_before_last_part) = if units > encoding.single_part_units() {
        split(body, encoding, units)
    } else {
        (Vec::new(), 0)
    };
    Measured {
        encoding,
        units,
        later_starts,
        units_before_last_part,
        unicode_chars,
    }
}

/// A body with characters beyond ASCII: one pass while it is GSM-7, splitting as it goes. At
/// the first character outside GSM 03.38 the body is UCS-2: every character before it was one
/// UTF-16 unit (the GSM 03.38 tables are all in the Basic Multilingual Plane), so the rest is
/// counted, its characters outside GSM 03.38 listed, and a body longer than one part split in
/// a second pass.
fn measure_chars(body: &str, chars: impl Iterator<Item = (usize, usize, char)>) -> Measured {
    let mut gsm7 = Splitter::new(Encoding::Gsm7, 2 * body.len());
    for (position, offset, character) in chars {
        match alphabet::septets(character) {
            Some(septets) => gsm7.push(position, offset, septets),
            None => return measure_ucs2(body, position, offset),
        }
    }
    gsm7.finish()
}

/// A body whose first character outside GSM 03.38 is at `position` (`offset` in bytes).
fn measure_ucs2(body: &str, position: usize, offset: usize) -> Measured {
    let rest = &body[offset..];
    let units = position + rest.encode_utf16().count();
    let mut list = Vec::with_capacity(unicode_chars(rest).count());
    list.extend(unicode_chars(rest).map(|unicode| UnicodeChar {
        position: position + unicode.position,
        offset: offset + unicode.offset,
        ..unicode
    }));
    let (later_starts, units_before_last_part) = if units > Encoding::Ucs2.single_part_units() {
        split(body, Encoding::Ucs2, units)
    } else {
        (Vec::new(), 0)
    };
    Measured {
        encoding: Encoding::Ucs2,
        units,
        later_starts,
        units_before_last_part,
        unicode_chars: list,
    }
}

/// The GSM-7 split, as the characters come. The list of starts is allocated at the second
/// start (the body has then passed 306 septets: more than one part if it stays GSM-7); the
/// first is kept aside, since a body of 154 to 160 septets is still one part.
struct Splitter {
    encoding: Encoding,
    limit: usize,
    /// The units so far.
    units: usize,
    in_part: usize,
    before_part: usize,
    first: Option<PartStart>,
    more: Vec<PartStart>,
    /// Enough room for every start of a body of at most this many units.
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
        if self.more.is_empty() {
            self.more.reserve_exact(self.capacity);
            self.more.extend(self.first);
        }
        self.more.push(start);
    }

    fn finish(self) -> Measured {
        let encoding = self.encoding;
        let units = self.units;
        let (later_starts, units_before_last_part) = if units <= encoding.single_part_units() {
            (Vec::new(), 0)
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
            unicode_chars: Vec::new(),
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
