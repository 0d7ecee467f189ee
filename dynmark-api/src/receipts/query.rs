//! Splitting and decoding a query string: `application/x-www-form-urlencoded` pairs (`+` is a
//! space, `%XX` a byte), names compared without regard to ASCII case, values checked as UTF-8.
//! Only the parameters asked for are decoded; any other is skipped unread.

use percent_encoding::percent_decode;

use super::error::ParseError;

/// The longest query string read (64 KiB): an inbound message of the longest concatenated SMS,
/// every character percent-encoded, is far shorter.
pub const MAX_QUERY_BYTES: usize = 64 * 1024;

/// The values of the parameters `names` asks for, in the same order; `None` when absent.
pub(crate) fn values(
    query: &[u8],
    names: &[&'static str],
) -> Result<Vec<Option<String>>, ParseError> {
    if query.len() > MAX_QUERY_BYTES {
        return Err(ParseError::TooLong {
            len: query.len(),
            max: MAX_QUERY_BYTES,
        });
    }
    let mut found: Vec<Option<String>> = vec![None; names.len()];
    for pair in query.split(|&b| b == b'&') {
        if pair.is_empty() {
            continue;
        }
        let (name, value) = match pair.iter().position(|&b| b == b'=') {
            Some(at) => (&pair[..at], &pair[at + 1..]),
            None => (pair, &[][..]),
        };
        // A name longer than every wanted one cannot be one: skip it without decoding.
        if name.len() > 3 * 32 {
            continue;
        }
        let name = decode(name);
        let Some(index) = names
            .iter()
            .position(|wanted| wanted.as_bytes().eq_ignore_ascii_case(&name))
        else {
            continue;
        };
        let parameter = names[index];
        if found[index].is_some() {
            return Err(ParseError::Repeated { parameter });
        }
        let value =
            String::from_utf8(decode(value)).map_err(|_| ParseError::NotUtf8 { parameter })?;
        found[index] = Some(value);
    }
    Ok(found)
}

/// Whether `query` has a parameter called `name` (any ASCII case).
pub(crate) fn has(query: &[u8], name: &str) -> bool {
    query.len() <= MAX_QUERY_BYTES
        && query.split(|&b| b == b'&').any(|pair| {
            let name_part = pair.split(|&b| b == b'=').next().unwrap_or_default();
            name_part.len() <= 3 * 32 && decode(name_part).eq_ignore_ascii_case(name.as_bytes())
        })
}

/// The query part of a request URI (after the first `?`, before any `#`); empty when none.
pub(crate) fn of_uri(uri: &str) -> &str {
    let query = uri.split_once('?').map_or("", |(_, query)| query);
    query.split_once('#').map_or(query, |(query, _)| query)
}

fn decode(raw: &[u8]) -> Vec<u8> {
    let spaced: Vec<u8> = raw
        .iter()
        .map(|&b| if b == b'+' { b' ' } else { b })
        .collect();
    percent_decode(&spaced).collect()
}

/// Appends `name=value` to a query being built, percent-encoding the value.
pub(crate) fn push(query: &mut String, name: &str, value: &str) {
    use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
    /// Everything but the unreserved characters of RFC 3986.
    const VALUE: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    if !query.is_empty() {
        query.push('&');
    }
    query.push_str(name);
    query.push('=');
    query.extend(utf8_percent_encode(value, VALUE));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_plus_and_percent_and_ignores_case_and_unknown_names() {
        let [a, b] =
            <[_; 2]>::try_from(values(b"X=%ff&A=hello+w%6Frld&b=%2B1&c", &["a", "b"]).unwrap())
                .unwrap();
        assert_eq!(a.as_deref(), Some("hello world"));
        assert_eq!(b.as_deref(), Some("+1"));
        let [c] = <[_; 1]>::try_from(values(b"c&&", &["c"]).unwrap()).unwrap();
        assert_eq!(c.as_deref(), Some(""));
    }

    #[test]
    fn repeated_and_invalid_utf8_are_errors_naming_the_parameter() {
        assert_eq!(
            values(b"a=1&A=2", &["a"]),
            Err(ParseError::Repeated { parameter: "a" })
        );
        assert_eq!(
            values(b"a=%C3%28", &["a"]),
            Err(ParseError::NotUtf8 { parameter: "a" })
        );
        let huge = vec![b'a'; MAX_QUERY_BYTES + 1];
        assert!(matches!(
            values(&huge, &["a"]),
            Err(ParseError::TooLong { .. })
        ));
    }

    #[test]
    fn the_query_of_a_uri() {
        assert_eq!(of_uri("/r/t?a=1&b=2#frag"), "a=1&b=2");
        assert_eq!(of_uri("/r/t"), "");
        assert_eq!(of_uri("https://h/p?a=?"), "a=?");
    }

    #[test]
    fn built_queries_read_back() {
        let mut query = String::new();
        push(&mut query, "a", "x y+z&=é%");
        push(&mut query, "b", "");
        let [a, b] = <[_; 2]>::try_from(values(query.as_bytes(), &["a", "b"]).unwrap()).unwrap();
        assert_eq!(a.as_deref(), Some("x y+z&=é%"));
        assert_eq!(b.as_deref(), Some(""));
    }
}
