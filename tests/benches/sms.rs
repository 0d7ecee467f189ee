//! Encoding and parts of a 250-message batch (`dynmark_api::sms::Parts::of`), beside the
//! validation bench's batch size, with baselines in the same run: the naive formula most
//! libraries use (one pass to choose the encoding, one to count, `ceil(units / 153)`, which is
//! wrong at the boundaries: see `shared/sms-parts.md`), and the validation of the same messages.
//!
//! `cargo bench -p dynmark-tests --bench sms`; figures in BENCHMARKS.md (`## Encoding and parts`).

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use dynmark_api::Message;
use dynmark_api::dry_run::{DryRunMessage, DryRunTotals};
use dynmark_api::sms::{Parts, alphabet};
use dynmark_api::validation::Validate;

/// Realistic bodies: most GSM-7 and one part, one long, two UCS-2 (an emoji, a smart quote).
const BODIES: &[&str] = &[
    "Hello, this is a test message",
    "Your appointment at the clinic is confirmed for Tuesday 14 May at 10:30. Reply STOP to opt out.",
    "Café Rive Gauche: your table for 2 is ready. Total deposit 15€, refundable until 18:00.",
    "Your parcel 7731-XK will be delivered today between 12:00 and 14:00. Track it at https://t.example/7731",
    "Code de vérification : 482913. Il expire dans 10 minutes. Ne le partagez avec personne.",
    "Dear customer, your monthly statement is now available. Your balance is £1,204.33 and your next payment of £120.00 is due on 1 June. Log in to see the details of every transaction, or call us on 0800 123 456 [Mon-Fri 8:00-20:00] if you have any questions about your account.",
    "Thanks for your order! 🎉 It ships tomorrow.",
    "We’re open until 9pm tonight — see you soon",
];

fn batch() -> Vec<Message> {
    (0..250)
        .map(|i| {
            Message::to(format!("4477009{i:05}"))
                .from("Example")
                .body(BODIES[i % BODIES.len()])
        })
        .collect()
}

/// The usual formula: GSM-7 or not, the length in that encoding's units, then `ceil`.
fn naive_parts(body: &str) -> usize {
    let (units, single, multi) = if body.chars().all(alphabet::is_gsm7_char) {
        let septets: usize = body.chars().filter_map(alphabet::septets).sum();
        (septets, 160, 153)
    } else {
        (body.encode_utf16().count(), 70, 67)
    };
    if units <= single {
        1
    } else {
        units.div_ceil(multi)
    }
}

fn bench(c: &mut Criterion) {
    let messages = batch();
    // These bodies are not at a boundary: the naive formula agrees with the standard's split.
    let ours: usize = messages.iter().map(|m| Parts::of(&m.body).count()).sum();
    let naive: usize = messages.iter().map(|m| naive_parts(&m.body)).sum();
    assert_eq!(ours, naive);
    // 31 of the 250 are the long body, 2 parts.
    assert_eq!(ours, 250 + 31);
    assert!(messages.validate().is_ok());

    let mut group = c.benchmark_group("parts_250");
    group.bench_function("dynmark", |b| {
        b.iter(|| {
            black_box(&messages)
                .iter()
                .map(|m| Parts::of(&m.body).count())
                .sum::<usize>()
        })
    });
    group.bench_function("naive_formula", |b| {
        b.iter(|| {
            black_box(&messages)
                .iter()
                .map(|m| naive_parts(&m.body))
                .sum::<usize>()
        })
    });
    group.bench_function("validate", |b| b.iter(|| black_box(&messages).validate()));
    group.bench_function("dry_run_totals", |b| {
        b.iter(|| {
            let mut totals = DryRunTotals::new();
            for (index, message) in black_box(&messages).iter().enumerate() {
                totals.add(&DryRunMessage::of(index, message));
            }
            totals
        })
    });
    group.finish();

    // One body of each kind on its own, to show where the time goes.
    let mut group = c.benchmark_group("parts_one");
    for (name, body) in [
        ("gsm7_29_chars", BODIES[0]),
        ("gsm7_274_chars_2_parts", BODIES[5]),
        ("ucs2_emoji_44_chars", BODIES[6]),
    ] {
        group.bench_function(name, |b| b.iter(|| Parts::of(black_box(body))));
    }
    // A floor for any exact count: one pass decoding each character (its UTF-16 length).
    group.bench_function("baseline_utf16_len_274_chars", |b| {
        b.iter(|| black_box(BODIES[5]).encode_utf16().count())
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(50);
    targets = bench
}
criterion_main!(benches);
