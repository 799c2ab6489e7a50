//! Renderings of the report model ([`crate::domain::report::Report`]): every one shows only
//! what the model holds — the JSON and CSV directly, the HTML page and the PDF through one
//! [`document::Document`] of what a page shows; its charts, drawn once as SVG; and [`collect`],
//! which fills the model from the store.

pub mod charts;
pub mod csv;
pub mod document;
pub mod figures;
pub mod html;
pub mod pdf;

use std::ops::ControlFlow;

use crate::domain::decision::current_decision;
use crate::domain::divergence::Scores;
use crate::domain::metrics::shares;
use crate::domain::report::{
    Forced, ItemInput, ModelSection, Report, ReportBuilder, ReportContext, Vote,
};
use crate::store::{Batch, BatchStatus, EventFilter, Model, Store, StoreError};

/// Items per chunk read from the store.
const CHUNK: usize = 4096;

/// The report of `batch`, read in one pass over its items in `item_id` order; with `focus`,
/// also the lists of that reviewer's sheet.
pub fn collect(
    store: &Store,
    batch: &Batch,
    focus: Option<&str>,
    context: ReportContext,
) -> Result<Report, StoreError> {
    let rubric = &batch.rubric;
    let mut builder = ReportBuilder::new(rubric);
    if let Some(name) = focus {
        builder = builder.focus(name);
    }
    store.for_each_packed(batch, CHUNK, |packed| {
        let mut votes = Vec::new();
        for item in packed.iter() {
            votes.clear();
            votes.extend(item.judgments().filter_map(|j| {
                Some(Vote {
                    reviewer: j.reviewer,
                    label: rubric.label_index(j.label)?,
                    confidence: j.confidence,
                })
            }));
            builder.add(&ItemInput {
                item_id: item.item_id(),
                counts: item.counts(),
                votes: &votes,
                counts_only: item.counts_only(),
                gold_label: item.gold_label(),
                norm_entropy: item.norm_entropy(),
                mean_confidence: item.mean_confidence(),
                class: item.class(),
                flags: item.flags(),
                status: item.status(),
                decision: current_decision(item.decisions(), item.round()),
            });
        }
        ControlFlow::Continue(())
    })?;
    let mut report = builder.finish(context);
    report.header.forced = forced(store, batch)?;
    let labels = rubric.labels.len();
    for model in store.models(batch)?.iter().filter(|m| !m.superseded) {
        let scores = model_scores(store, batch, model)?;
        report.models.push(ModelSection::new(
            &model.name,
            model.version,
            &scores,
            labels,
        ));
    }
    Ok(report)
}

/// The facts of a report that come from the moment it is made: `batch` as it stands, made by
/// `actor` at `at`.
#[must_use]
pub fn context(batch: &Batch, actor: &str, at: &str) -> ReportContext {
    ReportContext {
        batch: batch.name.clone(),
        status: batch.status.as_str().into(),
        generated_at: at.into(),
        tool_version: env!("CARGO_PKG_VERSION").into(),
        generated_by: actor.into(),
    }
}

/// What the `finalize` event of a batch finalized with `--force` counted as still open.
fn forced(store: &Store, batch: &Batch) -> Result<Option<Forced>, StoreError> {
    if batch.status != BatchStatus::Finalized {
        return Ok(None);
    }
    let events = store.events(&EventFilter {
        batch: Some(batch),
        ..EventFilter::default()
    })?;
    let Some(last) = events.iter().rev().find(|e| e.action == "finalize") else {
        return Ok(None);
    };
    let d = &last.details;
    if d["forced"] != true {
        return Ok(None);
    }
    let count = |kind: &str| d["open"][kind]["count"].as_u64().unwrap_or(0);
    Ok(Some(Forced {
        flagged_pending: count("flagged_pending"),
        awaiting_rereview: count("awaiting_rereview"),
    }))
}

/// A model's scores against each item's latest round, as `dissent eval` and the report give
/// them.
pub fn model_scores(store: &Store, batch: &Batch, model: &Model) -> Result<Scores, StoreError> {
    let mut scores = Scores::default();
    store.for_each_prediction(batch, model, |item, class, counts, dist| {
        scores.add(item, class, &shares(counts), dist);
    })?;
    Ok(scores)
}
