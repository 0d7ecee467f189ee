//! [`ReceiptToken`] and [`ReceiptUrl`]: an unguessable secret in the `deliveryStatusUrl`, since
//! Dynmark signs nothing it forwards.

use std::fmt;
use std::net::IpAddr;

use base64::Engine as _;
use subtle::ConstantTimeEq as _;

/// A secret that proves a request to your receiver comes from someone who knows your
/// `deliveryStatusUrl`: Dynmark's receipts and inbound messages carry no signature, so an
/// unguessable token in the URL (over HTTPS) is the only protection a receiver has.
///
/// 32 random bytes from the operating system, written as 43 URL-safe base64 characters. Its
/// `Debug` never shows it and it has no `Display`: read it with
/// [`expose_secret`](Self::expose_secret) only to store it.
#[derive(Clone)]
pub struct ReceiptToken(String);

/// Why a token or a receipt URL was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// The operating system's random source failed.
    #[error("the operating system's random source failed: {0}")]
    Random(String),
    /// A stored token is too short to be unguessable, or has characters a URL path segment
    /// would need to encode.
    #[error(
        "a receipt token must be at least {min} characters of A-Z a-z 0-9 - _ (it has {len} characters{})",
        if *.other_characters { ", some of them others" } else { "" }
    )]
    WeakToken {
        /// The minimum.
        min: usize,
        /// Its length in characters.
        len: usize,
        /// Whether it has characters outside the allowed ones.
        other_characters: bool,
    },
    /// The base URL cannot be parsed.
    #[error("the receipt URL's base {base:?} is not an absolute URL: {reason}")]
    NotAUrl {
        /// The base given.
        base: String,
        /// What the URL parser said.
        reason: String,
    },
    /// The base URL is neither `https` nor `http` to a loopback address.
    #[error(
        "the receipt URL must use https (plain http only to a loopback address, for tests): {base:?} would send the token in the clear"
    )]
    NotHttps {
        /// The base given.
        base: String,
    },
    /// The base URL has a query or a fragment: Dynmark adds its own query.
    #[error(
        "the receipt URL's base {base:?} must have no query and no fragment: Dynmark appends its own query"
    )]
    QueryOrFragment {
        /// The base given.
        base: String,
    },
}

impl ReceiptToken {
    /// The shortest stored token [`from_secret`](Self::from_secret) accepts: 22 base64
    /// characters, 128 bits.
    pub const MIN_LEN: usize = 22;

    /// A new random token.
    ///
    /// # Errors
    ///
    /// [`TokenError::Random`] when the operating system's random source fails.
    pub fn generate() -> Result<ReceiptToken, TokenError> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|error| TokenError::Random(error.to_string()))?;
        Ok(ReceiptToken(
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes),
        ))
    }

    /// A token stored earlier (say, in your configuration, so that receipts for messages sent
    /// before a restart are still accepted).
    ///
    /// # Errors
    ///
    /// [`TokenError::WeakToken`] when it is shorter than [`MIN_LEN`](Self::MIN_LEN) or has
    /// characters other than `A-Z a-z 0-9 - _`.
    pub fn from_secret(secret: impl Into<String>) -> Result<ReceiptToken, TokenError> {
        let secret = secret.into();
        let other_characters = !secret
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        let len = secret.chars().count();
        if other_characters || len < ReceiptToken::MIN_LEN {
            return Err(TokenError::WeakToken {
                min: ReceiptToken::MIN_LEN,
                len,
                other_characters,
            });
        }
        Ok(ReceiptToken(secret))
    }

    /// The token itself, to store it. Never log it.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// Whether `candidate` is this token, compared in constant time (only the length, which is
    /// not secret, can be told from the time taken).
    pub fn matches(&self, candidate: &[u8]) -> bool {
        self.0.as_bytes().ct_eq(candidate).into()
    }
}

impl fmt::Debug for ReceiptToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ReceiptToken(<redacted>)")
    }
}

/// A `deliveryStatusUrl` ending with a [`ReceiptToken`]: `https://example.com/dynmark/TOKEN`.
/// Give it to each message with
/// `message.with_delivery_status_url(url.expose_secret())`; mount a
/// [`Receiver`](super::Receiver) with the same token at the base's path.
///
/// `Debug` and `Display` show the base and `<token>` in the token's place.
#[derive(Clone)]
pub struct ReceiptUrl {
    url: String,
    base_len: usize,
}

