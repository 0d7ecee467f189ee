//! The async client (reqwest and tokio): a thin shell around [`protocol`](crate::protocol).

use std::fmt;
use std::sync::Arc;
use std::time::Instant;

use futures_util::stream::Stream;

use crate::Message;
use crate::config::{Config, Settings, builder_methods, http_client_method};
use crate::error::{BuildError, CallError, SendError, TransportError, send_error};
use crate::operation::{BatchOperation, Method};
use crate::operations::SendMessages;
use crate::protocol::{BodyBuffer, Collector, Endpoint, HttpRequest, HttpResponse, RetryDecision};
use crate::report::SendReport;
use crate::sending::{Performed, Sending};
use crate::trace::CallTrace;

/// Sends messages to Dynmark, asynchronously (needs a tokio runtime).
///
/// Cheap to clone (the connection pool is shared). `blocking::Client` (feature `blocking`) has
/// the same methods without `async`.
///
/// ```no_run
/// # async fn example() -> Result<(), Box<dyn std::error::Error>> {
/// use dynmark_api::{Client, Message};
///
/// let client = Client::builder().credentials("username", "password").build()?;
/// let report = client
///     .send([Message::to("447700900000").from("Example").body("Hello, this is a test message")])
///     .await?;
/// println!("{report}");
/// # Ok(())
/// # }
/// ```
#[cfg_attr(
    feature = "sandbox",
    doc = r#"
Against the local [`Sandbox`](crate::sandbox::Sandbox):

```
# #[tokio::main]
# async fn main() -> Result<(), Box<dyn std::error::Error>> {
use dynmark_api::sandbox::Sandbox;
use dynmark_api::{Client, Message, Outcome};

let sandbox = Sandbox::start()?;
let client = Client::builder()
    .credentials(Sandbox::USERNAME, Sandbox::PASSWORD)
    .base_url(sandbox.base_url())
    .build()?;
let report = client
    .send([
        Message::to("447700900000").from("Example").body("Hello, this is a test message"),
        Message::to("447700900111").from("").body("no originator"),
    ])
    .await?;
assert_eq!(report.get(0), Some(&Outcome::Accepted));
assert!(report.get(1).is_some_and(Outcome::is_rejected));
# Ok(())
# }
```
"#
)]
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    settings: Settings,
}

impl Client {
    /// A builder; credentials are required.
    pub fn builder() -> ClientBuilder {
        ClientBuilder {
            config: Config::default(),
        }
    }

