//! The store's one connection, to an SQLite file or a PostgreSQL server, behind one small API
//! shaped like rusqlite's (docs/postgres.md). Every statement is written once, in the SQL both
//! accept, with SQLite's `?N` placeholders; for PostgreSQL it is rewritten once ([`dialect`])
//! and prepared once per connection. Values cross in both directions as [`ValueRef`], so a
//! column reads the same on either backend.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::error::Error as StdError;
use std::ops::ControlFlow;

use postgres::binary_copy::BinaryCopyInWriter;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};
use rusqlite::Connection;

use super::{PgUrl, Result, StoreError};

/// One connection to a dissent database.
pub(super) enum Db {
    /// An SQLite file (or memory).
    Sqlite(Connection),
    /// A PostgreSQL server; its client needs `&mut` for every call, the store's reads take
    /// `&self`.
    Pg(Box<RefCell<PgConn>>),
}

/// A PostgreSQL client and the statements it has prepared, by their SQLite text.
pub(super) struct PgConn {
    pub(super) client: postgres::Client,
    /// Where it is connected, for a second connection.
    pub(super) url: PgUrl,
    cache: HashMap<String, postgres::Statement>,
    /// The server process of this connection, whose own notifications are not news.
    pid: i32,
    /// Changes other connections have committed, as their notifications told.
    changes: i64,
}

/// The PostgreSQL connection, for one call; [`StoreError::Reentrant`] while a streamed read
/// ([`Stmt::for_each`]) holds it.
fn conn(c: &RefCell<PgConn>) -> Result<std::cell::RefMut<'_, PgConn>> {
    c.try_borrow_mut().map_err(|_| StoreError::Reentrant)
}

impl PgConn {
    /// `client`, listening from now on for the changes others commit (schema_3_notify.sql).
    pub(super) fn new(mut client: postgres::Client, url: PgUrl) -> Result<PgConn> {
        client.batch_execute("LISTEN dissent")?;
        let pid = client.query_one("SELECT pg_backend_pid()", &[])?.get(0);
        Ok(PgConn {
            client,
            url,
            cache: HashMap::new(),
            pid,
            changes: 0,
        })
    }

    /// How many changes others have committed since this connection was opened: it grows
    /// when one is told, as SQLite's `data_version` does. Never waits.
    pub(super) fn changes(&mut self) -> Result<i64> {
        let pid = self.pid;
        let mut told = 0;
        {
            let mut notes = self.client.notifications();
            let mut iter = notes.iter();
            while let Some(note) = iter.next()? {
                if note.process_id() != pid {
                    told += 1;
                }
            }
        }
        if self.client.is_closed() {
            return Err(StoreError::Disconnected);
        }
        self.changes += told;
        Ok(self.changes)
    }

    /// `sql` prepared on this connection, from the cache when it was before.
    fn prepared(&mut self, sql: &str) -> Result<postgres::Statement> {
        if let Some(stmt) = self.cache.get(sql) {
            return Ok(stmt.clone());
        }
        let stmt = self.client.prepare(&dialect(sql))?;
        self.cache.insert(sql.to_string(), stmt.clone());
        Ok(stmt)
    }
}

/// The advisory lock every write transaction takes first on PostgreSQL: one writer at a time,
/// as SQLite's `BEGIN IMMEDIATE`.
pub(super) use super::pg::WRITE_LOCK;

impl Db {
    /// The SQLite connection, for what only SQLite does (pragmas, its bulk import path).
    pub(super) fn sqlite(&self) -> Option<&Connection> {
        match self {
            Db::Sqlite(c) => Some(c),
            Db::Pg(_) => None,
        }
    }

    /// Whether this is a PostgreSQL server.
    pub(super) fn is_pg(&self) -> bool {
        matches!(self, Db::Pg(_))
    }

