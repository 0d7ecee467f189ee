//! `dynmark send`: rows in, through the library's send, outcomes out to the journal, the report
//! and the summary.
//!
//! The journal is asked about each row as it is read (skip it if accepted, list it if it may
//! have reached the service), its rows are committed as in flight when a call is about to be
//! written, and outcomes are committed when the call is over.

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::task::{Poll, ready};
use std::time::Duration;

use dynmark_api::{Client, Message, NotSentReason, Outcome, StopHandle};

use crate::cli::SendArgs;
use crate::committer::Committer;
use crate::engine::{self, Step};
use crate::input::{Row, Rows};
use crate::journal::{self, Fingerprints, Journal, RowEntry, State};
use crate::outcome::{ReportRow, RowOutcome};
use crate::output::Output;
use crate::{Fatal, credentials};

/// Where the messages go.
pub struct Service {
    pub client: Client,
    /// What the journal records it as (URL and user name, never the password).
    pub identity: String,
    /// Keeps an in-process sandbox (`--sandbox`) running.
    pub _sandbox: Option<dynmark_api::sandbox::Sandbox>,
}

impl Service {
    /// The client `args` say: the in-process sandbox, or the service with the credentials found.
    pub fn connect(args: &SendArgs) -> Result<Service, Fatal> {
        let usage = |error: dynmark_api::BuildError| Fatal::usage(error.to_string());
        let mut builder = Client::builder()
            .batch_size(args.batch_size)
            .calls_in_flight(args.calls_in_flight);
        if let Some(timeout) = args.timeout {
            let timeout = Duration::try_from_secs_f64(timeout)
                .ok()
                .filter(|t| !t.is_zero())
                .ok_or_else(|| {
                    Fatal::usage(format!(
                        "--timeout {timeout}: not a number of seconds above 0"
                    ))
                })?;
            builder = builder.timeout(timeout);
        }
        if args.sandbox {
            use dynmark_api::sandbox::Sandbox;
            // Counting only: a trial of a million rows stays in bounded memory.
            let sandbox = Sandbox::builder()
                .count_only()
                .start()
                .map_err(|e| Fatal::usage(format!("cannot start the sandbox: {e}")))?;
            let client = builder
                .credentials(Sandbox::USERNAME, Sandbox::PASSWORD)
                .base_url(sandbox.base_url())
                .build()
                .map_err(usage)?;
            return Ok(Service {
                client,
                identity: format!("the in-process sandbox as {}", Sandbox::USERNAME),
                _sandbox: Some(sandbox),
            });
        }
        let login = credentials::find(args.credentials.as_deref()).map_err(Fatal::usage)?;
        let username = login.credentials.username().to_owned();
        builder = builder.credentials(login.credentials.username(), login.credentials.password());
        if let Some(base_url) = args.base_url.clone().or(login.base_url) {
            builder = builder.base_url(base_url);
        }
        let client = builder.build().map_err(usage)?;
        let identity = format!("{} as {username}", client.endpoint().base_url().as_str());
        Ok(Service {
            client,
            identity,
            _sandbox: None,
        })
    }
}

/// How many rows the reading thread may be ahead of the send.
const READ_AHEAD: usize = 1024;

/// How many rows of a regular file go through the channel at once (one hand-over for many rows;
/// from a pipe each row goes as soon as it is read, so that a slow writer never holds rows back).
const ROWS_PER_HANDOVER: usize = 64;

/// A row read, made ready for the send on the reading thread (its report line, its parts and
/// its fingerprint are worked out there, beside the parsing, not on the sending thread).
struct ReadRow {
    /// Its report line so far (finished, for a row that makes no message).
    line: ReportRow,
    /// Its message, if it makes one.
    message: Option<Message>,
    /// Its message's fingerprint, with a journal (else 0).
    fingerprint: i64,
}

