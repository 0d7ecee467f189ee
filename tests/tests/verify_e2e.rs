//! A whole verification and a number lookup through both clients' `request`, against the
//! sandbox: every answer typed (issue #8's end-to-end scenario).

use dynmark_api::operations::{
    CreateVerification, CreateVerificationAnswer, ValidatePhoneNumber, ValidatePhoneNumberAnswer,
    ValidateVerification, ValidateVerificationAnswer,
};
use dynmark_api::sandbox::Sandbox;
use dynmark_api::{
    CodeValidation, FailureCode, NumberValidationRequest, RequestError, VerificationStatus,
    VerifyRequest,
};

/// The calls of the scenario, made by one client or the other.
trait Requests {
    fn create(&self, to: &str) -> Result<CreateVerificationAnswer, RequestError>;
    fn validate(&self, id: &str, code: &str) -> Result<ValidateVerificationAnswer, RequestError>;
    fn lookup(
        &self,
        number: NumberValidationRequest,
    ) -> Result<ValidatePhoneNumberAnswer, RequestError>;
}

struct Async(dynmark_api::Client, tokio::runtime::Runtime);
struct Blocking(dynmark_api::blocking::Client);

impl Requests for Async {
    fn create(&self, to: &str) -> Result<CreateVerificationAnswer, RequestError> {
        let op = CreateVerification::new(VerifyRequest::from("Example").to(to));
        self.1.block_on(self.0.request(&op))
    }
    fn validate(&self, id: &str, code: &str) -> Result<ValidateVerificationAnswer, RequestError> {
        let op = ValidateVerification::request_id(id).body(CodeValidation::new(code));
        self.1.block_on(self.0.request(&op))
    }
    fn lookup(
        &self,
        number: NumberValidationRequest,
    ) -> Result<ValidatePhoneNumberAnswer, RequestError> {
        self.1
            .block_on(self.0.request(&ValidatePhoneNumber::new(number)))
    }
}

impl Requests for Blocking {
    fn create(&self, to: &str) -> Result<CreateVerificationAnswer, RequestError> {
        self.0.request(&CreateVerification::new(
            VerifyRequest::from("Example").to(to),
        ))
    }
    fn validate(&self, id: &str, code: &str) -> Result<ValidateVerificationAnswer, RequestError> {
        self.0
            .request(&ValidateVerification::request_id(id).body(CodeValidation::new(code)))
    }
    fn lookup(
        &self,
        number: NumberValidationRequest,
    ) -> Result<ValidatePhoneNumberAnswer, RequestError> {
        self.0.request(&ValidatePhoneNumber::new(number))
    }
}

fn a_full_verification(sandbox: &Sandbox, client: &dyn Requests) {
    // Create: 201 with a fresh request id; the sandbox keeps the code it "texted".
    let verification = match client.create("447700900000").expect("created") {
        CreateVerificationAnswer::Created(verification) => verification,
        other => panic!("expected 201, got {other:?}"),
    };
    let code = sandbox
        .verification_code(&verification.request_id)
        .expect("the sandbox sent a code");

    // A wrong code is answered 200 CodeUnrecognised; the right one CodeVerified.
    match client
        .validate(&verification.request_id, &format!("{code}9"))
        .expect("answered")
    {
        ValidateVerificationAnswer::Checked(result) => {
            assert_eq!(result.status, VerificationStatus::CodeUnrecognised)
        }
        other => panic!("expected 200, got {other:?}"),
    }
    match client
        .validate(&verification.request_id, &code)
        .expect("answered")
    {
        ValidateVerificationAnswer::Checked(result) => {
            assert_eq!(result.status, VerificationStatus::CodeVerified)
        }
        other => panic!("expected 200, got {other:?}"),
    }

    // An id the service never issued: 204, the NotFound variant.
    assert_eq!(
        client
            .validate("00000000-0000-4000-8000-000000000000", &code)
            .expect("answered"),
        ValidateVerificationAnswer::NotFound
    );

    // A second code for the same number within 30 s: 400 Throttled.
    match client.create("447700900000").expect("answered") {
        CreateVerificationAnswer::Invalid(failures) => {
            assert_eq!(failures[0].failure_code, FailureCode::from("Throttled"))
        }
        other => panic!("expected 400, got {other:?}"),
    }

    // The page's local number, looked up with its country: normalised, handset on.
    let local = NumberValidationRequest::new("07777 123123")
        .with_is_international(false)
        .with_required_country_code("GBR");
    match client.lookup(local).expect("answered") {
        ValidatePhoneNumberAnswer::Checked(result) => {
            assert_eq!(result.number_status, dynmark_api::NumberStatus::On);
            assert_eq!(result.normalised_number.as_deref(), Some("447777123123"));
        }
        other => panic!("expected 200, got {other:?}"),
    }

    // Local validation refuses a blank code: `Invalid` is the client's own refusal, made
    // before anything is sent.
    match client.validate(&verification.request_id, " ").unwrap_err() {
        RequestError::Invalid { failures } => {
            assert_eq!(failures[0].failure_code, FailureCode::from("CodeEmpty"))
        }
        other => panic!("expected a local refusal, got {other:?}"),
    }
}

#[test]
fn a_full_verification_with_the_async_client() {
    let sandbox = Sandbox::start().expect("the sandbox starts");
    let client = dynmark_api::Client::builder()
        .credentials(Sandbox::USERNAME, Sandbox::PASSWORD)
        .base_url(sandbox.base_url())
        .build()
        .expect("a client");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    a_full_verification(&sandbox, &Async(client, runtime));
}

#[test]
fn a_full_verification_with_the_blocking_client() {
    let sandbox = Sandbox::start().expect("the sandbox starts");
    let client = dynmark_api::blocking::Client::builder()
        .credentials(Sandbox::USERNAME, Sandbox::PASSWORD)
        .base_url(sandbox.base_url())
        .build()
        .expect("a client");
    a_full_verification(&sandbox, &Blocking(client));
}