    /// A statement, prepared once per connection.
    pub(super) fn prepare_cached(&self, sql: &str) -> Result<Stmt<'_>> {
        Ok(match self {
            Db::Sqlite(c) => Stmt::SqliteCached(c.prepare_cached(sql)?),
            Db::Pg(c) => Stmt::Pg(c, conn(c)?.prepared(sql)?),
        })
    }

    /// A statement run once (built for the occasion); on PostgreSQL it is cached all the same.
    pub(super) fn prepare(&self, sql: &str) -> Result<Stmt<'_>> {
        Ok(match self {
            Db::Sqlite(c) => Stmt::Sqlite(c.prepare(sql)?),
            Db::Pg(c) => Stmt::Pg(c, conn(c)?.prepared(sql)?),
        })
    }

    /// Runs one statement; returns the rows it changed.
    pub(super) fn execute(&self, sql: &str, args: &[&dyn ToDb]) -> Result<usize> {
        self.prepare_cached(sql)?.execute(args)
    }

    /// The first row of one statement, read by `f`; [`StoreError::NoRow`] when there is none.
    pub(super) fn query_row<T>(
        &self,
        sql: &str,
        args: &[&dyn ToDb],
        f: impl FnOnce(&Row<'_>) -> Result<T>,
    ) -> Result<T> {
        self.prepare_cached(sql)?.query_row(args, f)
    }

    /// Runs statements with no arguments, one after another (schema scripts, settings).
    pub(super) fn execute_batch(&self, sql: &str) -> Result<()> {
        match self {
            Db::Sqlite(c) => c.execute_batch(sql)?,
            Db::Pg(c) => conn(c)?.client.batch_execute(sql)?,
        }
        Ok(())
    }

    /// Starts a write transaction: it takes the write lock first (SQLite's `BEGIN IMMEDIATE`,
    /// PostgreSQL's advisory [`WRITE_LOCK`]), waiting for other writers up to the busy timeout,
    /// and only then reads — so what it reads stays true until it commits.
    pub(super) fn write_tx(&self) -> Result<Tx<'_>> {
        match self {
            Db::Sqlite(c) => c.execute_batch("BEGIN IMMEDIATE")?,
            Db::Pg(c) => {
                let mut c = conn(c)?;
                c.client.batch_execute("BEGIN")?;
                let locked = c.client.execute(
                    "SELECT pg_advisory_xact_lock($1, $2)",
                    &[&WRITE_LOCK.0, &WRITE_LOCK.1],
                );
                if let Err(e) = locked {
                    let _ = c.client.batch_execute("ROLLBACK");
                    return Err(e.into());
                }
            }
        }
        Ok(Tx {
            db: self,
            open: true,
        })
    }

    /// On PostgreSQL, the planner's statistics of `table` brought up to date after a bulk write
    /// of `rows` (skipped below a thousand: the server's own autovacuum keeps up with those).
    /// SQLite's queries name their indexes and need none.
    pub(super) fn analyze(&self, table: &'static str, rows: u64) -> Result<()> {
        if self.is_pg() && rows >= 1000 {
            self.execute_batch(&format!("SELECT dissent_analyze('{table}')"))?;
        }
        Ok(())
    }

    /// Starts a read transaction: every statement in it sees the database as it was at its
    /// first read (a report, an export or a verify reads one state throughout).
    pub(super) fn snapshot(&self) -> Result<Tx<'_>> {
        self.execute_batch(match self {
            Db::Sqlite(_) => "BEGIN DEFERRED",
            Db::Pg(_) => "BEGIN ISOLATION LEVEL REPEATABLE READ",
        })?;
        Ok(Tx {
            db: self,
            open: true,
        })
    }
}

/// An open transaction on a [`Db`]: it reads and writes through the connection it derefs to,
/// commits with [`Tx::commit`], and rolls back when dropped uncommitted.
pub(super) struct Tx<'d> {
    db: &'d Db,
    open: bool,
}

impl<'d> Tx<'d> {
    /// Commits what the transaction wrote; gives back the connection.
    pub(super) fn commit(mut self) -> Result<&'d Db> {
        self.open = false;
        self.db.execute_batch("COMMIT")?;
        Ok(self.db)
    }
}

impl std::ops::Deref for Tx<'_> {
    type Target = Db;
    fn deref(&self) -> &Db {
        self.db
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        if self.open {
            // A failed rollback leaves nothing to undo: the server or SQLite has already ended
            // the transaction, and the next BEGIN would say so.
            let _ = self.db.execute_batch("ROLLBACK");
        }
    }
}