impl ReadRow {
    fn of(row: Row, journal: Option<Fingerprints>, json: &mut Vec<u8>) -> ReadRow {
        let parts = row.content.as_ref().ok().map(Message::parts);
        let line = ReportRow::new(
            row.number,
            row.line,
            row.to(),
            row.client_ref(),
            parts.as_ref(),
        );
        match row.content {
            Ok(message) => ReadRow {
                fingerprint: journal.map_or(0, |kind| journal::fingerprint(&message, kind, json)),
                line,
                message: Some(message),
            },
            Err(unreadable) => {
                let mut line = line.with(RowOutcome::Rejected, "rejected by the client");
                line.failures = unreadable.failures;
                ReadRow {
                    line,
                    message: None,
                    fingerprint: 0,
                }
            }
        }
    }
}

/// The rows handed to the library and waiting for their outcomes, by the number the library
/// knows each by (given in order from 0): a window from the oldest unfinished one.
#[derive(Default)]
struct PendingRows {
    /// The number of the window's first entry.
    first: usize,
    rows: VecDeque<Option<Pending>>,
}

impl PendingRows {
    fn push(&mut self, pending: Pending) -> usize {
        self.rows.push_back(Some(pending));
        self.first + self.rows.len() - 1
    }

    fn get_mut(&mut self, index: usize) -> Option<&mut Pending> {
        let at = index.checked_sub(self.first)?;
        self.rows.get_mut(at)?.as_mut()
    }

    fn get(&self, index: usize) -> Option<&Pending> {
        let at = index.checked_sub(self.first)?;
        self.rows.get(at)?.as_ref()
    }

    fn remove(&mut self, index: usize) -> Option<Pending> {
        let at = index.checked_sub(self.first)?;
        let pending = self.rows.get_mut(at)?.take();
        while let Some(None) = self.rows.front() {
            self.rows.pop_front();
            self.first += 1;
        }
        pending
    }

    /// Every row still waiting, in reading order.
    fn drain(&mut self) -> impl Iterator<Item = Pending> + '_ {
        self.first += self.rows.len();
        self.rows.drain(..).flatten()
    }
}

/// A row handed to the library, waiting for its outcome.
struct Pending {
    sequence: u64,
    fingerprint: i64,
    line: ReportRow,
    /// Its call was announced (queued to the journal as in flight, with a journal).
    announced: bool,
    /// That call's number in the journal, with a journal.
    call: Option<i64>,
    /// The journal said it may have reached the service in an earlier run (it is sent again
    /// with `--resend-uncertain`): not sent or rejected in this run, it stays uncertain.
    was_uncertain: bool,
}

impl Pending {
    /// Its journal entry, as `state`. An accepted row's says only which row it is: the
    /// journal keeps no entry for it (its call, done, says it), so its texts are not copied.
    fn entry(&self, state: State, failures: Option<String>) -> RowEntry {
        // Not sent (or refused) now says nothing of what an earlier run's call did with it.
        let state = match state {
            State::NotSent | State::Rejected if self.was_uncertain => State::Uncertain,
            state => state,
        };
        let (to, client_ref) = match state {
            State::Accepted => (String::new(), None),
            _ => (
                self.line.to.clone().unwrap_or_default(),
                self.line.client_ref.clone(),
            ),
        };
        RowEntry {
            row: self.line.row,
            fingerprint: self.fingerprint,
            state,
            to,
            client_ref,
            failures,
        }
    }
}

/// The state of a send, shared by the row reader and the event handler.
struct Job {
    output: Output,
    journal: Option<Committer>,
    resend_uncertain: bool,
    /// By the number the library knows the message by.
    pending: PendingRows,
    /// Outcomes to commit when the call is over.
    to_commit: Vec<RowEntry>,
    /// The journal's numbers of the calls in flight, by the library's.
    calls: HashMap<usize, i64>,
    /// Calls over, to commit with the outcomes.
    finished_calls: Vec<i64>,
    next_sequence: u64,
    /// A call failed (or a row may have reached the service).
    call_failed: bool,
    fatal: Option<Fatal>,
}

