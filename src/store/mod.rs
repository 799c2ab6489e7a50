//! The store: one SQLite file (WAL, foreign keys, busy timeout, versioned migrations) or one
//! PostgreSQL database (docs/postgres.md), behind one [`db::Db`]. All SQL of the crate lives
//! under this module.

mod assignments;
mod batches;
mod chain;
mod claims;
mod copy;
mod db;
mod decisions;
mod events;
mod items;
mod location;
mod packed;
pub mod pg;
mod predictions;
mod queue;
mod staff;
mod stored;
mod versions;
mod writer;

use std::path::Path;
use std::time::Duration;

use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, OpenFlags};

use db::Db;

pub use assignments::{Assignee, Assignment, Progress};
pub use batches::{Batch, BatchStatus, OpenItems, OpenKind};
pub use chain::{Break, Verification};
pub use claims::Claim;
pub use decisions::Basis;
pub use events::{Event, EventFilter, PendingEvent};
pub use items::StoredItem;
pub use location::{Location, LocationError, PgEnv, PgUrl, ProcessEnv};
pub use packed::{EarlierJudgment, EarlierRound, ItemRef, JudgmentRef, PackedItems};
pub use predictions::{Model, PanelOf, PredictionWriter};
pub use queue::{Direction, QueueCounts, QueueFilter, QueueRow, SortKey, SortValue};
pub use staff::{Member, Standing};
pub use stored::Corrupt;
pub use versions::{RubricUpdate, RubricVersion};
pub use writer::{ImportWriter, PreparedItem, Source, Written};

/// A migration's work after its script, given the open transaction.
type Hook = fn(&Db) -> Result<()>;

/// SQLite's schema migrations, oldest first, each a script and what it does after. Never edit
/// one that has shipped: append a new one. (PostgreSQL's are in [`pg`].)
const MIGRATIONS: [(&str, Option<Hook>); 8] = [
    (include_str!("schema.sql"), None),
    (include_str!("schema_2_search.sql"), None),
    (include_str!("schema_3_guard.sql"), None),
    (
        include_str!("schema_4_chain.sql"),
        Some(chain::link_old_rows),
    ),
    (include_str!("schema_5_team.sql"), None),
    (include_str!("schema_6_predictions.sql"), None),
    (include_str!("schema_7_rounds.sql"), None),
    (
        include_str!("schema_prediction_kl.sql"),
        Some(predictions::follow_rounds),
    ),
];

/// An item's label counts in its latest round, with [`LATEST_ROUND`] joined: round 1's are the
/// item row's own.
const LATEST_COUNTS: &str = "coalesce(r.counts, i.counts)";
/// Joins `rounds r` to `items i` at the item's latest round, when it has had more than one.
const LATEST_ROUND: &str =
    "LEFT JOIN rounds r ON i.round > 1 AND r.item_id = i.id AND r.round = i.round";

/// The schema version this build writes.
#[allow(clippy::cast_possible_wrap)]
const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// An item as the record's writers name it: its rowid, its batch and its id in the batch (what
/// the chain hashes), known to the caller so that no write looks them up again.
#[derive(Debug, Clone, Copy)]
struct ItemAt<'a> {
    /// Rowid.
    id: i64,
    /// Its batch.
    batch_id: i64,
    /// Its id in the batch.
    key: &'a str,
    /// Its latest round, the one a decision on it is made on.
    round: i64,
}

/// The function the record's triggers call on every write (schema 3). Only dissent's own
/// connections define it, so another client's write fails before it changes anything.
const GUARD_FUNCTION: &str = "written_by_dissent_only";

/// The function an update of an item's summary columns calls (schema 5): defined only for the
/// transaction of dissent's guarded path ([`Summaries`]), so that no other statement, dissent's
/// own included, changes them.
const SUMMARIES_FUNCTION: &str = "summaries_by_dissent";

/// While alive, this connection may change items' summary columns (a round applied, a rubric's
/// thresholds recomputed); dropped, it may not. SQLite's triggers call a function defined only
/// meanwhile; PostgreSQL's read a setting of the transaction.
struct Summaries<'a>(&'a Db);

