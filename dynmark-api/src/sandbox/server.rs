//! The sandbox's network side: accepts connections on its own tokio runtime, serves HTTP/1.1
//! (keep-alive) and HTTP/2 (prior knowledge, h2c) with hyper, one task per connection, applies injected faults, and hands each
//! request to [`answer`](super::answer::answer). Nothing here decides what Dynmark would say.

use std::convert::Infallible;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker, ready};

use http_body_util::{BodyExt as _, LengthLimitError, Limited};
use hyper::body::{Body, Bytes, Frame, Incoming, SizeHint};
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HeaderName, HeaderValue, RETRY_AFTER};
use hyper::{Response, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, oneshot};

use super::answer::{self, Answer};
use super::payload;
use super::routes;
use super::{Fault, RecordedCall, Shared};

/// Accepts connections until `stop` fires (or its sender is dropped).
pub(crate) async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut stop: oneshot::Receiver<()>,
) {
    loop {
        tokio::select! {
            biased;
            _ = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    tokio::spawn(connection(stream, Arc::clone(&shared)));
                }
                // Out of file descriptors, or a connection reset before it was accepted: wait a
                // little rather than spin, then keep serving.
                Err(_) => tokio::time::sleep(std::time::Duration::from_millis(10)).await,
            },
        }
    }
}

/// Serves one connection until the client closes it, or a fault closes it.
async fn connection(stream: TcpStream, shared: Arc<Shared>) {
    // Best effort: answers are small and tests wait on them.
    let _ = stream.set_nodelay(true);
    let control = Arc::new(Control::default());
    let io = Tapped {
        inner: TokioIo::new(stream),
        control: Arc::clone(&control),
    };
    let service = hyper::service::service_fn({
        let control = Arc::clone(&control);
        move |request| handle(request, Arc::clone(&shared), Arc::clone(&control))
    });
    // HTTP/1.1, or HTTP/2 with prior knowledge (h2c: the client starts with the HTTP/2
    // preface), told apart by the first bytes.
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder.http1().keep_alive(true).header_read_timeout(None);
    let served = builder.serve_connection(io, service);
    tokio::select! {
        biased;
        // Dropping the connection drops the socket: the client sees it close, and nothing more.
        () = control.close.notified() => {}
        _ = served => {}
    }
}

/// Answers one request, applying the next fault if it is for the send path. An `Err` resets the
/// HTTP/2 stream with the error's reason ([`Fault::RefusedStream`]; on HTTP/1 it closes the
/// connection).
async fn handle(
    request: hyper::Request<Incoming>,
    shared: Arc<Shared>,
    control: Arc<Control>,
) -> Result<Response<Reply>, h2::Error> {
    let (parts, body) = request.into_parts();
    let on_send_path = answer::is_send_path(parts.uri.path());
    let http2 = parts.version == hyper::Version::HTTP_2;
    let body = match read(body, shared.max_body_bytes).await {
        Ok(body) => body,
        Err(refusal) => {
            if on_send_path {
                shared.record(&refusal, refusal.status, http2);
            }
            return Ok(reply(refusal));
        }
    };
    let header = |name| parts.headers.get(name).map(HeaderValue::as_bytes);
    let incoming = routes::Incoming {
        request: answer::Request {
            method: parts.method.as_str(),
            path: parts.uri.path(),
            authorization: header(AUTHORIZATION),
            content_type: header(CONTENT_TYPE),
        },
        query: parts.uri.query(),
        prefer: parts.headers.get("prefer").map(HeaderValue::as_bytes),
    };
    let answer = routes::answer(&incoming, &body, &shared, std::time::Instant::now());
    if !on_send_path {
        return Ok(reply(answer));
    }
    // The fault is taken once the request is read (a request that could not be read leaves it
    // queued), and the call is recorded with it, before anything is sent or awaited: what was
    // received is recorded even if the client goes away.
    let fault = {
        let mut state = shared.lock();
        let fault = state.faults.pop_front();
        let (status, accepted) = match &fault {
            None | Some(Fault::Delay(_)) => (answer.status, true),
            Some(Fault::TruncatedBody) => (202, true),
            Some(Fault::Respond { status, .. }) => (final_status(*status).as_u16(), false),
            Some(Fault::DropConnection | Fault::RefusedStream) => (0, false),
            Some(Fault::Throttle { status, .. }) => (final_status(*status).as_u16(), false),
        };
        let messages = match &fault {
            Some(
                Fault::Respond { .. }
                | Fault::DropConnection
                | Fault::RefusedStream
                | Fault::Throttle { .. },
            ) => payload::parse(&body).items,
            _ => answer.messages,
        };
        if accepted {
            state.accept(&answer.accepted, shared.count_only);
        }
        state.calls.push(RecordedCall {
            messages,
            status,
            fault: fault.clone(),
            http2,
        });
        fault
    };
    match fault {
        None => Ok(reply(answer)),
        Some(Fault::RefusedStream) => Err(h2::Error::from(h2::Reason::REFUSED_STREAM)),
        Some(fault) => Ok(misbehave(fault, answer, control).await),
    }
}

/// Reads a request body of at most `limit` bytes; the answer to send instead when it cannot.
async fn read(body: Incoming, limit: usize) -> Result<Bytes, Answer> {
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) if error.downcast_ref::<LengthLimitError>().is_some() => {
            Err(Answer::payload_too_large(limit))
        }
        Err(_) => Err(Answer::unreadable_body()),
    }
}

