//! Sending 10,000 valid messages to the sandbox on loopback with our async client, beside a
//! hand-written baseline (reqwest + serde_json: the same calls of 250, the same number in flight,
//! no validation, no report), at 1, 4 and 16 calls in flight.
//!
//! `cargo bench -p dynmark-tests --bench send`; figures in BENCHMARKS.md (`## Sending`).
//!
//! Each sample starts a fresh sandbox (it keeps every accepted message) and a fresh client; both
//! sides clone the 10,000 messages inside the timed loop (ours takes them by value).

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use dynmark_api::operations::SendMessages;
use dynmark_api::protocol::{BaseUrl, Batch, BatchOptions, Endpoint};
use dynmark_api::sandbox::Sandbox;
use dynmark_api::{Client, Credentials, Message, MessageResult};
use futures_util::StreamExt as _;

const MESSAGES: usize = 10_000;
const PER_CALL: usize = 250;

fn messages() -> Vec<Message> {
    (0..MESSAGES)
        .map(|i| {
            Message::new(
                format!("4477009{i:05}"),
                "Example",
                "Hello, this is a test message",
            )
            .with_client_ref(format!("bench-{i}"))
        })
        .collect()
}

/// The baseline: what one would write by hand with reqwest and serde_json. Returns, in input
/// order, whether each message was accepted.
async fn baseline(
    http: &reqwest::Client,
    url: &str,
    messages: Vec<Message>,
    in_flight: usize,
) -> Vec<bool> {
    let calls = messages.chunks(PER_CALL).enumerate().map(|(call, chunk)| {
        let body = serde_json::to_vec(chunk).expect("serializes");
        async move {
            let response = http
                .post(url)
                .basic_auth(Sandbox::USERNAME, Some(Sandbox::PASSWORD))
                .header("content-type", "application/json")
                .header("accept", "application/json")
                .body(body)
                .send()
                .await
                .expect("sent");
            assert_eq!(response.status(), 202);
            let bytes = response.bytes().await.expect("read");
            let results: Vec<MessageResult> = serde_json::from_slice(&bytes).expect("parsed");
            (call, results)
        }
    });
    let mut accepted = vec![false; messages.len()];
    let mut answers = futures_util::stream::iter(calls).buffer_unordered(in_flight);
    while let Some((call, results)) = answers.next().await {
        for (i, result) in results.into_iter().enumerate() {
            accepted[call * PER_CALL + i] = result.successful;
        }
    }
    accepted
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
    group.sample_size(15);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));
    for in_flight in [1, 4, 16] {
        // Ours with its defaults, then without local validation (to show what validating costs).
        for (name, validate) in [("dynmark", true), ("dynmark_unvalidated", false)] {
            group.bench_with_input(
                BenchmarkId::new(name, in_flight),
                &in_flight,
                |b, &in_flight| {
                    b.iter_custom(|iterations| {
                        let sandbox = Sandbox::start().expect("sandbox");
                        let client = Client::builder()
                            .credentials(Sandbox::USERNAME, Sandbox::PASSWORD)
                            .base_url(sandbox.base_url())
                            .calls_in_flight(in_flight)
                            .validate_locally(validate)
                            .build()
                            .expect("client");
                        runtime.block_on(async {
                            let start = Instant::now();
                            for _ in 0..iterations {
                                let report = client.send(messages.clone()).await.expect("sent");
                                assert!(report.all_accepted());
                                black_box(report);
                            }
                            start.elapsed()
                        })
                    });
                },
            );
        }
        group.bench_with_input(
            BenchmarkId::new("baseline", in_flight),
            &in_flight,
            |b, &in_flight| {
                b.iter_custom(|iterations| {
                    let sandbox = Sandbox::start().expect("sandbox");
                    let http = reqwest::Client::builder()
                        .no_proxy()
                        .build()
                        .expect("client");
                    let url = sandbox.send_url();
                    runtime.block_on(async {
                        let start = Instant::now();
                        for _ in 0..iterations {
                            let accepted = baseline(&http, &url, messages.clone(), in_flight).await;
                            assert!(accepted.iter().all(|a| *a));
                            black_box(accepted);
                        }
                        start.elapsed()
                    })
                });
            },
        );
    }
    group.finish();
}

/// The CPU work of our client outside I/O, for the same 10,000 messages: cloning them, local
/// validation, the split and the 40 request bodies (`Batch::next_call`).
fn prepare(c: &mut Criterion) {
    let messages = messages();
    let endpoint = Endpoint::new(
        BaseUrl::parse("http://127.0.0.1:1", false).expect("base URL"),
        Credentials::new(Sandbox::USERNAME, Sandbox::PASSWORD),
    );
    let mut group = c.benchmark_group("prepare");
    group.throughput(Throughput::Elements(MESSAGES as u64));
    group.sample_size(20);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(3));
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

criterion_group!(benches, send, prepare);
criterion_main!(benches);
