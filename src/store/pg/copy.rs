//! A whole SQLite database into an empty PostgreSQL one (`dissent copy`): every row of every
//! table, its id and its hash as they are, in one transaction on the target.

use postgres::Transaction;
use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::{ToSql, Type};
use rusqlite::types::ValueRef;

use super::super::{PgUrl, Result, Store, StoreError};

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
    /// Copies this (SQLite) database into the empty PostgreSQL database at `to`, bringing its
    /// schema up to date first; returns the rows copied per table. The rows were checked when
    /// they were written, so the copy writes them with the target's triggers off — which only
    /// the tables' owner may do, and which a failed copy leaves as it found them.
    pub fn copy_to_postgres(&self, to: &PgUrl) -> Result<Vec<(&'static str, u64)>> {
        let refused = |why: &str| StoreError::CopyTarget {
            to: to.to_string(),
            why: why.to_string(),
        };
        let mut client = super::open(to)?;
        let mut tx = client.transaction()?;
        tx.execute(
            "SELECT pg_advisory_xact_lock($1, $2)",
            &[&super::WRITE_LOCK.0, &super::WRITE_LOCK.1],
        )?;
        let empty: bool = tx
            .query_one(
                "SELECT NOT EXISTS (SELECT 1 FROM rubrics) AND NOT EXISTS (SELECT 1 FROM staff)",
                &[],
            )?
            .get(0);
        if !empty {
            return Err(refused(
                "it already holds a dissent database; copy into an empty one",
            ));
        }
        let toggle = |tx: &mut Transaction<'_>, how: &str| -> Result<()> {
            for table in super::COPIED {
                tx.batch_execute(&format!("ALTER TABLE {table} {how} TRIGGER USER"))
                    .map_err(|e| match e.code() {
                        Some(&postgres::error::SqlState::INSUFFICIENT_PRIVILEGE) => {
                            refused("copy as the login that owns its tables (docs/postgres.md)")
                        }
                        _ => StoreError::from(e),
                    })?;
            }
            Ok(())
        };
        toggle(&mut tx, "DISABLE")?;
        // one snapshot of the source
        let source = self.conn.snapshot()?;
        let Some(from) = source.sqlite() else {
            return Err(refused("copy from an SQLite file"));
        };
        let mut copied = Vec::with_capacity(super::COPIED.len());
        for table in super::COPIED {
            copied.push((table, copy_table(from, &mut tx, table)?));
        }
        drop(source);
        toggle(&mut tx, "ENABLE")?;
        for table in IDENTITIES {
            tx.execute(
                &format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'),
                                   coalesce(max(id), 0) + 1, false) FROM {table}"
                ),
                &[],
            )?;
        }
        tx.commit()?;
        Ok(copied)
    }
}

/// Copies every row of `table` in key order through a binary `COPY`, each value as its column's
/// type on the target.
fn copy_table(source: &rusqlite::Connection, tx: &mut Transaction<'_>, table: &str) -> Result<u64> {
    let mut select = source.prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2"))?;
    let columns: Vec<String> = select
        .column_names()
        .iter()
        .map(|c| (*c).to_string())
        .collect();
    let list = columns.join(", ");
    let types: Vec<Type> = tx
        .prepare(&format!("SELECT {list} FROM {table} LIMIT 0"))?
        .columns()
        .iter()
        .map(|c| c.type_().clone())
        .collect();
    let sink = tx.copy_in(&format!("COPY {table} ({list}) FROM STDIN (FORMAT binary)"))?;
    let mut writer = BinaryCopyInWriter::new(sink, &types);
    let mut rows = select.query([])?;
    while let Some(row) = rows.next()? {
        let values = (0..columns.len())
            .map(|i| {
                let value = row.get_ref(i)?;
                as_type(value, &types[i]).ok_or_else(|| {
                    StoreError::Foreign(format!(
                        "{table}.{}: a {:?} value where PostgreSQL keeps {}",
                        columns[i],
                        value.data_type(),
                        types[i]
                    ))
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let refs: Vec<&(dyn ToSql + Sync)> = values.iter().map(AsRef::as_ref).collect();
        writer.write(&refs)?;
    }
    Ok(writer.finish()?)
}

/// `value` as a value of PostgreSQL type `ty` (BIGINT, DOUBLE PRECISION, TEXT or BYTEA: the
/// only types of the schema), or `None` where it is not one.
fn as_type(value: ValueRef<'_>, ty: &Type) -> Option<Box<dyn ToSql + Sync>> {
    let boxed: Box<dyn ToSql + Sync> = match (value, ty) {
        (ValueRef::Integer(n), t) if *t == Type::INT8 => Box::new(n),
        (ValueRef::Real(x), t) if *t == Type::FLOAT8 => Box::new(x),
        #[allow(clippy::cast_precision_loss)]
        (ValueRef::Integer(n), t) if *t == Type::FLOAT8 => Box::new(n as f64),
        (ValueRef::Text(s), t) if *t == Type::TEXT => {
            Box::new(std::str::from_utf8(s).ok()?.to_string())
        }
        (ValueRef::Blob(b), t) if *t == Type::BYTEA => Box::new(b.to_vec()),
        (ValueRef::Null, t) if *t == Type::INT8 => Box::new(None::<i64>),
        (ValueRef::Null, t) if *t == Type::FLOAT8 => Box::new(None::<f64>),
        (ValueRef::Null, t) if *t == Type::TEXT => Box::new(None::<String>),
        (ValueRef::Null, t) if *t == Type::BYTEA => Box::new(None::<Vec<u8>>),
        _ => return None,
    };
    Some(boxed)
}