impl Job {
    /// A row read: finished at once (unreadable, accepted in an earlier run, uncertain), or
    /// handed to the library (returned, with its number).
    fn admit(&mut self, row: ReadRow) -> Result<Option<(usize, Message)>, Fatal> {
        let sequence = self.next_sequence;
        self.next_sequence += 1;
        let ReadRow {
            line,
            message,
            fingerprint,
        } = row;
        let Some(message) = message else {
            if let Some(journal) = &self.journal
                && let Some(entry) = journal.entry(line.row).map_err(Fatal::usage_of)?
                && matches!(entry.state, State::Accepted | State::Uncertain)
            {
                return Err(changed(&line, entry.state));
            }
            self.finish(sequence, line)?;
            return Ok(None);
        };
        let mut was_uncertain = false;
        if let Some(journal) = &self.journal
            && let Some(entry) = journal.entry(line.row).map_err(Fatal::usage_of)?
        {
            let same = entry.fingerprint == fingerprint;
            was_uncertain = matches!(entry.state, State::Uncertain | State::InFlight);
            match entry.state {
                State::Accepted | State::Uncertain | State::InFlight if !same => {
                    return Err(changed(&line, entry.state));
                }
                State::Accepted => {
                    self.output.summary.accepted_before += 1;
                    let line = line.with(RowOutcome::Accepted, "accepted in an earlier run");
                    self.finish(sequence, line)?;
                    return Ok(None);
                }
                State::Uncertain | State::InFlight if !self.resend_uncertain => {
                    let line = line.with(
                        RowOutcome::Uncertain,
                        "may have reached the service in an earlier run (its call got no \
                         answer); not sent again: --resend-uncertain sends it",
                    );
                    self.call_failed = true;
                    self.finish(sequence, line)?;
                    return Ok(None);
                }
                _ => {}
            }
        }
        let index = self.pending.push(Pending {
            sequence,
            fingerprint,
            line,
            announced: false,
            call: None,
            was_uncertain,
        });
        Ok(Some((index, message)))
    }

    fn handle(&mut self, step: Step) -> Result<(), Fatal> {
        match step {
            Step::CallStarting {
                call,
                messages,
                permit,
            } => {
                if let Some(journal) = &mut self.journal {
                    let rows: Vec<_> = messages
                        .iter()
                        .filter_map(|index| self.pending.get(*index))
                        .map(|pending| {
                            (
                                pending.line.row,
                                pending.fingerprint,
                                pending.line.to.as_deref().unwrap_or_default(),
                                pending.line.client_ref.as_deref(),
                            )
                        })
                        .collect();
                    // Its permit is granted once the journal has committed them: if it
                    // cannot, the call is never written.
                    let number = journal.in_flight(&rows, permit).map_err(Fatal::usage_of)?;
                    self.calls.insert(call, number);
                } else if let Some(permit) = permit {
                    permit.grant();
                }
                let number = self.calls.get(&call).copied();
                for index in messages {
                    if let Some(pending) = self.pending.get_mut(index) {
                        pending.announced = true;
                        pending.call = number;
                    }
                }
                Ok(())
            }
            Step::CallReleased { call, messages } => {
                for index in messages {
                    if let Some(pending) = self.pending.get_mut(index)
                        && pending.announced
                    {
                        pending.announced = false;
                        let entry = pending.entry(State::NotSent, None);
                        self.to_commit.push(entry);
                    }
                }
                self.finish_call(call)
            }
            Step::Outcome {
                message,
                outcome,
                accepted_with_failures,
                unreadable,
            } => {
                let Some(pending) = self.pending.remove(message) else {
                    return Ok(());
                };
                if self.journal.is_some() && pending.announced {
                    let state = match &outcome {
                        Outcome::Accepted => Some(State::Accepted),
                        // (A row in a call is only ever rejected by the service.)
                        Outcome::Rejected { .. } => Some(State::Rejected),
                        Outcome::NotSent { reason } if reason.may_have_reached_service() => {
                            Some(State::Uncertain)
                        }
                        Outcome::NotSent { .. } => Some(State::NotSent),
                    };
                    if let Some(state) = state {
                        let failures = match &outcome {
                            Outcome::Rejected { failures, .. } => {
                                serde_json::to_string(failures).ok()
                            }
                            _ => None,
                        };
                        self.to_commit.push(pending.entry(state, failures));
                    }
                }
                if let Outcome::NotSent { reason } = &outcome
                    && (reason.may_have_reached_service()
                        || matches!(
                            reason,
                            NotSentReason::CallFailed { .. } | NotSentReason::Stopped { .. }
                        ))
                {
                    self.call_failed = true;
                }
                let mut line = pending.line.with_outcome(outcome);
                if line.outcome == RowOutcome::Accepted {
                    line.failures = accepted_with_failures;
                }
                if let (Some(reason), Some(unreadable)) = (&mut line.reason, unreadable) {
                    // What was wrong with the service's result for it (secrets redacted).
                    reason.push_str(": ");
                    reason.push_str(&unreadable);
                }
                self.finish(pending.sequence, line)
            }
            Step::CallFinished { call } => self.finish_call(call),
        }
    }

