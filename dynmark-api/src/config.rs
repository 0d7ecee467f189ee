//! The settings both clients share, and the builder methods that set them (generated for
//! [`ClientBuilder`](crate::ClientBuilder) and `blocking::ClientBuilder` alike, so the two
//! builders cannot drift apart).

use std::time::Duration;

use crate::credentials::Credentials;
use crate::error::{BuildError, TransportError};
use crate::protocol::{
    BaseUrl, BatchOptions, DEFAULT_BASE_URL, DEFAULT_MAX_RESPONSE_BODY, DEFAULT_USER_AGENT,
    Endpoint, RetryPolicy,
};

/// The default timeout of one call, connection to last byte: 130 s, as in Dynmark's own C#
/// example (a 250-message call can take the service a while).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(130);

/// How long connecting (TCP and TLS) may take at most, by default
/// ([`connect_timeout`](crate::ClientBuilder::connect_timeout)); never more than the call's
/// timeout.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// The default number of calls in flight at once.
pub const DEFAULT_CALLS_IN_FLIGHT: usize = 4;

/// `DYNMARK_USERNAME`
pub const ENV_USERNAME: &str = "DYNMARK_USERNAME";
/// `DYNMARK_PASSWORD`
pub const ENV_PASSWORD: &str = "DYNMARK_PASSWORD";
/// `DYNMARK_BASE_URL` (optional)
pub const ENV_BASE_URL: &str = "DYNMARK_BASE_URL";

#[derive(Debug)]
pub(crate) struct Config {
    pub(crate) error: Option<BuildError>,
    pub(crate) credentials: Option<Credentials>,
    pub(crate) base_url: String,
    pub(crate) allow_http: bool,
    pub(crate) timeout: Duration,
    pub(crate) user_agent: String,
    pub(crate) batch_size: Option<usize>,
    pub(crate) calls_in_flight: usize,
    pub(crate) validate: bool,
    pub(crate) max_response_body: usize,
    pub(crate) connect_timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) http_client: Option<reqwest::Client>,
    pub(crate) send_deadline: Option<Duration>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            error: None,
            credentials: None,
            base_url: DEFAULT_BASE_URL.to_owned(),
            allow_http: false,
            timeout: DEFAULT_TIMEOUT,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            batch_size: None,
            calls_in_flight: DEFAULT_CALLS_IN_FLIGHT,
            validate: true,
            max_response_body: DEFAULT_MAX_RESPONSE_BODY,
            connect_timeout: CONNECT_TIMEOUT,
            retry: RetryPolicy::default(),
            http_client: None,
            send_deadline: None,
        }
    }
}

/// A checked configuration.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) endpoint: Endpoint,
    pub(crate) timeout: Duration,
    pub(crate) options: BatchOptions,
    pub(crate) calls_in_flight: usize,
    /// At most the call's timeout.
    pub(crate) connect_timeout: Duration,
    pub(crate) retry: RetryPolicy,
    /// The user's own HTTP client, if one was given.
    pub(crate) http_client: Option<reqwest::Client>,
    /// How long a whole send may take to start its calls, from its start.
    pub(crate) send_deadline: Option<Duration>,
}

impl Settings {
    /// The async HTTP client calls go through: the user's own
    /// ([`http_client`](crate::ClientBuilder::http_client)), else one built from the settings:
    /// rustls with webpki's roots (and the system's, with feature `native-roots`), the call's
    /// timeout, the connect timeout, no redirects, none of reqwest's retries (the clients retry
    /// themselves, see [`retry`](crate::protocol::retry)), a pool as large as the calls in
    /// flight, no proxy for a loopback base URL.
    pub(crate) fn async_http(&self) -> Result<reqwest::Client, BuildError> {
        if let Some(http) = &self.http_client {
            return Ok(http.clone());
        }
        let mut http = reqwest::Client::builder()
            .use_rustls_tls()
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .retry(reqwest::retry::never())
            .pool_max_idle_per_host(self.calls_in_flight);
        if self.endpoint.base_url().is_loopback() {
            http = http.no_proxy();
        }
        http.build().map_err(|e| BuildError::Http {
            source: TransportError::new(e),
        })
    }
}

