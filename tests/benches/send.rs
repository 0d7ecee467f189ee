//! Sending 10,000 valid messages on loopback, measuring the client, not the server: a server
//! cheap enough that the clients saturate first (it checks the `Authorization` header, counts
//! the items and answers a ready-made body), beside two hand-written baselines in the same run.
//!
//! `cargo bench -p dynmark-tests --bench send`; figures in BENCHMARKS.md (`## Sending`).
//!
//! - `send`: our async client (`send`, validation on and off, and `send_stream`), the plain
//!   reqwest + serde_json loop (bodies serialized by the loop), and the same loop serializing
//!   inside each call's future (the shape of a progenitor-generated client), at 1, 4 and 16
//!   calls in flight.
//! - `send_blocking`: our blocking client and a `reqwest::blocking` baseline with a pool of as
//!   many threads as calls in flight.
//! - `prepare`: our CPU work outside I/O (validate, split, serialize).
//! - `sandbox_400`: the sandbox answering a body of 2,000 or 8,000 invalid items (its `400`).
//!
//! Every side clones the 10,000 messages inside the timed loop (ours takes them by value);
//! each criterion sample starts a fresh server and a fresh client.

use std::convert::Infallible;
use std::hint::black_box;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use base64::Engine as _;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use dynmark_api::operations::SendMessages;
use dynmark_api::protocol::{BaseUrl, Batch, BatchOptions, Endpoint};
use dynmark_api::sandbox::Sandbox;
use dynmark_api::{Client, Credentials, Message, MessageResult};
use futures_util::StreamExt as _;
use http_body_util::{BodyExt as _, Full};
use hyper::body::Bytes;

const MESSAGES: usize = 10_000;
const PER_CALL: usize = 250;
const USER: &str = "bench-user";
const PASSWORD: &str = "bench-password";

