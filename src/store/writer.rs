//! Import writes: one transaction per import, committed only when every item is in.

use std::collections::{HashMap, HashSet};

use rusqlite::config::DbConfig;
use serde_json::Value;

use super::chain::Chain;
use super::db::{BulkInsert, Db, Optional, ToDb, Tx, Value as DbValue, ValueRef, params};
use super::{Result, Store, StoreError, Summaries};
use crate::domain::chain::{self, ItemFields, JudgmentFields, Link, RoundFields};
use crate::domain::decision::{SourceDecision, current_decision};
use crate::domain::model::{DisagreementClass, FlagSet, ItemRecord, Panel};
use crate::domain::rubric::Rubric;
use crate::domain::triage::Summary;

/// Items per multi-row INSERT (21 columns each).
const ITEM_CHUNK: usize = 50;
/// Judgments per multi-row INSERT (8 columns each).
const JUDGMENT_CHUNK: usize = 125;
/// Items per `COPY` on PostgreSQL, where each statement is a round trip to the server.
const PG_ITEMS_PER_COPY: usize = 5_000;
/// An import that grows past this many items, and past the number already stored, stops
/// updating the queue indexes row by row and builds them once at commit (a sort instead of
/// random B-tree inserts: about twice as fast). Small imports, the common case, keep them.
const DEFER_INDEXES_AFTER: i64 = 2_000;

const ITEM_COLUMNS: [&str; 21] = [
    "id",
    "batch_id",
    "item_key",
    "task",
    "payload",
    "gold_label",
    "panel_kind",
    "counts",
    "reviewer_count",
    "top_label",
    "top_share",
    "entropy",
    "norm_entropy",
    "mean_confidence",
    "class",
    "flags",
    "unflagged",
    "neg_entropy",
    "conf_key",
    "class_rank",
    "chain",
];
const JUDGMENT_COLUMNS: [&str; 8] = [
    "item_id",
    "seq",
    "reviewer",
    "label",
    "raw_confidence",
    "confidence",
    "evidence",
    "attributes",
];

/// An item ready for the store: its row values, derived away from the writing thread.
pub struct PreparedItem {
    key: String,
    /// Where the input defines it (`FILE:LINE`), for errors.
    origin: String,
    task: String,
    payload: String,
    gold_label: Option<String>,
    panel_kind: &'static str,
    counts: String,
    reviewer_count: i64,
    top_label: Option<String>,
    top_share: f64,
    entropy: f64,
    norm_entropy: f64,
    mean_confidence: Option<f64>,
    class: DisagreementClass,
    flags: FlagSet,
    judgments: Vec<JudgmentRow>,
    decision: Option<SourceDecision>,
    rubric_version: Option<i64>,
    /// 1 for an item; a later round of the item just before it (an export's history read
    /// back).
    round: i64,
    /// The digest of the item's record, for its link in the batch's chain.
    digest: Link,
}

/// One judgment's row values.
struct JudgmentRow {
    reviewer: String,
    label: String,
    raw_confidence: Option<f64>,
    confidence: Option<f64>,
    evidence: Option<String>,
    attributes: String,
}

/// What an item's source says beside its record.
#[derive(Debug, Clone)]
pub struct Source {
    /// The decision it carried.
    pub decision: Option<SourceDecision>,
    /// The rubric version it names, where older than the rubric imported under.
    pub rubric_version: Option<u32>,
    /// 1 for an item; a later round (2, 3, …) of the item handed over just before it.
    pub round: i64,
    /// Where it defines the item (`FILE:LINE`).
    pub origin: String,
}

impl PreparedItem {
    /// The summary columns of the item's row, in the order of [`ITEM_COLUMNS`] from
    /// `reviewer_count`: what a new item and a new round of one both write.
    fn summary(&self) -> [DbValue; 12] {
        [
            DbValue::Int(self.reviewer_count),
            self.top_label.clone().map_or(DbValue::Null, DbValue::Text),
            DbValue::Real(self.top_share),
            DbValue::Real(self.entropy),
            DbValue::Real(self.norm_entropy),
            self.mean_confidence.map_or(DbValue::Null, DbValue::Real),
            DbValue::Text(self.class.as_str().into()),
            DbValue::Int(i64::from(self.flags.0)),
            DbValue::Int(i64::from(self.flags.is_empty())),
            DbValue::Real(-self.entropy),
            DbValue::Real(conf_key(self.mean_confidence)),
            DbValue::Int(class_rank(self.class)),
        ]
    }

