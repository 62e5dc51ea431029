//! Keeping a folder of Markdown files in step with the library (an Obsidian vault's folder):
//! one file a note, as `export --format markdown` writes it.
//!
//! The folder's `.lode-sync.json` records what Lode wrote there: each note's file and the
//! hash of its content, and the library's change counter at that time. A sync writes only
//! the files whose content changed, renames a note's file when its title changed, and removes
//! the files of notes that left the library (to the trash, or for good). It touches no file it
//! did not write, and never overwrites one the user changed since: that file is kept beside,
//! renamed `… (edited).md`, before the note's current file is written. When nothing changed in
//! the library since the last sync, a sync reads nothing but that record (so the desktop can
//! ask every few seconds); a file removed from the folder by hand comes back with the next
//! change.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Library;
use crate::error::{Error, Result};
use crate::export;
use crate::store::{annotations, colors, notes, outbox};

/// The record of what a sync wrote, in the synced folder.
const MANIFEST: &str = ".lode-sync.json";

/// What [`Library::sync_folder`] did.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncReport {
    /// Files written: new notes, and notes whose text, details, tags or highlights changed.
    pub written: usize,
    pub unchanged: usize,
    /// Files of notes no longer in the library, removed.
    pub removed: usize,
    /// Files changed in the folder since Lode wrote them: kept under a new name (or, for a
    /// note no longer in the library, where they were), never overwritten.
    pub kept: Vec<PathBuf>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Manifest {
    /// The library's change counter when the folder was last brought up to date.
    seq: i64,
    /// Note id -> its file (name in the folder) and the SHA-256 of what was written.
    notes: BTreeMap<i64, Written>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Written {
    file: String,
    sha256: String,
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The hash of the file at `path`, `None` when there is none.
fn on_disk(path: &Path) -> Option<String> {
    std::fs::read(path).ok().map(|b| sha256(&b))
}

/// Writes `content` to `path` whole or not at all (a file beside it, renamed over it).
fn write_whole(path: &Path, content: &[u8]) -> Result<()> {
    let partial = path.with_extension("md.partial");
    std::fs::write(&partial, content)?;
    std::fs::rename(&partial, path)?;
    Ok(())
}

/// A free name beside `path` for a file the user changed: `stem (edited).md`, `(edited 2)`….
fn aside(path: &Path) -> PathBuf {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("note");
    (1..)
        .map(|n| {
            let suffix = if n == 1 {
                String::new()
            } else {
                format!(" {n}")
            };
            path.with_file_name(format!("{stem} (edited{suffix}).md"))
        })
        .find(|p| !p.exists())
        .unwrap_or_else(|| path.to_path_buf())
}

impl Library {
    /// Brings `dir` (made if missing) up to date with the library (see the module's doc).
    pub fn sync_folder(&self, dir: &Path) -> Result<SyncReport> {
        std::fs::create_dir_all(dir)?;
        let manifest_path = dir.join(MANIFEST);
        let mut manifest: Manifest = match std::fs::read(&manifest_path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                Error::invalid(
                    "sync folder",
                    format!(
                        "{} is not Lode's record of the folder: {e}",
                        manifest_path.display()
                    ),
                )
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Manifest::default(),
            Err(e) => return Err(e.into()),
        };
        let seq = outbox::last_seq(&self.read())?;
        let mut report = SyncReport::default();
        if seq == manifest.seq && manifest_path.exists() {
            report.unchanged = manifest.notes.len();
            return Ok(report);
        }
        let ids = notes::all_ids(&self.read())?;
        let names = colors::all(&self.read())?;
        let mut fresh: BTreeMap<i64, Written> = BTreeMap::new();
        for &id in &ids {
            let (note, marks) = {
                let conn = self.read();
                (notes::get(&conn, id)?, annotations::of_note(&conn, id)?)
            };
            let content = export::markdown(&note, &marks, &names);
            let file = format!("{}.md", export::file_stem(&note));
            let sha = sha256(content.as_bytes());
            let path = dir.join(&file);
            let before = manifest.notes.remove(&id);
            // What Lode wrote before and the user changed since is kept, under a new name.
            if let Some(before) = &before {
                let old = dir.join(&before.file);
                match on_disk(&old) {
                    Some(hash) if hash != before.sha256 => {
                        let kept = aside(&old);
                        std::fs::rename(&old, &kept)?;
                        report.kept.push(kept);
                    }
                    Some(_) if before.file != file => std::fs::remove_file(&old)?,
                    _ => {}
                }
            }
            let current = on_disk(&path);
            if current.as_ref() == Some(&sha) {
                report.unchanged += 1;
            } else {
                if current.is_some() && before.as_ref().is_none_or(|b| b.file != file) {
                    // A file of that name that Lode did not write: kept, under a new name.
                    let kept = aside(&path);
                    std::fs::rename(&path, &kept)?;
                    report.kept.push(kept);
                }
                write_whole(&path, content.as_bytes())?;
                report.written += 1;
            }
            fresh.insert(id, Written { file, sha256: sha });
        }
        // Notes that left the library: their files go, unless the user changed them.
        for (_, gone) in std::mem::take(&mut manifest.notes) {
            let path = dir.join(&gone.file);
            match on_disk(&path) {
                Some(hash) if hash == gone.sha256 => {
                    std::fs::remove_file(&path)?;
                    report.removed += 1;
                }
                Some(_) => report.kept.push(path),
                None => {}
            }
        }
        manifest = Manifest { seq, notes: fresh };
        let partial = dir.join(format!("{MANIFEST}.partial"));
        std::fs::write(&partial, serde_json::to_vec_pretty(&manifest)?)?;
        std::fs::rename(&partial, &manifest_path)?;
        Ok(report)
    }
}
