//! The one place the CLI meets the library's sending: the streaming send's events
//! (`Client::send_stream(..).events()`), passed to the job one at a time.
//!
//! The library writes a call's request only once the event after its `CallStarting` is asked
//! for, and this loop asks only after the job's handler returned: the job commits "these rows
//! are in flight" to the journal before anything goes out. An error from the handler drops the
//! send at once: nothing more is written (calls already written are aborted, and their rows
//! stay in flight in the journal, so the next run finds them uncertain).

use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::Poll;

use dynmark_api::{Client, Event, Message, MessageOutcome};
use futures_util::task::AtomicWaker;
use futures_util::{Stream, StreamExt as _};

/// What the job is told, in order.
#[derive(Debug)]
pub enum Step {
    /// A call is about to be written with these messages (their numbers as handed in, from 0).
    CallStarting(Vec<usize>),
    /// A call announced with [`Step::CallStarting`] was not written after all (a stop came
    /// first): its messages are not in flight any more.
    CallReleased(Vec<usize>),
    /// What became of one message.
    Outcome(Box<MessageOutcome<Message>>),
    /// A call is over: every message it carried has had its outcome.
    CallFinished,
}

/// Stops a send gracefully (Ctrl-C): no message is taken from the input after it; the calls
/// for messages already taken are made and finish, and the send ends.
#[derive(Debug, Clone, Default)]
pub struct Stop(Arc<StopState>);

#[derive(Debug, Default)]
struct StopState {
    stopped: AtomicBool,
    waker: AtomicWaker,
}

impl Stop {
    /// Asks the send to stop.
    pub fn stop(&self) {
        self.0.stopped.store(true, Ordering::SeqCst);
        self.0.waker.wake();
    }

    /// Whether it was asked to.
    pub fn is_stopped(&self) -> bool {
        self.0.stopped.load(Ordering::SeqCst)
    }
}

/// Sends `messages` through `client`, telling `handle` each [`Step`]. Messages are taken from
/// the stream only as the calls being prepared need them (when it makes the send wait with
/// nothing in flight, what there is goes); after `stop`, none is taken (the rest are the
/// caller's, never sent).
///
/// The stop ends the input rather than using the library's stop handle: the input is a
/// channel that may be waiting, and ending it lets the send finish what it has taken.
pub async fn send<E>(
    client: &Client,
    messages: impl Stream<Item = Message>,
    stop: &Stop,
    handle: &mut dyn FnMut(Step) -> Result<(), E>,
) -> Result<(), E> {
    let mut messages = pin!(messages);
    let input = futures_util::stream::poll_fn(move |cx| {
        stop.0.waker.register(cx.waker());
        if stop.is_stopped() {
            return Poll::Ready(None);
        }
        messages.as_mut().poll_next(cx)
    });
    let mut events = client.send_stream(input).events();
    while let Some(event) = events.next().await {
        let step = match event {
            Event::CallStarting { items, .. } => Step::CallStarting(items),
            Event::CallReleased { items, .. } => Step::CallReleased(items),
            Event::Outcome(outcome) => Step::Outcome(Box::new(outcome)),
            Event::CallFinished { .. } => Step::CallFinished,
            // An event this version does not know says nothing about the journal.
            _ => continue,
        };
        handle(step)?;
    }
    Ok(())
}
