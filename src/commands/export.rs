//! `dissent export`: the soft-label JSONL of a batch, to a file or standard output.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use anyhow::Result;

use crate::export::jsonl::export_batch;
use crate::export::target::Target;
use crate::store::{BatchStatus, Store, StoreError};

/// SIGINT and SIGTERM set a flag while registered, rather than end the process, so that an
/// export stops between chunks and removes its temp file.
struct StopOnSignals {
    stop: Arc<AtomicBool>,
    ids: Vec<signal_hook::SigId>,
}

impl StopOnSignals {
    fn register() -> std::io::Result<StopOnSignals> {
        let stop = Arc::new(AtomicBool::new(false));
        let ids = [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM]
            .into_iter()
            .map(|signal| signal_hook::flag::register(signal, Arc::clone(&stop)))
            .collect::<std::io::Result<_>>()?;
        Ok(StopOnSignals { stop, ids })
    }
}

impl Drop for StopOnSignals {
    fn drop(&mut self) {
        for id in self.ids.drain(..) {
            signal_hook::low_level::unregister(id);
        }
    }
}

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
    let written = {
        let signals = StopOnSignals::register()?;
        export_batch(store, &batch, &target, &signals.stop)?
    };
    let lines = written.lines;
    let head = written.head.clone();
    // The event and the file in place go together: the event is written first and committed
    // only once the file is renamed into place; if the event cannot be written, the temp file
    // is removed and the previous export stays as it was. A viewer of a read-only database
    // exports all the same; only the event is not recorded, and the note says so.
    let details =
        serde_json::json!({"out": target.describe(), "items": lines, "draft": draft, "head": head});
    let event = match store.begin_event(Some(batch.id), actor, &super::now(), "export", &details) {
        Ok(event) => Some(event),
        Err(StoreError::ReadOnly) => None,
        Err(e) => return Err(e.into()),
    };
    if let Some(staged) = written.staged {
        staged.persist()?;
    }
    match event {
        Some(event) => event.commit()?,
        None => super::note(format_args!(
            "the database is read-only here: this export is not recorded in its event log"
        )),
    }
    let report = format!(
        "exported {} to {}\nhead {head} (check it later with `dissent verify`)",
        super::counted(lines, "item"),
        target.describe()
    );
    match target {
        Target::Stdout => super::note(format_args!("{report}")),
        Target::File(_) => super::say(format_args!("{report}"))?,
    }
    Ok(())
}
