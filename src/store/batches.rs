//! Batches and their rubrics.

use std::collections::HashMap;

use super::db::{Db, Optional, params};
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

    /// The status a stored name gives (anything but `finalized` is open, as the schema's
    /// CHECK allows only the two).
    fn parse(s: &str) -> BatchStatus {
        if s == BatchStatus::Finalized.as_str() {
            BatchStatus::Finalized
        } else {
            BatchStatus::Open
        }
    }
}

/// The status of batch `batch_id` now, read in the caller's transaction.
pub(super) fn status_of(conn: &Db, batch_id: i64) -> Result<BatchStatus> {
    let status: String = conn.query_row(
        "SELECT status FROM batches WHERE id = ?1",
        params![batch_id],
        |r| r.get(0),
    )?;
    Ok(BatchStatus::parse(&status))
}

/// The id of the rubric in force for batch `b` (an SQL expression): its latest version loaded,
/// else the one it was imported under.
pub(super) const CURRENT_RUBRIC: &str = "coalesce(
    (SELECT br.rubric_id FROM batch_rubrics br WHERE br.batch_id = b.id ORDER BY br.id DESC LIMIT 1),
    b.rubric_id)";

/// The id of `rubric` in the store, stored now (with the time `at`) if its text is new.
pub(super) fn store_rubric(conn: &Db, rubric: &Rubric, at: &str) -> Result<i64> {
    let stored = conn
        .query_row(
            "SELECT id FROM rubrics WHERE sha256 = ?1",
            params![rubric.sha256],
            |r| r.get(0),
        )
        .optional()?;
    match stored {
        Some(id) => Ok(id),
        None => conn.query_row(
            "INSERT INTO rubrics (task, version, yaml, sha256, loaded_at, legacy_scale)
                 VALUES (?1, ?2, ?3, ?4, ?5, 0) RETURNING id",
            params![rubric.task, rubric.version, rubric.yaml, rubric.sha256, at],
            |r| r.get(0),
        ),
    }
}

/// The rubric versions of a batch, to say which one an item's judgments were made under.
#[derive(Debug, Clone, Default)]
pub(super) struct RubricVersions {
    /// The version the batch was imported under.
    original: u32,
    /// Later versions: (first item rowid it applies to, version), oldest first.
    updates: Vec<(i64, u32)>,
    /// Version of every rubric by id.
    by_id: HashMap<i64, u32>,
    /// Rounds, by (item, round), whose source named an older version than the one they were
    /// imported under.
    named: HashMap<(i64, i64), u32>,
}