impl Config {
    pub(crate) fn load_env(self) -> Self {
        self.load_vars(|name| std::env::var(name))
    }

    /// [`load_env`](Self::load_env) with `var` in place of `std::env::var`.
    fn load_vars(mut self, var: impl Fn(&str) -> Result<String, std::env::VarError>) -> Self {
        let read = |name: &'static str| match var(name) {
            Ok(value) if !value.is_empty() => Ok(Some(value)),
            Ok(_) | Err(std::env::VarError::NotPresent) => Ok(None),
            Err(std::env::VarError::NotUnicode(_)) => Err(BuildError::InvalidEnv { name }),
        };
        let loaded = (|| {
            let username =
                read(ENV_USERNAME)?.ok_or(BuildError::MissingEnv { name: ENV_USERNAME })?;
            let password =
                read(ENV_PASSWORD)?.ok_or(BuildError::MissingEnv { name: ENV_PASSWORD })?;
            Ok((Credentials::new(username, password), read(ENV_BASE_URL)?))
        })();
        match loaded {
            Ok((credentials, base_url)) => {
                self.credentials = Some(credentials);
                if let Some(base_url) = base_url {
                    self.base_url = base_url;
                }
            }
            Err(error) => {
                self.error.get_or_insert(error);
            }
        }
        self
    }

    pub(crate) fn check(self) -> Result<Settings, BuildError> {
        if let Some(error) = self.error {
            return Err(error);
        }
        let credentials = self.credentials.ok_or(BuildError::MissingCredentials)?;
        check_username(credentials.username())?;
        let base_url = BaseUrl::parse(&self.base_url, self.allow_http)?;
        if self.calls_in_flight == 0 {
            return Err(BuildError::InvalidSetting {
                name: "calls_in_flight",
                reason: "must be at least 1",
            });
        }
        if self.batch_size == Some(0) {
            return Err(BuildError::InvalidSetting {
                name: "batch_size",
                reason: "must be at least 1",
            });
        }
        if self.connect_timeout.is_zero() {
            return Err(BuildError::InvalidSetting {
                name: "connect_timeout",
                reason: "must be more than zero",
            });
        }
        if self.timeout.is_zero() {
            return Err(BuildError::InvalidSetting {
                name: "timeout",
                reason: "must be more than zero",
            });
        }
        if reqwest::header::HeaderValue::from_str(&self.user_agent).is_err() {
            return Err(BuildError::InvalidSetting {
                name: "user_agent",
                reason: "must be visible ASCII (a valid header value)",
            });
        }
        let endpoint = Endpoint::new(base_url, credentials)
            .with_user_agent(self.user_agent)
            .with_max_response_body(self.max_response_body);
        Ok(Settings {
            endpoint,
            timeout: self.timeout,
            options: BatchOptions {
                validate: self.validate,
                call_size: self.batch_size.unwrap_or(usize::MAX),
            },
            calls_in_flight: self.calls_in_flight,
            connect_timeout: self.connect_timeout.min(self.timeout),
            retry: self.retry,
            http_client: self.http_client,
            send_deadline: self.send_deadline,
        })
    }
}

/// HTTP Basic authentication (RFC 7617) sends `username:password`: the username must not be
/// empty, and cannot contain `:` (the service would split it there).
fn check_username(username: &str) -> Result<(), BuildError> {
    if username.is_empty() {
        return Err(BuildError::InvalidUsername {
            reason: "it is empty",
        });
    }
    if username.contains(':') {
        return Err(BuildError::InvalidUsername {
            reason: "it contains ':', which HTTP Basic authentication (RFC 7617) cannot carry in a username",
        });
    }
    Ok(())
}

