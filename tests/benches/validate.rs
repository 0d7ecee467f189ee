//! Validating a 250-message batch (Dynmark's recommended maximum per call) with our
//! `#[derive(dynmark_api::Validate)]` on the generated `Message`, and the same rules written with
//! the `garde` crate on an equivalent struct, in the same run.
//!
//! `cargo bench -p dynmark-tests --bench validate`; figures in BENCHMARKS.md (`## Validation`).
//!
//! Both sides use the same predicates for the rules garde has no built-in for (phone number,
//! originator, country, GSM 03.38: `dynmark_api::validation::rules`), garde's own `length(chars)`
//! and `url` where it has them, and build a report of every failure.

use std::hint::black_box;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use dynmark_api::Message;
use dynmark_api::validation::{Validate, rules};

/// The same message, validated by garde; `$url` is the rule on `deliveryStatusUrl`: garde's own
/// `url` (the `url` crate's parser), or ours (`rules::is_http_url`), to show what the URL parser
/// choice alone costs.
macro_rules! garde_message {
    ($name:ident, $($url:tt)*) => {
        #[derive(garde::Validate)]
        struct $name {
            #[garde(custom(not_blank), custom(phone(&self.country_iso_code)))]
            to: String,
            #[garde(custom(not_blank), custom(originator))]
            from: String,
            #[garde(custom(country))]
            country_iso_code: Option<String>,
            #[garde(custom(not_blank), if(cond = self.reject_unicode == Some(true), custom(gsm7)))]
            body: String,
            #[garde(skip)]
            deliver_after: Option<DateTime<Utc>>,
            #[garde(custom(after(&self.deliver_after)))]
            valid_until: Option<DateTime<Utc>>,
            #[garde(length(chars, max = 64))]
            client_ref: Option<String>,
            #[garde($($url)*)]
            delivery_status_url: Option<String>,
            #[garde(skip)]
            reject_unicode: Option<bool>,
        }

        impl From<&Message> for $name {
            fn from(m: &Message) -> Self {
                $name {
                    to: m.to.clone(),
                    from: m.from.clone(),
                    country_iso_code: m.country_iso_code.clone(),
                    body: m.body.clone(),
                    deliver_after: m.deliver_after,
                    valid_until: m.valid_until,
                    client_ref: m.client_ref.clone(),
                    delivery_status_url: m.delivery_status_url.clone(),
                    reject_unicode: m.reject_unicode,
                }
            }
        }
    };
}

garde_message!(GardeMessage, url);
garde_message!(GardeMessageOurUrl, custom(our_url));

fn our_url(value: &Option<String>, _: &()) -> garde::Result {
    match value.as_deref() {
        Some(url) if !url.is_empty() && !rules::is_http_url(url) => {
            Err(garde::Error::new("is not an absolute http(s) URL"))
        }
        _ => Ok(()),
    }
}

fn not_blank(value: &str, _: &()) -> garde::Result {
    if rules::is_blank(value) {
        Err(garde::Error::new("is empty; a value is required"))
    } else {
        Ok(())
    }
}

fn phone(country: &Option<String>) -> impl FnOnce(&str, &()) -> garde::Result + '_ {
    move |value, _| match rules::phone_number_format(value) {
        _ if value.is_empty() => Ok(()),
        Some(rules::PhoneNumberFormat::International) => Ok(()),
        Some(rules::PhoneNumberFormat::Local)
            if country.as_deref().is_some_and(|c| !rules::is_blank(c)) =>
        {
            Ok(())
        }
        Some(rules::PhoneNumberFormat::Local) => Err(garde::Error::new(
            "is a local number but countryIsoCode is not set",
        )),
        None => Err(garde::Error::new("is not a phone number")),
    }
}

fn originator(value: &str, _: &()) -> garde::Result {
    if value.is_empty() || rules::is_originator(value) {
        Ok(())
    } else {
        Err(garde::Error::new("is not a valid originator"))
    }
}

fn country(value: &Option<String>, _: &()) -> garde::Result {
    match value.as_deref() {
        Some(code) if !code.is_empty() && !rules::is_country_code(code) => {
            Err(garde::Error::new("is not an ISO 3166-1 alpha-3 code"))
        }
        _ => Ok(()),
    }
}

fn gsm7(value: &str, _: &()) -> garde::Result {
    if rules::is_gsm7(value) {
        Ok(())
    } else {
        Err(garde::Error::new("contains characters outside GSM 03.38"))
    }
}

