//! A local Dynmark-compatible server for tests (feature `sandbox`).
//!
//! [`Sandbox::start`] binds `127.0.0.1` on an ephemeral port and serves
//! `POST /webapi/message/send` as Dynmark does (over HTTP/1.1, or HTTP/2 for a client that
//! speaks it with prior knowledge): it checks HTTP Basic credentials (a `401` with the
//! service's text otherwise), reads the body as a JSON array of [`Message`]s (a `400` with
//! `InvalidJson` failures positioned like the service's parser otherwise), validates each message
//! with the same generated validators as local validation, and answers `202` with one
//! [`MessageResult`](crate::MessageResult) per message. It records what it accepted and every
//! call, for assertions, and can be told to misbehave with [`Fault`]s.
//!
//! The server runs on its own thread with its own tokio runtime, so it works the same from async
//! tests, blocking tests and plain `main`; dropping the [`Sandbox`] stops it.
//!
//! | request | answer |
//! |---|---|
//! | a path that is neither the send path nor one below, nor one of the spec's | `404`, text |
//! | a known path (any case, optional trailing `/`), another method | `405`, text, `Allow` |
//! | no, malformed or wrong `Authorization: Basic` | `401`, `text/plain`, "No authorization header supplied or invalid username or password" |
//! | a `Content-Type` that is not JSON (none is fine), a body larger than the limit (16 MiB by default), or one that is not a non-empty JSON array of messages | `400`, JSON array of `ValidationFailure`, `failureCode` `InvalidJson` |
//! | a JSON array of messages | `202`, JSON array of `MessageResult`, in request order |
//!
//! Every answer to an operation has a status the spec documents for it: the spec lists no `413`
//! or `415`, so a body the sandbox cannot read is its `400`. (`404` and `405` answer requests
//! that are no operation at all.)
//!
//! Beside sending, the sandbox serves the other endpoints Dynmark's sample code uses, with the
//! same credentials: Verify (`POST /webapi/verify`, `PUT /webapi/verify/{requestId}/validate`;
//! the code it "sent" is [`Sandbox::verification_code`]) and phone number validation
//! (`POST /webapi/phonenumbervalidation/validatenumber`, from the same phone rules as `to`).
//! Their answers are described in the `verify` and `numbers` modules' source. Any other
//! operation of the spec ([`SandboxBuilder::spec`], by default `dynmark_spec::OPENAPI_JSON`) is
//! served from the spec alone: its request checked against the spec's schemas (`400` of
//! `InvalidJson`, one failure per problem), then answered with its lowest documented 2xx status
//! and first example (a `Prefer: code=NNN, example=NAME` header picks another), so an endpoint
//! added by a spec edit is testable end to end with no sandbox code.
//!
//! JSON answers are sent as `application/json; charset=utf-8` (as ASP.NET Web API does), text
//! ones as `text/plain`.

mod answer;
mod auth;
mod numbers;
mod payload;
mod routes;
mod schema;
mod server;
mod spec;
mod verify;

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::sync::oneshot;

use crate::Message;
use auth::Credentials;

/// The largest request body the sandbox reads by default (16 MiB); larger ones get a `400`.
pub const DEFAULT_MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

pub use verify::DEFAULT_RESEND_WINDOW;

/// A running local Dynmark-compatible server. Dropping it stops the server and joins its thread.
///
/// Its `Debug` shows the address and user name, never the password.
pub struct Sandbox {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

/// Configures a [`Sandbox`] before it starts: `Sandbox::builder().credentials(..).start()`.
///
/// Its `Debug` never shows the password.
#[derive(Clone)]
pub struct SandboxBuilder {
    credentials: Credentials,
    max_body_bytes: usize,
    port: u16,
    count_only: bool,
    resend_window: Duration,
    number_statuses: HashMap<String, u8>,
    spec: Option<String>,
}

/// One request the sandbox received on the send path, whatever it answered.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordedCall {
    /// How many messages the request's JSON array held (those before a syntax error, if any; 0
    /// when the body was not an array).
    pub messages: usize,
    /// The status code sent; `0` when a [`Fault::DropConnection`] closed the connection without
    /// an answer.
    pub status: u16,
    /// The fault applied to this call, if one was injected.
    pub fault: Option<Fault>,
    /// `true` when the call came over HTTP/2 (prior knowledge), `false` over HTTP/1.1.
    pub http2: bool,
}

