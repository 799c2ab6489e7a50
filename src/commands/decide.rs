//! Writing commands: `adjudicate`, `undo`, `finalize`, `reopen`, `export`.

use std::path::Path;

use anyhow::Result;

use crate::domain::decision::NewDecision;
use crate::export::jsonl::export_batch;
use crate::store::{BatchStatus, Store};

/// `dissent adjudicate`.
pub fn adjudicate(
    store: &mut Store,
    batch: Option<&str>,
    item_id: &str,
    d: &NewDecision,
    actor: &str,
) -> Result<()> {
    let batch = store.batch(batch)?;
    let id = store.decide(&batch, item_id, d, actor, &super::now())?;
    super::say(format_args!(
        "recorded decision {id} on {item_id}: {}",
        d.kind.as_str()
    ))
}

/// `dissent undo`.
pub fn undo(store: &mut Store, batch: Option<&str>, item_id: &str, actor: &str) -> Result<()> {
    let batch = store.batch(batch)?;
    let reverted = store.undo(&batch, item_id, actor, &super::now())?;
    super::say(format_args!("reverted decision {reverted} on {item_id}"))
}

/// `dissent finalize` and `dissent reopen`.
pub fn set_status(
    store: &mut Store,
    batch: Option<&str>,
    status: BatchStatus,
    actor: &str,
) -> Result<()> {
    let batch = store.batch(batch)?;
    store.set_batch_status(&batch, status, actor, &super::now())?;
    super::say(format_args!(
        "batch `{}` is {}",
        batch.name,
        status.as_str()
    ))?;
    Ok(())
}

/// `dissent export`: refuses an open batch unless `draft`.
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
    let lines = export_batch(store, &batch, out)?;
    store.log_event(
        Some(batch.id),
        actor,
        &super::now(),
        "export",
        &serde_json::json!({"out": out.display().to_string(), "items": lines, "draft": draft}),
    )?;
    super::say(format_args!(
        "exported {} to {}",
        super::counted(lines, "item"),
        out.display()
    ))?;
    Ok(())
}
