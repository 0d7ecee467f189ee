//! The one place the CLI meets the library's sending: the streaming send's events
//! (`Client::send_stream(..).events()`), passed to the job one at a time.
//!
//! The library writes a call's request only once the event after its `CallStarting` is asked
//! for, and this loop asks only after the job's handler returned: the job commits "these rows
//! are in flight" to the journal before anything goes out. An error from the handler drops the
//! send at once: nothing more is written (calls already written are aborted, and their rows
//! stay in flight in the journal, so the next run finds them uncertain).

use dynmark_api::{Client, Message, MessageOutcome};
use dynmark_api::{Event, StopHandle};
use futures_util::StreamExt as _;

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

/// Sends `messages` through `client`, telling `handle` each [`Step`]. Messages are taken from
/// the iterator only as the calls being prepared need them; after `stop`, none is taken (the
/// rest are the caller's, never sent).
pub async fn send<E>(
    client: &Client,
    messages: &mut dyn Iterator<Item = Message>,
    stop: &StopHandle,
    handle: &mut dyn FnMut(Step) -> Result<(), E>,
) -> Result<(), E> {
    let input = futures_util::stream::iter(messages);
    let mut events = client.send_stream(input).stop_with(stop.clone()).events();
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