/// A way for the sandbox to misbehave on one request, injected with [`Sandbox::inject`].
///
/// Faults are queued in order; each is consumed by the next request to the send path, whatever
/// its method, credentials or body, once the request is read (a request whose body is over the
/// limit or cannot be read takes none).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Read the request and decide the answer as usual (the call and its accepted messages are
    /// recorded at once, so they are recorded even if the client goes away meanwhile), wait
    /// this long, then send the answer.
    Delay(Duration),
    /// Read the request, then answer exactly this, without looking at the request. A status that
    /// cannot be a final answer (below 200 or above 999) is sent as 500; an empty (or unsendable)
    /// content type is left out.
    Respond {
        /// The status code.
        status: u16,
        /// The `Content-Type` header.
        content_type: String,
        /// The body.
        body: Vec<u8>,
    },
    /// Read the request, then close the connection without sending a byte. Nothing is processed:
    /// no message is recorded as accepted.
    DropConnection,
    /// Read the request, then refuse it unprocessed: on HTTP/2, reset its stream with
    /// `REFUSED_STREAM` (RFC 9113 §8.7: the client knows nothing was processed); on HTTP/1,
    /// which cannot say so, close the connection without an answer. Nothing is processed.
    RefusedStream,
    /// Read the request, then refuse it as a whole with this status (`429`, or `503`) and a
    /// `Retry-After` header with this value (`"2"`, or an HTTP date); the body is
    /// `Too many requests` (`text/plain`). Nothing is processed.
    Throttle {
        /// The status code.
        status: u16,
        /// The `Retry-After` value.
        retry_after: String,
    },
    /// Process the request as usual (its accepted messages are recorded), then send status `202`
    /// with a `Content-Length` announcing the whole answer, only the first half of the answer's
    /// body, and close the connection.
    TruncatedBody,
}

impl Sandbox {
    /// The user name [`Sandbox::start`] accepts.
    pub const USERNAME: &'static str = "sandbox-user";
    /// The password [`Sandbox::start`] accepts.
    pub const PASSWORD: &'static str = "sandbox-password";

    /// Starts a sandbox on `127.0.0.1` with an ephemeral port, accepting [`Sandbox::USERNAME`] and
    /// [`Sandbox::PASSWORD`].
    ///
    /// # Errors
    ///
    /// When the port cannot be bound, or the server's thread or runtime cannot be started.
    ///
    /// # Example
    ///
    /// ```
    /// use dynmark_api::sandbox::Sandbox;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let sandbox = Sandbox::start()?;
    ///
    /// let response = reqwest::Client::new()
    ///     .post(format!("{}/webapi/message/send", sandbox.base_url()))
    ///     .basic_auth(Sandbox::USERNAME, Some(Sandbox::PASSWORD))
    ///     .header("content-type", "application/json")
    ///     .body(r#"[{"to": "447700900000", "from": "Example", "body": "Hello"}]"#)
    ///     .send()
    ///     .await?;
    ///
    /// assert_eq!(response.status(), 202);
    /// assert_eq!(
    ///     response.text().await?,
    ///     r#"[{"to":"447700900000","successful":true}]"#
    /// );
    /// assert_eq!(sandbox.accepted()[0].to, "447700900000");
    /// assert_eq!(sandbox.calls()[0].status, 202);
    /// # Ok(())
    /// # }
    /// ```
    pub fn start() -> std::io::Result<Sandbox> {
        Sandbox::builder().start()
    }

    /// A builder, to choose the credentials or the body size limit.
    pub fn builder() -> SandboxBuilder {
        SandboxBuilder::default()
    }

    /// The base URL to give a client: `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The URL of the send endpoint: `http://127.0.0.1:PORT/webapi/message/send`.
    pub fn send_url(&self) -> String {
        use crate::operation::BatchOperation;
        format!(
            "{}{}",
            self.base_url(),
            crate::operations::SendMessages::PATH
        )
    }

    /// The address the sandbox listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every message the sandbox answered (or, with a [`Fault::Delay`], is about to answer)
    /// `successful: true`, in the order the answers were decided. Always empty for a sandbox
    /// that only counts ([`SandboxBuilder::count_only`]): see
    /// [`accepted_count`](Self::accepted_count).
    pub fn accepted(&self) -> Vec<Message> {
        self.shared.lock().accepted.clone()
    }

    /// How many messages the sandbox answered `successful: true` (kept or only counted).
    pub fn accepted_count(&self) -> usize {
        self.shared.lock().accepted_count
    }

    /// Every request to the send path, in the order the answers were decided (a call is recorded
    /// before its answer is sent).
    pub fn calls(&self) -> Vec<RecordedCall> {
        self.shared.lock().calls.clone()
    }