    /// The row values of `record` with its `summary` and what its `source` says beside it.
    #[must_use]
    pub fn new(
        record: ItemRecord,
        summary: &Summary,
        rubric: &Rubric,
        source: Source,
    ) -> PreparedItem {
        let Source {
            decision,
            rubric_version,
            round,
            origin,
        } = source;
        let rubric_version = rubric_version.map(i64::from);
        let panel_kind = record.panel.kind();
        let judgments = match record.panel {
            Panel::Judgments(js) => js
                .into_iter()
                .map(|j| JudgmentRow {
                    reviewer: j.reviewer,
                    label: j.label,
                    raw_confidence: j.raw_confidence,
                    confidence: j.confidence,
                    evidence: j.evidence,
                    attributes: if j.attributes.is_empty() {
                        "{}".to_string()
                    } else {
                        Value::Object(j.attributes).to_string()
                    },
                })
                .collect(),
            Panel::Counts(_) => Vec::new(),
        };
        let payload = Value::Object(record.payload).to_string();
        let counts = Value::from(summary.counts.clone()).to_string();
        let mut content = chain::item(&ItemFields {
            key: &record.item_id,
            task: &record.task,
            payload: &payload,
            gold_label: record.gold_label.as_deref(),
            panel_kind,
            counts: &counts,
            rubric_version,
        });
        for j in &judgments {
            content = chain::judgment(content, &j.fields());
        }
        PreparedItem {
            key: record.item_id,
            origin,
            task: record.task,
            payload,
            gold_label: record.gold_label,
            panel_kind,
            counts,
            reviewer_count: summary.figures.reviewer_count as i64,
            top_label: summary.figures.top.map(|i| rubric.labels[i].id.clone()),
            top_share: summary.figures.top_share,
            entropy: summary.figures.entropy_bits,
            norm_entropy: summary.figures.normalized_entropy,
            mean_confidence: summary.mean_confidence,
            class: summary.figures.class,
            flags: summary.flag_set(),
            judgments,
            decision,
            rubric_version,
            round,
            digest: content.digest(),
        }
    }
}

impl JudgmentRow {
    /// The fields the chain hashes, as they are stored.
    fn fields(&self) -> JudgmentFields<'_> {
        JudgmentFields {
            reviewer: &self.reviewer,
            label: &self.label,
            raw_confidence: self.raw_confidence,
            confidence: self.confidence,
            evidence: self.evidence.as_deref(),
            attributes: &self.attributes,
        }
    }
}

/// What an import wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    /// New items.
    pub items: u64,
    /// New rounds of items sent for re-review.
    pub rounds: u64,
    /// Judgments, of new items and new rounds.
    pub judgments: u64,
}

/// Writes one import into a batch inside a single transaction, many rows per statement.
/// Dropping it without [`ImportWriter::commit`] rolls everything back.
pub struct ImportWriter<'a> {
    tx: Tx<'a>,
    /// Dropped after `tx` (fields drop in order), so the connection's settings come back once
    /// the transaction has ended either way.
    bulk: BulkSettings<'a>,
    batch_id: i64,
    actor: String,
    /// The OS account recorded with the import's event.
    account: Option<String>,
    at: String,
    /// Items stored before this import (rowids are never reused: items are never deleted).
    stored_before: i64,
    /// Rowid the next item gets.
    next_id: i64,
    judgments: u64,
    /// Items to write, with their rowid and link.
    items_pending: Vec<(i64, Link, PreparedItem)>,
    /// The link of the batch's last item.
    last_link: Link,
    judgments_pending: Vec<(i64, i64, JudgmentRow)>,
    /// Items per task, class and flags: all pending until a decision moves them.
    queue_counts: HashMap<(String, DisagreementClass, u8), i64>,
    /// Decisions carried by the input, recorded at commit after the queue counts.
    decisions: Vec<(i64, String, SourceDecision)>,
    /// The queue indexes dropped for this import, rebuilt at commit.
    deferred_indexes: Option<Vec<String>>,
    /// The batch's rubric (its version in force), for the rounds this import adds.
    rubric_id: i64,
    /// Its sha256, which each round's link names.
    rubric_sha: String,
    /// Whether the batch held items before this import: only then can an item be a new round
    /// of one stored (looked up per item).
    batch_had_items: bool,
    /// On PostgreSQL, the ids the batch held: only these are looked up, since a lookup is a
    /// round trip to the server.
    stored_keys: Option<HashSet<String>>,
    /// Items written per statement.
    items_per_write: usize,
    /// New rounds of items sent for re-review: (rowid, round, item), applied at commit.
    rounds: Vec<(i64, i64, PreparedItem)>,
    /// Rounds applied.
    applied_rounds: u64,
    /// The rowid of the last item added as new, which the later rounds of its history follow.
    last_new: Option<i64>,
    items_sql: BulkInsert,
    judgments_sql: BulkInsert,
}

