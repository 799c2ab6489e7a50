//! `dissent verify`: recompute the record's hash chains and say whether they hold.

use std::io::Write;

use anyhow::Result;
use serde_json::json;

use crate::store::Store;

/// `dissent verify`: exits with an error naming the first row of each chain that does not
/// match; prints the head either way.
pub fn run(store: &Store, batch: Option<&str>, json: bool) -> Result<()> {
    let batch = store.batch(batch)?;
    let v = store.verify(&batch)?;
    let mut out = super::plain::stdout(json);
    if json {
        let breaks: Vec<_> = v
            .breaks
            .iter()
            .map(|b| json!({"chain": b.part, "row": b.row}))
            .collect();
        let doc = json!({
            "batch": batch.name,
            "items": v.items,
            "decisions": v.decisions,
            "events": v.events,
            "models": v.models,
            "rounds": v.rounds,
            "intact": v.breaks.is_empty(),
            "breaks": breaks,
            "head": v.head,
        });
        writeln!(out, "{doc}")?;
    } else {
        let models = if v.models > 0 {
            format!(", the predictions of {}", super::counted(v.models, "model"))
        } else {
            String::new()
        };
        writeln!(
            out,
            "batch `{}`: {}, {}, {}{}{models} checked",
            batch.name,
            super::counted(v.items, "item"),
            super::counted(v.decisions, "decision"),
            super::counted(v.events, "event"),
            if v.rounds == 0 {
                String::new()
            } else {
                format!(", {} later", super::counted(v.rounds, "round"))
            },
        )?;
        writeln!(out, "head {}", v.head)?;
    }
    out.flush()?;
    if v.breaks.is_empty() {
        return Ok(());
    }
    let first: Vec<String> = v
        .breaks
        .iter()
        .map(|b| format!("{} ({})", b.row, b.part))
        .collect();
    anyhow::bail!(
        "the record of batch `{}` was changed outside dissent: first at {}",
        batch.name,
        first.join("; ")
    )
}
