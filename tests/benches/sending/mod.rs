//! What `benches/send.rs` and the paired comparison `examples/send_paired.rs` share: the 10,000
//! messages, the cheap server, the hand-written baselines, and one timed run of each variant.

use std::convert::Infallible;
use std::hint::black_box;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use base64::Engine as _;
use dynmark_api::{Client, Message, MessageResult};
use futures_util::StreamExt as _;
use http_body_util::{BodyExt as _, Full};
use hyper::body::Bytes;

pub const MESSAGES: usize = 10_000;
pub const PER_CALL: usize = 250;
pub const USER: &str = "bench-user";
pub const PASSWORD: &str = "bench-password";

pub fn messages() -> Vec<Message> {
    (0..MESSAGES)
        .map(|i| {
            Message::to(format!("4477009{i:05}"))
                .from("Example")
                .body("Hello, this is a test message")
                .with_client_ref(format!("bench-{i}"))
        })
        .collect()
}

// ---- the cheap server ----

/// A loopback server on its own thread and runtime: checks the `Authorization` header, counts
/// the items of the JSON array (one `{` each: the messages have no nested objects) and answers
/// a ready-made `202` body with that many results. Stops when dropped.
pub struct CheapServer {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl CheapServer {
    pub fn start() -> CheapServer {
        let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("binds");
        listener.set_nonblocking(true).expect("non-blocking");
        let addr = listener.local_addr().expect("an address");
        let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
        let expected = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"))
        );
        let answers = Arc::new(Answers::new());
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                let expected = Arc::new(expected);
                loop {
                    tokio::select! {
                        _ = &mut stopped => break,
                        accepted = listener.accept() => {
                            let Ok((stream, _)) = accepted else { continue };
                            let _ = stream.set_nodelay(true);
                            let (expected, answers) = (Arc::clone(&expected), Arc::clone(&answers));
                            tokio::spawn(async move {
                                let service = hyper::service::service_fn(move |request| {
                                    answer(request, Arc::clone(&expected), Arc::clone(&answers))
                                });
                                let _ = hyper::server::conn::http1::Builder::new()
                                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                                    .await;
                            });
                        }
                    }
                }
            });
        });
        CheapServer {
            addr,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn send_url(&self) -> String {
        format!("{}/webapi/message/send", self.base_url())
    }
}

impl Drop for CheapServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Ready-made answers: `[{"to":"447700900000","successful":true}, ...]` for 1 to 250 items.
pub struct Answers(Vec<Bytes>);

impl Answers {
    fn new() -> Answers {
        let one = r#"{"to":"447700900000","successful":true}"#;
        Answers(
            (0..=PER_CALL)
                .map(|n| Bytes::from(format!("[{}]", vec![one; n].join(","))))
                .collect(),
        )
    }
}

pub async fn answer(
    request: hyper::Request<hyper::body::Incoming>,
    expected: Arc<String>,
    answers: Arc<Answers>,
) -> Result<hyper::Response<Full<Bytes>>, Infallible> {
    let authorized = request
        .headers()
        .get(hyper::header::AUTHORIZATION)
        .is_some_and(|value| value.as_bytes() == expected.as_bytes());
    let body = match request.into_body().collect().await {
        Ok(body) => body.to_bytes(),
        Err(_) => Bytes::new(),
    };
    let items = body.iter().filter(|&&b| b == b'{').count();
    let mut response = hyper::Response::new(Full::new(Bytes::new()));
    match answers.0.get(items) {
        Some(ready) if authorized && items > 0 => {
            *response.body_mut() = Full::new(ready.clone());
            *response.status_mut() = hyper::StatusCode::ACCEPTED;
            response.headers_mut().insert(
                hyper::header::CONTENT_TYPE,
                hyper::header::HeaderValue::from_static("application/json; charset=utf-8"),
            );
        }
        _ if !authorized => *response.status_mut() = hyper::StatusCode::UNAUTHORIZED,
        _ => *response.status_mut() = hyper::StatusCode::BAD_REQUEST,
    }
    Ok(response)
}

// ---- baselines ----