impl Db {
    /// Inserts rows into `bulk`'s table, `values` holding them one after another: on SQLite as
    /// multi-row `INSERT`s of up to `bulk.chunk` rows, on PostgreSQL through one binary `COPY`.
    pub(super) fn insert_rows(&self, bulk: &BulkInsert, values: &[ValueRef<'_>]) -> Result<()> {
        let width = bulk.columns.len();
        debug_assert_eq!(values.len() % width, 0);
        match self {
            Db::Sqlite(c) => {
                for chunk in values.chunks(width * bulk.chunk) {
                    let mut stmt = c.prepare_cached(&bulk.rows(chunk.len() / width))?;
                    for (at, v) in chunk.iter().enumerate() {
                        stmt.raw_bind_parameter(at + 1, SqliteArg(*v))?;
                    }
                    stmt.raw_execute()?;
                }
            }
            Db::Pg(c) => {
                let mut c = conn(c)?;
                let list = bulk.columns.join(", ");
                let types: Vec<Type> = c
                    .prepared(&format!("SELECT {list} FROM {} LIMIT 0", bulk.table))?
                    .columns()
                    .iter()
                    .map(|c| c.type_().clone())
                    .collect();
                let sink = c.client.copy_in(&format!(
                    "COPY {} ({list}) FROM STDIN (FORMAT binary)",
                    bulk.table
                ))?;
                let mut writer = BinaryCopyInWriter::new(sink, &types);
                for row in values.chunks(width) {
                    with_pg_args_of(row, |args| writer.write(args))?;
                }
                writer.finish()?;
            }
        }
        Ok(())
    }
}

/// The multi-row `INSERT`s of one table's bulk writes: the full chunk's text is built once, not
/// once per statement (the statement cache is looked up by it).
pub(super) struct BulkInsert {
    pub(super) table: &'static str,
    pub(super) columns: Vec<String>,
    /// Rows per `INSERT` on SQLite.
    pub(super) chunk: usize,
    full: String,
}

impl BulkInsert {
    pub(super) fn new(table: &'static str, columns: &[impl AsRef<str>], chunk: usize) -> Self {
        let columns: Vec<String> = columns.iter().map(|c| c.as_ref().to_string()).collect();
        let full = insert_sql(table, &columns, chunk);
        BulkInsert {
            table,
            columns,
            chunk,
            full,
        }
    }

    /// The `INSERT` of `rows` rows.
    fn rows(&self, rows: usize) -> Cow<'_, str> {
        if rows == self.chunk {
            Cow::Borrowed(&self.full)
        } else {
            Cow::Owned(insert_sql(self.table, &self.columns, rows))
        }
    }
}

/// `INSERT INTO table (columns) VALUES (?, …), …` for `rows` rows.
fn insert_sql(table: &str, columns: &[String], rows: usize) -> String {
    let row = format!("({})", vec!["?"; columns.len()].join(", "));
    format!(
        "INSERT INTO {table} ({}) VALUES {}",
        columns.join(", "),
        vec![row; rows].join(", ")
    )
}

