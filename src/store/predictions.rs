//! Models and their predictions (schema_6_predictions.sql): written in one transaction per
//! import, read back for `eval`, the export and the console.

use std::ops::ControlFlow;

use super::batches::Batch;
use super::db::{BulkInsert, Db, Optional, Row, Tx, ValueRef, params};
use super::stored;
use super::writer::{BulkSettings, drop_indexes};
use super::{LATEST_COUNTS, LATEST_ROUND, Result, Store, StoreError};
use crate::domain::chain;
use crate::domain::divergence;
use crate::domain::metrics::shares;
use crate::domain::model::DisagreementClass;

/// One version of a model's predictions for a batch.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// Store id.
    pub id: i64,
    /// Its name, as given to `--model`.
    pub name: String,
    /// 1 for the first import of the name; each `--replace` adds one.
    pub version: i64,
    /// The file it was imported from, as named.
    pub source: String,
    /// When, RFC 3339 UTC.
    pub imported_at: String,
    /// Who imported it.
    pub imported_by: String,
    /// Items it predicts.
    pub predictions: u64,
    /// Whether a later version of the name replaced it.
    pub superseded: bool,
}

/// Rows per multi-row `INSERT`.
const CHUNK: usize = 200;

/// The columns a prediction import writes.
const PREDICTION_COLUMNS: [&str; 5] =
    ["model_id", "item_id", "distribution", "kl", "model_entropy"];

/// A model distribution as stored: little-endian 8-byte floats in rubric order.
fn pack(distribution: &[f64], out: &mut Vec<u8>) {
    for p in distribution {
        out.extend_from_slice(&p.to_le_bytes());
    }
}

/// A stored distribution of `k` labels, appended to `out`.
pub(super) fn unpack(
    row: impl FnOnce() -> String,
    blob: &[u8],
    k: usize,
    out: &mut Vec<f64>,
) -> Result<()> {
    if blob.len() != 8 * k {
        return Err(stored::corrupt(
            row(),
            "distribution",
            &format!("{} bytes", blob.len()),
            &format!("expected {k} labels of 8 bytes"),
        ));
    }
    out.extend(
        blob.chunks_exact(8)
            .map(|b| f64::from_le_bytes(b.try_into().unwrap_or_default())),
    );
    Ok(())
}

fn model_from_row(r: &Row<'_>) -> Result<Model> {
    Ok(Model {
        id: r.get(0)?,
        name: r.get(1)?,
        version: r.get(2)?,
        source: r.get(3)?,
        imported_at: r.get(4)?,
        imported_by: r.get(5)?,
        predictions: r.get(6)?,
        superseded: r.get(7)?,
    })
}

const MODEL_COLUMNS: &str = "m.id, m.name, m.version, m.source, m.imported_at, m.imported_by,
    m.predictions, EXISTS (SELECT 1 FROM models n WHERE n.batch_id = m.batch_id
                           AND n.name = m.name AND n.version > m.version)";

/// The digest of a model version's predictions as stored, in item order ([`chain::prediction`]);
/// `None` when a row does not read back (changed outside dissent).
pub(super) fn digest(conn: &Db, model: i64, name: &str, version: i64) -> Result<Option<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT i.item_key, p.distribution, p.import_kl, p.model_entropy
         FROM predictions p JOIN items i ON i.id = p.item_id
         WHERE p.model_id = ?1 ORDER BY p.item_id",
    )?;
    let mut rows = stmt.query(params![model])?;
    let mut content = chain::predictions(name, version);
    while let Some(r) = rows.next()? {
        let (Ok(key), Ok(blob), Ok(import_kl), Ok(h)) = (
            r.str(0),
            r.blob(1),
            r.get::<Option<f64>>(2),
            r.get::<f64>(3),
        ) else {
            return Ok(None);
        };
        content = chain::prediction(content, key, blob, import_kl, h);
    }
    Ok(Some(chain::hex(&content.digest())))
}

/// The KL of a prediction against the panel `counts`: the one computation the import, a new
/// round and `verify` share.
fn kl_against(counts: &[u64], distribution: &[f64]) -> f64 {
    divergence::compare(&shares(counts), distribution).kl_nats
}

