//! Where an export goes: standard output for `-`, else a regular file that is replaced whole.
//! Anything else at the path (a symbolic link, a FIFO, a device, a folder) is refused, so an
//! export never replaces what is not its own, such as `/dev/stdout` or a link's target.

use std::fs::FileType;
use std::path::{Path, PathBuf};

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
    fn a_folder_is_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let e = Target::check(dir.path()).unwrap_err().to_string();
        assert!(e.contains("is a folder"), "{e}");
    }
}
