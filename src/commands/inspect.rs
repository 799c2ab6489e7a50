//! Read-only commands: `items`, `show`, `log`.

use std::io::Write;

use anyhow::Result;
use serde_json::{Value, json};

use crate::domain::decision::Decision;
use crate::domain::model::Panel;
use crate::domain::triage::summarize;
use crate::store::{Direction, QueueFilter, QueueRow, SortKey, Store, StoredItem};
use crate::text::inert;

const PAGE: usize = 1000;

fn row_json(r: &QueueRow) -> Value {
    json!({
        "item_id": r.item_id,
        "task": r.task,
        "reviewer_count": r.reviewer_count,
        "top_label": r.top_label,
        "top_share": r.top_share,
        "entropy_bits": r.entropy_bits,
        "normalized_entropy": r.normalized_entropy,
        "mean_confidence": r.mean_confidence,
        "disagreement_class": r.class.as_str(),
        "flags": r.flags.iter().map(|f| f.as_str()).collect::<Vec<_>>(),
        "status": r.status.as_str(),
    })
}

/// `dissent items`: the queue, paged through by keyset so a million items stream.
pub fn items(
    store: &Store,
    batch: Option<&str>,
    filter: &QueueFilter,
    sort: SortKey,
    limit: Option<usize>,
    json: bool,
) -> Result<()> {
    let batch = store.batch(batch)?;
    let limit = limit.unwrap_or(usize::MAX);
    let mut out = super::plain::stdout(json);
    let mut shown = 0usize;
    let mut anchor: Option<QueueRow> = None;
    if json {
        write!(out, "[")?;
    } else {
        writeln!(
            out,
            "{:<24} {:>3}  {:<14} {:>5}  {:>5}  {:>5}  {:<10} {:<10} flags",
            "item_id", "n", "top", "share", "H", "conf", "class", "status"
        )?;
    }
    while shown < limit {
        let want = PAGE.min(limit - shown);
        let page = store.queue_page(
            &batch,
            filter,
            sort,
            anchor.as_ref(),
            Direction::Forward,
            want,
        )?;
        for r in &page {
            if json {
                if shown > 0 {
                    write!(out, ",")?;
                }
                write!(out, "{}", row_json(r))?;
            } else {
                writeln!(
                    out,
                    "{:<24} {:>3}  {:<14} {:>5.2}  {:>5.2}  {:>5}  {:<10} {:<10} {}",
                    inert(&r.item_id, false),
                    r.reviewer_count,
                    r.top_label.as_deref().unwrap_or("-"),
                    r.top_share,
                    r.entropy_bits,
                    r.mean_confidence.map_or("-".into(), |c| format!("{c:.2}")),
                    r.class.as_str(),
                    r.status.as_str(),
                    r.flags
                        .iter()
                        .map(|f| f.as_str())
                        .collect::<Vec<_>>()
                        .join(",")
                )?;
            }
            shown += 1;
        }
        if page.len() < want {
            break;
        }
        anchor = page.last().cloned();
    }
    if json {
        writeln!(out, "]")?;
    }
    out.flush()?;
    Ok(())
}

fn decision_json(d: &Decision) -> Value {
    json!({
        "id": d.id,
        "kind": d.kind.as_str(),
        "label": d.label,
        "reason_code": d.reason_code,
        "erring": d.erring,
        "text": d.text,
        "actor": d.actor,
        "at": d.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "reverts": d.reverts,
    })
}

/// The JSON document of `show --json`.
#[must_use]
pub fn item_json(item: &StoredItem, rubric: &crate::domain::rubric::Rubric) -> Value {
    let r = &item.record;
    let s = summarize(&r.panel, rubric, r.gold_label.as_deref());
    let distribution: serde_json::Map<String, Value> = rubric
        .labels
        .iter()
        .zip(&s.figures.shares)
        .map(|(l, p)| (l.id.clone(), json!(p)))
        .collect();
    let counts: serde_json::Map<String, Value> = rubric
        .labels
        .iter()
        .zip(&s.counts)
        .map(|(l, c)| (l.id.clone(), json!(c)))
        .collect();
    let judgments: Vec<Value> = match &r.panel {
        Panel::Judgments(js) => js
            .iter()
            .map(|j| json!({"reviewer": j.reviewer, "label": j.label, "confidence": j.confidence, "raw_confidence": j.raw_confidence, "evidence": j.evidence, "attributes": j.attributes}))
            .collect(),
        Panel::Counts(_) => Vec::new(),
    };
    json!({
        "item_id": r.item_id,
        "task": r.task,
        "payload": r.payload,
        "gold_label": r.gold_label,
        "panel": r.panel.kind(),
        "distribution": distribution,
        "counts": counts,
        "reviewer_count": s.figures.reviewer_count,
        "entropy_bits": s.figures.entropy_bits,
        "normalized_entropy": s.figures.normalized_entropy,
        "mean_confidence": s.mean_confidence,
        "disagreement_class": s.figures.class.as_str(),
        "flags": s.flags.iter().map(|f| json!({"flag": f.kind.as_str(), "explanation": f.explanation})).collect::<Vec<_>>(),
        "judgments": judgments,
        "status": item.status.as_str(),
        "decisions": item.decisions.iter().map(decision_json).collect::<Vec<_>>(),
    })
}

