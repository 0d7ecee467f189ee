//! The journal as a send uses it: everything is committed on a thread of its own, so that the
//! sending thread goes on taking in answers and preparing the next calls meanwhile.
//!
//! A call's rows are queued as in flight when it is announced, with its [`Permit`]: the thread
//! grants the permit only once they are committed, so the call's request is never written
//! before the journal says it may be on its way. Outcomes are queued as calls finish. The
//! thread commits what queued up, in order, in one transaction (fewer commits when it falls
//! behind), then grants the permits of the calls in it. Until a call's outcomes are committed
//! its rows are in flight in the file, so a kill in between makes them uncertain, never lost;
//! a call queued and not committed was never written, so its rows are sent again.
//!
//! The first error (or a panic) stops the thread and the send (its calls waiting for a permit
//! are not written); every later use of the journal returns it, so nothing more is sent. The
//! sending thread itself waits for SQLite only when a rerun asks what the journal said of a row
//! it knew of.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;

use dynmark_api::StopHandle;

use crate::engine::Permit;
use crate::journal::{CallInFlight, Entry, InFlightRow, Journal, JournalError, RowEntry};

/// What the sending thread queues for the journal's thread.
enum Queued {
    /// A call's rows, to commit as in flight before its permit is granted.
    InFlight(CallInFlight, Option<Permit>),
    /// Rows' outcomes, and the calls (the journal's numbers) they finish.
    Outcomes(Vec<RowEntry>, Vec<i64>),
}

/// A journal open for a send, with its committing thread.
pub struct Committer {
    journal: Arc<Mutex<Journal>>,
    queue: Option<Sender<Queued>>,
    thread: Option<JoinHandle<()>>,
    /// What stopped the thread, once something did.
    failed: Arc<Mutex<Option<JournalError>>>,
    /// The journal's numbers of this run's calls, from here up.
    next_call: i64,
    /// The last row the journal knew of when the run began: no later row has an entry.
    last_row: u64,
    /// The highest number of a call committed as in flight (calls are committed in the order
    /// of their numbers): a call above it has not been granted its permit.
    committed: Arc<AtomicI64>,
}

impl Committer {
    /// Starts the committing thread for `journal`; `stop` stops the send if it fails.
    pub fn start(journal: Journal, stop: StopHandle) -> Result<Committer, String> {
        let (next_call, last_row) = (journal.next_call(), journal.last_row());
        let journal = Arc::new(Mutex::new(journal));
        let failed = Arc::new(Mutex::new(None));
        let committed = Arc::new(AtomicI64::new(next_call - 1));
        let (queue, queued) = channel::<Queued>();
        let thread = {
            let journal = Arc::clone(&journal);
            let failed = Arc::clone(&failed);
            let committed = Arc::clone(&committed);
            std::thread::Builder::new()
                .name("dynmark-journal".into())
                .spawn(move || {
                    // However the thread ends but at the queue's end (an error, a panic), the
                    // send stops and the journal takes no more.
                    let mut on_exit = OnExit {
                        stop,
                        failed: Arc::clone(&failed),
                        finished: false,
                    };
                    while let Ok(first) = queued.recv() {
                        // What queued up meanwhile goes in the same transaction, in order.
                        let (mut calls, mut permits) = (Vec::new(), Vec::new());
                        let (mut rows, mut finished) = (Vec::new(), Vec::new());
                        for next in std::iter::once(first).chain(queued.try_iter()) {
                            match next {
                                Queued::InFlight(call, permit) => {
                                    calls.push(call);
                                    permits.extend(permit);
                                }
                                Queued::Outcomes(more, done) => {
                                    rows.extend(more);
                                    finished.extend(done);
                                }
                            }
                        }
                        if let Err(error) = lock(&journal).commit(&calls, &rows, &finished) {
                            *lock(&failed) = Some(error);
                            return;
                        }
                        if let Some(last) = calls.last() {
                            committed.store(last.number(), Ordering::Release);
                        }
                        for permit in permits {
                            permit.grant();
                        }
                    }
                    on_exit.finished = true;
                })
                .map_err(|e| format!("cannot start the journal's thread: {e}"))?
        };
        Ok(Committer {
            journal,
            queue: Some(queue),
            thread: Some(thread),
            failed,
            next_call,
            last_row,
            committed,
        })
    }

    /// The highest number of a call committed as in flight so far: a call with a higher one
    /// has not been granted its permit (so, once the send is dropped, it was never written).
    pub fn committed(&self) -> i64 {
        self.committed.load(Ordering::Acquire)
    }

    /// What the journal said of `row` when the run began.
    pub fn entry(&self, row: u64) -> Result<Option<Entry>, JournalError> {
        if row > self.last_row {
            return Ok(None);
        }
        lock(&self.journal).entry(row)
    }