/// Sets the KL of every prediction of item `item` (every model, every version) to the KL
/// against the item's panel in force, its latest round: called with a new round written, in
/// its transaction, while [`super::Summaries`] allows the change (schema 8's trigger).
pub(super) fn follow_panel(conn: &Db, item: i64) -> Result<()> {
    let mut read = conn.prepare_cached(&format!(
        "SELECT p.model_id, p.kl, i.item_key, {LATEST_COUNTS}, p.distribution, m.name
         FROM items i {LATEST_ROUND}
         JOIN models m ON m.batch_id = i.batch_id
         JOIN predictions p ON p.model_id = m.id AND p.item_id = i.id
         WHERE i.id = ?1"
    ))?;
    let mut changed = Vec::new();
    let (mut counts, mut dist) = (Vec::new(), Vec::new());
    read.for_each(params![item], |r| {
        read_prediction(r, r.str(5)?, None, &mut counts, &mut dist)?;
        let kl = kl_against(&counts, &dist);
        if kl.to_bits() != r.get::<f64>(1)?.to_bits() {
            changed.push((r.get::<i64>(0)?, kl));
        }
        Ok(ControlFlow::Continue(()))
    })?;
    let mut write =
        conn.prepare_cached("UPDATE predictions SET kl = ?3 WHERE model_id = ?1 AND item_id = ?2")?;
    for (model, kl) in changed {
        write.execute(params![model, item, kl])?;
    }
    Ok(())
}

/// Reads a prediction row's label counts (column 3) and model distribution (column 4, of
/// `labels` labels, else as many as the counts) into `counts` and `dist`, emptied first; a value
/// that does not read back is named by the row's item key (column 2) and `model`.
fn read_prediction(
    r: &Row<'_>,
    model: &str,
    labels: Option<usize>,
    counts: &mut Vec<u64>,
    dist: &mut Vec<f64>,
) -> Result<()> {
    counts.clear();
    dist.clear();
    let key = || {
        r.get::<String>(2)
            .map_or_else(|e| e.to_string(), |k| format!("item `{k}`"))
    };
    stored::counts(key, r.str(3)?, counts)?;
    unpack(
        || format!("prediction of {} by `{model}`", key()),
        r.blob(4)?,
        labels.unwrap_or(counts.len()),
        dist,
    )
}

/// Schema 8's hook: the KL of every prediction of an item with later rounds follows its latest
/// round (a round imported after the model, before the KL followed rounds, left it stale).
pub(super) fn follow_rounds(tx: &Db) -> Result<()> {
    let items: Vec<i64> = tx
        .prepare(
            "SELECT DISTINCT p.item_id FROM predictions p JOIN items i ON i.id = p.item_id
             WHERE i.round > 1",
        )?
        .query_map(&[], |r| r.get(0))?;
    let _summaries = super::Summaries::allow(tx)?;
    for item in items {
        follow_panel(tx, item)?;
    }
    Ok(())
}

