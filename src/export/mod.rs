//! Delivery: the soft-label JSONL of seed §5, and the bundle that carries it with its rubric,
//! QA report and manifest.

pub mod bundle;
pub mod jsonl;
pub mod target;

use std::path::PathBuf;

use crate::store::StoreError;

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Reading the batch failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Writing failed (the cause follows in the error's chain).
    #[error("{}", path.display())]
    Io {
        /// Where.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Something that is not a regular file is at the path.
    #[error(
        "{} is {kind}: an export replaces only a regular file (use -o - for standard output)",
        path.display()
    )]
    NotAFile {
        /// Where.
        path: PathBuf,
        /// What is there.
        kind: &'static str,
    },
    /// The folder an export goes into does not exist (or is not a folder).
    #[error("{}: no such folder `{}`", path.display(), folder.display())]
    NoFolder {
        /// The export's path, as given.
        path: PathBuf,
        /// The folder it names.
        folder: PathBuf,
    },
    /// A line could not be serialized.
    #[error("export line: {0}")]
    Serialize(#[from] serde_json::Error),
    /// A bundle's folder exists and holds files.
    #[error("{}: the folder exists and is not empty; a bundle goes into a new or empty folder", .0.display())]
    NotEmpty(PathBuf),
    /// SIGINT or SIGTERM arrived; nothing was put in place.
    #[error("interrupted: nothing exported")]
    Interrupted,
    /// The writing thread panicked.
    #[error("the export writer stopped unexpectedly")]
    WriterPanicked,
}
