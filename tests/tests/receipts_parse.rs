//! Reading delivery receipts and inbound messages from query strings: every form Dynmark's
//! samples read, missing, empty, malformed, repeated and unknown parameters, percent-encoding,
//! and hostile input (a proptest: typed errors, never a panic).

use chrono::{DateTime, TimeZone, Utc};
use dynmark_api::receipts::{
    DeliveryReceipt, InboundMessage, MAX_QUERY_BYTES, ParseError, ReceiptToken, Received, Receiver,
    Rejection, StatusId,
};
use proptest::prelude::*;

const RECEIPT: &str = "datetime=2016-01-21T09:19:24.123&recipient=447700900000&statusid=2\
                       &statusdescription=Delivered&clientref=order-1234";
const INBOUND: &str = "msgid=123456789012&datetime=21+Jan+2016+09%3A19%3A24&sender=447700900000\
                       &recipient=447860000000&content=Yes%2C+please+%F0%9F%91%8D";

fn at(ms: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2016, 1, 21, 9, 19, 24).unwrap() + chrono::Duration::milliseconds(ms)
}

/// `RECEIPT` with parameter `name` replaced by `replacement` (`None`: removed).
fn receipt_with(name: &str, replacement: Option<&str>) -> String {
    with(RECEIPT, name, replacement)
}

