//! Reading items back: one item with its panel and history, and the label counts of every
//! item for statistics.

use std::ops::ControlFlow;

use super::batches::Batch;
use super::claims::Claim;
use super::db::{Optional, Row, params};
use super::decisions::history;
use super::stored;
use super::{LATEST_COUNTS, LATEST_ROUND, Result, Store, StoreError};
use crate::domain::decision::{Decision, DecisionStatus};
use crate::domain::model::{ItemRecord, Judgment, Panel, Round};

/// An item as stored: the imported record (its panel the latest round's), its decision status
/// and decision history, and the rounds before the latest.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredItem {
    /// What was imported, with the latest round's panel.
    pub record: ItemRecord,
    /// The latest round: its number and the rubric version it was judged under.
    pub round: i64,
    /// The rubric version the latest round was judged under.
    pub rubric_version: u32,
    /// The rounds before the latest, oldest first (empty for an item never sent back).
    pub earlier: Vec<Round>,
    /// Status of the decision in force.
    pub status: DecisionStatus,
    /// Every decision, in the order recorded (each names its round).
    pub decisions: Vec<Decision>,
    /// Who it is assigned to, if anyone.
    pub assignee: Option<String>,
    /// Who is deciding it now, if anyone (a live claim when read).
    pub claim: Option<Claim>,
}

/// An item's row with who it is assigned to and its live claim, read in one query.
const ITEM_QUERY: &str = "SELECT i.id, i.item_key, i.task, i.payload, i.gold_label, i.panel_kind,
        i.status, i.round, (SELECT assignee FROM assignments WHERE item_id = i.id),
        c.holder, c.account, c.since, c.expires
     FROM items i LEFT JOIN claims c ON c.item_id = i.id AND c.expires > ?3
     WHERE i.batch_id = ?1 AND i.item_key = ?2";

struct ItemHead {
    id: i64,
    record: ItemRecord,
    status: DecisionStatus,
    round: i64,
    assignee: Option<String>,
    claim: Option<Claim>,
}

fn head_from_row(r: &Row<'_>) -> Result<ItemHead> {
    let key = r.str(1)?;
    let row = || format!("item `{key}`");
    let payload = stored::object(row, "payload", r.str(3)?)?;
    let panel = if r.str(5)? == "counts" {
        Panel::Counts(Vec::new())
    } else {
        Panel::Judgments(Vec::new())
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
            let status = r.str(6)?;
            DecisionStatus::parse(status)
                .ok_or_else(|| stored::corrupt(row(), "status", status, "not a decision status"))?
        },
        round: r.get(7)?,
        assignee: r.get(8)?,
        claim: match r.get::<Option<String>>(9)? {
            Some(holder) => Some(Claim {
                item_id: key.to_string(),
                holder,
                account: r.get(10)?,
                since: r.get(11)?,
                expires: r.get(12)?,
            }),
            None => None,
        },
    })
}

/// Reads a judgment from a row of (reviewer, label, raw_confidence, confidence, evidence,
/// attributes).
fn judgment_from_row(r: &Row<'_>) -> Result<Judgment> {
    let reviewer: String = r.get(0)?;
    let attributes = match r.str(5)? {
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
            .prepare_cached(ITEM_QUERY)?
            .query_row(
                params![batch.id, item_key, chrono::Utc::now().timestamp()],
                head_from_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::NoItem {
                item: item_key.into(),
                batch: batch.name.clone(),
            })?;
        let mut rounds = self.rounds(head.id, &head.record)?;
        let mut record = head.record;
        let latest = rounds.pop().ok_or_else(|| StoreError::NoItem {
            item: item_key.into(),
            batch: batch.name.clone(),
        })?;
        record.panel = latest.panel;
        Ok(StoredItem {
            record,
            round: head.round,
            rubric_version: latest.rubric_version,
            earlier: rounds,
            status: head.status,
            decisions: history(&self.conn, head.id)?,
            assignee: head.assignee,
            claim: head.claim,
        })
    }

    /// Every round of an item, oldest first, each with its panel and rubric version.
    fn rounds(&self, item_id: i64, record: &ItemRecord) -> Result<Vec<Round>> {
        let row = || format!("item `{}`", record.item_id);
        let mut stmt = self.conn.prepare_cached(
            "SELECT 1, i.counts, coalesce(
                        (SELECT v.version FROM item_rubric_versions v
                         WHERE v.item_id = i.id AND v.round = 1),
                        (SELECT ru.version FROM rubrics ru WHERE ru.id = coalesce(
                            (SELECT br.rubric_id FROM batch_rubrics br
                             WHERE br.batch_id = i.batch_id AND br.first_item <= i.id
                             ORDER BY br.id DESC LIMIT 1),
                            (SELECT b.rubric_id FROM batches b WHERE b.id = i.batch_id))))
             FROM items i WHERE i.id = ?1
             UNION ALL
             SELECT r.round, r.counts, coalesce(
                        (SELECT v.version FROM item_rubric_versions v
                         WHERE v.item_id = r.item_id AND v.round = r.round), ru.version)
             FROM rounds r JOIN rubrics ru ON ru.id = r.rubric_id
             WHERE r.item_id = ?1
             ORDER BY 1",
        )?;
        let mut rounds = Vec::new();
        stmt.for_each(params![item_id], |r| {
            let panel = match record.panel {
                Panel::Counts(_) => {
                    let mut counts = Vec::new();
                    stored::counts(row, r.str(1)?, &mut counts)?;
                    Panel::Counts(counts)
                }
                Panel::Judgments(_) => Panel::Judgments(Vec::new()),
            };
            rounds.push(Round {
                number: r.get(0)?,
                rubric_version: r.get(2)?,
                panel,
            });
            Ok(ControlFlow::Continue(()))
        })?;
        if matches!(record.panel, Panel::Judgments(_)) {
            let mut stmt = self.conn.prepare_cached(
                "SELECT reviewer, label, raw_confidence, confidence, evidence, attributes, round
                 FROM judgments WHERE item_id = ?1 ORDER BY seq",
            )?;
            stmt.for_each(params![item_id], |r| {
                let number: i64 = r.get(6)?;
                let j = judgment_from_row(r)?;
                if let Some(Round {
                    panel: Panel::Judgments(js),
                    ..
                }) = rounds.iter_mut().find(|round| round.number == number)
                {
                    js.push(j);
                }
                Ok(ControlFlow::Continue(()))
            })?;
        }
        Ok(rounds)
    }

    /// Calls `f` with the label counts (rubric order) of every item of the batch.
    pub fn for_each_counts(&self, batch: &Batch, mut f: impl FnMut(&[u64])) -> Result<()> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {LATEST_COUNTS}, i.item_key FROM items i {LATEST_ROUND} WHERE i.batch_id = ?1"
        ))?;
        let mut counts: Vec<u64> = Vec::new();
        stmt.for_each(params![batch.id], |r| {
            counts.clear();
            let key = || {
                r.get::<String>(1)
                    .map_or_else(|e| e.to_string(), |k| format!("item `{k}`"))
            };
            let text = r.str(0)?;
            stored::counts(key, text, &mut counts)?;
            f(&counts);
            Ok(ControlFlow::Continue(()))
        })?;
        Ok(())
    }
}
