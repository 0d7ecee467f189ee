//! A batch: any number of items, validated, split into calls, and the results merged back into
//! one outcome per item, in input order.

use std::collections::VecDeque;

use serde::{Serialize, Serializer};

use crate::ValidationFailure;
use crate::error::{CallError, CallFailure, CallFailureKind, SendError};
use crate::operation::{BatchOperation, ItemOutcome};
use crate::protocol::http::{Endpoint, HttpRequest};
use crate::redact::Redactor;
use crate::report::{NotSentReason, Outcome, RejectedBy, SendReport};
use crate::validation::Validate;

/// How a batch is prepared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchOptions {
    /// Validate each item locally first; an invalid item is reported as rejected by the client
    /// and is not sent.
    pub validate: bool,
    /// At most this many items per call (capped at the operation's
    /// [`MAX_ITEMS_PER_CALL`](BatchOperation::MAX_ITEMS_PER_CALL); 0 counts as 1).
    pub call_size: usize,
}

impl Default for BatchOptions {
    fn default() -> Self {
        BatchOptions {
            validate: true,
            call_size: usize::MAX,
        }
    }
}

/// Whether a shell should start more calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Go on.
    Continue,
    /// Start no further call: the credentials were refused (every other call would be too), or
    /// a call panicked ([`CallError::stops_batch`]). Calls already in flight finish and are
    /// recorded.
    Stop,
}

/// One call to make: its number, how many items it carries, and its request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// The call's number, from 0.
    pub index: usize,
    /// How many items it carries (pass it to [`Endpoint::parse_response`]).
    pub items: usize,
    /// The request to send.
    pub request: HttpRequest,
}

/// Where a call stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CallState {
    /// Prepared (validated and serialized) and held by the batch: never handed out, or handed
    /// back with [`Batch::release`].
    Prepared,
    /// Handed out to a shell: it may have been sent.
    Started,
    /// Its result is recorded.
    Recorded,
}

/// Any number of items of operation `Op`: validated and split into calls as the calls are
/// made, with their results merged back into one outcome per item, in input order.
///
/// A shell takes calls from [`next_call`](Self::next_call) (as many at once as it wants in
/// flight), performs each request, reads the answer with [`Endpoint::parse_response`], hands
/// the result to [`record`](Self::record), and finally asks for the report with
/// [`finish`](Self::finish). Only the shell moves bytes; the batch holds all the state,
/// including which calls are in flight: [`start_call`](Self::start_call) hands out a call only
/// while fewer than a limit are, and [`prepare`](Self::prepare) uses a wait to get the next call
/// ready. A call handed out and not to be sent after all goes back with
/// [`release`](Self::release); one handed out and never recorded may have reached the service,
/// and [`finish`](Self::finish) says so.
///
/// ```
/// use dynmark_api::protocol::{BaseUrl, Batch, BatchOptions, Endpoint, HttpResponse};
/// use dynmark_api::{operations::SendMessages, Credentials, Message, RejectedBy};
///
/// let endpoint = Endpoint::new(BaseUrl::default(), Credentials::new("user", "password"));
/// let messages = vec![
///     Message::new("447700900000", "Example", "Hello"),
///     Message::new("447700900111", "", "no originator"),
///     Message::new("447700900222", "Example", "Hello"),
/// ];
/// let mut batch = Batch::<SendMessages>::new(messages, BatchOptions::default());
/// while let Some(call) = batch.next_call(&endpoint) {
///     assert_eq!(call.request.url, "https://services.dynmark.com/webapi/message/send");
///     // ... send `call.request` with any HTTP library; here, the service's answer:
///     let response = HttpResponse::new(
///         202,
///         Some("application/json".into()),
///         r#"[{"to":"447700900000","successful":true},{"to":"447700900222","successful":true}]"#,
///     );
///     let results = endpoint.parse_response::<SendMessages>(&response, call.items);
///     batch.record(call.index, results);
/// }
/// let report = batch.finish().unwrap();
/// assert_eq!(report.accepted().collect::<Vec<_>>(), [0, 2]);
/// assert_eq!(report.rejected().next().map(|(i, by, _)| (i, by)), Some((1, RejectedBy::Client)));
/// ```
#[derive(Debug)]
pub struct Batch<Op: BatchOperation> {
    items: Vec<Op::Item>,
    validate: bool,
    call_size: usize,
    /// The next item not yet in a call (nor rejected).
    cursor: usize,
    /// The input indices each call prepared so far carries.
    calls: Vec<Vec<usize>>,
    states: Vec<CallState>,
    /// Prepared calls held by the batch, lowest number first.
    prepared: VecDeque<Call>,
    /// Calls handed out and not recorded.
    in_flight: usize,
    outcomes: Vec<Option<Outcome>>,
    /// Failures listed in results that accepted their item.
    accepted_with_failures: Vec<(usize, Vec<ValidationFailure>)>,
    failures: Vec<CallFailure>,
    /// The call that stopped the batch, and how it failed.
    stopped_by: Option<(usize, CallFailureKind)>,
    /// The endpoint's redaction step, for the failures in the service's results.
    redactor: Redactor,
}