pub async fn post(http: &reqwest::Client, url: &str, body: Vec<u8>) -> Vec<MessageResult> {
    let response = http
        .post(url)
        .basic_auth(USER, Some(PASSWORD))
        .header("content-type", "application/json")
        .header("accept", "application/json")
        .body(body)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 202);
    let bytes = response.bytes().await.expect("read");
    serde_json::from_slice(&bytes).expect("parsed")
}

/// What one would write by hand with reqwest and serde_json: the loop serializes each body,
/// `buffer_unordered` keeps `in_flight` calls going. Returns whether each message was accepted.
pub async fn baseline(
    http: &reqwest::Client,
    url: &str,
    messages: Vec<Message>,
    in_flight: usize,
) -> Vec<bool> {
    let calls = messages.chunks(PER_CALL).enumerate().map(|(call, chunk)| {
        let body = serde_json::to_vec(chunk).expect("serializes");
        async move { (call, post(http, url, body).await) }
    });
    tally(
        futures_util::stream::iter(calls).buffer_unordered(in_flight),
        MESSAGES,
    )
    .await
}

/// The same loop with each body serialized inside its call's future, from the call's own
/// messages (the shape of a progenitor-generated client).
pub async fn baseline_in_future(
    http: &reqwest::Client,
    url: &str,
    messages: Vec<Message>,
    in_flight: usize,
) -> Vec<bool> {
    let total = messages.len();
    let mut messages = messages.into_iter();
    let calls = (0..total.div_ceil(PER_CALL)).map(move |call| {
        let chunk: Vec<Message> = messages.by_ref().take(PER_CALL).collect();
        async move {
            let body = serde_json::to_vec(&chunk).expect("serializes");
            (call, post(http, url, body).await)
        }
    });
    tally(
        futures_util::stream::iter(calls).buffer_unordered(in_flight),
        total,
    )
    .await
}

pub async fn tally(
    mut answers: impl futures_util::Stream<Item = (usize, Vec<MessageResult>)> + Unpin,
    total: usize,
) -> Vec<bool> {
    let mut accepted = vec![false; total];
    while let Some((call, results)) = answers.next().await {
        for (i, result) in results.into_iter().enumerate() {
            accepted[call * PER_CALL + i] = result.successful;
        }
    }
    accepted
}

/// `reqwest::blocking` with a pool of `threads` threads taking calls in turn.
pub fn blocking_baseline(
    http: &reqwest::blocking::Client,
    url: &str,
    messages: Vec<Message>,
    threads: usize,
) -> Vec<bool> {
    let chunks: Vec<&[Message]> = messages.chunks(PER_CALL).collect();
    let next = AtomicUsize::new(0);
    let mut accepted = vec![false; messages.len()];
    let answers: Vec<(usize, Vec<MessageResult>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let call = next.fetch_add(1, Ordering::Relaxed);
                        let Some(chunk) = chunks.get(call) else { break };
                        let body = serde_json::to_vec(chunk).expect("serializes");
                        let response = http
                            .post(url)
                            .basic_auth(USER, Some(PASSWORD))
                            .header("content-type", "application/json")
                            .header("accept", "application/json")
                            .body(body)
                            .send()
                            .expect("sent");
                        assert_eq!(response.status(), 202);
                        let bytes = response.bytes().expect("read");
                        done.push((call, serde_json::from_slice(&bytes).expect("parsed")));
                    }
                    done
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| worker.join().expect("worker"))
            .collect()
    });
    for (call, results) in answers {
        for (i, result) in results.into_iter().enumerate() {
            accepted[call * PER_CALL + i] = result.successful;
        }
    }
    accepted
}

pub fn client(server: &CheapServer, in_flight: usize, validate: bool) -> Client {
    Client::builder()
        .credentials(USER, PASSWORD)
        .base_url(server.base_url())
        .calls_in_flight(in_flight)
        .validate_locally(validate)
        .build()
        .expect("client")
}

/// The runtime the async sides run on: 2 workers, as many as the machine's cores.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