impl ReceiptUrl {
    /// `base`, a `/` if it does not end with one, and the token.
    ///
    /// # Errors
    ///
    /// [`TokenError::NotAUrl`], [`TokenError::NotHttps`] (plain `http://` is refused except to
    /// `localhost` or a loopback address), [`TokenError::QueryOrFragment`].
    ///
    /// ```
    /// use dynmark_api::receipts::{ReceiptToken, ReceiptUrl};
    ///
    /// let token = ReceiptToken::generate()?;
    /// let url = ReceiptUrl::new("https://example.com/dynmark/receipts", &token)?;
    /// assert_eq!(url.to_string(), "https://example.com/dynmark/receipts/<token>");
    /// assert!(url.expose_secret().ends_with(token.expose_secret()));
    /// assert!(ReceiptUrl::new("http://example.com/receipts", &token).is_err());
    /// assert!(ReceiptUrl::new("http://127.0.0.1:8080/receipts", &token).is_ok());
    /// # Ok::<(), dynmark_api::receipts::TokenError>(())
    /// ```
    pub fn new(base: &str, token: &ReceiptToken) -> Result<ReceiptUrl, TokenError> {
        let parsed = url::Url::parse(base).map_err(|error| TokenError::NotAUrl {
            base: base.to_owned(),
            reason: error.to_string(),
        })?;
        let secure = match parsed.scheme() {
            "https" => true,
            "http" => is_loopback(&parsed),
            _ => false,
        };
        if !secure {
            return Err(TokenError::NotHttps {
                base: base.to_owned(),
            });
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(TokenError::QueryOrFragment {
                base: base.to_owned(),
            });
        }
        let mut url = parsed.to_string();
        if !url.ends_with('/') {
            url.push('/');
        }
        let base_len = url.len();
        url.push_str(token.expose_secret());
        Ok(ReceiptUrl { url, base_len })
    }

    /// The whole URL, token included, for the message's `deliveryStatusUrl`. Never log it.
    pub fn expose_secret(&self) -> &str {
        &self.url
    }

    /// The URL without the token (ending with `/`): where to mount the receiver.
    pub fn base(&self) -> &str {
        &self.url[..self.base_len]
    }
}

pub(crate) fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

impl fmt::Display for ReceiptUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}<token>", self.base())
    }
}

impl fmt::Debug for ReceiptUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ReceiptUrl({:?})", format_args!("{self}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_tokens_are_long_distinct_and_never_shown() {
        let a = ReceiptToken::generate().unwrap();
        let b = ReceiptToken::generate().unwrap();
        assert_eq!(a.expose_secret().len(), 43);
        assert_ne!(a.expose_secret(), b.expose_secret());
        assert!(a.matches(a.expose_secret().as_bytes()));
        assert!(!a.matches(b.expose_secret().as_bytes()));
        assert!(!a.matches(&a.expose_secret().as_bytes()[1..]));
        let url = ReceiptUrl::new("https://example.com/hooks", &a).unwrap();
        for shown in [
            format!("{a:?}"),
            format!("{a:#?}"),
            format!("{url}"),
            format!("{url:?}"),
            format!("{url:#?}"),
        ] {
            assert!(!shown.contains(a.expose_secret()), "{shown}");
        }
        assert_eq!(
            format!("{url:?}"),
            "ReceiptUrl(https://example.com/hooks/<token>)"
        );
        assert_eq!(url.base(), "https://example.com/hooks/");
    }

    #[test]
    fn stored_tokens_must_be_strong() {
        assert!(ReceiptToken::from_secret("a".repeat(22)).is_ok());
        let short = ReceiptToken::from_secret("a".repeat(21)).unwrap_err();
        assert!(short.to_string().contains("21 characters"), "{short}");
        assert!(ReceiptToken::from_secret(format!("{}/", "a".repeat(30))).is_err());
    }

    #[test]
    fn plain_http_only_to_loopback() {
        let token = ReceiptToken::generate().unwrap();
        for base in [
            "http://127.0.0.1:9/r",
            "http://[::1]/r",
            "http://localhost/",
            "https://x.example",
        ] {
            assert!(ReceiptUrl::new(base, &token).is_ok(), "{base}");
        }
        for base in [
            "http://10.0.0.1/r",
            "http://example.com/r",
            "ftp://127.0.0.1/",
            "not a url",
            "https://x.example/?a=1",
            "https://x.example/#f",
        ] {
            let error = ReceiptUrl::new(base, &token).unwrap_err();
            assert!(!error.to_string().contains(token.expose_secret()));
        }
    }
}
