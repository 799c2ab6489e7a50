//! `dissent import`.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::domain::rubric::Rubric;
use crate::ingest::{FieldMap, Format, ImportError, ImportJob, Imported, import_files};
use crate::store::{Location, Store};

/// An import as the command line asks for it.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// Input files.
    pub files: &'a [PathBuf],
    /// The rubric's YAML file.
    pub rubric: &'a Path,
    /// The batch [default: the first file's stem].
    pub batch: Option<&'a str>,
    /// Input shape.
    pub format: Format,
    /// `--map FIELD=COLUMN` pairs.
    pub maps: &'a [String],
    /// Who imports.
    pub actor: &'a str,
}

/// Imports the request's files into the database at `db`, creating it when new. When the
/// import that would have created it fails, no database is left behind.
pub fn run(db: &Location, request: &Request<'_>) -> Result<()> {
    let rubric = load_rubric(request.rubric)?;
    let map = FieldMap::parse(request.maps).map_err(anyhow::Error::msg)?;
    let batch = request.batch.map_or_else(
        || match request.files[0].file_stem() {
            Some(s) if s == "-" => "stdin".into(),
            Some(s) => s.to_string_lossy().into_owned(),
            None => "batch".into(),
        },
        str::to_string,
    );
    // Claimed, not just seen absent: of two imports to a new path only one made the file, and
    // only that one may remove it.
    let created = match db {
        Location::Sqlite(path) => std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .is_ok()
            .then_some(path),
        Location::Postgres(_) => None,
    };
    let result = import_into(db, request, &rubric, &batch, &map);
    if let Some(path) = created
        && result.is_err()
        && holds_no_batch(db)
    {
        remove_database(path);
    }
    let done = result?;
    let judgments = if done.judgments == 0 {
        "label counts only".to_string()
    } else {
        super::counted(done.judgments, "judgment")
    };
    let rounds = if done.rounds == 0 {
        String::new()
    } else {
        // New rounds for items sent back, or the earlier rounds an export carries.
        format!(" and {} of re-review", super::counted(done.rounds, "round"))
    };
    super::say(format_args!(
        "imported {}{rounds} ({judgments}) into batch `{batch}` under rubric `{}` v{}",
        super::counted(done.items, "item"),
        rubric.task,
        rubric.version
    ))
}

/// The rubric in the file at `path`, every problem named as `FILE:LINE: key: what`.
pub(super) fn load_rubric(path: &Path) -> Result<Rubric> {
    let yaml = read_rubric(path)?;
    Rubric::parse(&yaml).map_err(|e| {
        let lines: Vec<String> =
            e.0.iter()
                .map(|p| format!("{}:{p}", path.display()))
                .collect();
        anyhow::anyhow!("{}", lines.join("\n"))
    })
}

/// The largest rubric file read: a rubric is a page of YAML.
const MAX_RUBRIC: u64 = 1 << 20;

/// The text of the rubric file, refused when longer than [`MAX_RUBRIC`].
fn read_rubric(path: &Path) -> Result<String> {
    let cannot = || format!("{}: cannot read the rubric", path.display());
    let mut yaml = String::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_RUBRIC + 1).read_to_string(&mut yaml))
        .with_context(cannot)?;
    if yaml.len() as u64 > MAX_RUBRIC {
        anyhow::bail!(
            "{}: the rubric is longer than 1 MiB: is it the right file?",
            path.display()
        );
    }
    Ok(yaml)
}

/// Opens (or creates) the database and imports; returns what was written.
fn import_into(
    db: &Location,
    request: &Request<'_>,
    rubric: &Rubric,
    batch: &str,
    map: &FieldMap,
) -> Result<Imported> {
    // Two passes: a census of the rows, then the import itself.
    let total: u64 = 2 * request
        .files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum::<u64>();
    let bar = super::progress_bar(total);
    let mut store = Store::open_at(db, true).with_context(|| db.to_string())?;
    store.set_account(super::account_name());
    let paths: Vec<&Path> = request.files.iter().map(PathBuf::as_path).collect();
    let at = super::now();
    let job = ImportJob {
        paths: &paths,
        rubric,
        batch,
        format: request.format,
        map,
        actor: request.actor,
        at: &at,
    };
    let result = import_files(&mut store, &job, |n| {
        if let Some(b) = &bar {
            b.inc(n);
        }
    });
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    match result {
        Ok(done) => Ok(done),
        Err(ImportError::Input(issues)) => {
            super::note(format_args!("{}", issues.to_string().trim_end()));
            anyhow::bail!(
                "nothing imported: {} problem(s) in the input",
                issues.list().len()
            )
        }
        Err(e) => Err(anyhow::anyhow!("nothing imported: {e}")),
    }
}

/// Whether the database at `db`, which this command created, holds no batch (no other import
/// into it has committed one); anything unreadable counts as holding one.
fn holds_no_batch(db: &Location) -> bool {
    Store::open_at(db, true)
        .and_then(|store| store.batch_names())
        .is_ok_and(|names| names.is_empty())
}

/// Removes a database file this command created, with its WAL and shared-memory files.
fn remove_database(db: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut path = db.as_os_str().to_owned();
        path.push(suffix);
        let _ = std::fs::remove_file(path);
    }
}
