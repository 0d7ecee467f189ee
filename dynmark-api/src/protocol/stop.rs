//! A graceful stop, asked for from anywhere ([`StopHandle`]).

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::Waker;

/// Stops a send gracefully, from another task or thread (a Ctrl-C handler, a shutdown signal):
/// once [`stop`](Self::stop) is called, no further call starts, the calls in flight finish and
/// are reported, and every message whose call had not started is reported
/// [`StopRequested`](crate::NotSentReason::StopRequested), safe to send again.
///
/// Cheap to clone; every clone stops the same sends. One handle may be given to several sends
/// ([`Sending::stop_with`](crate::Sending::stop_with)); a stop cannot be undone.
#[derive(Clone, Default)]
pub struct StopHandle {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    stopped: AtomicBool,
    wakers: Mutex<Vec<Waker>>,
}

impl StopHandle {
    /// A handle that has not stopped anything yet.
    pub fn new() -> Self {
        StopHandle::default()
    }

    /// Stops every send this handle was given to (and any it is given to later).
    pub fn stop(&self) {
        self.inner.stopped.store(true, Ordering::SeqCst);
        let wakers = std::mem::take(&mut *self.wakers());
        for waker in wakers {
            waker.wake();
        }
    }

    /// `true` once [`stop`](Self::stop) was called.
    pub fn is_stopped(&self) -> bool {
        self.inner.stopped.load(Ordering::SeqCst)
    }

    /// Wakes `waker` on [`stop`](Self::stop).
    pub(crate) fn register(&self, waker: &Waker) {
        let mut wakers = self.wakers();
        if !wakers.iter().any(|known| known.will_wake(waker)) {
            wakers.push(waker.clone());
        }
    }

    fn wakers(&self) -> std::sync::MutexGuard<'_, Vec<Waker>> {
        self.inner
            .wakers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl fmt::Debug for StopHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StopHandle")
            .field("stopped", &self.is_stopped())
            .finish()
    }
}
