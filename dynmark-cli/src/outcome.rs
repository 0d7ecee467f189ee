//! What became of one row: the line of the report, and what the summary counts.

use dynmark_api::{NotSentReason, Outcome, ValidationFailure};
use serde::Serialize;

use dynmark_api::sms::Parts;

/// What became of a row, in the report's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum RowOutcome {
    /// The service took the message.
    Accepted,
    /// Refused (locally, or by the service), with the failures.
    Rejected,
    /// Provably never reached the service: safe to send again.
    NotSent,
    /// May have reached the service: sending it again could deliver it twice.
    Uncertain,
    /// `check`: the row makes a valid message.
    Valid,
    /// `check`: it does not.
    Invalid,
}

impl RowOutcome {
    /// As the report spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            RowOutcome::Accepted => "accepted",
            RowOutcome::Rejected => "rejected",
            RowOutcome::NotSent => "notSent",
            RowOutcome::Uncertain => "uncertain",
            RowOutcome::Valid => "valid",
            RowOutcome::Invalid => "invalid",
        }
    }

    /// From the library's outcome of a message.
    pub fn of(outcome: &Outcome) -> RowOutcome {
        match outcome {
            Outcome::Accepted => RowOutcome::Accepted,
            Outcome::Rejected { .. } => RowOutcome::Rejected,
            Outcome::NotSent { reason } if reason.may_have_reached_service() => {
                RowOutcome::Uncertain
            }
            Outcome::NotSent { .. } => RowOutcome::NotSent,
        }
    }
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportRow {
    /// The data row, from 1.
    pub row: u64,
    /// The line of the input it is on, from 1, when the input is JSON Lines (blank lines make
    /// it differ from `row`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// The row's `to`, as far as it was read.
    pub to: Option<String>,
    /// The row's `clientRef`.
    pub client_ref: Option<String>,
    /// What became of it.
    pub outcome: RowOutcome,
    /// `GSM-7` or `UCS-2` (absent for a row that makes no message).
    pub encoding: Option<&'static str>,
    /// How many parts its body takes.
    pub parts: Option<usize>,
    /// Why it was rejected or is invalid (empty otherwise, or failures the service listed with
    /// an acceptance).
    pub failures: Vec<ValidationFailure>,
    /// Why it was not sent or may have reached the service, or where an outcome came from
    /// (`accepted in an earlier run`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl ReportRow {
    /// A row's line, before its outcome is known.
    pub fn new(
        row: u64,
        line: Option<u64>,
        to: Option<&str>,
        client_ref: Option<&str>,
        parts: Option<&Parts>,
    ) -> Self {
        ReportRow {
            row,
            line,
            to: to.map(str::to_owned),
            client_ref: client_ref.map(str::to_owned),
            outcome: RowOutcome::NotSent,
            encoding: parts.map(|parts| parts.encoding().as_str()),
            parts: parts.map(|parts| parts.count()),
            failures: Vec::new(),
            reason: None,
        }
    }

    /// With the library's outcome of its message.
    pub fn with_outcome(mut self, outcome: Outcome) -> Self {
        self.outcome = RowOutcome::of(&outcome);
        match outcome {
            Outcome::Accepted => {}
            Outcome::Rejected { by, failures } => {
                self.failures = failures;
                self.reason = Some(format!("rejected by the {by}"));
            }
            Outcome::NotSent { reason } => self.reason = Some(not_sent(reason)),
        }
        self
    }

    /// With an outcome of the CLI's own.
    pub fn with(mut self, outcome: RowOutcome, reason: impl Into<String>) -> Self {
        self.outcome = outcome;
        self.reason = Some(reason.into());
        self
    }
}

fn not_sent(reason: NotSentReason) -> String {
    reason.to_string()
}