/// A prepared statement.
pub(super) enum Stmt<'d> {
    Sqlite(rusqlite::Statement<'d>),
    SqliteCached(rusqlite::CachedStatement<'d>),
    Pg(&'d RefCell<PgConn>, postgres::Statement),
}

impl Stmt<'_> {
    /// Runs the statement; returns the rows it changed.
    pub(super) fn execute(&mut self, args: &[&dyn ToDb]) -> Result<usize> {
        match self {
            Stmt::Sqlite(s) => Ok(s.execute(sqlite_args(args))?),
            Stmt::SqliteCached(s) => Ok(s.execute(sqlite_args(args))?),
            Stmt::Pg(c, s) => {
                let mut c = conn(c)?;
                let n = with_pg_args(args, |a| c.client.execute(&*s, a))?;
                Ok(usize::try_from(n).unwrap_or(usize::MAX))
            }
        }
    }

    /// The first row, read by `f`; [`StoreError::NoRow`] when there is none.
    pub(super) fn query_row<T>(
        &mut self,
        args: &[&dyn ToDb],
        f: impl FnOnce(&Row<'_>) -> Result<T>,
    ) -> Result<T> {
        let mut rows = self.query(args)?;
        match rows.next()? {
            Some(r) => f(&r),
            None => Err(StoreError::NoRow),
        }
    }

    /// Every row, each read by `f`.
    pub(super) fn query_map<T>(
        &mut self,
        args: &[&dyn ToDb],
        mut f: impl FnMut(&Row<'_>) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut rows = self.query(args)?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(f(&r)?);
        }
        Ok(out)
    }

    /// Calls `f` with each row until it breaks. On PostgreSQL the rows stream from the server
    /// (a million-row read holds one row at a time, where [`Stmt::query`] holds them all);
    /// meanwhile the connection serves no other statement, so `f` must not use it.
    pub(super) fn for_each(
        &mut self,
        args: &[&dyn ToDb],
        mut f: impl FnMut(&Row<'_>) -> Result<ControlFlow<()>>,
    ) -> Result<()> {
        if let Stmt::Pg(c, s) = self {
            let mut c = conn(c)?;
            return with_pg_args(args, |a| {
                let mut rows = c.client.query_raw(&*s, a.iter().copied())?;
                while let Some(r) = rows.next()? {
                    if f(&Row(Current::Pg(r)))?.is_break() {
                        break;
                    }
                }
                Ok(())
            });
        }
        let mut rows = self.query(args)?;
        while let Some(r) = rows.next()? {
            if f(&r)?.is_break() {
                break;
            }
        }
        Ok(())
    }

    /// The names of the statement's columns.
    pub(super) fn column_names(&self) -> Vec<String> {
        match self {
            Stmt::Sqlite(s) => s.column_names().iter().map(|c| (*c).to_string()).collect(),
            Stmt::SqliteCached(s) => s.column_names().iter().map(|c| (*c).to_string()).collect(),
            Stmt::Pg(_, s) => s.columns().iter().map(|c| c.name().to_string()).collect(),
        }
    }

    /// Whether the statement gives a row.
    pub(super) fn exists(&mut self, args: &[&dyn ToDb]) -> Result<bool> {
        Ok(self.query(args)?.next()?.is_some())
    }

    /// The rows, to be read one at a time with [`Rows::next`].
    pub(super) fn query(&mut self, args: &[&dyn ToDb]) -> Result<Rows<'_>> {
        Ok(match self {
            Stmt::Sqlite(s) => Rows::Sqlite(s.query(sqlite_args(args))?),
            Stmt::SqliteCached(s) => Rows::Sqlite(s.query(sqlite_args(args))?),
            Stmt::Pg(c, s) => {
                let mut c = conn(c)?;
                let rows = with_pg_args(args, |a| c.client.query(&*s, a))?;
                Rows::Pg(rows.into_iter())
            }
        })
    }
}

/// Rows of a statement, read one at a time.
pub(super) enum Rows<'s> {
    Sqlite(rusqlite::Rows<'s>),
    Pg(std::vec::IntoIter<postgres::Row>),
}

/// The row [`Rows::next`] lends: SQLite's is borrowed from its statement, PostgreSQL's owned.
pub(super) enum Current<'r> {
    Sqlite(&'r rusqlite::Row<'r>),
    Pg(postgres::Row),
}

impl Rows<'_> {
    /// The next row, if any.
    #[allow(clippy::should_implement_trait)]
    pub(super) fn next(&mut self) -> Result<Option<Row<'_>>> {
        Ok(match self {
            Rows::Sqlite(rows) => rows.next()?.map(|r| Row(Current::Sqlite(r))),
            Rows::Pg(rows) => rows.next().map(|r| Row(Current::Pg(r))),
        })
    }
}

/// One row of a result.
pub(super) struct Row<'r>(Current<'r>);

impl Row<'_> {
    /// Column `i` as a `T`; an error names the column and what it held.
    pub(super) fn get<T: FromDb>(&self, i: usize) -> Result<T> {
        let value = self.value(i)?;
        T::from_db(value).map_err(|why| StoreError::Column { index: i, why })
    }

    /// Column `i`, text, borrowed from the row.
    pub(super) fn str(&self, i: usize) -> Result<&str> {
        match self.value(i)? {
            ValueRef::Text(t) => Ok(t),
            other => Err(StoreError::Column {
                index: i,
                why: format!("expected text, found {}", other.kind()),
            }),
        }
    }

    /// Column `i`, a blob, borrowed from the row.
    pub(super) fn blob(&self, i: usize) -> Result<&[u8]> {
        match self.value(i)? {
            ValueRef::Blob(b) => Ok(b),
            other => Err(StoreError::Column {
                index: i,
                why: format!("expected a blob, found {}", other.kind()),
            }),
        }
    }

    /// Column `i`, a blob or NULL, borrowed from the row.
    pub(super) fn blob_opt(&self, i: usize) -> Result<Option<&[u8]>> {
        match self.value(i)? {
            ValueRef::Null => Ok(None),
            _ => self.blob(i).map(Some),
        }
    }

    /// Column `i`, text or NULL, borrowed from the row.
    pub(super) fn str_opt(&self, i: usize) -> Result<Option<&str>> {
        match self.value(i)? {
            ValueRef::Null => Ok(None),
            _ => self.str(i).map(Some),
        }
    }

    /// Column `i` as it is stored.
    pub(super) fn value(&self, i: usize) -> Result<ValueRef<'_>> {
        match &self.0 {
            Current::Sqlite(r) => Ok(match r.get_ref(i)? {
                rusqlite::types::ValueRef::Null => ValueRef::Null,
                rusqlite::types::ValueRef::Integer(n) => ValueRef::Int(n),
                rusqlite::types::ValueRef::Real(x) => ValueRef::Real(x),
                rusqlite::types::ValueRef::Text(t) => {
                    ValueRef::Text(std::str::from_utf8(t).map_err(|e| StoreError::Column {
                        index: i,
                        why: e.to_string(),
                    })?)
                }
                rusqlite::types::ValueRef::Blob(b) => ValueRef::Blob(b),
            }),
            Current::Pg(r) => Ok(r.try_get::<_, PgCell<'_>>(i)?.0),
        }
    }
}

