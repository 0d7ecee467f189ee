//! `--journal FILE`: what was sent, in an SQLite file, so that a run killed at any moment can be
//! run again without sending anything twice.
//!
//! Dynmark has no idempotency key: only a local record can say what went out. Before a call's
//! request is written, its rows are committed as `inFlight`; once the call is answered (or fails),
//! their outcomes replace that. A run that finds `inFlight` rows (the last one was killed with
//! calls in flight) makes them `uncertain`: they may have reached the service. A row without an
//! entry never went out.
//!
//! Running again: `accepted` rows are skipped, `uncertain` ones listed and not sent (unless the
//! caller says to), `rejected` and `notSent` ones sent again. Each row is identified by its
//! number and a fingerprint of its message; a row whose message changed since it was accepted or
//! sent is refused, as is a journal written for another service or user name, or one another
//! run holds open.

use std::path::{Path, PathBuf};

use dynmark_api::Message;
use rusqlite::types::ToSql;
use rusqlite::{Connection, OptionalExtension as _, params};

/// The most rows one statement writes: a call's rows go in statements of 128, 64, ..., 1 rows
/// (SQLite's cost is per statement run far more than per row, and a few sizes keep the
/// prepared statements few).
const ROWS_PER_STATEMENT: usize = 128;

/// The sizes of the statements that write `rows` rows, largest first.
fn statement_sizes(mut rows: usize) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        if rows == 0 {
            return None;
        }
        let size = ROWS_PER_STATEMENT.min(1 << rows.ilog2());
        rows -= size;
        Some(size)
    })
}

/// `INSERT` of `n` rows in flight.
fn in_flight_sql(n: usize) -> String {
    let mut sql = String::from(
        "INSERT OR REPLACE INTO rows (row, fingerprint, state, \"to\", client_ref, failures) VALUES ",
    );
    for i in 0..n {
        sql.push_str(if i == 0 { "" } else { "," });
        sql.push_str("(?,?,'inFlight',?,?,NULL)");
    }
    sql
}

/// `UPDATE` of `n` rows to one state, with no failures.
fn outcome_sql(n: usize) -> String {
    let mut sql = String::from("UPDATE rows SET state = ?1, failures = NULL WHERE row IN (");
    for i in 0..n {
        sql.push_str(if i == 0 { "?" } else { ",?" });
    }
    sql.push(')');
    sql
}

/// What the journal says of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Its call's request may be on its way.
    InFlight,
    /// Accepted by the service.
    Accepted,
    /// Rejected by the service.
    Rejected,
    /// Provably not sent.
    NotSent,
    /// Was in flight when a run ended without an answer: may have reached the service.
    Uncertain,
}

impl State {
    fn as_str(self) -> &'static str {
        match self {
            State::InFlight => "inFlight",
            State::Accepted => "accepted",
            State::Rejected => "rejected",
            State::NotSent => "notSent",
            State::Uncertain => "uncertain",
        }
    }

    fn parse(text: &str) -> Option<State> {
        Some(match text {
            "inFlight" => State::InFlight,
            "accepted" => State::Accepted,
            "rejected" => State::Rejected,
            "notSent" => State::NotSent,
            "uncertain" => State::Uncertain,
            _ => return None,
        })
    }
}

/// A row's entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// Its state.
    pub state: State,
    /// The fingerprint of the message it was sent as.
    pub fingerprint: i64,
}

/// Why the journal cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    /// SQLite failed.
    #[error("journal {path}: {source}")]
    Sqlite {
        /// The file.
        path: PathBuf,
        /// Why.
        source: rusqlite::Error,
    },
    /// Another run has it open.
    #[error("journal {0}: another dynmark run is using it")]
    Busy(PathBuf),
    /// It was written for another service or user name.
    #[error(
        "journal {path} was written for {recorded}, not {service}: its rows say nothing about \
         what {service} received; use another journal file"
    )]
    OtherService {
        /// The file.
        path: PathBuf,
        /// What it records.
        recorded: String,
        /// What this run sends to.
        service: String,
    },
    /// A state this version does not know.
    #[error("journal {path}: row {row} has the unknown state `{state}`")]
    UnknownState {
        /// The file.
        path: PathBuf,
        /// The row.
        row: u64,
        /// The state.
        state: String,
    },
}

/// The journal file, open for one run.
pub struct Journal {
    path: PathBuf,
    connection: Connection,
    /// Rows that were in flight when the last run ended (now uncertain).
    interrupted: u64,
    /// The highest row with an entry when the run began: rows after it have none (no query).
    last_row: u64,
    /// The statements' text by size ([`statement_sizes`]), made once.
    in_flight_sql: Vec<(usize, String)>,
    outcome_sql: Vec<(usize, String)>,
}