impl<Op: BatchOperation> Batch<Op> {
    /// A batch of `items`; nothing is validated or serialized until calls are asked for.
    pub fn new(items: Vec<Op::Item>, options: BatchOptions) -> Self {
        let outcomes = std::iter::repeat_with(|| None).take(items.len()).collect();
        Batch {
            items,
            validate: options.validate,
            call_size: options.call_size.clamp(1, Op::MAX_ITEMS_PER_CALL.max(1)),
            cursor: 0,
            calls: Vec::new(),
            states: Vec::new(),
            prepared: VecDeque::new(),
            in_flight: 0,
            outcomes,
            accepted_with_failures: Vec::new(),
            failures: Vec::new(),
            stopped_by: None,
            redactor: Redactor::none(),
        }
    }

    /// How many items were given.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// `true` when no item was given.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The items, in input order.
    pub fn items(&self) -> &[Op::Item] {
        &self.items
    }

    /// How many calls were prepared so far (handed out or not).
    pub fn calls(&self) -> usize {
        self.calls.len()
    }

    /// How many calls are in flight: handed out and not recorded (nor released).
    pub fn in_flight(&self) -> usize {
        self.in_flight
    }

    /// The input indices of the items that call `call` carries, in order (empty for a call that
    /// does not exist).
    pub fn call_items(&self, call: usize) -> &[usize] {
        self.calls.get(call).map_or(&[], Vec::as_slice)
    }

    /// Hands out the next call: the one [`prepare`](Self::prepare) got ready, else a new one
    /// (validating items from where the last call ended, an invalid one becoming
    /// [`Rejected`](Outcome::Rejected) by the client, until the call is full, and building its
    /// request for `endpoint`). `None` when every item is accounted for, or once the batch is
    /// stopped ([`should_stop`](Self::should_stop)).
    ///
    /// From here on the call counts as in flight: record its result with
    /// [`record`](Self::record), or hand it back with [`release`](Self::release) if it was not
    /// sent after all.
    pub fn next_call(&mut self, endpoint: &Endpoint) -> Option<Call> {
        if self.should_stop() {
            return None;
        }
        let call = match self.prepared.pop_front() {
            Some(call) => call,
            None => self.prepare_call(endpoint)?,
        };
        self.states[call.index] = CallState::Started;
        self.in_flight += 1;
        Some(call)
    }

    /// The next call to start for a shell that keeps at most `calls_in_flight` calls in flight
    /// (0 counts as 1): [`next_call`](Self::next_call) while fewer are, else `None`.
    ///
    /// A shell starts calls with `while let Some(call) = batch.start_call(..)`, then waits for
    /// one to finish (with [`prepare`](Self::prepare) meanwhile) and records it.
    pub fn start_call(&mut self, endpoint: &Endpoint, calls_in_flight: usize) -> Option<Call> {
        if self.in_flight >= calls_in_flight.max(1) {
            return None;
        }
        self.next_call(endpoint)
    }

    /// Uses a wait: validates and serializes the next call, if none is ready and the batch is
    /// not stopped, so that the next [`next_call`](Self::next_call) hands it out at once. The
    /// batch holds it: it is not in flight, and a batch finished with it is reported as never
    /// sent.
    pub fn prepare(&mut self, endpoint: &Endpoint) {
        if self.prepared.is_empty()
            && !self.should_stop()
            && let Some(call) = self.prepare_call(endpoint)
        {
            self.prepared.push_back(call);
        }
    }

