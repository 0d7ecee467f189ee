//! `--journal FILE`: what was sent, in an SQLite file, so that a run killed at any moment can be
//! run again without sending anything twice.
//!
//! Dynmark has no idempotency key: only a local record can say what went out. Before a call's
//! request is written, the call is committed as in flight: one record in `calls` holding its
//! rows (number, fingerprint, `to`, `clientRef`; see [`encode_call`]), not one record per row.
//! Once the call is answered (or fails), it is marked done and the rows that were *not* accepted
//! get an entry of their own in `rows` (rejected, not sent, uncertain), in one transaction: a
//! row of a done call without an entry of its own was accepted. So a job where every row is
//! accepted writes two small records per call, whatever its size.
//!
//! A run that finds calls still in flight (the last one was killed with calls in flight) makes
//! their rows `uncertain` entries: they may have reached the service. A row in no call and
//! without an entry never went out. A row sent in several runs is what its last call (or its
//! entry, written after it) says: an accepted row's older entry is deleted when it is accepted.
//!
//! Running again: `accepted` rows are skipped, `uncertain` ones listed and not sent (unless the
//! caller says to), `rejected` and `notSent` ones sent again. Each row is identified by its
//! number and a fingerprint of its message; a row whose message changed since it was accepted or
//! sent is refused, as is a journal written for another service or user name, or one another
//! run holds open.

use std::path::{Path, PathBuf};

use dynmark_api::Message;
use dynmark_api::operation::BatchOperation as _;
use dynmark_api::operations::SendMessages;
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

/// A call's record as it goes into `calls`: its number in the journal, its first and last rows,
/// and its rows as [`encode_call`] writes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallInFlight {
    number: i64,
    first_row: i64,
    last_row: i64,
    rows: String,
}

