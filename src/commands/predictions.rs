//! `dissent predictions import` and `dissent predictions list`.

use std::io::Write;
use std::path::Path;

use anyhow::Result;
use serde_json::json;

use crate::ingest::predictions::{
    PREDICTION_FIELDS, PredictionJob, import_predictions, label_order,
};
use crate::ingest::{FieldMap, ImportError};
use crate::store::Store;

/// An import of predictions as the command line asks for it.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// The predictions file (`-` for stdin).
    pub file: &'a Path,
    /// The batch, when the database holds several.
    pub batch: Option<&'a str>,
    /// The model's name.
    pub model: &'a str,
    /// `--labels`: the order of `probs` and `logits` arrays.
    pub labels: Option<&'a [String]>,
    /// `--map FIELD=COLUMN` pairs.
    pub maps: &'a [String],
    /// `--skip-unknown`.
    pub skip_unknown: bool,
    /// `--replace`.
    pub replace: bool,
    /// Who imports.
    pub actor: &'a str,
}

/// Imports a model's predictions into a batch, all or nothing.
pub fn import(store: &mut Store, request: &Request<'_>) -> Result<()> {
    let batch = store.batch(request.batch)?;
    let labels = label_order(&batch.rubric, request.labels).map_err(anyhow::Error::msg)?;
    let map = FieldMap::parse_for(request.maps, &PREDICTION_FIELDS).map_err(anyhow::Error::msg)?;
    let total = std::fs::metadata(request.file).map_or(0, |m| m.len());
    let bar = super::progress_bar(total);
    let at = super::now();
    let job = PredictionJob {
        path: request.file,
        batch: &batch,
        model: request.model,
        labels: &labels,
        map: &map,
        skip_unknown: request.skip_unknown,
        replace: request.replace,
        actor: request.actor,
        at: &at,
    };
    let result = import_predictions(store, &job, |n| {
        if let Some(b) = &bar {
            b.inc(n);
        }
    });
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let done = match result {
        Ok(done) => done,
        Err(ImportError::Input(issues)) => {
            super::note(format_args!("{}", issues.to_string().trim_end()));
            anyhow::bail!(
                "nothing imported: {} problem(s) in the input",
                issues.list().len()
            )
        }
        Err(e) => anyhow::bail!("nothing imported: {e}"),
    };
    let m = &done.model;
    let mut lines = vec![format!(
        "imported {} of model `{}` (version {}) into batch `{}`",
        super::counted(m.predictions, "prediction"),
        m.name,
        m.version,
        batch.name
    )];
    if done.missing > 0 {
        lines.push(format!(
            "{} of the batch {} no prediction",
            super::counted(done.missing, "item"),
            if done.missing == 1 { "has" } else { "have" }
        ));
    }
    if done.skipped > 0 {
        lines.push(format!(
            "{} for items not in the batch skipped",
            super::counted(done.skipped, "line")
        ));
    }
    if m.version > 1 {
        lines.push(format!(
            "version {} is kept, superseded (the event log records the replacement)",
            m.version - 1
        ));
    }
    super::say(format_args!("{}", lines.join("\n")))
}

/// Lists the models of a batch, every version.
pub fn list(store: &Store, batch: Option<&str>, as_json: bool) -> Result<()> {
    let batch = store.batch(batch)?;
    let models = store.models(&batch)?;
    let mut out = super::plain::stdout(as_json);
    if as_json {
        let rows: Vec<_> = models
            .iter()
            .map(|m| {
                json!({
                    "name": m.name, "version": m.version, "predictions": m.predictions,
                    "missing": batch.items.saturating_sub(m.predictions),
                    "source": m.source, "imported_at": m.imported_at,
                    "imported_by": m.imported_by, "superseded": m.superseded,
                })
            })
            .collect();
        writeln!(
            out,
            "{}",
            json!({"batch": batch.name, "items": batch.items, "models": rows})
        )?;
        return Ok(());
    }
    if models.is_empty() {
        writeln!(
            out,
            "batch {} has no model predictions (`dissent predictions import FILE --model NAME`)",
            batch.name
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "batch {} · {}",
        batch.name,
        super::counted(batch.items, "item")
    )?;
    for m in &models {
        writeln!(
            out,
            "{} v{}{}  {} predicted  from {}  imported {} by {}",
            m.name,
            m.version,
            if m.superseded { " (superseded)" } else { "" },
            m.predictions,
            m.source,
            m.imported_at,
            m.imported_by
        )?;
    }
    Ok(())
}