fn bar(share: f64, width: usize) -> String {
    let full = (share * width as f64).round() as usize;
    format!(
        "{}{}",
        "█".repeat(full.min(width)),
        "░".repeat(width - full.min(width))
    )
}

/// `dissent show`.
pub fn show(store: &Store, batch: Option<&str>, item_id: &str, json: bool) -> Result<()> {
    let batch = store.batch(batch)?;
    let item = store.item(&batch, item_id)?;
    let mut out = super::plain::stdout(json);
    if json {
        writeln!(out, "{}", item_json(&item, &batch.rubric))?;
        return Ok(());
    }
    let r = &item.record;
    let rubric = &batch.rubric;
    let s = summarize(&r.panel, rubric, r.gold_label.as_deref());
    writeln!(
        out,
        "{} · {} · batch {} · {}",
        inert(&r.item_id, false),
        r.task,
        batch.name,
        item.status.as_str()
    )?;
    for (k, v) in &r.payload {
        let text = v.as_str().map_or_else(|| v.to_string(), str::to_string);
        writeln!(out, "  {k}: {}", inert(&text, true))?;
    }
    if let Some(g) = &r.gold_label {
        writeln!(out, "  gold label: {g}")?;
    }
    writeln!(out, "distribution ({} reviewers)", s.figures.reviewer_count)?;
    let width = rubric.labels.iter().map(|l| l.id.len()).max().unwrap_or(0);
    for ((l, p), c) in rubric.labels.iter().zip(&s.figures.shares).zip(&s.counts) {
        writeln!(out, "  {:<width$}  {}  {p:.2}  ({c})", l.id, bar(*p, 20))?;
    }
    writeln!(out, "{}", s.headline())?;
    for f in &s.flags {
        writeln!(out, "  ⚑ {}: {}", f.kind.as_str(), f.explanation)?;
    }
    match &r.panel {
        Panel::Judgments(js) => {
            writeln!(out, "panel")?;
            for j in js {
                writeln!(
                    out,
                    "  {}  {}  {}  {}",
                    inert(&j.reviewer, false),
                    j.label,
                    j.confidence.map_or("-".into(), |c| format!("{c:.2}")),
                    inert(j.evidence.as_deref().unwrap_or(""), false)
                )?;
            }
        }
        Panel::Counts(_) => writeln!(
            out,
            "panel: imported as label counts; no per-reviewer record exists"
        )?,
    }
    if !item.decisions.is_empty() {
        writeln!(out, "decisions")?;
        for d in &item.decisions {
            writeln!(
                out,
                "  #{} {} {} {}{}{}: {}",
                d.id,
                d.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                inert(&d.actor, false),
                d.kind.as_str(),
                d.label
                    .as_deref()
                    .map(|l| format!(" {l}"))
                    .unwrap_or_default(),
                d.reason_code
                    .as_deref()
                    .map(|c| format!(" [{c}]"))
                    .unwrap_or_default(),
                inert(&d.text, false)
            )?;
        }
    }
    Ok(())
}

/// `dissent log`.
pub fn log(store: &Store, batch: Option<&str>, item: Option<&str>, json: bool) -> Result<()> {
    // An item is looked up in its batch, which may be left out when there is one.
    let batch = match (batch, item) {
        (None, None) => None,
        _ => Some(store.batch(batch)?),
    };
    let events = store.events(batch.as_ref(), item)?;
    let mut out = super::plain::stdout(json);
    if json {
        let list: Vec<Value> = events
            .iter()
            .map(|e| json!({"id": e.id, "at": e.at, "actor": e.actor, "action": e.action, "batch": e.batch, "item_id": e.item_id, "details": e.details}))
            .collect();
        writeln!(out, "{}", Value::Array(list))?;
    } else {
        for e in &events {
            writeln!(
                out,
                "{}  {:<10} {:<9} {} {} {}",
                e.at,
                inert(&e.actor, false),
                e.action,
                e.batch.as_deref().unwrap_or("-"),
                e.item_id
                    .as_deref()
                    .map(|i| inert(i, false))
                    .unwrap_or_default(),
                inert(&e.details.to_string(), false)
            )?;
        }
    }
    Ok(())
}
