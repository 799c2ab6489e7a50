//! The embedded demo batch: the seed's mri-2031 and one item of every state, in memory.

use crate::domain::rubric::Rubric;
use crate::ingest::{FieldMap, Format, ImportJob, import_files};
use crate::store::{Batch, Store};

/// The demo's rubric (rubrics/tumor_severity_grade.yaml).
pub const RUBRIC: &str = include_str!("../rubrics/tumor_severity_grade.yaml");
/// The demo's judgment rows (fixtures/demo/demo.jsonl, made by tools/make_demo.py).
pub const ROWS: &str = include_str!("../fixtures/demo/demo.jsonl");
/// The demo batch's name.
pub const BATCH: &str = "demo";

/// An in-memory database holding the demo batch.
pub fn open(actor: &str, at: &str) -> anyhow::Result<(Store, Batch)> {
    let rubric = Rubric::parse(RUBRIC).map_err(|e| anyhow::anyhow!("demo rubric: {e}"))?;
    let dir = tempfile::tempdir()?;
    let rows = dir.path().join("demo.jsonl");
    std::fs::write(&rows, ROWS)?;
    let mut store = Store::open_in_memory()?;
    import_files(
        &mut store,
        &ImportJob {
            paths: &[rows.as_path()],
            rubric: &rubric,
            batch: BATCH,
            format: Format::Judgments,
            map: &FieldMap::default(),
            actor,
            at,
        },
        |_| {},
    )
    .map_err(|e| anyhow::anyhow!("demo batch: {e}"))?;
    let batch = store.batch(Some(BATCH))?;
    Ok((store, batch))
}