    /// Hands back a call from [`next_call`](Self::next_call) that was not sent after all: it is
    /// no longer in flight, and the next `next_call` hands it out again (a batch finished with it
    /// reports its items as never sent). A call recorded, already handed back, or not from this
    /// batch is ignored.
    pub fn release(&mut self, call: Call) {
        if self.states.get(call.index) != Some(&CallState::Started) {
            return;
        }
        self.states[call.index] = CallState::Prepared;
        self.in_flight -= 1;
        let at = self
            .prepared
            .partition_point(|held| held.index < call.index);
        self.prepared.insert(at, call);
    }

    /// Prepares a new call: its items, its request. A call whose request cannot be built fails
    /// at once (nothing is sent), and the next one is tried.
    fn prepare_call(&mut self, endpoint: &Endpoint) -> Option<Call> {
        if self.redactor != *endpoint.redactor() {
            self.redactor = endpoint.redactor().clone();
        }
        loop {
            let indices = self.take_valid(self.call_size);
            if indices.is_empty() {
                return None;
            }
            let index = self.calls.len();
            let request = endpoint.request_for::<Op, _>(&Chunk {
                items: &self.items,
                indices: &indices,
            });
            let items = indices.len();
            self.calls.push(indices);
            self.states.push(CallState::Prepared);
            match request {
                Ok(request) => {
                    return Some(Call {
                        index,
                        items,
                        request,
                    });
                }
                Err(error) => {
                    self.settle(index, Err(error));
                }
            }
        }
    }

    /// Up to `count` input indices of valid items from the cursor on; rejects invalid ones.
    fn take_valid(&mut self, count: usize) -> Vec<usize> {
        let mut indices = Vec::with_capacity(count.min(self.items.len() - self.cursor));
        while indices.len() < count && self.cursor < self.items.len() {
            let index = self.cursor;
            self.cursor += 1;
            if self.validate
                && let Err(report) = self.items[index].validate()
            {
                self.outcomes[index] = Some(Outcome::Rejected {
                    by: RejectedBy::Client,
                    failures: report.into_failures(),
                });
                continue;
            }
            indices.push(index);
        }
        indices
    }

    /// Records what call `call` came to: its results (from [`Endpoint::parse_response`]) or its
    /// failure. A call recorded twice, one that is not in flight (never handed out, or handed
    /// back), or one that does not exist, is ignored.
    ///
    /// A result that accepts its item and still lists failures keeps them
    /// ([`SendReport::accepted_with_failures`]).
    pub fn record(&mut self, call: usize, result: Result<Vec<Op::ItemResult>, CallError>) -> Flow {
        if self.states.get(call) != Some(&CallState::Started) {
            return self.flow();
        }
        self.in_flight -= 1;
        self.settle(call, result);
        self.flow()
    }

    /// Records the result of call `call`, whatever its state.
    fn settle(&mut self, call: usize, result: Result<Vec<Op::ItemResult>, CallError>) {
        self.states[call] = CallState::Recorded;
        let indices = std::mem::take(&mut self.calls[call]);
        match result {
            Ok(results) if results.len() == indices.len() => {
                for (&index, result) in indices.iter().zip(results) {
                    let outcome = if result.is_accepted() {
                        if !result.failures().is_empty() {
                            self.accepted_with_failures
                                .push((index, self.redactor.failures(result.into_failures())));
                        }
                        Outcome::Accepted
                    } else {
                        Outcome::Rejected {
                            by: RejectedBy::Service,
                            failures: self.redactor.failures(result.into_failures()),
                        }
                    };
                    self.outcomes[index] = Some(outcome);
                }
            }
            Ok(results) => {
                let error = CallError::ResultCount {
                    sent: indices.len(),
                    received: results.len(),
                };
                self.fail(call, &indices, error);
            }
            Err(error) => self.fail(call, &indices, error),
        }
        self.calls[call] = indices;
    }

    fn fail(&mut self, call: usize, indices: &[usize], error: CallError) {
        let failure = error.kind();
        if error.stops_batch() && self.stopped_by.is_none() {
            self.stopped_by = Some((call, failure));
        }
        // A 400 names the items it could not read (`message[1].body`): those are rejected by the
        // service, with the path made relative to the item (`body`), like a 202's failures.
        if let CallError::BadRequest { failures } = &error {
            for failure in failures {
                let Some((position, property)) = failure
                    .property
                    .as_deref()
                    .and_then(|p| item_path(p, Op::ITEM_NAME))
                else {
                    continue;
                };
                let Some(&index) = indices.get(position) else {
                    continue;
                };
                let relative = ValidationFailure {
                    property,
                    ..failure.clone()
                };
                match &mut self.outcomes[index] {
                    Some(Outcome::Rejected { failures, .. }) => failures.push(relative),
                    outcome => {
                        *outcome = Some(Outcome::Rejected {
                            by: RejectedBy::Service,
                            failures: vec![relative],
                        })
                    }
                }
            }
        }
        for &index in indices {
            if self.outcomes[index].is_none() {
                self.outcomes[index] = Some(Outcome::NotSent {
                    reason: NotSentReason::CallFailed { call, failure },
                });
            }
        }
        self.failures.push(CallFailure {
            call,
            items: indices.to_vec(),
            error,
        });
    }

