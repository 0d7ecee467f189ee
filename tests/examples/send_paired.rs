//! The sends of `benches/send.rs` in turns: each round runs every variant once (a fresh server
//! and client each, `--iterations` sends of the 10,000 messages), and each of ours is divided
//! by the faster async baseline of the same round (the blocking client by the blocking pool of
//! the same round), every other round in the reverse order. Slow drifts of a shared machine move both sides of a ratio alike, so the
//! median of the per-round ratios says more than two medians taken minutes apart.
//!
//! ```text
//! cargo run --release -p dynmark-tests --example send_paired -- --rounds 13 --iterations 10
//! ```
//!
//! One line per variant and number of calls in flight:
//! `in_flight=4 variant=dynmark msgs_per_s=967000 ratio_median=0.97 ratio_min=.. ratio_max=..
//! vs_faster_median=..`: `ratio_*` divide by the faster baseline of each round (the larger of
//! two noisy rates, so it leans high: two sides equally fast come out below 1), and
//! `vs_faster_median` by the one baseline that is faster over the whole run (by its median
//! rate), round by round.
//!
//! `--processes` runs each side in a process of its own (this example, `--only`), so that no side
//! inherits the heap or the threads another left.
//!
//! `--only NAME --in-flight N` runs that variant alone (`dynmark`, `dynmark_stream`, ...: the
//! names above) and prints its rate, for `perf stat` or `perf record` on one side.

use std::time::Duration;

#[path = "../benches/sending/mod.rs"]
mod sending;

use sending::{MESSAGES, Variant, messages};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |flag: &str, default: u64| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .map_or(default, |n| n.parse().expect("a number"))
    };
    let rounds = number("--rounds", 9).max(1);
    let iterations = number("--iterations", 10).max(1);
    let runtime = sending::runtime();
    let messages = messages();
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1));
    if let Some(name) = only {
        let variant = Variant::ALL
            .into_iter()
            .find(|v| v.name() == name)
            .expect("a variant's name");
        let in_flight = number("--in-flight", 4) as usize;
        let time = variant.time(&runtime, &messages, in_flight, rounds * iterations);
        let rate = (rounds * iterations) as f64 * MESSAGES as f64 / time.as_secs_f64();
        println!(
            "in_flight={in_flight} variant={name} msgs_per_s={rate:.0} secs={:.6}",
            time.as_secs_f64()
        );
        return;
    }
    // Each timed run in a process of its own: no side inherits another's heap or threads.
    let processes = args.iter().any(|a| a == "--processes");
    let time = |variant: Variant, in_flight: usize| {
        if !processes {
            return variant.time(&runtime, &messages, in_flight, iterations);
        }
        let output = std::process::Command::new(std::env::current_exe().expect("this example"))
            .args([
                "--only",
                variant.name(),
                "--in-flight",
                &in_flight.to_string(),
            ])
            .args(["--rounds", "1", "--iterations", &iterations.to_string()])
            .output()
            .expect("runs");
        assert!(output.status.success(), "{variant:?}: {output:?}");
        let line = String::from_utf8_lossy(&output.stdout);
        let secs = line
            .split_whitespace()
            .find_map(|field| field.strip_prefix("secs="))
            .and_then(|secs| secs.parse().ok())
            .expect("secs=");
        Duration::from_secs_f64(secs)
    };
    for in_flight in [1, 4, 16] {
        let mut times: Vec<Vec<Duration>> = vec![Vec::new(); Variant::ALL.len()];
        for round in 0..rounds {
            // Every other round in the other order, so that no side always runs first.
            let mut order: Vec<usize> = (0..Variant::ALL.len()).collect();
            if round % 2 == 1 {
                order.reverse();
            }
            for at in order {
                times[at].push(time(Variant::ALL[at], in_flight));
            }
        }
        let rate = |time: Duration| (iterations as f64 * MESSAGES as f64) / time.as_secs_f64();
        let of =
            |variant: Variant| &times[Variant::ALL.iter().position(|v| *v == variant).unwrap_or(0)];
        let median_rate = |variant: Variant| {
            let mut rates: Vec<f64> = of(variant).iter().map(|t| rate(*t)).collect();
            rates.sort_by(f64::total_cmp);
            rates[rates.len() / 2]
        };
        // The async baseline that is faster over the whole run (by its median rate).
        let faster = if median_rate(Variant::Baseline) >= median_rate(Variant::BaselineInFuture) {
            Variant::Baseline
        } else {
            Variant::BaselineInFuture
        };
        for (at, variant) in Variant::ALL.iter().enumerate() {
            let mut ratios: Vec<f64> = (0..times[at].len())
                .map(|round| {
                    let base = match variant {
                        Variant::Blocking | Variant::BlockingPool => {
                            rate(of(Variant::BlockingPool)[round])
                        }
                        _ => rate(of(Variant::Baseline)[round])
                            .max(rate(of(Variant::BaselineInFuture)[round])),
                    };
                    rate(times[at][round]) / base
                })
                .collect();
            ratios.sort_by(f64::total_cmp);
            let mut to_faster: Vec<f64> = (0..times[at].len())
                .map(|round| {
                    let base = match variant {
                        Variant::Blocking | Variant::BlockingPool => Variant::BlockingPool,
                        _ => faster,
                    };
                    rate(times[at][round]) / rate(of(base)[round])
                })
                .collect();
            to_faster.sort_by(f64::total_cmp);
            let mut rates: Vec<f64> = times[at].iter().map(|t| rate(*t)).collect();
            rates.sort_by(f64::total_cmp);
            println!(
                "in_flight={in_flight} variant={} msgs_per_s={:.0} ratio_median={:.3} ratio_min={:.3} ratio_max={:.3} vs_faster_median={:.3}",
                variant.name(),
                rates[rates.len() / 2],
                ratios[ratios.len() / 2],
                ratios[0],
                ratios[ratios.len() - 1],
                to_faster[to_faster.len() / 2],
            );
        }
    }
}