/// The settings of one connection for an import, until dropped; other connections keep
/// theirs.
/// - Foreign-key checks off: an import assigns every id it references (its batch, its items'
///   rowids), so the per-row lookups of the parent row (about 0.6 s of SQLite's time for 1M
///   judgments) would check nothing.
/// - `synchronous = NORMAL`: the import's one commit is not synced to the WAL at once; a power
///   loss in the moment after it can lose the import, never corrupt the file, and the import
///   is run again. Decisions keep `FULL`.
/// - Triggers off while the items and judgments are written: on new rows they only check that
///   dissent is the writer (schema 3), which it is, and a trigger per row cost the import about
///   a fifth of its time. They are back on (see [`BulkSettings::triggers_on`]) before the
///   queue counts, decisions and event are written, whose triggers do work.
///
/// On PostgreSQL none of this is needed: its guard triggers run once per statement (one `COPY`),
/// and the import's transaction sets `synchronous_commit = off` for itself ([`bulk_tx`]).
pub(super) struct BulkSettings<'a>(Option<&'a rusqlite::Connection>);

impl<'a> BulkSettings<'a> {
    /// Must be called outside a transaction, where the pragmas take effect.
    pub(super) fn new(db: &'a Db) -> Result<Self> {
        let settings = BulkSettings(db.sqlite());
        if let Some(conn) = settings.0 {
            conn.pragma_update(None, "foreign_keys", "OFF")?;
            conn.pragma_update(None, "synchronous", "NORMAL")?;
            conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER, false)?;
        }
        Ok(settings)
    }

    /// Turns this connection's triggers back on.
    pub(super) fn triggers_on(&self) -> Result<()> {
        if let Some(conn) = self.0 {
            conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER, true)?;
        }
        Ok(())
    }
}

impl Drop for BulkSettings<'_> {
    fn drop(&mut self) {
        // Fails only if a transaction is still open, which the field order rules out.
        let _ = self.triggers_on();
        if let Some(conn) = self.0 {
            let _ = conn.pragma_update(None, "foreign_keys", "ON");
            let _ = conn.pragma_update(None, "synchronous", "FULL");
        }
    }
}