    /// A client for Dynmark's service with these credentials and the default settings.
    pub fn new(
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> Result<Self, BuildError> {
        Client::builder().credentials(username, password).build()
    }

    /// A client configured from `DYNMARK_USERNAME`, `DYNMARK_PASSWORD` and, if set,
    /// `DYNMARK_BASE_URL`.
    pub fn from_env() -> Result<Self, BuildError> {
        Client::builder().load_env().build()
    }

    /// The endpoint calls go to.
    pub fn endpoint(&self) -> &Endpoint {
        &self.inner.settings.endpoint
    }

    /// Sends any number of messages: [`call`](Self::call) for
    /// [`SendMessages`].
    ///
    /// # Cancelling
    ///
    /// **Not cancel-safe.** Dropping the returned future before it completes (for example by
    /// wrapping it in `tokio::time::timeout` or losing a `tokio::select!`) abandons the send
    /// without any report: calls already sent may have reached the service, and nothing says
    /// which messages. To bound how long a send takes, give it a deadline instead
    /// ([`send_deadline`](ClientBuilder::send_deadline), or
    /// `send_stream(..).time_limit(..).report()`), and set the client's
    /// [`timeout`](ClientBuilder::timeout) for each call; to end it on demand, use
    /// [`send_stream`](Self::send_stream) and its [`stop_handle`](Sending::stop_handle). The
    /// send then still returns the full report, saying which messages may have reached the
    /// service.
    #[cfg_attr(
        feature = "sandbox",
        doc = r#"
```
# #[tokio::main(flavor = "current_thread")]
# async fn main() -> Result<(), Box<dyn std::error::Error>> {
use dynmark_api::sandbox::Sandbox;
use dynmark_api::{Client, Message, RejectedBy};

let sandbox = Sandbox::start()?;
let client = Client::builder()
    .credentials(Sandbox::USERNAME, Sandbox::PASSWORD)
    .base_url(sandbox.base_url())
    .batch_size(2)
    .build()?;
let messages = vec![
    Message::to("447700900000").from("Example").body("one"),
    Message::to("447700900111").from("").body("no originator: rejected locally, never sent"),
    Message::to("447700900222").from("Example").body("two"),
    Message::to("447700900333").from("Example").body("three"),
];
let report = client.send(messages).await?;
assert_eq!(report.accepted().collect::<Vec<_>>(), [0, 2, 3]);
let (index, by, failures) = report.rejected().next().unwrap();
assert_eq!((index, by), (1, RejectedBy::Client));
assert_eq!(failures[0].failure_code.as_str(), "FromEmpty");
assert_eq!(sandbox.calls().len(), 2); // 3 valid messages, at most 2 per call
# Ok(())
# }
```
"#
    )]
    pub async fn send(
        &self,
        messages: impl IntoIterator<Item = Message>,
    ) -> Result<SendReport, SendError> {
        self.call::<SendMessages>(messages).await
    }

    /// Calls operation `Op` with any number of items.
    ///
    /// Validates every item locally first (unless turned off), sends only the valid ones in
    /// calls of at most `batch_size` items with up to `calls_in_flight` calls at once, and
    /// returns one [`Outcome`](crate::Outcome) per input item, in input order.
    ///
    /// The report holds every item, handed back. An input that says exactly how long it is
    /// (a `Vec`, an array, `slice.iter().cloned()`; up to 16,777,216 items) is taken at once
    /// and the report is kept in its memory: a `Vec`'s allocation becomes the report's, so the
    /// items are never held twice. Any other input is read as the calls need it. For more items than fit in
    /// memory, use [`call_stream`](Self::call_stream).
    ///
    /// A call that fails as a whole (credentials refused, 5xx, timeout, reset, unreadable
    /// answer) makes the result an `Err`([`SendError`]) that still holds the report: items of
    /// other calls keep their outcomes, the failed call's items are
    /// [`NotSent`](crate::Outcome::NotSent). Once the credentials are refused no further call
    /// is started (they would be refused too). Only a call that provably did not reach the
    /// service, or got a `429`, is sent again ([`retry_policy`](ClientBuilder::retry_policy));
    /// any other may have been received, and sending it again could deliver its messages
    /// twice.
    ///
    /// If handling a call panics (say, the deserializer of `Op`'s result type), the panic is
    /// caught: that call fails with [`CallError::Panicked`](crate::CallError::Panicked) (it may
    /// have reached the service), no further call is started, and the result is an `Err` with
    /// the full report.
    ///
    /// # Cancelling
    ///
    /// **Not cancel-safe**, as [`send`](Self::send): use a deadline or
    /// [`call_stream`](Self::call_stream) with a stop handle to end it early with a full report.
    ///
    /// Any operation of the spec is callable this way, with no hand-written code for it:
    ///
    /// ```no_run
    /// # async fn example(client: dynmark_api::Client) -> Result<(), dynmark_api::SendError> {
    /// use dynmark_api::operations::SendMessages;
    /// use dynmark_api::Message;
    ///
    /// let report = client
    ///     .call::<SendMessages>([Message::to("447700900000").from("Example").body("Hello")])
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn call<Op>(
        &self,
        items: impl IntoIterator<Item = Op::Item>,
    ) -> Result<SendReport<Op::Item>, SendError<Op::Item>>
    where
        Op: BatchOperation + 'static,
        Op::Item: Send + 'static,
        Op::ItemResult: Send + 'static,
    {
        match Collector::in_place(items.into_iter()) {
            Ok(collector) => {
                Sending::<Op, _>::in_place(self.clone(), collector, futures_util::stream::empty())
                    .report()
                    .await
            }
            Err(items) => {
                self.call_stream::<Op, _>(futures_util::stream::iter(items))
                    .report()
                    .await
            }
        }
    }

    /// Sends a stream of messages, any number of them, and gives back a stream of
    /// [`MessageOutcome`](crate::MessageOutcome)s, one per message, each as soon as it is known,
    /// with the message itself: the way to send more messages than fit in memory. See
    /// [`Sending`] for deadlines, stops, the call-level [`events`](Sending::events) and what
    /// dropping it means.
    ///
    /// Messages are taken only as the calls being prepared need them: memory stays bounded by
    /// `calls_in_flight` × `batch_size` messages, whatever the total.
    #[cfg_attr(
        feature = "sandbox",
        doc = r##"
