//! Batches and their rubrics.

use rusqlite::{OptionalExtension, params};

use super::{Result, Store, StoreError};
use crate::domain::rubric::Rubric;
use crate::domain::team::Act;

/// Whether a batch still takes decisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchStatus {
    /// Decisions can be recorded.
    Open,
    /// Frozen for export; `reopen` to change.
    Finalized,
}

impl BatchStatus {
    /// The name used in the database and the CLI.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            BatchStatus::Open => "open",
            BatchStatus::Finalized => "finalized",
        }
    }
}

/// A batch with its rubric.
#[derive(Debug, Clone)]
pub struct Batch {
    /// Store id.
    pub id: i64,
    /// Unique name.
    pub name: String,
    /// Open or finalized.
    pub status: BatchStatus,
    /// The rubric the batch was imported under.
    pub rubric: Rubric,
    /// Number of items.
    pub items: u64,
}

impl Store {
    /// The batch named `name`, or the only batch when `name` is `None`.
    pub fn batch(&self, name: Option<&str>) -> Result<Batch> {
        let name = match name {
            Some(n) => n.to_string(),
            None => {
                let names = self.batch_names()?;
                match names.as_slice() {
                    [one] => one.clone(),
                    [] => return Err(StoreError::NoBatch),
                    _ => return Err(StoreError::WhichBatch(names)),
                }
            }
        };
        let row = self
            .conn
            .query_row(
                "SELECT b.id, b.status, r.yaml,
                        (SELECT count(*) FROM items i WHERE i.batch_id = b.id), r.legacy_scale
                 FROM batches b JOIN rubrics r ON r.id = b.rubric_id WHERE b.name = ?1",
                params![name],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, i64>(3)?,
                        r.get::<_, bool>(4)?,
                    ))
                },
            )
            .optional()?
            .ok_or_else(|| StoreError::UnknownBatch(name.clone()))?;
        let (id, status, yaml, items, legacy_scale) = row;
        let rubric = Rubric::parse_stored(&yaml, legacy_scale).map_err(|problems| {
            StoreError::StoredRubric {
                batch: name.clone(),
                problems,
            }
        })?;
        Ok(Batch {
            id,
            name,
            status: if status == "finalized" {
                BatchStatus::Finalized
            } else {
                BatchStatus::Open
            },
            rubric,
            items: u64::try_from(items).unwrap_or(0),
        })
    }

    /// The rubric stored under `sha256`, read as it was when stored (see
    /// [`Rubric::parse_stored`]), if one is: an import under the same text reads confidences
    /// as the batch's earlier imports did.
    pub fn stored_rubric(&self, sha256: &str) -> Result<Option<Rubric>> {
        let row: Option<(String, bool)> = self
            .conn
            .query_row(
                "SELECT yaml, legacy_scale FROM rubrics WHERE sha256 = ?1",
                params![sha256],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        row.map(|(yaml, legacy)| {
            Rubric::parse_stored(&yaml, legacy).map_err(|problems| StoreError::StoredRubric {
                batch: format!("rubric {sha256}"),
                problems,
            })
        })
        .transpose()
    }

    /// Names of every batch, oldest first.
    pub fn batch_names(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare("SELECT name FROM batches ORDER BY id")?;
        let names = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(names)
    }

    /// Finalizes or reopens a batch, logging who did it.
    pub fn set_batch_status(
        &mut self,
        batch: &Batch,
        status: BatchStatus,
        actor: &str,
        at: &str,
    ) -> Result<()> {
        let tx = super::write_tx(&self.conn)?;
        super::staff::require(
            &tx,
            actor,
            match status {
                BatchStatus::Finalized => Act::Finalize,
                BatchStatus::Open => Act::Reopen,
            },
        )?;
        if status == BatchStatus::Finalized {
            let claims = super::claims::live_in(&tx, batch, super::claims::unix(at)?)?;
            if !claims.is_empty() {
                return Err(StoreError::LiveClaims {
                    batch: batch.name.clone(),
                    claims,
                });
            }
        }
        // Read under the write lock: two finalizes at once record one event, not two.
        let now: String = tx.query_row(
            "SELECT status FROM batches WHERE id = ?1",
            params![batch.id],
            |r| r.get(0),
        )?;
        if now == status.as_str() {
            return Err(StoreError::AlreadySo {
                batch: batch.name.clone(),
                status: status.as_str(),
            });
        }
        tx.execute(
            "UPDATE batches SET status = ?1 WHERE id = ?2",
            params![status.as_str(), batch.id],
        )?;
        let action = match status {
            BatchStatus::Finalized => "finalize",
            BatchStatus::Open => "reopen",
        };
        super::events::append(
            &tx,
            &super::events::NewEvent {
                batch_id: Some(batch.id),
                item: None,
                actor,
                account: self.account.as_deref(),
                at,
                action,
                details: &serde_json::json!({}),
            },
        )?;
        tx.commit()?;
        Ok(())
    }
}
