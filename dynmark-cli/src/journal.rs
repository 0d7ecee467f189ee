//! `--journal FILE`: what was sent, in an SQLite file, so that a run killed at any moment can be
//! run again without sending anything twice.
//!
//! Dynmark has no idempotency key: only a local record can say what went out. Before a call's
//! request is written, the call is committed as in flight: one entry in `calls` holding its rows
//! (number, fingerprint, `to`, `clientRef`), so that the sending thread writes one record per
//! call, not one per row. Once the call is answered (or fails), its rows' outcomes go into `rows`
//! and its entry leaves `calls`, in one transaction. A run that finds entries in `calls` (the
//! last one was killed with calls in flight) makes their rows `uncertain`: they may have reached
//! the service. A row without an entry never went out.
//!
//! Running again: `accepted` rows are skipped, `uncertain` ones listed and not sent (unless the
//! caller says to), `rejected` and `notSent` ones sent again. Each row is identified by its
//! number and a fingerprint of its message; a row whose message changed since it was accepted or
//! sent is refused, as is a journal written for another service or user name, or one another
//! run holds open.

use std::path::{Path, PathBuf};

use dynmark_api::Message;
use rusqlite::types::ToSql;
use rusqlite::{Connection, OptionalExtension as _};

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

/// `INSERT` (or replace) of `n` rows' entries.
fn rows_sql(n: usize) -> String {
    let mut sql = String::from(
        "INSERT OR REPLACE INTO rows (row, fingerprint, state, \"to\", client_ref, failures) VALUES ",
    );
    for i in 0..n {
        sql.push_str(if i == 0 { "" } else { "," });
        sql.push_str("(?,?,?,?,?,?)");
    }
    sql
}

/// A row of a call in flight: `(row, fingerprint, to, clientRef)`.
pub type InFlightRow<'a> = (u64, i64, &'a str, Option<&'a str>);

/// A row's entry, as a call's outcome writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowEntry {
    /// The row, from 1.
    pub row: u64,
    /// Its message's fingerprint.
    pub fingerprint: i64,
    /// What became of it.
    pub state: State,
    /// Its `to`.
    pub to: String,
    /// Its `clientRef`.
    pub client_ref: Option<String>,
    /// The service's failures, as JSON (rejected rows).
    pub failures: Option<String>,
}