impl RubricVersions {
    /// The versions of `batch_id`'s rubrics.
    pub(super) fn load(conn: &Db, batch_id: i64) -> Result<RubricVersions> {
        let original = conn.query_row(
            "SELECT r.version FROM batches b JOIN rubrics r ON r.id = b.rubric_id WHERE b.id = ?1",
            params![batch_id],
            |r| r.get(0),
        )?;
        let updates = conn
            .prepare_cached(
                "SELECT br.first_item, r.version FROM batch_rubrics br
                 JOIN rubrics r ON r.id = br.rubric_id WHERE br.batch_id = ?1 ORDER BY br.id",
            )?
            .query_map(params![batch_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let by_id = conn
            .prepare_cached("SELECT id, version FROM rubrics")?
            .query_map(&[], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let named = conn
            .prepare_cached(
                "SELECT v.item_id, v.round, v.version FROM item_rubric_versions v
                 JOIN items i ON i.id = v.item_id WHERE i.batch_id = ?1",
            )?
            .query_map(params![batch_id], |r| {
                Ok(((r.get(0)?, r.get(1)?), r.get(2)?))
            })?;
        Ok(RubricVersions {
            original,
            updates,
            by_id: by_id.into_iter().collect(),
            named: named.into_iter().collect(),
        })
    }

    /// The version an item's first round was judged under: the one its source named, else the
    /// one in force when it was imported.
    pub(super) fn first_round(&self, item_id: i64) -> u32 {
        if let Some(v) = self.named.get(&(item_id, 1)) {
            return *v;
        }
        self.updates
            .iter()
            .rev()
            .find(|(first, _)| *first <= item_id)
            .map_or(self.original, |(_, v)| *v)
    }

    /// The version a later round of an item was judged under: the one its source named, else
    /// that of the rubric stored as `rubric_id`.
    pub(super) fn later_round(&self, item_id: i64, round: i64, rubric_id: i64) -> u32 {
        match self.named.get(&(item_id, round)) {
            Some(v) => *v,
            None => self.by_id.get(&rubric_id).copied().unwrap_or(self.original),
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
    /// The batch's rubric: the latest version loaded (`rubric update`), else the one it was
    /// imported under.
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
                &format!(
                    "SELECT b.id, b.status, r.yaml,
                            (SELECT count(*) FROM items i WHERE i.batch_id = b.id), r.legacy_scale
                     FROM batches b JOIN rubrics r ON r.id = {CURRENT_RUBRIC} WHERE b.name = ?1"
                ),
                params![name],
                |r| {
                    Ok((
                        r.get::<i64>(0)?,
                        r.get::<String>(1)?,
                        r.get::<String>(2)?,
                        r.get::<i64>(3)?,
                        r.get::<bool>(4)?,
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
            status: BatchStatus::parse(&status),
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
        let names = stmt.query_map(&[], |r| r.get(0))?;
        Ok(names)
    }

    /// The batch's status now (another process may have finalized or reopened it).
    pub fn batch_status(&self, batch: &Batch) -> Result<BatchStatus> {
        status_of(&self.conn, batch.id)
    }

    /// Finalizes or reopens a batch, logging who did it. A batch with open items (pending with
    /// a flag, or awaiting re-review) is finalized only when `force`d, and the event records
    /// what was open. Returns what was open.
    pub fn set_batch_status(
        &mut self,
        batch: &Batch,
        status: BatchStatus,
        force: bool,
        actor: &str,
        at: &str,
    ) -> Result<OpenItems> {
        let tx = self.conn.write_tx()?;
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
        if status_of(&tx, batch.id)? == status {
            return Err(StoreError::AlreadySo {
                batch: batch.name.clone(),
                status: status.as_str(),
            });
        }
        let open = match status {
            BatchStatus::Finalized => OpenItems::read(&tx, batch.id)?,
            BatchStatus::Open => OpenItems::default(),
        };
        if !open.is_empty() && !force {
            return Err(StoreError::OpenItems {
                batch: batch.name.clone(),
                open: Box::new(open),
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
        let details = if open.is_empty() {
            serde_json::json!({})
        } else {
            serde_json::json!({"forced": true, "open": open.json()})
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
                details: &details,
            },
        )?;
        tx.commit()?;
        Ok(open)
    }
}

/// How many ids of each kind of open item are named.
const FIRST_IDS: usize = 5;

/// Items of one kind left open: how many, and the first ids (in id order).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenKind {
    /// How many.
    pub count: u64,
    /// The first few ids.
    pub first: Vec<String>,
}

/// What a batch still has open: items pending with a flag, and items sent for re-review whose
/// new round has not come.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenItems {
    /// Pending items that carry a flag.
    pub flagged_pending: OpenKind,
    /// Items awaiting re-review.
    pub awaiting_rereview: OpenKind,
}

impl OpenItems {
    fn read(conn: &Db, batch_id: i64) -> Result<OpenItems> {
        let kind = |condition: &str| -> Result<OpenKind> {
            let count = conn.query_row(
                &format!("SELECT count(*) FROM items WHERE batch_id = ?1 AND {condition}"),
                params![batch_id],
                |r| r.get(0),
            )?;
            let first = conn
                .prepare(&format!(
                    "SELECT item_key FROM items WHERE batch_id = ?1 AND {condition}
                     ORDER BY item_key LIMIT ?2"
                ))?
                .query_map(params![batch_id, FIRST_IDS as i64], |r| r.get(0))?;
            Ok(OpenKind { count, first })
        };
        Ok(OpenItems {
            flagged_pending: kind("status = 'pending' AND flags != 0")?,
            awaiting_rereview: kind("status = 'rereview'")?,
        })
    }

    /// Whether nothing is open.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.flagged_pending.count == 0 && self.awaiting_rereview.count == 0
    }

    /// As the event and `--json` give it.
    #[must_use]
    pub fn json(&self) -> serde_json::Value {
        let kind = |k: &OpenKind| serde_json::json!({"count": k.count, "first": k.first});
        serde_json::json!({
            "flagged_pending": kind(&self.flagged_pending),
            "awaiting_rereview": kind(&self.awaiting_rereview),
        })
    }
}

impl std::fmt::Display for OpenItems {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut parts = Vec::new();
        for (kind, what) in [
            (&self.flagged_pending, "pending with a flag"),
            (&self.awaiting_rereview, "awaiting re-review"),
        ] {
            if kind.count > 0 {
                let more = if kind.count > kind.first.len() as u64 {
                    ", …"
                } else {
                    ""
                };
                parts.push(format!(
                    "{} {what} ({}{more})",
                    kind.count,
                    kind.first
                        .iter()
                        .map(|id| crate::text::shown(id).into_owned())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
        f.write_str(&parts.join("; "))
    }
}