/// Whether every prediction of `model` holds the KL against its item's latest round, as
/// [`follow_panel`] keeps it; `verify` names a model where one does not. The latest round is
/// read from the chained `rounds` themselves, not from the item row's `round` (which the chain
/// does not hold), and the KL is compared to a relative 1e-12: it is derived with `ln`, whose
/// last bit may differ between builds and platforms.
fn kl_follows_panel(conn: &Db, model: i64) -> Result<bool> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT p.item_id, p.kl, i.item_key, {LATEST_COUNTS}, p.distribution
         FROM predictions p JOIN items i ON i.id = p.item_id
         LEFT JOIN rounds r ON r.item_id = i.id
             AND r.round = (SELECT max(x.round) FROM rounds x WHERE x.item_id = i.id)
         WHERE p.model_id = ?1"
    ))?;
    let mut rows = stmt.query(params![model])?;
    let (mut counts, mut dist) = (Vec::new(), Vec::new());
    while let Some(r) = rows.next()? {
        let Ok(kl) = r.get::<f64>(1) else {
            return Ok(false);
        };
        if read_prediction(&r, "", None, &mut counts, &mut dist).is_err()
            || (kl_against(&counts, &dist) - kl).abs() > 1e-12 * kl.abs().max(1.0)
        {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The latest version of the model `name` of batch `batch_id`, if it has one.
fn latest(conn: &Db, batch_id: i64, name: &str) -> Result<Option<Model>> {
    conn.query_row(
        &format!(
            "SELECT {MODEL_COLUMNS} FROM models m WHERE m.batch_id = ?1 AND m.name = ?2
                 ORDER BY m.version DESC LIMIT 1"
        ),
        params![batch_id, name],
        model_from_row,
    )
    .optional()
}

impl Store {
    /// Every model version of the batch whose predictions no longer hash to the digest its
    /// import logged, or whose KL is not the KL against its items' latest rounds: (name,
    /// version), named by `verify`.
    pub(super) fn changed_models(&self, batch: &Batch) -> Result<Vec<(String, i64)>> {
        let mut changed = Vec::new();
        // The imports' events, few beside the predictions, read once; their details parsed here
        // (the JSON functions of the two databases differ).
        let imports: Vec<serde_json::Value> = self
            .conn
            .prepare(
                "SELECT details FROM events
                 WHERE batch_id = ?1 AND action IN ('import_predictions', 'replace_predictions')
                 ORDER BY id",
            )?
            .query_map(params![batch.id], |r| {
                Ok(serde_json::from_str(r.str(0)?).unwrap_or_default())
            })?;
        for m in self.models(batch)? {
            let logged = imports
                .iter()
                .find(|d| d["model"] == m.name.as_str() && d["version"] == m.version)
                .and_then(|d| d["digest"].as_str())
                .map(str::to_string);
            let now = digest(&self.conn, m.id, &m.name, m.version)?;
            if logged.is_none() || now != logged || !kl_follows_panel(&self.conn, m.id)? {
                changed.push((m.name, m.version));
            }
        }
        Ok(changed)
    }

    /// Every model version of the batch, by name then version.
    pub fn models(&self, batch: &Batch) -> Result<Vec<Model>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {MODEL_COLUMNS} FROM models m WHERE m.batch_id = ?1 ORDER BY m.name, m.version"
        ))?;
        let rows = stmt.query_map(params![batch.id], model_from_row)?;
        Ok(rows)
    }

    /// The version in force (the latest) of the model `name` of the batch.
    pub fn model(&self, batch: &Batch, name: &str) -> Result<Model> {
        latest(&self.conn, batch.id, name)?.ok_or_else(|| StoreError::UnknownModel {
            model: name.into(),
            batch: batch.name.clone(),
        })
    }

    /// The names of the batch's models, each in force in its latest version.
    pub fn model_names(&self, batch: &Batch) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT DISTINCT name FROM models WHERE batch_id = ?1 ORDER BY name")?;
        let rows = stmt.query_map(params![batch.id], |r| r.get(0))?;
        Ok(rows)
    }

    /// The prediction of item `item_key` by the version in force of model `name`: its
    /// distribution (rubric order) and KL(panel ‖ model) against the item's latest round (as
    /// stored: [`follow_panel`] keeps it so); `None` when it predicts none.
    pub fn prediction(
        &self,
        batch: &Batch,
        name: &str,
        item_key: &str,
    ) -> Result<Option<(Vec<f64>, f64)>> {
        let model = self.model(batch, name)?;
        let k = batch.rubric.labels.len();
        let found = self
            .conn
            .prepare_cached(
                "SELECT p.distribution, p.kl FROM predictions p JOIN items i ON i.id = p.item_id
                 WHERE p.model_id = ?1 AND i.batch_id = ?2 AND i.item_key = ?3",
            )?
            .query_row(params![model.id, batch.id, item_key], |r| {
                let mut dist = Vec::with_capacity(k);
                let row = || format!("prediction of item `{item_key}` by `{name}`");
                unpack(row, r.blob(0)?, k, &mut dist)?;
                Ok((dist, r.get(1)?))
            })
            .optional()?;
        Ok(found)
    }

    /// Calls `f` with every prediction of `model`, in item order: the item's rowid, class and
    /// label counts, and the model's distribution (rubric order).
    pub fn for_each_prediction(
        &self,
        batch: &Batch,
        model: &Model,
        mut f: impl FnMut(i64, DisagreementClass, &[u64], &[f64]),
    ) -> Result<()> {
        let k = batch.rubric.labels.len();
        let mut stmt = self.conn.prepare(&format!(
            "SELECT p.item_id, i.class, i.item_key, {LATEST_COUNTS}, p.distribution
             FROM predictions p JOIN items i ON i.id = p.item_id {LATEST_ROUND}
             WHERE p.model_id = ?1 ORDER BY p.item_id"
        ))?;
        let (mut counts, mut dist) = (Vec::new(), Vec::new());
        stmt.for_each(params![model.id], |r| {
            read_prediction(r, &model.name, Some(k), &mut counts, &mut dist)?;
            let class = r.str(1)?;
            let class = DisagreementClass::parse(class).ok_or_else(|| {
                stored::corrupt(
                    format!("item `{}`", r.get::<String>(2).unwrap_or_default()),
                    "class",
                    class,
                    "not a class",
                )
            })?;
            f(r.get(0)?, class, &counts, &dist);
            Ok(ControlFlow::Continue(()))
        })?;
        Ok(())
    }

    /// Starts the import of predictions for `name` into the batch, by `actor` at `at`: a new
    /// model, or with `replace` a new version of one (refused without it).
    pub fn prediction_writer(
        &mut self,
        batch: &Batch,
        name: &str,
        replace: bool,
        actor: &str,
        at: &str,
    ) -> Result<PredictionWriter<'_>> {
        let bulk = BulkSettings::new(&self.conn)?;
        let tx = super::writer::bulk_tx(&self.conn)?;
        // Importing a model's predictions is an import: the roles that may import may.
        super::staff::require(&tx, actor, crate::domain::team::Act::Import)?;
        let latest = latest(&tx, batch.id, name)?;
        if let Some(m) = &latest
            && !replace
        {
            return Err(StoreError::ModelExists {
                model: name.into(),
                batch: batch.name.clone(),
                at: m.imported_at.clone(),
                by: m.imported_by.clone(),
            });
        }
        let (model_id, stored): (i64, u64) = tx.query_row(
            "SELECT coalesce(max(id), 0) + 1, CAST(coalesce(sum(predictions), 0) AS BIGINT) FROM models",
            params![],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(PredictionWriter {
            tx,
            bulk,
            batch_id: batch.id,
            k: batch.rubric.labels.len(),
            name: name.into(),
            model_id,
            replaces: latest,
            pending: Vec::with_capacity(CHUNK),
            insert: BulkInsert::new("predictions", &PREDICTION_COLUMNS, CHUNK),
            written: 0,
            stored,
            deferred_index: None,
            actor: actor.into(),
            at: at.into(),
            account: self.account.clone(),
        })
    }
}

