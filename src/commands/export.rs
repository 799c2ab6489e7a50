//! `dissent export`: the soft-label JSONL of a batch, to a file or standard output.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use anyhow::Result;

use crate::domain::decision::DecisionStatus;
use crate::export::bundle::Bundle;
use crate::export::jsonl::{Scope, Written, export_batch};
use crate::export::target::Target;
use crate::report::collect;
use crate::store::{Batch, BatchStatus, Model, Store, StoreError};

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

/// The batch to deliver: refused while open unless `draft`.
fn deliverable(store: &Store, batch: Option<&str>, draft: bool) -> Result<Batch> {
    let batch = store.batch(batch)?;
    if batch.status != BatchStatus::Finalized && !draft {
        anyhow::bail!(
            "batch `{}` is not finalized: run `dissent finalize --batch {}` first, or pass --draft",
            batch.name,
            batch.name
        );
    }
    Ok(batch)
}

/// Puts a delivery in place with its `export` event: the event is written first and committed
/// only once `put_in_place` has succeeded; if the event cannot be written, nothing is put in
/// place (what was there stays). A viewer of a read-only database delivers all the same; only
/// the event is not recorded, and the note says so.
fn recorded(
    store: &Store,
    batch: &Batch,
    actor: &str,
    details: &serde_json::Value,
    put_in_place: impl FnOnce() -> Result<()>,
) -> Result<()> {
    let event = match store.begin_event(Some(batch.id), actor, &super::now(), "export", details) {
        Ok(event) => Some(event),
        Err(StoreError::ReadOnly) => None,
        Err(e) => return Err(e.into()),
    };
    put_in_place()?;
    match event {
        Some(event) => event.commit()?,
        None => super::note(format_args!(
            "the database is read-only here: this export is not recorded in its event log"
        )),
    }
    Ok(())
}

/// An export as the command line asks for it.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// Export a batch that is not finalized.
    pub draft: bool,
    /// Only items of these decision statuses (none: every item).
    pub only: &'a [DecisionStatus],
    /// Add this model's predictions to the lines.
    pub with_model: Option<&'a str>,
    /// Who exports.
    pub actor: &'a str,
}

impl Request<'_> {
    /// The statuses exported, for the event: none when every item is.
    fn statuses(&self) -> Vec<&'static str> {
        self.only.iter().map(|s| s.as_str()).collect()
    }

    /// The model of `--with-model`.
    fn model(&self, store: &Store, batch: &Batch) -> Result<Option<Model>> {
        Ok(match self.with_model {
            Some(name) => Some(store.model(batch, name)?),
            None => None,
        })
    }

    /// What the export's event and manifest say of what it wrote beyond every line: the
    /// statuses kept, the model whose predictions the lines carry.
    fn note(&self, model: Option<&Model>, into: &mut serde_json::Value) {
        if !self.only.is_empty() {
            into["status"] = serde_json::json!(self.statuses());
        }
        if let Some(m) = model {
            into["with_model"] = serde_json::json!({"name": m.name, "version": m.version});
        }
    }
}

/// The lines of `batch` to `target`, stopped cleanly by SIGINT or SIGTERM.
fn lines(
    store: &Store,
    batch: &Batch,
    target: &Target,
    only: &[DecisionStatus],
    model: Option<&Model>,
) -> Result<Written> {
    let signals = StopOnSignals::register()?;
    Ok(export_batch(
        store,
        batch,
        target,
        Scope { only, model },
        &signals.stop,
    )?)
}

/// `dissent export -o`: with `-o -` the lines go to standard output and the report to
/// standard error.
pub fn export(store: &Store, batch: Option<&str>, out: &Path, request: &Request<'_>) -> Result<()> {
    let Request { draft, actor, .. } = *request;
    let batch = deliverable(store, batch, draft)?;
    let model = request.model(store, &batch)?;
    let target = Target::check(out)?;
    let written = lines(store, &batch, &target, request.only, model.as_ref())?;
    let (count, head) = (written.lines, written.head.clone());
    let mut details =
        serde_json::json!({"out": target.describe(), "items": count, "draft": draft, "head": head});
    request.note(model.as_ref(), &mut details);
    recorded(store, &batch, actor, &details, || {
        if let Some(staged) = written.staged {
            staged.persist()?;
        }
        Ok(())
    })?;
    let report = format!(
        "exported {} to {}\nhead {head} (check it later with `dissent verify`)",
        super::counted(count, "item"),
        target.describe()
    );
    match target {
        Target::Stdout => super::note(format_args!("{report}")),
        Target::File(_) => super::say(format_args!("{report}"))?,
    }
    Ok(())
}

/// `dissent export --bundle DIR`: `B.jsonl`, `B.rubric.yaml` (the stored text, byte for byte),
/// `B.qa.json`, `B.qa.html`, `B.qa.pdf` and `B.manifest.json` in a new folder, put in place
/// whole.
pub fn bundle(store: &Store, batch: Option<&str>, dir: &Path, request: &Request<'_>) -> Result<()> {
    let Request { draft, actor, .. } = *request;
    let batch = deliverable(store, batch, draft)?;
    let model = request.model(store, &batch)?;
    let name = &batch.name;
    if name.contains(['/', '\\']) || name.starts_with('.') {
        anyhow::bail!("batch `{name}` cannot name files; export it with -o instead");
    }
    let mut bundle = Bundle::create(dir)?;
    let jsonl = format!("{name}.jsonl");
    let written = lines(
        store,
        &batch,
        &Target::File(bundle.path(&jsonl)),
        request.only,
        model.as_ref(),
    )?;
    if let Some(staged) = written.staged {
        staged.persist()?;
    }
    bundle.record(&jsonl)?;
    bundle.add(&format!("{name}.rubric.yaml"), batch.rubric.yaml.as_bytes())?;
    let report = collect(
        store,
        &batch,
        None,
        crate::report::context(&batch, actor, &super::now()),
    )?;
    let mut json = serde_json::to_vec(&report)?;
    json.push(b'\n');
    bundle.add(&format!("{name}.qa.json"), &json)?;
    let page = crate::report::document::batch(&report);
    bundle.add(
        &format!("{name}.qa.html"),
        crate::report::html::page(&page).as_bytes(),
    )?;
    bundle.add(
        &format!("{name}.qa.pdf"),
        &crate::report::pdf::render(page, actor)?,
    )?;
    let mut manifest = serde_json::json!({
        "batch": name,
        "task": batch.rubric.task,
        "items": written.lines,
        "finalized": batch.status == BatchStatus::Finalized,
        "forced": report.header.forced.is_some(),
        "open_at_finalize": report.header.forced,
        "draft": draft,
        "rubric_sha256": batch.rubric.sha256,
        "head": written.head,
        "tool_version": env!("CARGO_PKG_VERSION"),
        "exported_by": actor,
        "exported_at": super::now(),
        "files": bundle.files(),
    });
    let mut details = serde_json::json!({
        "bundle": dir.display().to_string(), "items": written.lines, "draft": draft,
        "head": written.head,
    });
    request.note(model.as_ref(), &mut details);
    request.note(model.as_ref(), &mut manifest);
    recorded(store, &batch, actor, &details, || {
        Ok(bundle.finish(&format!("{name}.manifest.json"), &manifest)?)
    })?;
    super::say(format_args!(
        "bundled {} into {}: JSONL, rubric, QA report (JSON, HTML, PDF) and manifest\nhead {} (check it later with `dissent verify`)",
        super::counted(written.lines, "item"),
        dir.display(),
        written.head
    ))
}
