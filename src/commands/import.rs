//! `dissent import`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::domain::rubric::Rubric;
use crate::ingest::{FieldMap, Format, ImportError, import_files};
use crate::store::Store;

/// Imports `files` into `batch` (default: the first file's stem) under the rubric at `rubric`.
pub fn run(
    db: &Path,
    files: &[PathBuf],
    rubric: &Path,
    batch: Option<String>,
    format: Format,
    maps: &[String],
    actor: &str,
) -> Result<()> {
    let yaml = std::fs::read_to_string(rubric)
        .with_context(|| format!("{}: cannot read the rubric", rubric.display()))?;
    let rubric_def = Rubric::parse(&yaml).map_err(|e| {
        let lines: Vec<String> =
            e.0.iter()
                .map(|p| format!("{}:{p}", rubric.display()))
                .collect();
        anyhow::anyhow!("{}", lines.join("\n"))
    })?;
    let map = FieldMap::parse(maps).map_err(anyhow::Error::msg)?;
    let batch = batch.unwrap_or_else(|| {
        files[0]
            .file_stem()
            .map_or_else(|| "batch".into(), |s| s.to_string_lossy().into_owned())
    });
    // Two passes: a census of the rows, then the import itself.
    let total: u64 = 2 * files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum::<u64>();
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(total);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_message("reading");
        bar
    });
    let mut store = Store::open(db).with_context(|| format!("{}", db.display()))?;
    let paths: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    let result = import_files(
        &mut store,
        &paths,
        &rubric_def,
        &batch,
        format,
        &map,
        actor,
        &super::now(),
        |n| {
            if let Some(b) = &bar {
                b.inc(n);
            }
        },
    );
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    match result {
        Ok(done) => super::say(format_args!(
            "imported {} ({}) into batch `{batch}` under rubric `{}` v{}",
            super::counted(done.items, "item"),
            super::counted(done.judgments, "judgment"),
            rubric_def.task,
            rubric_def.version
        )),
        Err(ImportError::Input(issues)) => {
            eprint!("{issues}");
            anyhow::bail!(
                "nothing imported: {} problem(s) in the input",
                issues.list().len()
            )
        }
        Err(ImportError::Store(e)) => Err(anyhow::anyhow!("nothing imported: {e}")),
    }
}
