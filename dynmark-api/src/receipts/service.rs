//! [`ReceiverService`] (feature `receiver`): a [`Receiver`] as a `tower::Service`, answering
//! every request at once and handing what it read to a queue, so the user's work never delays
//! the answer Dynmark waits for (10 s at most).

use std::convert::Infallible;
use std::future::{Ready, ready};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body_util::Full;
use tokio::sync::mpsc;

use super::receiver::{Received, Receiver, Rejection};

/// How many received items wait for the handler, by default, before requests are answered `503`.
pub const DEFAULT_QUEUE_CAPACITY: usize = 1024;

/// A [`Receiver`] as a [`tower_service::Service`] over [`http::Request`]s: mount it in axum
/// (`Router::route_service`), hyper (`hyper_util::service::TowerToHyperService`) or any tower
/// stack. Cloning it shares the queue.
///
/// It answers each request as soon as it is read, never waiting for your code: `200` once the
/// receipt or inbound message is queued for your handler, the [`Rejection`]'s status and text
/// otherwise (see [`Receiver`]), and `503` when the queue is full or its reader is gone. Every
/// refusal is logged (the `log` crate, target `dynmark_api::receipts`), without the request's
/// path, which holds the token.
#[derive(Clone, Debug)]
pub struct ReceiverService {
    receiver: Arc<Receiver>,
    queue: mpsc::Sender<Received>,
}

/// The reading end of a [`ReceiverService`]'s queue: every receipt and inbound message it
/// answered `200`, in the order they came.
#[derive(Debug)]
pub struct Deliveries {
    queue: mpsc::Receiver<Received>,
}

impl Deliveries {
    /// The next item; `None` once every clone of the service is dropped and the queue is empty.
    pub async fn recv(&mut self) -> Option<Received> {
        self.queue.recv().await
    }

    /// The next item if one is waiting.
    pub fn try_recv(&mut self) -> Option<Received> {
        self.queue.try_recv().ok()
    }
}

impl ReceiverService {
    /// The service and its queue ([`DEFAULT_QUEUE_CAPACITY`] items).
    pub fn new(receiver: Receiver) -> (ReceiverService, Deliveries) {
        ReceiverService::with_capacity(receiver, DEFAULT_QUEUE_CAPACITY)
    }

    /// The service and a queue of `capacity` items (at least 1).
    pub fn with_capacity(receiver: Receiver, capacity: usize) -> (ReceiverService, Deliveries) {
        let (queue, deliveries) = mpsc::channel(capacity.max(1));
        (
            ReceiverService {
                receiver: Arc::new(receiver),
                queue,
            },
            Deliveries { queue: deliveries },
        )
    }

    /// The service, with `handler` called for each item on a thread of its own (named
    /// `dynmark-receiver`), one item at a time, in order; it may block as long as it likes. A
    /// panic in `handler` is caught and logged, and the thread goes on with the next item. The
    /// thread ends once every clone of the service is dropped.
    ///
    /// # Errors
    ///
    /// When the thread cannot be started.
    pub fn with_handler(
        receiver: Receiver,
        mut handler: impl FnMut(Received) + Send + 'static,
    ) -> std::io::Result<ReceiverService> {
        let (service, mut deliveries) = ReceiverService::new(receiver);
        std::thread::Builder::new()
            .name("dynmark-receiver".into())
            .spawn(move || {
                while let Some(received) = deliveries.queue.blocking_recv() {
                    if catch_unwind(AssertUnwindSafe(|| handler(received))).is_err() {
                        log::error!(target: "dynmark_api::receipts", "the receipt handler panicked; going on with the next item");
                    }
                }
            })?;
        Ok(service)
    }

    /// The answer to one request (what [`call`](tower_service::Service::call) sends), queueing
    /// what it read.
    pub fn answer(
        &self,
        method: &str,
        path: &str,
        query: Option<&str>,
    ) -> http::Response<Full<Bytes>> {
        let query = query.unwrap_or_default().as_bytes();
        match self.receiver.receive_parts(method, path, query) {
            Ok(received) => match self.queue.try_send(received) {
                Ok(()) => text(200, "OK"),
                Err(mpsc::error::TrySendError::Full(_)) => {
                    log::warn!(target: "dynmark_api::receipts", "the receipt queue is full: answered 503");
                    text(503, "busy: the receiver's queue is full")
                }
                Err(mpsc::error::TrySendError::Closed(_)) => {
                    log::warn!(target: "dynmark_api::receipts", "nothing reads the receipt queue any more: answered 503");
                    text(503, "unavailable: nothing reads the receiver's queue")
                }
            },
            Err(rejection) => {
                log::warn!(target: "dynmark_api::receipts", "refused a request ({}): {rejection}", rejection.status());
                let mut response = text(rejection.status(), &rejection.to_string());
                if rejection == Rejection::MethodNotAllowed {
                    response
                        .headers_mut()
                        .insert(http::header::ALLOW, http::HeaderValue::from_static("GET"));
                }
                response
            }
        }
    }
}

fn text(status: u16, body: &str) -> http::Response<Full<Bytes>> {
    let mut response = http::Response::new(Full::new(Bytes::from(body.to_owned())));
    *response.status_mut() =
        http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

impl<B> tower_service::Service<http::Request<B>> for ReceiverService {
    type Response = http::Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = Ready<Result<http::Response<Full<Bytes>>, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let uri = request.uri();
        ready(Ok(self.answer(
            request.method().as_str(),
            uri.path(),
            uri.query(),
        )))
    }
}
