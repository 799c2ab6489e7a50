//! Decisions: append-only writes, undo as a revert, and the history of an item.

use super::batches::{Batch, BatchStatus};
use super::chain::Chain;
use super::db::{Db, Optional, Row, params};
use super::stored;
use super::{ItemAt, Result, Store, StoreError};
use crate::domain::chain::{self, DecisionFields};
use crate::domain::decision::{Decision, DecisionKind, NewDecision, Vote, current_decision};
use crate::domain::team::Act;

/// Inserts a decision row inside the caller's transaction; returns its id.
pub(super) fn insert(
    conn: &Db,
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
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) RETURNING id",
    )?
    .query_row(params![item.id, d.kind.as_str(), d.label, d.reason_code, erring, d.text, actor, at, reverts, &link[..], item.round], |r| r.get(0))
}

/// The decisions of an item in the order recorded.
pub(super) fn history(conn: &Db, item_id: i64) -> Result<Vec<Decision>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, kind, label, reason_code, erring, text, actor, at, reverts, round
         FROM decisions WHERE item_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map(params![item_id], decision_from_row)?;
    Ok(rows)
}

/// Reads a decision from a row of (id, kind, label, reason_code, erring, text, actor, at, reverts,
/// round).
pub(super) fn decision_from_row(r: &Row<'_>) -> Result<Decision> {
    let id: i64 = r.get(0)?;
    let row = || format!("decision {id}");
    Ok(Decision {
        id,
        kind: stored::decision_kind(row, r.str(1)?)?,
        label: r.get(2)?,
        reason_code: r.get(3)?,
        erring: stored::names(row, r.str(4)?)?,
        text: r.get(5)?,
        actor: r.get(6)?,
        at: stored::time(row, r.str(7)?)?,
        reverts: r.get(8)?,
        round: r.get(9)?,
    })
}

impl Store {
    /// The rowid, panel kind and latest round of an item.
    /// An item of `batch` as the record's writers name it, with its panel kind.
    pub(super) fn item_row<'a>(
        &self,
        batch: &Batch,
        item_key: &'a str,
    ) -> Result<(ItemAt<'a>, String)> {
        let (id, panel_kind, round) = self
            .conn
            .query_row(
                "SELECT id, panel_kind, round FROM items WHERE batch_id = ?1 AND item_key = ?2",
                params![batch.id, item_key],
                |r| Ok((r.get(0)?, r.get::<String>(1)?, r.get(2)?)),
            )
            .optional()?
            .ok_or_else(|| StoreError::NoItem {
                item: item_key.into(),
                batch: batch.name.clone(),
            })?;
        let item = ItemAt {
            id,
            batch_id: batch.id,
            key: item_key,
            round,
        };
        Ok((item, panel_kind))
    }

    /// An item of `batch` as the record's writers name it.
    pub(super) fn item_at<'a>(&self, batch: &Batch, item_key: &'a str) -> Result<ItemAt<'a>> {
        Ok(self.item_row(batch, item_key)?.0)
    }

    fn ensure_open(batch: &Batch) -> Result<()> {
        if batch.status == BatchStatus::Finalized {
            return Err(StoreError::Finalized(batch.name.clone()));
        }
        Ok(())
    }

    /// Validates and records a decision on an item, with its event, in one transaction: only
    /// by someone whose role may decide, never while another person holds a claim on the item,
    /// and only over the decision in force that `basis` allows (see [`Basis`]). Releases the
    /// actor's claim on the item. Returns the new decision's id.
    pub fn decide(
        &mut self,
        batch: &Batch,
        item_key: &str,
        d: &NewDecision,
        basis: Basis,
        actor: &str,
        at: &str,
    ) -> Result<i64> {
        Self::ensure_open(batch)?;
        let (item, panel_kind) = self.item_row(batch, item_key)?;
        let votes: Option<Vec<Vote>> = if panel_kind == "judgments" {
            let mut stmt = self.conn.prepare_cached(
                "SELECT reviewer, label FROM judgments WHERE item_id = ?1 AND round = ?2",
            )?;
            Some(stmt.query_map(params![item.id, item.round], |r| {
                Ok(Vote {
                    reviewer: r.get(0)?,
                    label: r.get(1)?,
                })
            })?)
        } else {
            None
        };
        d.validate(&batch.rubric, votes.as_deref())?;
        let tx = self.conn.write_tx()?;
        let over = may_write(&tx, item, basis, actor, at)?;
        let id = insert(&tx, item, d, actor, at, None)?;
        let mut details = serde_json::json!({"decision": id, "kind": d.kind.as_str(), "label": d.label, "reason_code": d.reason_code});
        supersedes(&mut details, over.as_ref(), actor);
        super::events::append(
            &tx,
            &super::events::NewEvent {
                batch_id: Some(batch.id),
                item: Some(item),
                actor,
                account: self.account.as_deref(),
                at,
                action: "decide",
                details: &details,
            },
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Undoes the decision in force on an item by appending a revert, under the same rules as
    /// [`Store::decide`]. Returns the id of the decision reverted.
    pub fn undo(
        &mut self,
        batch: &Batch,
        item_key: &str,
        basis: Basis,
        actor: &str,
        at: &str,
    ) -> Result<i64> {
        Self::ensure_open(batch)?;
        let item = self.item_at(batch, item_key)?;
        let tx = self.conn.write_tx()?;
        let over = may_write(&tx, item, basis, actor, at)?;
        let target = over
            .as_ref()
            .ok_or_else(|| StoreError::NothingToUndo(item_key.into()))?;
        let revert = NewDecision {
            kind: DecisionKind::Revert,
            label: None,
            reason_code: None,
            erring: vec![],
            text: format!("undo of decision {}", target.id),
        };
        insert(&tx, item, &revert, actor, at, Some(target.id))?;
        let mut details = serde_json::json!({"reverted": target.id});
        supersedes(&mut details, over.as_ref(), actor);
        super::events::append(
            &tx,
            &super::events::NewEvent {
                batch_id: Some(batch.id),
                item: Some(item),
                actor,
                account: self.account.as_deref(),
                at,
                action: "undo",
                details: &details,
            },
        )?;
        tx.commit()?;
        Ok(target.id)
    }
}

/// What a decider knew of the item's decision in force when they chose: a decision (or undo)
/// is written only over what they knew, so none is ever silently layered over another's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// The decision in force they saw (`None`: none), as the console showed it: anything else
    /// in force by now is a [`StoreError::Conflict`]. Deciding over another person's decision
    /// they saw is recorded as superseding it.
    Saw(Option<i64>),
    /// Whatever is in force now (the CLI). Another person's decision in force is refused with
    /// [`StoreError::OthersDecision`] unless `supersede`, and then recorded as superseded.
    Current {
        /// Decide over another person's decision.
        supersede: bool,
    },
}

