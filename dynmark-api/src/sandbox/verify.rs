//! Verify, as the sandbox answers it: one-time codes "sent" to a phone and checked.
//!
//! - `POST /webapi/verify` `{"from": "...", "to": "<international number>"}`: `201`
//!   `{"requestId": "<fresh UUID>", "to": "...", "numberStatus": "On"}`; the code it "sent" is
//!   kept for tests ([`Sandbox::verification_code`](super::Sandbox::verification_code)). A
//!   second request for the same `to` within the resend window (30 s, as Dynmark's samples tell
//!   their users; configurable for tests) is `400` `[{"property": "to", "failureCode":
//!   "Throttled", ...}]`; a `from` or `to` that breaks the send rules is `400` with their
//!   failure codes (`FromEmpty`, `FromInvalid`, `ToEmpty`, `ToInvalid`).
//! - `PUT /webapi/verify/{requestId}/validate` `{"code": "..."}`: `200` `{"status":
//!   "CodeVerified"}` or `{"status": "CodeUnrecognised"}`; `204` with no body for an unknown
//!   request id.
//!
//! A body that is not the documented JSON object is `400` of `InvalidJson` (when the spec has
//! these operations, the routes first check the request against its schemas, so that the
//! sandbox refuses exactly what the spec forbids, unknown members included). The decisions are
//! plain functions over the body bytes, the state and the time.

use std::collections::HashMap;
use std::hash::{BuildHasher as _, Hasher as _};
use std::time::{Duration, Instant};

use serde::Deserialize;

use super::answer::Answer;
use crate::validation::rules;
use crate::{FailureCode, ValidationFailure};

/// How long after a code was sent to a number another request for it is `Throttled`.
pub const DEFAULT_RESEND_WINDOW: Duration = Duration::from_secs(30);

/// The verification requests the sandbox has answered.
#[derive(Debug, Default)]
pub(crate) struct Verifications {
    requests: HashMap<String, Verification>,
    /// When a code was last sent to each number.
    last_sent: HashMap<String, Instant>,
    issued: u64,
}

#[derive(Debug)]
struct Verification {
    code: String,
}

impl Verifications {
    /// The code sent for `request_id`.
    pub(crate) fn code(&self, request_id: &str) -> Option<String> {
        self.requests
            .get(&request_id.to_ascii_lowercase())
            .map(|verification| verification.code.clone())
    }

    /// 128 fresh bits: std's randomly keyed hasher over a counter (a sandbox needs unguessable
    /// enough, not cryptographic, ids).
    fn fresh(&mut self) -> u128 {
        let mut bits = 0u128;
        for half in 0..2u64 {
            self.issued += 1;
            let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
            hasher.write_u64(self.issued);
            hasher.write_u64(half);
            bits = (bits << 64) | u128::from(hasher.finish());
        }
        bits
    }
}

#[derive(Deserialize)]
struct CreateRequest {
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
}

#[derive(Deserialize)]
struct ValidateRequest {
    #[serde(default)]
    code: Option<String>,
}

/// `POST /webapi/verify`, credentials already checked.
pub(crate) fn create(
    body: &[u8],
    verifications: &mut Verifications,
    now: Instant,
    resend_window: Duration,
) -> Answer {
    let request: CreateRequest = match read(body) {
        Ok(request) => request,
        Err(answer) => return answer,
    };
    let from = request.from.unwrap_or_default();
    let to = request.to.unwrap_or_default();
    let mut failures = Vec::new();
    if rules::is_blank(&from) {
        failures.push(failure(
            "from",
            "FromEmpty",
            "from is not valid. No value was specified.",
        ));
    } else if !rules::is_originator(&from) {
        failures.push(failure(
            "from",
            "FromInvalid",
            "from is not valid: 2 to 15 digits, or 2 to 11 letters, digits, spaces or - _ .",
        ));
    }
    if rules::is_blank(&to) {
        failures.push(failure(
            "to",
            "ToEmpty",
            "to is not valid. No value was specified.",
        ));
    } else if !rules::is_international_number(&to) {
        failures.push(failure(
            "to",
            "ToInvalid",
            "to is not valid: an international number, digits only, country code first.",
        ));
    }
    if !failures.is_empty() {
        return Answer::json(400, &failures);
    }
    if let Some(sent) = verifications.last_sent.get(&to)
        && now.saturating_duration_since(*sent) < resend_window
    {
        return Answer::json(
            400,
            &[failure(
                "to",
                "Throttled",
                &format!(
                    "A code was sent to {to} less than {} seconds ago: wait before requesting a \
                     resend.",
                    resend_window.as_secs()
                ),
            )],
        );
    }
    let bits = verifications.fresh();
    let request_id = uuid_v4(bits);
    let code = format!("{:06}", (bits >> 64) % 1_000_000);
    verifications.last_sent.insert(to.clone(), now);
    verifications
        .requests
        .insert(request_id.clone(), Verification { code });
    Answer::json(
        201,
        &serde_json::json!({"requestId": request_id, "to": to, "numberStatus": "On"}),
    )
}

