//! Reading items back: one item with its panel and history, or every item of a batch in
//! `item_id` order for export and statistics.

use std::collections::HashMap;

use rusqlite::{OptionalExtension, params};

use super::batches::Batch;
use super::decisions::{decision_from_row, history};
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
}

/// The item columns read back; the payload only when asked for (it is NULL otherwise).
fn item_columns(with_payload: bool) -> String {
    format!(
        "i.id, i.item_key, i.task, {}, i.gold_label, i.panel_kind, i.counts, i.status, i.reviewer_count",
        if with_payload { "i.payload" } else { "NULL" }
    )
}

/// Column of the first judgment field in a row of item columns and judgment columns.
const JUDGMENT_AT: usize = 9;

struct ItemHead {
    id: i64,
    record: ItemRecord,
    status: DecisionStatus,
}

fn head_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ItemHead> {
    let payload = match r.get_ref(3)?.as_str_or_null()? {
        Some(text) => serde_json::from_str(text).unwrap_or_default(),
        None => serde_json::Map::new(),
    };
    let panel = if r.get_ref(5)?.as_str()? == "counts" {
        Panel::Counts(serde_json::from_str(r.get_ref(6)?.as_str()?).unwrap_or_default())
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
        status: DecisionStatus::parse(r.get_ref(7)?.as_str()?).unwrap_or(DecisionStatus::Pending),
    })
}

fn judgment_from_row(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Option<Judgment>> {
    let Some(reviewer) = r.get::<_, Option<String>>(at)? else {
        return Ok(None);
    };
    Ok(Some(Judgment {
        reviewer,
        label: r.get(at + 1)?,
        raw_confidence: r.get(at + 2)?,
        confidence: r.get(at + 3)?,
        evidence: r.get(at + 4)?,
        attributes: match r.get_ref(at + 5)?.as_str() {
            Ok("{}") | Err(_) => serde_json::Map::new(),
            Ok(text) => serde_json::from_str(text).unwrap_or_default(),
        },
    }))
}

impl Store {
    /// One item with its panel record and decision history.
    pub fn item(&self, batch: &Batch, item_key: &str) -> Result<StoredItem> {
        let head = self
            .conn
            .query_row(
                &format!(
                    "SELECT {} FROM items i WHERE i.batch_id = ?1 AND i.item_key = ?2",
                    item_columns(true)
                ),
                params![batch.id, item_key],
                head_from_row,
            )
            .optional()?
            .ok_or_else(|| {
                StoreError::User(format!("no item `{item_key}` in batch `{}`", batch.name))
            })?;
        let mut record = head.record;
        if let Panel::Judgments(js) = &mut record.panel {
            let mut stmt = self.conn.prepare_cached(
                "SELECT reviewer, label, raw_confidence, confidence, evidence, attributes FROM judgments
                 WHERE item_id = ?1 ORDER BY seq",
            )?;
            for j in stmt.query_map(params![head.id], |r| judgment_from_row(r, 0))? {
                js.extend(j?);
            }
        }
        Ok(StoredItem {
            record,
            status: head.status,
            decisions: history(&self.conn, head.id)?,
        })
    }

    /// Calls `f` with every item of the batch in `item_id` order, judgments in import order.
    /// Payloads are parsed only when `with_payload` is set.
    pub fn for_each_item(
        &self,
        batch: &Batch,
        with_payload: bool,
        mut f: impl FnMut(StoredItem) -> Result<()>,
    ) -> Result<()> {
        let mut decisions: HashMap<i64, Vec<Decision>> = HashMap::new();
        {
            let mut stmt = self.conn.prepare(
                "SELECT d.id, d.kind, d.label, d.reason_code, d.erring, d.text, d.actor, d.at, d.reverts, d.item_id
                 FROM decisions d JOIN items i ON i.id = d.item_id WHERE i.batch_id = ?1 ORDER BY d.id",
            )?;
            let mut rows = stmt.query(params![batch.id])?;
            while let Some(r) = rows.next()? {
                decisions
                    .entry(r.get(9)?)
                    .or_default()
                    .push(decision_from_row(r)?);
            }
        }
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {}, j.reviewer, j.label, j.raw_confidence, j.confidence, j.evidence, j.attributes
             FROM items i LEFT JOIN judgments j ON j.item_id = i.id
             WHERE i.batch_id = ?1 ORDER BY i.item_key, j.seq",
            item_columns(with_payload)
        ))?;
        let mut rows = stmt.query(params![batch.id])?;
        let mut current: Option<ItemHead> = None;
        let mut flush = |head: ItemHead, f: &mut dyn FnMut(StoredItem) -> Result<()>| {
            let decisions = decisions.remove(&head.id).unwrap_or_default();
            f(StoredItem {
                record: head.record,
                status: head.status,
                decisions,
            })
        };
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            if current.as_ref().is_none_or(|c| c.id != id) {
                if let Some(done) = current.take() {
                    flush(done, &mut f)?;
                }
                current = Some(head_from_row(r)?);
            }
            if let (Some(j), Some(head)) = (judgment_from_row(r, JUDGMENT_AT)?, current.as_mut())
                && let Panel::Judgments(js) = &mut head.record.panel
            {
                js.push(j);
            }
        }
        if let Some(done) = current.take() {
            flush(done, &mut f)?;
        }
        Ok(())
    }

    /// Calls `f` with the label counts (rubric order) of every item of the batch.
    pub fn for_each_counts(&self, batch: &Batch, mut f: impl FnMut(&[u64])) -> Result<()> {
        let mut stmt = self
            .conn
            .prepare("SELECT counts FROM items WHERE batch_id = ?1")?;
        let mut rows = stmt.query(params![batch.id])?;
        let mut counts: Vec<u64> = Vec::new();
        while let Some(r) = rows.next()? {
            let text = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
            counts.clear();
            counts.extend(
                text.trim_matches(['[', ']'])
                    .split(',')
                    .filter_map(|s| s.trim().parse::<u64>().ok()),
            );
            f(&counts);
        }
        Ok(())
    }
}