    /// Queues `fault` for the next request to the send path that does not already have one.
    pub fn inject(&self, fault: Fault) {
        self.shared.lock().faults.push_back(fault);
    }

    /// How many injected faults are still waiting for a request.
    pub fn pending_faults(&self) -> usize {
        self.shared.lock().faults.len()
    }

    /// The one-time code the sandbox "sent" for the Verify request `request_id` (the
    /// `requestId` of its `201` answer), as a test reads it from the handset; `None` for an id
    /// it never issued.
    pub fn verification_code(&self, request_id: &str) -> Option<String> {
        self.shared.lock().verifications.code(request_id)
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            // An error means the server already stopped.
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            // The server does not panic; if it ever did, the panic stays on its thread.
            let _ = thread.join();
        }
    }
}

impl fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sandbox")
            .field("addr", &self.addr)
            .field("username", &self.shared.credentials.username())
            .finish_non_exhaustive()
    }
}

impl SandboxBuilder {
    /// The user name and password the sandbox accepts (default [`Sandbox::USERNAME`] and
    /// [`Sandbox::PASSWORD`]). A user name that is empty or contains `:` cannot be sent with
    /// HTTP Basic authentication: [`start`](Self::start) refuses it.
    pub fn credentials(mut self, username: &str, password: &str) -> SandboxBuilder {
        self.credentials = Credentials::new(username, password);
        self
    }

    /// The largest request body the sandbox reads (default [`DEFAULT_MAX_BODY_BYTES`]); a larger
    /// one is answered `400` with an `InvalidJson` failure (the spec documents no `413`).
    pub fn max_body_bytes(mut self, limit: usize) -> SandboxBuilder {
        self.max_body_bytes = limit;
        self
    }

    /// The port to listen on, on `127.0.0.1` (default 0: an ephemeral port the system picks).
    pub fn port(mut self, port: u16) -> SandboxBuilder {
        self.port = port;
        self
    }

    /// Counts the messages it accepts ([`Sandbox::accepted_count`]) instead of keeping them
    /// ([`Sandbox::accepted`] stays empty), so that it can take millions of messages in
    /// bounded memory. Calls are still recorded.
    pub fn count_only(mut self) -> SandboxBuilder {
        self.count_only = true;
        self
    }

    /// How long after a Verify code was sent to a number another request for the same number is
    /// answered `400 Throttled` (default [`DEFAULT_RESEND_WINDOW`], 30 s).
    pub fn verify_resend_window(mut self, window: Duration) -> SandboxBuilder {
        self.resend_window = window;
        self
    }

    /// The `NumberStatus` phone number validation answers for `number` (in international
    /// format, as it normalises it) instead of `2` (on): `3` off, `4` dead, `5` not on a mobile
    /// network, or any other value the service might send.
    pub fn number_status(mut self, number: &str, status: u8) -> SandboxBuilder {
        self.number_statuses.insert(number.to_owned(), status);
        self
    }

    /// The OpenAPI document whose operations the sandbox serves from their examples, beside
    /// the ones it serves by hand (default: the crate's own spec, `dynmark_spec::OPENAPI_JSON`).
    /// [`start`](Self::start) refuses a document it cannot read.
    pub fn spec(mut self, openapi_json: &str) -> SandboxBuilder {
        self.spec = Some(openapi_json.to_owned());
        self
    }

    /// Binds `127.0.0.1` on the port (by default an ephemeral one) and starts serving on a new
    /// thread.
    ///
    /// # Errors
    ///
    /// When the user name is empty or contains `:`, or the spec cannot be read (`InvalidInput`),
    /// or the port cannot be bound (`AddrInUse` when another program has it), or the server's
    /// thread or runtime cannot be started.
    pub fn start(self) -> std::io::Result<Sandbox> {
        let spec = spec::SpecApi::parse(self.spec.as_deref().unwrap_or(dynmark_spec::OPENAPI_JSON))
            .map_err(|problem| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    format!("the sandbox cannot serve this spec: {problem}"),
                )
            })?;
        let username = self.credentials.username();
        if username.is_empty() || username.contains(':') {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "the sandbox's user name must not be empty nor contain ':' (HTTP Basic \
                 authentication cannot carry it)",
            ));
        }
        let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, self.port))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()?;
        let listener = {
            let _context = runtime.enter();
            tokio::net::TcpListener::from_std(listener)?
        };
        let shared = Arc::new(Shared {
            credentials: self.credentials,
            max_body_bytes: self.max_body_bytes,
            count_only: self.count_only,
            resend_window: self.resend_window,
            number_statuses: self.number_statuses,
            routes: routes::Routes::new(spec),
            state: Mutex::default(),
        });
        let (stop, stopped) = oneshot::channel();
        let thread = std::thread::Builder::new()
            .name(format!("dynmark-sandbox-{}", addr.port()))
            .spawn({
                let shared = Arc::clone(&shared);
                move || runtime.block_on(server::serve(listener, shared, stopped))
            })?;
        Ok(Sandbox {
            addr,
            shared,
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

impl Default for SandboxBuilder {
    fn default() -> SandboxBuilder {
        SandboxBuilder {
            credentials: Credentials::new(Sandbox::USERNAME, Sandbox::PASSWORD),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            port: 0,
            count_only: false,
            resend_window: DEFAULT_RESEND_WINDOW,
            number_statuses: HashMap::new(),
            spec: None,
        }
    }
}

impl fmt::Debug for SandboxBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SandboxBuilder")
            .field("credentials", &self.credentials)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("port", &self.port)
            .field("count_only", &self.count_only)
            .field("resend_window", &self.resend_window)
            .field("number_statuses", &self.number_statuses)
            .field(
                "spec",
                &self
                    .spec
                    .as_ref()
                    .map(|spec| format!("{} bytes", spec.len())),
            )
            .finish()
    }
}