```
# #[tokio::main(flavor = "current_thread")]
# async fn main() -> Result<(), Box<dyn std::error::Error>> {
use dynmark_api::sandbox::Sandbox;
use dynmark_api::{Client, Message, Outcome};
use futures_util::StreamExt as _;

let sandbox = Sandbox::builder().count_only().start()?;
let client = Client::builder()
    .credentials(Sandbox::USERNAME, Sandbox::PASSWORD)
    .base_url(sandbox.base_url())
    .build()?;
// A million messages would do as well: they are made as they are sent.
let messages = futures_util::stream::iter(0..1_000)
    .map(|i| Message::to(format!("4477009{i:05}")).from("Example").body("Hello"));
let mut outcomes = client.send_stream(messages);
let mut accepted = 0;
while let Some(done) = outcomes.next().await {
    match done.outcome {
        Outcome::Accepted => accepted += 1,
        // `done.message` is the message itself, `done.index` its position in the input.
        other => eprintln!("#{} to {}: {other}", done.index, done.message.to),
    }
}
assert_eq!(accepted, 1_000);
assert_eq!(sandbox.accepted_count(), 1_000);
# Ok(())
# }
```
"##
    )]
    pub fn send_stream<S>(&self, messages: S) -> Sending<SendMessages, S>
    where
        S: Stream<Item = Message>,
    {
        self.call_stream::<SendMessages, S>(messages)
    }

    /// [`send_stream`](Self::send_stream) for any operation `Op`.
    pub fn call_stream<Op, S>(&self, items: S) -> Sending<Op, S>
    where
        Op: BatchOperation + 'static,
        Op::Item: Send + 'static,
        Op::ItemResult: Send + 'static,
        S: Stream<Item = Op::Item>,
    {
        Sending::new(self.clone(), items)
    }

    pub(crate) fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    /// Performs one call: the request in, its result (and how many attempts it took) out.
    ///
    /// Each attempt is sent and read whole; the settings' [`RetryPolicy`] says whether a failed
    /// one goes again: only what provably did not reach the service, and `429`s, within the
    /// send's `deadline` (see [`protocol::retry`](crate::protocol::retry)).
    pub(crate) async fn perform<Op: BatchOperation>(
        self,
        request: HttpRequest,
        sent: usize,
        deadline: Option<Instant>,
        trace: CallTrace,
    ) -> Performed<Op::ItemResult> {
        let settings = &self.inner.settings;
        let mut attempts = 0;
        loop {
            attempts += 1;
            let result = match self.execute(request.clone()).await {
                Ok(response) => {
                    trace.status(response.status);
                    settings.endpoint.parse_response::<Op>(&response, sent)
                }
                Err(error) => {
                    // An answer over the body bound still had a status.
                    if let Some(status) = error.status() {
                        trace.status(status);
                    }
                    Err(error)
                }
            };
            let Err(error) = &result else {
                trace.finish(attempts, &result);
                return (result, attempts);
            };
            let now = Instant::now();
            match settings.retry.decide(error, attempts, now, deadline) {
                RetryDecision::RetryAt(at) => {
                    trace.retrying(attempts, error, at.saturating_duration_since(now));
                    tokio::time::sleep_until(at.into()).await;
                }
                RetryDecision::GiveUp(reason) => {
                    trace.gave_up(attempts, error, reason);
                    trace.finish(attempts, &result);
                    return (result, attempts);
                }
            }
        }
    }

    /// Moves the bytes: sends `request`, reads the answer's body up to the bound.
    pub(crate) async fn execute(&self, request: HttpRequest) -> Result<HttpResponse, CallError> {
        // The timeout is set per request too: a user's own client may have none.
        let mut builder = self
            .inner
            .http
            .request(reqwest_method(request.method), &request.url)
            .timeout(self.inner.settings.timeout);
        for (name, value) in &request.headers {
            builder = builder.header(*name, header_value(name, value)?);
        }
        let mut response = builder
            .body(request.body)
            .send()
            .await
            .map_err(send_error)?;
        let status = response.status().as_u16();
        let content_type = content_type(response.headers());
        let endpoint = &self.inner.settings.endpoint;
        let mut body = BodyBuffer::with_retry_after(
            endpoint,
            status,
            content_type,
            response.content_length(),
            retry_after(response.headers()),
        )?;
        while let Some(chunk) = response.chunk().await.map_err(transport_error)? {
            body.push(&chunk)?;
        }
        Ok(body.into_response())
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_settings(f, "Client", &self.inner.settings)
    }
}

