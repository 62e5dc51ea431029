//! Backups: consistent snapshots of the database (`VACUUM INTO`), each verified after it is
//! written. The library keeps its own in `backups/` (at most one a day while the app runs,
//! and one before every migration), rotated to the last 7 daily and 4 weekly; `lode backup
//! DIR` writes one anywhere. The index is not backed up: it is rebuilt from the database.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, NaiveDateTime, Utc};
use rusqlite::{Connection, OpenFlags};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::store;

/// The library's own backups folder.
pub const FOLDER: &str = "backups";
/// A daily backup is due when the newest is older than this.
pub const INTERVAL: chrono::Duration = chrono::Duration::hours(24);
const DAILY: usize = 7;
const WEEKLY: usize = 4;
const STAMP: &str = "%Y%m%dT%H%M%SZ";

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Backup {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub path: PathBuf,
    pub created: DateTime<Utc>,
    pub bytes: u64,
}

/// `lode-<timestamp>[-<label>].db`: when it was made, read back from its name.
fn created_of(path: &Path) -> Option<DateTime<Utc>> {
    let name = path.file_name()?.to_str()?;
    let stamp = name.strip_prefix("lode-")?.strip_suffix(".db")?;
    let stamp = stamp.get(..16)?;
    NaiveDateTime::parse_from_str(stamp, STAMP)
        .ok()
        .map(|t| t.and_utc())
}

/// Writes a snapshot of `conn`'s database into `dir` as `lode-<now>[-label].db`, verifies it
/// (SQLite's integrity check, and that it holds Lode's schema) and returns it. A snapshot that
/// fails the check is removed and the error says why.
pub fn write(conn: &Connection, dir: &Path, now: DateTime<Utc>, label: &str) -> Result<Backup> {
    std::fs::create_dir_all(dir)?;
    let stem = format!("lode-{}{label}", now.format(STAMP));
    let path = (0..)
        .map(|n| match n {
            0 => dir.join(format!("{stem}.db")),
            n => dir.join(format!("{stem}-{n}.db")),
        })
        .find(|p| !p.exists())
        .unwrap_or_else(|| dir.join(format!("{stem}.db")));
    let partial = path.with_extension("db.partial");
    let _ = std::fs::remove_file(&partial);
    let written = conn
        .execute("VACUUM INTO ?1", [partial.to_string_lossy()])
        .map_err(Error::from)
        .and_then(|_| verify(&partial))
        .and_then(|()| {
            std::fs::File::open(&partial)?.sync_all()?;
            std::fs::rename(&partial, &path)?;
            Ok(())
        });
    if let Err(e) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    Ok(Backup {
        bytes: std::fs::metadata(&path)?.len(),
        path,
        created: now,
    })
}

/// Whether `path` is a sound Lode database: SQLite's integrity check passes and it has Lode's
/// tables at a version this Lode knows.
pub fn verify(path: &Path) -> Result<()> {
    let bad = |why: String| Error::invalid("backup", format!("{}: {why}", path.display()));
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| bad(e.to_string()))?;
    let messages: Vec<String> = conn
        .prepare("PRAGMA integrity_check")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .map_err(|e| bad(format!("it cannot be read as a database ({e})")))?;
    if messages != ["ok"] {
        return Err(bad(format!(
            "it fails SQLite's integrity check: {}",
            messages.join("; ")
        )));
    }
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(|e| bad(e.to_string()))?;
    let has_notes: bool = conn
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'notes')",
            [],
            |r| r.get(0),
        )
        .map_err(|e| bad(e.to_string()))?;
    if !has_notes || version < 1 {
        return Err(bad("it is not a Lode library's database".into()));
    }
    if version > store::MIGRATIONS.len() as i64 {
        return Err(bad(format!(
            "a newer Lode wrote it (database version {version}): update Lode to restore it"
        )));
    }
    Ok(())
}

/// The backups in `dir`, newest first.
pub fn list(dir: &Path) -> Result<Vec<Backup>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    let mut backups: Vec<Backup> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let path = e.path();
            let created = created_of(&path)?;
            let meta = e.metadata().ok().filter(|m| m.is_file())?;
            Some(Backup {
                path,
                created,
                bytes: meta.len(),
            })
        })
        .collect();
    backups.sort_by(|a, b| b.created.cmp(&a.created).then(b.path.cmp(&a.path)));
    Ok(backups)
}

/// Keeps the newest backup of each of the last [`DAILY`] days that have one, and then the
/// newest of each of the [`WEEKLY`] weeks before; removes the rest. Returns the ones removed.
pub fn rotate(dir: &Path) -> Result<Vec<PathBuf>> {
    let backups = list(dir)?;
    let mut keep = std::collections::HashSet::new();
    let mut days = Vec::new();
    let mut weeks = Vec::new();
    for b in &backups {
        let day = b.created.date_naive();
        if !days.contains(&day) && days.len() < DAILY {
            days.push(day);
            keep.insert(b.path.clone());
        }
        let week = (b.created.iso_week().year(), b.created.iso_week().week());
        if days.last() != Some(&day) && !weeks.contains(&week) && weeks.len() < WEEKLY {
            weeks.push(week);
            keep.insert(b.path.clone());
        }
    }
    let mut removed = Vec::new();
    for b in backups {
        if !keep.contains(&b.path) {
            std::fs::remove_file(&b.path)?;
            removed.push(b.path);
        }
    }
    Ok(removed)
}