    fn flow(&self) -> Flow {
        if self.stopped_by.is_some() {
            Flow::Stop
        } else {
            Flow::Continue
        }
    }

    /// `true` once a call stopped the batch (refused credentials, a panic): start no further
    /// call.
    pub fn should_stop(&self) -> bool {
        self.stopped_by.is_some()
    }

    /// The report: one outcome per item, in input order. `Err` when any call failed as a whole;
    /// it still carries the report.
    ///
    /// A call handed out and never recorded (nor released) fails with
    /// [`CallError::NotRecorded`]: its items may have reached the service. Items whose call was
    /// never sent are [`NotSent`](Outcome::NotSent): [`Stopped`](NotSentReason::Stopped) after
    /// a call stopped the batch, else [`Unfinished`](NotSentReason::Unfinished); those never
    /// considered are validated first (without a network), so an invalid one is still reported
    /// as rejected by the client.
    pub fn finish(mut self) -> Result<SendReport, SendError> {
        let reason = match self.stopped_by {
            Some((by_call, failure)) => NotSentReason::Stopped { by_call, failure },
            None => NotSentReason::Unfinished,
        };
        for call in 0..self.calls.len() {
            match self.states[call] {
                CallState::Recorded => {}
                // Handed out, never recorded: it may have been sent.
                CallState::Started => {
                    let indices = std::mem::take(&mut self.calls[call]);
                    self.fail(call, &indices, CallError::NotRecorded);
                    self.calls[call] = indices;
                }
                // Held by the batch: never sent.
                CallState::Prepared => {
                    for &index in &self.calls[call] {
                        self.outcomes[index].get_or_insert(Outcome::NotSent { reason });
                    }
                }
            }
        }
        // Calls never prepared: counted as planned, their items not sent.
        let mut calls = self.calls.len();
        loop {
            let indices = self.take_valid(self.call_size);
            if indices.is_empty() {
                break;
            }
            calls += 1;
            for index in indices {
                self.outcomes[index] = Some(Outcome::NotSent { reason });
            }
        }
        let outcomes = self
            .outcomes
            .into_iter()
            .map(|outcome| outcome.unwrap_or(Outcome::NotSent { reason }))
            .collect();
        let report = SendReport::new(outcomes).with_accepted_failures(self.accepted_with_failures);
        let mut failures = self.failures;
        if failures.is_empty() {
            Ok(report)
        } else {
            failures.sort_by_key(|failure| failure.call);
            Err(SendError::new(report, failures, calls))
        }
    }
}

/// The items of one call, serialized as a JSON array without copying them.
struct Chunk<'a, T> {
    items: &'a [T],
    indices: &'a [usize],
}

impl<T: Serialize> Serialize for Chunk<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.indices.iter().filter_map(|&i| self.items.get(i)))
    }
}

/// `message[3].from` → `(3, Some("from"))`; `message[3]` → `(3, None)`; anything else → `None`.
fn item_path(property: &str, item_name: &str) -> Option<(usize, Option<String>)> {
    let rest = property.strip_prefix(item_name)?.strip_prefix('[')?;
    let (position, rest) = rest.split_once(']')?;
    let position = position.parse().ok()?;
    let property = match rest {
        "" => None,
        rest => Some(rest.strip_prefix('.').unwrap_or(rest).to_owned()),
    };
    Some((position, property))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_paths() {
        assert_eq!(
            item_path("message[3].from", "message"),
            Some((3, Some("from".into())))
        );
        assert_eq!(item_path("message[0]", "message"), Some((0, None)));
        assert_eq!(
            item_path("message[1][2]", "message"),
            Some((1, Some("[2]".into())))
        );
        assert_eq!(item_path("message[x].from", "message"), None);
        assert_eq!(item_path("messages[0].from", "message"), None);
        assert_eq!(item_path("from", "message"), None);
        assert_eq!(item_path("", "message"), None);
    }
}