impl<'a> Summaries<'a> {
    fn allow(db: &'a Db) -> Result<Self> {
        match db {
            Db::Sqlite(conn) => conn.create_scalar_function(
                SUMMARIES_FUNCTION,
                0,
                FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
                |_| Ok(1),
            )?,
            Db::Pg(_) => db.execute_batch("SET LOCAL dissent.summaries = 'on'")?,
        }
        Ok(Summaries(db))
    }
}

impl Drop for Summaries<'_> {
    fn drop(&mut self) {
        // Fails only while a statement runs, which the borrow of the connection rules out (or
        // on a broken server connection, whose transaction ends with it).
        let _ = match self.0 {
            Db::Sqlite(conn) => conn
                .remove_function(SUMMARIES_FUNCTION, 0)
                .map_err(StoreError::from),
            Db::Pg(_) => self.0.execute_batch("SET LOCAL dissent.summaries = 'off'"),
        };
    }
}

/// `PRAGMA application_id` of a dissent database ("DSNT"): marks the file as ours, so a command
/// never adds its tables to a database of another program.
const APPLICATION_ID: i32 = 0x4453_4E54;

/// How long a write waits for another process's write to finish.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// An SQLite error.
    #[error("database: {0}")]
    Sqlite(rusqlite::Error),
    /// A PostgreSQL error.
    #[error("database: {}", pg::described(.0))]
    Postgres(postgres::Error),
    /// A write the server refused to this login (its PostgreSQL role's grants).
    #[error(
        "the server refused this login: {0} (its PostgreSQL role may not do this; see the \
         README on roles)"
    )]
    Denied(String),
    /// A PostgreSQL location that cannot be used (its password hidden).
    #[error(transparent)]
    Location(#[from] LocationError),
    /// A copy into a database that cannot take it.
    #[error("cannot copy into {to}: {why}")]
    CopyTarget {
        /// The target, its password hidden.
        to: String,
        /// Why not.
        why: String,
    },
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
    /// A write to a database this process may only read.
    #[error(
        "the database is read-only here (file or folder permissions): it can be read, not changed"
    )]
    ReadOnly,
    /// A database in a folder this process cannot write, whose WAL holds writes it could not
    /// read consistently.
    #[error(
        "the database is read-only here and another process's recent writes are still in its \
         write-ahead log, which cannot be read safely without write access to the folder; try \
         again when that process is done"
    )]
    ReadOnlyWal,
    /// A read-only database from an older schema, which only a write could bring up to date.
    #[error(
        "the database is read-only here and was made by an older dissent (schema {found}, this \
         build reads {known}); open it once with write access to bring it up to date"
    )]
    ReadOnlyOld {
        /// Schema version in the file.
        found: i64,
        /// Latest schema this build knows.
        known: i64,
    },
    /// A migration failed.
    #[error("database migration: {0}")]
    Migration(String),
    /// A stored value does not read back.
    #[error(transparent)]
    Corrupt(Box<Corrupt>),
    /// A column of another type than the query expects.
    #[error("database: column {index}: {why}")]
    Column {
        /// The column, from 0.
        index: usize,
        /// What it held.
        why: String,
    },
    /// A statement issued while a streamed read holds the connection (a defect of dissent's).
    #[error("database: a statement was issued while a read was streaming on the same connection")]
    Reentrant,
    /// The server closed the connection.
    #[error("database: the server closed the connection; open the database again")]
    Disconnected,
    /// A query that must give a row gave none.
    #[error("database: a query expected a row and found none")]
    NoRow,
    /// The file is not a dissent database; nothing was written to it.
    #[error("not a dissent database: {0}")]
    Foreign(String),
    /// The database holds no batch yet.
    #[error("the database holds no batch: import one first")]
    NoBatch,
    /// Several batches, and none named.
    #[error("the database holds {} batches ({}): name one with --batch", .0.len(), .0.join(", "))]
    WhichBatch(Vec<String>),
    /// No batch of this name.
    #[error("no batch named `{0}`")]
    UnknownBatch(String),
    /// No item of this id in the batch.
    #[error("no item `{item}` in batch `{batch}`")]
    NoItem {
        /// The item id asked for.
        item: String,
        /// The batch looked in.
        batch: String,
    },
    /// An item is named without a batch to find it in.
    #[error("an item is named within a batch")]
    ItemWithoutBatch,
    /// Undo on an item with no decision in force.
    #[error("item `{0}` has no decision to undo")]
    NothingToUndo(String),
    /// A write to a finalized batch.
    #[error("batch `{0}` is finalized: reopen it first")]
    Finalized(String),
    /// Finalize on a finalized batch, or reopen on an open one.
    #[error("batch `{batch}` is already {status}")]
    AlreadySo {
        /// The batch.
        batch: String,
        /// Its status.
        status: &'static str,
    },
    /// A rubric version that changes what a version may not.
    #[error("this rubric cannot replace the batch's: {}", .0.join("; "))]
    RubricUpdate(Vec<String>),
    /// Finalize on a batch with items still open, not forced.
    #[error(
        "batch `{batch}` has items still open: {open}; decide them (or answer the re-reviews \
         with a new round), or finalize with --force"
    )]
    OpenItems {
        /// The batch.
        batch: String,
        /// What is open.
        open: Box<OpenItems>,
    },
    /// An import into a batch made under another rubric.
    #[error("batch `{0}` was imported under another rubric; import into a new batch")]
    OtherRubric(String),
    /// An imported item whose id the batch already holds.
    #[error(
        "{origin}: item_id: item `{item}` is already in this batch (its panel record is never replaced)"
    )]
    ItemExists {
        /// The file and line that define it.
        origin: String,
        /// The item id.
        item: String,
    },
    /// An imported item the batch holds, which cannot take a new round.
    #[error("{origin}: item_id: item `{item}` {why}")]
    RoundRefused {
        /// The file and line that define it.
        origin: String,
        /// The item id.
        item: String,
        /// Why not.
        why: String,
    },
    /// The rubric stored with a batch does not load.
    #[error("stored rubric of `{batch}`: {problems}")]
    StoredRubric {
        /// The batch.
        batch: String,
        /// What is wrong with it.
        problems: crate::domain::rubric::RubricErrors,
    },
    /// No model of this name has predictions for the batch.
    #[error("no model `{model}` in batch `{batch}` (`dissent predictions list` shows them)")]
    UnknownModel {
        /// The model asked for.
        model: String,
        /// The batch looked in.
        batch: String,
    },
    /// Predictions imported under a name the batch already has, without `--replace`.
    #[error(
        "model `{model}` already has predictions for batch `{batch}` (imported {at} by {by}); \
         pass --replace to add them as a new version (the old one is kept)"
    )]
    ModelExists {
        /// The model.
        model: String,
        /// The batch.
        batch: String,
        /// When the version in force was imported.
        at: String,
        /// By whom.
        by: String,
    },
    /// A decision the rubric or the panel does not allow.
    #[error(transparent)]
    Decision(#[from] crate::domain::decision::DecisionError),
    /// An act the actor's role does not allow.
    #[error(transparent)]
    NotAllowed(#[from] crate::domain::team::NotAllowed),
    /// The first member of a staff list added as anything but a QA lead.
    #[error(
        "the staff list is empty: its first member, `{}`, must be a QA lead",
        crate::text::shown(.0)
    )]
    FirstMember(String),
    /// Removing or demoting the last QA lead.
    #[error(
        "`{}` is the only QA lead: add another before removing or demoting them",
        crate::text::shown(.0)
    )]
    LastQaLead(String),
    /// A name that is not on the staff list.
    #[error("`{}` is not on the staff list", crate::text::shown(.0))]
    NotStaff(String),
    /// Someone else holds a live claim on the item.
    #[error(
        "item `{}` is being decided by {} (claimed at {}){}; try again when they are done, \
         or ask a QA lead to break the claim",
        crate::text::shown(&.0.item_id),
        crate::text::shown(&.0.holder),
        .0.since,
        .0.account.as_deref().filter(|a| *a != .0.holder).map(|a| format!(" from account {}", crate::text::shown(a))).unwrap_or_default()
    )]
    Claimed(Box<Claim>),
    /// A senior reviewer deciding an item assigned to someone else.
    #[error(
        "item `{}` is assigned to {}: only they or a QA lead decide it (a QA lead can reassign it)",
        crate::text::shown(item),
        crate::text::shown(assignee)
    )]
    AssignedToAnother {
        /// The item.
        item: String,
        /// Whom it is assigned to.
        assignee: String,
    },
    /// Breaking a claim that is not there (or has lapsed).
    #[error("item `{}` has no live claim", crate::text::shown(.0))]
    NoClaim(String),
    /// The item's decision in force changed since the decider saw it.
    #[error(
        "item `{}` changed while you were deciding: {}",
        crate::text::shown(item),
        decisions::changed_to(now.as_deref(), *new_round)
    )]
    Conflict {
        /// The item.
        item: String,
        /// The decision in force now.
        now: Option<Box<crate::domain::decision::Decision>>,
        /// The round that came in since, when a new round answered the decision seen.
        new_round: Option<i64>,
    },
    /// A CLI decision over another person's decision, without `--supersede`.
    #[error(
        "item `{}` holds another person's decision: {}; pass --supersede to decide over it \
         or undo it (recorded as superseding it)",
        crate::text::shown(item),
        decisions::described(now)
    )]
    OthersDecision {
        /// The item.
        item: String,
        /// The decision in force.
        now: Box<crate::domain::decision::Decision>,
    },
    /// Finalizing while someone is deciding an item.
    #[error(
        "{} item(s) of batch `{}` are being decided ({}): finalize when they are done, or break the claims",
        claims.len(),
        crate::text::shown(batch),
        claims.iter().take(5).map(|c| format!("{} by {}", crate::text::shown(&c.item_id), crate::text::shown(&c.holder))).collect::<Vec<_>>().join(", ")
    )]
    LiveClaims {
        /// The batch.
        batch: String,
        /// The live claims.
        claims: Vec<Claim>,
    },
    /// The KL order asked for with no model to take the KL of.
    #[error("the KL order needs a model: pass --model NAME (the console: pick one with M)")]
    KlWithoutModel,
    /// A time that is not RFC 3339.
    #[error("not an RFC 3339 time: `{}`", crate::text::shown(.0))]
    BadTime(String),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e {
            rusqlite::Error::QueryReturnedNoRows => StoreError::NoRow,
            e => match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                    StoreError::Busy
                }
                Some(rusqlite::ErrorCode::ReadOnly) => StoreError::ReadOnly,
                _ => StoreError::Sqlite(e),
            },
        }
    }
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> Self {
        use postgres::error::SqlState;
        match e.code() {
            Some(&SqlState::LOCK_NOT_AVAILABLE) => StoreError::Busy,
            Some(&SqlState::INSUFFICIENT_PRIVILEGE) => StoreError::Denied(pg::described(&e)),
            _ => StoreError::Postgres(e),
        }
    }
}