/// One side of the comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// Our async `send`, local validation on.
    Send,
    /// Our async `send` without local validation.
    SendUnvalidated,
    /// Our `send_stream`, outcomes counted as they come.
    Stream,
    /// The plain reqwest + serde_json loop.
    Baseline,
    /// The same loop serializing inside each call's future (progenitor's shape).
    BaselineInFuture,
    /// Our blocking `send`.
    Blocking,
    /// `reqwest::blocking` with a pool of as many threads as calls in flight.
    BlockingPool,
}

impl Variant {
    /// Every variant, in the order the comparison runs them.
    pub const ALL: [Variant; 7] = [
        Variant::Send,
        Variant::SendUnvalidated,
        Variant::Stream,
        Variant::Baseline,
        Variant::BaselineInFuture,
        Variant::Blocking,
        Variant::BlockingPool,
    ];

    /// Its name in criterion's IDs and the comparison's lines.
    pub fn name(self) -> &'static str {
        match self {
            Variant::Send => "dynmark",
            Variant::SendUnvalidated => "dynmark_unvalidated",
            Variant::Stream => "dynmark_stream",
            Variant::Baseline => "baseline",
            Variant::BaselineInFuture => "baseline_in_future",
            Variant::Blocking => "dynmark_blocking",
            Variant::BlockingPool => "reqwest_blocking_pool",
        }
    }

    /// Sends `messages` `iterations` times with `in_flight` calls in flight to a fresh cheap
    /// server (async variants on `runtime`), checking every message was accepted; the time the
    /// sends took (the server's start and the client's building left out).
    pub fn time(
        self,
        runtime: &tokio::runtime::Runtime,
        messages: &[Message],
        in_flight: usize,
        iterations: u64,
    ) -> Duration {
        let server = CheapServer::start();
        match self {
            Variant::Send | Variant::SendUnvalidated | Variant::Stream => {
                let client = client(&server, in_flight, self != Variant::SendUnvalidated);
                runtime.block_on(async {
                    let start = Instant::now();
                    for _ in 0..iterations {
                        if self == Variant::Stream {
                            let input = futures_util::stream::iter(messages.to_vec());
                            let mut outcomes = client.send_stream(input);
                            let mut accepted = 0;
                            while let Some(done) = outcomes.next().await {
                                accepted += usize::from(done.outcome.is_accepted());
                            }
                            assert_eq!(accepted, messages.len());
                        } else {
                            let report = client.send(messages.to_vec()).await.expect("sent");
                            assert!(report.all_accepted());
                            black_box(report);
                        }
                    }
                    start.elapsed()
                })
            }
            Variant::Baseline | Variant::BaselineInFuture => {
                let http = reqwest::Client::builder()
                    .no_proxy()
                    .build()
                    .expect("client");
                let url = server.send_url();
                runtime.block_on(async {
                    let start = Instant::now();
                    for _ in 0..iterations {
                        let accepted = if self == Variant::BaselineInFuture {
                            baseline_in_future(&http, &url, messages.to_vec(), in_flight).await
                        } else {
                            baseline(&http, &url, messages.to_vec(), in_flight).await
                        };
                        assert!(accepted.iter().all(|a| *a));
                        black_box(accepted);
                    }
                    start.elapsed()
                })
            }
            Variant::Blocking => {
                let client = dynmark_api::blocking::Client::builder()
                    .credentials(USER, PASSWORD)
                    .base_url(server.base_url())
                    .calls_in_flight(in_flight)
                    .build()
                    .expect("client");
                let start = Instant::now();
                for _ in 0..iterations {
                    let report = client.send(messages.to_vec()).expect("sent");
                    assert!(report.all_accepted());
                    black_box(report);
                }
                start.elapsed()
            }
            Variant::BlockingPool => {
                let http = reqwest::blocking::Client::builder()
                    .no_proxy()
                    .build()
                    .expect("client");
                let url = server.send_url();
                let start = Instant::now();
                for _ in 0..iterations {
                    let accepted = blocking_baseline(&http, &url, messages.to_vec(), in_flight);
                    assert!(accepted.iter().all(|a| *a));
                    black_box(accepted);
                }
                start.elapsed()
            }
        }
    }
}
