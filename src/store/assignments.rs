//! Assignments: a QA lead gives items to a reviewer, by filter or by id, and sees each
//! assignee's progress. Unassigned items stay open to every senior reviewer.

use super::batches::Batch;
use super::db::{self, Db, Optional, Row, Value, params};
use super::events::{NewEvent, append};
use super::queue::{QueueFilter, plain_filter_sql};
use super::staff::{require, standing};
use super::{ItemAt, Result, Store, StoreError};
use crate::domain::team::{self, Act, Role};

/// Which items to assign.
#[derive(Debug, Clone, Copy)]
pub enum Assignment<'a> {
    /// These items, whoever held them before.
    Items(&'a [String]),
    /// The items a queue filter shows, in triage order (flagged first, highest entropy first).
    Filter {
        /// Which items (no search).
        filter: &'a QueueFilter,
        /// At most this many.
        limit: Option<u64>,
        /// Take items already assigned to someone else too (otherwise only unassigned ones).
        reassign: bool,
    },
}

/// Whom to give them to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assignee<'a> {
    /// This reviewer.
    To(&'a str),
    /// Nobody: the items return to everyone.
    Nobody,
}

/// One assignee's progress on a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    /// The assignee.
    pub assignee: String,
    /// Items assigned.
    pub assigned: u64,
    /// Of those, with no decision in force.
    pub pending: u64,
    /// Of those, sent back for re-review.
    pub rereview: u64,
    /// Of those, decided (hard label or keep soft).
    pub decided: u64,
}

/// Refuses a decision on `item` by a senior reviewer it is not assigned to: an assigned item is
/// its assignee's (and a QA lead's); unassigned items are open to every senior reviewer. With
/// no staff list, everyone may decide everything.
pub(super) fn not_reserved_for_another(conn: &Db, item: ItemAt<'_>, who: &str) -> Result<()> {
    let assignee: Option<String> = conn
        .prepare_cached("SELECT assignee FROM assignments WHERE item_id = ?1")?
        .query_row(params![item.id], |r| r.get(0))
        .optional()?;
    let Some(assignee) = assignee.filter(|a| a != who) else {
        return Ok(());
    };
    let s = standing(conn, who)?;
    if !s.staffed || s.role == Some(Role::QaLead) {
        return Ok(());
    }
    Err(StoreError::AssignedToAnother {
        item: item.key.into(),
        assignee,
    })
}

/// Most item ids an assign event lists (the count is always whole).
const LOGGED_IDS: usize = 20;

impl Store {
    /// Assigns items of `batch` (a QA lead's act; the assignee must be able to decide).
    /// Returns how many items changed hands.
    pub fn assign(
        &mut self,
        batch: &Batch,
        what: Assignment<'_>,
        to: Assignee<'_>,
        actor: &str,
        at: &str,
    ) -> Result<u64> {
        // (rowid, id) of each item taken.
        let mut rows: Vec<(i64, String)> = Vec::new();
        if let Assignment::Items(keys) = what {
            for key in keys {
                rows.push((self.item_at(batch, key)?.id, key.clone()));
            }
        }
        let tx = self.conn.write_tx()?;
        require(&tx, actor, Act::Assign)?;
        if let Assignee::To(name) = to {
            let s = standing(&tx, name)?;
            team::check(name, s.staffed, s.role, Act::Decide)?;
        }
        if let Assignment::Filter {
            filter,
            limit,
            reassign,
        } = what
        {
            let mut args = vec![Value::Int(batch.id)];
            let mut sql = String::new();
            plain_filter_sql(filter, &mut sql, &mut args);
            match to {
                // Unassigning takes the assigned items the filter selects.
                Assignee::Nobody => sql.push_str(" AND id IN (SELECT item_id FROM assignments)"),
                Assignee::To(_) if !reassign => {
                    sql.push_str(" AND id NOT IN (SELECT item_id FROM assignments)");
                }
                Assignee::To(name) => {
                    args.push(Value::Text(name.into()));
                    sql.push_str(&format!(
                        " AND id NOT IN (SELECT item_id FROM assignments WHERE assignee = ?{})",
                        args.len()
                    ));
                }
            }
            let limit = limit.map(|n| format!(" LIMIT {n}")).unwrap_or_default();
            let mut stmt = tx.prepare(&format!(
                "SELECT id, item_key FROM items INDEXED BY items_queue_default WHERE batch_id = ?1{sql}
                 ORDER BY unflagged, neg_entropy, item_key{limit}"
            ))?;
            rows = stmt.query_map(&db::args(&args), |r| Ok((r.get(0)?, r.get(1)?)))?;
        }
        let mut changed = 0;
        for &(id, _) in &rows {
            changed += match to {
                Assignee::To(name) => tx
                    .prepare_cached(
                        "INSERT INTO assignments (item_id, assignee, assigned_by, at)
                         VALUES (?1, ?2, ?3, ?4)
                         ON CONFLICT (item_id) DO UPDATE SET assignee = ?2, assigned_by = ?3, at = ?4
                         WHERE assignments.assignee != ?2",
                    )?
                    .execute(params![id, name, actor, at])?,
                Assignee::Nobody => tx
                    .prepare_cached("DELETE FROM assignments WHERE item_id = ?1")?
                    .execute(params![id])?,
            };
        }
        let first: Vec<&str> = rows
            .iter()
            .take(LOGGED_IDS)
            .map(|(_, key)| key.as_str())
            .collect();
        append(
            &tx,
            &NewEvent {
                batch_id: Some(batch.id),
                item: None,
                actor,
                account: self.account.as_deref(),
                at,
                action: "assign",
                details: &serde_json::json!({
                    "to": match to { Assignee::To(n) => Some(n), Assignee::Nobody => None },
                    "items": changed,
                    "first": first,
                }),
            },
        )?;
        tx.commit()?;
        Ok(u64::try_from(changed).unwrap_or(0))
    }

    /// Each assignee's progress on `batch`, by name.
    pub fn progress(&self, batch: &Batch) -> Result<Vec<Progress>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.assignee, count(*), count(*) FILTER (WHERE i.status = 'pending'),
                    count(*) FILTER (WHERE i.status = 'rereview'),
                    count(*) FILTER (WHERE i.status IN ('hard_label', 'keep_soft'))
             FROM assignments a CROSS JOIN items i ON i.id = a.item_id
             WHERE i.batch_id = ?1 GROUP BY a.assignee ORDER BY a.assignee",
        )?;
        let n = |r: &Row<'_>, i| r.get::<i64>(i).map(|v| u64::try_from(v).unwrap_or(0));
        let rows = stmt.query_map(params![batch.id], |r| {
            Ok(Progress {
                assignee: r.get(0)?,
                assigned: n(r, 1)?,
                pending: n(r, 2)?,
                rereview: n(r, 3)?,
                decided: n(r, 4)?,
            })
        })?;
        Ok(rows)
    }

    /// Who an item is assigned to, if anyone.
    pub fn assignee(&self, batch: &Batch, item_key: &str) -> Result<Option<String>> {
        let item = self.item_at(batch, item_key)?;
        self.conn
            .prepare_cached("SELECT assignee FROM assignments WHERE item_id = ?1")?
            .query_row(params![item.id], |r| r.get(0))
            .optional()
    }
}