/// A prediction to write: the item's rowid, the distribution, KL and model entropy.
struct Pending {
    item: i64,
    distribution: Vec<u8>,
    kl: f64,
    entropy: f64,
}

/// An item of the batch as a prediction needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct PanelOf {
    /// Rowid.
    pub id: i64,
    /// Label counts, rubric order.
    pub counts: Vec<u64>,
}

/// Writes one model's predictions inside a single transaction; dropping it without
/// [`PredictionWriter::commit`] rolls everything back.
pub struct PredictionWriter<'a> {
    tx: Tx<'a>,
    /// Dropped after `tx`, so the connection's settings come back once it has ended.
    bulk: BulkSettings<'a>,
    batch_id: i64,
    k: usize,
    name: String,
    model_id: i64,
    /// The version this import replaces.
    replaces: Option<Model>,
    pending: Vec<Pending>,
    insert: BulkInsert,
    written: u64,
    /// Predictions stored before this import.
    stored: u64,
    /// The KL index, dropped for this import once it outgrows what is stored (see
    /// [`DEFER_INDEX_AFTER`]), rebuilt at commit.
    deferred_index: Option<Vec<String>>,
    /// Who imports, when, and the OS account, for the model row and the event.
    actor: String,
    at: String,
    account: Option<String>,
}

/// Predictions past which an import that also passes half of those stored drops the KL
/// index and builds it once at commit: inserting a million rows at KL order's random places
/// costs half the import, while the rebuild is one sort of every stored prediction.
const DEFER_INDEX_AFTER: u64 = 2_000;

