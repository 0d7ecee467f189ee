//! The one place the CLI meets the library's sending: messages in, call-level events and
//! per-message outcomes out, with a graceful stop.
//!
//! The job (`send.rs`) sees only [`Event`]s: a call is about to be written with these messages
//! (the handler commits them to the journal before returning; the request is not written until
//! it does), a message's outcome, a call is over. Over `Client::send` (this version): the messages
//! go in rounds of `batch_size × calls_in_flight`, each round's valid messages announced as in
//! flight before it is sent, so the journal never says less than what may be on its way.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use dynmark_api::{
    CallFailureKind, Client, Message, NotSentReason, Outcome, RejectedBy, Validate as _,
};

/// What the job is told, in order.
#[derive(Debug)]
pub enum Event {
    /// A call is about to be written with these messages (their numbers as handed in, from 0).
    /// Nothing is written until the handler returns; an error from it sends nothing more.
    CallStarting {
        /// The messages' numbers.
        messages: Vec<usize>,
    },
    /// What became of one message.
    Outcome {
        /// Its number.
        index: usize,
        /// What became of it.
        outcome: Outcome,
    },
    /// A call is over: every message it carried has had its outcome.
    CallFinished,
}

/// Stops a send gracefully: no call starts after it; calls in flight finish and are reported.
#[derive(Debug, Clone, Default)]
pub struct Stop(Arc<AtomicBool>);

impl Stop {
    /// Asks the send to stop.
    pub fn stop(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether it was asked to.
    pub fn is_stopped(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// How a send ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// Every message handed in has its outcome.
    Done,
    /// Stopped (by [`Stop`], or by the library after refused credentials): messages not handed
    /// in yet were not sent.
    Stopped,
}

/// Sends `messages` through `client`, telling `handle` each [`Event`]. Messages are taken from
/// the iterator as calls need them. An error from `handle` stops the send at once (no further
/// call) and is returned.
pub async fn send<E>(
    client: &Client,
    round: usize,
    messages: &mut dyn Iterator<Item = Message>,
    stop: &Stop,
    handle: &mut dyn FnMut(Event) -> Result<(), E>,
) -> Result<End, E> {
    let mut next = 0usize;
    loop {
        if stop.is_stopped() {
            return Ok(End::Stopped);
        }
        // The round's messages: invalid ones are rejected here, locally, and never announced.
        let mut valid = Vec::new();
        let mut indices = Vec::new();
        for message in &mut *messages {
            let index = next;
            next += 1;
            match message.validate() {
                Ok(()) => {
                    valid.push(message);
                    indices.push(index);
                    if valid.len() == round {
                        break;
                    }
                }
                Err(report) => handle(Event::Outcome {
                    index,
                    outcome: Outcome::Rejected {
                        by: RejectedBy::Client,
                        failures: report.into_failures(),
                    },
                })?,
            }
        }
        if valid.is_empty() {
            return Ok(End::Done);
        }
        handle(Event::CallStarting {
            messages: indices.clone(),
        })?;
        let report = match client.send(valid).await {
            Ok(report) => report,
            Err(error) => error.into_report(),
        };
        let mut stopped = false;
        for (index, outcome) in indices.into_iter().zip(report.into_outcomes()) {
            // Refused credentials (or a panic) stop the library's batch; they stop the rounds too.
            stopped |= matches!(
                outcome,
                Outcome::NotSent {
                    reason: NotSentReason::Stopped { .. }
                        | NotSentReason::CallFailed {
                            failure: CallFailureKind::Unauthorized | CallFailureKind::Panicked,
                            ..
                        }
                }
            );
            handle(Event::Outcome { index, outcome })?;
        }
        handle(Event::CallFinished)?;
        if stopped {
            return Ok(End::Stopped);
        }
    }
}
