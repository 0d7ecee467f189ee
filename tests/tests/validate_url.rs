//! `url`: an absolute `http`/`https` URL (`{P}Invalid`).

use dynmark_api::Message;
use dynmark_api::validation::{Validate, rules};

fn url_codes(url: &str) -> Vec<String> {
    dynmark_tests::failure_codes(
        &Message::to("447700900000")
            .from("Example")
            .body("Hello")
            .with_delivery_status_url(url),
    )
}

const ACCEPTED: &[&str] = &[
    "https://inbound.example.com/SmsReceipts", // the page's example
    "http://example.com",
    "HTTPS://EXAMPLE.COM/Receipts?id=1#top",
    "https://example.com:8443/r",
    "http://192.0.2.10/r",
    "http://[2001:db8::1]:8080/",
    "https://bücher.example/quittungen",
    "https://user:secret@example.com/r",
];

const REFUSED: &[&str] = &[
    "inbound.example.com/SmsReceipts",
    "/SmsReceipts",
    "ftp://example.com/r",
    "mailto:receipts@example.com",
    "https://",
    "https:///r",
    "http:example.com",
    "https://exa mple.com/",
    "https://example.com/ r",
    " https://example.com/",
    "https://example.com:70000/",
    "https://[::1/",
    "https://256.1.1.1/",
];

#[test]
fn accepted_and_refused_through_the_generated_message() {
    for url in ACCEPTED {
        assert!(url_codes(url).is_empty(), "{url}");
        assert!(rules::is_http_url(url), "{url}");
    }
    for url in REFUSED {
        assert_eq!(url_codes(url), ["DeliveryStatusUrlInvalid"], "{url}");
        assert!(!rules::is_http_url(url), "{url}");
    }
}

#[derive(dynmark_api::Validate)]
struct Webhook {
    #[validate(url)]
    target: String,
    #[validate(url)]
    fallback: Option<std::sync::Arc<str>>,
}

#[test]
fn user_struct() {
    let hook = |target: &str, fallback: Option<&str>| Webhook {
        target: target.into(),
        fallback: fallback.map(Into::into),
    };
    assert!(hook("https://example.com/hook", None).validate().is_ok());
    assert!(
        hook(
            "https://example.com/hook",
            Some("http://backup.example.com")
        )
        .validate()
        .is_ok()
    );
    let report = hook("example.com/hook", Some("ftp://x.example"))
        .validate()
        .unwrap_err();
    let got: Vec<_> = report
        .failures()
        .iter()
        .map(|f| f.failure_code.to_string())
        .collect();
    assert_eq!(got, ["TargetInvalid", "FallbackInvalid"]);
    assert_eq!(
        report.failures()[0].details,
        "target is not an absolute http or https URL; expected one such as https://example.com/receipts"
    );
}