/// The write transaction of a bulk import: on PostgreSQL its commit does not wait for the
/// server's disk (a crash in the moment after loses the import, never corrupts the database,
/// as SQLite's `synchronous = NORMAL` above).
pub(super) fn bulk_tx(db: &Db) -> Result<Tx<'_>> {
    let tx = db.write_tx()?;
    if db.is_pg() {
        tx.execute_batch("SET LOCAL synchronous_commit = off")?;
    }
    Ok(tx)
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
        let bulk = BulkSettings::new(&self.conn)?;
        let tx = bulk_tx(&self.conn)?;
        super::staff::require(&tx, actor, crate::domain::team::Act::Import)?;
        let rubric_id = super::batches::store_rubric(&tx, rubric, at)?;
        let existing = tx
            .query_row(
                &format!(
                    "SELECT id, {}, status FROM batches b WHERE name = ?1",
                    super::batches::CURRENT_RUBRIC
                ),
                params![batch_name],
                |r| Ok((r.get::<i64>(0)?, r.get::<i64>(1)?, r.get::<String>(2)?)),
            )
            .optional()?;
        let batch_id = match existing {
            Some((_, rid, _)) if rid != rubric_id => {
                return Err(StoreError::OtherRubric(batch_name.into()));
            }
            Some((_, _, status)) if status == "finalized" => {
                return Err(StoreError::Finalized(batch_name.into()));
            }
            Some((id, _, _)) => id,
            None => tx.query_row(
                "INSERT INTO batches (name, rubric_id, created_at) VALUES (?1, ?2, ?3)
                     RETURNING id",
                params![batch_name, rubric_id, at],
                |r| r.get(0),
            )?,
        };
        let stored_before: i64 =
            tx.query_row("SELECT coalesce(max(id), 0) FROM items", params![], |r| {
                r.get(0)
            })?;
        let batch_had_items: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM items WHERE batch_id = ?1)",
            params![batch_id],
            |r| r.get(0),
        )?;
        let last_link = Chain::Items.last(&tx, Some(batch_id))?;
        let stored_keys = if batch_had_items && tx.is_pg() {
            let keys: Vec<String> = tx
                .prepare_cached("SELECT item_key FROM items WHERE batch_id = ?1")?
                .query_map(params![batch_id], |r| r.get(0))?;
            Some(keys.into_iter().collect())
        } else {
            None
        };
        let items_per_write = if tx.is_pg() {
            PG_ITEMS_PER_COPY
        } else {
            ITEM_CHUNK
        };
        Ok(ImportWriter {
            tx,
            bulk,
            batch_id,
            actor: actor.to_string(),
            account: self.account.clone(),
            at: at.to_string(),
            stored_before,
            next_id: stored_before + 1,
            judgments: 0,
            items_pending: Vec::with_capacity(ITEM_CHUNK),
            last_link,
            judgments_pending: Vec::with_capacity(2 * JUDGMENT_CHUNK),
            queue_counts: HashMap::new(),
            decisions: Vec::new(),
            deferred_indexes: None,
            rubric_id,
            rubric_sha: rubric.sha256.clone(),
            batch_had_items,
            stored_keys,
            items_per_write,
            rounds: Vec::new(),
            applied_rounds: 0,
            last_new: None,
            items_sql: BulkInsert::new("items", &ITEM_COLUMNS, ITEM_CHUNK),
            judgments_sql: BulkInsert::new("judgments", &JUDGMENT_COLUMNS, JUDGMENT_CHUNK),
        })
    }
}