/// Answers a read (and recorded) request on the send path as `fault` says; `answer` is what
/// the sandbox would have answered.
async fn misbehave(fault: Fault, answer: Answer, control: Arc<Control>) -> Response<Reply> {
    match fault {
        Fault::Delay(delay) => {
            tokio::time::sleep(delay).await;
            reply(answer)
        }
        Fault::Respond {
            status,
            content_type,
            body,
        } => exact(status, &content_type, body),
        Fault::Throttle {
            status,
            retry_after,
        } => {
            let mut response = exact(status, "text/plain", b"Too many requests".to_vec());
            if let Ok(value) = HeaderValue::from_str(&retry_after) {
                response.headers_mut().insert(RETRY_AFTER, value);
            }
            response
        }
        // Answered before `misbehave` (a stream reset is the service's error).
        Fault::RefusedStream | Fault::DropConnection => {
            control.close.notify_one();
            // Never answer: the connection task drops the connection instead.
            std::future::pending().await
        }
        Fault::TruncatedBody => {
            let full = Bytes::from(answer.body);
            let truncated = Truncated {
                part: Some(full.slice(..full.len() / 2)),
                announced: full.len() as u64,
                control,
                flushes_at_send: 0,
            };
            let mut response = Response::new(Reply::Truncated(truncated));
            *response.status_mut() = StatusCode::ACCEPTED;
            if let Ok(content_type) = HeaderValue::try_from(answer.content_type) {
                response.headers_mut().insert(CONTENT_TYPE, content_type);
            }
            response
        }
    }
}

impl Shared {
    /// Records a call answered with `answer` (sent with `status`), and the messages it accepted.
    fn record(&self, answer: &Answer, status: u16, http2: bool) {
        let count_only = self.count_only;
        let mut state = self.lock();
        state.accept(&answer.accepted, count_only);
        state.calls.push(RecordedCall {
            messages: answer.messages,
            status,
            fault: None,
            http2,
        });
    }
}

/// The hyper response for `answer`.
fn reply(answer: Answer) -> Response<Reply> {
    let mut response = Response::new(Reply::full(answer.body));
    *response.status_mut() =
        StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    // An empty content type (an answer without a body, `204`) is left out.
    let content_type = std::iter::once(("content-type", answer.content_type))
        .filter(|(_, value)| !value.is_empty());
    let others = answer
        .headers
        .iter()
        .map(|(name, value)| (*name, value.as_str()));
    for (name, value) in content_type.chain(others) {
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            headers.insert(name, value);
        }
    }
    response
}

/// The response a [`Fault::Respond`] asks for. A status that cannot be a final answer (below
/// 200 or above 999) becomes 500; an empty or unsendable content type is left out.
fn exact(status: u16, content_type: &str, body: Vec<u8>) -> Response<Reply> {
    let mut response = Response::new(Reply::full(body));
    *response.status_mut() = final_status(status);
    if let Ok(value) = HeaderValue::from_str(content_type)
        && !content_type.is_empty()
    {
        response.headers_mut().insert(CONTENT_TYPE, value);
    }
    response
}

/// `status` if it can be a final answer, else 500.
fn final_status(status: u16) -> StatusCode {
    StatusCode::from_u16(status)
        .ok()
        .filter(|status| !status.is_informational())
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// What a connection's parts share: the signal that closes it, and a count of completed
/// flushes (so a truncated body knows its bytes left the server before the connection closes).
#[derive(Default)]
struct Control {
    close: Notify,
    flushes: AtomicU64,
    flush_waker: Mutex<Option<Waker>>,
}

impl Control {
    fn flushes(&self) -> u64 {
        self.flushes.load(Ordering::SeqCst)
    }

    fn flushed(&self) {
        self.flushes.fetch_add(1, Ordering::SeqCst);
        let waker = self
            .flush_waker
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    fn wake_on_flush(&self, waker: &Waker) {
        *self
            .flush_waker
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(waker.clone());
    }
}

/// The socket, counting flushes. hyper flushes the socket only once its own write buffer is
/// empty, so a flush completed after a body frame was handed over means that frame was sent.
struct Tapped {
    inner: TokioIo<TcpStream>,
    control: Arc<Control>,
}

impl hyper::rt::Read for Tapped {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl hyper::rt::Write for Tapped {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let flushed = ready!(Pin::new(&mut this.inner).poll_flush(cx));
        if flushed.is_ok() {
            this.control.flushed();
        }
        Poll::Ready(flushed)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }
}

/// A response body: complete, or cut short by [`Fault::TruncatedBody`].
enum Reply {
    Full(Option<Bytes>),
    Truncated(Truncated),
}

impl Reply {
    fn full(body: Vec<u8>) -> Reply {
        Reply::Full(Some(Bytes::from(body)).filter(|body| !body.is_empty()))
    }
}

/// Announces `announced` bytes, sends `part` (fewer), and once they are flushed closes the
/// connection.
struct Truncated {
    part: Option<Bytes>,
    announced: u64,
    control: Arc<Control>,
    flushes_at_send: u64,
}

impl Body for Reply {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match self.get_mut() {
            Reply::Full(body) => Poll::Ready(body.take().map(|body| Ok(Frame::data(body)))),
            Reply::Truncated(truncated) => {
                if let Some(part) = truncated.part.take() {
                    truncated.flushes_at_send = truncated.control.flushes();
                    return Poll::Ready(Some(Ok(Frame::data(part))));
                }
                // Register first, then check: a flush in between still wakes us.
                truncated.control.wake_on_flush(cx.waker());
                if truncated.control.flushes() > truncated.flushes_at_send {
                    truncated.control.close.notify_one();
                }
                Poll::Pending
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            Reply::Full(body) => body.is_none(),
            Reply::Truncated(_) => false,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Reply::Full(body) => {
                SizeHint::with_exact(body.as_ref().map_or(0, |body| body.len() as u64))
            }
            Reply::Truncated(truncated) => SizeHint::with_exact(truncated.announced),
        }
    }
}
