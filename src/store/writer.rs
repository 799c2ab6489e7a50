//! Import writes: one transaction per import, committed only when every item is in.

use rusqlite::{OptionalExtension, Transaction, params};

use super::{Result, Store, StoreError};
use crate::domain::decision::NewDecision;
use crate::domain::model::{DisagreementClass, ItemRecord, Panel};
use crate::domain::rubric::Rubric;
use crate::domain::triage::Summary;

/// Writes one import into a batch inside a single transaction. Dropping it without
/// [`ImportWriter::commit`] rolls everything back.
pub struct ImportWriter<'a> {
    tx: Transaction<'a>,
    batch_id: i64,
    actor: String,
    at: String,
    items: u64,
    judgments: u64,
    /// Rowid of the first item this import wrote.
    first_item: Option<i64>,
    /// Decisions carried by the input, recorded at commit after the queue counts.
    decisions: Vec<(i64, NewDecision)>,
}

/// Sort rank of a class in the queue's class order (most contested first).
#[must_use]
pub fn class_rank(class: DisagreementClass) -> i64 {
    match class {
        DisagreementClass::Major => 0,
        DisagreementClass::Unresolved => 1,
        DisagreementClass::Minor => 2,
        DisagreementClass::Agreement => 3,
    }
}

/// Sort key of a mean confidence: lowest first, unreported last.
#[must_use]
pub fn conf_key(mean_confidence: Option<f64>) -> f64 {
    mean_confidence.unwrap_or(2.0)
}

impl Store {
    /// Starts an import into `batch_name` (created when new) under `rubric`. An existing batch
    /// must have been imported under the very same rubric text.
    pub fn import_writer(
        &mut self,
        batch_name: &str,
        rubric: &Rubric,
        actor: &str,
        at: &str,
    ) -> Result<ImportWriter<'_>> {
        let tx = self.conn.transaction()?;
        let rubric_id: i64 = match tx
            .query_row(
                "SELECT id FROM rubrics WHERE sha256 = ?1",
                params![rubric.sha256],
                |r| r.get(0),
            )
            .optional()?
        {
            Some(id) => id,
            None => {
                tx.execute(
                    "INSERT INTO rubrics (task, version, yaml, sha256, loaded_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![rubric.task, rubric.version, rubric.yaml, rubric.sha256, at],
                )?;
                tx.last_insert_rowid()
            }
        };
        let existing = tx
            .query_row(
                "SELECT id, rubric_id, status FROM batches WHERE name = ?1",
                params![batch_name],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, String>(2)?,
                    ))
                },
            )
            .optional()?;
        let batch_id = match existing {
            Some((_, rid, _)) if rid != rubric_id => {
                return Err(StoreError::User(format!(
                    "batch `{batch_name}` was imported under another rubric; import into a new batch"
                )));
            }
            Some((_, _, status)) if status == "finalized" => {
                return Err(StoreError::User(format!(
                    "batch `{batch_name}` is finalized: reopen it before importing"
                )));
            }
            Some((id, _, _)) => id,
            None => {
                tx.execute(
                    "INSERT INTO batches (name, rubric_id, created_at) VALUES (?1, ?2, ?3)",
                    params![batch_name, rubric_id, at],
                )?;
                tx.last_insert_rowid()
            }
        };
        Ok(ImportWriter {
            tx,
            batch_id,
            actor: actor.to_string(),
            at: at.to_string(),
            items: 0,
            judgments: 0,
            first_item: None,
            decisions: Vec::new(),
        })
    }
}

impl ImportWriter<'_> {
    /// Adds one item with its derived summary, and the decision its source line carried.
    pub fn add_item(
        &mut self,
        item: &ItemRecord,
        summary: &Summary,
        rubric: &Rubric,
        decision: Option<&NewDecision>,
    ) -> Result<()> {
        let payload =
            serde_json::to_string(&item.payload).map_err(|e| StoreError::User(e.to_string()))?;
        let counts =
            serde_json::to_string(&summary.counts).map_err(|e| StoreError::User(e.to_string()))?;
        let flags = summary.flag_set();
        let top_label = summary.figures.top.map(|i| rubric.labels[i].id.as_str());
        let inserted = self
            .tx
            .prepare_cached(
                "INSERT INTO items (batch_id, item_key, task, payload, gold_label, panel_kind, counts,
                    reviewer_count, top_label, top_share, entropy, norm_entropy, mean_confidence,
                    class, flags, unflagged, neg_entropy, conf_key, class_rank)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
            )?
            .execute(params![
                self.batch_id,
                item.item_id,
                item.task,
                payload,
                item.gold_label,
                item.panel.kind(),
                counts,
                summary.figures.reviewer_count as i64,
                top_label,
                summary.figures.top_share,
                summary.figures.entropy_bits,
                summary.figures.normalized_entropy,
                summary.mean_confidence,
                summary.figures.class.as_str(),
                i64::from(flags.0),
                i64::from(flags.is_empty()),
                -summary.figures.entropy_bits,
                conf_key(summary.mean_confidence),
                class_rank(summary.figures.class),
            ]);
        match inserted {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                return Err(StoreError::User(format!(
                    "item `{}` is already in this batch",
                    item.item_id
                )));
            }
            other => other?,
        };
        let item_id = self.tx.last_insert_rowid();
        self.first_item.get_or_insert(item_id);
        if let Panel::Judgments(js) = &item.panel {
            let mut stmt = self.tx.prepare_cached(
                "INSERT INTO judgments (item_id, seq, reviewer, label, raw_confidence, confidence, evidence, attributes)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            for (seq, j) in js.iter().enumerate() {
                let attributes = if j.attributes.is_empty() {
                    "{}".to_string()
                } else {
                    serde_json::to_string(&j.attributes)
                        .map_err(|e| StoreError::User(e.to_string()))?
                };
                stmt.execute(params![
                    item_id,
                    seq as i64,
                    j.reviewer,
                    j.label,
                    j.raw_confidence,
                    j.confidence,
                    j.evidence,
                    attributes
                ])?;
            }
            self.judgments += js.len() as u64;
        }
        if let Some(d) = decision {
            self.decisions.push((item_id, d.clone()));
        }
        self.items += 1;
        Ok(())
    }

    /// Logs the import with `details` and commits it. Returns (items, judgments) written.
    pub fn commit(self, mut details: serde_json::Value) -> Result<(u64, u64)> {
        if let Some(map) = details.as_object_mut() {
            map.insert("items".into(), self.items.into());
            map.insert("judgments".into(), self.judgments.into());
        }
        if let Some(first) = self.first_item {
            self.tx.execute(
                "INSERT INTO queue_counts (batch_id, task, class, flags, status, n)
                 SELECT batch_id, task, class, flags, status, count(*) FROM items
                 WHERE batch_id = ?1 AND id >= ?2 GROUP BY batch_id, task, class, flags, status
                 ON CONFLICT DO UPDATE SET n = n + excluded.n",
                params![self.batch_id, first],
            )?;
        }
        for (item_id, d) in &self.decisions {
            super::decisions::insert(&self.tx, *item_id, d, &self.actor, &self.at, None)?;
        }
        super::events::append(
            &self.tx,
            Some(self.batch_id),
            None,
            &self.actor,
            &self.at,
            "import",
            &details,
        )?;
        self.tx.commit()?;
        Ok((self.items, self.judgments))
    }
}
