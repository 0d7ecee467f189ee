//! The blocking client (feature `blocking`): the same methods as [`crate::Client`] without
//! `async`; switch by changing one import.
//!
//! Calls run on scoped threads (one per call in flight) over `reqwest::blocking`; everything
//! else is the [`protocol`](crate::protocol) core, as for the async client. It may be used from
//! inside an async runtime as well (it then blocks that thread).

use std::fmt;
use std::io::Read as _;
use std::panic::AssertUnwindSafe;
use std::sync::mpsc;

use crate::Message;
use crate::client::{content_type, debug_settings, header_value, reqwest_method, transport_error};
use crate::config::{CONNECT_TIMEOUT, Config, Settings, builder_methods};
use crate::error::{BuildError, CallError, SendError, TransportError};
use crate::operation::BatchOperation;
use crate::operations::SendMessages;
use crate::protocol::{Batch, BodyBuffer, Endpoint, HttpRequest, HttpResponse};
use crate::report::SendReport;

/// Sends messages to Dynmark, blocking the calling thread.
///
/// Cheap to clone (the connection pool is shared).
///
/// ```no_run
/// # fn example() -> Result<(), Box<dyn std::error::Error>> {
/// use dynmark_api::blocking::Client;
/// use dynmark_api::Message;
///
/// let client = Client::builder().credentials("username", "password").build()?;
/// let report =
///     client.send([Message::new("447700900000", "Example", "Hello, this is a test message")])?;
/// println!("{report}");
/// # Ok(())
/// # }
/// ```
#[cfg_attr(
    feature = "sandbox",
    doc = r#"
Against the local [`Sandbox`](crate::sandbox::Sandbox):

```
# fn main() -> Result<(), Box<dyn std::error::Error>> {
use dynmark_api::blocking::Client;
use dynmark_api::sandbox::Sandbox;
use dynmark_api::{Message, Outcome};

let sandbox = Sandbox::start()?;
let client = Client::builder()
    .credentials(Sandbox::USERNAME, Sandbox::PASSWORD)
    .base_url(sandbox.base_url())
    .build()?;
let report = client.send([
    Message::new("447700900000", "Example", "Hello, this is a test message"),
    Message::new("07777 123123", "Example", "Hello").with_country_iso_code("GBR"),
])?;
assert!(report.all_accepted());
assert_eq!(sandbox.accepted().len(), 2);

// A wrong password: the whole call fails; the error still holds the report.
let client = Client::builder()
    .credentials(Sandbox::USERNAME, "wrong")
    .base_url(sandbox.base_url())
    .build()?;
let error = client.send([Message::new("447700900000", "Example", "Hi")]).unwrap_err();
assert!(error.is_unauthorized());
assert!(error.report().get(0).is_some_and(Outcome::is_not_sent));
# Ok(())
# }
```
"#
)]
#[derive(Clone)]
pub struct Client {
    http: reqwest::blocking::Client,
    settings: std::sync::Arc<Settings>,
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
        &self.settings.endpoint
    }

    /// Sends any number of messages: [`call`](Self::call) for
    /// [`SendMessages`].
    #[cfg_attr(
        feature = "sandbox",
        doc = r#"
```
use dynmark_api::blocking::Client;
use dynmark_api::sandbox::{Fault, Sandbox};
use dynmark_api::{Message, NotSentReason};

let sandbox = Sandbox::start()?;
let client = Client::builder()
    .credentials(Sandbox::USERNAME, Sandbox::PASSWORD)
    .base_url(sandbox.base_url())
    .batch_size(1)
    .calls_in_flight(1)
    .build()?;
// The second call meets a server error: the first and third still go.
sandbox.inject(Fault::Delay(std::time::Duration::ZERO));
sandbox.inject(Fault::Respond {
    status: 503,
    content_type: "text/plain".into(),
    body: b"Service Unavailable".to_vec(),
});
let messages = ["447700900000", "447700900111", "447700900222"]
    .map(|to| Message::new(to, "Example", "Hello"));
let error = client.send(messages).unwrap_err();
let report = error.report();
assert_eq!(report.accepted().collect::<Vec<_>>(), [0, 2]);
let (index, reason) = report.not_sent().next().unwrap();
assert_eq!(index, 1);
assert!(matches!(reason, NotSentReason::CallFailed { call: 1, .. }));
assert!(reason.may_have_reached_service()); // a 5xx: do not blindly send it again
# Ok::<(), Box<dyn std::error::Error>>(())
```
"#
    )]
    pub fn send(
        &self,
        messages: impl IntoIterator<Item = Message>,
    ) -> Result<SendReport, SendError> {
        self.call::<SendMessages>(messages)
    }

    /// Calls operation `Op` with any number of items: as [`crate::Client::call`], blocking.
    ///
    /// A panic while handling a call (say, in the deserializer of `Op`'s result type) is caught
    /// on the call's thread: that call fails with [`CallError::Panicked`], no further call is
    /// started, and the result is an `Err` with the full report, as with the async client.
    ///
    /// Unlike the async client's future, this cannot be cancelled half-way: it returns once
    /// every call it started is answered or timed out (the client's `timeout`).
    pub fn call<Op>(
        &self,
        items: impl IntoIterator<Item = Op::Item>,
    ) -> Result<SendReport, SendError>
    where
        Op: BatchOperation,
        Op::ItemResult: Send,
    {
        let settings = &*self.settings;
        let endpoint = &settings.endpoint;
        let mut batch = Batch::<Op>::new(items.into_iter().collect(), settings.options);
        // As in the async client, this thread holds the batch, which decides which call starts
        // when (at most `calls_in_flight`, none once it is stopped); each call in flight gets a
        // scoped thread that only moves bytes.
        let (sender, results) = mpsc::channel();
        std::thread::scope(|scope| {
            loop {
                while let Some(call) = batch.start_call(endpoint, settings.calls_in_flight) {
                    let index = call.index;
                    let sender = sender.clone();
                    let started = std::thread::Builder::new()
                        .name(format!("dynmark-call-{index}"))
                        .spawn_scoped(scope, move || {
                            let reply = Reply {
                                call: index,
                                sender: Some(sender),
                            };
                            let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
                                self.perform::<Op>(call.request, call.items)
                            }))
                            .unwrap_or_else(|panic| Err(CallError::panicked(panic)));
                            reply.send(result);
                        });
                    if let Err(error) = started {
                        // Not sent: the call fails here, and the batch goes on.
                        batch.record(
                            index,
                            Err(CallError::Request {
                                reason: format!("could not start a thread for the call: {error}"),
                            }),
                        );
                    }
                }
                if batch.in_flight() == 0 {
                    break;
                }
                // The requests are on their way: use the wait to get the next call ready.
                batch.prepare(endpoint);
                // Every started call replies exactly once, and this thread holds a sender, so
                // `recv` cannot fail.
                let Ok((call, result)) = results.recv() else {
                    break;
                };
                batch.record(call, result);
            }
        });
        batch.finish()
    }

    fn perform<Op: BatchOperation>(
        &self,
        request: HttpRequest,
        sent: usize,
    ) -> Result<Vec<Op::ItemResult>, CallError> {
        let response = self.execute(request)?;
        self.settings.endpoint.parse_response::<Op>(&response, sent)
    }

    /// Moves the bytes: sends `request`, reads the answer's body up to the bound.
    fn execute(&self, request: HttpRequest) -> Result<HttpResponse, CallError> {
        let mut builder = self
            .http
            .request(reqwest_method(request.method), &request.url);
        for (name, value) in &request.headers {
            builder = builder.header(*name, header_value(name, value)?);
        }
        let mut response = builder.body(request.body).send().map_err(transport_error)?;
        let status = response.status().as_u16();
        let content_type = content_type(response.headers());
        let mut body = BodyBuffer::new(
            &self.settings.endpoint,
            status,
            content_type,
            response.content_length(),
        )?;
        let mut chunk = vec![0; 16 * 1024];
        loop {
            match response.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => body.push(&chunk[..n])?,
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
                Err(error) => return Err(read_error(error)),
            }
        }
        Ok(body.into_response())
    }
}