    /// Call `call` (the library's number) is over: commits the outcomes so far with its end.
    fn finish_call(&mut self, call: usize) -> Result<(), Fatal> {
        if let Some(number) = self.calls.remove(&call) {
            self.finished_calls.push(number);
        }
        self.commit()
    }

    /// Queues the outcomes so far and the calls finished to be committed.
    fn commit(&mut self) -> Result<(), Fatal> {
        if let Some(journal) = &self.journal
            && !(self.to_commit.is_empty() && self.finished_calls.is_empty())
        {
            let rows = std::mem::take(&mut self.to_commit);
            let finished = std::mem::take(&mut self.finished_calls);
            journal.record(rows, finished).map_err(Fatal::usage_of)?;
        }
        self.to_commit.clear();
        self.finished_calls.clear();
        Ok(())
    }

    fn finish(&mut self, sequence: u64, line: ReportRow) -> Result<(), Fatal> {
        self.output.row(sequence, line).map_err(Fatal::usage_of)
    }
}

/// What a row that had no outcome when the send ended is: uncertain if its call may have been
/// written (announced, and, with a journal, committed as in flight by `committed`, the highest
/// call number committed once the send was gone), else not sent.
fn left_over(pending: &Pending, committed: Option<i64>) -> (RowOutcome, &'static str, State) {
    let may_have_gone = pending.announced
        && match (pending.call, committed) {
            (Some(call), Some(committed)) => call <= committed,
            _ => true,
        };
    if may_have_gone {
        (
            RowOutcome::Uncertain,
            "its call got no answer: it may have reached the service",
            State::Uncertain,
        )
    } else if pending.announced {
        (
            RowOutcome::NotSent,
            "not sent: the run ended while its call waited for the journal",
            State::NotSent,
        )
    } else {
        (
            RowOutcome::NotSent,
            "not sent: the run ended before its call",
            State::NotSent,
        )
    }
}

fn changed(line: &ReportRow, state: State) -> Fatal {
    let was = match state {
        State::Accepted => "accepted",
        _ => "possibly received by the service",
    };
    let at = line
        .line
        .map(|at| format!(" (line {at})"))
        .unwrap_or_default();
    Fatal::usage(format!(
        "row {}{at} is not the row the journal recorded as {was}: the file changed, or the \
         journal belongs to another file; nothing after it was read (use a new journal for a new \
         file)",
        line.row
    ))
}