/// The setters of a client builder (`self.config` is a [`Config`]).
macro_rules! builder_methods {
    () => {
        /// The account to send as (HTTP Basic authentication). Required, unless
        /// [`load_env`](Self::load_env) finds it. `build` refuses an empty username, and one
        /// that contains `:` (HTTP Basic authentication cannot carry it).
        pub fn credentials(
            mut self,
            username: impl Into<String>,
            password: impl Into<String>,
        ) -> Self {
            self.config.credentials = Some($crate::Credentials::new(username, password));
            self
        }

        /// Reads `DYNMARK_USERNAME` and `DYNMARK_PASSWORD` (both required), and
        /// `DYNMARK_BASE_URL` (optional). A missing variable makes `build` fail.
        pub fn load_env(mut self) -> Self {
            self.config = self.config.load_env();
            self
        }

        /// The service's base URL; default `https://services.dynmark.com`. A plain `http://`
        /// URL is refused unless its host is loopback or [`allow_http`](Self::allow_http) is
        /// set.
        pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
            self.config.base_url = base_url.into();
            self
        }

        /// Allows a plain `http://` base URL to a host that is not loopback (credentials then
        /// cross the network unencrypted). Default `false`.
        pub fn allow_http(mut self, allow: bool) -> Self {
            self.config.allow_http = allow;
            self
        }

        /// The longest one call may take, from connecting to the answer's last byte; default
        /// 130 s ([`DEFAULT_TIMEOUT`](crate::DEFAULT_TIMEOUT)). A call that times out is not
        /// retried: the service may have received it.
        pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
            self.config.timeout = timeout;
            self
        }

        /// The `User-Agent` header; default `dynmark-api/<version>`.
        pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
            self.config.user_agent = user_agent.into();
            self
        }

        /// At most this many items per call; default, and upper bound, the operation's limit
        /// (250 messages for `send`, as Dynmark recommends).
        pub fn batch_size(mut self, items: usize) -> Self {
            self.config.batch_size = Some(items);
            self
        }

        /// How many calls may be in flight at once; default 4.
        pub fn calls_in_flight(mut self, calls: usize) -> Self {
            self.config.calls_in_flight = calls;
            self
        }

        /// Whether to validate items locally before sending (default `true`): an invalid item
        /// is reported as rejected by the client and is not sent.
        pub fn validate_locally(mut self, validate: bool) -> Self {
            self.config.validate = validate;
            self
        }

        /// How long connecting (TCP and TLS, through a proxy if any) may take at most; default
        /// 30 s ([`CONNECT_TIMEOUT`](crate::CONNECT_TIMEOUT)), never more than
        /// [`timeout`](Self::timeout). Not used with your own
        /// [`http_client`](crate::ClientBuilder::http_client): set it on that client.
        pub fn connect_timeout(mut self, timeout: std::time::Duration) -> Self {
            self.config.connect_timeout = timeout;
            self
        }

        /// Which failed calls are sent again, how often, how long apart; default
        /// [`RetryPolicy::default`](crate::protocol::RetryPolicy): up to 3 attempts, only for
        /// calls that provably did not reach the service (connection refused, HTTP/2
        /// `REFUSED_STREAM` or `GOAWAY`) and `429`s, honouring `Retry-After`. Never a timeout,
        /// a reset after the request went out, or a 5xx: see
        /// [`protocol::retry`](crate::protocol::retry) for why.
        /// [`RetryPolicy::never`](crate::protocol::RetryPolicy::never) turns retries off.
        pub fn retry_policy(mut self, policy: $crate::protocol::RetryPolicy) -> Self {
            self.config.retry = policy;
            self
        }

        /// A deadline for every send, counted from its start (default: none). Once it has
        /// passed no further call starts; calls in flight end within their own
        /// [`timeout`](Self::timeout), and the messages whose calls never started are reported
        /// [`DeadlinePassed`](crate::NotSentReason::DeadlinePassed), safe to send again. So a
        /// send takes at most this plus one call's timeout. A send can set its own
        /// ([`Sending::deadline`](crate::Sending::deadline)).
        pub fn send_deadline(mut self, deadline: std::time::Duration) -> Self {
            self.config.send_deadline = Some(deadline);
            self
        }

        /// The largest response body read, in bytes; default 4 MiB. A larger answer fails its
        /// call with [`CallError::BodyTooLarge`](crate::CallError::BodyTooLarge).
        pub fn max_response_body(mut self, bytes: usize) -> Self {
            self.config.max_response_body = bytes;
            self
        }
    };
}