/// Sends a call's result to the thread that tallies. Panics while handling the call are caught
/// before it replies; should the thread still end without replying, it replies with
/// [`CallError::Panicked`] on the way out, so the tally never waits forever.
struct Reply<R> {
    call: usize,
    sender: Option<mpsc::Sender<(usize, Result<R, CallError>)>>,
}

impl<R> Reply<R> {
    fn send(mut self, result: Result<R, CallError>) {
        if let Some(sender) = self.sender.take() {
            // The tally only stops listening once every call has replied.
            let _ = sender.send((self.call, result));
        }
    }
}

impl<R> Drop for Reply<R> {
    fn drop(&mut self) {
        if let Some(sender) = self.sender.take() {
            let _ = sender.send((
                self.call,
                Err(CallError::Panicked {
                    message: "the call's thread ended without a result".to_owned(),
                }),
            ));
        }
    }
}

/// A body read error: reqwest's own error when it is one, else sorted by its kind.
fn read_error(error: std::io::Error) -> CallError {
    let error = match error.downcast::<reqwest::Error>() {
        Ok(error) => return transport_error(error),
        Err(error) => error,
    };
    let timeout = error.kind() == std::io::ErrorKind::TimedOut;
    let source = TransportError::new(error);
    if timeout {
        CallError::Timeout { source }
    } else {
        CallError::Connection { source }
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_settings(f, "blocking::Client", &self.settings)
    }
}

/// Configures a blocking [`Client`].
#[derive(Debug)]
#[must_use]
pub struct ClientBuilder {
    config: Config,
}

impl ClientBuilder {
    builder_methods!();

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<Client, BuildError> {
        let settings = self.config.check()?;
        let mut http = reqwest::blocking::Client::builder()
            .use_rustls_tls()
            .timeout(settings.timeout)
            .connect_timeout(CONNECT_TIMEOUT.min(settings.timeout))
            .redirect(reqwest::redirect::Policy::none())
            // Nothing is retried, not even what reqwest would deem safe: a call may have
            // reached the service.
            .retry(reqwest::retry::never())
            .pool_max_idle_per_host(settings.calls_in_flight);
        if settings.endpoint.base_url().is_loopback() {
            http = http.no_proxy();
        }
        // reqwest's blocking client runs its own runtime and refuses to be built on a thread
        // inside another: build it on a plain thread then.
        let http = if tokio::runtime::Handle::try_current().is_ok() {
            std::thread::scope(|scope| scope.spawn(|| http.build()).join())
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        } else {
            http.build()
        }
        .map_err(|e| BuildError::Http {
            source: TransportError::new(e),
        })?;
        Ok(Client {
            http,
            settings: std::sync::Arc::new(settings),
        })
    }
}

/// Any operation that is not a batch (endpoints added by spec edit alone).
impl Client {
    /// Calls `operation` once: as [`crate::Client::request`], blocking.
    pub fn request<Op: crate::operation::Operation>(
        &self,
        operation: &Op,
    ) -> Result<Op::Answer, crate::RequestError> {
        let settings = &*self.settings;
        let request = crate::protocol::operation::request(
            &settings.endpoint,
            operation,
            settings.options.validate,
        )?;
        let response = self.execute(request)?;
        Ok(settings.endpoint.read_answer::<Op>(&response)?)
    }
}