/// `PUT /webapi/verify/{requestId}/validate`, credentials already checked.
pub(crate) fn validate(request_id: &str, body: &[u8], verifications: &Verifications) -> Answer {
    let request: ValidateRequest = match read(body) {
        Ok(request) => request,
        Err(answer) => return answer,
    };
    let Some(expected) = verifications.code(request_id) else {
        // Dynmark's samples: 204, no body, when the request id is not recognised.
        let mut answer = Answer::text(204, "");
        answer.content_type = "";
        return answer;
    };
    let given = request.code.unwrap_or_default();
    let status = if given.trim() == expected {
        "CodeVerified"
    } else {
        "CodeUnrecognised"
    };
    Answer::json(200, &serde_json::json!({ "status": status }))
}

/// Reads a JSON object body, or the `400` that says why it is not one.
fn read<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<T, Answer> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(_)) => {}
        Ok(other) => {
            return Err(Answer::invalid_json(format!(
                "The request body is {}, not a JSON object.",
                super::schema::kind(&other)
            )));
        }
        Err(error) => {
            return Err(Answer::invalid_json(format!(
                "The request body is not JSON: {error}."
            )));
        }
    }
    serde_json::from_slice(body)
        .map_err(|error| Answer::invalid_json(format!("The request body does not read: {error}.")))
}

fn failure(property: &str, code: &str, details: &str) -> ValidationFailure {
    ValidationFailure {
        property: Some(property.to_owned()),
        failure_code: FailureCode::from(code),
        details: details.to_owned(),
    }
}