impl StoreError {
    /// Whether a constraint of the schema refused the write (a unique key, say).
    fn is_constraint(&self) -> bool {
        match self {
            StoreError::Sqlite(e) => {
                e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation)
            }
            StoreError::Postgres(e) => e.code().is_some_and(|c| c.code().starts_with("23")),
            _ => false,
        }
    }
}

/// Shorthand for store results.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// An open database.
pub struct Store {
    conn: Db,
    /// The OS account recorded with every event this store writes.
    account: Option<String>,
}

impl Store {
    /// Opens the dissent database at `path`, creating it when the path is new or an empty
    /// file (import), and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        Self::open_file(path, true)
    }

    /// Opens the dissent database at `path`, which must already be one.
    pub fn open_existing(path: &Path) -> Result<Store> {
        Self::open_file(path, false)
    }

    fn open_file(path: &Path, create: bool) -> Result<Store> {
        let conn = Connection::open(path)?;
        // First, so that even switching to WAL waits for another process rather than failing.
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // Before anything is written: refuse a file that is not ours.
        match check_ours(&conn, create) {
            // A folder this process cannot write: SQLite cannot make the WAL's shared-memory
            // file, so the file is read as it stands.
            Err(StoreError::ReadOnly) if !create => {
                // Immutable mode reads the file alone: writes still in the WAL would be
                // missed, or read half-checkpointed. Only a file with no WAL is read so.
                let mut wal = path.as_os_str().to_owned();
                wal.push("-wal");
                if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
                    return Err(StoreError::ReadOnlyWal);
                }
                let conn = Connection::open_with_flags(
                    format!("file:{}?immutable=1", uri_path(path)),
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI,
                )?;
                check_ours(&conn, false)?;
                return Self::read_only(conn);
            }
            other => other?,
        }
        if conn.is_readonly(rusqlite::MAIN_DB)? {
            return Self::read_only(conn);
        }
        // Larger pages suit the long sequential writes of an import; only a new file takes it.
        conn.pragma_update(None, "page_size", 16384)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // A confirmed decision survives a power loss: every commit syncs the WAL. The import,
        // one large transaction, relaxes this for itself (see `ImportWriter`).
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        Self::init(conn)
    }

    /// A database this process may read but not write (file or folder permissions): a
    /// viewer's access. Its schema must be this build's, since bringing it up to date writes;
    /// every write is refused with [`StoreError::ReadOnly`].
    fn read_only(conn: Connection) -> Result<Store> {
        let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if found != SCHEMA_VERSION {
            return Err(StoreError::ReadOnlyOld {
                found,
                known: SCHEMA_VERSION,
            });
        }
        register_guard(&conn)?;
        Ok(Store {
            conn: Db::Sqlite(conn),
            account: None,
        })
    }

    /// Records `account` (the OS account running this process) with every event written from
    /// now on, beside the actor named.
    pub fn set_account(&mut self, account: Option<String>) {
        self.account = account;
    }

    /// The database's data version: it changes when another connection commits, so a console
    /// polls it to learn of decisions, claims and assignments made elsewhere (on PostgreSQL,
    /// as the server notifies them: see schema_3_notify.sql).
    pub fn data_version(&self) -> Result<i64> {
        match &self.conn {
            Db::Sqlite(c) => Ok(c.pragma_query_value(None, "data_version", |r| r.get(0))?),
            Db::Pg(c) => c.borrow_mut().changes(),
        }
    }

    /// A second connection to the same database file, for work that must not hold this one up
    /// (the console's QA view); `None` for a database in memory.
    pub fn reader(&self) -> Option<Result<Store>> {
        match &self.conn {
            Db::Sqlite(conn) => {
                let path = conn.path().filter(|p| !p.is_empty())?;
                Some(Store::open_existing(Path::new(path)))
            }
            Db::Pg(conn) => Some(Store::connect(&conn.borrow().url)),
        }
    }

    /// Connects to the PostgreSQL database at `url` and brings its schema up to date (a new,
    /// empty database is set up). A write waits for another machine's write as long as one on
    /// SQLite waits for another process's.
    pub fn connect(url: &PgUrl) -> Result<Store> {
        let mut client = pg::open(url)?;
        // JIT compiling pays only for long analytic queries; dissent's are short or stream.
        client.batch_execute(&format!(
            "SET lock_timeout = '{}s'; SET jit = off",
            BUSY_TIMEOUT.as_secs()
        ))?;
        Ok(Store {
            conn: Db::Pg(Box::new(std::cell::RefCell::new(db::PgConn::new(
                client,
                url.clone(),
            )?))),
            account: None,
        })
    }

    /// Opens the database at `location`: an SQLite file, created when `create` and new, or a
    /// PostgreSQL database.
    pub fn open_at(location: &Location, create: bool) -> Result<Store> {
        match location {
            Location::Sqlite(path) => Self::open_file(path, create),
            Location::Postgres(url) => Self::connect(url),
        }
    }

    /// An in-memory database (the demo, tests).
    pub fn open_in_memory() -> Result<Store> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(conn: Connection) -> Result<Store> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        register_guard(&conn)?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                found,
                known: SCHEMA_VERSION,
            });
        }
        let db = Db::Sqlite(conn);
        if found < SCHEMA_VERSION {
            migrate(&db, found).map_err(|e| StoreError::Migration(e.to_string()))?;
        }
        let conn = db.sqlite().expect("opened on SQLite");
        if conn.pragma_query_value(None, "application_id", |r| r.get::<_, i32>(0))?
            != APPLICATION_ID
        {
            conn.pragma_update(None, "application_id", APPLICATION_ID)?;
        }
        Ok(Store {
            conn: db,
            account: None,
        })
    }
}