impl ImportWriter<'_> {
    /// Adds one item; it reaches the database with the next full chunk or at commit. An item
    /// the batch already holds is a new round of its panel, taken only when the item was sent
    /// for re-review (the decision in force), and applied at commit.
    pub fn add_item(&mut self, item: PreparedItem) -> Result<()> {
        if item.round > 1 {
            // a later round of the item just added, new in this import
            let Some(id) = self.last_new else {
                return Err(StoreError::RoundRefused {
                    origin: item.origin.clone(),
                    item: item.key.clone(),
                    why: "is in this batch already: a line with earlier rounds imports a new item"
                        .into(),
                });
            };
            self.rounds.push((id, item.round, item));
            return Ok(());
        }
        let mut item = if self.batch_had_items
            && self
                .stored_keys
                .as_ref()
                .is_none_or(|keys| keys.contains(&item.key))
        {
            match self.take_round(item)? {
                Some(item) => item,
                None => {
                    self.last_new = None;
                    return Ok(());
                }
            }
        } else {
            item
        };
        let id = self.next_id;
        self.last_new = Some(id);
        self.next_id += 1;
        for (seq, j) in std::mem::take(&mut item.judgments).into_iter().enumerate() {
            self.judgments_pending.push((id, seq as i64, j));
        }
        if let Some(d) = item.decision.take() {
            self.decisions.push((id, item.key.clone(), d));
        }
        *self
            .queue_counts
            .entry((item.task.clone(), item.class, item.flags.0))
            .or_default() += 1;
        self.last_link = chain::link(&self.last_link, &item.digest);
        self.items_pending.push((id, self.last_link, item));
        if self.items_pending.len() == self.items_per_write {
            self.flush_items()?;
            self.flush_judgments(false)?;
        }
        if self.deferred_indexes.is_none()
            && id - self.stored_before > DEFER_INDEXES_AFTER.max(self.stored_before)
        {
            self.defer_indexes()?;
        }
        Ok(())
    }

    /// Keeps `item` as the next round of the stored item of its id, when that item was sent for
    /// re-review; gives it back when the batch holds no such item. An item stored and not sent
    /// back is refused.
    fn take_round(&mut self, item: PreparedItem) -> Result<Option<PreparedItem>> {
        let stored: Option<(i64, String, i64, String, String, Option<String>)> = self
            .tx
            .prepare_cached(
                "SELECT id, status, round, panel_kind, payload, gold_label FROM items
                 WHERE batch_id = ?1 AND item_key = ?2",
            )?
            .query_row(params![self.batch_id, item.key], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })
            .optional()?;
        let Some((id, status, round, panel_kind, payload, gold_label)) = stored else {
            return Ok(Some(item));
        };
        let refuse = |why: String| StoreError::RoundRefused {
            origin: item.origin.clone(),
            item: item.key.clone(),
            why,
        };
        if status != "rereview" {
            return Err(refuse(format!(
                "is already in this batch and was not sent back for re-review (its decision                  status is {status}); its panel record is never replaced"
            )));
        }
        if panel_kind != item.panel_kind {
            return Err(refuse(format!(
                "was imported as {panel_kind}: its round {} must be {panel_kind} too",
                round + 1
            )));
        }
        if (item.payload != "{}" && item.payload != payload)
            || (item.gold_label.is_some() && item.gold_label != gold_label)
        {
            return Err(refuse(format!(
                "its round {} gives item fields or a gold label other than the item's",
                round + 1
            )));
        }
        if self.rounds.iter().any(|(other, _, _)| *other == id) {
            return Err(refuse("is given two new rounds in one import".into()));
        }
        self.rounds.push((id, round + 1, item));
        Ok(None)
    }

    /// Writes the pending items in one statement.
    fn flush_items(&mut self) -> Result<()> {
        if self.items_pending.is_empty() {
            return Ok(());
        }
        let summaries: Vec<[DbValue; 12]> = self
            .items_pending
            .iter()
            .map(|(_, _, it)| it.summary())
            .collect();
        let mut values = Vec::with_capacity(ITEM_COLUMNS.len() * self.items_pending.len());
        for ((id, link, it), summary) in self.items_pending.iter().zip(&summaries) {
            values.extend([
                ValueRef::Int(*id),
                ValueRef::Int(self.batch_id),
                ValueRef::Text(&it.key),
                ValueRef::Text(&it.task),
                ValueRef::Text(&it.payload),
                it.gold_label.to_db(),
                ValueRef::Text(it.panel_kind),
                ValueRef::Text(&it.counts),
            ]);
            values.extend(summary.iter().map(ToDb::to_db));
            values.push(ValueRef::Blob(&link[..]));
        }
        match self.tx.insert_rows(&self.items_sql, &values) {
            Err(e) if e.is_constraint() => {
                drop(values);
                return Err(self.already_stored().unwrap_or(e));
            }
            other => other?,
        }
        for (id, _, it) in &self.items_pending {
            if let Some(version) = it.rubric_version {
                self.tx
                    .prepare_cached(
                        "INSERT INTO item_rubric_versions (item_id, round, version)
                         VALUES (?1, 1, ?2)",
                    )?
                    .execute(params![id, version])?;
            }
        }
        self.items_pending.clear();
        Ok(())
    }

    /// The error naming the first pending item already in the batch, if any is.
    fn already_stored(&self) -> Option<StoreError> {
        let mut stmt = self
            .tx
            .prepare_cached("SELECT 1 FROM items WHERE batch_id = ?1 AND item_key = ?2")
            .ok()?;
        let item = self
            .items_pending
            .iter()
            .map(|(_, _, it)| it)
            .find(|it| stmt.exists(params![self.batch_id, it.key]).unwrap_or(false))?;
        Some(StoreError::ItemExists {
            origin: item.origin.to_string(),
            item: item.key.clone(),
        })
    }

    /// Writes the pending judgments (of items already written) in full chunks, and the rest
    /// too when `all`.
    fn flush_judgments(&mut self, all: bool) -> Result<()> {
        // SQLite's statements are cached by their text: full chunks until the last
        let pending = self.judgments_pending.len();
        let done = if all || self.tx.is_pg() {
            pending
        } else {
            pending - pending % JUDGMENT_CHUNK
        };
        if done > 0 {
            let mut values = Vec::with_capacity(JUDGMENT_COLUMNS.len() * done);
            for (item_id, seq, j) in &self.judgments_pending[..done] {
                values.extend([
                    ValueRef::Int(*item_id),
                    ValueRef::Int(*seq),
                    ValueRef::Text(&j.reviewer),
                    ValueRef::Text(&j.label),
                    j.raw_confidence.to_db(),
                    j.confidence.to_db(),
                    j.evidence.to_db(),
                    ValueRef::Text(&j.attributes),
                ]);
            }
            self.tx.insert_rows(&self.judgments_sql, &values)?;
        }
        self.judgments += done as u64;
        self.judgments_pending.drain(..done);
        Ok(())
    }

    /// Drops the queue indexes of the items table (ours only: an index someone added, a
    /// unique one say, keeps working row by row) for the rest of this import, keeping their
    /// definitions to rebuild them at commit.
    fn defer_indexes(&mut self) -> Result<()> {
        let defs = drop_indexes(&self.tx, "items", &["items_queue_*", "items_triage_*"])?;
        self.deferred_indexes = Some(defs);
        Ok(())
    }

    /// Records a decision its source carried, credited as the source says, else to the
    /// importer now.
    fn record_decision(&self, item: super::ItemAt<'_>, d: &SourceDecision) -> Result<i64> {
        let (actor, at) = d
            .credit
            .as_ref()
            .map_or((self.actor.as_str(), self.at.as_str()), |(a, t)| {
                (a.as_str(), t.as_str())
            });
        super::decisions::insert(&self.tx, item, &d.decision, actor, at, None)
    }

    /// Applies the new rounds: each round's row (chained) and judgments, the item's summary
    /// and round, its status back to pending (the round answers the re-review), and the
    /// decision its source carried. Returns the judgments written.
    fn apply_rounds(&mut self) -> Result<u64> {
        if self.rounds.is_empty() {
            return Ok(0);
        }
        let _summaries = Summaries::allow(&self.tx)?;
        let mut last = Chain::Rounds.last(&self.tx, Some(self.batch_id))?;
        let mut judgments = 0;
        for (id, round, it) in std::mem::take(&mut self.rounds) {
            // The round answers the re-review in force on the round before it.
            let answers = current_decision(&super::decisions::history(&self.tx, id)?, round - 1)
                .map(|d| d.id)
                .ok_or(StoreError::NoRow)?;
            let mut content = chain::round(&RoundFields {
                item_key: &it.key,
                round,
                panel_kind: it.panel_kind,
                counts: &it.counts,
                rubric_sha256: &self.rubric_sha,
                named_version: it.rubric_version,
                answers,
                actor: &self.actor,
                at: &self.at,
            });
            for j in &it.judgments {
                content = chain::judgment(content, &j.fields());
            }
            last = chain::link(&last, &content.digest());
            let first_seq: i64 = self.tx.query_row(
                "SELECT coalesce(max(seq), -1) + 1 FROM judgments WHERE item_id = ?1",
                params![id],
                |r| r.get(0),
            )?;
            self.tx
                .prepare_cached(
                    "INSERT INTO rounds (item_id, round, panel_kind, counts, first_seq, rubric_id,
                                         answers, actor, at, chain)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                )?
                .execute(params![
                    id,
                    round,
                    it.panel_kind,
                    it.counts,
                    first_seq,
                    self.rubric_id,
                    answers,
                    self.actor,
                    self.at,
                    &last[..]
                ])?;
            if let Some(version) = it.rubric_version {
                self.tx
                    .prepare_cached(
                        "INSERT INTO item_rubric_versions (item_id, round, version)
                         VALUES (?1, ?2, ?3)",
                    )?
                    .execute(params![id, round, version])?;
            }
            let mut insert = self.tx.prepare_cached(
                "INSERT INTO judgments (item_id, seq, reviewer, label, raw_confidence, confidence,
                                        evidence, attributes, round)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?;
            for (seq, j) in (first_seq..).zip(&it.judgments) {
                insert.execute(params![
                    id,
                    seq,
                    j.reviewer,
                    j.label,
                    j.raw_confidence,
                    j.confidence,
                    j.evidence,
                    j.attributes,
                    round
                ])?;
                judgments += 1;
            }
            drop(insert);
            self.tx
                .prepare_cached(
                    "UPDATE items SET round = ?2, reviewer_count = ?3, top_label = ?4,
                        top_share = ?5, entropy = ?6, norm_entropy = ?7, mean_confidence = ?8,
                        class = ?9, flags = ?10, unflagged = ?11, neg_entropy = ?12,
                        conf_key = ?13, class_rank = ?14, status = 'pending'
                     WHERE id = ?1",
                )?
                .execute(&super::db::args(
                    &[DbValue::Int(id), DbValue::Int(round)]
                        .into_iter()
                        .chain(it.summary())
                        .collect::<Vec<_>>(),
                ))?;
            // The models' KL of the item follows its new panel.
            super::predictions::follow_panel(&self.tx, id)?;
            if let Some(d) = &it.decision {
                let item = super::ItemAt {
                    id,
                    batch_id: self.batch_id,
                    key: &it.key,
                    round,
                };
                self.record_decision(item, d)?;
            }
            self.applied_rounds += 1;
        }
        Ok(judgments)
    }

    /// Writes what is pending, rebuilds deferred indexes, adds the queue counts and the
    /// decisions, applies the new rounds, logs the import with `details` and commits.
    pub fn commit(mut self, mut details: serde_json::Value) -> Result<Written> {
        self.flush_items()?;
        self.flush_judgments(true)?;
        for sql in self.deferred_indexes.take().unwrap_or_default() {
            self.tx.execute_batch(&sql)?;
        }
        self.bulk.triggers_on()?;
        let items = (self.next_id - self.stored_before - 1) as u64;
        if let Some(map) = details.as_object_mut() {
            map.insert("items".into(), items.into());
            map.insert("judgments".into(), self.judgments.into());
        }
        // SQLite's count triggers were off for the items; PostgreSQL's count each statement's
        // new items (schema_1.sql).
        if !self.tx.is_pg() {
            for ((task, class, flags), n) in &self.queue_counts {
                self.tx
                    .prepare_cached(
                        "INSERT INTO queue_counts (batch_id, task, class, flags, status, n)
                         VALUES (?1, ?2, ?3, ?4, 'pending', ?5)
                         ON CONFLICT (batch_id, task, class, flags, status)
                         DO UPDATE SET n = queue_counts.n + excluded.n",
                    )?
                    .execute(params![self.batch_id, task, class.as_str(), flags, n])?;
            }
        }
        for (id, key, d) in &self.decisions {
            let item = super::ItemAt {
                id: *id,
                batch_id: self.batch_id,
                key,
                round: 1,
            };
            self.record_decision(item, d)?;
        }
        let round_judgments = self.apply_rounds()?;
        if let Some(map) = details.as_object_mut()
            && self.applied_rounds > 0
        {
            map.insert("rounds".into(), self.applied_rounds.into());
            map.insert("round_judgments".into(), round_judgments.into());
        }
        super::events::append(
            &self.tx,
            &super::events::NewEvent {
                batch_id: Some(self.batch_id),
                item: None,
                actor: &self.actor,
                account: self.account.as_deref(),
                at: &self.at,
                action: "import",
                details: &details,
            },
        )?;
        let written = Written {
            items,
            rounds: self.applied_rounds,
            judgments: self.judgments + round_judgments,
        };
        let db = self.tx.commit()?;
        db.analyze("items", written.items)?;
        db.analyze("judgments", written.judgments)?;
        Ok(written)
    }
}