impl Journal {
    /// Opens (or creates) the journal at `path` for a run sending to `service` (the service's
    /// URL and the user name: never the password). Rows left in flight by an earlier run become
    /// [`State::Uncertain`].
    ///
    /// Every commit survives the process being killed at any moment (SQLite's WAL, written
    /// before the call it guards). With `durable`, each commit is also synced to the disk, so
    /// that it survives a power cut or an operating system crash too, at the cost of one sync
    /// per call (a tenth of the speed on this machine's disk).
    pub fn open(path: &Path, service: &str, durable: bool) -> Result<Journal, JournalError> {
        let sqlite = |source| JournalError::Sqlite {
            path: path.to_owned(),
            source,
        };
        let connection = Connection::open(path).map_err(sqlite)?;
        // Another run holding it is an answer now, not after a wait.
        connection
            .busy_timeout(std::time::Duration::ZERO)
            .map_err(sqlite)?;
        let busy = |error: rusqlite::Error| {
            if error.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) {
                JournalError::Busy(path.to_owned())
            } else {
                sqlite(error)
            }
        };
        // One run at a time: the first write takes the lock until the run ends. In WAL mode a
        // commit is in the operating system's hands before the request it guards is written, so
        // killing the process loses nothing; `FULL` also syncs it to the disk.
        connection
            .execute_batch(if durable {
                "PRAGMA locking_mode = EXCLUSIVE;
                 PRAGMA journal_mode = WAL;
                 PRAGMA synchronous = FULL;"
            } else {
                "PRAGMA locking_mode = EXCLUSIVE;
                 PRAGMA journal_mode = WAL;
                 PRAGMA synchronous = NORMAL;"
            })
            .map_err(busy)?;
        connection
            .execute_batch(
                "BEGIN IMMEDIATE;
                 CREATE TABLE IF NOT EXISTS job (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                 CREATE TABLE IF NOT EXISTS rows (
                     row INTEGER PRIMARY KEY,
                     fingerprint INTEGER NOT NULL,
                     state TEXT NOT NULL,
                     \"to\" TEXT,
                     client_ref TEXT,
                     failures TEXT
                 );
                 INSERT OR IGNORE INTO job (key, value) VALUES ('version', '1');
                 COMMIT;",
            )
            .map_err(busy)?;
        let recorded: Option<String> = connection
            .query_row("SELECT value FROM job WHERE key = 'service'", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(sqlite)?;
        match recorded {
            Some(recorded) if recorded != service => {
                return Err(JournalError::OtherService {
                    path: path.to_owned(),
                    recorded,
                    service: service.to_owned(),
                });
            }
            Some(_) => {}
            None => {
                connection
                    .execute(
                        "INSERT INTO job (key, value) VALUES ('service', ?1)",
                        [service],
                    )
                    .map_err(sqlite)?;
            }
        }
        let interrupted = connection
            .execute(
                "UPDATE rows SET state = 'uncertain' WHERE state = 'inFlight'",
                [],
            )
            .map_err(sqlite)? as u64;
        let last_row: Option<i64> = connection
            .query_row("SELECT MAX(row) FROM rows", [], |r| r.get(0))
            .map_err(sqlite)?;
        // Room for every statement size of both kinds, and the lookups.
        connection.set_prepared_statement_cache_capacity(32);
        let sizes = || (0..=ROWS_PER_STATEMENT.ilog2()).map(|power| 1usize << power);
        Ok(Journal {
            path: path.to_owned(),
            connection,
            interrupted,
            last_row: last_row.map_or(0, |row| row.max(0) as u64),
            in_flight_sql: sizes().map(|n| (n, in_flight_sql(n))).collect(),
            outcome_sql: sizes().map(|n| (n, outcome_sql(n))).collect(),
        })
    }

    /// How many rows an earlier run left in flight (they are uncertain now).
    pub fn interrupted(&self) -> u64 {
        self.interrupted
    }

    /// What the journal said of `row` when the run began (a run asks before it sends the row).
    pub fn entry(&self, row: u64) -> Result<Option<Entry>, JournalError> {
        if row > self.last_row {
            return Ok(None);
        }
        let mut statement = self
            .connection
            .prepare_cached("SELECT state, fingerprint FROM rows WHERE row = ?1")
            .map_err(|e| self.error(e))?;
        let found: Option<(String, i64)> = statement
            .query_row([row as i64], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .map_err(|e| self.error(e))?;
        found
            .map(|(state, fingerprint)| match State::parse(&state) {
                Some(state) => Ok(Entry { state, fingerprint }),
                None => Err(JournalError::UnknownState {
                    path: self.path.clone(),
                    row,
                    state,
                }),
            })
            .transpose()
    }

    /// Commits `rows` (`(row, fingerprint, to, clientRef)`) as in flight: call it before their
    /// call's request is written. One transaction, a few statements of many rows each.
    pub fn in_flight(
        &mut self,
        rows: &[(u64, i64, &str, Option<&str>)],
    ) -> Result<(), JournalError> {
        let path = &self.path;
        let transaction = self.connection.transaction().map_err(|e| error(path, e))?;
        let mut rest = rows;
        for size in statement_sizes(rows.len()) {
            let (chunk, after) = rest.split_at(size);
            rest = after;
            let sql = sql_of(&self.in_flight_sql, size);
            let mut statement = transaction
                .prepare_cached(sql)
                .map_err(|e| error(path, e))?;
            let numbers: Vec<i64> = chunk.iter().map(|(row, ..)| *row as i64).collect();
            let mut values: Vec<&dyn ToSql> = Vec::with_capacity(chunk.len() * 4);
            for ((_, fingerprint, to, client_ref), number) in chunk.iter().zip(&numbers) {
                values.extend([number as &dyn ToSql, fingerprint, to, client_ref]);
            }
            statement
                .execute(values.as_slice())
                .map_err(|e| error(path, e))?;
        }
        transaction.commit().map_err(|e| error(path, e))
    }

    /// Commits the outcomes of rows in flight: `(row, state, failures as JSON)`. One
    /// transaction: the rows of each state without failures (most of them: accepted) in a few
    /// statements, a row with failures in one of its own.
    pub fn record(&mut self, rows: &[(u64, State, Option<String>)]) -> Result<(), JournalError> {
        let path = &self.path;
        let transaction = self.connection.transaction().map_err(|e| error(path, e))?;
        let states = [
            State::Accepted,
            State::Rejected,
            State::NotSent,
            State::Uncertain,
            State::InFlight,
        ];
        for state in states {
            let numbers: Vec<i64> = rows
                .iter()
                .filter(|(_, s, failures)| *s == state && failures.is_none())
                .map(|(row, ..)| *row as i64)
                .collect();
            let mut rest = numbers.as_slice();
            for size in statement_sizes(numbers.len()) {
                let (chunk, after) = rest.split_at(size);
                rest = after;
                let mut statement = transaction
                    .prepare_cached(sql_of(&self.outcome_sql, size))
                    .map_err(|e| error(path, e))?;
                let name = state.as_str();
                let mut values: Vec<&dyn ToSql> = Vec::with_capacity(size + 1);
                values.push(&name);
                values.extend(chunk.iter().map(|number| number as &dyn ToSql));
                statement
                    .execute(values.as_slice())
                    .map_err(|e| error(path, e))?;
            }
        }
        {
            let mut statement = transaction
                .prepare_cached("UPDATE rows SET state = ?2, failures = ?3 WHERE row = ?1")
                .map_err(|e| error(path, e))?;
            for (row, state, failures) in rows.iter().filter(|(.., f)| f.is_some()) {
                statement
                    .execute(params![*row as i64, state.as_str(), failures])
                    .map_err(|e| error(path, e))?;
            }
        }
        transaction.commit().map_err(|e| error(path, e))
    }

    fn error(&self, source: rusqlite::Error) -> JournalError {
        error(&self.path, source)
    }
}

/// The statement text for `size` rows (one of [`statement_sizes`]).
fn sql_of(statements: &[(usize, String)], size: usize) -> &str {
    statements
        .iter()
        .find(|(n, _)| *n == size)
        .map_or("", |(_, sql)| sql.as_str())
}

fn error(path: &Path, source: rusqlite::Error) -> JournalError {
    JournalError::Sqlite {
        path: path.to_owned(),
        source,
    }
}

/// A fingerprint of the message a row makes (FNV-1a over its JSON): a row that changed since
/// the journal recorded it has another one.
pub fn fingerprint(message: &Message) -> i64 {
    let mut hash = Fnv(0xcbf2_9ce4_8422_2325);
    // Writing JSON into a hasher cannot fail: `Fnv::write` never does.
    let _ = serde_json::to_writer(&mut hash, message);
    hash.0 as i64
}

struct Fnv(u64);

impl std::io::Write for Fnv {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        for &byte in bytes {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_in_flight_when_a_run_ends_are_uncertain_in_the_next() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("job.sqlite");
        let service = "http://127.0.0.1:1 as sandbox-user";
        {
            let mut journal = Journal::open(&path, service, false).expect("open");
            assert_eq!(journal.interrupted(), 0);
            journal
                .in_flight(&[
                    (1, 11, "447700900000", Some("a")),
                    (2, 22, "447700900111", None),
                    (3, 33, "1", None),
                ])
                .expect("in flight");
            journal
                .record(&[
                    (1, State::Accepted, None),
                    (2, State::Rejected, Some("[]".into())),
                ])
                .expect("record");
            // What a run asks is what the journal said when it began.
            assert_eq!(journal.entry(3).expect("entry"), None);
            // Another run cannot use it meanwhile.
            assert!(matches!(
                Journal::open(&path, service, true),
                Err(JournalError::Busy(_))
            ));
        }
        let journal = Journal::open(&path, service, true).expect("reopen");
        assert_eq!(journal.interrupted(), 1);
        let state = |row| journal.entry(row).expect("entry").map(|e| e.state);
        assert_eq!(state(1), Some(State::Accepted));
        assert_eq!(state(2), Some(State::Rejected));
        assert_eq!(state(3), Some(State::Uncertain));
        assert_eq!(state(4), None);
        assert_eq!(
            journal.entry(3).expect("entry"),
            Some(Entry {
                state: State::Uncertain,
                fingerprint: 33
            })
        );
        drop(journal);
        assert!(matches!(
            Journal::open(&path, "https://services.dynmark.com as someone", false),
            Err(JournalError::OtherService { .. })
        ));
    }

    #[test]
    fn a_call_of_any_size_is_written_in_few_statements_and_read_back_row_by_row() {
        assert_eq!(statement_sizes(250).collect::<Vec<_>>(), [128, 64, 32, 16, 8, 2]);
        assert_eq!(statement_sizes(1).collect::<Vec<_>>(), [1]);
        assert_eq!(statement_sizes(0).count(), 0);
        assert_eq!(statement_sizes(300).sum::<usize>(), 300);

        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("job.sqlite");
        let service = "http://127.0.0.1:1 as sandbox-user";
        let refs: Vec<String> = (1..=251).map(|row| format!("r-{row}")).collect();
        {
            let mut journal = Journal::open(&path, service, false).expect("open");
            let rows: Vec<_> = (1..=251u64)
                .map(|row| {
                    let client_ref = (row % 2 == 0).then(|| refs[row as usize - 1].as_str());
                    (row, row as i64 * 10, "447700900000", client_ref)
                })
                .collect();
            journal.in_flight(&rows).expect("in flight");
            let mut outcomes: Vec<_> = (1..=251u64)
                .map(|row| (row, State::Accepted, None))
                .collect();
            outcomes[6] = (7, State::Rejected, Some("[{\"failureCode\":\"X\"}]".into()));
            outcomes[7] = (8, State::NotSent, None);
            outcomes.truncate(250);
            journal.record(&outcomes).expect("record");
        }
        let journal = Journal::open(&path, service, false).expect("reopen");
        assert_eq!(journal.interrupted(), 1, "row 251 had no outcome");
        let entry = |row| journal.entry(row).expect("entry").expect("an entry");
        assert_eq!(entry(1).state, State::Accepted);
        assert_eq!(entry(250).fingerprint, 2500);
        assert_eq!(entry(7).state, State::Rejected);
        assert_eq!(entry(8).state, State::NotSent);
        assert_eq!(entry(251).state, State::Uncertain);
        let (client_ref, failures): (Option<String>, Option<String>) = journal
            .connection
            .query_row(
                "SELECT client_ref, failures FROM rows WHERE row = 4",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("row 4");
        assert_eq!((client_ref.as_deref(), failures), (Some("r-4"), None));
        let failures: Option<String> = journal
            .connection
            .query_row("SELECT failures FROM rows WHERE row = 7", [], |r| r.get(0))
            .expect("row 7");
        assert_eq!(failures.as_deref(), Some("[{\"failureCode\":\"X\"}]"));
    }

    #[test]
    fn a_changed_message_has_another_fingerprint() {
        let message = Message::new("447700900000", "Example", "Hello");
        assert_eq!(fingerprint(&message), fingerprint(&message.clone()));
        assert_ne!(
            fingerprint(&message),
            fingerprint(&Message::new("447700900000", "Example", "Hello!"))
        );
    }
}