pub(crate) use builder_methods;

/// The setter of the user's own HTTP client (`self.config` is a [`Config`]); for the async
/// builder (and, once it is a shell over the async client, the blocking one).
macro_rules! http_client_method {
    () => {
        /// Sends through your own `reqwest::Client` (a proxy, a pool shared with the rest of
        /// your application, your TLS roots or client certificate, HTTP/2 settings) instead of
        /// one built from these settings.
        ///
        /// Still set on every request: the method and URL, the headers (`Content-Type`,
        /// `Accept`, `Authorization`, marked sensitive, and `User-Agent`, which replace
        /// your client's defaults of the same name), the body, and the call's
        /// [`timeout`](Self::timeout). Still done by this crate: validation, splitting into
        /// calls, the body bound ([`max_response_body`](Self::max_response_body)), the
        /// [`retry_policy`](Self::retry_policy), redaction, the report.
        ///
        /// No longer guaranteed, as they are your client's settings:
        /// [`connect_timeout`](Self::connect_timeout) (unused), TLS (its roots and backend;
        /// `native-roots` has no effect on it), proxies (a loopback base URL is no longer
        /// exempted), the pool size (no longer matched to
        /// [`calls_in_flight`](Self::calls_in_flight)), redirects (build it with
        /// `redirect(reqwest::redirect::Policy::none())`: a followed `307` sends the call
        /// again elsewhere), and reqwest's own retries (build it with
        /// `retry(reqwest::retry::never())`, or a call it retried counts as one attempt: it
        /// retries only unprocessed HTTP/2 streams, which is safe). `http://` to a host that
        /// is not loopback is still refused unless [`allow_http`](Self::allow_http).
        pub fn http_client(mut self, client: reqwest::Client) -> Self {
            self.config.http_client = Some(client);
            self
        }
    };
}

pub(crate) use http_client_method;

#[cfg(test)]
mod tests {
    use std::env::VarError;

    use super::*;