fn messages() -> Vec<Message> {
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
struct CheapServer {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl CheapServer {
    fn start() -> CheapServer {
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

    fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn send_url(&self) -> String {
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
struct Answers(Vec<Bytes>);

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

async fn answer(
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

async fn post(http: &reqwest::Client, url: &str, body: Vec<u8>) -> Vec<MessageResult> {
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
async fn baseline(
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
async fn baseline_in_future(
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

async fn tally(
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
fn blocking_baseline(
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

// ---- the groups ----

fn client(server: &CheapServer, in_flight: usize, validate: bool) -> Client {
    Client::builder()
        .credentials(USER, PASSWORD)
        .base_url(server.base_url())
        .calls_in_flight(in_flight)
        .validate_locally(validate)
        .build()
        .expect("client")
}

fn send(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let messages = messages();
    let mut group = c.benchmark_group("send");
    group.throughput(Throughput::Elements(MESSAGES as u64));
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(3));
    for in_flight in [1, 4, 16] {
        // Ours: `send` with its defaults, without local validation, and the streaming send.
        for (name, validate, stream) in [
            ("dynmark", true, false),
            ("dynmark_unvalidated", false, false),
            ("dynmark_stream", true, true),
        ] {
            group.bench_with_input(
                BenchmarkId::new(name, in_flight),
                &in_flight,
                |b, &in_flight| {
                    b.iter_custom(|iterations| {
                        let server = CheapServer::start();
                        let client = client(&server, in_flight, validate);
                        runtime.block_on(async {
                            let start = Instant::now();
                            for _ in 0..iterations {
                                if stream {
                                    let input = futures_util::stream::iter(messages.clone());
                                    let mut outcomes = client.send_stream(input);
                                    let mut accepted = 0;
                                    while let Some(done) = outcomes.next().await {
                                        accepted += usize::from(done.outcome.is_accepted());
                                    }
                                    assert_eq!(accepted, MESSAGES);
                                } else {
                                    let report = client.send(messages.clone()).await.expect("sent");
                                    assert!(report.all_accepted());
                                    black_box(report);
                                }
                            }
                            start.elapsed()
                        })
                    });
                },
            );
        }
        for (name, in_future) in [("baseline", false), ("baseline_in_future", true)] {
            group.bench_with_input(
                BenchmarkId::new(name, in_flight),
                &in_flight,
                |b, &in_flight| {
                    b.iter_custom(|iterations| {
                        let server = CheapServer::start();
                        let http = reqwest::Client::builder()
                            .no_proxy()
                            .build()
                            .expect("client");
                        let url = server.send_url();
                        runtime.block_on(async {
                            let start = Instant::now();
                            for _ in 0..iterations {
                                let accepted = if in_future {
                                    baseline_in_future(&http, &url, messages.clone(), in_flight)
                                        .await
                                } else {
                                    baseline(&http, &url, messages.clone(), in_flight).await
                                };
                                assert!(accepted.iter().all(|a| *a));
                                black_box(accepted);
                            }
                            start.elapsed()
                        })
                    });
                },
            );
        }
    }
    group.finish();
}

fn send_blocking(c: &mut Criterion) {
    let messages = messages();
    let mut group = c.benchmark_group("send_blocking");
    group.throughput(Throughput::Elements(MESSAGES as u64));
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(3));
    for in_flight in [1, 4, 16] {
        group.bench_with_input(
            BenchmarkId::new("dynmark_blocking", in_flight),
            &in_flight,
            |b, &in_flight| {
                b.iter_custom(|iterations| {
                    let server = CheapServer::start();
                    let client = dynmark_api::blocking::Client::builder()
                        .credentials(USER, PASSWORD)
                        .base_url(server.base_url())
                        .calls_in_flight(in_flight)
                        .build()
                        .expect("client");
                    let start = Instant::now();
                    for _ in 0..iterations {
                        let report = client.send(messages.clone()).expect("sent");
                        assert!(report.all_accepted());
                        black_box(report);
                    }
                    start.elapsed()
                });
            },
        );
        group.bench_with_input(
            BenchmarkId::new("reqwest_blocking_pool", in_flight),
            &in_flight,
            |b, &in_flight| {
                b.iter_custom(|iterations| {
                    let server = CheapServer::start();
                    let http = reqwest::blocking::Client::builder()
                        .no_proxy()
                        .build()
                        .expect("client");
                    let url = server.send_url();
                    let start = Instant::now();
                    for _ in 0..iterations {
                        let accepted = blocking_baseline(&http, &url, messages.clone(), in_flight);
                        assert!(accepted.iter().all(|a| *a));
                        black_box(accepted);
                    }
                    start.elapsed()
                });
            },
        );
    }
    group.finish();
}

/// The CPU work of our client outside I/O, for the same 10,000 messages: cloning them, local
/// validation, the split and the 40 request bodies (`Batch::poll_call`).
fn prepare(c: &mut Criterion) {
    let messages = messages();
    let endpoint = Endpoint::new(
        BaseUrl::parse("http://127.0.0.1:1", false).expect("base URL"),
        Credentials::new(USER, PASSWORD),
    );
    let mut group = c.benchmark_group("prepare");
    group.throughput(Throughput::Elements(MESSAGES as u64));
    group.sample_size(20);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(2));
    for validate in [true, false] {
        let name = if validate {
            "validate_split_serialize"
        } else {
            "split_serialize"
        };
        group.bench_function(name, |b| {
            b.iter(|| {
                let options = BatchOptions {
                    validate,
                    call_size: PER_CALL,
                };
                let mut batch = Batch::<SendMessages>::new(options, usize::MAX);
                batch.fill(&mut messages.clone().into_iter());
                while let Some(call) = batch.poll_call(&endpoint, Instant::now()) {
                    black_box(call);
                }
                batch
            });
        });
    }
    group.finish();
}

/// The sandbox's `400` for a body of `n` items that each name an unknown member (one failure
/// each, with its line and position), over HTTP.
fn sandbox_400(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let sandbox = Sandbox::builder()
        .max_body_bytes(64 * 1024 * 1024)
        .start()
        .expect("sandbox");
    let http = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let mut group = c.benchmark_group("sandbox_400");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(3));
    for n in [2_000, 8_000] {
        let item = r#"{"toa":"447700900000","from":"Example","body":"Hello"}"#;
        let body = format!("[\n{}\n]", vec![item; n].join(",\n"));
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &body, |b, body| {
            b.iter(|| {
                runtime.block_on(async {
                    let response = http
                        .post(sandbox.send_url())
                        .basic_auth(Sandbox::USERNAME, Some(Sandbox::PASSWORD))
                        .header("content-type", "application/json")
                        .body(body.clone())
                        .send()
                        .await
                        .expect("sent");
                    assert_eq!(response.status(), 400);
                    let bytes = response.bytes().await.expect("read");
                    let failures: Vec<serde_json::Value> =
                        serde_json::from_slice(&bytes).expect("a list of failures");
                    assert_eq!(failures.len(), n);
                    black_box(failures)
                })
            });
        });
    }
    group.finish();
}

criterion_group!(benches, send, send_blocking, prepare, sandbox_400);
criterion_main!(benches);
