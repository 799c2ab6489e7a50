//! `dissent finalize` and `dissent reopen`: freeze a batch for export, or open it again.

use anyhow::Result;

use crate::store::{BatchStatus, Store};

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