fn after(
    other: &Option<DateTime<Utc>>,
) -> impl FnOnce(&Option<DateTime<Utc>>, &()) -> garde::Result + '_ {
    move |value, _| match (value, other) {
        (Some(value), Some(other)) if value <= other => {
            Err(garde::Error::new("is not after deliverAfter"))
        }
        _ => Ok(()),
    }
}

const BODIES: &[&str] = &[
    "Hello, this is a test message",
    "Your appointment at the clinic is confirmed for Tuesday 14 May at 10:30. Reply STOP to opt out.",
    "Café Rive Gauche: your table for 2 is ready. Total deposit 15€, refundable until 18:00.",
    "Your parcel 7731-XK will be delivered today between 12:00 and 14:00. Track it at https://t.example/7731",
    "Code de vérification : 482913. Il expire dans 10 minutes. Ne le partagez avec personne.",
];

/// 250 realistic messages; with `invalid`, every fifth one breaks a different rule.
fn batch(invalid: bool) -> Vec<Message> {
    let deliver = Utc.with_ymd_and_hms(2026, 5, 14, 9, 0, 0).unwrap();
    (0..250)
        .map(|i| {
            let mut m = if i % 10 == 3 {
                Message::to(format!("07700 9{i:05}"))
                    .from("MAYFLOWER")
                    .body(BODIES[i % BODIES.len()])
                    .with_country_iso_code("GBR")
            } else {
                let from = if i % 3 == 0 {
                    "+447740101097"
                } else {
                    "Example"
                };
                Message::to(format!("4477009{i:05}"))
                    .from(from)
                    .body(BODIES[i % BODIES.len()])
            };
            if i % 2 == 0 {
                m = m.with_client_ref(format!("order-{i}-été"));
            }
            if i % 3 == 1 {
                m = m.with_delivery_status_url(format!(
                    "https://inbound.example.com/SmsReceipts?id={i}"
                ));
            }
            if i % 5 == 2 {
                m = m
                    .with_deliver_after(deliver)
                    .with_valid_until(deliver + chrono::Duration::hours(6));
            }
            if i % 4 == 0 {
                m = m.with_reject_unicode(true);
            }
            if invalid && i % 5 == 4 {
                match (i / 5) % 7 {
                    0 => m.from = "ABCDEFGHIJKL".into(),
                    1 => m.to = "07700 900123".into(),
                    2 => m.country_iso_code = Some("GB".into()),
                    3 => m.client_ref = Some("é".repeat(65)),
                    4 => m.delivery_status_url = Some("inbound.example.com/receipts".into()),
                    5 => {
                        m.body = "Crêpes ce soir 😀".into();
                        m.reject_unicode = Some(true);
                    }
                    _ => {
                        m.deliver_after = Some(deliver);
                        m.valid_until = Some(deliver - chrono::Duration::hours(1));
                    }
                }
            }
            m
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    for (name, invalid) in [("valid", false), ("mixed", true)] {
        let ours = batch(invalid);
        let theirs: Vec<GardeMessage> = ours.iter().map(GardeMessage::from).collect();
        let theirs_our_url: Vec<GardeMessageOurUrl> =
            ours.iter().map(GardeMessageOurUrl::from).collect();
        // Both sides see the same messages as valid or invalid.
        let our_failures = ours.validate().err().map_or(0, |report| report.len());
        let garde_failures = garde::Validate::validate(&theirs)
            .err()
            .map_or(0, |report| report.iter().count());
        assert_eq!(
            our_failures, garde_failures,
            "{name}: the two sides disagree"
        );
        assert_eq!(our_failures, if invalid { 50 } else { 0 });
        let garde_our_url_failures = garde::Validate::validate(&theirs_our_url)
            .err()
            .map_or(0, |report| report.iter().count());
        assert_eq!(
            our_failures, garde_our_url_failures,
            "{name}: with our URL rule"
        );

        let mut group = c.benchmark_group(format!("validate_250_{name}"));
        group.bench_function("dynmark", |b| b.iter(|| black_box(&ours).validate()));
        group.bench_function("garde", |b| {
            b.iter(|| garde::Validate::validate(black_box(&theirs)))
        });
        group.bench_function("garde_with_our_url_rule", |b| {
            b.iter(|| garde::Validate::validate(black_box(&theirs_our_url)))
        });
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .sample_size(60);
    targets = bench
}
criterion_main!(benches);
