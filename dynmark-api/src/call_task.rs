//! One call of a batch on a task of its own, for both clients: the lent call's request built
//! (unless prepared already), performed and the answer read into each item's outcome there,
//! and the call handed back should the task end first.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use crate::client::Client;
use crate::error::CallError;
use crate::operation::BatchOperation;
use crate::protocol::{LentCall, SettledCall};
use crate::trace::CallTrace;

/// Lent calls whose task ended without settling them (it panicked, or its runtime dropped
/// it), handed back by the task's [`ReturnOnDrop`].
pub(crate) struct Returned<Op: BatchOperation>(Arc<Mutex<Vec<LentCall<Op>>>>);

impl<Op: BatchOperation> Default for Returned<Op> {
    fn default() -> Self {
        Returned(Arc::new(Mutex::new(Vec::new())))
    }
}

impl<Op: BatchOperation> Returned<Op> {
    fn push(&self, call: LentCall<Op>) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(call);
    }

    fn take(&self, call: usize) -> Option<LentCall<Op>> {
        let mut returned = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let position = returned.iter().position(|lent| lent.index() == call)?;
        Some(returned.swap_remove(position))
    }
}

/// Holds a lent call on its task until it is settled; hands it back if the task ends first (a
/// panic unwinding it, its runtime dropping it), so that its items still get outcomes.
pub(crate) struct ReturnOnDrop<Op: BatchOperation> {
    call: Option<LentCall<Op>>,
    returned: Returned<Op>,
}

impl<Op: BatchOperation> ReturnOnDrop<Op> {
    pub(crate) fn new(call: LentCall<Op>, returned: &Returned<Op>) -> Self {
        ReturnOnDrop {
            call: Some(call),
            returned: Returned(Arc::clone(&returned.0)),
        }
    }
}

impl<Op: BatchOperation> Drop for ReturnOnDrop<Op> {
    fn drop(&mut self) {
        if let Some(call) = self.call.take() {
            self.returned.push(call);
        }
    }
}

/// How a call's task ended without settling its call.
pub(crate) enum TaskEnded {
    /// It panicked (the payload).
    Panicked(Box<dyn std::any::Any + Send>),
    /// It was dropped before it ended (its runtime shut down).
    Dropped,
}

/// One call's task: the request built (unless prepared already), performed, the answer read
/// into each item's outcome. `None` only if the guard held no call.
pub(crate) async fn perform<Op>(
    client: Client,
    mut guard: ReturnOnDrop<Op>,
    deadline: Option<Instant>,
    trace: CallTrace,
) -> Option<SettledCall<Op::Item>>
where
    Op: BatchOperation + 'static,
{
    let call = guard.call.as_mut()?;
    let sent = call.len();
    let (result, attempts) = match call.request(&client.settings().endpoint) {
        Ok(request) => client.perform::<Op>(request, sent, deadline, trace).await,
        // Nothing was sent.
        Err(error) => (Err(error), 0),
    };
    // The answer is read into outcomes while the guard still holds the call, so that a panic
    // there (an operation's own `ItemOutcome`, say) still hands its items back.
    let verdict = guard.call.as_ref()?.judge(result, attempts);
    Some(guard.call.take()?.settled(verdict))
}

/// Settles call `call`, whose task ended without doing so, from the call its guard handed
/// back: a panic is [`CallError::Panicked`], a dropped task [`CallError::NotRecorded`]; either
/// may have reached the service.
pub(crate) fn settle_returned<Op: BatchOperation>(
    returned: &Returned<Op>,
    call: usize,
    ended: TaskEnded,
) -> SettledCall<Op::Item> {
    match (returned.take(call), ended) {
        (Some(lent), TaskEnded::Panicked(payload)) => {
            lent.settle(Err(CallError::panicked(payload)), 1)
        }
        (Some(lent), TaskEnded::Dropped) => lent.settle(Err(CallError::NotRecorded), 1),
        // The guard gives the call up only to move its items beside their outcomes, which
        // cannot panic; should it have, it surfaces here rather than leaving the send waiting
        // forever.
        (None, TaskEnded::Panicked(payload)) => std::panic::resume_unwind(payload),
        // A task is dropped only at an await, and its call is held across one only by its
        // guard, which hands it back.
        (None, TaskEnded::Dropped) => unreachable!("a dropped call task hands its call back"),
    }
}