impl CallInFlight {
    /// Call `number`'s record, with `rows` (in increasing order: a call carries rows in the
    /// order they were read).
    pub fn new(number: i64, rows: &[InFlightRow<'_>]) -> CallInFlight {
        CallInFlight {
            number,
            first_row: rows.first().map_or(0, |row| row.0) as i64,
            last_row: rows.last().map_or(0, |row| row.0) as i64,
            rows: encode_call(rows),
        }
    }

    /// Its number in the journal.
    pub fn number(&self) -> i64 {
        self.number
    }
}

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

/// A call's rows as the `calls` table holds them (the column `rows`): a JSON array of
/// `[row, fingerprint, to, clientRef or null]`, so that SQL can read them too (the view
/// `row_states`).
fn encode_call(rows: &[InFlightRow<'_>]) -> String {
    // A slice of tuples of numbers and strings always serializes.
    serde_json::to_string(rows).unwrap_or_default()
}

/// The rows of a call written by [`encode_call`], as uncertain entries; `None` when the text is
/// not one.
fn decode_call(text: &str) -> Option<Vec<RowEntry>> {
    let rows: Vec<(u64, i64, String, Option<String>)> = serde_json::from_str(text).ok()?;
    Some(
        rows.into_iter()
            .map(|(row, fingerprint, to, client_ref)| RowEntry {
                row,
                fingerprint,
                state: State::Uncertain,
                to,
                client_ref,
                failures: None,
            })
            .collect(),
    )
}

/// What the journal says of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Its call's request may be on its way (an entry of an older journal's: calls in flight
    /// are in `calls` now; opening makes either uncertain).
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
    /// A call whose rows cannot be read back.
    #[error("journal {path}: the rows of call {call} cannot be read")]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// The call's number in the journal.
        call: i64,
    },
    /// Fingerprints of a kind this version does not know.
    #[error(
        "journal {path}: its rows' fingerprints are of the kind `{kind}`, which this version of \
         dynmark does not know: run the version that made the journal, or use a new journal file"
    )]
    UnknownFingerprints {
        /// The file.
        path: PathBuf,
        /// The kind it records.
        kind: String,
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
    /// The highest row with an entry or in a call when the run began: rows after it have none
    /// (no query).
    last_row: u64,
    /// The number of this run's next call (one more than any recorded).
    next_call: i64,
    /// How its rows' fingerprints are made.
    fingerprints: Fingerprints,
    /// The calls done before this run, oldest first: `(call, first row, last row)`.
    done_calls: Vec<(i64, u64, u64)>,
    /// The rows of the call read last (rows are asked for in order: most come from it).
    read_call: std::cell::RefCell<Option<(i64, Vec<RowEntry>)>>,
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
                 CREATE TABLE IF NOT EXISTS calls (
                     call INTEGER PRIMARY KEY,
                     first_row INTEGER NOT NULL,
                     last_row INTEGER NOT NULL,
                     done INTEGER NOT NULL,
                     rows TEXT NOT NULL
                 );
                 CREATE VIEW IF NOT EXISTS row_states AS
                     SELECT row, state, fingerprint, \"to\", client_ref, failures FROM rows
                     UNION ALL
                     SELECT row, 'accepted', fingerprint, \"to\", client_ref, NULL FROM (
                         SELECT item.value ->> 0 AS row, item.value ->> 1 AS fingerprint,
                             item.value ->> 2 AS \"to\", item.value ->> 3 AS client_ref,
                             MAX(calls.call) AS call
                         FROM calls, json_each(calls.rows) AS item
                         WHERE calls.done = 1
                         GROUP BY row
                     )
                     WHERE row NOT IN (SELECT row FROM rows);
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
                // A new journal: what it is for and how it fingerprints, together.
                let transaction = connection.unchecked_transaction().map_err(sqlite)?;
                transaction
                    .execute(
                        "INSERT OR REPLACE INTO job (key, value) VALUES ('fingerprints', ?1)",
                        [Fingerprints::NEW.name()],
                    )
                    .map_err(sqlite)?;
                transaction
                    .execute(
                        "INSERT INTO job (key, value) VALUES ('service', ?1)",
                        [service],
                    )
                    .map_err(sqlite)?;
                transaction.commit().map_err(sqlite)?;
            }
        }
        let kind: Option<String> = connection
            .query_row(
                "SELECT value FROM job WHERE key = 'fingerprints'",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(sqlite)?;
        // A journal from before the kind was recorded has FNV-1a fingerprints.
        let fingerprints = match kind.as_deref() {
            None => Fingerprints::Fnv1a,
            Some(kind) => {
                Fingerprints::named(kind).ok_or_else(|| JournalError::UnknownFingerprints {
                    path: path.to_owned(),
                    kind: kind.to_owned(),
                })?
            }
        };
        // Room for every statement size, and the lookups.
        connection.set_prepared_statement_cache_capacity(32);
        let mut journal = Journal {
            path: path.to_owned(),
            connection,
            interrupted: 0,
            last_row: 0,
            next_call: 1,
            fingerprints,
            done_calls: Vec::new(),
            read_call: std::cell::RefCell::new(None),
            rows_sql: (0..=ROWS_PER_STATEMENT.ilog2())
                .map(|power| 1usize << power)
                .map(|n| (n, rows_sql(n)))
                .collect(),
        };
        journal.interrupted = journal.settle_calls_in_flight()?;
        let last_row: Option<i64> = journal
            .connection
            .query_row(
                "SELECT MAX(m) FROM (SELECT MAX(row) AS m FROM rows \
                 UNION ALL SELECT MAX(last_row) FROM calls)",
                [],
                |r| r.get(0),
            )
            .map_err(sqlite)?;
        journal.last_row = last_row.map_or(0, |row| row.max(0) as u64);
        journal.next_call = journal
            .connection
            .query_row("SELECT COALESCE(MAX(call), 0) + 1 FROM calls", [], |r| {
                r.get(0)
            })
            .map_err(sqlite)?;
        journal.done_calls = {
            let mut statement = journal
                .connection
                .prepare("SELECT call, first_row, last_row FROM calls WHERE done = 1 ORDER BY call")
                .map_err(sqlite)?;
            statement
                .query_map([], |r| {
                    Ok((
                        r.get(0)?,
                        r.get::<_, i64>(1)? as u64,
                        r.get::<_, i64>(2)? as u64,
                    ))
                })
                .map_err(sqlite)?
                .collect::<Result<_, _>>()
                .map_err(sqlite)?
        };
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
        let calls: Vec<(i64, String)> = {
            let mut statement = transaction
                .prepare("SELECT call, rows FROM calls WHERE done = 0 ORDER BY call")
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
        // Their rows have entries of their own now.
        transaction
            .execute("DELETE FROM calls WHERE done = 0", [])
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
        if let Some((state, fingerprint)) = found {
            return match State::parse(&state) {
                Some(state) => Ok(Some(Entry { state, fingerprint })),
                None => Err(JournalError::UnknownState {
                    path: self.path.clone(),
                    row,
                    state,
                }),
            };
        }
        // No entry of its own: accepted, if a done call carried it (the last such call).
        for &(call, first, last) in self.done_calls.iter().rev() {
            if row < first || row > last {
                continue;
            }
            if let Some(fingerprint) = self.fingerprint_in(call, row)? {
                return Ok(Some(Entry {
                    state: State::Accepted,
                    fingerprint,
                }));
            }
        }
        Ok(None)
    }

    /// The fingerprint `row` had in `call`, if the call carried it.
    fn fingerprint_in(&self, call: i64, row: u64) -> Result<Option<i64>, JournalError> {
        let mut read = self.read_call.borrow_mut();
        if read.as_ref().is_none_or(|(read, _)| *read != call) {
            let blob: String = self
                .connection
                .prepare_cached("SELECT rows FROM calls WHERE call = ?1")
                .and_then(|mut statement| statement.query_row([call], |r| r.get(0)))
                .map_err(|e| self.error(e))?;
            let rows = decode_call(&blob).ok_or_else(|| JournalError::Unreadable {
                path: self.path.clone(),
                call,
            })?;
            *read = Some((call, rows));
        }
        let rows = read.as_ref().map_or(&[][..], |(_, rows)| rows.as_slice());
        Ok(rows
            .binary_search_by_key(&row, |entry| entry.row)
            .ok()
            .map(|at| rows[at].fingerprint))
    }

    /// The number the next call of this run is known by (one more than any call recorded).
    pub fn next_call(&self) -> i64 {
        self.next_call
    }

    /// How this journal's fingerprints are made (for [`fingerprint`]).
    pub fn fingerprints(&self) -> Fingerprints {
        self.fingerprints
    }

    /// The last row the journal knew of when it was opened: no later row has an entry.
    pub fn last_row(&self) -> u64 {
        self.last_row
    }

    /// Commits a call's `rows` as in flight: call it before the call's request is written. One
    /// record for the whole call; the number it is known by in the journal comes back, for
    /// [`record`](Self::record).
    ///
    /// The rows are in increasing order (a call carries rows in the order they were read).
    /// (A send queues its calls through the committer, which commits them with
    /// [`commit`](Self::commit).)
    #[cfg(test)]
    pub fn in_flight(&mut self, rows: &[InFlightRow<'_>]) -> Result<i64, JournalError> {
        let call = CallInFlight::new(self.next_call, rows);
        self.commit(std::slice::from_ref(&call), &[], &[])?;
        self.next_call += 1;
        Ok(call.number)
    }

    /// [`commit`](Self::commit) with no call in flight.
    #[cfg(test)]
    pub fn record(&mut self, rows: &[RowEntry], finished: &[i64]) -> Result<(), JournalError> {
        self.commit(&[], rows, finished)
    }

    /// Commits `calls` as in flight (before their requests are written), then rows' outcomes
    /// (every row of a call finished must have one), and marks the calls `finished` (their
    /// numbers) done, in one transaction: a call's outcomes and its end are committed together
    /// or not at all. An accepted row (without failures) needs no entry of its own: its done
    /// call says it; an entry an earlier run left for it is deleted.
    pub fn commit(
        &mut self,
        calls: &[CallInFlight],
        rows: &[RowEntry],
        finished: &[i64],
    ) -> Result<(), JournalError> {
        let path = &self.path;
        let transaction = self.connection.transaction().map_err(|e| error(path, e))?;
        {
            let mut statement = transaction
                .prepare_cached(
                    "INSERT INTO calls (call, first_row, last_row, done, rows) \
                     VALUES (?1, ?2, ?3, 0, ?4)",
                )
                .map_err(|e| error(path, e))?;
            for call in calls {
                statement
                    .execute(params![
                        call.number,
                        call.first_row,
                        call.last_row,
                        call.rows
                    ])
                    .map_err(|e| error(path, e))?;
            }
        }
        let (accepted, others): (Vec<&RowEntry>, Vec<&RowEntry>) = rows
            .iter()
            .partition(|entry| entry.state == State::Accepted);
        let others: Vec<RowEntry> = others.into_iter().cloned().collect();
        write_rows(&transaction, &self.rows_sql, &others).map_err(|e| error(path, e))?;
        {
            // Only rows that may have an entry from an earlier run.
            let mut statement = transaction
                .prepare_cached("DELETE FROM rows WHERE row = ?1")
                .map_err(|e| error(path, e))?;
            for entry in accepted.iter().filter(|entry| entry.row <= self.last_row) {
                statement
                    .execute([entry.row as i64])
                    .map_err(|e| error(path, e))?;
            }
            let mut statement = transaction
                .prepare_cached("UPDATE calls SET done = 1 WHERE call = ?1")
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

/// A fingerprint of the message a row makes (the hash `kind` over its JSON, written into `json`,
/// a buffer used again row after row): a row that changed since the journal recorded it has
/// another one.
///
/// The JSON is what the request carries (`BatchOperation::write_item`, the generated writer),
/// byte for byte what `serde_json` writes, so FNV-1a fingerprints recorded before it replaced
/// `serde_json` here still match.
pub fn fingerprint(message: &Message, kind: Fingerprints, json: &mut Vec<u8>) -> i64 {
    json.clear();
    // Writing JSON into a `Vec` cannot fail.
    let _ = SendMessages::write_item(message, json);
    match kind {
        Fingerprints::Fnv1a => fnv1a(json) as i64,
        Fingerprints::Xxh3 => xxhash_rust::xxh3::xxh3_64(json) as i64,
    }
}

/// How a journal's fingerprints are made: the hash of each message's JSON (the bytes its
/// call's body holds for it). Recorded in the journal (`job`, key `fingerprints`), so that a
/// journal keeps the kind it was made with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fingerprints {
    /// 64-bit FNV-1a: journals made before the kind was recorded.
    Fnv1a,
    /// 64-bit XXH3 (seed 0): new journals.
    Xxh3,
}

impl Fingerprints {
    /// What a new journal uses.
    pub const NEW: Fingerprints = Fingerprints::Xxh3;

    /// Its name in the journal.
    fn name(self) -> &'static str {
        match self {
            Fingerprints::Fnv1a => "fnv1a-64",
            Fingerprints::Xxh3 => "xxh3-64",
        }
    }

    fn named(name: &str) -> Option<Fingerprints> {
        [Fingerprints::Fnv1a, Fingerprints::Xxh3]
            .into_iter()
            .find(|kind| kind.name() == name)
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
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
        let text = encode_call(&rows);
        assert_eq!(
            decode_call(&text[..text.len() - 1]),
            None,
            "a cut record is refused"
        );
        assert_eq!(decode_call("[]"), Some(Vec::new()));
    }

    #[test]
    fn an_accepted_row_needs_no_entry_of_its_own_and_the_last_call_of_a_row_says_what_it_is() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("job.sqlite");
        let service = "http://127.0.0.1:1 as sandbox-user";
        {
            let mut journal = Journal::open(&path, service, false).expect("open");
            let call = journal
                .in_flight(&[(1, 11, "1", None), (2, 22, "2", None), (4, 44, "4", None)])
                .expect("in flight");
            journal
                .record(
                    &[
                        entry(1, State::Accepted, None),
                        entry(2, State::Rejected, Some("[]")),
                        entry(4, State::Accepted, None),
                    ],
                    &[call],
                )
                .expect("record");
            let rows: i64 = journal
                .connection
                .query_row("SELECT COUNT(*) FROM rows", [], |r| r.get(0))
                .expect("count");
            assert_eq!(rows, 1, "only the rejected row has an entry of its own");
        }
        {
            let mut journal = Journal::open(&path, service, false).expect("reopen");
            let state = |row| {
                journal
                    .entry(row)
                    .expect("entry")
                    .map(|e| (e.state, e.fingerprint))
            };
            assert_eq!(state(1), Some((State::Accepted, 11)));
            assert_eq!(state(2), Some((State::Rejected, 22)));
            assert_eq!(state(3), None, "inside the call's range, not in it");
            assert_eq!(state(4), Some((State::Accepted, 44)));
            assert_eq!(state(5), None);
            // The rejected row sent again and accepted: its old entry goes.
            let call = journal.in_flight(&[(2, 22, "2", None)]).expect("in flight");
            journal
                .record(&[entry(2, State::Accepted, None)], &[call])
                .expect("record");
        }
        let journal = Journal::open(&path, service, false).expect("reopen");
        assert_eq!(
            journal.entry(2).expect("entry").map(|e| e.state),
            Some(State::Accepted)
        );
        assert_eq!(journal.entry(3).expect("entry"), None);
        // The view says the same, row by row, for anyone reading the file with SQL.
        let mut statement = journal
            .connection
            .prepare("SELECT row, state, fingerprint, \"to\" FROM row_states ORDER BY row")
            .expect("view");
        let states: Vec<(i64, String, i64, String)> = statement
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("states");
        assert_eq!(
            states,
            [
                (1, "accepted".into(), 11, "1".into()),
                (2, "accepted".into(), 22, "2".into()),
                (4, "accepted".into(), 44, "4".into()),
            ]
        );
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
            let refs: Vec<String> = (1..=251).map(|row| format!("r-{row}")).collect();
            let rows: Vec<_> = (1..=251u64)
                .map(|row| {
                    (
                        row,
                        row as i64 * 11,
                        "447700900000",
                        Some(refs[row as usize - 1].as_str()),
                    )
                })
                .collect();
            let call = journal.in_flight(&rows).expect("in flight");
            let mut outcomes: Vec<_> = (1..=251u64)
                .map(|row| entry(row, State::NotSent, None))
                .collect();
            outcomes[6] = entry(7, State::Rejected, Some("[{\"failureCode\":\"X\"}]"));
            outcomes[7] = entry(8, State::Accepted, None);
            outcomes[3].client_ref = Some("r-4".into());
            journal.record(&outcomes, &[call]).expect("record");
        }
        let journal = Journal::open(&path, service, false).expect("reopen");
        assert_eq!(journal.interrupted(), 0);
        let entry = |row| journal.entry(row).expect("entry").expect("an entry");
        assert_eq!(entry(1).state, State::NotSent);
        assert_eq!(entry(251).state, State::NotSent);
        assert_eq!(entry(250).fingerprint, 2750);
        assert_eq!(entry(7).state, State::Rejected);
        assert_eq!(entry(8).state, State::Accepted);
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
    fn fingerprints_are_a_hash_of_serde_jsons_bytes() {
        // What earlier versions recorded: FNV-1a fed by `serde_json::to_writer`.
        let message = Message::to("447700900000")
            .from("Example")
            .body("Hi \"Ann\"\n€")
            .with_client_ref("r-1");
        let json = serde_json::to_vec(&message).unwrap();
        let mut buffer = b"left over".to_vec();
        assert_eq!(
            fingerprint(&message, Fingerprints::Fnv1a, &mut buffer),
            fnv1a(&json) as i64
        );
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(
            fingerprint(&message, Fingerprints::Xxh3, &mut buffer),
            xxhash_rust::xxh3::xxh3_64(&json) as i64
        );
        assert_eq!(xxhash_rust::xxh3::xxh3_64(b""), 0x2d06_8005_38d3_94c2);
    }

    #[test]
    fn a_changed_message_has_another_fingerprint() {
        let message = Message::to("447700900000").from("Example").body("Hello");
        let changed = Message::to("447700900000").from("Example").body("Hello!");
        let mut buffer = Vec::new();
        for kind in [Fingerprints::Fnv1a, Fingerprints::Xxh3] {
            let mut of = |message: &Message| fingerprint(message, kind, &mut buffer);
            assert_eq!(of(&message), of(&message.clone()));
            assert_ne!(of(&message), of(&changed));
        }
    }

    /// A new journal records that its fingerprints are XXH3, and keeps them so; one without
    /// the record (made before it) has FNV-1a's; an unknown kind is refused.
    #[test]
    fn a_journal_keeps_the_kind_of_its_fingerprints() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("job.sqlite");
        let service = "http://127.0.0.1:1 as sandbox-user";
        let journal = Journal::open(&path, service, false).expect("open");
        assert_eq!(journal.fingerprints(), Fingerprints::Xxh3);
        drop(journal);
        let journal = Journal::open(&path, service, false).expect("reopen");
        assert_eq!(journal.fingerprints(), Fingerprints::Xxh3);
        journal
            .connection
            .execute("DELETE FROM job WHERE key = 'fingerprints'", [])
            .expect("made old");
        drop(journal);
        let journal = Journal::open(&path, service, false).expect("reopen");
        assert_eq!(journal.fingerprints(), Fingerprints::Fnv1a);
        journal
            .connection
            .execute(
                "INSERT INTO job (key, value) VALUES ('fingerprints', 'md5')",
                [],
            )
            .expect("made strange");
        drop(journal);
        match Journal::open(&path, service, false) {
            Err(JournalError::UnknownFingerprints { kind, .. }) => assert_eq!(kind, "md5"),
            other => panic!("{:?}", other.map(|journal| journal.fingerprints())),
        }
    }
}
