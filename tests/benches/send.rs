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
//! each criterion sample starts a fresh server and a fresh client. The server, the baselines
//! and the timed runs are `sending/mod.rs`, shared with `examples/send_paired.rs`, which runs
//! the variants in turns and compares each with the baseline of the same turn.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use dynmark_api::Credentials;
use dynmark_api::operations::SendMessages;
use dynmark_api::protocol::{BaseUrl, Batch, BatchOptions, Endpoint};
use dynmark_api::sandbox::Sandbox;

mod sending;

use sending::{MESSAGES, PASSWORD, PER_CALL, USER, Variant, messages};

/// Our async sends and the two async baselines.
fn send(c: &mut Criterion) {
    sends(c, "send", &Variant::ALL[..5]);
}

/// Our blocking send and the blocking pool.
fn send_blocking(c: &mut Criterion) {
    sends(c, "send_blocking", &Variant::ALL[5..]);
}

fn sends(c: &mut Criterion, name: &str, variants: &[Variant]) {
    let runtime = sending::runtime();
    let messages = messages();
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Elements(MESSAGES as u64));
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(3));
    for in_flight in [1, 4, 16] {
        for variant in variants {
            group.bench_with_input(
                BenchmarkId::new(variant.name(), in_flight),
                &in_flight,
                |b, &in_flight| {
                    b.iter_custom(|iterations| {
                        variant.time(&runtime, &messages, in_flight, iterations)
                    });
                },
            );
        }
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
