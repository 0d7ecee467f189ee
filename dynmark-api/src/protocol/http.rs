//! The plain data a shell moves: the request to send and the response it got, and the endpoint
//! (base URL, credentials, user agent, body bound) a request is built for.

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use bytes::Bytes;

use crate::credentials::Credentials;
use crate::error::BuildError;
use crate::operation::{BatchOperation, Method};
use crate::protocol::body::DEFAULT_MAX_RESPONSE_BODY;
use crate::redact::Redactor;

/// Dynmark's production service.
pub const DEFAULT_BASE_URL: &str = "https://services.dynmark.com";

/// The `User-Agent` sent unless another is set: `dynmark-api/<version>`.
pub const DEFAULT_USER_AGENT: &str = concat!("dynmark-api/", env!("CARGO_PKG_VERSION"));

/// The paths of the operations, which a base URL must not already end with.
const OPERATION_PATHS: &[&str] = &[<crate::operations::SendMessages as BatchOperation>::PATH];

/// A checked base URL: `https://...`, or `http://...` only for a loopback host (`127.0.0.0/8`,
/// `::1`, `localhost`) or when explicitly allowed; no credentials, query or fragment in it, and
/// not already ending with an operation's path (the service's root only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl(String);

impl BaseUrl {
    /// Checks `url`; `allow_http` permits plain `http://` to a host that is not loopback.
    ///
    /// ```
    /// use dynmark_api::protocol::BaseUrl;
    /// assert!(BaseUrl::parse("https://services.dynmark.com", false).is_ok());
    /// assert!(BaseUrl::parse("http://127.0.0.1:8080", false).is_ok());
    /// assert!(BaseUrl::parse("http://sms.example.com", false).is_err());
    /// assert!(BaseUrl::parse("http://sms.example.com", true).is_ok());
    /// ```
    pub fn parse(url: &str, allow_http: bool) -> Result<BaseUrl, BuildError> {
        let invalid = |reason: &str| BuildError::InvalidBaseUrl {
            reason: reason.to_owned(),
        };
        let parsed = url::Url::parse(url.trim()).map_err(|e| BuildError::InvalidBaseUrl {
            reason: e.to_string(),
        })?;
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(invalid(
                "it must not contain credentials: use `credentials(username, password)`",
            ));
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(invalid("it must not have a query or a fragment"));
        }
        let host = match parsed.host() {
            Some(host) => host,
            None => return Err(invalid("it has no host")),
        };
        let loopback = match host {
            url::Host::Domain(domain) => domain.eq_ignore_ascii_case("localhost"),
            url::Host::Ipv4(ip) => IpAddr::V4(ip).is_loopback(),
            url::Host::Ipv6(ip) => IpAddr::V6(ip).is_loopback(),
        };
        match parsed.scheme() {
            "https" => {}
            "http" if loopback || allow_http => {}
            "http" => {
                return Err(BuildError::InsecureBaseUrl {
                    host: host.to_string(),
                });
            }
            _ => return Err(invalid("its scheme must be https (or http)")),
        }
        let path = parsed.path().trim_end_matches('/');
        for operation in OPERATION_PATHS {
            let tail = path
                .len()
                .checked_sub(operation.len())
                .and_then(|start| path.get(start..));
            if tail.is_some_and(|tail| tail.eq_ignore_ascii_case(operation)) {
                return Err(BuildError::InvalidBaseUrl {
                    reason: format!(
                        "its path already ends with the operation path `{operation}`: give only \
                         the service's root (e.g. {DEFAULT_BASE_URL}); each call adds its own path"
                    ),
                });
            }
        }
        Ok(BaseUrl(parsed.as_str().trim_end_matches('/').to_owned()))
    }

    /// The URL, without a trailing `/`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `true` for a loopback host.
    pub fn is_loopback(&self) -> bool {
        url::Url::parse(&self.0).is_ok_and(|url| match url.host() {
            Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        })
    }
}

impl Default for BaseUrl {
    fn default() -> Self {
        BaseUrl(DEFAULT_BASE_URL.to_owned())
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where and as whom calls go: base URL, credentials, user agent, and the bound on response
/// bodies. Builds requests ([`request`](Self::request)) and reads responses
/// ([`parse_response`](Self::parse_response)); does no I/O.
#[derive(Debug, Clone)]
pub struct Endpoint {
    base_url: BaseUrl,
    credentials: Credentials,
    redactor: Redactor,
    user_agent: String,
    max_response_body: usize,
}

impl Endpoint {
    /// An endpoint with the default user agent and body bound (4 MiB).
    pub fn new(base_url: BaseUrl, credentials: Credentials) -> Self {
        Endpoint {
            base_url,
            redactor: Redactor::new(&credentials),
            credentials,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            max_response_body: DEFAULT_MAX_RESPONSE_BODY,
        }
    }

    /// Sets the `User-Agent`.
    pub fn with_user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Sets the largest response body read, in bytes.
    pub fn with_max_response_body(mut self, bytes: usize) -> Self {
        self.max_response_body = bytes;
        self
    }

    /// The base URL.
    pub fn base_url(&self) -> &BaseUrl {
        &self.base_url
    }

    /// The credentials.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// The redaction step for every text from the network quoted in an error or a report (see
    /// [`redact`](crate::redact)).
    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    /// The `User-Agent`.
    pub fn user_agent(&self) -> &str {
        &self.user_agent
    }

    /// The largest response body read, in bytes.
    pub fn max_response_body(&self) -> usize {
        self.max_response_body
    }
}

/// An HTTP request, ready to send.
///
/// `Debug` hides the `Authorization` value and shows only the body's length.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// The method.
    pub method: Method,
    /// The absolute URL.
    pub url: String,
    /// Header (name, value) pairs; names are lowercase.
    pub headers: Vec<(&'static str, String)>,
    /// The body (JSON).
    pub body: Bytes,
}

impl HttpRequest {
    /// The value of the first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// `true` for a header whose value is a secret (`Authorization`): a shell marks it sensitive
    /// for its HTTP library, and nothing prints it.
    pub fn is_sensitive(name: &str) -> bool {
        name.eq_ignore_ascii_case("authorization")
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Headers<'a>(&'a [(&'static str, String)]);
        impl fmt::Debug for Headers<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut list = f.debug_list();
                for (name, value) in self.0 {
                    if HttpRequest::is_sensitive(name) {
                        list.entry(&(name, crate::redact::REDACTED));
                    } else {
                        list.entry(&(name, value));
                    }
                }
                list.finish()
            }
        }
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &Headers(&self.headers))
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .finish()
    }
}

/// An HTTP response, as read by a shell (the body already bounded by a
/// [`BodyBuffer`](crate::protocol::BodyBuffer)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The body.
    pub body: Bytes,
    /// The wait the `Retry-After` header asked for (see
    /// [`parse_retry_after`](crate::protocol::parse_retry_after)), if any.
    pub retry_after: Option<Duration>,
}

