//! The store: one SQLite file (WAL, foreign keys, busy timeout, versioned migrations). All SQL
//! of the crate lives under this module.

mod batches;
mod decisions;
mod events;
mod items;
mod packed;
mod queue;
mod writer;

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, Transaction, TransactionBehavior};
use rusqlite_migration::{M, Migrations};

pub use batches::{Batch, BatchStatus};
pub use events::Event;
pub use items::StoredItem;
pub use packed::{ItemRef, JudgmentRef, PackedItems};
pub use queue::{Direction, QueueCounts, QueueFilter, QueueRow, SortKey, SortValue};
pub use writer::{ImportWriter, PreparedItem};

/// The schema migrations, oldest first. Never edit one that has shipped: append a new one.
const MIGRATIONS: &[&str] = &[include_str!("schema.sql")];

/// How long a write waits for another process's write to finish.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Starts a write transaction. It takes the write lock at `BEGIN`, waiting up to
/// [`BUSY_TIMEOUT`] for other writers, and only then reads: a deferred transaction that read
/// first could not be promoted once another process had written, and would fail at once.
fn write_tx(conn: &Connection) -> rusqlite::Result<Transaction<'_>> {
    Transaction::new_unchecked(conn, TransactionBehavior::Immediate)
}

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// An SQLite error.
    #[error("database: {0}")]
    Sqlite(rusqlite::Error),
    /// Another process held the write lock for longer than a write waits.
    #[error(
        "the database is busy: another process has been writing to it for over {} s \
         (an import?); try again when it is done",
        BUSY_TIMEOUT.as_secs()
    )]
    Busy,
    /// The file was made by a newer `dissent`.
    #[error(
        "this database was made by a newer dissent (schema {found}, this build knows {known}); \
         use a newer dissent"
    )]
    TooNew {
        /// Schema version in the file.
        found: i64,
        /// Latest schema this build knows.
        known: i64,
    },
    /// A migration failed.
    #[error("database migration: {0}")]
    Migration(String),
    /// Something asked for does not exist, or a request is not allowed.
    #[error("{0}")]
    User(String),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                StoreError::Busy
            }
            _ => StoreError::Sqlite(e),
        }
    }
}

/// Shorthand for store results.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// An open database.
pub struct Store {
    conn: Connection,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        let conn = Connection::open(path)?;
        // First, so that even switching to WAL waits for another process rather than failing.
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // Larger pages suit the long sequential writes of an import; only a new file takes it.
        conn.pragma_update(None, "page_size", 16384)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        Self::init(conn)
    }

    /// An in-memory database (the demo, tests).
    pub fn open_in_memory() -> Result<Store> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(mut conn: Connection) -> Result<Store> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let known = MIGRATIONS.len() as i64;
        if found > known {
            return Err(StoreError::TooNew { found, known });
        }
        let migrations = Migrations::new(MIGRATIONS.iter().map(|sql| M::up(sql)).collect());
        migrations
            .to_latest(&mut conn)
            .map_err(|e| StoreError::Migration(e.to_string()))?;
        Ok(Store { conn })
    }

    /// The schema version this build writes.
    #[must_use]
    pub fn schema_version() -> i64 {
        MIGRATIONS.len() as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_locked_database_is_reported_as_busy_and_other_errors_as_they_are() {
        let failure = |code| {
            StoreError::from(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(code),
                None,
            ))
        };
        assert!(matches!(
            failure(rusqlite::ffi::SQLITE_BUSY),
            StoreError::Busy
        ));
        assert!(matches!(
            failure(rusqlite::ffi::SQLITE_LOCKED),
            StoreError::Busy
        ));
        assert!(
            failure(rusqlite::ffi::SQLITE_BUSY)
                .to_string()
                .contains("try again")
        );
        assert!(matches!(
            failure(rusqlite::ffi::SQLITE_CONSTRAINT),
            StoreError::Sqlite(_)
        ));
    }
}