/// A value as one backend stores it, borrowed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum ValueRef<'a> {
    Null,
    Int(i64),
    Real(f64),
    /// PostgreSQL's booleans; SQLite stores them as 0 and 1.
    Bool(bool),
    Text(&'a str),
    Blob(&'a [u8]),
}

impl ValueRef<'_> {
    fn kind(&self) -> &'static str {
        match self {
            ValueRef::Null => "NULL",
            ValueRef::Int(_) => "an integer",
            ValueRef::Real(_) => "a real",
            ValueRef::Bool(_) => "a boolean",
            ValueRef::Text(_) => "text",
            ValueRef::Blob(_) => "a blob",
        }
    }
}

/// An owned value, for arguments built at run time.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl Value {
    /// The value, borrowed.
    pub(super) fn as_ref(&self) -> ValueRef<'_> {
        match self {
            Value::Null => ValueRef::Null,
            Value::Int(n) => ValueRef::Int(*n),
            Value::Real(x) => ValueRef::Real(*x),
            Value::Text(t) => ValueRef::Text(t),
            Value::Blob(b) => ValueRef::Blob(b),
        }
    }
}

/// What can be bound to a statement's placeholder.
pub(super) trait ToDb {
    /// The value bound.
    fn to_db(&self) -> ValueRef<'_>;
}

/// The arguments of a statement, as `&[&dyn ToDb]`.
macro_rules! params {
    ($($arg:expr),* $(,)?) => {
        &[$(&$arg as &dyn $crate::store::db::ToDb),*] as &[&dyn $crate::store::db::ToDb]
    };
}
pub(super) use params;

/// `values` as a statement's arguments.
pub(super) fn args(values: &[Value]) -> Vec<&dyn ToDb> {
    values.iter().map(|v| v as &dyn ToDb).collect()
}

impl ToDb for ValueRef<'_> {
    fn to_db(&self) -> ValueRef<'_> {
        *self
    }
}

impl ToDb for Value {
    fn to_db(&self) -> ValueRef<'_> {
        self.as_ref()
    }
}

impl ToDb for i64 {
    fn to_db(&self) -> ValueRef<'_> {
        ValueRef::Int(*self)
    }
}

macro_rules! to_db_int {
    ($($t:ty),*) => {$(
        impl ToDb for $t {
            fn to_db(&self) -> ValueRef<'_> {
                // Counts and indexes far below i64::MAX.
                ValueRef::Int(i64::try_from(*self).unwrap_or(i64::MAX))
            }
        }
    )*};
}
to_db_int!(u8, i32, u32, u64, usize);

impl ToDb for f64 {
    fn to_db(&self) -> ValueRef<'_> {
        ValueRef::Real(*self)
    }
}

impl ToDb for bool {
    fn to_db(&self) -> ValueRef<'_> {
        ValueRef::Bool(*self)
    }
}

impl ToDb for str {
    fn to_db(&self) -> ValueRef<'_> {
        ValueRef::Text(self)
    }
}

impl ToDb for String {
    fn to_db(&self) -> ValueRef<'_> {
        ValueRef::Text(self)
    }
}

impl ToDb for [u8] {
    fn to_db(&self) -> ValueRef<'_> {
        ValueRef::Blob(self)
    }
}

impl ToDb for Vec<u8> {
    fn to_db(&self) -> ValueRef<'_> {
        ValueRef::Blob(self)
    }
}

impl<const N: usize> ToDb for [u8; N] {
    fn to_db(&self) -> ValueRef<'_> {
        ValueRef::Blob(self)
    }
}

impl<T: ToDb + ?Sized> ToDb for &T {
    fn to_db(&self) -> ValueRef<'_> {
        (**self).to_db()
    }
}

impl<T: ToDb> ToDb for Option<T> {
    fn to_db(&self) -> ValueRef<'_> {
        self.as_ref().map_or(ValueRef::Null, ToDb::to_db)
    }
}

