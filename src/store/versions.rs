//! Rubric versions: a later version of a batch's rubric loaded in place of the one in force, the
//! old text kept, and classes and flags recomputed when the thresholds changed.

use super::batches::Batch;
use super::db::{Db, params};
use super::{LATEST_COUNTS, LATEST_ROUND, Result, Store, StoreError, Summaries, stored};
use crate::domain::rubric::{Rubric, thresholds_changed, update_problems};
use crate::domain::triage::summarize_counts;

/// One version of a batch's rubric, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RubricVersion {
    /// Its version number.
    pub version: u32,
    /// The sha256 of its text.
    pub sha256: String,
    /// Its text, verbatim.
    pub yaml: String,
    /// When it came in force for the batch (the batch's creation for the first).
    pub since: String,
    /// Who loaded it (`None` for the one the batch was imported under: see its import event).
    pub by: Option<String>,
}

/// What loading a rubric version did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RubricUpdate {
    /// The version replaced.
    pub from: u32,
    /// Items whose class and flags were recomputed (0 when the thresholds did not change).
    pub recomputed: u64,
    /// Of those, items whose class or flags changed.
    pub changed: u64,
}

impl Store {
    /// Every version of the batch's rubric, the one it was imported under first; the last is in
    /// force.
    pub fn rubric_versions(&self, batch: &Batch) -> Result<Vec<RubricVersion>> {
        let mut stmt = self.conn.prepare(
            "SELECT r.version, r.sha256, r.yaml, b.created_at, NULL, 0
             FROM batches b JOIN rubrics r ON r.id = b.rubric_id WHERE b.id = ?1
             UNION ALL
             SELECT r.version, r.sha256, r.yaml, br.at, br.actor, br.id
             FROM batch_rubrics br JOIN rubrics r ON r.id = br.rubric_id WHERE br.batch_id = ?1
             ORDER BY 6",
        )?;
        let rows = stmt.query_map(params![batch.id], |r| {
            Ok(RubricVersion {
                version: r.get(0)?,
                sha256: r.get(1)?,
                yaml: r.get(2)?,
                since: r.get(3)?,
                by: r.get(4)?,
            })
        })?;
        Ok(rows)
    }

    /// Loads `rubric` as the batch's next version, in one transaction: refused with every
    /// problem when it changes what a version may not (see [`update_problems`]); the old text
    /// stays stored; when the thresholds changed, every item's class and flags are recomputed
    /// from its latest round under the new ones (and the queue counts follow).
    pub fn update_rubric(
        &mut self,
        batch: &Batch,
        rubric: &Rubric,
        actor: &str,
        at: &str,
    ) -> Result<RubricUpdate> {
        if batch.status == super::BatchStatus::Finalized {
            return Err(StoreError::Finalized(batch.name.clone()));
        }
        let tx = self.conn.write_tx()?;
        super::staff::require(&tx, actor, crate::domain::team::Act::Rubric)?;
        let codes_used: Vec<String> = tx
            .prepare(
                "SELECT DISTINCT d.reason_code FROM decisions d JOIN items i ON i.id = d.item_id
                 WHERE i.batch_id = ?1 AND d.reason_code IS NOT NULL ORDER BY 1",
            )?
            .query_map(params![batch.id], |r| r.get(0))?;
        let problems = update_problems(&batch.rubric, rubric, &codes_used);
        if !problems.is_empty() {
            return Err(StoreError::RubricUpdate(problems));
        }
        let rubric_id = super::batches::store_rubric(&tx, rubric, at)?;
        tx.execute(
            "INSERT INTO batch_rubrics (batch_id, rubric_id, first_item, actor, at)
             VALUES (?1, ?2, (SELECT coalesce(max(id), 0) + 1 FROM items), ?3, ?4)",
            params![batch.id, rubric_id, actor, at],
        )?;
        let (recomputed, changed) = if thresholds_changed(&batch.rubric, rubric) {
            recompute(&tx, batch.id, rubric)?
        } else {
            (0, 0)
        };
        super::events::append(
            &tx,
            &super::events::NewEvent {
                batch_id: Some(batch.id),
                item: None,
                actor,
                account: self.account.as_deref(),
                at,
                action: "rubric_update",
                details: &serde_json::json!({
                    "from_version": batch.rubric.version,
                    "to_version": rubric.version,
                    "sha256": rubric.sha256,
                    "recomputed": recomputed,
                    "changed": changed,
                }),
            },
        )?;
        tx.commit()?;
        Ok(RubricUpdate {
            from: batch.rubric.version,
            recomputed,
            changed,
        })
    }
}

/// Recomputes the class and flags of every item of the batch from its latest round's counts,
/// mean confidence and gold label under `rubric`; returns (items, items changed).
fn recompute(conn: &Db, batch_id: i64, rubric: &Rubric) -> Result<(u64, u64)> {
    let _summaries = Summaries::allow(conn)?;
    let mut rows = Vec::new();
    {
        let mut stmt = conn.prepare(&format!(
            "SELECT i.id, i.item_key, {LATEST_COUNTS}, i.mean_confidence, i.gold_label, i.class,
                    i.flags
             FROM items i {LATEST_ROUND} WHERE i.batch_id = ?1"
        ))?;
        let mut read = stmt.query(params![batch_id])?;
        while let Some(r) = read.next()? {
            let key: String = r.get(1)?;
            let mut counts = Vec::new();
            stored::counts(|| format!("item `{key}`"), r.str(2)?, &mut counts)?;
            let gold: Option<String> = r.get(4)?;
            let s = summarize_counts(counts, r.get(3)?, rubric, gold.as_deref());
            let flags = s.flag_set();
            let before: (String, u8) = (r.get(5)?, r.get(6)?);
            if before != (s.figures.class.as_str().to_string(), flags.0) {
                rows.push((r.get::<i64>(0)?, s.figures.class, flags));
            }
        }
    }
    let total: u64 = conn.query_row(
        "SELECT count(*) FROM items WHERE batch_id = ?1",
        params![batch_id],
        |r| r.get(0),
    )?;
    let mut update = conn.prepare(
        "UPDATE items SET class = ?2, flags = ?3, unflagged = ?4, class_rank = ?5 WHERE id = ?1",
    )?;
    for (id, class, flags) in &rows {
        update.execute(params![
            id,
            class.as_str(),
            i64::from(flags.0),
            i64::from(flags.is_empty()),
            super::writer::class_rank(*class),
        ])?;
    }
    Ok((total, rows.len() as u64))
}
