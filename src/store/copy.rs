//! A whole database into an empty one, either backend to either (`dissent copy`): every row of
//! every table, its id and its hash as they are, in one transaction on the target.

use std::ops::ControlFlow;

use super::db::{BulkInsert, Db, Value, ValueRef};
use super::writer::BulkSettings;
use super::{Location, Result, Store, StoreError, pg};

/// Rows written per bulk insert.
const ROWS_PER_WRITE: usize = 10_000;

/// The tables whose ids are an identity on PostgreSQL: it continues past the largest copied.
const IDENTITIES: [&str; 7] = [
    "rubrics",
    "batches",
    "decisions",
    "events",
    "models",
    "rounds",
    "batch_rubrics",
];

impl Store {
    /// Copies this database into the empty database at `to` (an SQLite file is created; a
    /// PostgreSQL database has its schema brought up to date first); returns the rows copied
    /// per table. The rows were checked when they were written, so the copy writes them with
    /// the target's triggers off: on PostgreSQL only the tables' owner may, and a failed copy
    /// leaves them as it found them.
    pub fn copy_to(&self, to: &Location) -> Result<Vec<(&'static str, u64)>> {
        let refused = |why: &str| StoreError::CopyTarget {
            to: to.to_string(),
            why: why.to_string(),
        };
        if let Location::Sqlite(path) = to
            && std::fs::metadata(path).is_ok_and(|m| m.len() > 0)
        {
            return Err(refused("the file exists; copy into a new file"));
        }
        let target = Store::open_at(to, true)?;
        let db = &target.conn;
        let bulk = BulkSettings::new(db)?;
        let tx = super::writer::bulk_tx(db)?;
        let empty: bool = tx.query_row(
            "SELECT NOT EXISTS (SELECT 1 FROM rubrics) AND NOT EXISTS (SELECT 1 FROM staff)",
            &[],
            |r| r.get(0),
        )?;
        if !empty {
            return Err(refused(
                "it already holds a dissent database; copy into an empty one",
            ));
        }
        let triggers = |how: &str| -> Result<()> {
            if tx.is_pg() {
                for table in pg::COPIED {
                    tx.execute_batch(&format!("ALTER TABLE {table} {how} TRIGGER USER"))
                        .map_err(|e| match e {
                            StoreError::Denied(_) => {
                                refused("copy as the login that owns its tables (docs/postgres.md)")
                            }
                            e => e,
                        })?;
                }
            }
            Ok(())
        };
        triggers("DISABLE")?;
        // one snapshot of the source
        let source = self.conn.snapshot()?;
        let mut copied = Vec::with_capacity(pg::COPIED.len());
        for table in pg::COPIED {
            copied.push((table, copy_table(&source, &tx, table)?));
        }
        drop(source);
        triggers("ENABLE")?;
        if tx.is_pg() {
            for table in IDENTITIES {
                tx.execute_batch(&format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'),
                                   coalesce(max(id), 0) + 1, false) FROM {table}"
                ))?;
            }
        }
        tx.commit()?;
        drop(bulk);
        Ok(copied)
    }
}

/// Copies every row of `table` in key order, each value as it is stored.
fn copy_table(source: &Db, target: &Db, table: &'static str) -> Result<u64> {
    let mut select = source.prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2"))?;
    let columns = select.column_names();
    let insert = BulkInsert::new(table, &columns, 100);
    let mut rows: Vec<Value> = Vec::with_capacity(columns.len() * ROWS_PER_WRITE);
    let mut n = 0_u64;
    let write = |rows: &mut Vec<Value>| -> Result<()> {
        let values: Vec<ValueRef<'_>> = rows.iter().map(Value::as_ref).collect();
        target.insert_rows(&insert, &values)?;
        rows.clear();
        Ok(())
    };
    select.for_each(&[], |r| {
        for i in 0..columns.len() {
            rows.push(r.get(i)?);
        }
        n += 1;
        if rows.len() == columns.len() * ROWS_PER_WRITE {
            write(&mut rows)?;
        }
        Ok(ControlFlow::Continue(()))
    })?;
    write(&mut rows)?;
    Ok(n)
}