/// Runs `dynmark send` (not `--dry-run`).
pub async fn run(args: &SendArgs, rows: Rows, stop: StopHandle) -> Result<u8, Fatal> {
    let service = Service::connect(args)?;
    let journal = args
        .journal
        .as_deref()
        .map(|path| Journal::open(path, &service.identity, args.durable_journal))
        .transpose()
        .map_err(Fatal::usage_of)?;
    let output =
        Output::new(args.input.report.as_deref(), args.input.quiet).map_err(Fatal::usage_of)?;
    if let Some(journal) = &journal
        && journal.interrupted() > 0
    {
        output.note(&format!(
            "the journal's last run ended with {} rows in flight: they may have reached the \
             service and are not sent again{}",
            journal.interrupted(),
            if args.resend_uncertain {
                " (but --resend-uncertain sends them)"
            } else {
                ""
            }
        ));
    }
    let fingerprints = journal.as_ref().map(Journal::fingerprints);
    let journal = journal
        .map(|journal| Committer::start(journal, stop.clone()))
        .transpose()
        .map_err(Fatal::usage)?;
    let job = RefCell::new(Job {
        output,
        journal,
        resend_uncertain: args.resend_uncertain,
        pending: PendingRows::default(),
        to_commit: Vec::new(),
        calls: HashMap::new(),
        finished_calls: Vec::new(),
        next_sequence: 0,
        call_failed: false,
        fatal: None,
    });
    // Rows are read and parsed on a thread of their own, a bounded channel ahead of the send:
    // a slow input (a pipe) never blocks the calls in flight, and the library sends what it
    // has when the input makes it wait.
    let per_handover = if rows.is_regular_file() {
        ROWS_PER_HANDOVER
    } else {
        1
    };
    let (sender, mut received) =
        tokio::sync::mpsc::channel::<Vec<_>>((READ_AHEAD / per_handover).max(1));
    let with_journal = args.journal.is_some();
    std::thread::Builder::new()
        .name("dynmark-rows".into())
        .spawn(move || {
            let mut batch = Vec::with_capacity(per_handover);
            // Each row's JSON, for its fingerprint.
            let mut json = Vec::with_capacity(256);
            for row in rows {
                batch.push(row.map(|row| ReadRow::of(row, fingerprints, &mut json)));
                if batch.len() == per_handover
                    && sender
                        .blocking_send(std::mem::replace(
                            &mut batch,
                            Vec::with_capacity(per_handover),
                        ))
                        .is_err()
                {
                    return;
                }
            }
            if !batch.is_empty() {
                let _ = sender.blocking_send(batch);
            }
        })
        .map_err(|e| Fatal::usage(format!("cannot start the reading thread: {e}")))?;
    // Rows handed over and not yet taken (taken from the batch as it came: no copy).
    let mut taken_in = Vec::new().into_iter();
    let input = futures_util::stream::poll_fn(|cx| {
        loop {
            if job.borrow().fatal.is_some() {
                return Poll::Ready(None);
            }
            let Some(row) = taken_in.next() else {
                match ready!(received.poll_recv(cx)) {
                    None => return Poll::Ready(None),
                    Some(batch) => taken_in = batch.into_iter(),
                }
                continue;
            };
            let row = match row {
                Ok(row) => row,
                Err(error) => {
                    job.borrow_mut().fatal = Some(Fatal::usage_of(error));
                    return Poll::Ready(None);
                }
            };
            let mut job = job.borrow_mut();
            match job.admit(row) {
                Ok(Some((_, message))) => return Poll::Ready(Some(message)),
                Ok(None) => {}
                Err(fatal) => {
                    job.fatal = Some(fatal);
                    return Poll::Ready(None);
                }
            }
        }
    });
    let mut handle = |step| job.borrow_mut().handle(step);
    let sent = engine::send(&service.client, input, &stop, with_journal, &mut handle).await;
    // The send is gone: a call not committed as in flight by now never got its permit.
    let mut job = job.into_inner();
    let committed = job.journal.as_ref().map(Committer::committed);
    if let Err(fatal) = sent {
        job.fatal.get_or_insert(fatal);
    }
    // A journal that failed stopped the send: that is the run's error, not a Ctrl-C.
    if job.fatal.is_none()
        && let Some(journal) = &job.journal
        && let Err(error) = journal.status()
    {
        job.fatal = Some(Fatal::usage_of(error));
    }
    // Rows the send never took (after Ctrl-C, or once a call stopped the run): read the rest
    // and say so (unless the file itself failed).
    if job.fatal.is_none() {
        let reason = if stop.is_stopped() {
            "not sent: the run was stopped (Ctrl-C) before its turn"
        } else {
            "not sent: an earlier call stopped the run (see the rows that failed)"
        };
        let mut rest = std::mem::replace(&mut taken_in, Vec::new().into_iter());
        loop {
            let row = match rest.next() {
                Some(row) => row,
                None => match received.recv().await {
                    Some(batch) => {
                        rest = batch.into_iter();
                        continue;
                    }
                    None => break,
                },
            };
            match row.map_err(Fatal::usage_of).and_then(|row| job.admit(row)) {
                Ok(Some((index, _))) => {
                    if let Some(pending) = job.pending.remove(index) {
                        let line = pending.line.with(RowOutcome::NotSent, reason);
                        job.finish(pending.sequence, line)?;
                    }
                }
                Ok(None) => {}
                Err(fatal) => {
                    job.fatal = Some(fatal);
                    break;
                }
            }
        }
    }
    // Anything still waiting had no outcome: it may have been on its way, unless its call was
    // still waiting for the journal when the send ended.
    let left: Vec<_> = job.pending.drain().collect();
    for pending in left {
        let (outcome, reason, state) = left_over(&pending, committed);
        if pending.announced {
            // Queued to the journal as in flight: its entry says what it is now.
            job.call_failed |= state == State::Uncertain;
            let entry = pending.entry(state, None);
            job.to_commit.push(entry);
        }
        job.finish(pending.sequence, pending.line.with(outcome, reason))?;
    }
    // Their calls are settled: each row of them has its entry now.
    job.finished_calls
        .extend(job.calls.drain().map(|(_, number)| number));
    job.commit()?;
    // Every outcome committed before the summary says so.
    if let Some(journal) = job.journal.take() {
        journal.finish().map_err(Fatal::usage_of)?;
    }
    let summary = job.output.finish().map_err(Fatal::usage_of)?;
    println!("{summary}");
    if let Some(fatal) = job.fatal {
        return Err(fatal);
    }
    Ok(if job.call_failed {
        3
    } else if stop.is_stopped() && summary.not_sent > 0 {
        130
    } else if summary.rejected > 0 {
        1
    } else {
        0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(announced: bool, call: Option<i64>) -> Pending {
        Pending {
            sequence: 0,
            fingerprint: 1,
            line: ReportRow::new(1, None, Some("447700900000"), None, None),
            announced,
            call,
            was_uncertain: false,
        }
    }

    /// A row an earlier run left uncertain, sent again (`--resend-uncertain`) and not sent or
    /// rejected this time, stays uncertain in the journal: the earlier run's call may have
    /// delivered it. Accepted now, it is accepted.
    #[test]
    fn a_row_uncertain_before_and_not_sent_now_stays_uncertain() {
        let mut row = pending(true, Some(5));
        assert_eq!(row.entry(State::NotSent, None).state, State::NotSent);
        assert_eq!(row.entry(State::Rejected, None).state, State::Rejected);
        row.was_uncertain = true;
        assert_eq!(row.entry(State::NotSent, None).state, State::Uncertain);
        assert_eq!(row.entry(State::Rejected, None).state, State::Uncertain);
        assert_eq!(row.entry(State::Accepted, None).state, State::Accepted);
    }

    /// A row without an outcome when the send ended: not sent if its call was never
    /// announced, or (with a journal) still waited for its in-flight record to be committed,
    /// so never got its permit; otherwise it may have reached the service.
    #[test]
    fn a_row_left_over_is_uncertain_only_if_its_call_may_have_been_written() {
        let state = |pending: Pending, committed| left_over(&pending, committed).2;
        assert_eq!(state(pending(false, None), None), State::NotSent);
        assert_eq!(state(pending(false, Some(3)), Some(1)), State::NotSent);
        // Without a journal, an announced call was written at the send's next turn.
        assert_eq!(state(pending(true, None), None), State::Uncertain);
        assert_eq!(state(pending(true, Some(5)), Some(5)), State::Uncertain);
        assert_eq!(state(pending(true, Some(5)), Some(4)), State::NotSent);
        let (outcome, reason, _) = left_over(&pending(true, Some(5)), Some(4));
        assert_eq!(outcome, RowOutcome::NotSent);
        assert!(reason.contains("waited for the journal"), "{reason}");
    }
}
