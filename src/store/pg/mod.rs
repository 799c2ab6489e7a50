//! The PostgreSQL store's schema: its own versioned migrations, applied under an advisory lock
//! so that two machines bringing one database up to date at once take turns
//! (docs/postgres.md). SQLite's migrations stay in `migrations()` in the parent module.

mod roles;

pub use roles::{RoleNameError, Roles};

use postgres::Client;

use super::{APPLICATION_ID, PgUrl, ProcessEnv, Result, StoreError};

/// The migrations, oldest first. Never edit one that has shipped: append a new one.
const MIGRATIONS: [&str; 4] = [
    include_str!("schema_1.sql"),
    include_str!("schema_2_prediction_kl.sql"),
    include_str!("schema_3_notify.sql"),
    include_str!("schema_4_bulk_writes.sql"),
];

/// The schema version this build writes.
#[allow(clippy::cast_possible_wrap)]
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The advisory lock a migration holds (`pg_advisory_xact_lock(key.0, key.1)`): dissent's
/// application id and 1, released when the migration's transaction ends.
pub const MIGRATION_LOCK: (i32, i32) = (APPLICATION_ID, 1);

/// The advisory lock every write transaction takes first: one writer at a time, as SQLite's
/// `BEGIN IMMEDIATE` (docs/postgres.md).
pub const WRITE_LOCK: (i32, i32) = (APPLICATION_ID, 2);

/// The tables `dissent copy` carries, parents first. The search index is not among them: the
/// first search fills it again.
pub const COPIED: [&str; 15] = [
    "rubrics",
    "batches",
    "items",
    "judgments",
    "decisions",
    "events",
    "queue_counts",
    "staff",
    "assignments",
    "claims",
    "models",
    "predictions",
    "rounds",
    "item_rubric_versions",
    "batch_rubrics",
];

/// Connects to the database at `url` as dissent (the guard's setting on, see schema_1.sql) and
/// brings its schema up to date.
pub fn open(url: &PgUrl) -> Result<Client> {
    let mut client = url.connect(&ProcessEnv)?;
    client.batch_execute("SET dissent.writer = 'dissent'")?;
    migrate(&mut client)?;
    Ok(client)
}

/// Brings the schema up to date in one transaction, under the migration lock; returns the
/// version found before. A database with dissent's tables but no schema version of dissent's,
/// or one from a newer build, is refused and left as it is.
pub fn migrate(client: &mut Client) -> Result<i64> {
    let mut tx = client.transaction()?;
    tx.execute(
        "SELECT pg_advisory_xact_lock($1, $2)",
        &[&MIGRATION_LOCK.0, &MIGRATION_LOCK.1],
    )?;
    let row = tx.query_one(
        "SELECT to_regclass('dissent_schema') IS NOT NULL, to_regclass('items') IS NOT NULL",
        &[],
    )?;
    let (versioned, has_items): (bool, bool) = (row.get(0), row.get(1));
    if !versioned && has_items {
        return Err(StoreError::Foreign(
            "its schema holds an `items` table but no dissent schema version".into(),
        ));
    }
    // Only a database's first migration creates anything before it knows it must: a login
    // that may only read (a reviewer's) opens an up-to-date database without writing.
    if !versioned {
        tx.batch_execute(
            "CREATE TABLE dissent_schema (
                 version    BIGINT PRIMARY KEY,
                 applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
             )",
        )?;
    }
    let found: i64 = tx
        .query_one("SELECT coalesce(max(version), 0) FROM dissent_schema", &[])?
        .get(0);
    if found > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            found,
            known: SCHEMA_VERSION,
        });
    }
    for (version, sql) in (1_i64..)
        .zip(MIGRATIONS)
        .skip(usize::try_from(found).unwrap_or(0))
    {
        tx.batch_execute(sql)?;
        tx.execute(
            "INSERT INTO dissent_schema (version) VALUES ($1)",
            &[&version],
        )?;
    }
    tx.commit()?;
    Ok(found)
}

/// What went wrong, as a person reads it: the server's message for an error it raised (a
/// trigger's refusal, a constraint), else the client's error with its cause. The client's own
/// `Display` says only "db error" for the first.
pub(super) fn described(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return db.message().to_string();
    }
    match std::error::Error::source(e) {
        Some(cause) => format!("{e}: {cause}"),
        None => e.to_string(),
    }
}