/// What a column can be read as.
pub(super) trait FromDb: Sized {
    /// The value read, or why it cannot be.
    fn from_db(value: ValueRef<'_>) -> std::result::Result<Self, String>;
}

fn wrong<T>(expected: &str, found: ValueRef<'_>) -> std::result::Result<T, String> {
    Err(format!("expected {expected}, found {}", found.kind()))
}

impl FromDb for i64 {
    fn from_db(value: ValueRef<'_>) -> std::result::Result<Self, String> {
        match value {
            ValueRef::Int(n) => Ok(n),
            ValueRef::Bool(b) => Ok(i64::from(b)),
            other => wrong("an integer", other),
        }
    }
}

macro_rules! from_db_int {
    ($($t:ty),*) => {$(
        impl FromDb for $t {
            fn from_db(value: ValueRef<'_>) -> std::result::Result<Self, String> {
                let n = i64::from_db(value)?;
                <$t>::try_from(n).map_err(|_| format!("{n} is out of range"))
            }
        }
    )*};
}
from_db_int!(u8, i32, u32, u64, usize);

impl FromDb for f64 {
    fn from_db(value: ValueRef<'_>) -> std::result::Result<Self, String> {
        match value {
            ValueRef::Real(x) => Ok(x),
            #[allow(clippy::cast_precision_loss)]
            ValueRef::Int(n) => Ok(n as f64),
            other => wrong("a number", other),
        }
    }
}

impl FromDb for bool {
    fn from_db(value: ValueRef<'_>) -> std::result::Result<Self, String> {
        match value {
            ValueRef::Bool(b) => Ok(b),
            ValueRef::Int(n) => Ok(n != 0),
            other => wrong("a boolean", other),
        }
    }
}

impl FromDb for String {
    fn from_db(value: ValueRef<'_>) -> std::result::Result<Self, String> {
        match value {
            ValueRef::Text(t) => Ok(t.to_string()),
            other => wrong("text", other),
        }
    }
}

impl FromDb for Vec<u8> {
    fn from_db(value: ValueRef<'_>) -> std::result::Result<Self, String> {
        match value {
            ValueRef::Blob(b) => Ok(b.to_vec()),
            other => wrong("a blob", other),
        }
    }
}

impl FromDb for Value {
    fn from_db(value: ValueRef<'_>) -> std::result::Result<Self, String> {
        Ok(match value {
            ValueRef::Null => Value::Null,
            ValueRef::Int(n) => Value::Int(n),
            ValueRef::Bool(b) => Value::Int(i64::from(b)),
            ValueRef::Real(x) => Value::Real(x),
            ValueRef::Text(t) => Value::Text(t.to_string()),
            ValueRef::Blob(b) => Value::Blob(b.to_vec()),
        })
    }
}

impl<T: FromDb> FromDb for Option<T> {
    fn from_db(value: ValueRef<'_>) -> std::result::Result<Self, String> {
        match value {
            ValueRef::Null => Ok(None),
            v => T::from_db(v).map(Some),
        }
    }
}

/// A query's "no row" as `None`, as rusqlite's `OptionalExtension`.
pub(super) trait Optional<T> {
    fn optional(self) -> Result<Option<T>>;
}

impl<T> Optional<T> for Result<T> {
    fn optional(self) -> Result<Option<T>> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(StoreError::NoRow) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// A value bound on SQLite.
struct SqliteArg<'a>(ValueRef<'a>);

impl rusqlite::ToSql for SqliteArg<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::ValueRef as V;
        Ok(rusqlite::types::ToSqlOutput::Borrowed(match self.0 {
            ValueRef::Null => V::Null,
            ValueRef::Int(n) => V::Integer(n),
            ValueRef::Bool(b) => V::Integer(i64::from(b)),
            ValueRef::Real(x) => V::Real(x),
            ValueRef::Text(t) => V::Text(t.as_bytes()),
            ValueRef::Blob(b) => V::Blob(b),
        }))
    }
}

fn sqlite_args<'a>(
    args: &'a [&'a dyn ToDb],
) -> rusqlite::ParamsFromIter<impl Iterator<Item = SqliteArg<'a>>> {
    rusqlite::params_from_iter(args.iter().map(|a| SqliteArg(a.to_db())))
}

/// A value bound on PostgreSQL, converted to the type the server inferred for its placeholder.
#[derive(Debug)]
struct PgArg<'a>(ValueRef<'a>);

type BoxError = Box<dyn StdError + Sync + Send>;