/// Configures a [`Client`].
#[derive(Debug)]
#[must_use]
pub struct ClientBuilder {
    config: Config,
}

impl ClientBuilder {
    builder_methods!();
    http_client_method!();

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<Client, BuildError> {
        Client::with_settings(self.config.check()?)
    }
}

impl Client {
    /// The client for checked settings.
    pub(crate) fn with_settings(settings: Settings) -> Result<Client, BuildError> {
        let http = settings.async_http()?;
        Ok(Client {
            inner: Arc::new(Inner { http, settings }),
        })
    }
}

pub(crate) fn debug_settings(
    f: &mut fmt::Formatter<'_>,
    name: &str,
    settings: &Settings,
) -> fmt::Result {
    f.debug_struct(name)
        .field("endpoint", &settings.endpoint)
        .field("timeout", &settings.timeout)
        .field("options", &settings.options)
        .field("calls_in_flight", &settings.calls_in_flight)
        .finish()
}

pub(crate) fn reqwest_method(method: Method) -> reqwest::Method {
    match method {
        Method::Get => reqwest::Method::GET,
        Method::Post => reqwest::Method::POST,
        Method::Put => reqwest::Method::PUT,
        Method::Patch => reqwest::Method::PATCH,
        Method::Delete => reqwest::Method::DELETE,
    }
}

/// The header's value for reqwest; the `Authorization` value is marked sensitive, so reqwest
/// and hyper never print it.
pub(crate) fn header_value(
    name: &str,
    value: &str,
) -> Result<reqwest::header::HeaderValue, CallError> {
    let mut value =
        reqwest::header::HeaderValue::from_str(value).map_err(|_| CallError::Request {
            reason: format!("the value of header `{name}` is not a valid header value"),
        })?;
    value.set_sensitive(HttpRequest::is_sensitive(name));
    Ok(value)
}

pub(crate) fn content_type(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get(reqwest::header::CONTENT_TYPE)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
}

/// The wait the answer's `Retry-After` header asks for, if any.
pub(crate) fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<std::time::Duration> {
    let value = headers.get(reqwest::header::RETRY_AFTER)?;
    crate::protocol::parse_retry_after(value.as_bytes(), std::time::SystemTime::now())
}

/// Sorts a reqwest error (its URL dropped) into the call errors' kinds.
pub(crate) fn transport_error(error: reqwest::Error) -> CallError {
    let connect = error.is_connect();
    let timeout = error.is_timeout();
    let source = TransportError::new(error.without_url());
    if connect {
        CallError::Connect { source }
    } else if timeout {
        CallError::Timeout { source }
    } else {
        CallError::Connection { source }
    }
}

/// Any operation that is not a batch (endpoints added by spec edit alone).
impl Client {
    /// Calls `operation` once: validates it locally (unless turned off), sends it with the
    /// client's settings, and reads the answer into the variant its status documents.
    ///
    /// Credentials refused, a status the spec does not list, an unreadable body, a timeout and
    /// a broken connection are [`RequestError::Call`](crate::RequestError::Call); nothing is
    /// retried. Not cancel-safe in the sense of [`send`](Self::send): a dropped future may have
    /// reached the service.
    ///
    /// ```no_run
    /// # async fn example(client: dynmark_api::Client) -> Result<(), dynmark_api::RequestError> {
    /// use dynmark_api::operations::{CreateVerification, CreateVerificationAnswer};
    /// use dynmark_api::VerifyRequest;
    ///
    /// let create = CreateVerification::new(VerifyRequest::from("Example").to("447700900000"));
    /// match client.request(&create).await? {
    ///     CreateVerificationAnswer::Created(verification) => println!("{}", verification.request_id),
    ///     CreateVerificationAnswer::Invalid(failures) => println!("refused: {failures:?}"),
    ///     other => println!("HTTP {}", other.status()),
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn request<Op: crate::operation::Operation>(
        &self,
        operation: &Op,
    ) -> Result<Op::Answer, crate::RequestError> {
        let settings = &self.inner.settings;
        let request = crate::protocol::operation::request(
            &settings.endpoint,
            operation,
            settings.options.validate,
        )?;
        let response = self.execute(request).await?;
        Ok(settings.endpoint.read_answer::<Op>(&response)?)
    }
}