/// Drops the indexes of `table` whose names match one of `patterns` (GLOB), inside the
/// caller's transaction, and returns their definitions, to be run again at commit: one sort
/// then, instead of a random B-tree insert per row.
/// Nothing on PostgreSQL, where dropping an index takes a lock that would stall every console.
pub(super) fn drop_indexes(tx: &Db, table: &str, patterns: &[&str]) -> Result<Vec<String>> {
    let mut defs = Vec::new();
    if tx.is_pg() {
        return Ok(defs);
    }
    for pattern in patterns {
        let found: Vec<(String, String)> = tx
            .prepare_cached(
                "SELECT name, sql FROM sqlite_schema
                 WHERE type = 'index' AND tbl_name = ?1 AND sql IS NOT NULL AND name GLOB ?2",
            )?
            .query_map(params![table, pattern], |r| Ok((r.get(0)?, r.get(1)?)))?;
        for (name, sql) in found {
            tx.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))?;
            defs.push(sql);
        }
    }
    Ok(defs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::Judgment;

    const RUBRIC: &str = "task: t\nversion: 1\nlabels:\n  - id: a\n  - id: b\n";

    fn item(rubric: &Rubric, key: &str) -> PreparedItem {
        let panel = Panel::Judgments(vec![Judgment {
            reviewer: "R1".into(),
            label: "a".into(),
            raw_confidence: None,
            confidence: None,
            evidence: None,
            attributes: serde_json::Map::new(),
        }]);
        let summary = crate::domain::triage::summarize(&panel, rubric, None);
        let record = ItemRecord {
            item_id: key.into(),
            task: "t".into(),
            payload: serde_json::Map::new(),
            gold_label: None,
            panel,
        };
        PreparedItem::new(
            record,
            &summary,
            rubric,
            Source {
                decision: None,
                rubric_version: None,
                round: 1,
                origin: "test:1".into(),
            },
        )
    }

    /// Foreign keys (1 on) and synchronous (2 FULL, 1 NORMAL) of the store's connection; panics
    /// unless its triggers are on.
    fn settings(store: &Store) -> (i64, i64) {
        let pragma = |name| {
            store
                .conn
                .sqlite()
                .unwrap()
                .pragma_query_value(None, name, |r| r.get(0))
                .expect("pragma")
        };
        assert!(
            store
                .conn
                .sqlite()
                .unwrap()
                .db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER)
                .expect("config"),
            "triggers on outside an import"
        );
        (pragma("foreign_keys"), pragma("synchronous"))
    }

    #[test]
    fn foreign_keys_full_sync_and_triggers_are_off_only_while_an_import_is_open() {
        let rubric = Rubric::parse(RUBRIC).expect("rubric");
        let mut store = Store::open_in_memory().expect("store");
        assert_eq!(settings(&store), (1, 2));

        let mut w = store
            .import_writer("b", &rubric, "me", "now")
            .expect("writer");
        w.add_item(item(&rubric, "x")).expect("add");
        let during: (i64, i64) =
            w.tx.query_row(
                "SELECT * FROM pragma_foreign_keys, pragma_synchronous",
                params![],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("pragmas");
        assert_eq!(during, (0, 1), "off during the import");
        assert!(
            !w.tx
                .sqlite()
                .unwrap()
                .db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER)
                .expect("config"),
            "and so are the triggers"
        );
        w.commit(serde_json::json!({})).expect("commit");
        assert_eq!(settings(&store), (1, 2), "back on after a commit");
        let dangling: i64 = store
            .conn
            .query_row(
                "SELECT count(*) FROM pragma_foreign_key_check",
                params![],
                |r| r.get(0),
            )
            .expect("check");
        assert_eq!(dangling, 0, "every id the import wrote refers to a row");

        let mut w = store
            .import_writer("b", &rubric, "me", "now")
            .expect("writer");
        assert!(
            w.add_item(item(&rubric, "x")).is_err(),
            "x is already there, and was not sent back for re-review"
        );
        w.add_item(item(&rubric, "y")).expect("queued");
        w.add_item(item(&rubric, "y")).expect("queued");
        assert!(w.commit(serde_json::json!({})).is_err(), "y twice");
        assert_eq!(settings(&store), (1, 2), "back on after a failed commit");

        store
            .conn
            .execute("UPDATE batches SET status = 'finalized'", params![])
            .expect("finalize");
        assert!(store.import_writer("b", &rubric, "me", "now").is_err());
        assert_eq!(settings(&store), (1, 2), "back on after a refused start");

        let w = store
            .import_writer("c", &rubric, "me", "now")
            .expect("writer");
        drop(w);
        assert_eq!(
            settings(&store),
            (1, 2),
            "back on after an abandoned import"
        );
        assert!(store.batch(Some("c")).is_err(), "which wrote nothing");
    }

    #[test]
    fn the_insert_triggers_an_import_turns_off_only_check_the_writer() {
        let store = Store::open_in_memory().expect("store");
        let mut stmt = store
            .conn
            .prepare(
                "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger'
                 AND tbl_name IN ('rubrics', 'batches', 'items', 'judgments', 'models', 'predictions')
                 AND sql LIKE '%INSERT ON%'",
            )
            .expect("triggers");
        let triggers: Vec<(String, String)> = stmt
            .query_map(&[], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("rows");
        assert_eq!(triggers.len(), 6, "{triggers:?}");
        for (name, sql) in triggers {
            let body = sql.split_once("BEGIN").map(|(_, b)| b.trim()).unwrap_or("");
            assert!(
                sql.contains("WHEN written_by_dissent_only() IS NOT 1")
                    && body.starts_with("SELECT RAISE(ABORT,")
                    && body.matches(';').count() == 1,
                "{name} does more than check the writer: the import would skip it\n{sql}"
            );
        }
    }
}
