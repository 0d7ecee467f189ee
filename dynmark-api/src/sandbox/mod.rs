//! A local Dynmark-compatible server for tests (feature `sandbox`).
//!
//! [`Sandbox::start`] binds `127.0.0.1` on an ephemeral port and serves
//! `POST /webapi/message/send` as Dynmark does: it checks HTTP Basic credentials (a `401` with the
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
//! | another path | `404`, text |
//! | the send path (any case, optional trailing `/`), another method | `405`, text, `Allow: POST` |
//! | no, malformed or wrong `Authorization: Basic` | `401`, `text/plain`, "No authorization header supplied or invalid username or password" |
//! | a `Content-Type` that is not JSON (none is fine) | `415`, text |
//! | a body larger than the limit (16 MiB by default) | `413`, text |
//! | a body that is not a non-empty JSON array of messages | `400`, JSON array of `ValidationFailure`, `failureCode` `InvalidJson` |
//! | a JSON array of messages | `202`, JSON array of `MessageResult`, in request order |
//!
//! JSON answers are sent as `application/json; charset=utf-8` (as ASP.NET Web API does), text
//! ones as `text/plain`.
//!
//! Like Dynmark, it also calls you: after accepting a message whose `deliveryStatusUrl` is on
//! loopback it sends the message's [`DeliveryReceipt`](crate::receipts::DeliveryReceipt) there
//! ([`ReceiptPlan`]: delay and status; [`Sandbox::receipts`] records every attempt), and
//! [`Sandbox::send_inbound`] sends an inbound message to [`SandboxBuilder::inbound_url`].
//! Nothing is ever sent off loopback.

mod answer;
mod auth;
mod delivery;
mod payload;
#[cfg(feature = "receiver")]
mod receiver_server;
mod server;

use std::collections::VecDeque;
use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::sync::oneshot;

use crate::Message;
use crate::receipts::InboundMessage;
use auth::Credentials;
pub use delivery::{Delivery, DeliveryOutcome, RECEIVER_TIMEOUT, ReceiptPlan};
#[cfg(feature = "receiver")]
pub use receiver_server::ReceiverServer;

/// The largest request body the sandbox reads by default (16 MiB); larger ones get `413`.
pub const DEFAULT_MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

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
    receipts: ReceiptPlan,
    inbound_url: Option<String>,
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
    /// `successful: true`, in the order the answers were decided.
    pub fn accepted(&self) -> Vec<Message> {
        self.shared.lock().accepted.clone()
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

    /// Every delivery receipt the sandbox sent (or did not send: see [`DeliveryOutcome`]), in
    /// the order the attempts ended. After accepting a message with a `deliveryStatusUrl`, the
    /// sandbox sends its receipt there as Dynmark does, a `GET` with the fields in the query
    /// string, after the [`ReceiptPlan`]'s delay, and only to a loopback address.
    pub fn receipts(&self) -> Vec<Delivery> {
        self.shared.lock().receipts.clone()
    }

    /// Sends an inbound message (an SMS from `sender` to your number `recipient`) to the
    /// [`inbound_url`](SandboxBuilder::inbound_url), as Dynmark forwards replies; the attempt is
    /// recorded in [`inbound`](Self::inbound) once it ends. Returns the message's `msgid`, or
    /// `None` when no inbound URL is configured.
    pub fn send_inbound(&self, sender: &str, recipient: &str, content: &str) -> Option<i64> {
        let url = self.shared.inbound_url.clone()?;
        let message_id = {
            let mut state = self.shared.lock();
            state.next_inbound_id += 1;
            state.next_inbound_id
        };
        let message = InboundMessage::new(message_id, delivery::now(), sender, recipient, content);
        delivery::inbound(&self.shared, url, &message);
        Some(message_id)
    }

    /// Every inbound message the sandbox sent, in the order the attempts ended.
    pub fn inbound(&self) -> Vec<Delivery> {
        self.shared.lock().inbound.clone()
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
    /// one is answered `413 Payload Too Large`.
    pub fn max_body_bytes(mut self, limit: usize) -> SandboxBuilder {
        self.max_body_bytes = limit;
        self
    }

    /// The delivery receipts the sandbox sends to accepted messages' loopback
    /// `deliveryStatusUrl`s (default [`ReceiptPlan::default`]: at once, status `2` "Delivered").
    pub fn receipts(mut self, plan: ReceiptPlan) -> SandboxBuilder {
        self.receipts = plan;
        self
    }

    /// Where [`Sandbox::send_inbound`] sends inbound messages (Dynmark's portal setting); only
    /// a loopback URL is ever sent to.
    pub fn inbound_url(mut self, url: impl Into<String>) -> SandboxBuilder {
        self.inbound_url = Some(url.into());
        self
    }

    /// Binds `127.0.0.1` on an ephemeral port and starts serving on a new thread.
    ///
    /// # Errors
    ///
    /// When the user name is empty or contains `:` (`InvalidInput`), or the port cannot be
    /// bound, or the server's thread or runtime cannot be started.
    pub fn start(self) -> std::io::Result<Sandbox> {
        let username = self.credentials.username();
        if username.is_empty() || username.contains(':') {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "the sandbox's user name must not be empty nor contain ':' (HTTP Basic \
                 authentication cannot carry it)",
            ));
        }
        let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
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
            receipts: self.receipts,
            inbound_url: self.inbound_url,
            http: delivery::http_client()?,
            runtime: runtime.handle().clone(),
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
            receipts: ReceiptPlan::default(),
            inbound_url: None,
        }
    }
}

impl fmt::Debug for SandboxBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SandboxBuilder")
            .field("credentials", &self.credentials)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("receipts", &self.receipts)
            .field("inbound_url", &self.inbound_url.as_ref().map(|_| "<set>"))
            .finish()
    }
}

/// What the server's thread and the [`Sandbox`] handle share.
struct Shared {
    credentials: Credentials,
    max_body_bytes: usize,
    receipts: ReceiptPlan,
    inbound_url: Option<String>,
    /// Sends receipts and inbound messages (`delivery.rs`).
    http: reqwest::Client,
    /// The server's runtime, to send inbound messages from.
    runtime: tokio::runtime::Handle,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    accepted: Vec<Message>,
    calls: Vec<RecordedCall>,
    faults: VecDeque<Fault>,
    receipts: Vec<Delivery>,
    inbound: Vec<Delivery>,
    next_inbound_id: i64,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
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