impl HttpResponse {
    /// A response (without `Retry-After`: see [`with_retry_after`](Self::with_retry_after)).
    pub fn new(status: u16, content_type: Option<String>, body: impl Into<Bytes>) -> Self {
        HttpResponse {
            status,
            content_type,
            body: body.into(),
            retry_after: None,
        }
    }

    /// With the wait its `Retry-After` header asked for.
    pub fn with_retry_after(mut self, retry_after: Option<Duration>) -> Self {
        self.retry_after = retry_after;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_accepts_https_and_loopback_http() {
        for url in [
            "https://services.dynmark.com",
            "https://services.dynmark.com/",
            "http://127.0.0.1:1234",
            "http://127.8.9.10",
            "http://[::1]:80/",
            "http://localhost:8080",
        ] {
            let parsed = BaseUrl::parse(url, false).unwrap();
            assert!(!parsed.as_str().ends_with('/'), "{parsed}");
        }
        assert!(
            BaseUrl::parse("http://127.0.0.1:1234", false)
                .unwrap()
                .is_loopback()
        );
        assert!(!BaseUrl::default().is_loopback());
        assert_eq!(
            BaseUrl::parse("https://proxy.example/dynmark/", false)
                .unwrap()
                .as_str(),
            "https://proxy.example/dynmark"
        );
    }

    #[test]
    fn base_url_refuses_plain_http_to_other_hosts_unless_allowed() {
        let error = BaseUrl::parse("http://services.dynmark.com", false).unwrap_err();
        assert!(
            matches!(error, BuildError::InsecureBaseUrl { ref host } if host == "services.dynmark.com")
        );
        assert!(BaseUrl::parse("http://10.0.0.1", false).is_err());
        assert!(BaseUrl::parse("http://localhost.example.com", false).is_err());
        assert!(BaseUrl::parse("http://services.dynmark.com", true).is_ok());
    }

    #[test]
    fn base_url_refuses_credentials_without_repeating_them() {
        let error =
            BaseUrl::parse("https://alice:hunter22@services.dynmark.com", false).unwrap_err();
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains("hunter22"), "{shown}");
        assert!(matches!(error, BuildError::InvalidBaseUrl { .. }));
    }

    #[test]
    fn base_url_refuses_junk() {
        for url in [
            "",
            "services.dynmark.com",
            "ftp://services.dynmark.com",
            "https://services.dynmark.com/?a=b",
            "https://services.dynmark.com/#x",
            "mailto:someone@example.com",
        ] {
            assert!(
                matches!(
                    BaseUrl::parse(url, true),
                    Err(BuildError::InvalidBaseUrl { .. })
                ),
                "{url}"
            );
        }
    }

    #[test]
    fn base_url_refuses_an_operation_path() {
        for url in [
            "https://services.dynmark.com/webapi/message/send",
            "https://services.dynmark.com/webapi/message/send/",
            "https://services.dynmark.com/WebApi/Message/Send",
            "https://proxy.example/dynmark/webapi/message/send",
            "http://127.0.0.1:8080/webapi/message/send",
        ] {
            let error = BaseUrl::parse(url, false).unwrap_err();
            assert_eq!(
                error.to_string(),
                "invalid base URL: its path already ends with the operation path \
                 `/webapi/message/send`: give only the service's root (e.g. \
                 https://services.dynmark.com); each call adds its own path",
                "{url}"
            );
        }
        for url in [
            "https://services.dynmark.com/webapi",
            "https://services.dynmark.com/webapi/message",
            "https://proxy.example/send",
        ] {
            assert!(BaseUrl::parse(url, false).is_ok(), "{url}");
        }
    }

    #[test]
    fn request_debug_hides_the_authorization_header() {
        let request = HttpRequest {
            method: Method::Post,
            url: "https://services.dynmark.com/webapi/message/send".into(),
            headers: vec![
                ("content-type", "application/json".into()),
                ("authorization", "Basic c2VjcmV0OnNlY3JldA==".into()),
            ],
            body: Bytes::from_static(b"[]"),
        };
        let shown = format!("{request:?} {request:#?}");
        assert!(!shown.contains("c2VjcmV0OnNlY3JldA=="), "{shown}");
        assert!(shown.contains("<redacted>"));
        assert!(shown.contains("application/json"));
        assert!(shown.contains("<2 bytes>"));
        assert_eq!(
            request.header("Authorization"),
            Some("Basic c2VjcmV0OnNlY3JldA==")
        );
    }
}
