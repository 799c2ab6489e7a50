//! `dissent export`: the soft-label JSONL of a batch, to a file or standard output.

use std::io::Write;
use std::path::Path;

use anyhow::Result;

use crate::export::jsonl::export_batch;
use crate::export::target::Target;
use crate::store::{BatchStatus, Store};

/// `dissent export`: refuses an open batch unless `draft`. With `-o -` the lines go to
/// standard output and the report to standard error.
pub fn export(
    store: &Store,
    batch: Option<&str>,
    out: &Path,
    draft: bool,
    actor: &str,
) -> Result<()> {
    let batch = store.batch(batch)?;
    if batch.status != BatchStatus::Finalized && !draft {
        anyhow::bail!(
            "batch `{}` is not finalized: run `dissent finalize --batch {}` first, or pass --draft",
            batch.name,
            batch.name
        );
    }
    let target = Target::check(out)?;
    let lines = export_batch(store, &batch, &target)?;
    store.log_event(
        Some(batch.id),
        actor,
        &super::now(),
        "export",
        &serde_json::json!({"out": target.describe(), "items": lines, "draft": draft}),
    )?;
    let report = format!(
        "exported {} to {}",
        super::counted(lines, "item"),
        target.describe()
    );
    match target {
        Target::Stdout => {
            let _ = writeln!(std::io::stderr(), "{report}");
        }
        Target::File(_) => super::say(format_args!("{report}"))?,
    }
    Ok(())
}