impl PredictionWriter<'_> {
    /// The rowid and label counts of item `key` of the batch, `None` when it has none.
    pub fn item(&self, key: &str) -> Result<Option<PanelOf>> {
        let mut stmt = self.tx.prepare_cached(&format!(
            "SELECT i.id, {LATEST_COUNTS} FROM items i {LATEST_ROUND}
             WHERE i.batch_id = ?1 AND i.item_key = ?2"
        ))?;
        let row = stmt
            .query_row(params![self.batch_id, key], |r| {
                let mut counts = Vec::new();
                stored::counts(|| format!("item `{key}`"), r.str(1)?, &mut counts)?;
                Ok(PanelOf {
                    id: r.get(0)?,
                    counts,
                })
            })
            .optional()?;
        Ok(row)
    }

    /// Adds the prediction of item `item` (a rowid from [`PredictionWriter::item`], once):
    /// the distribution in rubric order, its KL(panel ‖ model) and entropy.
    pub fn add(&mut self, item: i64, distribution: &[f64], kl: f64, entropy: f64) -> Result<()> {
        debug_assert_eq!(distribution.len(), self.k);
        let mut blob = Vec::with_capacity(8 * self.k);
        pack(distribution, &mut blob);
        self.pending.push(Pending {
            item,
            distribution: blob,
            kl,
            entropy,
        });
        if self.pending.len() == CHUNK {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let mut values = Vec::with_capacity(PREDICTION_COLUMNS.len() * self.pending.len());
        for p in &self.pending {
            values.extend([
                ValueRef::Int(self.model_id),
                ValueRef::Int(p.item),
                ValueRef::Blob(&p.distribution),
                ValueRef::Real(p.kl),
                ValueRef::Real(p.entropy),
            ]);
        }
        self.tx.insert_rows(&self.insert, &values)?;
        self.written += self.pending.len() as u64;
        self.pending.clear();
        if self.deferred_index.is_none() && self.written > DEFER_INDEX_AFTER.max(self.stored / 2) {
            self.deferred_index = Some(drop_indexes(
                &self.tx,
                "predictions",
                &["predictions_by_kl"],
            )?);
        }
        Ok(())
    }

    /// Writes what is pending and the model row (`source` the file as named), logs the import
    /// with `details` (the replaced version named when there is one) and commits. Returns the
    /// model as written.
    pub fn commit(mut self, source: &str, mut details: serde_json::Value) -> Result<Model> {
        let (actor, at) = (self.actor.clone(), self.at.clone());
        self.flush()?;
        for sql in self.deferred_index.take().unwrap_or_default() {
            self.tx.execute_batch(&sql)?;
        }
        self.bulk.triggers_on()?;
        let version = self.replaces.as_ref().map_or(1, |m| m.version + 1);
        self.tx.execute(
            "INSERT INTO models (id, batch_id, name, version, source, imported_at, imported_by, predictions)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![self.model_id, self.batch_id, self.name, version, source, at, actor, self.written],
        )?;
        let digest = digest(&self.tx, self.model_id, &self.name, version)?;
        if let Some(map) = details.as_object_mut() {
            map.insert("model".into(), self.name.clone().into());
            map.insert("version".into(), version.into());
            map.insert("predictions".into(), self.written.into());
            map.insert("digest".into(), digest.into());
            if let Some(old) = &self.replaces {
                map.insert("replaces_version".into(), old.version.into());
            }
        }
        let action = if self.replaces.is_some() {
            "replace_predictions"
        } else {
            "import_predictions"
        };
        super::events::append(
            &self.tx,
            &super::events::NewEvent {
                batch_id: Some(self.batch_id),
                item: None,
                actor: &actor,
                account: self.account.as_deref(),
                at: &at,
                action,
                details: &details,
            },
        )?;
        self.tx.commit()?.analyze("predictions", self.written)?;
        Ok(Model {
            id: self.model_id,
            name: self.name,
            version,
            source: source.into(),
            imported_at: at,
            imported_by: actor,
            predictions: self.written,
            superseded: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distributions_round_trip_and_a_short_blob_is_named() {
        let mut blob = Vec::new();
        pack(&[0.25, 0.5, 0.25], &mut blob);
        let mut out = Vec::new();
        unpack(|| "x".into(), &blob, 3, &mut out).expect("reads");
        assert_eq!(out, vec![0.25, 0.5, 0.25]);
        let e = unpack(|| "prediction of item `x`".into(), &blob[..20], 3, &mut out)
            .expect_err("short");
        assert!(e.to_string().contains("prediction of item `x`"), "{e}");
    }
}
