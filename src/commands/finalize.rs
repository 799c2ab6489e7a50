//! `dissent finalize` and `dissent reopen`: freeze a batch for export, or open it again.

use anyhow::Result;

use crate::store::{BatchStatus, Store};

/// `dissent finalize` (refused while items are open, unless `force`) and `dissent reopen`.
pub fn set_status(
    store: &mut Store,
    batch: Option<&str>,
    status: BatchStatus,
    force: bool,
    actor: &str,
) -> Result<()> {
    let batch = store.batch(batch)?;
    let open = store.set_batch_status(&batch, status, force, actor, &super::now())?;
    if !open.is_empty() {
        super::note(format_args!("finalized with items still open: {open}"));
    }
    super::say(format_args!(
        "batch `{}` is {}",
        batch.name,
        status.as_str()
    ))?;
    Ok(())
}