/// What the server's thread and the [`Sandbox`] handle share.
struct Shared {
    credentials: Credentials,
    max_body_bytes: usize,
    count_only: bool,
    resend_window: Duration,
    number_statuses: HashMap<String, u8>,
    routes: routes::Routes,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    accepted: Vec<Message>,
    accepted_count: usize,
    calls: Vec<RecordedCall>,
    faults: VecDeque<Fault>,
    verifications: verify::Verifications,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl State {
    /// Keeps (or, counting only, counts) messages accepted.
    fn accept(&mut self, messages: &[Message], count_only: bool) {
        self.accepted_count += messages.len();
        if !count_only {
            self.accepted.extend(messages.iter().cloned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_the_password() {
        let builder = Sandbox::builder().credentials("alice", "correct horse battery");
        let debug = format!("{builder:?} {builder:#?}");
        assert!(debug.contains("alice"), "{debug}");
        assert!(!debug.contains("correct horse battery"), "{debug}");

        let sandbox = builder.start().expect("sandbox starts");
        let debug = format!("{sandbox:?} {sandbox:#?}");
        assert!(debug.contains("alice"), "{debug}");
        assert!(debug.contains(&sandbox.addr().to_string()), "{debug}");
        assert!(!debug.contains("correct horse battery"), "{debug}");
    }

    #[test]
    fn starts_on_an_ephemeral_loopback_port_and_stops_on_drop() {
        let sandbox = Sandbox::start().expect("sandbox starts");
        let addr = sandbox.addr();
        assert!(addr.ip().is_loopback());
        assert_ne!(addr.port(), 0);
        assert_eq!(
            sandbox.base_url(),
            format!("http://127.0.0.1:{}", addr.port())
        );
        assert_eq!(
            sandbox.send_url(),
            format!("http://127.0.0.1:{}/webapi/message/send", addr.port())
        );
        std::net::TcpStream::connect(addr).expect("the sandbox listens");
        drop(sandbox);
        // The listener is closed with the runtime: nothing accepts on the port any more.
        assert!(std::net::TcpStream::connect(addr).is_err());
    }

    #[test]
    fn listens_on_the_port_asked_for() {
        let first = Sandbox::start().expect("sandbox starts");
        let taken = first.addr().port();
        let error = Sandbox::builder().port(taken).start().unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::AddrInUse);
        drop(first);
        let sandbox = Sandbox::builder()
            .port(taken)
            .start()
            .expect("the port is free again");
        assert_eq!(sandbox.addr().port(), taken);
    }

    #[test]
    fn the_handle_can_be_shared_between_threads() {
        fn send_and_sync<T: Send + Sync>() {}
        send_and_sync::<Sandbox>();
        send_and_sync::<SandboxBuilder>();
        send_and_sync::<RecordedCall>();
        send_and_sync::<Fault>();
    }

    #[test]
    fn faults_queue_in_order() {
        let sandbox = Sandbox::start().expect("sandbox starts");
        sandbox.inject(Fault::DropConnection);
        sandbox.inject(Fault::TruncatedBody);
        assert_eq!(sandbox.pending_faults(), 2);
        assert_eq!(
            sandbox.shared.lock().faults.pop_front(),
            Some(Fault::DropConnection)
        );
        assert_eq!(sandbox.pending_faults(), 1);
        assert!(sandbox.calls().is_empty());
        assert!(sandbox.accepted().is_empty());
    }
}
