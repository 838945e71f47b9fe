//! Evidence files picked on disk, read here (the webview never reads the disk): what the
//! form shows of a picked file before saving, and the bytes once it is saved. Both check the
//! type by the bytes and the size before anything else happens.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::evidence::{sniff, EvidenceFileInput, EvidenceInput, MAX_FILE_BYTES};
use crate::error::{Error, Result};

/// What the evidence form knows of a picked file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PickedFile {
    /// The file's own name, without its folder.
    pub filename: String,
    /// Its size in bytes.
    pub size: i64,
    /// `pdf`, `png` or `jpg` by its bytes; `None` for anything else (Stripe refuses it).
    pub file_type: Option<String>,
}

/// A file field answered by a file on disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EvidenceFilePick {
    /// The evidence file field (`receipt`, …).
    pub field: String,
    /// Where the file is.
    pub path: String,
}

/// The evidence form as the UI sends it: text by field (`""` clears a field) and files on disk.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EvidenceForm {
    /// Text fields by Stripe's field name.
    pub text: BTreeMap<String, String>,
    /// Files to upload, by field.
    pub files: Vec<EvidenceFilePick>,
}

fn name_of(path: &Path) -> String {
    path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_else(|| "evidence".into())
}

/// Opens a regular file and reads at most `limit` bytes of it; answers them and its size.
fn read_head(path: &Path, limit: u64) -> Result<(Vec<u8>, u64)> {
    let unreadable = |err: std::io::Error| Error::Validation(format!("{} cannot be read: {err}", path.display()));
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let meta = file.metadata().map_err(unreadable)?;
    if !meta.is_file() {
        return Err(Error::Validation(format!("{} is not a file.", path.display())));
    }
    let mut bytes = Vec::new();
    file.take(limit).read_to_end(&mut bytes).map_err(unreadable)?;
    Ok((bytes, meta.len()))
}

/// Name, size and type of a picked file (only its first bytes are read).
pub fn inspect(path: &Path) -> Result<PickedFile> {
    let (head, size) = read_head(path, 16)?;
    Ok(PickedFile { filename: name_of(path), size: size as i64, file_type: sniff(&head).map(str::to_string) })
}

impl EvidenceForm {
    /// The evidence with each picked file read: a file over Stripe's limit is refused by its
    /// size before its bytes are read.
    pub fn read(self) -> Result<EvidenceInput> {
        let mut files = Vec::new();
        for pick in self.files {
            let path = Path::new(&pick.path);
            let (bytes, size) = read_head(path, MAX_FILE_BYTES as u64 + 1)?;
            if size > MAX_FILE_BYTES as u64 {
                return Err(Error::Validation(format!(
                    "{} is {:.1} MB; Stripe takes evidence files of at most 5 MB.",
                    name_of(path),
                    size as f64 / (1024.0 * 1024.0)
                )));
            }
            files.push(EvidenceFileInput { field: pick.field, filename: name_of(path), bytes });
        }
        Ok(EvidenceInput { text: self.text, files })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picked_files_are_read_by_their_bytes_and_big_ones_refused_unread() {
        let dir = tempfile::tempdir().unwrap();
        let pdf = dir.path().join("receipt.pdf");
        std::fs::write(&pdf, b"%PDF-1.4 hello").unwrap();
        let fake = dir.path().join("photo.png");
        std::fs::write(&fake, b"not an image").unwrap();
        assert_eq!(inspect(&pdf).unwrap(), PickedFile { filename: "receipt.pdf".into(), size: 14, file_type: Some("pdf".into()) });
        assert_eq!(inspect(&fake).unwrap().file_type, None);
        assert!(inspect(dir.path()).is_err(), "a folder is not a file");
        let form = EvidenceForm { text: BTreeMap::new(), files: vec![EvidenceFilePick { field: "receipt".into(), path: pdf.display().to_string() }] };
        let input = form.read().unwrap();
        assert_eq!((input.files[0].filename.as_str(), input.files[0].bytes.as_slice()), ("receipt.pdf", &b"%PDF-1.4 hello"[..]));
        let big = dir.path().join("big.pdf");
        std::fs::write(&big, vec![b' '; MAX_FILE_BYTES + 1]).unwrap();
        let form = EvidenceForm { text: BTreeMap::new(), files: vec![EvidenceFilePick { field: "receipt".into(), path: big.display().to_string() }] };
        assert!(form.read().unwrap_err().to_string().contains("at most 5 MB"));
    }
}
