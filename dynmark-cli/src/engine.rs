//! The one place the CLI meets the library's sending: the streaming send's events
//! (`Client::send_stream(..).events()`), passed to the job one at a time.
//!
//! Without permits, the library writes a call's request only once the event after its
//! `CallStarting` is asked for, and this loop asks only after the job's handler returned. With
//! permits (a journal), each `CallStarting` comes with a [`Permit`] and the call is written only
//! once it is granted: the job hands it to the journal's thread, which grants it once "these rows
//! are in flight" is committed, while the send goes on. An error from the handler drops the send
//! at once: nothing more is written (calls already written are aborted, and their rows stay in
//! flight in the journal, so the next run finds them uncertain).
//!
//! Ctrl-C is the library's [`StopHandle`]: no call starts after it, the calls in flight finish,
//! and the messages already taken whose calls had not started are reported not sent.

use dynmark_api::{
    CallPermits, Client, Event, Message, MessageOutcome, Outcome, StopHandle, ValidationFailure,
};
use futures_util::{Stream, StreamExt as _};

/// What the job is told, in order.
#[derive(Debug)]
pub enum Step {
    /// Call number `call` is about to be written with `messages` (their numbers as handed in,
    /// from 0).
    CallStarting {
        /// The call's number in this send.
        call: usize,
        /// Its messages.
        messages: Vec<usize>,
        /// What lets it be written, when the send was asked for permits.
        permit: Option<Permit>,
    },
    /// A call announced with [`Step::CallStarting`] was not written after all (a stop came
    /// first): its messages are not in flight any more.
    CallReleased {
        /// The call's number.
        call: usize,
        /// Its messages.
        messages: Vec<usize>,
    },
    /// What became of one message (the message itself is not needed any more: each row's
    /// report line was made as it was read).
    Outcome {
        /// Its number as handed in, from 0.
        message: usize,
        /// What became of it.
        outcome: Outcome,
        /// Failures the service listed although it accepted it.
        accepted_with_failures: Vec<ValidationFailure>,
        /// Why the service's result for it could not be read, if it could not.
        unreadable: Option<String>,
    },
    /// A call is over: every message it carried has had its outcome.
    CallFinished {
        /// The call's number.
        call: usize,
    },
}

/// The go-ahead of one announced call: until it is granted, the call is not written.
#[derive(Debug)]
pub struct Permit {
    permits: CallPermits,
    call: usize,
}

impl Permit {
    /// Lets the call be written.
    pub fn grant(self) {
        self.permits.grant(self.call);
    }
}

/// Sends `messages` through `client`, telling `handle` each [`Step`] (each call waiting for its
/// [`Permit`] when `with_permits`). Messages are taken from
/// the stream only as the calls being prepared need them (when it makes the send wait with
/// nothing in flight, what there is goes).
///
/// `stop` is the library's own graceful stop (Ctrl-C): once it is stopped, no call starts and
/// none is taken from `messages` (the rest are the caller's, never sent); the calls in flight
/// finish, and each message taken whose call had not started comes back as an
/// [`Step::Outcome`] `NotSent` (`StopRequested`), a call announced but not written as a
/// [`Step::CallReleased`].
pub async fn send<E>(
    client: &Client,
    messages: impl Stream<Item = Message>,
    stop: &StopHandle,
    with_permits: bool,
    handle: &mut dyn FnMut(Step) -> Result<(), E>,
) -> Result<(), E> {
    let sending = client.send_stream(messages).stop_with(stop.clone());
    let (mut events, permits) = if with_permits {
        let (events, permits) = sending.events_with_permits();
        (events, Some(permits))
    } else {
        (sending.events(), None)
    };
    while let Some(event) = events.next().await {
        let step = match event {
            Event::CallStarting { call, items, .. } => Step::CallStarting {
                call,
                messages: items,
                permit: permits.clone().map(|permits| Permit { permits, call }),
            },
            Event::CallReleased { call, items, .. } => Step::CallReleased {
                call,
                messages: items,
            },
            Event::Outcome(MessageOutcome {
                index,
                outcome,
                accepted_with_failures,
                unreadable_result,
                ..
            }) => Step::Outcome {
                message: index,
                outcome,
                accepted_with_failures,
                unreadable: unreadable_result.map(|result| result.reason),
            },
            Event::CallFinished { call, .. } => Step::CallFinished { call },
            // An event this version does not know says nothing about the journal.
            _ => continue,
        };
        handle(step)?;
    }
    Ok(())
}