/// Checks, inside the write transaction, that `actor` may write a decision on `item` now:
/// their role, claims, and `basis` against the decision in force. Returns that decision.
fn may_write(
    conn: &Db,
    item: ItemAt<'_>,
    basis: Basis,
    actor: &str,
    at: &str,
) -> Result<Option<Decision>> {
    super::staff::require(conn, actor, Act::Decide)?;
    super::assignments::not_reserved_for_another(conn, item, actor)?;
    super::claims::not_held_by_another(conn, item, actor, super::claims::unix(at)?)?;
    let history = history(conn, item.id)?;
    let in_force = current_decision(&history, item.round).cloned();
    match basis {
        Basis::Saw(seen) if seen != in_force.as_ref().map(|d| d.id) => {
            // A decision seen on an earlier round was answered by a new round of judgments.
            let seen_round =
                seen.and_then(|id| history.iter().find(|d| d.id == id).map(|d| d.round));
            return Err(StoreError::Conflict {
                item: item.key.into(),
                now: in_force.map(Box::new),
                new_round: seen_round
                    .is_some_and(|r| r < item.round)
                    .then_some(item.round),
            });
        }
        Basis::Current { supersede: false } => {
            if let Some(d) = in_force.as_ref().filter(|d| d.actor != actor) {
                return Err(StoreError::OthersDecision {
                    item: item.key.into(),
                    now: Box::new(d.clone()),
                });
            }
        }
        _ => {}
    }
    super::claims::drop_own(conn, item.id, actor)?;
    Ok(in_force)
}

/// Notes in an event's details that it overrode another person's decision.
fn supersedes(details: &mut serde_json::Value, over: Option<&Decision>, actor: &str) {
    if let Some(d) = over.filter(|d| d.actor != actor) {
        details["supersedes"] = serde_json::json!({"decision": d.id, "by": d.actor});
    }
}

/// A decision as a sentence names it: "hard_label `B` by alice at 2026-…Z (decision 7)".
pub(super) fn described(d: &Decision) -> String {
    let what = match &d.label {
        Some(l) => format!("{} `{}`", d.kind.as_str(), crate::text::shown(l)),
        None => d.kind.as_str().to_string(),
    };
    format!(
        "{what} by {} at {} (decision {})",
        crate::text::shown(&d.actor),
        d.at.format("%Y-%m-%dT%H:%M:%SZ"),
        d.id
    )
}

/// What an item's decision in force became, for a conflict.
pub(super) fn changed_to(now: Option<&Decision>, new_round: Option<i64>) -> String {
    match (now, new_round) {
        (Some(d), _) => format!("it now has {}", described(d)),
        (None, Some(round)) => {
            format!("round {round} of its judgments came in; it is pending on that round")
        }
        (None, None) => "its decision was undone; it is pending".into(),
    }
}
