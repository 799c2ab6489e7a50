//! `dissent stats`: counts by class, flag and status, and the batch agreement figures.

use std::io::Write;

use anyhow::Result;
use serde_json::json;

use crate::domain::decision::DecisionStatus;
use crate::domain::metrics::AgreementAccumulator;
use crate::domain::model::{DisagreementClass, FlagKind};
use crate::store::{QueueFilter, Store};

/// Prints the figures of a batch.
pub fn run(store: &Store, batch: Option<&str>, as_json: bool) -> Result<()> {
    let batch = store.batch(batch)?;
    let counts = store.queue_counts(&batch, &QueueFilter::default())?;
    let mut acc = AgreementAccumulator::new(batch.rubric.labels.len());
    store.for_each_counts(&batch, |c| acc.add_unit(c))?;
    let a = acc.finish();
    let named =
        |names: Vec<&'static str>, values: &[u64]| -> serde_json::Map<String, serde_json::Value> {
            names
                .into_iter()
                .zip(values)
                .map(|(n, v)| (n.to_string(), json!(v)))
                .collect()
        };
    let classes = named(
        DisagreementClass::ALL.iter().map(|c| c.as_str()).collect(),
        &counts.by_class,
    );
    let flags = named(
        FlagKind::ALL.iter().map(|f| f.as_str()).collect(),
        &counts.by_flag,
    );
    let statuses = named(
        DecisionStatus::ALL.iter().map(|s| s.as_str()).collect(),
        &counts.by_status,
    );
    let mut out = super::plain::stdout(as_json);
    if as_json {
        let doc = json!({
            "batch": batch.name,
            "task": batch.rubric.task,
            "status": batch.status.as_str(),
            "items": counts.total,
            "flagged": counts.flagged,
            "classes": classes,
            "flags": flags,
            "decisions": statuses,
            "krippendorff_alpha": a.krippendorff_alpha,
            "krippendorff_alpha_reason": a.krippendorff_alpha_reason,
            "fleiss_kappa": a.fleiss_kappa,
            "fleiss_kappa_reason": a.fleiss_kappa_reason,
            "percent_agreement": a.percent_agreement,
            "pairable_items": a.pairable_items,
        });
        writeln!(out, "{doc}")?;
        return Ok(());
    }
    let figure = |v: Option<f64>, why: &Option<String>| match (v, why) {
        (Some(v), _) => format!("{v:.3}"),
        (None, Some(w)) => format!("n/a ({w})"),
        (None, None) => "n/a".into(),
    };
    writeln!(
        out,
        "batch {} · {} v{} · {}",
        batch.name,
        batch.rubric.task,
        batch.rubric.version,
        batch.status.as_str()
    )?;
    writeln!(out, "items {} · flagged {}", counts.total, counts.flagged)?;
    let line = |m: &serde_json::Map<String, serde_json::Value>| {
        m.iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(" · ")
    };
    writeln!(out, "classes    {}", line(&classes))?;
    writeln!(out, "flags      {}", line(&flags))?;
    writeln!(out, "decisions  {}", line(&statuses))?;
    writeln!(
        out,
        "krippendorff_alpha  {}",
        figure(a.krippendorff_alpha, &a.krippendorff_alpha_reason)
    )?;
    writeln!(
        out,
        "fleiss_kappa        {}",
        figure(a.fleiss_kappa, &a.fleiss_kappa_reason)
    )?;
    writeln!(
        out,
        "percent_agreement   {}",
        figure(a.percent_agreement, &None)
    )?;
    Ok(())
}
