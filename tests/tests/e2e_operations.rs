//! End-to-end over real sockets: both clients call the endpoints added by spec edit alone
//! (Verify create and validate, phone number validation) through `request`, against a scripted
//! HTTP server on 127.0.0.1 that records each request and answers what the test tells it to.
//! (The sandbox's own answers for these endpoints are the sandbox's tests.)

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use dynmark_api::operations::{
    CreateVerification, CreateVerificationAnswer, ValidatePhoneNumber, ValidatePhoneNumberAnswer,
    ValidateVerification, ValidateVerificationAnswer,
};
use dynmark_api::{
    CallError, CodeValidation, FailureCode, HandsetStatus, NumberValidationRequest, RequestError,
    VerificationStatus, VerifyRequest,
};

const USERNAME: &str = "user";
const PASSWORD: &str = "pa55word-secret";

/// One request as the server read it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    target: String,
    content_type: Option<String>,
    authorization: Option<String>,
    body: Vec<u8>,
}

/// A server on 127.0.0.1 answering each connection with the next scripted answer.
struct Script {
    base_url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Script {
    fn start(answers: Vec<(u16, &'static str, &'static str)>) -> Script {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&seen);
        std::thread::spawn(move || {
            for (status, content_type, body) in answers {
                let Ok((stream, _)) = listener.accept() else {
                    return;
                };
                let mut reader = BufReader::new(stream);
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let mut parts = line.split_whitespace();
                let method = parts.next().unwrap_or_default().to_owned();
                let target = parts.next().unwrap_or_default().to_owned();
                let (mut length, mut request_type, mut authorization) = (0, None, None);
                loop {
                    let mut header = String::new();
                    reader.read_line(&mut header).unwrap();
                    let header = header.trim_end();
                    if header.is_empty() {
                        break;
                    }
                    let (name, value) = header.split_once(':').unwrap();
                    let value = value.trim().to_owned();
                    match name.to_ascii_lowercase().as_str() {
                        "content-length" => length = value.parse().unwrap(),
                        "content-type" => request_type = Some(value),
                        "authorization" => authorization = Some(value),
                        _ => {}
                    }
                }
                let mut request_body = vec![0; length];
                reader.read_exact(&mut request_body).unwrap();
                record.lock().unwrap().push(Seen {
                    method,
                    target,
                    content_type: request_type,
                    authorization,
                    body: request_body,
                });
                let mut stream = reader.into_inner();
                let head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                stream.write_all(head.as_bytes()).unwrap();
                stream.write_all(body.as_bytes()).unwrap();
            }
        });
        Script { base_url, seen }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

fn json(body: &[u8]) -> serde_json::Value {
    serde_json::from_slice(body).unwrap()
}

/// The scripted answers, in the order [`exercise`] makes its calls.
fn script() -> Script {
    Script::start(vec![
        (
            201,
            "application/json",
            r#"{"requestId": "3f2c8a4e-6b1d-4c9a-9e7f-2a5b8c1d0e6f", "to": "447700900000", "numberStatus": "Roaming"}"#,
        ),
        (
            400,
            "application/json",
            r#"[{"property": "to", "failureCode": "Throttled", "details": "wait 30 s"}]"#,
        ),
        (200, "application/json", r#"{"status": "CodeVerified"}"#),
        (200, "application/json", r#"{"status": "CodeExpired"}"#),
        (204, "", ""),
        (
            200,
            "application/json; charset=utf-8",
            r#"{"NumberStatus": 7, "NormalisedNumber": "447777123123"}"#,
        ),
        (401, "text/plain", "No authorization header supplied"),
        (503, "text/html", "<h1>down</h1>"),
    ])
}

/// One client's calls, in the order of [`script`]; `call` runs one request.
macro_rules! exercise {
    ($client:expr, $server:expr, $call:ident) => {{
        let server: &Script = $server;
        let client = $client;
        let create = CreateVerification::new(VerifyRequest::from("Example").to("447700900000"));

        // 201: the verification, an unknown handset status kept.
        let answer = $call!(client, &create).unwrap();
        let CreateVerificationAnswer::Created(verification) = &answer else {
            panic!("{answer:?}");
        };
        assert_eq!(verification.request_id, "3f2c8a4e-6b1d-4c9a-9e7f-2a5b8c1d0e6f");
        let status = verification.number_status.as_ref().unwrap();
        assert_eq!((status.as_str(), status.is_known()), ("Roaming", false));
        assert_ne!(status, &HandsetStatus::On);
        let request_id = verification.request_id.clone();

        // 400 Throttled: a typed answer, the new code known.
        let answer = $call!(client, &create).unwrap();
        assert!(
            matches!(&answer, CreateVerificationAnswer::Invalid(f) if f[0].failure_code == FailureCode::Throttled),
            "{answer:?}"
        );

        // 200: verified; then an unknown status, kept.
        let validate = ValidateVerification::request_id(request_id.as_str()).body(CodeValidation::new("123456"));
        let answer = $call!(client, &validate).unwrap();
        assert!(
            matches!(&answer, ValidateVerificationAnswer::Checked(r) if r.status == VerificationStatus::CodeVerified),
            "{answer:?}"
        );
        let odd = ValidateVerification::request_id("id with/slash?").body(CodeValidation::new("000000"));
        let answer = $call!(client, &odd).unwrap();
        assert!(
            matches!(&answer, ValidateVerificationAnswer::Checked(r) if r.status.as_str() == "CodeExpired"),
            "{answer:?}"
        );
        // 204: the request id is not recognised.
        let answer = $call!(client, &validate).unwrap();
        assert_eq!(answer, ValidateVerificationAnswer::NotFound);
        assert_eq!(answer.status(), 204);

        // Phone number validation, PascalCase both ways; an undocumented NumberStatus kept.
        let local = ValidatePhoneNumber::new(
            NumberValidationRequest::new("07777 123123")
                .with_is_international(false)
                .with_required_country_code("GBR"),
        );
        let answer = $call!(client, &local).unwrap();
        let ValidatePhoneNumberAnswer::Checked(result) = &answer else {
            panic!("{answer:?}");
        };
        // 7 is not documented: kept, opaque, never a parse error.
        assert!(!result.number_status.is_known());
        assert_eq!(result.number_status.as_i64(), 7);
        assert_eq!(result.number_status, dynmark_api::NumberStatus::from(7));
        assert_eq!(result.number_status.to_string(), "7");
        assert_eq!(result.normalised_number.as_deref(), Some("447777123123"));

        // Common failures: refused credentials, an undocumented status.
        let error = $call!(client, &local).unwrap_err();
        assert!(error.is_unauthorized(), "{error:?}");
        assert!(!format!("{error} {error:?}").contains(PASSWORD));
        let error = $call!(client, &local).unwrap_err();
        assert!(
            matches!(error, RequestError::Call(CallError::Status { status: 503, .. })),
            "{error:?}"
        );
        assert!(error.may_have_reached_service());

        // Refused locally: nothing is sent.
        let before = server.seen().len();
        let invalid = ValidateVerification::request_id(" ").body(CodeValidation::new(""));
        let error = $call!(client, &invalid).unwrap_err();
        let RequestError::Invalid { failures } = &error else {
            panic!("{error:?}");
        };
        let codes: Vec<(Option<&str>, &str)> = failures
            .iter()
            .map(|f| (f.property.as_deref(), f.failure_code.as_str()))
            .collect();
        // The body's members are named as the service names them: `code`, not `body.code`.
        assert_eq!(
            codes,
            [(Some("requestId"), "RequestIdEmpty"), (Some("code"), "CodeEmpty")]
        );
        // PascalCase members too, by their JSON names.
        let bad = ValidatePhoneNumber::new(
            NumberValidationRequest::new(" ").with_required_country_code("XYZ"),
        );
        let error = $call!(client, &bad).unwrap_err();
        let RequestError::Invalid { failures } = &error else {
            panic!("{error:?}");
        };
        let codes: Vec<(Option<&str>, &str)> = failures
            .iter()
            .map(|f| (f.property.as_deref(), f.failure_code.as_str()))
            .collect();
        assert_eq!(
            codes,
            [
                (Some("Number"), "NumberEmpty"),
                (Some("RequiredCountryCode"), "RequiredCountryCodeInvalid")
            ]
        );
        assert_eq!(server.seen().len(), before);

        check_requests(&server.seen(), &request_id);
    }};
}

/// What the server received: methods, encoded paths, JSON bodies, credentials.
fn check_requests(seen: &[Seen], request_id: &str) {
    let targets: Vec<(&str, &str)> = seen
        .iter()
        .map(|s| (s.method.as_str(), s.target.as_str()))
        .collect();
    let validate = format!("/webapi/verify/{request_id}/validate");
    let number = "/webapi/phonenumbervalidation/validatenumber";
    assert_eq!(
        targets,
        [
            ("POST", "/webapi/verify"),
            ("POST", "/webapi/verify"),
            ("PUT", validate.as_str()),
            ("PUT", "/webapi/verify/id%20with%2Fslash%3F/validate"),
            ("PUT", validate.as_str()),
            ("POST", number),
            ("POST", number),
            ("POST", number),
        ]
    );
    assert_eq!(
        json(&seen[0].body),
        serde_json::json!({"from": "Example", "to": "447700900000"})
    );
    assert_eq!(json(&seen[2].body), serde_json::json!({"code": "123456"}));
    assert_eq!(
        json(&seen[5].body),
        serde_json::json!({"Number": "07777 123123", "IsInternational": false, "RequiredCountryCode": "GBR"})
    );
    for request in seen {
        assert_eq!(request.content_type.as_deref(), Some("application/json"));
        assert!(
            request
                .authorization
                .as_deref()
                .is_some_and(|a| a.starts_with("Basic ")),
            "{request:?}"
        );
    }
}

#[tokio::test]
async fn the_async_client_calls_every_new_endpoint() {
    let server = script();
    let client = dynmark_api::Client::builder()
        .credentials(USERNAME, PASSWORD)
        .base_url(&server.base_url)
        .build()
        .unwrap();
    macro_rules! call {
        ($client:expr, $op:expr) => {
            $client.request($op).await
        };
    }
    exercise!(&client, &server, call);
}

#[test]
fn the_blocking_client_calls_every_new_endpoint() {
    let server = script();
    let client = dynmark_api::blocking::Client::builder()
        .credentials(USERNAME, PASSWORD)
        .base_url(&server.base_url)
        .build()
        .unwrap();
    macro_rules! call {
        ($client:expr, $op:expr) => {
            $client.request($op)
        };
    }
    exercise!(&client, &server, call);
}
