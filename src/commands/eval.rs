//! `dissent eval`: models' predictions held against the panel (seed 2's Tables 3 and 4).

use std::io::Write;

use anyhow::Result;
use serde_json::{Value, json};

use crate::domain::divergence::{
    COMPARED, Difference, EPSILON, Figures, Scores, paired_differences,
};
use crate::domain::report::{BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED};
use crate::store::{Batch, Model, Store};

/// One model's figures over its items and per class.
struct Evaluated {
    model: Model,
    scores: Scores,
    figures: Figures,
}

/// Scores every prediction of `model`.
fn evaluate(store: &Store, batch: &Batch, model: Model) -> Result<Evaluated> {
    let scores = crate::report::model_scores(store, batch, &model)?;
    let figures = scores.figures();
    Ok(Evaluated {
        model,
        scores,
        figures,
    })
}

/// Prints the figures of each model, per class, and with several models the side-by-side
/// table of differences against the first.
pub fn run(store: &Store, batch: Option<&str>, names: &[String], as_json: bool) -> Result<()> {
    let batch = store.batch(batch)?;
    let mut models = Vec::with_capacity(names.len());
    for name in names {
        if models.iter().any(|m: &Evaluated| &m.model.name == name) {
            anyhow::bail!("--model `{name}` is given twice");
        }
        models.push(evaluate(store, &batch, store.model(&batch, name)?)?);
    }
    let comparisons: Vec<(usize, Vec<Difference>)> = models
        .iter()
        .skip(1)
        .map(|other| {
            let first = &models[0].scores;
            let compare = |a: &Scores, b: &Scores| {
                let d = paired_differences(a, b, BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED);
                (a.len(), d)
            };
            // A copy of both restricted to the common items only when they differ.
            if first.same_items(&other.scores) {
                compare(first, &other.scores)
            } else {
                let (a, b) = Scores::paired(first, &other.scores);
                compare(&a, &b)
            }
        })
        .collect();
    let mut out = super::plain::stdout(as_json);
    if as_json {
        let doc = json!({
            "batch": batch.name,
            "task": batch.rubric.task,
            "items": batch.items,
            "epsilon": EPSILON,
            "models": models.iter().map(|m| model_json(&batch, m)).collect::<Vec<_>>(),
            "comparisons": models.iter().skip(1).zip(&comparisons).map(|(m, (n, d))| json!({
                "baseline": models[0].model.name,
                "model": m.model.name,
                "paired_items": n,
                "resamples": BOOTSTRAP_RESAMPLES,
                "seed": BOOTSTRAP_SEED,
                "differences": d,
            })).collect::<Vec<_>>(),
        });
        writeln!(out, "{doc}")?;
        return Ok(());
    }
    writeln!(
        out,
        "batch {} · {} · {} · KL(panel ‖ model) with model probabilities clipped at {EPSILON:e}",
        batch.name,
        batch.rubric.task,
        super::counted(batch.items, "item")
    )?;
    for m in &models {
        write_model(&mut out, &batch, m)?;
    }
    for (m, (n, diffs)) in models.iter().skip(1).zip(&comparisons) {
        write_comparison(&mut out, &models[0].model.name, &m.model.name, *n, diffs)?;
    }
    Ok(())
}

fn model_json(batch: &Batch, m: &Evaluated) -> Value {
    let by_class: serde_json::Map<String, Value> = m
        .scores
        .by_class()
        .into_iter()
        .map(|(c, f)| (c.as_str().to_string(), json!(f)))
        .collect();
    json!({
        "name": m.model.name,
        "version": m.model.version,
        "predictions": m.model.predictions,
        "missing": batch.items.saturating_sub(m.model.predictions),
        "figures": m.figures,
        "by_class": by_class,
    })
}

/// One cell of a model's table, from its figures.
type Cell = fn(&Figures) -> String;

/// A figure to 4 decimals, or `n/a`.
fn fmt(v: Option<f64>) -> String {
    v.map_or_else(|| "n/a".into(), |v| format!("{v:.4}"))
}

fn write_model(out: &mut dyn Write, batch: &Batch, m: &Evaluated) -> Result<()> {
    let missing = batch.items.saturating_sub(m.model.predictions);
    writeln!(
        out,
        "\nmodel {} v{} · {} predicted{}",
        m.model.name,
        m.model.version,
        super::counted(m.model.predictions, "item"),
        if missing > 0 {
            format!(" · {missing} without a prediction")
        } else {
            String::new()
        }
    )?;
    let classes = m.scores.by_class();
    let columns: Vec<(&str, &Figures)> = std::iter::once(("all", &m.figures))
        .chain(classes.iter().map(|(c, f)| (c.as_str(), f)))
        .collect();
    write!(out, "{:<24}", "")?;
    for (name, _) in &columns {
        write!(out, "{name:>12}")?;
    }
    writeln!(out)?;
    let rows: [(&str, Cell); 12] = [
        ("items", |f| f.items.to_string()),
        ("kl_mean", |f| fmt(f.kl_mean)),
        ("kl_sd", |f| fmt(f.kl_sd)),
        ("js_mean", |f| fmt(f.js_mean)),
        ("tv_mean", |f| fmt(f.tv_mean)),
        ("cross_entropy_mean", |f| fmt(f.cross_entropy_mean)),
        ("accuracy", |f| fmt(f.accuracy)),
        ("accuracy items", |f| f.accuracy_items.to_string()),
        ("tied (left out)", |f| f.tied_items.to_string()),
        ("pearson", |f| fmt(f.pearson)),
        ("spearman", |f| fmt(f.spearman)),
        ("clipped KL items", |f| f.clipped_items.to_string()),
    ];
    for (name, value) in rows {
        let label = match crate::domain::divergence::caption(name) {
            "?" => name,
            c => c,
        };
        write!(out, "{label:<24}")?;
        for (_, f) in &columns {
            write!(out, "{:>12}", value(f))?;
        }
        writeln!(out)?;
    }
    Ok(())
}

fn write_comparison(
    out: &mut dyn Write,
    first: &str,
    second: &str,
    paired: usize,
    diffs: &[Difference],
) -> Result<()> {
    writeln!(
        out,
        "\n{second} against {first} · {paired} items predicted by both · 95% paired bootstrap ({BOOTSTRAP_RESAMPLES} resamples, seed {BOOTSTRAP_SEED})"
    )?;
    writeln!(
        out,
        "{:<24}{:>12}{:>12}{:>12}{:>10}  difference interval",
        "", first, second, "difference", "change"
    )?;
    for (d, name) in diffs.iter().zip(COMPARED) {
        let interval = match (d.interval.low, d.interval.high) {
            (Some(l), Some(h)) => format!("[{l:.4}, {h:.4}]"),
            _ => "n/a".into(),
        };
        writeln!(
            out,
            "{:<24}{:>12}{:>12}{:>12}{:>10}  {interval}",
            crate::domain::divergence::caption(name),
            fmt(d.first),
            fmt(d.second),
            fmt(d.difference),
            d.relative_change
                .map_or_else(|| "n/a".into(), |r| format!("{:+.1}%", 100.0 * r)),
        )?;
    }
    Ok(())
}
