//! Reading items back: one item with its panel and history, and the label counts of every
//! item for statistics.

use rusqlite::{OptionalExtension, params};

use super::batches::Batch;
use super::claims::Claim;
use super::decisions::history;
use super::stored;
use super::{Result, Store, StoreError};
use crate::domain::decision::{Decision, DecisionStatus};
use crate::domain::model::{ItemRecord, Judgment, Panel};

/// An item as stored: the imported record, its decision status and decision history.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredItem {
    /// What was imported.
    pub record: ItemRecord,
    /// Status of the decision in force.
    pub status: DecisionStatus,
    /// Every decision, in the order recorded.
    pub decisions: Vec<Decision>,
    /// Who it is assigned to, if anyone.
    pub assignee: Option<String>,
    /// Who is deciding it now, if anyone (a live claim when read).
    pub claim: Option<Claim>,
}

const ITEM_COLUMNS: &str =
    "id, item_key, task, payload, gold_label, panel_kind, counts, status, reviewer_count";

struct ItemHead {
    id: i64,
    record: ItemRecord,
    status: DecisionStatus,
}

fn head_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ItemHead> {
    let key = r.get_ref(1)?.as_str()?;
    let row = || format!("item `{key}`");
    let payload = stored::object(row, "payload", r.get_ref(3)?.as_str()?)?;
    let panel = if r.get_ref(5)?.as_str()? == "counts" {
        let mut counts = Vec::new();
        stored::counts(row, r.get_ref(6)?.as_str()?, &mut counts)?;
        Panel::Counts(counts)
    } else {
        Panel::Judgments(Vec::with_capacity(r.get::<_, usize>(8)?))
    };
    Ok(ItemHead {
        id: r.get(0)?,
        record: ItemRecord {
            item_id: r.get(1)?,
            task: r.get(2)?,
            payload,
            gold_label: r.get(4)?,
            panel,
        },
        status: {
            let status = r.get_ref(7)?.as_str()?;
            DecisionStatus::parse(status)
                .ok_or_else(|| stored::corrupt(row(), "status", status, "not a decision status"))?
        },
    })
}

/// Reads a judgment from a row of (reviewer, label, raw_confidence, confidence, evidence,
/// attributes).
fn judgment_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Judgment> {
    let reviewer: String = r.get(0)?;
    let attributes = match r.get_ref(5)?.as_str()? {
        "{}" => serde_json::Map::new(),
        text => stored::object(|| format!("judgment of `{reviewer}`"), "attributes", text)?,
    };
    Ok(Judgment {
        reviewer,
        label: r.get(1)?,
        raw_confidence: r.get(2)?,
        confidence: r.get(3)?,
        evidence: r.get(4)?,
        attributes,
    })
}

impl Store {
    /// One item with its panel record and decision history.
    pub fn item(&self, batch: &Batch, item_key: &str) -> Result<StoredItem> {
        let head = self
            .conn
            .query_row(
                &format!("SELECT {ITEM_COLUMNS} FROM items WHERE batch_id = ?1 AND item_key = ?2"),
                params![batch.id, item_key],
                head_from_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::NoItem {
                item: item_key.into(),
                batch: batch.name.clone(),
            })?;
        let mut record = head.record;
        if let Panel::Judgments(js) = &mut record.panel {
            let mut stmt = self.conn.prepare_cached(
                "SELECT reviewer, label, raw_confidence, confidence, evidence, attributes FROM judgments
                 WHERE item_id = ?1 ORDER BY seq",
            )?;
            for j in stmt.query_map(params![head.id], judgment_from_row)? {
                js.push(j?);
            }
        }
        let (assignee, claim) = self
            .conn
            .prepare_cached(
                "SELECT (SELECT assignee FROM assignments WHERE item_id = ?1),
                        c.holder, c.account, c.since, c.expires
                 FROM (SELECT 1) LEFT JOIN claims c ON c.item_id = ?1 AND c.expires > unixepoch()",
            )?
            .query_row(params![head.id], |r| {
                let claim = match r.get::<_, Option<String>>(1)? {
                    Some(holder) => Some(Claim {
                        item_id: record.item_id.clone(),
                        holder,
                        account: r.get(2)?,
                        since: r.get(3)?,
                        expires: r.get(4)?,
                    }),
                    None => None,
                };
                Ok((r.get(0)?, claim))
            })?;
        Ok(StoredItem {
            record,
            status: head.status,
            decisions: history(&self.conn, head.id)?,
            assignee,
            claim,
        })
    }

    /// Calls `f` with the label counts (rubric order) of every item of the batch.
    pub fn for_each_counts(&self, batch: &Batch, mut f: impl FnMut(&[u64])) -> Result<()> {
        let mut stmt = self
            .conn
            .prepare("SELECT counts, item_key FROM items WHERE batch_id = ?1")?;
        let mut rows = stmt.query(params![batch.id])?;
        let mut counts: Vec<u64> = Vec::new();
        while let Some(r) = rows.next()? {
            counts.clear();
            let key = || {
                r.get::<_, String>(1)
                    .map_or_else(|e| e.to_string(), |k| format!("item `{k}`"))
            };
            let text = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
            stored::counts(key, text, &mut counts)?;
            f(&counts);
        }
        Ok(())
    }
}
