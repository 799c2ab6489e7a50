//! `dissent rubric update`: a later version of a batch's rubric.

use std::path::Path;

use anyhow::Result;

use crate::store::Store;

/// Loads the rubric at `file` as the batch's next version and says what it changed.
pub fn update(store: &mut Store, batch: Option<&str>, file: &Path, actor: &str) -> Result<()> {
    let rubric = super::import::load_rubric(file)?;
    let batch = store.batch(batch)?;
    let done = store.update_rubric(&batch, &rubric, actor, &super::now())?;
    let recomputed = if done.recomputed == 0 {
        "thresholds unchanged: classes and flags stand".to_string()
    } else {
        format!(
            "thresholds changed: classes and flags recomputed for {}, {} changed",
            super::counted(done.recomputed, "item"),
            done.changed
        )
    };
    super::say(format_args!(
        "batch `{}`: rubric `{}` v{} replaces v{} (kept); {recomputed}",
        batch.name, rubric.task, rubric.version, done.from
    ))
}
