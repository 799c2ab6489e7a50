//! The delivery bundle: one folder with the batch's JSONL, its rubric byte for byte, the QA
//! report and a manifest naming the sha256 of every file. It is written into a temp folder
//! beside the target and renamed into place, so a failed or interrupted bundle leaves nothing
//! at the target.

use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use tempfile::TempDir;

use super::ExportError;

/// One file of a bundle, as the manifest lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BundleFile {
    /// File name inside the bundle.
    pub name: String,
    /// Hex sha256 of its bytes.
    pub sha256: String,
    /// Its size.
    pub bytes: u64,
}

/// A bundle being written.
#[derive(Debug)]
pub struct Bundle {
    tmp: TempDir,
    target: PathBuf,
    files: Vec<BundleFile>,
}

impl Bundle {
    /// A temp folder beside `target`, which must not exist or be an empty folder.
    pub fn create(target: &Path) -> Result<Bundle, ExportError> {
        let io = |source| ExportError::Io {
            path: target.into(),
            source,
        };
        let parent = super::target::folder_of(target)?;
        match std::fs::symlink_metadata(target) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(e)),
            Ok(m) if m.is_dir() && std::fs::read_dir(target).map_err(io)?.next().is_none() => {}
            Ok(_) => return Err(ExportError::NotEmpty(target.into())),
        }
        let tmp = tempfile::Builder::new()
            .prefix(".dissent-bundle-")
            .tempdir_in(parent)
            .map_err(|e| io(super::target::without_temp_path(e)))?;
        Ok(Bundle {
            tmp,
            target: target.into(),
            files: Vec::new(),
        })
    }

    /// Where a file named `name` of the bundle is written.
    #[must_use]
    pub fn path(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    /// Writes `bytes` as the file `name`.
    pub fn add(&mut self, name: &str, bytes: &[u8]) -> Result<(), ExportError> {
        let path = self.path(name);
        std::fs::write(&path, bytes).map_err(|source| ExportError::Io { path, source })?;
        self.record(name)
    }

    /// Lists the file `name`, written into [`Bundle::path`] by the caller.
    pub fn record(&mut self, name: &str) -> Result<(), ExportError> {
        let path = self.path(name);
        let io = |source| ExportError::Io {
            path: path.clone(),
            source,
        };
        let mut file = std::fs::File::open(&path).map_err(io)?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0; 1 << 16];
        let mut bytes = 0u64;
        loop {
            let n = file.read(&mut buf).map_err(io)?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            bytes += n as u64;
        }
        file.sync_all().map_err(io)?;
        self.files.push(BundleFile {
            name: name.into(),
            sha256: crate::domain::chain::hex(&hasher.finalize().into()),
            bytes,
        });
        Ok(())
    }

    /// The files listed so far.
    #[must_use]
    pub fn files(&self) -> &[BundleFile] {
        &self.files
    }

    /// Writes the manifest as the file `name` and renames the folder into place.
    pub fn finish(self, name: &str, manifest: &serde_json::Value) -> Result<(), ExportError> {
        let path = self.tmp.path().join(name);
        let mut text = serde_json::to_string_pretty(manifest)?;
        text.push('\n');
        std::fs::write(&path, text).map_err(|source| ExportError::Io { path, source })?;
        let io = |source| ExportError::Io {
            path: self.target.clone(),
            source,
        };
        if self.target.is_dir() {
            std::fs::remove_dir(&self.target).map_err(io)?;
        }
        let tmp = self.tmp.keep();
        std::fs::rename(&tmp, &self.target).map_err(|source| {
            let _ = std::fs::remove_dir_all(&tmp);
            io(source)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bundle_lands_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        let mut b = Bundle::create(&target).unwrap();
        b.add("a.txt", b"abc").unwrap();
        assert_eq!(
            b.files()[0].sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            "sha256 of `abc` (FIPS 180-2 example)"
        );
        drop(b);
        assert!(!target.exists(), "dropped: nothing at the target");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "no temp left"
        );
        let mut b = Bundle::create(&target).unwrap();
        b.add("a.txt", b"abc").unwrap();
        b.finish("m.json", &serde_json::json!({"ok": true}))
            .unwrap();
        assert_eq!(std::fs::read(target.join("a.txt")).unwrap(), b"abc");
        assert!(matches!(
            Bundle::create(&target),
            Err(ExportError::NotEmpty(_))
        ));
    }
}
