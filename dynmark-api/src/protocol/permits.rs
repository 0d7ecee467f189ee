//! Go-aheads for announced calls, given from anywhere ([`CallPermits`]).

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::Waker;

/// The go-aheads of a send whose calls wait for one
/// ([`Sending::events_with_permits`](crate::Sending::events_with_permits)): each call is
/// written only once [`grant`](Self::grant) was called with its number (the `call` of its
/// [`CallStarting`](crate::Event::CallStarting)), from any task or thread.
///
/// So a consumer can make "these messages are in flight" durable elsewhere (a journal on a
/// thread of its own) while the send goes on taking in answers and preparing the next calls,
/// instead of holding up the whole send until it is done.
///
/// A call that waits for its permit when no call may start any more (the deadline passed, a
/// stop, the credentials refused) is not written: it is released
/// ([`CallReleased`](crate::Event::CallReleased)). So are the waiting calls once every clone
/// of the permits is dropped: nobody can grant them any more.
///
/// Cheap to clone; every clone grants for the same send.
#[derive(Clone, Default)]
pub struct CallPermits {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    /// Calls granted and not yet taken by the send.
    granted: Mutex<Vec<usize>>,
    /// Whether `granted` may hold any (so that the send's loop, which asks at every turn, takes
    /// no lock when it holds none).
    any: AtomicBool,
    waker: Mutex<Option<Waker>>,
}

impl CallPermits {
    /// Permits for a send that has none yet.
    pub(crate) fn new() -> Self {
        CallPermits::default()
    }

    /// Lets call `call` be written (a call not waiting, or granted twice, is ignored).
    pub fn grant(&self, call: usize) {
        lock(&self.inner.granted).push(call);
        self.inner.any.store(true, Ordering::Release);
        if let Some(waker) = lock(&self.inner.waker).take() {
            waker.wake();
        }
    }

    /// The calls granted since the last time.
    pub(crate) fn take_granted(&self) -> Vec<usize> {
        if !self.has_granted() {
            return Vec::new();
        }
        let mut granted = lock(&self.inner.granted);
        self.inner.any.store(false, Ordering::Release);
        std::mem::take(&mut *granted)
    }

    /// `true` when calls may have been granted and not yet taken.
    pub(crate) fn has_granted(&self) -> bool {
        self.inner.any.load(Ordering::Acquire)
    }

    /// `true` when this is the last clone: nobody else can grant any more.
    pub(crate) fn is_abandoned(&self) -> bool {
        Arc::strong_count(&self.inner) == 1
    }

    /// Wakes `waker` on the next [`grant`](Self::grant).
    pub(crate) fn register(&self, waker: &Waker) {
        let mut registered = lock(&self.inner.waker);
        if !registered
            .as_ref()
            .is_some_and(|known| known.will_wake(waker))
        {
            *registered = Some(waker.clone());
        }
    }
}

/// A clone dropped wakes the send: if it was the last but the send's own, the calls waiting
/// for a permit are released (nobody can grant them any more).
impl Drop for CallPermits {
    fn drop(&mut self) {
        if let Some(waker) = lock(&self.inner.waker).take() {
            waker.wake();
        }
    }
}

impl fmt::Debug for CallPermits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallPermits")
            .field("granted", &*lock(&self.inner.granted))
            .finish()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
