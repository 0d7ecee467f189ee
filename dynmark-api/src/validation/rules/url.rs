//! Absolute `http`/`https` URLs (`deliveryStatusUrl`).

/// `true` for an absolute URL whose scheme is `http` or `https`, written with `://`, with a
/// non-empty host, as the [`url`](::url) crate (WHATWG URL Standard) parses it; no whitespace or
/// control characters anywhere (a parser would silently strip or encode them).
///
/// `https://inbound.example.com/SmsReceipts` and `http://10.0.0.1:8080/r?x=1` are accepted;
/// `inbound.example.com/r`, `ftp://example.com`, `https://` and `http:example.com` are not.
///
/// Allocation: URLs with a plain ASCII host name (letters, digits, hyphens), an IPv6 literal, no
/// `user@` part and no unusual characters are checked by hand without allocating; any other
/// candidate is handed to `url::Url::parse`, which allocates its serialization.
pub fn is_http_url(s: &str) -> bool {
    if s.bytes()
        .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
        || s.chars().any(char::is_whitespace)
    {
        return false;
    }
    let Some(rest) = strip_scheme(s) else {
        return false;
    };
    match fast_check(rest) {
        Some(verdict) => verdict,
        None => parsed_check(s),
    }
}

/// After `http://` or `https://` (case-insensitive), or `None`.
fn strip_scheme(s: &str) -> Option<&str> {
    for scheme in ["http://", "https://"] {
        if s.len() >= scheme.len()
            && s.as_bytes()[..scheme.len()].eq_ignore_ascii_case(scheme.as_bytes())
        {
            return Some(&s[scheme.len()..]);
        }
    }
    None
}

/// The allocation-free answer for the common shapes: `Some(true)` for a URL the `url` crate is
/// certain to accept, `Some(false)` for one it is certain to refuse (no host), `None` to ask it.
fn fast_check(rest: &str) -> Option<bool> {
    if !rest.is_ascii() {
        return None;
    }
    let end = rest.find(['/', '?', '#', '\\']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    if authority.is_empty() {
        return Some(false);
    }
    if authority.contains('@') || tail.bytes().any(|b| !(0x21..0x7f).contains(&b)) {
        return None;
    }
    let (host, port) = match authority.strip_prefix('[') {
        Some(bracketed) => {
            let close = bracketed.find(']')?;
            let address = &bracketed[..close];
            address.parse::<std::net::Ipv6Addr>().ok()?;
            (address, &bracketed[close + 1..])
        }
        None => match authority.find(':') {
            Some(colon) => (&authority[..colon], &authority[colon..]),
            None => (authority, ""),
        },
    };
    if !port.is_empty() {
        let digits = port.strip_prefix(':')?;
        if digits.is_empty() || digits.len() > 5 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if digits.parse::<u32>().ok()? > 65535 {
            return Some(false);
        }
    }
    if authority.starts_with('[') {
        return Some(true);
    }
    let host = host.strip_suffix('.').unwrap_or(host);
    let mut labels = host.split('.');
    let last = labels.next_back()?;
    // A last label that starts with a digit makes the WHATWG parser read the host as IPv4.
    if last.bytes().next().is_none_or(|b| b.is_ascii_digit()) {
        return None;
    }
    // Letters, digits and inner hyphens; not a punycode label (`xn--`), which IDNA would check.
    let plain_label = |label: &str| {
        let punycode = label
            .get(..4)
            .is_some_and(|prefix| prefix.eq_ignore_ascii_case("xn--"));
        let edges_ok = !label.starts_with('-') && !label.ends_with('-');
        !label.is_empty()
            && edges_ok
            && !punycode
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    (plain_label(last) && labels.all(plain_label)).then_some(true)
}

/// The `url` crate's answer (allocates).
fn parsed_check(s: &str) -> bool {
    match ::url::Url::parse(s) {
        Ok(url) => {
            matches!(url.scheme(), "http" | "https")
                && url.host_str().is_some_and(|host| !host.is_empty())
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_and_refused() {
        for ok in [
            "https://inbound.example.com/SmsReceipts",
            "http://example.com",
            "HTTPS://Example.COM:443/a?b=c#d",
            "http://10.0.0.1:8080/r?x=1",
            "http://[::1]:80/",
            "https://bücher.example/",
            "https://user:pw@example.com/",
            "https://a_b.example.com/",
        ] {
            assert!(is_http_url(ok), "{ok}");
        }
        for bad in [
            "",
            "inbound.example.com/r",
            "ftp://example.com",
            "https://",
            "https:///path",
            "http:example.com",
            "https://exa mple.com",
            " https://example.com",
            "https://example.com/\n",
            "https://example.com:99999/",
            "https://1.2.3.999/",
            "mailto:a@b.c",
        ] {
            assert!(!is_http_url(bad), "{bad}");
        }
    }

    /// The hand-written path never contradicts the `url` crate.
    #[test]
    fn the_fast_path_agrees_with_the_url_crate() {
        let hosts = [
            "example.com",
            "a-b.c",
            "-a.com",
            "a-.com",
            "xn--bcher-kva.example",
            "xn--zz.com",
            "a..b",
            "a.1",
            "a.b1",
            "1a.com",
            "localhost",
            "[::1]",
            "[1::2::3]",
            "EXAMPLE.",
            "a_b.c",
        ];
        let ports = ["", ":", ":0", ":80", ":65535", ":65536", ":123456", ":x"];
        let tails = ["", "/", "/a?b#c", "?q", "#f", "\\x", "/%zz", "/<>"];
        for host in hosts {
            for port in ports {
                for tail in tails {
                    let url = format!("https://{host}{port}{tail}");
                    if let Some(verdict) = strip_scheme(&url).and_then(fast_check) {
                        assert_eq!(verdict, parsed_check(&url), "{url}");
                    }
                }
            }
        }
    }
}
