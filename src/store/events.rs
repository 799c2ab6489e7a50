//! The append-only event log: who did what, when.

use rusqlite::{Connection, params};

use super::batches::Batch;
use super::{Result, Store, StoreError};

/// One logged event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Store id (log order).
    pub id: i64,
    /// When, RFC 3339 UTC.
    pub at: String,
    /// Who.
    pub actor: String,
    /// What: import, decide, undo, finalize, reopen, export.
    pub action: String,
    /// The batch it concerns.
    pub batch: Option<String>,
    /// The item it concerns.
    pub item_id: Option<String>,
    /// Action-specific details.
    pub details: serde_json::Value,
}

/// Appends an event inside the caller's transaction.
pub(super) fn append(
    conn: &Connection,
    batch_id: Option<i64>,
    item_id: Option<i64>,
    actor: &str,
    at: &str,
    action: &str,
    details: &serde_json::Value,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO events (batch_id, item_id, actor, at, action, details) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![batch_id, item_id, actor, at, action, details.to_string()])?;
    Ok(())
}

impl Store {
    /// The event log, oldest first: of one batch when given, of one item of it when given
    /// (an item that is not in the batch is an error, not an empty log).
    pub fn events(&self, batch: Option<&Batch>, item_key: Option<&str>) -> Result<Vec<Event>> {
        let item = match (batch, item_key) {
            (Some(b), Some(key)) => Some(self.item_row(b, key)?.0),
            (None, Some(_)) => {
                return Err(StoreError::ItemWithoutBatch);
            }
            (_, None) => None,
        };
        let mut stmt = self.conn.prepare(
            "SELECT e.id, e.at, e.actor, e.action, b.name, i.item_key, e.details
             FROM events e LEFT JOIN batches b ON b.id = e.batch_id LEFT JOIN items i ON i.id = e.item_id
             WHERE (?1 IS NULL OR e.batch_id = ?1) AND (?2 IS NULL OR e.item_id = ?2) ORDER BY e.id",
        )?;
        let rows = stmt.query_map(params![batch.map(|b| b.id), item], |r| {
            let details: String = r.get(6)?;
            Ok(Event {
                id: r.get(0)?,
                at: r.get(1)?,
                actor: r.get(2)?,
                action: r.get(3)?,
                batch: r.get(4)?,
                item_id: r.get(5)?,
                details: serde_json::from_str(&details).unwrap_or(serde_json::Value::Null),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Logs an event outside any other write (e.g. an export).
    pub fn log_event(
        &self,
        batch_id: Option<i64>,
        actor: &str,
        at: &str,
        action: &str,
        details: &serde_json::Value,
    ) -> Result<()> {
        append(&self.conn, batch_id, None, actor, at, action, details)
    }
}
