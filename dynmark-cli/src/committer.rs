//! The journal as a send uses it: rows in flight committed on the sending thread, before their
//! call is written; outcomes committed on a thread of their own, so that the sending thread
//! goes on preparing the next calls meanwhile.
//!
//! Outcomes are committed in the order their calls finished, each call's in one transaction
//! (with those of the calls that finished while the last one was being committed).
//! Until one is committed its rows are in flight in the file, so a kill in between makes them
//! uncertain, never lost. The first error stops the thread; every later use of the journal
//! returns it, so nothing more is sent.

use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;

use crate::journal::{Entry, InFlightRow, Journal, JournalError, RowEntry};

/// Rows' outcomes, and the calls (the journal's numbers) they finish.
type Outcomes = (Vec<RowEntry>, Vec<i64>);

/// A journal open for a send, with its committing thread.
pub struct Committer {
    journal: Arc<Mutex<Journal>>,
    queue: Option<Sender<Outcomes>>,
    thread: Option<JoinHandle<()>>,
    /// What stopped the thread, once something did.
    failed: Arc<Mutex<Option<JournalError>>>,
}

impl Committer {
    /// Starts the committing thread for `journal`.
    pub fn start(journal: Journal) -> Result<Committer, String> {
        let journal = Arc::new(Mutex::new(journal));
        let failed = Arc::new(Mutex::new(None));
        let (queue, outcomes) = channel::<Outcomes>();
        let thread = {
            let journal = Arc::clone(&journal);
            let failed = Arc::clone(&failed);
            std::thread::Builder::new()
                .name("dynmark-journal".into())
                .spawn(move || {
                    while let Ok((mut rows, mut finished)) = outcomes.recv() {
                        // What queued up meanwhile goes in the same transaction (each call's
                        // outcomes and end still together): fewer commits when it falls behind.
                        while let Ok((more, done)) = outcomes.try_recv() {
                            rows.extend(more);
                            finished.extend(done);
                        }
                        if let Err(error) = lock(&journal).record(&rows, &finished) {
                            *lock(&failed) = Some(error);
                            return;
                        }
                    }
                })
                .map_err(|e| format!("cannot start the journal's thread: {e}"))?
        };
        Ok(Committer {
            journal,
            queue: Some(queue),
            thread: Some(thread),
            failed,
        })
    }

    /// What the journal said of `row` when the run began.
    pub fn entry(&self, row: u64) -> Result<Option<Entry>, JournalError> {
        lock(&self.journal).entry(row)
    }

    /// Commits a call's `rows` as in flight (see [`Journal::in_flight`]); it returns once they
    /// are (with the call's number in the journal), or with the error that stopped the journal
    /// (then the call must not be written).
    pub fn in_flight(&self, rows: &[InFlightRow<'_>]) -> Result<i64, JournalError> {
        self.check()?;
        lock(&self.journal).in_flight(rows)
    }

    /// Queues rows' outcomes and the end of the calls `finished`, to be committed in one
    /// transaction after those queued before.
    pub fn record(&self, rows: Vec<RowEntry>, finished: Vec<i64>) -> Result<(), JournalError> {
        self.check()?;
        if let Some(queue) = &self.queue
            && queue.send((rows, finished)).is_err()
        {
            // The thread ended: it recorded why.
            self.check()?;
        }
        Ok(())
    }

    /// Waits until every queued outcome is committed.
    pub fn finish(mut self) -> Result<(), JournalError> {
        self.queue = None;
        if let Some(thread) = self.thread.take() {
            // A panic there is a bug; what it committed is in the file, the rest in flight.
            let _ = thread.join();
        }
        self.check()
    }

    fn check(&self) -> Result<(), JournalError> {
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
        let committer = Committer::start(journal).expect("start");
        let first = committer
            .in_flight(&[(1, 1, "1", None), (2, 2, "2", None)])
            .expect("in flight");
        let second = committer
            .in_flight(&[(3, 3, "3", Some("c"))])
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
}
