//! Read-only commands: `items`, `show`, `log`.

use std::io::Write;

use anyhow::Result;
use serde_json::{Value, json};

use crate::domain::decision::Decision;
use crate::domain::model::{Panel, Round};
use crate::domain::triage::summarize;
use crate::store::{Direction, EventFilter, QueueFilter, QueueRow, SortKey, Store, StoredItem};
use crate::text::{inert, pad, width};
use crate::view::item::ItemView;

const PAGE: usize = 1000;

fn row_json(r: &QueueRow) -> Value {
    let mut row = json!({
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
    });
    if let Some((kl, _)) = r.kl {
        row["kl"] = json!(kl);
    }
    row
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
    let page_after = |anchor: Option<&QueueRow>, want: usize| {
        store.queue_page(&batch, filter, sort, anchor, Direction::Forward, want)
    };
    // Read before anything is printed: a sort or model the store refuses is the only output.
    let mut want = PAGE.min(limit);
    let mut page = page_after(None, want)?;
    if json {
        write!(out, "[")?;
    } else {
        writeln!(
            out,
            "{:<24} {:>3}  {:<14} {:>5}  {:>5}  {:>5}  {:<10} {:<10} flags",
            "item_id",
            "n",
            "top",
            "share",
            "H",
            // With a model, its KL from the panel stands where the confidence does.
            if filter.model.is_some() { "KL" } else { "conf" },
            "class",
            "status"
        )?;
    }
    loop {
        for r in &page {
            if json {
                if shown > 0 {
                    write!(out, ",")?;
                }
                write!(out, "{}", row_json(r))?;
            } else {
                writeln!(
                    out,
                    "{} {:>3}  {} {:>5.2}  {:>5.2}  {:>5}  {:<10} {:<10} {}",
                    pad(&inert(&r.item_id, false), 24),
                    r.reviewer_count,
                    pad(&inert(r.top_label.as_deref().unwrap_or("-"), false), 14),
                    r.top_share,
                    r.entropy_bits,
                    if filter.model.is_some() {
                        r.kl.map(|(kl, _)| kl)
                    } else {
                        r.mean_confidence
                    }
                    .map_or("-".into(), |v| format!("{v:.2}")),
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
        if page.len() < want || shown >= limit {
            break;
        }
        want = PAGE.min(limit - shown);
        page = page_after(page.last(), want)?;
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
        "round": d.round,
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
    let judgments = judgments_json(&r.panel);
    json!({
        "item_id": r.item_id,
        "task": r.task,
        "payload": r.payload,
        "gold_label": r.gold_label,
        "panel": r.panel.kind(),
        "distribution": distribution,
        "counts": counts_json(&s.counts, rubric),
        "reviewer_count": s.figures.reviewer_count,
        "entropy_bits": s.figures.entropy_bits,
        "normalized_entropy": s.figures.normalized_entropy,
        "mean_confidence": s.mean_confidence,
        "disagreement_class": s.figures.class.as_str(),
        "flags": s.flags.iter().map(|f| json!({"flag": f.kind.as_str(), "explanation": f.explanation})).collect::<Vec<_>>(),
        "judgments": judgments,
        "status": item.status.as_str(),
        "decisions": item.decisions.iter().map(decision_json).collect::<Vec<_>>(),
        "assignee": item.assignee,
        "claim": item.claim.as_ref().map(|c| json!({"holder": c.holder, "account": c.account, "since": c.since, "expires": c.expires})),
        "round": item.round,
        "rubric_version": item.rubric_version,
        "earlier_rounds": item.earlier.iter().map(|round| round_json(round, rubric)).collect::<Vec<_>>(),
    })
}

/// An earlier round in `show --json`: its number, rubric version, counts and judgments.
fn round_json(round: &Round, rubric: &crate::domain::rubric::Rubric) -> Value {
    let s = summarize(&round.panel, rubric, None);
    json!({
        "round": round.number,
        "rubric_version": round.rubric_version,
        "panel": round.panel.kind(),
        "counts": counts_json(&s.counts, rubric),
        "judgments": judgments_json(&round.panel),
    })
}

/// Label counts as `show --json` gives them: label → count, in rubric order.
fn counts_json(counts: &[u64], rubric: &crate::domain::rubric::Rubric) -> Value {
    let map: serde_json::Map<String, Value> = rubric
        .labels
        .iter()
        .zip(counts)
        .map(|(l, c)| (l.id.clone(), json!(c)))
        .collect();
    Value::Object(map)
}

/// The judgments of a panel as `show --json` lists them (none for counts).
fn judgments_json(panel: &Panel) -> Vec<Value> {
    match panel {
        Panel::Judgments(js) => js
            .iter()
            .map(|j| json!({"reviewer": j.reviewer, "label": j.label, "confidence": j.confidence, "raw_confidence": j.raw_confidence, "evidence": j.evidence, "attributes": j.attributes}))
            .collect(),
        Panel::Counts(_) => Vec::new(),
    }
}

/// Width of the distribution's bars in `show`.
const BAR: usize = 20;

/// Writes `text` line by line, each line indented by `indent`.
fn write_indented(out: &mut impl Write, text: &str, indent: &str) -> std::io::Result<()> {
    for l in text.lines() {
        writeln!(out, "{indent}{l}")?;
    }
    Ok(())
}

/// The plain-text rendering of an item view (`show` without `--json`).
fn write_item(out: &mut impl Write, v: &ItemView, batch: &str) -> std::io::Result<()> {
    writeln!(
        out,
        "{} · {} · batch {} · {} · {} · {}",
        v.item_id,
        v.task,
        inert(batch, false),
        v.class.as_str(),
        v.status.as_str(),
        v.round
    )?;
    for (k, value) in &v.payload {
        let mut rows = value.lines();
        writeln!(out, "  {k}: {}", rows.next().unwrap_or(""))?;
        for l in rows {
            writeln!(out, "    {l}")?;
        }
    }
    if let Some(g) = &v.gold {
        writeln!(out, "  gold label: {g}")?;
    }
    if let Some(team) = &v.team {
        writeln!(out, "  {team}")?;
    }
    writeln!(out, "distribution ({} reviewers)", v.reviewer_count)?;
    let label_w = v.label_width();
    for s in &v.distribution {
        let (full, empty) = s.bar(BAR);
        writeln!(
            out,
            "  {}  {full}{empty}  {}",
            pad(&s.label, label_w),
            s.figures()
        )?;
    }
    writeln!(out, "{}", v.headline)?;
    for (flag, why) in &v.flags {
        writeln!(out, "  ⚑ {flag}: {why}")?;
    }
    match &v.reviewers {
        Some(rows) => {
            writeln!(out, "panel")?;
            for r in rows {
                writeln!(
                    out,
                    "  {}  {}  {}",
                    r.reviewer,
                    r.label,
                    r.confidence
                        .map_or("conf -".into(), |c| format!("conf {c:.2}"))
                )?;
                if !r.attributes.is_empty() {
                    writeln!(out, "    {}", r.attributes)?;
                }
                if let Some(e) = &r.evidence {
                    write_indented(out, e, "    ")?;
                }
                if !r.anchors.is_empty() {
                    let anchors: Vec<String> = r.anchors.iter().map(ToString::to_string).collect();
                    writeln!(out, "    anchors · {}", anchors.join(" · "))?;
                }
            }
        }
        None => writeln!(
            out,
            "panel: imported as label counts; no per-reviewer record exists"
        )?,
    }
    if !v.decisions.is_empty() {
        writeln!(out, "decisions")?;
        for d in &v.decisions {
            writeln!(
                out,
                "  #{} {} {} {}{}",
                d.id,
                d.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                d.actor,
                d.what,
                if v.round.number > 1 {
                    format!(" (round {})", d.round)
                } else {
                    String::new()
                }
            )?;
            if !d.erring.is_empty() {
                writeln!(out, "    erring: {}", d.erring.join(", "))?;
            }
            if let Some(text) = &d.text {
                write_indented(out, text, "    ")?;
            }
        }
    }
    if !v.earlier.is_empty() {
        writeln!(out, "earlier rounds")?;
        for r in &v.earlier {
            writeln!(out, "  {} · {}", r.tag, r.headline)?;
            writeln!(out, "    {}", r.votes)?;
        }
    }
    Ok(())
}

/// `dissent show`.
pub fn show(store: &Store, batch: Option<&str>, item_id: &str, json: bool) -> Result<()> {
    let batch = store.batch(batch)?;
    let item = store.item(&batch, item_id)?;
    let mut out = super::plain::stdout(json);
    if json {
        writeln!(out, "{}", item_json(&item, &batch.rubric))?;
    } else {
        let v = ItemView::stored(&item, &batch.rubric);
        write_item(&mut out, &v, &batch.name)?;
    }
    Ok(())
}

/// Who acted, with the OS account that ran the command when that was someone else
/// (`ana (root)`: root acted as ana with `--as`).
fn who(e: &crate::store::Event) -> String {
    match &e.account {
        Some(account) if *account != e.actor => format!("{} ({account})", e.actor),
        _ => e.actor.clone(),
    }
}

/// `dissent log`: the events `filter` narrows to (its batch is resolved here, from `batch`).
pub fn log(store: &Store, batch: Option<&str>, filter: EventFilter<'_>, json: bool) -> Result<()> {
    // An item is looked up in its batch, which may be left out when there is one.
    let batch = match (batch, filter.item) {
        (None, None) => None,
        _ => Some(store.batch(batch)?),
    };
    let events = store.events(&EventFilter {
        batch: batch.as_ref(),
        ..filter
    })?;
    let mut out = super::plain::stdout(json);
    if json {
        let list: Vec<Value> = events
            .iter()
            .map(|e| json!({"id": e.id, "at": e.at, "actor": e.actor, "account": e.account, "action": e.action, "batch": e.batch, "item_id": e.item_id, "details": e.details}))
            .collect();
        writeln!(out, "{}", Value::Array(list))?;
    } else {
        let names: Vec<String> = events
            .iter()
            .map(|e| inert(&who(e), false).into_owned())
            .collect();
        let column = names.iter().map(|n| width(n)).max().unwrap_or(0).max(10);
        for (e, name) in events.iter().zip(&names) {
            writeln!(
                out,
                "{}  {} {:<9} {} {} {}",
                e.at,
                pad(name, column),
                e.action,
                inert(e.batch.as_deref().unwrap_or("-"), false),
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
