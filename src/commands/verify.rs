//! `dissent verify`: recompute the record's hash chains and say whether they hold.

use std::io::Write;

use anyhow::Result;
use serde_json::json;

use crate::store::{Chain, Store};

/// `dissent verify`: exits with an error naming the first row of each chain that does not
/// match; prints the head either way.
pub fn run(store: &Store, batch: Option<&str>, json: bool) -> Result<()> {
    let batch = store.batch(batch)?;
    let v = store.verify(&batch)?;
    let chain_name = |c: Chain| match c {
        Chain::Items => "items",
        Chain::Decisions => "decisions",
        Chain::Events => "events",
    };
    let mut out = super::plain::stdout(json);
    if json {
        let breaks: Vec<_> = v
            .breaks
            .iter()
            .map(|b| json!({"chain": chain_name(b.chain), "row": b.row}))
            .collect();
        let doc = json!({
            "batch": batch.name,
            "items": v.rows[0],
            "decisions": v.rows[1],
            "events": v.rows[2],
            "intact": v.breaks.is_empty(),
            "breaks": breaks,
            "head": v.head,
        });
        writeln!(out, "{doc}")?;
    } else {
        writeln!(
            out,
            "batch `{}`: {}, {}, {} checked",
            batch.name,
            super::counted(v.rows[0], "item"),
            super::counted(v.rows[1], "decision"),
            super::counted(v.rows[2], "event"),
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
        .map(|b| format!("{} (chain of {})", b.row, chain_name(b.chain)))
        .collect();
    anyhow::bail!(
        "the record of batch `{}` was changed outside dissent: first at {}",
        batch.name,
        first.join("; ")
    )
}