/// Applies SQLite's migrations after version `found`, in one transaction that also sets the
/// new version: a failed one leaves the file as it was.
fn migrate(db: &Db, found: i64) -> Result<()> {
    let tx = db.write_tx()?;
    for (script, hook) in MIGRATIONS.iter().skip(usize::try_from(found).unwrap_or(0)) {
        tx.execute_batch(script)?;
        if let Some(hook) = hook {
            hook(&tx)?;
        }
    }
    tx.execute_batch(&format!("PRAGMA user_version = {SCHEMA_VERSION}"))?;
    tx.commit()?;
    Ok(())
}

/// `path` for an SQLite URI: `%`, `?` and `#` escaped.
fn uri_path(path: &Path) -> String {
    let text = path.to_string_lossy();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3f"),
            '#' => out.push_str("%23"),
            c => out.push(c),
        }
    }
    out
}

/// Defines the function the record's triggers call on every write, on this connection.
fn register_guard(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_scalar_function(
        GUARD_FUNCTION,
        0,
        FunctionFlags::SQLITE_UTF8
            | FunctionFlags::SQLITE_DETERMINISTIC
            | FunctionFlags::SQLITE_INNOCUOUS,
        |_| Ok(1),
    )
}

/// Refuses a database that is not dissent's: another program's mark, or tables of its own.
/// An unmarked database with dissent's schema was made before the mark and is taken as ours.
/// A file with nothing in it is set up only when `create`.
fn check_ours(conn: &Connection, create: bool) -> Result<()> {
    let foreign = |e: rusqlite::Error| match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => {
            StoreError::Foreign("the file is not an SQLite database".into())
        }
        _ => StoreError::from(e),
    };
    let id: i32 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .map_err(foreign)?;
    if id == APPLICATION_ID {
        return Ok(());
    }
    if id != 0 {
        return Err(StoreError::Foreign(format!(
            "another program's database (application id {id:#x})"
        )));
    }
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let ours = [
        "batches",
        "decisions",
        "events",
        "items",
        "judgments",
        "rubrics",
    ];
    if tables.is_empty() {
        if create {
            return Ok(());
        }
        return Err(StoreError::Foreign(
            "the file holds no data (import a batch to make a database)".into(),
        ));
    }
    // Unmarked with dissent's tables: made before the mark, if its schema version is one of
    // dissent's (another tool's tables of the same names carry none).
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if ours.iter().all(|t| tables.iter().any(|n| n == t)) && (1..=SCHEMA_VERSION).contains(&version)
    {
        return Ok(());
    }
    Err(StoreError::Foreign(format!(
        "it holds other tables ({})",
        tables.join(", ")
    )))
}

