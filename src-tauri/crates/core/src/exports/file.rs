//! Where an export is written: a temporary file next to the target, renamed into place only
//! when every row is in. A failed or canceled export removes its temporary file, so it never
//! leaves half a file, and an existing file at the target is replaced only by a complete one.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A temporary file being written for `target`; dropped without [`PartFile::commit`], it is
/// deleted.
pub struct PartFile {
    part: PathBuf,
    target: PathBuf,
    out: Option<BufWriter<File>>,
}

fn io_failed(path: &Path, err: std::io::Error) -> Error {
    Error::Validation(format!("The file {} could not be written: {err}", path.display()))
}

impl PartFile {
    /// Creates `.<file name>.<random>.part` in the target's folder (same file system, so the
    /// rename is atomic).
    pub fn create(target: &Path) -> Result<Self> {
        let name = target
            .file_name()
            .and_then(|name| name.to_str())
            .filter(|name| !name.is_empty())
            .ok_or_else(|| Error::Validation(format!("{} is not a file name.", target.display())))?;
        let folder = target.parent().filter(|parent| !parent.as_os_str().is_empty()).unwrap_or(Path::new("."));
        if !folder.is_dir() {
            return Err(Error::Validation(format!("The folder {} does not exist.", folder.display())));
        }
        let part = folder.join(format!(".{name}.{}.part", uuid::Uuid::new_v4().simple()));
        let file = OpenOptions::new().write(true).create_new(true).open(&part).map_err(|err| io_failed(&part, err))?;
        Ok(PartFile { part, target: target.to_path_buf(), out: Some(BufWriter::with_capacity(64 * 1024, file)) })
    }

    /// Flushes, syncs and renames the file into place.
    pub fn commit(mut self) -> Result<PathBuf> {
        let out = self.out.take().ok_or_else(|| Error::Internal("the export file was already closed".into()))?;
        let file = out.into_inner().map_err(|err| io_failed(&self.part, err.into_error()))?;
        file.sync_all().map_err(|err| io_failed(&self.part, err))?;
        drop(file);
        std::fs::rename(&self.part, &self.target).map_err(|err| io_failed(&self.target, err))?;
        Ok(self.target.clone())
    }
}

impl Write for PartFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self.out.as_mut() {
            Some(out) => out.write(buf),
            None => Err(std::io::Error::other("the export file was already closed")),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self.out.as_mut() {
            Some(out) => out.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for PartFile {
    fn drop(&mut self) {
        // Not committed: the rows written so far are not an export.
        if self.out.take().is_some() {
            let _ = std::fs::remove_file(&self.part);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_committed_file_replaces_the_target_and_a_dropped_one_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        std::fs::write(&target, "old").unwrap();
        let mut half = PartFile::create(&target).unwrap();
        half.write_all(b"half").unwrap();
        let part = half.part.clone();
        assert!(part.exists());
        drop(half);
        assert!(!part.exists());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old", "a failed export leaves the old file alone");

        let mut whole = PartFile::create(&target).unwrap();
        whole.write_all(b"new").unwrap();
        assert_eq!(whole.commit().unwrap(), target);
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file left");
    }

    #[test]
    fn a_missing_folder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let err = PartFile::create(&dir.path().join("nope/out.csv")).err().unwrap();
        assert!(err.to_string().contains("does not exist"), "{err}");
    }
}