    /// Queues a call's `rows` to be committed as in flight; `permit` is granted once they are
    /// (never, if the journal fails first). Returns the call's number in the journal at once.
    pub fn in_flight(
        &mut self,
        rows: &[InFlightRow<'_>],
        permit: Option<Permit>,
    ) -> Result<i64, JournalError> {
        self.status()?;
        let number = self.next_call;
        self.next_call += 1;
        self.send(Queued::InFlight(CallInFlight::new(number, rows), permit))?;
        Ok(number)
    }

    /// Queues rows' outcomes and the end of the calls `finished`, to be committed in one
    /// transaction after what was queued before.
    pub fn record(&self, rows: Vec<RowEntry>, finished: Vec<i64>) -> Result<(), JournalError> {
        self.status()?;
        self.send(Queued::Outcomes(rows, finished))
    }

    fn send(&self, queued: Queued) -> Result<(), JournalError> {
        if let Some(queue) = &self.queue
            && queue.send(queued).is_err()
        {
            // The thread ended: it recorded why.
            self.status()?;
        }
        Ok(())
    }

    /// Waits until everything queued is committed.
    pub fn finish(mut self) -> Result<(), JournalError> {
        self.queue = None;
        if let Some(thread) = self.thread.take() {
            // A panic there is a bug; what it committed is in the file, the rest in flight.
            let _ = thread.join();
        }
        self.status()
    }

    /// What stopped the journal, if something did.
    pub fn status(&self) -> Result<(), JournalError> {
        match lock(&self.failed).take() {
            Some(error) => {
                let text = error.to_string();
                // Keep it for the next caller too.
                *lock(&self.failed) = Some(JournalError::Stopped(text.clone()));
                Err(error)
            }
            None => Ok(()),
        }
    }
}

/// The journal thread's end: unless it reached the end of the queue, the send is stopped (the
/// calls waiting for a permit are not written) and the journal takes no more.
struct OnExit {
    stop: StopHandle,
    failed: Arc<Mutex<Option<JournalError>>>,
    finished: bool,
}

impl Drop for OnExit {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        lock(&self.failed).get_or_insert_with(|| {
            JournalError::Stopped("the journal's thread stopped unexpectedly".to_owned())
        });
        self.stop.stop();
    }
}

impl Drop for Committer {
    fn drop(&mut self) {
        self.queue = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::State;

    fn entry(row: u64, state: State) -> RowEntry {
        RowEntry {
            row,
            fingerprint: row as i64,
            state,
            to: row.to_string(),
            client_ref: None,
            failures: None,
        }
    }

    #[test]
    fn queued_outcomes_are_committed_in_order_by_the_time_it_finishes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("job.sqlite");
        let service = "http://127.0.0.1:1 as sandbox-user";
        let journal = Journal::open(&path, service, false).expect("open");
        let mut committer = Committer::start(journal, StopHandle::new()).expect("start");
        let first = committer
            .in_flight(&[(1, 1, "1", None), (2, 2, "2", None)], None)
            .expect("in flight");
        let second = committer
            .in_flight(&[(3, 3, "3", Some("c"))], None)
            .expect("in flight");
        assert_ne!(first, second);
        committer
            .record(
                vec![entry(1, State::Accepted), entry(2, State::Rejected)],
                vec![first],
            )
            .expect("queued");
        // A later outcome of the same row wins: outcomes are committed in order.
        committer
            .record(vec![entry(2, State::NotSent)], vec![])
            .expect("queued");
        assert_eq!(committer.entry(4).expect("entry"), None);
        committer.finish().expect("finish");
        // The second call never finished: its row is uncertain in the next run.
        let journal = Journal::open(&path, service, false).expect("reopen");
        assert_eq!(journal.interrupted(), 1);
        let state = |row| journal.entry(row).expect("entry").map(|e| e.state);
        assert_eq!(state(1), Some(State::Accepted));
        assert_eq!(state(2), Some(State::NotSent));
        assert_eq!(state(3), Some(State::Uncertain));
        assert_eq!(
            journal.entry(3).expect("entry").map(|e| e.fingerprint),
            Some(3)
        );
    }

    /// The journal thread ending other than at the queue's end (an error, a panic) stops the
    /// send and leaves an error for every later use; ending at the queue's end does neither.
    #[test]
    fn the_journal_thread_ending_early_stops_the_send() {
        for finished in [false, true] {
            let (stop, failed) = (StopHandle::new(), Arc::new(Mutex::new(None)));
            let on_exit = OnExit {
                stop: stop.clone(),
                failed: Arc::clone(&failed),
                finished,
            };
            let panicked = std::thread::spawn(move || {
                let _on_exit = on_exit;
                if !finished {
                    panic!("a bug in the journal's thread");
                }
            })
            .join()
            .is_err();
            assert_eq!(panicked, !finished);
            assert_eq!(stop.is_stopped(), !finished);
            assert_eq!(lock(&failed).is_some(), !finished);
        }
    }
}