impl ToSql for PgArg<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> std::result::Result<IsNull, BoxError> {
        let mismatch = || -> BoxError {
            format!("cannot bind {} to a parameter of type {ty}", self.0.kind()).into()
        };
        match (self.0, ty) {
            (ValueRef::Null, _) => Ok(IsNull::Yes),
            (ValueRef::Int(n), &Type::INT8) => n.to_sql(ty, out),
            (ValueRef::Int(n), &Type::INT4) => i32::try_from(n)?.to_sql(ty, out),
            (ValueRef::Int(n), &Type::INT2) => i16::try_from(n)?.to_sql(ty, out),
            #[allow(clippy::cast_precision_loss)]
            (ValueRef::Int(n), &Type::FLOAT8) => (n as f64).to_sql(ty, out),
            (ValueRef::Int(n), &Type::BOOL) => (n != 0).to_sql(ty, out),
            (ValueRef::Bool(b), &Type::BOOL) => b.to_sql(ty, out),
            (ValueRef::Bool(b), &Type::INT8) => i64::from(b).to_sql(ty, out),
            (ValueRef::Bool(b), &Type::INT4) => i32::from(b).to_sql(ty, out),
            (ValueRef::Real(x), &Type::FLOAT8) => x.to_sql(ty, out),
            (ValueRef::Text(t), &Type::TEXT | &Type::VARCHAR | &Type::BPCHAR | &Type::NAME) => {
                t.to_sql(ty, out)
            }
            (ValueRef::Text(t), &Type::UNKNOWN) => t.to_sql(&Type::TEXT, out),
            (ValueRef::Blob(b), &Type::BYTEA) => b.to_sql(ty, out),
            _ => Err(mismatch()),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// `args` as the postgres client takes them, handed to `f`.
fn with_pg_args<R>(args: &[&dyn ToDb], f: impl FnOnce(&[&(dyn ToSql + Sync)]) -> R) -> R {
    let values: Vec<ValueRef<'_>> = args.iter().map(|a| a.to_db()).collect();
    with_pg_args_of(&values, f)
}

/// `values` as the postgres client takes them, handed to `f`.
fn with_pg_args_of<R>(values: &[ValueRef<'_>], f: impl FnOnce(&[&(dyn ToSql + Sync)]) -> R) -> R {
    let owned: Vec<PgArg<'_>> = values.iter().map(|v| PgArg(*v)).collect();
    let refs: Vec<&(dyn ToSql + Sync)> = owned.iter().map(|a| a as &(dyn ToSql + Sync)).collect();
    f(&refs)
}

/// A column read on PostgreSQL, whatever its type.
struct PgCell<'a>(ValueRef<'a>);

impl<'a> FromSql<'a> for PgCell<'a> {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> std::result::Result<Self, BoxError> {
        Ok(PgCell(match *ty {
            Type::INT8 => ValueRef::Int(i64::from_sql(ty, raw)?),
            Type::INT4 => ValueRef::Int(i32::from_sql(ty, raw)?.into()),
            Type::INT2 => ValueRef::Int(i16::from_sql(ty, raw)?.into()),
            Type::FLOAT8 => ValueRef::Real(f64::from_sql(ty, raw)?),
            Type::FLOAT4 => ValueRef::Real(f32::from_sql(ty, raw)?.into()),
            Type::BOOL => ValueRef::Bool(bool::from_sql(ty, raw)?),
            Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => {
                ValueRef::Text(<&str>::from_sql(ty, raw)?)
            }
            Type::BYTEA => ValueRef::Blob(<&[u8]>::from_sql(ty, raw)?),
            _ => return Err(format!("a column of type {ty} (cast it in the query)").into()),
        }))
    }