fn with(query: &str, name: &str, replacement: Option<&str>) -> String {
    query
        .split('&')
        .filter_map(|pair| {
            if pair.split('=').next() == Some(name) {
                replacement.map(|value| format!("{name}={value}"))
            } else {
                Some(pair.to_owned())
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[test]
fn the_receipt_of_the_sample() {
    let receipt = DeliveryReceipt::from_query(RECEIPT).unwrap();
    assert_eq!(
        receipt,
        DeliveryReceipt::new(at(123), "447700900000", StatusId::new(2), "Delivered")
            .with_client_ref("order-1234")
    );
    assert_eq!(
        DeliveryReceipt::from_query(receipt.to_query()),
        Ok(receipt.clone())
    );
    assert_eq!(
        DeliveryReceipt::from_uri(&format!("https://example.com/r/TOKEN?{RECEIPT}#x")),
        Ok(receipt)
    );
}

#[test]
fn every_datetime_form_of_the_samples() {
    for (form, expected) in [
        ("2016-01-21T09:19:24.123", at(123)),
        ("2016-01-21T09:19:24.123Z", at(123)),
        ("2016-01-21T09:19:24", at(0)),
        ("2016-01-21T09:19:24Z", at(0)),
        ("2016-01-21T09%3A19%3A24.1Z", at(100)),
        ("21%20Jan%202016%2009:19:24", at(0)),
    ] {
        let receipt = DeliveryReceipt::from_query(receipt_with("datetime", Some(form)))
            .unwrap_or_else(|e| panic!("{form}: {e}"));
        assert_eq!(receipt.datetime, expected, "{form}");
    }
}

#[test]
fn the_inbound_message_of_the_sample() {
    let inbound = InboundMessage::from_query(INBOUND).unwrap();
    assert_eq!(
        inbound,
        InboundMessage::new(
            123456789012,
            at(0),
            "447700900000",
            "447860000000",
            "Yes, please 👍"
        )
    );
    assert_eq!(InboundMessage::from_query(inbound.to_query()), Ok(inbound));
    let iso = with(INBOUND, "datetime", Some("2016-01-21T09:19:24Z"));
    assert_eq!(InboundMessage::from_query(iso).unwrap().datetime, at(0));
}

#[test]
fn status_ids_are_an_open_set_of_integers() {
    for id in ["0", "-1", "999", "9223372036854775807"] {
        let receipt = DeliveryReceipt::from_query(receipt_with("statusid", Some(id))).unwrap();
        assert_eq!(receipt.status_id.to_string(), id);
    }
}

#[test]
fn unknown_parameters_and_any_case_of_the_known_ones() {
    let query = format!(
        "{}&smsc=foo&X-Extra=%FF%FE&parts=2",
        RECEIPT.replace("statusid", "StatusId")
    );
    let receipt = DeliveryReceipt::from_query(query).unwrap();
    assert_eq!(receipt.status_id.get(), 2);
}

#[test]
fn an_absent_or_empty_client_ref_is_none() {
    for query in [
        receipt_with("clientref", None),
        receipt_with("clientref", Some("")),
    ] {
        assert_eq!(DeliveryReceipt::from_query(query).unwrap().client_ref, None);
    }
    let empty = DeliveryReceipt::from_query(receipt_with("statusdescription", Some(""))).unwrap();
    assert_eq!(empty.status_description, "");
}

#[test]
fn a_missing_required_parameter_is_named() {
    for name in ["datetime", "recipient", "statusid", "statusdescription"] {
        let error = DeliveryReceipt::from_query(receipt_with(name, None)).unwrap_err();
        assert_eq!(error, ParseError::Missing { parameter: name });
        assert_eq!(error.to_string(), format!("parameter `{name}` is missing"));
    }
    for name in ["msgid", "datetime", "sender", "recipient", "content"] {
        let error = InboundMessage::from_query(with(INBOUND, name, None)).unwrap_err();
        assert_eq!(error.parameter(), Some(name));
    }
}

#[test]
fn a_malformed_value_is_named_quoted_and_explained() {
    let error = DeliveryReceipt::from_query(receipt_with("statusid", Some("two"))).unwrap_err();
    assert_eq!(
        error.to_string(),
        "parameter `statusid` is \"two\": expected an integer"
    );
    let error = DeliveryReceipt::from_query(receipt_with("datetime", Some("2016-13-45T00:00:00")))
        .unwrap_err();
    assert_eq!(error.parameter(), Some("datetime"));
    assert!(
        error
            .to_string()
            .starts_with("parameter `datetime` is \"2016-13-45T00:00:00\": expected a date-time"),
        "{error}"
    );
    let error = InboundMessage::from_query(with(INBOUND, "msgid", Some("12x"))).unwrap_err();
    assert_eq!(
        error.to_string(),
        "parameter `msgid` is \"12x\": expected an integer"
    );
    let error = DeliveryReceipt::from_query(receipt_with("recipient", Some(""))).unwrap_err();
    assert_eq!(
        error,
        ParseError::Empty {
            parameter: "recipient"
        }
    );
    // Long and control characters: quoted short and escaped.
    let long = format!("%0A{}", "9".repeat(500));
    let error = DeliveryReceipt::from_query(receipt_with("statusid", Some(&long))).unwrap_err();
    let shown = error.to_string();
    assert!(
        shown.contains("\\n999") && shown.contains('…') && shown.len() < 120,
        "{shown}"
    );
}

#[test]
fn repeated_keys_invalid_utf8_and_huge_queries_are_typed_errors() {
    let repeated = format!("{RECEIPT}&STATUSID=3");
    assert_eq!(
        DeliveryReceipt::from_query(repeated),
        Err(ParseError::Repeated {
            parameter: "statusid"
        })
    );
    let not_utf8 = receipt_with("recipient", Some("%C3%28"));
    assert_eq!(
        DeliveryReceipt::from_query(not_utf8),
        Err(ParseError::NotUtf8 {
            parameter: "recipient"
        })
    );
    let mut raw = RECEIPT.as_bytes().to_vec();
    raw.extend_from_slice(b"&recipient2=\xff\xfe");
    assert!(
        DeliveryReceipt::from_query(&raw).is_ok(),
        "unknown parameters are not decoded"
    );
    let huge = format!("{RECEIPT}&pad={}", "a".repeat(MAX_QUERY_BYTES));
    assert!(matches!(
        DeliveryReceipt::from_query(huge),
        Err(ParseError::TooLong {
            max: MAX_QUERY_BYTES,
            ..
        })
    ));
}

#[test]
fn the_receiver_checks_the_token_first_then_reads() {
    let token = ReceiptToken::generate().unwrap();
    let receiver = Receiver::new(token.clone());
    let secret = token.expose_secret();
    let ok = receiver.receive("GET", &format!("/dynmark/{secret}?{RECEIPT}"));
    assert!(matches!(ok, Ok(Received::Receipt(_))), "{ok:?}");
    let ok = receiver.receive(
        "GET",
        &format!("https://example.com/dynmark/{secret}/?{INBOUND}"),
    );
    assert!(matches!(ok, Ok(Received::Inbound(_))), "{ok:?}");

    let wrong = format!("{}x", &secret[..secret.len() - 1]);
    for (method, uri, expected) in [
        (
            "POST",
            format!("/dynmark/{secret}?{RECEIPT}"),
            Rejection::MethodNotAllowed,
        ),
        (
            "GET",
            format!("/dynmark/{wrong}?{RECEIPT}"),
            Rejection::WrongToken,
        ),
        (
            "GET",
            format!("/dynmark/{secret}x?{RECEIPT}"),
            Rejection::WrongToken,
        ),
        (
            "GET",
            format!("/{secret}/dynmark?{RECEIPT}"),
            Rejection::WrongToken,
        ),
        ("GET", format!("/dynmark?{RECEIPT}"), Rejection::WrongToken),
        (
            "GET",
            format!("/dynmark/{wrong}?statusid=bad"),
            Rejection::WrongToken,
        ),
        (
            "GET",
            format!("/dynmark/{secret}"),
            Rejection::BadRequest(ParseError::Unrecognised),
        ),
        (
            "GET",
            format!("/dynmark/{secret}?statusid=x"),
            Rejection::BadRequest(ParseError::Missing {
                parameter: "datetime",
            }),
        ),
    ] {
        let rejection = receiver.receive(method, &uri).unwrap_err();
        assert_eq!(rejection, expected, "{method} {uri}");
        let shown = format!("{rejection} {rejection:?} {receiver:?}");
        assert!(
            !shown.contains(secret) && !shown.contains(&wrong),
            "{shown}"
        );
    }
    assert_eq!(Rejection::MethodNotAllowed.status(), 405);
    assert_eq!(Rejection::WrongToken.status(), 404);
    assert_eq!(
        Rejection::BadRequest(ParseError::Unrecognised).status(),
        400
    );
}

/// Query-string pieces likely to trip a parser: known names in any case, `=`, `&`, `%` alone
/// or half an escape, invalid UTF-8, `+`.
fn piece() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::sample::select(vec![
            "datetime",
            "DateTime",
            "recipient",
            "statusid",
            "statusdescription",
            "clientref",
            "msgid",
            "sender",
            "content",
            "=",
            "&",
            "%",
            "%4",
            "%zz",
            "%C3",
            "%28",
            "%FF",
            "+",
            "2016-01-21T09:19:24.123Z",
            "21 Jan 2016 09:19:24",
            "2",
            "-9223372036854775809",
        ])
        .prop_map(|s| s.as_bytes().to_vec()),
        prop::collection::vec(any::<u8>(), 0..8),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// Any bytes: a typed result, never a panic; a receipt that parses writes back to itself.
    #[test]
    fn hostile_queries_never_panic(pieces in prop::collection::vec(piece(), 0..40)) {
        let query = pieces.concat();
        if let Ok(receipt) = DeliveryReceipt::from_query(&query) {
            let again = DeliveryReceipt::from_query(receipt.to_query()).unwrap();
            prop_assert_eq!(again.recipient, receipt.recipient);
            prop_assert_eq!(again.status_id, receipt.status_id);
            prop_assert_eq!(again.client_ref, receipt.client_ref);
        }
        let _ = InboundMessage::from_query(&query);
        let token = ReceiptToken::from_secret("a".repeat(22)).unwrap();
        let uri = format!("/r/{}?{}", "a".repeat(22), String::from_utf8_lossy(&query));
        let _ = Receiver::new(token).receive("GET", &uri);
    }

    /// A known parameter given twice, in any case, is always `Repeated`, naming it.
    #[test]
    fn a_repeated_parameter_is_always_named(
        index in 0usize..5,
        upper in any::<bool>(),
        value in "[a-z0-9]{0,8}",
    ) {
        let name = ["datetime", "recipient", "statusid", "statusdescription", "clientref"][index];
        let again = if upper { name.to_uppercase() } else { name.to_owned() };
        let query = format!("{RECEIPT}&{again}={value}");
        prop_assert_eq!(
            DeliveryReceipt::from_query(query),
            Err(ParseError::Repeated { parameter: name })
        );
    }

    /// Any text round-trips through percent-encoding in every string parameter.
    #[test]
    fn any_text_round_trips(recipient in "\\PC{1,30}", description in "\\PC{0,60}", client_ref in "\\PC{0,64}") {
        let receipt = DeliveryReceipt::new(at(5), recipient, StatusId::new(7), description)
            .with_client_ref(client_ref);
        prop_assert_eq!(DeliveryReceipt::from_query(receipt.to_query()), Ok(receipt));
    }
}

#[test]
fn a_report_is_found_by_client_ref_first_occurrence_and_never_an_empty_one() {
    use dynmark_api::receipts::ClientRefIndex;
    use dynmark_api::sandbox::Sandbox;
    use dynmark_api::{Message, Outcome};

    let sandbox = Sandbox::start().unwrap();
    let client = dynmark_api::blocking::Client::builder()
        .credentials(Sandbox::USERNAME, Sandbox::PASSWORD)
        .base_url(sandbox.base_url())
        .build()
        .unwrap();
    let messages = vec![
        Message::to("447700900000")
            .from("Example")
            .body("Hi")
            .with_client_ref("order-1"),
        Message::to("447700900111")
            .from("")
            .body("Hi")
            .with_client_ref("order-2"),
        Message::to("447700900222")
            .from("Example")
            .body("Hi")
            .with_client_ref("order-1"),
        Message::to("447700900333")
            .from("Example")
            .body("Hi")
            .with_client_ref(""),
    ];
    let report = client.send(messages.clone()).unwrap();
    let index = ClientRefIndex::new(&messages, &report);
    assert_eq!(index.get("order-1"), Some((0, &Outcome::Accepted)));
    assert!(
        index
            .get("order-2")
            .is_some_and(|(i, outcome)| i == 1 && outcome.is_rejected())
    );
    assert_eq!(index.get(""), None);
    assert_eq!(index.get("order-3"), None);
}
