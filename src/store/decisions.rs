//! Decisions: append-only writes, undo as a revert, and the history of an item.

use rusqlite::{Connection, OptionalExtension, params};

use super::batches::{Batch, BatchStatus};
use super::chain::Chain;
use super::stored;
use super::{ItemAt, Result, Store, StoreError};
use crate::domain::chain::{self, DecisionFields};
use crate::domain::decision::{Decision, DecisionKind, NewDecision, Vote, current_decision};

/// Inserts a decision row inside the caller's transaction; returns its id.
pub(super) fn insert(
    conn: &Connection,
    item: ItemAt<'_>,
    d: &NewDecision,
    actor: &str,
    at: &str,
    reverts: Option<i64>,
) -> Result<i64> {
    let erring = serde_json::to_string(&d.erring).unwrap_or_else(|_| "[]".into());
    let digest = chain::decision(&DecisionFields {
        item_key: item.key,
        kind: d.kind.as_str(),
        label: d.label.as_deref(),
        reason_code: d.reason_code.as_deref(),
        erring: &erring,
        text: &d.text,
        actor,
        at,
        reverts,
        round: item.round,
    });
    let link = chain::link(&Chain::Decisions.last(conn, Some(item.batch_id))?, &digest);
    conn.prepare_cached(
        "INSERT INTO decisions (item_id, kind, label, reason_code, erring, text, actor, at, reverts, chain, round)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![item.id, d.kind.as_str(), d.label, d.reason_code, erring, d.text, actor, at, reverts, &link[..], item.round])?;
    Ok(conn.last_insert_rowid())
}

/// The decisions of an item in the order recorded.
pub(super) fn history(conn: &Connection, item_id: i64) -> Result<Vec<Decision>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, kind, label, reason_code, erring, text, actor, at, reverts, round
         FROM decisions WHERE item_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map(params![item_id], decision_from_row)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Reads a decision from a row of (id, kind, label, reason_code, erring, text, actor, at, reverts,
/// round).
pub(super) fn decision_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Decision> {
    let id: i64 = r.get(0)?;
    let row = || format!("decision {id}");
    Ok(Decision {
        id,
        kind: stored::decision_kind(row, r.get_ref(1)?.as_str()?)?,
        label: r.get(2)?,
        reason_code: r.get(3)?,
        erring: stored::names(row, r.get_ref(4)?.as_str()?)?,
        text: r.get(5)?,
        actor: r.get(6)?,
        at: stored::time(row, r.get_ref(7)?.as_str()?)?,
        reverts: r.get(8)?,
        round: r.get(9)?,
    })
}

impl Store {
    /// The rowid, panel kind and latest round of an item.
    pub(super) fn item_row(&self, batch: &Batch, item_key: &str) -> Result<(i64, String, i64)> {
        self.conn
            .query_row(
                "SELECT id, panel_kind, round FROM items WHERE batch_id = ?1 AND item_key = ?2",
                params![batch.id, item_key],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?
            .ok_or_else(|| StoreError::NoItem {
                item: item_key.into(),
                batch: batch.name.clone(),
            })
    }

    fn ensure_open(batch: &Batch) -> Result<()> {
        if batch.status == BatchStatus::Finalized {
            return Err(StoreError::Finalized(batch.name.clone()));
        }
        Ok(())
    }

    /// Validates and records a decision on an item, with its event, in one transaction.
    /// Returns the new decision's id.
    pub fn decide(
        &mut self,
        batch: &Batch,
        item_key: &str,
        d: &NewDecision,
        actor: &str,
        at: &str,
    ) -> Result<i64> {
        Self::ensure_open(batch)?;
        let (item_id, panel_kind, round) = self.item_row(batch, item_key)?;
        let votes: Option<Vec<Vote>> = if panel_kind == "judgments" {
            let mut stmt = self.conn.prepare_cached(
                "SELECT reviewer, label FROM judgments WHERE item_id = ?1 AND round = ?2",
            )?;
            Some(
                stmt.query_map(params![item_id, round], |r| {
                    Ok(Vote {
                        reviewer: r.get(0)?,
                        label: r.get(1)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?,
            )
        } else {
            None
        };
        d.validate(&batch.rubric, votes.as_deref())?;
        let item = ItemAt {
            id: item_id,
            batch_id: batch.id,
            key: item_key,
            round,
        };
        let tx = super::write_tx(&self.conn)?;
        let id = insert(&tx, item, d, actor, at, None)?;
        super::events::append(
            &tx,
            &super::events::NewEvent {
                batch_id: Some(batch.id),
                item: Some(item),
                actor,
                account: self.account.as_deref(),
                at,
                action: "decide",
                details: &serde_json::json!({"decision": id, "kind": d.kind.as_str(), "label": d.label, "reason_code": d.reason_code}),
            },
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Undoes the decision in force on an item by appending a revert. Returns the id of the
    /// decision reverted.
    pub fn undo(&mut self, batch: &Batch, item_key: &str, actor: &str, at: &str) -> Result<i64> {
        Self::ensure_open(batch)?;
        let (item_id, _, round) = self.item_row(batch, item_key)?;
        let tx = super::write_tx(&self.conn)?;
        let hist = history(&tx, item_id)?;
        let target = current_decision(&hist, round)
            .ok_or_else(|| StoreError::NothingToUndo(item_key.into()))?
            .id;
        let revert = NewDecision {
            kind: DecisionKind::Revert,
            label: None,
            reason_code: None,
            erring: vec![],
            text: format!("undo of decision {target}"),
        };
        let item = ItemAt {
            id: item_id,
            batch_id: batch.id,
            key: item_key,
            round,
        };
        insert(&tx, item, &revert, actor, at, Some(target))?;
        super::events::append(
            &tx,
            &super::events::NewEvent {
                batch_id: Some(batch.id),
                item: Some(item),
                actor,
                account: self.account.as_deref(),
                at,
                action: "undo",
                details: &serde_json::json!({"reverted": target}),
            },
        )?;
        tx.commit()?;
        Ok(target)
    }
}