/// `bits` as a version 4 (random) UUID, lower case.
fn uuid_v4(bits: u128) -> String {
    const VERSION: u128 = 0xF << 76;
    const VARIANT: u128 = 0x3 << 62;
    let bits = (bits & !VERSION) | (0x4 << 76);
    let bits = (bits & !VARIANT) | (0x2 << 62);
    let hex = format!("{bits:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn body(answer: &Answer) -> Value {
        serde_json::from_slice(&answer.body).expect("a JSON body")
    }

    fn create_for(to: &str, verifications: &mut Verifications, now: Instant) -> Answer {
        let request = json!({"from": "Example", "to": to}).to_string();
        create(
            request.as_bytes(),
            verifications,
            now,
            DEFAULT_RESEND_WINDOW,
        )
    }

    #[test]
    fn create_answers_201_with_a_fresh_request_id_and_remembers_the_code() {
        let mut verifications = Verifications::default();
        let now = Instant::now();
        let first = create_for("447700900000", &mut verifications, now);
        let second = create_for("447700900111", &mut verifications, now);
        assert_eq!((first.status, second.status), (201, 201));
        let (first, second) = (body(&first), body(&second));
        assert_eq!(first["to"], "447700900000");
        assert_eq!(first["numberStatus"], "On");
        let id = first["requestId"].as_str().expect("a request id");
        assert_ne!(Some(id), second["requestId"].as_str());
        let code = verifications.code(id).expect("the code is kept");
        assert_eq!(code.len(), 6);
        assert!(code.bytes().all(|b| b.is_ascii_digit()), "{code}");
        assert_eq!(verifications.code(&id.to_ascii_uppercase()), Some(code));
        assert_eq!(verifications.code("not-an-id"), None);
    }

    #[test]
    fn request_ids_are_version_4_uuids() {
        for bits in [0, u128::MAX, 0x0123_4567_89ab_cdef_0123_4567_89ab_cdef] {
            let id = uuid_v4(bits);
            assert_eq!(id.len(), 36, "{id}");
            let groups: Vec<&str> = id.split('-').collect();
            assert_eq!(
                groups.iter().map(|g| g.len()).collect::<Vec<_>>(),
                [8, 4, 4, 4, 12]
            );
            assert!(groups[2].starts_with('4'), "{id}");
            assert!(matches!(&groups[3][..1], "8" | "9" | "a" | "b"), "{id}");
        }
    }

    #[test]
    fn a_second_create_for_the_same_number_within_the_window_is_throttled() {
        let mut verifications = Verifications::default();
        let start = Instant::now();
        assert_eq!(
            create_for("447700900000", &mut verifications, start).status,
            201
        );
        let throttled = create_for(
            "447700900000",
            &mut verifications,
            start + Duration::from_secs(29),
        );
        assert_eq!(throttled.status, 400);
        let failures = body(&throttled);
        assert_eq!(failures[0]["failureCode"], "Throttled");
        assert_eq!(failures[0]["property"], "to");
        // Another number is not throttled; the same one is again after the window.
        assert_eq!(
            create_for(
                "447700900111",
                &mut verifications,
                start + Duration::from_secs(29)
            )
            .status,
            201
        );
        assert_eq!(
            create_for(
                "447700900000",
                &mut verifications,
                start + Duration::from_secs(30)
            )
            .status,
            201
        );
    }

    #[test]
    fn create_refuses_bad_numbers_and_originators_with_the_send_codes() {
        let mut verifications = Verifications::default();
        let now = Instant::now();
        for (request, codes) in [
            (
                json!({"from": "Example", "to": "07700 900000"}),
                vec!["ToInvalid"],
            ),
            (json!({"from": "", "to": ""}), vec!["FromEmpty", "ToEmpty"]),
            (json!({"to": "447700900000"}), vec!["FromEmpty"]),
            (
                json!({"from": "Far too long a name", "to": "447700900000"}),
                vec!["FromInvalid"],
            ),
        ] {
            let answer = create(
                request.to_string().as_bytes(),
                &mut verifications,
                now,
                DEFAULT_RESEND_WINDOW,
            );
            assert_eq!(answer.status, 400, "{request}");
            let found: Vec<String> = body(&answer)
                .as_array()
                .expect("an array")
                .iter()
                .map(|failure| {
                    failure["failureCode"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned()
                })
                .collect();
            assert_eq!(found, codes, "{request}");
        }
        // Nothing was sent, so nothing throttles.
        assert_eq!(
            create_for("447700900000", &mut verifications, now).status,
            201
        );
    }

    #[test]
    fn bodies_that_are_not_the_documented_object_are_invalid_json() {
        let mut verifications = Verifications::default();
        for request in ["", "[]", "not json", r#"{"from":"Example","to":5}"#] {
            let answer = create(
                request.as_bytes(),
                &mut verifications,
                Instant::now(),
                DEFAULT_RESEND_WINDOW,
            );
            assert_eq!(answer.status, 400, "{request}");
            assert_eq!(body(&answer)[0]["failureCode"], "InvalidJson", "{request}");
        }
        for request in ["", "[]", "not json", r#"{"code":5}"#] {
            let answer = validate("id", request.as_bytes(), &verifications);
            assert_eq!(answer.status, 400, "{request}");
            assert_eq!(body(&answer)[0]["failureCode"], "InvalidJson", "{request}");
        }
    }

    /// Unknown members are the spec's to forbid (the routes check its schemas first).
    #[test]
    fn unknown_members_are_ignored() {
        let mut verifications = Verifications::default();
        let answer = create(
            br#"{"from":"Example","to":"447700900000","extra":1}"#,
            &mut verifications,
            Instant::now(),
            DEFAULT_RESEND_WINDOW,
        );
        assert_eq!(answer.status, 201);
    }

    #[test]
    fn validate_answers_verified_unrecognised_or_204_for_an_unknown_id() {
        let mut verifications = Verifications::default();
        let created = create_for("447700900000", &mut verifications, Instant::now());
        let id = body(&created)["requestId"].as_str().unwrap().to_owned();
        let code = verifications.code(&id).unwrap();

        let right = validate(
            &id,
            json!({ "code": code }).to_string().as_bytes(),
            &verifications,
        );
        assert_eq!(
            (right.status, body(&right)),
            (200, json!({"status": "CodeVerified"}))
        );
        let wrong = validate(&id, br#"{"code": "x"}"#, &verifications);
        assert_eq!(
            (wrong.status, body(&wrong)),
            (200, json!({"status": "CodeUnrecognised"}))
        );
        let unknown = validate(
            "00000000-0000-4000-8000-000000000000",
            br#"{"code": "1"}"#,
            &verifications,
        );
        assert_eq!(
            (
                unknown.status,
                unknown.body.as_slice(),
                unknown.content_type
            ),
            (204, &b""[..], "")
        );
    }
}