    fn from_sql_null(_: &Type) -> std::result::Result<Self, BoxError> {
        Ok(PgCell(ValueRef::Null))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

/// SQLite's statement text as PostgreSQL reads it: `?N` placeholders as `$N` (a bare `?`
/// numbered after the last), SQLite's planner hints (`INDEXED BY name`, `CROSS JOIN` — which
/// SQLite reads as an inner join in the order written) as a plain join; string literals and
/// quoted names left as they are.
pub(super) fn dialect(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut chars = sql.char_indices().peekable();
    let mut last = 0_u32;
    while let Some((at, c)) = chars.next() {
        match c {
            '\'' | '"' => {
                out.push(c);
                for (_, d) in chars.by_ref() {
                    out.push(d);
                    if d == c {
                        break;
                    }
                }
            }
            '?' => {
                let mut digits = String::new();
                while let Some(&(_, d)) = chars.peek().filter(|(_, d)| d.is_ascii_digit()) {
                    digits.push(d);
                    chars.next();
                }
                let n = digits.parse().unwrap_or(last + 1);
                last = last.max(n);
                out.push('$');
                out.push_str(&n.to_string());
            }
            c if c.is_ascii_alphabetic() && !ends_word(&out) => {
                let rest = &sql[at..];
                if let Some(skip) = keyword_at(rest, "NOT INDEXED ") {
                    for _ in 1..skip {
                        chars.next();
                    }
                    while out.ends_with(' ') {
                        out.pop();
                    }
                    out.push(' ');
                } else if let Some(skip) = keyword_at(rest, "INDEXED BY ") {
                    let name_len = rest[skip..]
                        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                        .unwrap_or(rest.len() - skip);
                    for _ in 1..skip + name_len {
                        chars.next();
                    }
                    while out.ends_with(' ') {
                        out.pop();
                    }
                } else if let Some(skip) = keyword_at(rest, "CROSS JOIN ") {
                    out.push_str("JOIN ");
                    for _ in 1..skip {
                        chars.next();
                    }
                } else {
                    out.push(c);
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// Whether `out` ends inside a word (so the next letter continues it).
fn ends_word(out: &str) -> bool {
    out.ends_with(|c: char| c.is_alphanumeric() || c == '_')
}

/// The length of `keyword` (case-insensitive, words separated by any white space) at the start
/// of `text`, when it is there.
fn keyword_at(text: &str, keyword: &str) -> Option<usize> {
    let mut at = 0;
    let bytes = text.as_bytes();
    for word in keyword.split_whitespace() {
        let end = at + word.len();
        if !text.get(at..end)?.eq_ignore_ascii_case(word) {
            return None;
        }
        at = end;
        let spaces = bytes[at..]
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
        if spaces == 0 {
            return None;
        }
        at += spaces;
    }
    Some(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_numbered_dollars() {
        assert_eq!(
            dialect("SELECT a FROM t WHERE b = ?2 AND c = ?1 AND d = ?12"),
            "SELECT a FROM t WHERE b = $2 AND c = $1 AND d = $12"
        );
        assert_eq!(dialect("VALUES (?, ?, ?)"), "VALUES ($1, $2, $3)");
        assert_eq!(
            dialect("SELECT '?1', \"a?\" FROM t WHERE x = ?1"),
            "SELECT '?1', \"a?\" FROM t WHERE x = $1",
            "literals and quoted names are left alone"
        );
    }

    #[test]
    fn sqlite_planner_hints_become_plain_joins() {
        assert_eq!(
            dialect("SELECT 1 FROM items INDEXED BY items_queue WHERE a = ?1"),
            "SELECT 1 FROM items WHERE a = $1"
        );
        assert_eq!(
            dialect("SELECT 1 FROM items NOT INDEXED WHERE a = ?1"),
            "SELECT 1 FROM items WHERE a = $1"
        );
        assert_eq!(
            dialect("FROM claims c CROSS JOIN items i ON i.id = c.item_id"),
            "FROM claims c JOIN items i ON i.id = c.item_id"
        );
        assert_eq!(
            dialect("FROM a cross\n     join b ON x"),
            "FROM a JOIN b ON x",
            "any case and spacing"
        );
        assert_eq!(
            dialect("SELECT across_joined, unindexed FROM t"),
            "SELECT across_joined, unindexed FROM t",
            "only whole words"
        );
    }

    #[test]
    fn a_missing_row_is_none_and_other_errors_stay() {
        assert_eq!(Err::<i64, _>(StoreError::NoRow).optional().unwrap(), None);
        assert_eq!(Ok::<_, StoreError>(3).optional().unwrap(), Some(3));
        assert!(Err::<i64, _>(StoreError::Busy).optional().is_err());
    }

    #[test]
    fn values_read_back_across_backend_types() {
        assert_eq!(i64::from_db(ValueRef::Bool(true)), Ok(1));
        assert!(bool::from_db(ValueRef::Int(0)) == Ok(false));
        assert_eq!(f64::from_db(ValueRef::Int(2)), Ok(2.0));
        assert_eq!(Option::<String>::from_db(ValueRef::Null), Ok(None));
        assert!(
            String::from_db(ValueRef::Int(1))
                .unwrap_err()
                .contains("expected text, found an integer")
        );
        assert!(u32::from_db(ValueRef::Int(-1)).is_err());
    }
}
