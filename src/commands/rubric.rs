//! `dissent rubric update` and `show`: a later version of a batch's rubric, and its versions.

use std::io::Write;
use std::path::Path;

use anyhow::Result;
use serde_json::json;

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

/// Lists every version of the batch's rubric and prints the text in force (`--json`: the
/// versions with their texts).
pub fn show(store: &Store, batch: Option<&str>, json: bool) -> Result<()> {
    let batch = store.batch(batch)?;
    let versions = store.rubric_versions(&batch)?;
    let mut out = super::plain::stdout(json);
    if json {
        let list: Vec<_> = versions
            .iter()
            .map(|v| json!({"version": v.version, "sha256": v.sha256, "since": v.since, "by": v.by, "yaml": v.yaml}))
            .collect();
        writeln!(out, "{}", json!({"batch": batch.name, "versions": list}))?;
    } else {
        for v in &versions {
            writeln!(
                out,
                "v{}  {}  since {}{}",
                v.version,
                v.sha256,
                v.since,
                v.by.as_deref()
                    .map_or_else(|| " (imported under)".to_string(), |by| format!(" by {by}"))
            )?;
        }
        if let Some(current) = versions.last() {
            writeln!(out, "--- v{} (in force)", current.version)?;
            write!(out, "{}", current.yaml)?;
        }
    }
    out.flush()?;
    Ok(())
}