/// A call's rows as the `calls` table holds them: for each, the row and the fingerprint (8 bytes
/// each, little-endian), then `to` and `clientRef` as a 4-byte length and UTF-8 (a length of
/// `u32::MAX` for no `clientRef`).
fn encode_call(rows: &[InFlightRow<'_>]) -> Vec<u8> {
    let mut blob = Vec::with_capacity(rows.len() * 48);
    for (row, fingerprint, to, client_ref) in rows {
        blob.extend_from_slice(&row.to_le_bytes());
        blob.extend_from_slice(&fingerprint.to_le_bytes());
        for text in [Some(*to), *client_ref] {
            match text {
                Some(text) => {
                    let length = u32::try_from(text.len()).unwrap_or(u32::MAX - 1);
                    blob.extend_from_slice(&length.to_le_bytes());
                    blob.extend_from_slice(&text.as_bytes()[..length as usize]);
                }
                None => blob.extend_from_slice(&u32::MAX.to_le_bytes()),
            }
        }
    }
    blob
}

/// The rows of a call written by [`encode_call`], as uncertain entries; `None` when the blob is
/// not one.
fn decode_call(mut blob: &[u8]) -> Option<Vec<RowEntry>> {
    fn take<'a>(blob: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
        let (head, rest) = blob.split_at_checked(n)?;
        *blob = rest;
        Some(head)
    }
    fn text(blob: &mut &[u8]) -> Option<Option<String>> {
        let length = u32::from_le_bytes(take(blob, 4)?.try_into().ok()?);
        if length == u32::MAX {
            return Some(None);
        }
        let bytes = take(blob, length as usize)?;
        Some(Some(String::from_utf8(bytes.to_vec()).ok()?))
    }
    let mut rows = Vec::new();
    while !blob.is_empty() {
        let row = u64::from_le_bytes(take(&mut blob, 8)?.try_into().ok()?);
        let fingerprint = i64::from_le_bytes(take(&mut blob, 8)?.try_into().ok()?);
        let to = text(&mut blob)?.unwrap_or_default();
        let client_ref = text(&mut blob)?;
        rows.push(RowEntry {
            row,
            fingerprint,
            state: State::Uncertain,
            to,
            client_ref,
            failures: None,
        });
    }
    Some(rows)
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
    /// An earlier write failed (this error's text): the journal takes no more.
    #[error("{0}")]
    Stopped(String),
    /// A call in flight that cannot be read back.
    #[error("journal {path}: the call in flight numbered {call} cannot be read")]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// The call's number in the journal.
        call: i64,
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
    rows_sql: Vec<(usize, String)>,
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
                 CREATE TABLE IF NOT EXISTS calls (call INTEGER PRIMARY KEY, rows BLOB NOT NULL);
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
        // Room for every statement size, and the lookups.
        connection.set_prepared_statement_cache_capacity(32);
        let mut journal = Journal {
            path: path.to_owned(),
            connection,
            interrupted: 0,
            last_row: 0,
            rows_sql: (0..=ROWS_PER_STATEMENT.ilog2())
                .map(|power| 1usize << power)
                .map(|n| (n, rows_sql(n)))
                .collect(),
        };
        journal.interrupted = journal.settle_calls_in_flight()?;
        let last_row: Option<i64> = journal
            .connection
            .query_row("SELECT MAX(row) FROM rows", [], |r| r.get(0))
            .map_err(sqlite)?;
        journal.last_row = last_row.map_or(0, |row| row.max(0) as u64);
        Ok(journal)
    }

    /// The rows of the calls an earlier run left in flight become uncertain (and rows an
    /// earlier version left `inFlight`): how many.
    fn settle_calls_in_flight(&mut self) -> Result<u64, JournalError> {
        let path = &self.path;
        let transaction = self.connection.transaction().map_err(|e| error(path, e))?;
        let mut interrupted = transaction
            .execute(
                "UPDATE rows SET state = 'uncertain' WHERE state = 'inFlight'",
                [],
            )
            .map_err(|e| error(path, e))? as u64;
        let calls: Vec<(i64, Vec<u8>)> = {
            let mut statement = transaction
                .prepare("SELECT call, rows FROM calls ORDER BY call")
                .map_err(|e| error(path, e))?;
            statement
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(|e| error(path, e))?
                .collect::<Result<_, _>>()
                .map_err(|e| error(path, e))?
        };
        for (call, blob) in calls {
            let rows = decode_call(&blob).ok_or_else(|| JournalError::Unreadable {
                path: path.clone(),
                call,
            })?;
            interrupted += rows.len() as u64;
            write_rows(&transaction, &self.rows_sql, &rows).map_err(|e| error(path, e))?;
        }
        transaction
            .execute("DELETE FROM calls", [])
            .map_err(|e| error(path, e))?;
        transaction.commit().map_err(|e| error(path, e))?;
        Ok(interrupted)
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

    /// Commits a call's `rows` as in flight: call it before the call's request is written. One
    /// record for the whole call; the number it is known by in the journal comes back, for
    /// [`record`](Self::record).
    pub fn in_flight(&mut self, rows: &[InFlightRow<'_>]) -> Result<i64, JournalError> {
        let path = &self.path;
        let mut statement = self
            .connection
            .prepare_cached("INSERT INTO calls (rows) VALUES (?1)")
            .map_err(|e| error(path, e))?;
        statement
            .execute([encode_call(rows)])
            .map_err(|e| error(path, e))?;
        Ok(self.connection.last_insert_rowid())
    }

    /// Commits rows' outcomes and takes the calls `finished` (numbers from
    /// [`in_flight`](Self::in_flight)) off the calls in flight, in one transaction: a call's
    /// outcomes and its end are committed together or not at all.
    pub fn record(&mut self, rows: &[RowEntry], finished: &[i64]) -> Result<(), JournalError> {
        let path = &self.path;
        let transaction = self.connection.transaction().map_err(|e| error(path, e))?;
        write_rows(&transaction, &self.rows_sql, rows).map_err(|e| error(path, e))?;
        {
            let mut statement = transaction
                .prepare_cached("DELETE FROM calls WHERE call = ?1")
                .map_err(|e| error(path, e))?;
            for call in finished {
                statement.execute([call]).map_err(|e| error(path, e))?;
            }
        }
        transaction.commit().map_err(|e| error(path, e))
    }

    fn error(&self, source: rusqlite::Error) -> JournalError {
        error(&self.path, source)
    }
}

/// Writes `rows`' entries (replacing older ones) in statements of many rows.
fn write_rows(
    connection: &Connection,
    statements: &[(usize, String)],
    rows: &[RowEntry],
) -> rusqlite::Result<()> {
    let mut rest = rows;
    for size in statement_sizes(rows.len()) {
        let (chunk, after) = rest.split_at(size);
        rest = after;
        let mut statement = connection.prepare_cached(sql_of(statements, size))?;
        let numbers: Vec<i64> = chunk.iter().map(|entry| entry.row as i64).collect();
        let mut values: Vec<&dyn ToSql> = Vec::with_capacity(chunk.len() * 6);
        for (entry, number) in chunk.iter().zip(&numbers) {
            values.extend([
                number as &dyn ToSql,
                &entry.fingerprint,
                &entry.state,
                &entry.to,
                &entry.client_ref,
                &entry.failures,
            ]);
        }
        statement.execute(values.as_slice())?;
    }
    Ok(())
}

impl ToSql for State {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        self.as_str().to_sql()
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

    fn entry(row: u64, state: State, failures: Option<&str>) -> RowEntry {
        RowEntry {
            row,
            fingerprint: row as i64 * 11,
            state,
            to: "447700900000".into(),
            client_ref: None,
            failures: failures.map(str::to_owned),
        }
    }

    #[test]
    fn rows_in_flight_when_a_run_ends_are_uncertain_in_the_next() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("job.sqlite");
        let service = "http://127.0.0.1:1 as sandbox-user";
        {
            let mut journal = Journal::open(&path, service, false).expect("open");
            assert_eq!(journal.interrupted(), 0);
            let first = journal
                .in_flight(&[
                    (1, 11, "447700900000", Some("a")),
                    (2, 22, "447700900111", None),
                ])
                .expect("in flight");
            journal
                .in_flight(&[(3, 33, "1", Some("c"))])
                .expect("in flight");
            journal
                .record(
                    &[
                        entry(1, State::Accepted, None),
                        entry(2, State::Rejected, Some("[]")),
                    ],
                    &[first],
                )
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
        // The uncertain row keeps what the call carried.
        let (to, client_ref): (String, Option<String>) = journal
            .connection
            .query_row(
                "SELECT \"to\", client_ref FROM rows WHERE row = 3",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("row 3");
        assert_eq!((to.as_str(), client_ref.as_deref()), ("1", Some("c")));
        drop(journal);
        // Settled once: the next run finds no call in flight.
        let journal = Journal::open(&path, service, true).expect("reopen");
        assert_eq!(journal.interrupted(), 0);
        assert_eq!(
            journal.entry(3).expect("entry").map(|e| e.state),
            Some(State::Uncertain)
        );
        drop(journal);
        assert!(matches!(
            Journal::open(&path, "https://services.dynmark.com as someone", false),
            Err(JournalError::OtherService { .. })
        ));
    }

    #[test]
    fn a_call_is_one_record_and_its_rows_round_trip() {
        let rows = [
            (1, -5, "447700900000", Some("é, \"quoted\"")),
            (u64::MAX >> 1, i64::MIN, "", None),
        ];
        let decoded = decode_call(&encode_call(&rows)).expect("decodes");
        assert_eq!(decoded.len(), 2);
        assert_eq!(
            (
                decoded[0].row,
                decoded[0].fingerprint,
                decoded[0].to.as_str()
            ),
            (1, -5, "447700900000")
        );
        assert_eq!(decoded[0].client_ref.as_deref(), Some("é, \"quoted\""));
        assert_eq!(
            (decoded[1].row, decoded[1].client_ref.as_ref()),
            (u64::MAX >> 1, None)
        );
        assert!(decoded.iter().all(|row| row.state == State::Uncertain));
        let blob = encode_call(&rows);
        assert_eq!(
            decode_call(&blob[..blob.len() - 1]),
            None,
            "a cut blob is refused"
        );
        assert_eq!(decode_call(&[]), Some(Vec::new()));
    }

    #[test]
    fn outcomes_of_any_number_of_rows_are_written_in_few_statements() {
        assert_eq!(
            statement_sizes(250).collect::<Vec<_>>(),
            [128, 64, 32, 16, 8, 2]
        );
        assert_eq!(statement_sizes(1).collect::<Vec<_>>(), [1]);
        assert_eq!(statement_sizes(0).count(), 0);
        assert_eq!(statement_sizes(300).sum::<usize>(), 300);

        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("job.sqlite");
        let service = "http://127.0.0.1:1 as sandbox-user";
        {
            let mut journal = Journal::open(&path, service, false).expect("open");
            let mut outcomes: Vec<_> = (1..=251u64)
                .map(|row| entry(row, State::Accepted, None))
                .collect();
            outcomes[6] = entry(7, State::Rejected, Some("[{\"failureCode\":\"X\"}]"));
            outcomes[7] = entry(8, State::NotSent, None);
            outcomes[3].client_ref = Some("r-4".into());
            journal.record(&outcomes, &[]).expect("record");
        }
        let journal = Journal::open(&path, service, false).expect("reopen");
        assert_eq!(journal.interrupted(), 0);
        let entry = |row| journal.entry(row).expect("entry").expect("an entry");
        assert_eq!(entry(1).state, State::Accepted);
        assert_eq!(entry(251).state, State::Accepted);
        assert_eq!(entry(250).fingerprint, 2750);
        assert_eq!(entry(7).state, State::Rejected);
        assert_eq!(entry(8).state, State::NotSent);
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