    fn vars(
        pairs: &'static [(&'static str, &'static str)],
    ) -> impl Fn(&str) -> Result<String, VarError> {
        move |name| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
                .ok_or(VarError::NotPresent)
        }
    }

    #[test]
    fn reads_credentials_and_base_url_from_the_environment() {
        let settings = Config::default()
            .load_vars(vars(&[
                (ENV_USERNAME, "alice"),
                (ENV_PASSWORD, "pa55"),
                (ENV_BASE_URL, "http://127.0.0.1:9999/"),
            ]))
            .check()
            .unwrap();
        assert_eq!(settings.endpoint.credentials().username(), "alice");
        assert_eq!(settings.endpoint.credentials().password(), "pa55");
        assert_eq!(
            settings.endpoint.base_url().as_str(),
            "http://127.0.0.1:9999"
        );
        assert_eq!(settings.timeout, DEFAULT_TIMEOUT);
        assert_eq!(settings.calls_in_flight, DEFAULT_CALLS_IN_FLIGHT);
    }

    #[test]
    fn the_base_url_variable_is_optional() {
        let settings = Config::default()
            .load_vars(vars(&[
                (ENV_USERNAME, "alice"),
                (ENV_PASSWORD, "pa55"),
                (ENV_BASE_URL, ""),
            ]))
            .check()
            .unwrap();
        assert_eq!(settings.endpoint.base_url().as_str(), DEFAULT_BASE_URL);
    }

    #[test]
    fn missing_or_empty_credentials_are_errors() {
        let error = Config::default()
            .load_vars(vars(&[(ENV_PASSWORD, "pa55")]))
            .check()
            .unwrap_err();
        assert!(matches!(
            error,
            BuildError::MissingEnv { name: ENV_USERNAME }
        ));
        let error = Config::default()
            .load_vars(vars(&[(ENV_USERNAME, "alice"), (ENV_PASSWORD, "")]))
            .check()
            .unwrap_err();
        assert!(matches!(
            error,
            BuildError::MissingEnv { name: ENV_PASSWORD }
        ));
        assert_eq!(
            error.to_string(),
            "environment variable DYNMARK_PASSWORD is not set"
        );
        let error = Config::default()
            .load_vars(|_| Err(VarError::NotUnicode("\u{fffd}".into())))
            .check()
            .unwrap_err();
        assert!(matches!(
            error,
            BuildError::InvalidEnv { name: ENV_USERNAME }
        ));
    }

    #[test]
    fn usernames_basic_authentication_cannot_carry_are_refused() {
        let with = |username: &str| {
            Config {
                credentials: Some(Credentials::new(username, "pa:ss-w0rd")),
                ..Config::default()
            }
            .check()
        };
        for username in ["", "ann:x", ":", "ann:"] {
            let error = with(username).unwrap_err();
            assert!(
                matches!(error, BuildError::InvalidUsername { .. }),
                "{username:?}: {error:?}"
            );
            let shown = format!("{error} {error:?}");
            assert!(!shown.contains("pa:ss-w0rd"), "{shown}");
        }
        assert_eq!(
            with("").unwrap_err().to_string(),
            "invalid username: it is empty"
        );
        assert_eq!(
            with("ann:x").unwrap_err().to_string(),
            "invalid username: it contains ':', which HTTP Basic authentication (RFC 7617) cannot carry in a username"
        );
        // A ':' in the password is fine: the first ':' separates the two.
        assert!(with("ann").is_ok());
        // From the environment too.
        let error = Config::default()
            .load_vars(vars(&[(ENV_USERNAME, "ann:x"), (ENV_PASSWORD, "pa55")]))
            .check()
            .unwrap_err();
        assert!(matches!(error, BuildError::InvalidUsername { .. }));
    }

    #[test]
    fn an_insecure_base_url_from_the_environment_is_refused() {
        let error = Config::default()
            .load_vars(vars(&[
                (ENV_USERNAME, "alice"),
                (ENV_PASSWORD, "pa55"),
                (ENV_BASE_URL, "http://sms.example.com"),
            ]))
            .check()
            .unwrap_err();
        assert!(matches!(error, BuildError::InsecureBaseUrl { .. }));
    }

    #[test]
    fn settings_are_checked() {
        let with = |config: Config| {
            Config {
                credentials: Some(Credentials::new("u", "p")),
                ..config
            }
            .check()
        };
        assert!(with(Config::default()).is_ok());
        assert!(matches!(
            Config::default().check(),
            Err(BuildError::MissingCredentials)
        ));
        assert!(
            with(Config {
                user_agent: "bad\nagent".into(),
                ..Config::default()
            })
            .is_err()
        );
        let error = with(Config {
            connect_timeout: Duration::ZERO,
            ..Config::default()
        })
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid connect_timeout: must be more than zero"
        );
        // The connect timeout is set, and never longer than the call's.
        let settings = with(Config {
            connect_timeout: Duration::from_secs(5),
            ..Config::default()
        })
        .unwrap();
        assert_eq!(settings.connect_timeout, Duration::from_secs(5));
        let settings = with(Config {
            timeout: Duration::from_secs(2),
            ..Config::default()
        })
        .unwrap();
        assert_eq!(settings.connect_timeout, Duration::from_secs(2));
        assert_eq!(settings.retry, RetryPolicy::default());
        let settings = with(Config {
            batch_size: Some(100),
            validate: false,
            ..Config::default()
        })
        .unwrap();
        assert_eq!(
            settings.options,
            BatchOptions {
                validate: false,
                call_size: 100
            }
        );
    }
}