#[cfg(test)]
mod tests {
    use super::db::params;
    use super::*;

    #[test]
    fn a_database_file_syncs_every_commit() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db.sqlite")).unwrap();
        let sync: i64 = store
            .conn
            .sqlite()
            .unwrap()
            .pragma_query_value(None, "synchronous", |r| r.get(0))
            .unwrap();
        assert_eq!(sync, 2, "FULL: a confirmed decision survives a power loss");
    }

    #[test]
    fn an_item_s_summary_changes_only_inside_the_guarded_path() {
        let mut store = Store::open_in_memory().unwrap();
        let rubric = crate::domain::rubric::Rubric::parse(
            "task: t\nversion: 1\nlabels: [{id: a}, {id: b}]\n",
        )
        .unwrap();
        store
            .import_writer("b", &rubric, "me", "now")
            .unwrap()
            .commit(serde_json::json!({}))
            .unwrap();
        store
            .conn
            .execute_batch(
                "INSERT INTO items (batch_id, item_key, task, payload, panel_kind, counts,
                    reviewer_count, top_share, entropy, norm_entropy, class, flags, unflagged,
                    neg_entropy, conf_key, class_rank)
                 VALUES (1, 'x', 't', '{}', 'counts', '[1,1]', 2, 0.5, 1, 1, 'unresolved', 0,
                    1, -1, 2, 1)",
            )
            .unwrap();
        let change = |store: &Store| {
            store.conn.execute(
                "UPDATE items SET class = 'major' WHERE item_key = 'x'",
                params![],
            )
        };
        let refused = change(&store).unwrap_err().to_string();
        assert!(refused.contains("summaries_by_dissent"), "{refused}");
        {
            let _allowed = Summaries::allow(&store.conn).unwrap();
            change(&store).unwrap();
        }
        assert!(
            change(&store).is_err(),
            "refused again once the path is left"
        );
        let _allowed = Summaries::allow(&store.conn).unwrap();
        assert!(
            store
                .conn
                .execute("UPDATE items SET round = 2 WHERE item_key = 'x'", params![])
                .is_err(),
            "even there, a round only with its row"
        );
    }

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
