//! The append-only event log: who did what, when.

use super::batches::Batch;
use super::chain::Chain;
use super::db::{Db, Tx, params};
use super::stored;
use super::{ItemAt, Result, Store, StoreError};
use crate::domain::chain;

/// One logged event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Store id (log order).
    pub id: i64,
    /// When, RFC 3339 UTC.
    pub at: String,
    /// Who, as named.
    pub actor: String,
    /// The OS account that ran the command, when recorded.
    pub account: Option<String>,
    /// What: import, decide, undo, finalize, reopen, export.
    pub action: String,
    /// The batch it concerns.
    pub batch: Option<String>,
    /// The item it concerns.
    pub item_id: Option<String>,
    /// Action-specific details.
    pub details: serde_json::Value,
}

/// Which events to list.
#[derive(Debug, Clone, Copy, Default)]
pub struct EventFilter<'a> {
    /// Only this batch's.
    pub batch: Option<&'a Batch>,
    /// Only this item's (of `batch`).
    pub item: Option<&'a str>,
    /// Only this actor's.
    pub actor: Option<&'a str>,
    /// Only those at or after this time, RFC 3339 UTC as stored (`2026-11-23T09:00:00Z`).
    pub since: Option<&'a str>,
}

/// An event to append.
#[derive(Debug, Clone, Copy)]
pub(super) struct NewEvent<'a> {
    /// The batch it concerns.
    pub batch_id: Option<i64>,
    /// The item it concerns.
    pub item: Option<ItemAt<'a>>,
    /// Who acted, as named (`--as`, else the OS user).
    pub actor: &'a str,
    /// The OS account of the process that wrote it, when known: an actor named with `--as`
    /// is never taken for the account that ran the command.
    pub account: Option<&'a str>,
    /// When, RFC 3339 UTC.
    pub at: &'a str,
    /// What.
    pub action: &'a str,
    /// Action-specific details.
    pub details: &'a serde_json::Value,
}

/// Appends an event inside the caller's transaction.
pub(super) fn append(conn: &Db, e: &NewEvent<'_>) -> Result<()> {
    let NewEvent {
        batch_id,
        item,
        actor,
        account,
        at,
        action,
        details,
    } = *e;
    let details = details.to_string();
    let digest = chain::event(item.map(|i| i.key), actor, account, at, action, &details);
    let link = chain::link(&Chain::Events.last(conn, batch_id)?, &digest);
    conn.prepare_cached(
        "INSERT INTO events (batch_id, item_id, actor, account, at, action, details, chain)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        batch_id,
        item.map(|i| i.id),
        actor,
        account,
        at,
        action,
        details,
        &link[..]
    ])?;
    Ok(())
}

impl Store {
    /// The event log, oldest first, narrowed by `filter` (an item that is not in the batch is an
    /// error, not an empty log).
    pub fn events(&self, filter: &EventFilter<'_>) -> Result<Vec<Event>> {
        let item = match (filter.batch, filter.item) {
            (Some(b), Some(key)) => Some(self.item_at(b, key)?.id),
            (None, Some(_)) => {
                return Err(StoreError::ItemWithoutBatch);
            }
            (_, None) => None,
        };
        let mut stmt = self.conn.prepare(
            "SELECT e.id, e.at, e.actor, e.action, b.name, i.item_key, e.details, e.account
             FROM events e LEFT JOIN batches b ON b.id = e.batch_id LEFT JOIN items i ON i.id = e.item_id
             WHERE (CAST(?1 AS BIGINT) IS NULL OR e.batch_id = ?1)
               AND (CAST(?2 AS BIGINT) IS NULL OR e.item_id = ?2)
               AND (CAST(?3 AS TEXT) IS NULL OR e.actor = ?3)
               AND (CAST(?4 AS TEXT) IS NULL OR e.at >= ?4)
             ORDER BY e.id",
        )?;
        let args = params![filter.batch.map(|b| b.id), item, filter.actor, filter.since];
        let rows = stmt.query_map(args, |r| {
            let id: i64 = r.get(0)?;
            let details = r.str(6)?;
            Ok(Event {
                id,
                at: r.get(1)?,
                actor: r.get(2)?,
                action: r.get(3)?,
                batch: r.get(4)?,
                item_id: r.get(5)?,
                details: stored::json(|| format!("event {id}"), "details", details)?,
                account: r.get(7)?,
            })
        })?;
        Ok(rows)
    }

    /// Writes an event in a transaction of its own, left open: it is committed by
    /// [`PendingEvent::commit`] once what it records is done (an export's file in place), and
    /// rolled back if dropped, so the log and the deed go together.
    pub fn begin_event(
        &self,
        batch_id: Option<i64>,
        actor: &str,
        at: &str,
        action: &str,
        details: &serde_json::Value,
    ) -> Result<PendingEvent<'_>> {
        let tx = self.conn.write_tx()?;
        append(
            &tx,
            &NewEvent {
                batch_id,
                item: None,
                actor,
                account: self.account.as_deref(),
                at,
                action,
                details,
            },
        )?;
        Ok(PendingEvent(tx))
    }
}

/// An event written but not yet committed (see [`Store::begin_event`]).
pub struct PendingEvent<'a>(Tx<'a>);

impl PendingEvent<'_> {
    /// Commits the event.
    pub fn commit(self) -> Result<()> {
        self.0.commit()?;
        Ok(())
    }
}
