//! Where an export goes: standard output for `-`, else a regular file that is replaced whole.
//! Anything else at the path (a symbolic link, a FIFO, a device, a folder) is refused, so an
//! export never replaces what is not its own, such as `/dev/stdout` or a link's target.
//!
//! A file is written to a temp file beside it, `.NAME.dissent-export-PID.tmp`, synced, and
//! renamed into place only when the caller says so. The temp file is removed when the export
//! fails or is interrupted; one left by a process that was killed outright is removed by the
//! next export to the same target.

use std::ffi::OsString;
use std::fs::FileType;
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use super::ExportError;

/// A checked export destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `-o -`: written to standard output as it is read.
    Stdout,
    /// A new or existing regular file, replaced whole by a rename.
    File(PathBuf),
}

impl Target {
    /// Checks what is at `path` now.
    pub fn check(path: &Path) -> Result<Target, ExportError> {
        if path.as_os_str() == "-" {
            return Ok(Target::Stdout);
        }
        folder_of(path)?;
        match std::fs::symlink_metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Target::File(path.into())),
            Err(source) => Err(ExportError::Io {
                path: path.into(),
                source,
            }),
            Ok(m) if m.file_type().is_file() => Ok(Target::File(path.into())),
            Ok(m) => Err(ExportError::NotAFile {
                path: path.into(),
                kind: kind_of(m.file_type()),
            }),
        }
    }

    /// How the report names it.
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Target::Stdout => "standard output".into(),
            Target::File(p) => p.display().to_string(),
        }
    }
}

/// A file export written to its temp file, not yet in place.
#[derive(Debug)]
pub struct Staged {
    tmp: NamedTempFile,
    out: PathBuf,
}

impl Staged {
    /// A temp file beside `out`, after removing temp files that exports to `out` left behind
    /// in processes that no longer run.
    pub fn create(out: &Path) -> Result<Staged, ExportError> {
        let io = |source| ExportError::Io {
            path: out.into(),
            source,
        };
        let dir = folder_of(out)?;
        let prefix = temp_prefix(out);
        remove_stale(dir, &prefix);
        let mut name = prefix;
        name.push(format!("{}.tmp", std::process::id()));
        let mut builder = tempfile::Builder::new();
        builder.prefix(&name).rand_bytes(0);
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
        let tmp = builder
            .tempfile_in(dir)
            .map_err(|e| io(without_temp_path(e)))?;
        Ok(Staged {
            tmp,
            out: out.into(),
        })
    }

    /// The temp file, to write to.
    #[must_use]
    pub fn file(&self) -> &std::fs::File {
        self.tmp.as_file()
    }

    /// Syncs the temp file and renames it into place.
    pub fn persist(self) -> Result<(), ExportError> {
        let io = |source| ExportError::Io {
            path: self.out.clone(),
            source,
        };
        self.tmp.as_file().sync_all().map_err(io)?;
        self.tmp.persist(&self.out).map_err(|e| io(e.error))?;
        Ok(())
    }
}

/// The folder `out` is written into (`.` for a bare name), refused by name when it does not
/// exist: every export (a file, a report, a bundle's folder) checks here before writing.
pub fn folder_of(out: &Path) -> Result<&Path, ExportError> {
    let folder = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if folder.is_dir() {
        Ok(folder)
    } else {
        Err(ExportError::NoFolder {
            path: out.into(),
            folder: folder.into(),
        })
    }
}

/// The OS error of a failed temp file creation, without the temp file's path that `tempfile`
/// adds to it: the user named the export, not its temp file.
pub(super) fn without_temp_path(e: std::io::Error) -> std::io::Error {
    let os = e
        .get_ref()
        .and_then(|inner| inner.source())
        .and_then(|cause| cause.downcast_ref::<std::io::Error>())
        .and_then(std::io::Error::raw_os_error);
    os.map_or(e, std::io::Error::from_raw_os_error)
}

/// `.NAME.dissent-export-`: how the temp files of exports to `out` begin.
fn temp_prefix(out: &Path) -> OsString {
    let mut prefix = OsString::from(".");
    prefix.push(out.file_name().unwrap_or_default());
    prefix.push(".dissent-export-");
    prefix
}

/// Removes the temp files beginning with `prefix` in `dir` whose process is gone (or is this
/// one, which has none open yet). Where processes cannot be looked up, nothing is removed.
fn remove_stale(dir: &Path, prefix: &OsString) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let prefix = prefix.to_string_lossy();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let pid = name
            .strip_prefix(prefix.as_ref())
            .and_then(|rest| rest.strip_suffix(".tmp"))
            .and_then(|pid| pid.parse::<u32>().ok());
        if let Some(pid) = pid
            && (pid == std::process::id() || !Path::new("/proc").join(pid.to_string()).exists())
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// What a file type is, in words.
fn kind_of(t: FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_symlink() {
        "a symbolic link"
    } else if t.is_dir() {
        "a folder"
    } else {
        "not a regular file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dash_is_standard_output_and_a_new_path_is_a_file() {
        assert_eq!(Target::check(Path::new("-")).unwrap(), Target::Stdout);
        let dir = tempfile::tempdir().unwrap();
        let new = dir.path().join("out.jsonl");
        assert_eq!(Target::check(&new).unwrap(), Target::File(new.clone()));
        std::fs::write(&new, "old").unwrap();
        assert_eq!(Target::check(&new).unwrap(), Target::File(new));
    }

    #[test]
    fn a_stale_temp_file_of_a_dead_process_is_removed_and_a_live_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.jsonl");
        let dead = dir.path().join(".out.jsonl.dissent-export-4294967295.tmp");
        let live = dir.path().join(".out.jsonl.dissent-export-1.tmp");
        let other = dir
            .path()
            .join(".other.jsonl.dissent-export-4294967295.tmp");
        for f in [&dead, &live, &other] {
            std::fs::write(f, "half").unwrap();
        }
        let staged = Staged::create(&out).unwrap();
        assert!(!dead.exists(), "pid 4294967295 never runs");
        assert!(live.exists(), "pid 1 runs");
        assert!(other.exists(), "another target's");
        drop(staged);
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().collect();
        assert_eq!(left.len(), 2, "a dropped export leaves no temp file");
    }

    #[test]
    fn a_missing_folder_is_refused_by_name_before_anything_is_written() {
        let e = Target::check(Path::new("no-such-folder/qa.pdf"))
            .unwrap_err()
            .to_string();
        assert_eq!(e, "no-such-folder/qa.pdf: no such folder `no-such-folder`");
        assert!(matches!(
            Staged::create(Path::new("no-such-folder/x.jsonl")),
            Err(ExportError::NoFolder { .. })
        ));
        assert_eq!(folder_of(Path::new("x.jsonl")).unwrap(), Path::new("."));
    }

    #[test]
    fn a_folder_is_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let e = Target::check(dir.path()).unwrap_err().to_string();
        assert!(e.contains("is a folder"), "{e}");
    }
}
