//! [`Library`]: the only API the desktop shell and the CLI call; one method per use case.
//! Every write goes to SQLite (with an outbox entry, in one transaction) and then nudges the
//! indexer; reads come from SQLite, searches from the index.

use std::ops::{ControlFlow, Range};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::anchor::{self, AnchorStatus, SelectError};
use crate::backup::{self, Backup};
use crate::clip::{self, Article, Clip, Detail};
use crate::clock::{Clock, SystemClock};
use crate::error::{Error, Result};
use crate::export::{self, ExportFormat, ExportReport, w3c};
use crate::fetch::{FetchOptions, fetch_page};
use crate::import;
use crate::index::{self, Lang, SearchIndex};
use crate::model::*;
use crate::store::{self, annotations, clips, colors, notes, outbox, tags, versions};

mod importing;
mod sync;

use importing::Stored;
pub use importing::{ImportCounts, MAX_PAGE_ATTEMPTS, PageProgress, PagesReport};
pub use sync::SyncReport;

pub struct Library {
    dir: PathBuf,
    /// Writes, and reads that belong to a write.
    conn: Mutex<Connection>,
    /// Reads (a note, the list, search's hits, exports): connections of their own, so that
    /// they never queue behind a write holding `conn`, nor behind each other: the list
    /// reloading while a note opens.
    readers: Readers,
    index: SearchIndex,
    clock: Arc<dyn Clock>,
    /// The outbox's last entry when the library was opened: what a crash (or a lost index)
    /// left for the indexer to apply. The first search waits for it, so it never answers from
    /// an index that is behind what was acknowledged before this process started.
    behind_at_open: std::sync::atomic::AtomicI64,
    /// The outbox's last entry this process wrote or was told of: a newer one was written by
    /// another process ([`Library::changed_elsewhere`]).
    seen_seq: std::sync::atomic::AtomicI64,
    /// SQLite's quick check of the database, started when it was opened (`Some(why)` when it
    /// failed): once it has failed every write is refused (reading, searching and exporting
    /// still work) until a backup is restored.
    integrity: Integrity,
    /// How this process holds the library. Declared last, so dropped last: the indexer has
    /// committed and closed the index before another process may take the library.
    hold: Mutex<Hold>,
}

/// How many read connections are kept open.
const READERS: usize = 3;

/// The read connections: a few kept open, and one opened for the moment when all of them are
/// busy (an export, a long list) rather than waiting for one of them to finish.
struct Readers {
    db: PathBuf,
    connect: fn(&Path) -> Result<Connection>,
    pool: Vec<Mutex<Connection>>,
}

impl Readers {
    fn open(db: &Path, connect: fn(&Path) -> Result<Connection>) -> Result<Readers> {
        Ok(Readers {
            db: db.to_path_buf(),
            connect,
            pool: (0..READERS)
                .map(|_| connect(db).map(Mutex::new))
                .collect::<Result<_>>()?,
        })
    }

    fn get(&self) -> Reader<'_> {
        for reader in &self.pool {
            match reader.try_lock() {
                Ok(conn) => return Reader::Kept(conn),
                Err(std::sync::TryLockError::Poisoned(poisoned)) => {
                    return Reader::Kept(poisoned.into_inner());
                }
                Err(std::sync::TryLockError::WouldBlock) => {}
            }
        }
        match (self.connect)(&self.db) {
            Ok(conn) => Reader::Extra(conn),
            // It could not be opened (out of file handles, say): wait for a kept one.
            Err(_) => Reader::Kept(
                self.pool[0]
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner()),
            ),
        }
    }
}

/// A read connection, kept or opened for the moment.
enum Reader<'a> {
    Kept(MutexGuard<'a, Connection>),
    Extra(Connection),
}

impl std::ops::Deref for Reader<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        match self {
            Reader::Kept(conn) => conn,
            Reader::Extra(conn) => conn,
        }
    }
}

/// SQLite's quick check of the database, once it has run: `Some(why)` when it failed.
type Integrity = Arc<std::sync::OnceLock<Option<String>>>;

/// Runs SQLite's quick check on its own connection (it reads the whole file: 0.35-0.57 s for
/// 578 MB), so that opening stays fast.
fn check_in_background(
    integrity: &Integrity,
    conn: &Connection,
    db: PathBuf,
    connect: fn(&Path) -> Result<Connection>,
) {
    let result = Arc::clone(integrity);
    let spawned = std::thread::Builder::new()
        .name("lode-quick-check".into())
        .spawn(move || {
            // A check that cannot run (a full disk, a busy file) finds nothing.
            let why = connect(&db).ok().and_then(|conn| quick_check(&conn));
            let _ = result.set(why);
        });
    if spawned.is_err() {
        let _ = integrity.set(quick_check(conn));
    }
}

/// How a process holds a library. The first to open it holds `lode.lock` (an exclusive
/// `flock`) and with it the index writer, the repairs and the housekeeping; others share it.
enum Hold {
    Alone {
        _lock: std::fs::File,
    },
    /// Another process holds the lock: reads as usual, writes through SQLite and its outbox,
    /// which the holder indexes. The lock is taken over once that process has closed.
    Shared(std::fs::File),
    /// The library's folder or disk cannot be written (why): reads only.
    ReadOnly(&'static str),
}

/// How this process opened the library (see [`Library::access`]).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// This process holds the library: it indexes, repairs and backs up.
    Alone,
    /// Another Lode process holds it (the desktop app, say): reads and writes work, and that
    /// process indexes the writes.
    Shared,
    /// The disk or folder cannot be written: reading, searching and exporting work.
    ReadOnly,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClipStatus {
    Created,
    /// The article was already in the library (same canonical URL or same body).
    Unchanged,
    Updated,
    /// The clip was a passage of a note: it is highlighted there (`annotation_id`).
    Highlighted,
    /// The clip was a passage found in several notes (`matches`): nothing was made.
    #[serde(rename = "in_several")]
    InSeveral,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClipOutcome {
    pub id: NoteId,
    pub status: ClipStatus,
    pub title: String,
    /// The highlight a passage became.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub annotation_id: Option<AnnotationId>,
    /// The notes holding a passage found in several, to choose from, and the passage.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(as = "Option<Vec<PassageMatch>>", optional))]
    pub matches: Vec<PassageMatch>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub passage: Option<String>,
}

impl ClipOutcome {
    fn note(id: NoteId, status: ClipStatus, title: String) -> ClipOutcome {
        ClipOutcome {
            id,
            status,
            title,
            annotation_id: None,
            matches: Vec::new(),
            passage: None,
        }
    }
}

/// A note that holds a copied passage.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PassageMatch {
    pub id: NoteId,
    pub title: String,
}

/// How [`Library::clip_with`] treats a clip.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClipOptions {
    /// A new note even when the clip is a passage of a note in the library.
    pub as_note: bool,
    /// A passage from a page not in the library, whose address the clip names, is highlighted
    /// in that page, fetched and clipped whole (with the library's fetch settings).
    pub fetch_page: bool,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportProgress {
    pub done: usize,
    pub total: usize,
    pub path: PathBuf,
}

/// How far a re-extraction has got, in notes.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReextractProgress {
    pub done: usize,
    pub total: usize,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReextractReport {
    pub updated: usize,
    pub unchanged: usize,
    /// Notes with no raw clip (imported Markdown, for instance).
    pub without_clip: usize,
    pub failed: Vec<(NoteId, String)>,
    /// Notes whose title, author and date, or text, the user corrected: those stay as the
    /// user left them (the rest of the note is re-extracted).
    pub kept_edits: usize,
    /// Stopped on request before every note was done.
    pub cancelled: bool,
}

/// How an import treats what it reads.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportOptions {
    /// A file with the title of a note and at least 80 % of its text becomes a new version of
    /// that note (a newer copy of the same article) instead of a note of its own.
    pub merge_similar: bool,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub created: usize,
    /// Files that became a new version of a note already here (only with
    /// [`ImportOptions::merge_similar`], or the same source address).
    #[serde(default)]
    pub updated: usize,
    pub unchanged: usize,
    /// Annotations read from a W3C bundle or a Markdown export's highlights.
    pub annotations: usize,
    /// Of those, the ones whose passage was not found in the imported text: kept as orphans.
    #[serde(default)]
    pub orphaned: usize,
    /// Files that could not be imported, with the reason; the others were imported.
    pub failed: Vec<(PathBuf, String)>,
    /// The caller stopped the import; the files before the stop were imported.
    pub cancelled: bool,
    /// Notes created with only their address (Pocket's list, bookmarks, …), waiting for their
    /// page ([`Library::fetch_waiting`]).
    #[serde(default)]
    pub waiting: usize,
    /// What each other tool's export brought, by format (`pocket`, `omnivore`, `readwise`,
    /// `readwise-reader`, `hypothesis`, `obsidian-highlights`, `karakeep`, `wallabag`,
    /// `instapaper`, `raindrop`, `bookmarks`).
    #[serde(default)]
    pub formats: std::collections::BTreeMap<String, ImportCounts>,
}

/// How many days a deleted note stays in the trash before it is removed for good.
pub const TRASH_DAYS: i64 = 30;

/// The most search hits the reader marks in one note (the first ones, in reading order).
pub const MAX_READER_MARKS: usize = 5_000;

/// Notes written per SQLite transaction during an import.
const IMPORT_BATCH: usize = 500;
/// How deep an import walks into folders, and how many files it takes at most.
const IMPORT_MAX_DEPTH: usize = 32;
const IMPORT_MAX_FILES: usize = 1_000_000;
/// The largest W3C bundle file read (a bundle carries every raw clip and version).
const MAX_BUNDLE_BYTES: u64 = 1 << 30;

impl Library {
    /// The platform's data folder for Lode (`~/.local/share/lode` on Linux).
    pub fn default_dir() -> Option<PathBuf> {
        dirs::data_dir().map(|d| d.join("lode"))
    }

    /// Opens the library in `dir`, creating and migrating it as needed.
    pub fn open(dir: impl AsRef<Path>) -> Result<Library> {
        Library::open_with_clock(dir, Arc::new(SystemClock))
    }

    pub fn open_with_clock(dir: impl AsRef<Path>, clock: Arc<dyn Clock>) -> Result<Library> {
        let dir = dir.as_ref().to_path_buf();
        let read_only = |e: &dyn std::fmt::Display| Error::ReadOnly(dir.clone(), e.to_string());
        if dir.exists() && !dir.is_dir() {
            return Err(Error::invalid(
                "library folder",
                format!("{} is a file, not a folder", dir.display()),
            ));
        }
        refuse_foreign_folder(&dir)?;
        let exists = dir.join("lode.db").is_file();
        // A library that cannot be written is still read (when there is one to read).
        let or_read_only = |e: Error| match e {
            Error::ReadOnly(..) | Error::DiskFull(_) if exists => {
                let why = if matches!(e, Error::DiskFull(_)) || disk_is_full(&dir) {
                    "its disk was full when Lode opened it: reopen it once space is freed"
                } else {
                    "its disk or folder is read-only"
                };
                Library::open_beside(&dir, clock.clone(), Hold::ReadOnly(why))
            }
            e => Err(e),
        };
        let lock = std::fs::create_dir_all(&dir)
            .and_then(|()| {
                std::fs::OpenOptions::new()
                    .create(true)
                    .truncate(false)
                    .write(true)
                    .open(dir.join("lode.lock"))
            })
            .map_err(|e| read_only(&e));
        let lock = match lock {
            Ok(lock) => lock,
            Err(e) => return or_read_only(e),
        };
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) if exists => {
                return Library::open_beside(&dir, clock, Hold::Shared(lock));
            }
            // Another process is creating it: there is nothing to share yet.
            Err(std::fs::TryLockError::WouldBlock) => return Err(Error::LibraryLocked(dir)),
            Err(std::fs::TryLockError::Error(e)) => return or_read_only(read_only(&e)),
        }
        Library::open_alone(&dir, clock.clone(), lock).or_else(or_read_only)
    }

    /// Opens the library whose lock this process has just taken: migrates it, checks it,
    /// opens the index for writing.
    fn open_alone(dir: &Path, clock: Arc<dyn Clock>, lock: std::fs::File) -> Result<Library> {
        let dir = dir.to_path_buf();
        let read_only = |e: &dyn std::fmt::Display| Error::ReadOnly(dir.clone(), e.to_string());
        let db = dir.join("lode.db");
        let mut conn = store::connect(&db).map_err(|e| match e {
            Error::Sqlite(e) if is_corrupt(&e) => damaged(&dir, e.to_string()),
            e if matches!(
                e.code(),
                crate::ErrorCode::Internal | crate::ErrorCode::ReadOnly
            ) =>
            {
                read_only(&e)
            }
            e => e,
        })?;
        let integrity = Integrity::default();
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version > 0 && version < store::MIGRATIONS.len() as i64 {
            // A migration about to run (once per upgrade): check the database first, and keep
            // it as it was.
            let why = quick_check(&conn);
            let sound = why.is_none();
            let _ = integrity.set(why);
            if sound {
                backup::write(
                    &conn,
                    &dir.join(backup::FOLDER),
                    clock.now(),
                    &format!("-before-migration-{version}"),
                )
                .map_err(|e| match e.code() {
                    crate::ErrorCode::ReadOnly => read_only(&e),
                    _ => e,
                })?;
            }
        }
        if integrity.get().is_none_or(Option::is_none) {
            store::migrate(&mut conn).map_err(|e| match e {
                Error::Sqlite(e) if is_corrupt(&e) => damaged(&dir, e.to_string()),
                e if e.code() == crate::ErrorCode::ReadOnly => read_only(&e),
                e => e,
            })?;
        }
        if integrity.get().is_none() {
            check_in_background(&integrity, &conn, db.clone(), store::connect);
        }
        let behind_at_open = outbox::last_seq(&conn).map_err(|e| match e {
            // Not even the library's own tables can be read: nothing to open.
            Error::Sqlite(e) if is_corrupt(&e) => damaged(&dir, e.to_string()),
            e => e,
        })?;
        let index = SearchIndex::open(&dir.join("index"), &db)?;
        let library = Library {
            behind_at_open: behind_at_open.into(),
            seen_seq: behind_at_open.into(),
            dir,
            hold: Mutex::new(Hold::Alone { _lock: lock }),
            readers: Readers::open(&db, store::connect_reader)?,
            conn: Mutex::new(conn),
            index,
            clock,
            integrity,
        };
        // Housekeeping: a library that cannot purge now (read-only, a full disk) purges later.
        let _ = library.purge_expired_trash();
        Ok(library)
    }

    /// Opens a library another process holds (`Hold::Shared`) or that cannot be written
    /// (`Hold::ReadOnly`): its database as it is (a database that still needs migrating is
    /// left to the process that holds it), and its index for reading only.
    fn open_beside(dir: &Path, clock: Arc<dyn Clock>, hold: Hold) -> Result<Library> {
        let dir = dir.to_path_buf();
        let db = dir.join("lode.db");
        let connect = match hold {
            Hold::ReadOnly(_) => store::connect_read_only,
            _ => store::connect,
        };
        let conn = connect(&db).map_err(|e| match e {
            Error::Sqlite(e) if is_corrupt(&e) => damaged(&dir, e.to_string()),
            e => e,
        })?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let known = store::MIGRATIONS.len() as i64;
        if version > known {
            return Err(Error::NewerDatabase {
                dir,
                found: version,
                known,
            });
        }
        if version < known {
            return Err(match hold {
                Hold::ReadOnly(_) => Error::ReadOnly(
                    dir,
                    format!("it needs upgrading from database version {version}, which writes it"),
                ),
                _ => Error::LibraryLocked(dir),
            });
        }
        let readers = match hold {
            Hold::ReadOnly(_) => Readers::open(&db, store::connect_read_only)?,
            _ => Readers::open(&db, store::connect_reader)?,
        };
        let integrity = Integrity::default();
        check_in_background(&integrity, &conn, db, connect);
        let behind_at_open = outbox::last_seq(&conn).map_err(|e| match e {
            Error::Sqlite(e) if is_corrupt(&e) => damaged(&dir, e.to_string()),
            e => e,
        })?;
        Ok(Library {
            behind_at_open: behind_at_open.into(),
            seen_seq: behind_at_open.into(),
            index: SearchIndex::follow(&dir.join("index"))?,
            dir,
            hold: Mutex::new(hold),
            readers,
            conn: Mutex::new(conn),
            clock,
            integrity,
        })
    }

    /// How this process holds the library: alone, shared with another Lode process, or
    /// read-only.
    pub fn access(&self) -> Access {
        self.take_over_if_free();
        match &*self.hold() {
            Hold::Alone { .. } => Access::Alone,
            Hold::Shared(_) => Access::Shared,
            Hold::ReadOnly(_) => Access::ReadOnly,
        }
    }

    fn hold(&self) -> MutexGuard<'_, Hold> {
        self.hold.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A library shared with another process becomes this one's once that process has closed
    /// it: the lock is taken and the index opened for writing (catching up with what others
    /// wrote meanwhile). One `flock` call when the other process is still there.
    fn take_over_if_free(&self) {
        let mut hold = self.hold();
        let Hold::Shared(lock) = &*hold else {
            return;
        };
        if lock.try_lock().is_err() {
            return;
        }
        if self.index.take_over(&self.dir.join("lode.db")).is_err() {
            let _ = lock.unlock();
            return;
        }
        if let Hold::Shared(lock) = std::mem::replace(&mut *hold, Hold::ReadOnly("")) {
            *hold = Hold::Alone { _lock: lock };
        }
        drop(hold);
        let _ = self.purge_expired_trash();
    }

    /// For what only the process holding the library may do (rebuilding the index, say).
    fn alone(&self, what: &'static str) -> Result<()> {
        self.take_over_if_free();
        match &*self.hold() {
            Hold::Alone { .. } => Ok(()),
            Hold::Shared(_) => Err(Error::NeedsLibraryAlone(self.dir.clone(), what)),
            Hold::ReadOnly(why) => Err(Error::ReadOnly(
                self.dir.clone(),
                format!("{why}, and {what} writes it"),
            )),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written (transactions roll back).
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A connection for reads that are not part of a write.
    fn read(&self) -> Reader<'_> {
        self.readers.get()
    }

    /// Runs `f` in one transaction, then tells the indexer.
    fn write<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        self.take_over_if_free();
        if let Hold::ReadOnly(why) = &*self.hold() {
            return Err(Error::ReadOnly(
                self.dir.clone(),
                format!("{why} (reading, searching and exporting work)"),
            ));
        }
        if let Some(Some(why)) = self.integrity.get() {
            return Err(damaged(&self.dir, why.clone()));
        }
        self.write_inner(f).map_err(|e| self.disk_full(e))
    }

    /// A full disk or a damaged database said plainly, whichever layer noticed it.
    fn disk_full(&self, e: Error) -> Error {
        let full = match &e {
            Error::Sqlite(s) if is_corrupt(s) => return damaged(&self.dir, s.to_string()),
            Error::Sqlite(s) => s.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull),
            Error::Io(io) => io.kind() == std::io::ErrorKind::StorageFull,
            _ => false,
        };
        if full {
            Error::DiskFull(self.dir.clone())
        } else {
            e
        }
    }

    fn write_inner<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let mut conn = self.conn();
        // IMMEDIATE: take the write lock up front. A deferred transaction that reads first would
        // fail with SQLITE_BUSY, without waiting, if the indexer wrote in between.
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        let seq = outbox::last_seq(&tx)?;
        tx.commit()?;
        drop(conn);
        self.seen_seq
            .fetch_max(seq, std::sync::atomic::Ordering::AcqRel);
        self.index.changed();
        Ok(value)
    }

    /// Whether another process (the CLI while the app is open, say) has changed the library
    /// since the last call: the desktop then shows the list again.
    pub fn changed_elsewhere(&self) -> Result<bool> {
        let seq = outbox::last_seq(&self.read())?;
        let seen = self
            .seen_seq
            .fetch_max(seq, std::sync::atomic::Ordering::AcqRel);
        Ok(seq > seen)
    }

    /// The article a clip holds, without storing anything.
    pub fn extract(clip: &Clip) -> Result<Article> {
        clip::extract(clip)
    }

    /// `article` (as [`Library::extract`] gives it) with the details completed from its page,
    /// fetched from its address, storing nothing; and the details the page gave.
    pub fn complete_article(
        article: &Article,
        options: FetchOptions,
    ) -> Result<(Article, Vec<Detail>)> {
        let url = (article.url.as_deref()).ok_or_else(|| Error::Fetch {
            url: String::new(),
            reason: "the clip has no address".into(),
        })?;
        let page = fetch_page(url, options)?;
        let done = clip::complete(article, &page.html, &page.url, &[]);
        Ok((done.article, done.from_page))
    }

    /// Whether clips complete their details from their page ("Complete details from the
    /// article's page"; on unless turned off), and whether private addresses may be fetched.
    pub fn fetch_settings(&self) -> Result<FetchSettings> {
        let conn = self.read();
        let on = |key: &str, default: bool| -> Result<bool> {
            Ok(store::settings::setting(&conn, key)?.map_or(default, |v| v == "on"))
        };
        Ok(FetchSettings {
            complete_details: on(COMPLETE_DETAILS, true)?,
            allow_private: on(ALLOW_PRIVATE, false)?,
        })
    }

    pub fn set_fetch_settings(&self, settings: &FetchSettings) -> Result<()> {
        let word = |on: bool| if on { "on" } else { "off" };
        self.write(|c| {
            store::settings::set_setting(c, COMPLETE_DETAILS, word(settings.complete_details))?;
            store::settings::set_setting(c, ALLOW_PRIVATE, word(settings.allow_private))
        })
    }

    /// Saves `query` (as typed, with any `tag:`, `site:` or date filters) as `name`; a search
    /// already saved with that name, in any case, gets the new query.
    pub fn save_search(&self, name: &str, query: &str) -> Result<SavedSearch> {
        let name = name.trim();
        let query = query.trim();
        if name.is_empty() || name.chars().count() > MAX_SAVED_NAME_CHARS {
            return Err(Error::invalid(
                "saved search name",
                format!("a name is 1 to {MAX_SAVED_NAME_CHARS} characters"),
            ));
        }
        if name.chars().any(char::is_control) {
            return Err(Error::invalid(
                "saved search name",
                "a name holds no control characters",
            ));
        }
        if query.is_empty() {
            return Err(Error::invalid("saved search", "the query is empty"));
        }
        let now = self.clock.now();
        self.write(|c| store::saved::save(c, name, query, now))?;
        let saved = store::saved::get(&self.conn(), name)?.ok_or_else(|| {
            Error::SavedSearchNotFound(name.to_string()) // deleted by another process since
        })?;
        Ok(self.counted(saved))
    }

    /// The saved searches, by name, each with how many notes hold all its words now.
    pub fn saved_searches(&self) -> Result<Vec<SavedSearch>> {
        let saved = store::saved::list(&self.read())?;
        Ok(saved.into_iter().map(|s| self.counted(s)).collect())
    }

    /// Runs the search saved as `name`.
    pub fn run_saved_search(&self, name: &str, options: &SearchOptions) -> Result<SearchResults> {
        let saved = store::saved::get(&self.read(), name.trim())?
            .ok_or_else(|| Error::SavedSearchNotFound(name.to_string()))?;
        self.search(&saved.query, options)
    }

    pub fn delete_saved_search(&self, name: &str) -> Result<()> {
        let name = name.trim();
        if self.write(|c| store::saved::delete(c, name))? {
            Ok(())
        } else {
            Err(Error::SavedSearchNotFound(name.to_string()))
        }
    }

    fn counted(&self, saved: store::saved::Saved) -> SavedSearch {
        let options = SearchOptions {
            limit: 1,
            titles_only: false,
            facets: false,
        };
        let count = self.search(&saved.query, &options).ok().map(|r| r.total);
        SavedSearch {
            name: saved.name,
            query: saved.query,
            created: saved.created,
            count,
        }
    }

    /// Fetches note `id`'s page and completes the details the copy lacked or got wrong
    /// (title, author, date, site, sections, tags); the body stays the copy's, and details
    /// the user set are never replaced. On failure (offline, an error page, not HTML, too
    /// large) the note stays as it was and the error says why in one line.
    pub fn complete_from_page(&self, id: NoteId) -> Result<Completed> {
        let note = self.note(id)?;
        let settings = self.fetch_settings()?;
        let url = (note.article.url.clone()).ok_or_else(|| Error::Fetch {
            url: String::new(),
            reason: format!("note {id} has no address"),
        })?;
        // Fetched outside any transaction: the library stays writable meanwhile.
        let page = fetch_page(
            &url,
            FetchOptions {
                allow_private: settings.allow_private,
            },
        );
        let now = self.clock.now();
        self.write(|c| {
            let mut details = notes::details(c, id)?;
            details.fetched = Some(now);
            let page = match page {
                Ok(page) => page,
                Err(e) => {
                    details.error = Some(e.to_string());
                    notes::set_details(c, id, &details)?;
                    return Err(e);
                }
            };
            let current = notes::get(c, id)?;
            let kept: Vec<Detail> = (current.details_from.iter())
                .filter(|(_, from)| **from == DetailSource::User)
                .map(|(d, _)| *d)
                .collect();
            // Against the copy's values, so a second reading gives what the first gave.
            let mut copy = current.article.clone();
            if let Some(was) = &details.copy {
                for d in &details.page {
                    clip::set_detail(&mut copy, was, *d);
                }
            }
            let clip::Completion {
                article: completed,
                from_page,
                canonical,
            } = clip::complete(&copy, &page.html, &page.url, &kept);
            notes::set_completed(c, id, &completed, now)?;
            // The address the page names as its own identifies the article too.
            let own = notes::canonical_url(canonical.as_deref().unwrap_or(&page.url));
            notes::set_page_url(c, id, own.as_deref())?;
            if from_page.contains(&Detail::Tags) {
                for tag in &completed.tags {
                    tags::attach_to_note(c, id, tag)?;
                }
                details.page_tags.clone_from(&completed.tags);
            }
            details.page = from_page.clone();
            details.copy = Some(copy);
            details.error = None;
            notes::set_details(c, id, &details)?;
            outbox::push(c, id)?;
            Ok(Completed {
                note: notes::get(c, id)?,
                from_page,
            })
        })
    }

    /// "Use the copy's value": gives `detail` back the value the copy had, and keeps it from
    /// the page from then on.
    pub fn use_copy_value(&self, id: NoteId, detail: Detail) -> Result<Note> {
        let now = self.clock.now();
        self.write(|c| {
            let mut note = notes::get(c, id)?;
            let mut details = notes::details(c, id)?;
            if let Some(copy) = details.copy.clone()
                && details.page.contains(&detail)
            {
                if detail == Detail::Tags {
                    // The page's tags were added to a note that had none.
                    for tag in std::mem::take(&mut details.page_tags) {
                        tags::detach_from_note(c, id, &tag)?;
                    }
                } else {
                    clip::set_detail(&mut note.article, &copy, detail);
                    notes::set_completed(c, id, &note.article, now)?;
                }
            }
            details.page.retain(|d| *d != detail);
            if !details.user.contains(&detail) {
                details.user.push(detail);
            }
            notes::set_details(c, id, &details)?;
            outbox::push(c, id)?;
            notes::get(c, id)
        })
    }

    /// Stores a clip as a note. A clip of an article already in the library returns that note
    /// with [`ClipStatus::Unchanged`]. A passage of a note (see [`clip::passage`]) is
    /// highlighted there instead ([`ClipStatus::Highlighted`]; [`ClipStatus::InSeveral`] when
    /// several notes hold it). When no article can be extracted, the raw clip is still kept
    /// and the error names it.
    pub fn clip(&self, clip: &Clip) -> Result<ClipOutcome> {
        self.clip_with(clip, &ClipOptions::default())
    }

    /// [`Library::clip`], with `options`.
    pub fn clip_with(&self, clip: &Clip, options: &ClipOptions) -> Result<ClipOutcome> {
        clip.validate()?;
        if !options.as_note
            && let Some(passage) = clip::passage(clip)
            && let Some(outcome) = self.highlight_passage(clip, &passage, options)?
        {
            return Ok(outcome);
        }
        let now = self.clock.now();
        let keep_raw = |why: &str| self.write(|c| clips::insert(c, clip, now, Some(why)));
        let article = match clip::extract(clip) {
            Ok(article) => article,
            Err(Error::EmptyClip) => {
                let clip_id = keep_raw("no article text found")?;
                return Err(Error::NothingExtracted { clip_id });
            }
            Err(e) => {
                keep_raw(&e.to_string())?;
                return Err(e);
            }
        };
        self.write(|c| store_article(c, clip, &article, now, Similar::Merge, None))
            .inspect_err(|e| {
                // Whatever failed, the copy the user made is not lost (a full disk may refuse
                // this too; the error then says why).
                let _ = keep_raw(&e.to_string());
            })
    }

    /// Highlights `passage` in the note that holds it: the note of the clip's address when it
    /// does, else the one note of the library that does. `None` when no note holds it (or
    /// only as its whole text: that is the same article again), and the page at the clip's
    /// address, when `fetch_page`, does not either.
    fn highlight_passage(
        &self,
        clip: &Clip,
        passage: &str,
        options: &ClipOptions,
    ) -> Result<Option<ClipOutcome>> {
        let quote = anchor::normalize_quote(passage);
        let holds = |id: NoteId| -> Result<Option<(Note, Range<usize>)>> {
            let note = self.note(id)?;
            Ok(part_of(&note.article.body, &quote).map(|range| (note, range)))
        };
        let url = clip.url.as_deref().and_then(clip::source_url);
        let at_address = match url.as_deref() {
            Some(url) => notes::find_by_address(&self.conn(), url)?,
            None => None,
        };
        let mut holders = Vec::new();
        if let Some(note) = at_address.map(holds).transpose()?.flatten() {
            holders.push(note);
        } else {
            // Candidates from the index (the passage's first words as a phrase), each checked;
            // the note clipped a moment ago must be among them. An index that cannot answer
            // finds none: the passage is then kept as a note, as any clip is.
            let _ = self.flush_index();
            let words: Vec<&str> = (quote.split(|c: char| !c.is_alphanumeric()))
                .filter(|w| !w.is_empty())
                .take(12)
                .collect();
            let query = format!("\"{}\"", words.join(" "));
            let options = SearchOptions {
                limit: 20,
                titles_only: false,
                facets: false,
            };
            // A passage whose first words differ from the note's (a word the page changed
            // since) is looked for by all its words.
            for query in [query, words.join(" ")] {
                let hits = self.search(&query, &options).map_or(Vec::new(), |r| r.hits);
                for hit in hits {
                    if let Some(held) = holds(hit.id)? {
                        holders.push(held);
                    }
                }
                if !holders.is_empty() {
                    break;
                }
            }
        }
        match holders.as_slice() {
            [] if options.fetch_page && url.is_some() => self.clip_page_for(clip, &quote),
            [] => Ok(None),
            [(note, range)] => self.highlight_in(note, range.clone()).map(Some),
            several => Ok(Some(ClipOutcome {
                matches: (several.iter())
                    .map(|(n, _)| PassageMatch {
                        id: n.id,
                        title: n.article.title.clone(),
                    })
                    .collect(),
                passage: Some(quote.clone()),
                ..ClipOutcome::note(
                    several[0].0.id,
                    ClipStatus::InSeveral,
                    several[0].0.article.title.clone(),
                )
            })),
        }
    }

    /// The passage at `range` of `note`'s body highlighted, in the default colour.
    fn highlight_in(&self, note: &Note, range: Range<usize>) -> Result<ClipOutcome> {
        let body = &note.article.body;
        let quote = &body[range.clone()];
        let occurrence = (body.match_indices(quote))
            .position(|(at, _)| at == range.start)
            .map_or(1, |i| i + 1);
        let annotation = self.annotate(
            note.id,
            &NewAnnotation {
                quote: quote.to_string(),
                occurrence: Some(occurrence),
                comment: None,
                tags: Vec::new(),
                color: Color::default(),
            },
        )?;
        Ok(ClipOutcome {
            annotation_id: Some(annotation.id),
            ..ClipOutcome::note(note.id, ClipStatus::Highlighted, note.article.title.clone())
        })
    }

    /// A passage of a page not in the library: the page, fetched from the clip's address, is
    /// clipped whole and the passage highlighted in it. `None` (the passage becomes a note)
    /// when the page cannot be read or does not hold the passage.
    fn clip_page_for(&self, clip: &Clip, quote: &str) -> Result<Option<ClipOutcome>> {
        let Some(url) = clip.url.as_deref() else {
            return Ok(None);
        };
        let settings = self.fetch_settings()?;
        let Ok(page) = fetch_page(
            url,
            FetchOptions {
                allow_private: settings.allow_private,
            },
        ) else {
            return Ok(None);
        };
        let whole = Clip {
            text: None,
            html: Some(page.html),
            url: Some(url.to_string()),
        };
        if !clip::extract(&whole).is_ok_and(|a| part_of(&a.body, quote).is_some()) {
            return Ok(None);
        }
        let stored = self.clip_with(
            &whole,
            &ClipOptions {
                as_note: true,
                fetch_page: false,
            },
        )?;
        let note = self.note(stored.id)?;
        match part_of(&note.article.body, quote) {
            Some(range) => self.highlight_in(&note, range).map(Some),
            None => Ok(None),
        }
    }

    pub fn note(&self, id: NoteId) -> Result<Note> {
        notes::get(&self.read(), id)
    }

    /// The clip a note was made from, exactly as received.
    pub fn raw_clip(&self, id: NoteId) -> Result<Option<RawClip>> {
        let conn = self.read();
        notes::get(&conn, id)?;
        match notes::clip_id(&conn, id)? {
            Some(clip_id) => clips::get(&conn, clip_id),
            None => Ok(None),
        }
    }

    /// Notes, newest first.
    pub fn notes(&self, filter: &NoteFilter) -> Result<Vec<NoteSummary>> {
        notes::list(&self.read(), filter)
    }

    /// A page of notes with the library's tag, site and year counts, for the desktop's
    /// library view.
    pub fn browse(&self, filter: &NoteFilter) -> Result<Browse> {
        let conn = self.read();
        let (sites, years) = notes::site_and_year_counts(&conn)?;
        Ok(Browse {
            notes: notes::list(&conn, filter)?,
            total: notes::count(&conn, filter)?,
            tags: tags::counts(&conn)?,
            sites,
            years,
        })
    }

    /// Corrects a note's title, author and date (after a clip the clipper got wrong).
    pub fn update_metadata(&self, id: NoteId, edit: &MetadataEdit) -> Result<Note> {
        let title = edit.title.trim();
        if title.is_empty() {
            return Err(Error::invalid("title", "a note needs a title"));
        }
        let edit = MetadataEdit {
            title: title.to_string(),
            author: edit
                .author
                .as_deref()
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(str::to_string),
            published: edit.published,
        };
        let now = self.clock.now();
        self.write(|c| {
            let before = notes::get(c, id)?.article;
            let mut details = notes::details(c, id)?;
            for (detail, changed) in [
                (Detail::Title, before.title != edit.title),
                (Detail::Author, before.author != edit.author),
                (Detail::Published, before.published != edit.published),
            ] {
                if changed && !details.user.contains(&detail) {
                    details.page.retain(|d| *d != detail);
                    details.user.push(detail);
                }
            }
            notes::set_details(c, id, &details)?;
            notes::set_user_metadata(c, id, &edit, now)?;
            outbox::push(c, id)?;
            notes::get(c, id)
        })
    }

    /// Moves a note, with its annotations, versions, raw clip and tags, to the trash: it is no
    /// longer listed, searched or exported, and [`Library::restore`] brings it back as it was
    /// for [`TRASH_DAYS`] days.
    pub fn delete(&self, id: NoteId) -> Result<()> {
        let now = self.clock.now();
        self.write(|c| {
            if !notes::trash(c, id, now)? {
                return Err(Error::NoteNotFound(id));
            }
            outbox::push(c, id)
        })
    }

    /// The notes in the trash, the most recently deleted first.
    pub fn trash(&self) -> Result<Vec<TrashedNote>> {
        let kept = chrono::Duration::days(TRASH_DAYS);
        Ok(notes::trashed(&self.read())?
            .into_iter()
            .map(|(id, title, deleted)| TrashedNote {
                id,
                title,
                deleted,
                expires: deleted + kept,
            })
            .collect())
    }

    /// Takes notes out of the trash, with the same ids, exactly as they were. Fails (and
    /// restores none) when one of them is not in the trash.
    pub fn restore(&self, ids: &[NoteId]) -> Result<()> {
        self.write(|c| {
            for &id in ids {
                if !notes::untrash(c, id)? {
                    return Err(Error::NotInTrash(id));
                }
                outbox::push(c, id)?;
            }
            Ok(())
        })
    }

    /// Removes every note and highlight in the trash for good; returns how many notes.
    pub fn empty_trash(&self) -> Result<usize> {
        self.write(|c| purge_trash(c, None))
    }

    /// Removes what has been in the trash longer than [`TRASH_DAYS`].
    fn purge_expired_trash(&self) -> Result<usize> {
        let before = self.clock.now() - chrono::Duration::days(TRASH_DAYS);
        // Most openings find nothing to purge: a read, not a write (no commit, no fsync).
        let due: bool = self.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM notes WHERE trashed_at < ?1)
                 OR EXISTS (SELECT 1 FROM annotations WHERE trashed_at < ?1)",
            [store::ts(before)],
            |r| r.get(0),
        )?;
        if !due {
            return Ok(0);
        }
        self.write(|c| purge_trash(c, Some(before)))
    }

    /// Adds tags to a note; returns its tags.
    pub fn tag(&self, id: NoteId, new_tags: &[&str]) -> Result<Vec<String>> {
        let now = self.clock.now();
        self.write(|c| {
            notes::get(c, id)?;
            for tag in new_tags {
                tags::attach_to_note(c, id, tag)?;
            }
            notes::touch(c, id, now)?;
            outbox::push(c, id)?;
            tags::of_note(c, id)
        })
    }

    /// Removes tags from a note; returns its tags.
    pub fn untag(&self, id: NoteId, old_tags: &[&str]) -> Result<Vec<String>> {
        let now = self.clock.now();
        self.write(|c| {
            notes::get(c, id)?;
            for tag in old_tags {
                tags::detach_from_note(c, id, tag)?;
            }
            notes::touch(c, id, now)?;
            outbox::push(c, id)?;
            tags::of_note(c, id)
        })
    }

    pub fn tags(&self) -> Result<Vec<TagCount>> {
        tags::counts(&self.read())
    }

    /// Renames a tag and its children; merges into `new` when it exists.
    pub fn rename_tag(&self, old: &str, new: &str) -> Result<TagRename> {
        self.write(|c| {
            let (rename, affected) = tags::rename(c, old, new)?;
            for id in affected {
                outbox::push(c, id)?;
            }
            Ok(rename)
        })
    }

    /// Highlights a passage of a note's body.
    pub fn annotate(&self, id: NoteId, new: &NewAnnotation) -> Result<Annotation> {
        let now = self.clock.now();
        self.write(|c| {
            let note = notes::get(c, id)?;
            let selector = anchor::select(&note.article.body, &new.quote, new.occurrence).map_err(
                |e| match e {
                    SelectError::NotFound => Error::QuoteNotFound { note_id: id },
                    SelectError::TooLong(length) => Error::QuoteTooLong {
                        length,
                        limit: anchor::MAX_QUOTE_CHARS,
                    },
                    SelectError::Ambiguous(count) => Error::QuoteAmbiguous { note_id: id, count },
                    SelectError::OutOfRange(count) => Error::OccurrenceOutOfRange {
                        note_id: id,
                        occurrence: new.occurrence.unwrap_or(0),
                        count,
                    },
                },
            )?;
            let comment = new
                .comment
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty());
            let annotation_id = annotations::insert(c, id, &selector, new.color, comment, now)?;
            for tag in &new.tags {
                tags::attach_to_annotation(c, annotation_id, tag)?;
            }
            outbox::push(c, id)?;
            annotations::get(c, annotation_id)
        })
    }

    /// Changes an annotation's colour, comment and tags.
    pub fn update_annotation(
        &self,
        id: AnnotationId,
        change: &AnnotationChange,
    ) -> Result<Annotation> {
        let now = self.clock.now();
        let comment = change
            .comment
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        self.write(|c| {
            annotations::update(c, id, change.color, comment, now)?;
            tags::set_for_annotation(c, id, &change.tags)?;
            let annotation = annotations::get(c, id)?;
            outbox::push(c, annotation.note_id)?;
            Ok(annotation)
        })
    }

    /// Moves a highlight to the trash ([`Library::restore_annotation`] undoes it).
    pub fn delete_annotation(&self, id: AnnotationId) -> Result<()> {
        let now = self.clock.now();
        self.write(|c| {
            let note_id = annotations::trash(c, id, now)?;
            outbox::push(c, note_id)
        })
    }

    /// Brings a deleted highlight back. If the note's text changed since, the passage is
    /// found again in the current text (as an edit does for every highlight).
    pub fn restore_annotation(&self, id: AnnotationId) -> Result<Annotation> {
        let now = self.clock.now();
        self.write(|c| {
            let annotation = annotations::get_trashed(c, id)?;
            let note = notes::get(c, annotation.note_id)?;
            annotations::untrash(c, id)?;
            let position = &annotation.selector.position;
            let in_place: String = note
                .article
                .body
                .chars()
                .skip(position.start)
                .take(position.end.saturating_sub(position.start))
                .collect();
            if in_place != annotation.selector.quote.exact {
                let anchored = anchor::reanchor_all([&annotation.selector], &note.article.body);
                if let Some(anchored) = anchored.first() {
                    annotations::reanchored(c, id, &annotation, anchored, now)?;
                }
            }
            outbox::push(c, annotation.note_id)?;
            annotations::get(c, id)
        })
    }

    /// Replaces a note's body with the user's corrected text (canonicalised); the old body is
    /// kept as a version and every annotation is re-anchored.
    pub fn edit(&self, id: NoteId, body: &str) -> Result<Reanchoring> {
        let body = clip::canonical_body(body);
        if body.is_empty() {
            return Err(Error::invalid("body", "the new body is empty"));
        }
        let now = self.clock.now();
        self.write(|c| replace_body(c, id, &body, "edit", now))
    }

    /// Runs the clipper again over the raw clips of `ids` (every note when empty): notes whose
    /// article comes out different get its metadata and body (the old body kept as a version,
    /// annotations re-anchored); tags and annotations are kept, and so are a title, author and
    /// date or a text the user corrected by hand. `progress` hears of every note and may
    /// answer `Break` to stop there (the report says `cancelled`).
    pub fn reextract(
        &self,
        ids: &[NoteId],
        progress: &mut dyn FnMut(&ReextractProgress) -> ControlFlow<()>,
    ) -> Result<ReextractReport> {
        let ids = if ids.is_empty() {
            notes::all_ids(&self.conn())?
        } else {
            ids.to_vec()
        };
        let mut report = ReextractReport::default();
        let total = ids.len();
        for (done, id) in ids.into_iter().enumerate() {
            if progress(&ReextractProgress { done, total }).is_break() {
                report.cancelled = true;
                break;
            }
            let raw = match self.raw_clip(id) {
                Ok(Some(raw)) => raw,
                Ok(None) => {
                    report.without_clip += 1;
                    continue;
                }
                Err(e) => {
                    report.failed.push((id, e.to_string()));
                    continue;
                }
            };
            let clip = Clip {
                text: raw.text,
                html: raw.html,
                url: raw.url,
            };
            let markdown = {
                let conn = self.conn();
                match notes::clip_id(&conn, id)? {
                    Some(clip_id) => clips::format(&conn, clip_id)?.as_deref() == Some("markdown"),
                    None => false,
                }
            };
            let extracted = if markdown {
                import::markdown::read(clip.text.as_deref().unwrap_or_default()).map(|n| n.article)
            } else {
                clip::extract(&clip)
            };
            let article = match extracted {
                Ok(article) => article,
                Err(e) => {
                    report.failed.push((id, e.to_string()));
                    continue;
                }
            };
            let now = self.clock.now();
            let written = self.write(|c| {
                let note = notes::get(c, id)?;
                let mut current = note.article.clone();
                current.tags.clear();
                let mut fresh = article.clone();
                fresh.tags.clear();
                let metadata_by_user = keep_details(c, &note, &current, &mut fresh)?;
                let text_by_user = versions::current_reason(c, id)?.as_deref() == Some("edit");
                if text_by_user {
                    fresh.body = current.body.clone();
                }
                let kept = metadata_by_user || text_by_user;
                if current == fresh {
                    return Ok((false, kept));
                }
                let clip_id = notes::clip_id(c, id)?.unwrap_or_default();
                replace_body(c, id, &fresh.body, "reextract", now)?;
                notes::set_metadata(c, id, &fresh, clip_id)?;
                outbox::push(c, id)?;
                Ok((true, kept))
            });
            // One note that cannot be written is reported; the run goes on.
            let (updated, kept) = match written {
                Ok(outcome) => outcome,
                Err(e) => {
                    report.failed.push((id, e.to_string()));
                    continue;
                }
            };
            report.kept_edits += usize::from(kept);
            if updated {
                report.updated += 1;
            } else {
                report.unchanged += 1;
            }
        }
        Ok(report)
    }

    /// Every body the note had, oldest first; the last is the current one.
    pub fn versions(&self, id: NoteId) -> Result<Vec<Version>> {
        let conn = self.read();
        let note = notes::get(&conn, id)?;
        let stored = versions::of_note(&conn, id)?;
        let mut out: Vec<Version> = stored
            .into_iter()
            .enumerate()
            .map(|(i, v)| Version {
                number: i + 1,
                body: v.body,
                created: v.created,
                current: false,
                replaced: Some(v.replaced),
                replaced_by: Some(v.reason),
                title: v.title,
                author: v.author,
                published: v.published,
            })
            .collect();
        out.push(Version {
            number: out.len() + 1,
            created: versions::current_since(&conn, id, note.created)?,
            body: note.article.body,
            current: true,
            replaced: None,
            replaced_by: None,
            title: Some(note.article.title),
            author: note.article.author,
            published: note.article.published,
        });
        Ok(out)
    }

    /// The five highlight colours, with the names the user gave them.
    pub fn colors(&self) -> Result<Vec<ColorName>> {
        let named = colors::all(&self.read())?;
        Ok(Color::ALL
            .iter()
            .enumerate()
            .map(|(i, &color)| ColorName {
                color,
                key: i + 1,
                name: named
                    .iter()
                    .find(|(c, _)| *c == color)
                    .map(|(_, n)| n.clone()),
            })
            .collect())
    }

    /// Names what a colour means ("evidence"); an empty name forgets it. `color:NAME` then
    /// finds the annotations in that colour.
    pub fn name_color(&self, color: Color, name: &str) -> Result<Vec<ColorName>> {
        colors::set(&self.conn(), color, name)?;
        self.colors()
    }

    /// A note's annotations in reading order.
    pub fn annotations(&self, id: NoteId) -> Result<Vec<Annotation>> {
        let conn = self.read();
        notes::get(&conn, id)?;
        annotations::of_note(&conn, id)
    }

    /// Where the words of `query` occur in a note's body, as code-point ranges: the reader
    /// opened from a search marks them and scrolls to the first.
    pub fn find_in_note(&self, id: NoteId, query: &str) -> Result<Vec<(usize, usize)>> {
        let note = self.note(id)?;
        let mut highlighter = self.index.highlighter(&index::parse(query))?;
        Ok(highlighter.highlight_first(
            &note.article.body,
            Lang::of(&note.article.language),
            MAX_READER_MARKS,
        ))
    }

    /// Up to `limit` notes like note `id` ("More like this"), best first, each with the words
    /// they share: the note's most telling words (how often it uses them, how few notes hold
    /// them) searched over the other notes.
    pub fn related(&self, id: NoteId, limit: usize) -> Result<Vec<RelatedNote>> {
        self.take_over_if_free();
        self.index.wait_ready(&mut |_| {})?;
        let note = self.note(id)?;
        let a = &note.article;
        let hits = (self.index).related(id, &a.title, &a.body, Lang::of(&a.language), limit)?;
        let conn = self.read();
        let mut related = Vec::with_capacity(hits.len());
        for hit in hits {
            // A note the index has not yet seen leave (trashed a moment ago) is left out.
            match notes::get(&conn, hit.note_id) {
                Ok(n) => related.push(RelatedNote {
                    id: n.id,
                    title: n.article.title,
                    terms: hit.terms,
                }),
                Err(Error::NoteNotFound(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(related)
    }

    /// Ranked search over notes and annotations; see the README for the query syntax.
    pub fn search(&self, query: &str, options: &SearchOptions) -> Result<SearchResults> {
        use std::sync::atomic::Ordering;
        self.take_over_if_free();
        // While the index is filled after it was lost or damaged, searches wait for it: a
        // search never answers "no results" because the index is behind.
        self.index.wait_ready(&mut |_| {})?;
        let behind = self.behind_at_open.load(Ordering::Acquire);
        // Changes made in this process are searchable within the indexer's debounce; what an
        // earlier process acknowledged must be searchable now. (An indexer that fails is
        // reported by `check`; the search answers from the index as it is.)
        if behind > 0 && self.index.wait_for(behind).is_ok() {
            self.behind_at_open.store(0, Ordering::Release);
        }
        let mut parsed = index::parse(query);
        {
            // `color:` takes a colour or the name the user gave it.
            let conn = self.read();
            for filter in parsed
                .filters
                .iter_mut()
                .chain(parsed.negative_filters.iter_mut())
            {
                if let index::Filter::Color(word) = filter
                    && let Some(color) = colors::resolve(&conn, word)?
                {
                    *word = color.as_str().to_string();
                }
            }
        }
        let limit = options.limit.clamp(1, 1000);
        let (raw, mut highlighter) =
            self.index
                .search(&parsed, limit, options.titles_only, options.facets)?;
        let conn = self.read();
        let mut hits = Vec::with_capacity(raw.hits.len());
        for hit in raw.hits {
            // The index may briefly lag a deletion: skip what SQLite no longer has.
            let Some(a) = notes::hit_fields(&conn, hit.note_id)? else {
                continue;
            };
            let lang = Lang::of(&a.language);
            let snippet = if options.titles_only {
                Default::default()
            } else {
                highlighter.snippet(&a.body, lang)
            };
            let mut annotation_hits = Vec::new();
            for ann_id in hit.annotation_ids {
                let Ok(ann) = annotations::get(&conn, ann_id) else {
                    continue;
                };
                annotation_hits.push(AnnotationHit {
                    id: ann.id,
                    quote_highlights: highlighter.highlight_all(&ann.selector.quote.exact, lang),
                    comment_highlights: ann
                        .comment
                        .as_deref()
                        .map(|t| highlighter.highlight_all(t, lang))
                        .unwrap_or_default(),
                    quote: ann.selector.quote.exact,
                    comment: ann.comment,
                    color: ann.color,
                    tags: ann.tags,
                });
            }
            hits.push(Hit {
                id: hit.note_id,
                title_highlights: highlighter.highlight_all(&a.title, lang),
                title: a.title,
                site: a.site,
                published: a.published,
                score: hit.score,
                all_words: hit.all_words,
                snippet,
                annotations: annotation_hits,
            });
        }
        let mut facets = raw.facets;
        for tag in &mut facets.tags {
            if let Some(name) = tags::name_of_key(&conn, &tag.name)? {
                tag.name = name;
            }
        }
        Ok(SearchResults {
            query: query.to_string(),
            total: raw.total,
            hits,
            facets,
            truncated: parsed.truncated,
        })
    }

    /// Waits until every change made so far is searchable.
    pub fn flush_index(&self) -> Result<()> {
        let seq = outbox::last_seq(&self.conn())?;
        self.index.wait_for(seq)
    }

    /// Rebuilds the search index from SQLite into a fresh directory and swaps it in.
    pub fn reindex(&self) -> Result<()> {
        self.alone("rebuilding the search index")?;
        self.flush_index()?;
        self.index.rebuild()
    }

    /// Why the database refuses writes, when it failed the quick check opening runs (this
    /// waits for it: under a second even for a large library).
    pub fn damaged(&self) -> Option<String> {
        self.integrity
            .wait()
            .clone()
            .map(|why| damaged(&self.dir, why).to_string())
    }

    /// Writes a verified snapshot of the database: into `dir` when given, else into the
    /// library's `backups/` folder (which is then rotated to the last 7 daily and 4 weekly).
    pub fn backup(&self, dir: Option<&Path>) -> Result<Backup> {
        let own = self.dir.join(backup::FOLDER);
        // Its own connection: a snapshot is a read, and writers go on meanwhile (WAL).
        let conn = store::connect(&self.dir.join("lode.db"))?;
        let made = backup::write(&conn, dir.unwrap_or(&own), self.clock.now(), "")?;
        if dir.is_none() {
            backup::rotate(&own)?;
        }
        Ok(made)
    }

    /// The backups in the library's `backups/` folder, newest first.
    pub fn backups(&self) -> Result<Vec<Backup>> {
        backup::list(&self.dir.join(backup::FOLDER))
    }

    /// Makes the daily backup when the newest one is a day old or more (the desktop calls it
    /// while it runs); `None` when none was due.
    pub fn backup_if_due(&self) -> Result<Option<Backup>> {
        if self.access() == Access::ReadOnly {
            return Ok(None);
        }
        let newest = self.backups()?.into_iter().next();
        if newest.is_some_and(|b| self.clock.now() - b.created < backup::INTERVAL) {
            return Ok(None);
        }
        self.backup(None).map(Some)
    }

    /// Replaces the database of the (closed) library in `dir` with the backup `file`, after
    /// checking the backup. The current database is kept beside it first
    /// (`lode-before-restore-<time>.db`, returned); the search index is rebuilt at the next
    /// opening.
    pub fn restore_backup(dir: impl AsRef<Path>, file: &Path) -> Result<PathBuf> {
        let dir = dir.as_ref();
        backup::verify(file)?;
        if !dir.join("lode.db").is_file() {
            return Err(Error::NotALibrary(dir.to_path_buf()));
        }
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join("lode.lock"))?;
        if lock.try_lock().is_err() {
            return Err(Error::LibraryLocked(dir.to_path_buf()));
        }
        let stamp = SystemClock.now().format("%Y%m%dT%H%M%SZ");
        let aside = dir.join(format!("lode-before-restore-{stamp}.db"));
        let incoming = dir.join("lode.db.restoring");
        std::fs::copy(file, &incoming)?;
        std::fs::File::open(&incoming)?.sync_all()?;
        for suffix in ["", "-wal", "-shm"] {
            let from = dir.join(format!("lode.db{suffix}"));
            if from.exists() {
                std::fs::rename(&from, dir.join(format!("{}{suffix}", aside.display())))?;
            }
        }
        std::fs::rename(&incoming, dir.join("lode.db"))?;
        // The index describes the database that was replaced: it is rebuilt on opening.
        let index = dir.join("index");
        if index.exists() {
            let stale = dir.join("index.before-restore");
            let _ = std::fs::remove_dir_all(&stale);
            std::fs::rename(&index, &stale)?;
            let _ = std::fs::remove_dir_all(&stale);
        }
        Ok(aside)
    }

    /// What the search index is doing: ready, rebuilding (how far), behind (why).
    pub fn index_status(&self) -> index::IndexStatus {
        self.take_over_if_free();
        self.index.status()
    }

    /// Waits until the search index holds every note (after it was lost or damaged, it is
    /// rebuilt in the background), telling `progress` how the rebuild goes.
    pub fn wait_for_index(&self, progress: &mut dyn FnMut(&index::IndexStatus)) -> Result<()> {
        self.index.wait_ready(progress)
    }

    /// SQLite's integrity check, and whether the index holds exactly what SQLite holds. What
    /// opening found wrong with the index (and repaired) is reported too. Never waits longer
    /// than a rebuild: an index that cannot catch up is reported, not waited for.
    pub fn check(&self) -> Result<CheckReport> {
        self.index.wait_ready(&mut |_| {})?;
        let index_error = self.flush_index().err().map(|e| e.to_string());
        let conn = self.conn();
        // A check so damaged that it cannot run is a finding, not an error.
        let messages: Vec<String> = conn
            .prepare("PRAGMA integrity_check")
            .and_then(|mut stmt| stmt.query_map([], |r| r.get(0))?.collect())
            .unwrap_or_else(|e| vec![e.to_string()]);
        let sqlite_ok = messages == ["ok"];
        // A damaged database is reported as far as it can be read, not as an error.
        fn readable<T: Default>(sqlite_ok: bool, r: Result<T>) -> Result<T> {
            r.or_else(|e| if sqlite_ok { Err(e) } else { Ok(T::default()) })
        }
        let ids = readable(sqlite_ok, notes::all_ids(&conn))?;
        let annotation_count = readable(sqlite_ok, annotations::count(&conn))?;
        drop(conn);
        let (indexed, indexed_annotations) = self.index.contents()?;
        let in_index: std::collections::HashSet<i64> = indexed.iter().copied().collect();
        let in_store: std::collections::HashSet<i64> = ids.iter().copied().collect();
        Ok(CheckReport {
            sqlite_ok,
            sqlite_messages: if sqlite_ok { Vec::new() } else { messages },
            notes: ids.len(),
            annotations: annotation_count,
            indexed_notes: indexed.len(),
            indexed_annotations,
            missing_from_index: ids
                .iter()
                .copied()
                .filter(|id| !in_index.contains(id))
                .collect(),
            stale_in_index: indexed
                .iter()
                .copied()
                .filter(|id| !in_store.contains(id))
                .collect(),
            index_repaired: self.index.status().repaired,
            index_error,
        })
    }

    /// `check`, and when the index disagrees with SQLite, a rebuild and `check` again.
    pub fn repair(&self) -> Result<CheckReport> {
        let report = self.check()?;
        if report.index_ok() {
            return Ok(report);
        }
        self.alone("repairing the search index")?;
        self.index.rebuild()?;
        let mut after = self.check()?;
        after.index_repaired = Some(match report.index_repaired {
            Some(found) => format!("{found}; then rebuilt on request"),
            None => "rebuilt on request: it disagreed with the database".into(),
        });
        Ok(after)
    }

    /// Imports `.txt`, `.md` and `.html` files, folders of them (recursively, without
    /// following links: only regular files inside the chosen folders are read), W3C bundles,
    /// and other tools' exports, recognised by their content (see [`import::read`]: Pocket,
    /// Omnivore, Readwise, Readwise Reader, Hypothesis, Obsidian Web Clipper, Karakeep,
    /// Wallabag, Instapaper, Raindrop, browser bookmarks). Each file, and each item of an
    /// export, is written on its own (a savepoint): one that fails is reported with the reason
    /// and leaves nothing behind; the rest are imported. Items that carry only an address
    /// become notes waiting for their page ([`Library::fetch_waiting`]). `progress` hears of
    /// every folder walked and file or item read, and may answer `Break` to stop after the
    /// current batch (the report says `cancelled`).
    pub fn import(
        &self,
        paths: &[PathBuf],
        options: &ImportOptions,
        progress: &mut dyn FnMut(&ImportProgress) -> ControlFlow<()>,
    ) -> Result<ImportReport> {
        let mut report = ImportReport::default();
        let mut files = Vec::new();
        for path in paths {
            if w3c::is_bundle(path) {
                if let Err(e) = self.import_bundle(path, &mut report) {
                    report.failed.push((path.clone(), e.to_string()));
                }
                continue;
            }
            let mut walk = Walk {
                files: &mut files,
                failed: &mut report.failed,
                progress: &mut *progress,
            };
            if walk.visit(path, 0).is_break() {
                report.cancelled = true;
                return Ok(report);
            }
        }
        let (exports, files): (Vec<PathBuf>, Vec<PathBuf>) =
            files.into_iter().partition(|p| importing::is_export(p));
        for path in &exports {
            if self.import_export(path, &mut report, progress)?.is_break() {
                report.cancelled = true;
                return Ok(report);
            }
        }
        let similar = if options.merge_similar {
            Similar::Merge
        } else {
            Similar::KeepApart
        };
        // Files are read and extracted a batch ahead, on a thread of their own, while this one
        // writes the batch before (20,000 files: 12.0 → 10.3 s on two cores).
        std::thread::scope(|scope| {
            let (ready, batches) = std::sync::mpsc::sync_channel(1);
            let files = &files;
            scope.spawn(move || {
                // Extraction is most of an import's work: it yields to the window.
                crate::priority::background();
                for batch in files.chunks(IMPORT_BATCH) {
                    let prepared: Vec<Result<ImportedFile>> = (batch.iter())
                        .map(|path| {
                            let mut file = read_file(path)?;
                            if similar == Similar::Merge {
                                // Off the writing thread (3,000 files of one title: 0.76 ->
                                // 0.62 s, 1.5 -> 1.2 times 3,000 of different titles).
                                file.shingled = Some(notes::Shingled::of(&file.article.body));
                            }
                            Ok(file)
                        })
                        .collect();
                    if ready.send(prepared).is_err() {
                        break; // the import stopped
                    }
                }
            });
            self.write_files(files, batches, similar, &mut report, progress)
        })?;
        Ok(report)
    }

    /// Writes the files `batches` brings, a batch of [`IMPORT_BATCH`] at a time.
    fn write_files(
        &self,
        files: &[PathBuf],
        batches: std::sync::mpsc::Receiver<Vec<Result<ImportedFile>>>,
        similar: Similar,
        report: &mut ImportReport,
        progress: &mut dyn FnMut(&ImportProgress) -> ControlFlow<()>,
    ) -> Result<()> {
        let total = files.len();
        for ((batch_no, batch), prepared) in files.chunks(IMPORT_BATCH).enumerate().zip(batches) {
            let now = self.clock.now();
            let written = self.write(|c| {
                let mut outcomes = Vec::new();
                for prepared in &prepared {
                    let outcome = match prepared {
                        Ok(file) => in_savepoint(c, || store_file(c, file, now, similar)),
                        Err(e) => Err(Error::invalid("file", e.to_string())),
                    };
                    match outcome {
                        // SQLite rolled back the whole batch (a full disk does): none of it
                        // was written.
                        Err(e) if c.is_autocommit() => return Err(e),
                        outcome => outcomes.push(outcome),
                    }
                }
                Ok(outcomes)
            });
            let outcomes = match written {
                Ok(outcomes) => outcomes,
                Err(e @ Error::DiskFull(_)) => {
                    // What earlier batches wrote is kept and reported; this batch and the rest
                    // are reported as not imported, with the reason.
                    let why = e.to_string();
                    let rest = &files[batch_no * IMPORT_BATCH..];
                    report
                        .failed
                        .extend(rest.iter().map(|p| (p.clone(), why.clone())));
                    return Ok(());
                }
                Err(e) => return Err(e),
            };
            let mut stop = false;
            for (i, outcome) in outcomes.into_iter().enumerate() {
                match outcome {
                    Ok(stored) => report.add(&stored),
                    Err(e) => report
                        .failed
                        .push((batch[i].clone(), self.disk_full(e).to_string())),
                }
                stop |= progress(&ImportProgress {
                    done: batch_no * IMPORT_BATCH + i + 1,
                    total,
                    path: batch[i].clone(),
                })
                .is_break();
            }
            if stop && (batch_no + 1) * IMPORT_BATCH < total {
                report.cancelled = true;
                break;
            }
        }
        Ok(())
    }

    /// The note as a citation (see [`Citation`]).
    pub fn citation(&self, id: NoteId) -> Result<Citation> {
        let note = self.note(id)?;
        let notes = [note];
        let refs = export::cite::references(&notes);
        let r = &refs[0];
        Ok(Citation {
            key: r.key.clone(),
            text: export::cite::formatted(r),
            bibtex: export::cite::bibtex_entry(r),
            ris: export::cite::ris_record(r),
            csl_json: serde_json::to_string_pretty(&export::cite::csl_item(r))?,
        })
    }

    /// The note as `export --format markdown` writes it: properties, body, and its highlights
    /// as quotes with their comments.
    pub fn note_markdown(&self, id: NoteId) -> Result<String> {
        let conn = self.read();
        let note = notes::get(&conn, id)?;
        let marks = annotations::of_note(&conn, id)?;
        Ok(export::markdown(&note, &marks, &colors::all(&conn)?))
    }

    /// Writes every note (with its annotations) to `dir`: a file a note (Markdown or JSON), or
    /// a W3C bundle. Notes are read and written one at a time, so the export's memory does not
    /// grow with the library. Citations are one file (see [`ExportFormat::citation_file`]),
    /// from the notes' details: their bodies are not kept.
    pub fn export(&self, format: ExportFormat, dir: &Path) -> Result<ExportReport> {
        std::fs::create_dir_all(dir)?;
        let ids = notes::all_ids(&self.read())?;
        if format.citation_file().is_some() {
            let details = |id| -> Result<Note> {
                let mut note = notes::get(&self.read(), id)?;
                note.article.body = String::new();
                Ok(note)
            };
            let all: Vec<Note> = ids.iter().map(|&id| details(id)).collect::<Result<_>>()?;
            let files = export::write_citations(format, &all, dir)?
                .into_iter()
                .collect();
            return Ok(ExportReport {
                notes: ids.len(),
                files,
            });
        }
        if format != ExportFormat::W3c {
            let names = colors::all(&self.read())?;
            let mut files = Vec::with_capacity(ids.len());
            for &id in &ids {
                let (note, annotations) = {
                    let conn = self.read();
                    (notes::get(&conn, id)?, annotations::of_note(&conn, id)?)
                };
                files.push(export::write_note(
                    format,
                    &note,
                    &annotations,
                    &names,
                    dir,
                )?);
            }
            return Ok(ExportReport {
                notes: ids.len(),
                files,
            });
        }
        let mut writer = w3c::Writer::create(dir)?;
        for &id in &ids {
            let conn = self.read();
            let note = notes::get(&conn, id)?;
            let raw = match notes::clip_id(&conn, id)? {
                Some(clip_id) => clips::get(&conn, clip_id)?,
                None => None,
            };
            let versions = versions::of_note(&conn, id)?
                .into_iter()
                .map(|v| w3c::BundleVersion {
                    body: v.body,
                    created: v.created,
                    replaced: v.replaced,
                    reason: v.reason,
                    title: v.title,
                    author: v.author,
                    published: v.published,
                })
                .collect();
            let annotations = annotations::of_note(&conn, id)?;
            drop(conn);
            writer.note(
                &w3c::BundleNote {
                    id,
                    article: note.article,
                    created: note.created,
                    updated: note.updated,
                    raw,
                    versions,
                },
                &annotations,
            )?;
        }
        Ok(ExportReport {
            notes: ids.len(),
            files: writer.finish()?,
        })
    }

    /// Reads a W3C bundle (what `export --format w3c` writes): notes not already in the
    /// library are added with their tags, times, raw clip and versions, and annotations with
    /// their colour, comment, tags and times, re-anchored on the imported text. A bundle is
    /// input like any other: every id is assigned here (never taken from the file), text is
    /// canonicalised, sizes are capped.
    fn import_bundle(&self, dir: &Path, report: &mut ImportReport) -> Result<()> {
        let w3c::Bundle {
            notes: bundle_notes,
            annotations: bundle_annotations,
        } = w3c::read(dir, MAX_BUNDLE_BYTES)?;
        self.write(|c| {
            let mut ids = std::collections::HashMap::new();
            for n in &bundle_notes {
                let article = clip::bounded_article(canonical_article(&n.article)?);
                if let Some(existing) = notes::find_duplicate(c, &article)? {
                    ids.insert(n.id, (existing, false));
                    report.unchanged += 1;
                    continue;
                }
                let clip_id = match &n.raw {
                    Some(raw) => {
                        let clip = Clip {
                            text: raw.text.clone(),
                            html: raw.html.clone(),
                            url: raw.url.clone(),
                        };
                        for (what, flavour) in [("text", &clip.text), ("html", &clip.html)] {
                            if let Some(f) = flavour {
                                clip::check_size(what, f.len() as u64)?;
                            }
                        }
                        Some(clips::insert(c, &clip, raw.received, None)?)
                    }
                    None => None,
                };
                let id = notes::insert_as(c, &article, clip_id, None, n.created, n.updated)?;
                for v in &n.versions {
                    let body = clip::canonical_body(&v.body);
                    versions::push(
                        c,
                        id,
                        &body,
                        &notes::content_hash(&body),
                        v.created,
                        v.replaced,
                        &v.reason,
                        &versions::VersionMetadata {
                            title: v.title.as_deref(),
                            author: v.author.as_deref(),
                            published: v.published,
                        },
                    )?;
                }
                outbox::push(c, id)?;
                ids.insert(n.id, (id, true));
                report.created += 1;
            }
            let mut bodies: std::collections::HashMap<NoteId, String> = Default::default();
            for (bundle_note, a) in &bundle_annotations {
                let Some(&(note_id, new)) = ids.get(bundle_note) else {
                    return Err(Error::invalid(
                        "annotation bundle",
                        format!("an annotation targets note {bundle_note}, not in notes.json"),
                    ));
                };
                let mut a = canonical_annotation(a)?;
                let body = match bodies.entry(note_id) {
                    std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                    std::collections::hash_map::Entry::Vacant(e) => {
                        e.insert(notes::get(c, note_id)?.article.body)
                    }
                };
                let anchored = anchor::reanchor(&a.selector, body);
                if anchored.status != AnchorStatus::Exact
                    || anchored.selector.position != a.selector.position
                {
                    // Not where the bundle says: the position found here, and how.
                    if anchored.status != AnchorStatus::Orphan || a.status != AnchorStatus::Orphan {
                        a.previous_quote = (anchored.status == AnchorStatus::Changed)
                            .then(|| a.selector.quote.exact.clone());
                        a.selector = anchored.selector;
                        a.status = anchored.status;
                    }
                } else if a.status == AnchorStatus::Orphan {
                    a.status = AnchorStatus::Exact;
                }
                report.orphaned += usize::from(a.status == AnchorStatus::Orphan);
                if !new
                    && annotations::of_note(c, note_id)?
                        .iter()
                        .any(|b| b.selector == a.selector && b.comment == a.comment)
                {
                    continue; // already here
                }
                let id = annotations::insert_record(c, note_id, &a)?;
                for tag in &a.tags {
                    tags::attach_to_annotation(c, id, tag)?;
                }
                outbox::push(c, note_id)?;
                report.annotations += 1;
            }
            Ok(())
        })
    }
}

/// An article from a file, canonicalised the way a clip's is: NFC, no control characters
/// (terminal escapes), single-line metadata, a canonical body.
fn canonical_article(a: &Article) -> Result<Article> {
    let line = |s: &str| {
        clip::canonical_text(s)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let optional = |s: &Option<String>| s.as_deref().map(line).filter(|s| !s.is_empty());
    let body = clip::canonical_body(&a.body);
    clip::check_size("a note's body", body.len() as u64)?;
    let title = line(&a.title);
    if body.is_empty() && title.is_empty() {
        return Err(Error::invalid("annotation bundle", "a note has no text"));
    }
    Ok(Article {
        title: title.chars().take(1000).collect(),
        standfirst: optional(&a.standfirst),
        author: optional(&a.author),
        published: a.published,
        sections: a.sections.iter().map(|s| line(s)).collect(),
        tags: a.tags.iter().map(|s| line(s)).collect(),
        site: optional(&a.site),
        url: optional(&a.url).filter(|u| u.starts_with("http://") || u.starts_with("https://")),
        language: if a.language == "it" { "it" } else { "en" }.to_string(),
        body,
    })
}

/// An annotation from a file, canonicalised and bounded like one made here.
fn canonical_annotation(a: &Annotation) -> Result<Annotation> {
    let text = |s: &str| clip::canonical_text(s);
    let exact = text(&a.selector.quote.exact);
    let length = exact.chars().count();
    if length > anchor::MAX_QUOTE_CHARS {
        return Err(Error::QuoteTooLong {
            length,
            limit: anchor::MAX_QUOTE_CHARS,
        });
    }
    let context = |s: &str| text(s).chars().take(anchor::CONTEXT_CHARS * 4).collect();
    Ok(Annotation {
        id: 0,
        selector: anchor::Selector {
            quote: anchor::TextQuoteSelector {
                exact,
                prefix: context(&a.selector.quote.prefix),
                suffix: context(&a.selector.quote.suffix),
            },
            position: a.selector.position,
        },
        previous_quote: a.previous_quote.as_deref().map(text),
        comment: a
            .comment
            .as_deref()
            .map(text)
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty()),
        tags: a.tags.iter().map(|t| text(t)).collect(),
        ..a.clone()
    })
}

/// Runs `f` inside a savepoint of the open transaction: when it fails, what it wrote is
/// undone and the transaction goes on.
fn in_savepoint<T>(c: &Connection, f: impl FnOnce() -> Result<T>) -> Result<T> {
    c.execute_batch("SAVEPOINT one_file")?;
    match f() {
        Ok(value) => {
            c.execute_batch("RELEASE one_file")?;
            Ok(value)
        }
        Err(e) if c.is_autocommit() => Err(e), // SQLite rolled it all back (a full disk)
        Err(e) => {
            c.execute_batch("ROLLBACK TO one_file; RELEASE one_file")?;
            Err(e)
        }
    }
}

/// The folders an import walks: regular files with a known extension, never through a link,
/// at most [`IMPORT_MAX_DEPTH`] deep and [`IMPORT_MAX_FILES`] in all.
struct Walk<'a> {
    files: &'a mut Vec<PathBuf>,
    failed: &'a mut Vec<(PathBuf, String)>,
    progress: &'a mut dyn FnMut(&ImportProgress) -> ControlFlow<()>,
}

impl Walk<'_> {
    fn visit(&mut self, path: &Path, depth: usize) -> ControlFlow<()> {
        let fail = |w: &mut Self, why: String| {
            w.failed.push((path.to_path_buf(), why));
            ControlFlow::Continue(())
        };
        // What the user chose is followed if it is a link; what lies inside is not.
        let meta = if depth == 0 {
            std::fs::metadata(path)
        } else {
            std::fs::symlink_metadata(path)
        };
        let meta = match meta {
            Ok(meta) => meta,
            Err(e) => return fail(self, e.to_string()),
        };
        if meta.file_type().is_symlink() {
            return ControlFlow::Continue(()); // not followed
        }
        if meta.is_file() {
            if self.files.len() >= IMPORT_MAX_FILES {
                return fail(
                    self,
                    format!("not imported: an import takes at most {IMPORT_MAX_FILES} files"),
                );
            }
            self.files.push(path.to_path_buf());
            return ControlFlow::Continue(());
        }
        if !meta.is_dir() {
            return fail(self, "not a regular file or a folder".into());
        }
        if depth >= IMPORT_MAX_DEPTH {
            return fail(
                self,
                format!("not read: folders deeper than {IMPORT_MAX_DEPTH} levels"),
            );
        }
        (self.progress)(&ImportProgress {
            done: 0,
            total: 0,
            path: path.to_path_buf(),
        })?;
        let entries = match std::fs::read_dir(path) {
            Ok(entries) => entries,
            Err(e) => return fail(self, e.to_string()),
        };
        let mut entries: Vec<(PathBuf, std::fs::FileType)> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| Some((e.path(), e.file_type().ok()?)))
            .collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        for (entry, kind) in entries {
            if kind.is_dir() || (kind.is_file() && is_importable(&entry)) {
                self.visit(&entry, depth + 1)?;
            }
        }
        ControlFlow::Continue(())
    }
}

/// What a library folder may hold besides the database: a folder holding anything else and no
/// `lode.db` is someone else's, and Lode writes nothing into it.
const LIBRARY_ENTRIES: [&str; 8] = [
    "lode.db",
    "lode.db-wal",
    "lode.db-shm",
    "lode.lock",
    "index",
    "index.new",
    "index.old",
    "backups",
];

/// Whether writing to `dir` fails because its disk is full (SQLite says only "disk I/O
/// error" when it cannot make its shared-memory file there): a small probe file tells.
fn disk_is_full(dir: &Path) -> bool {
    let probe = dir.join(".lode-space-probe");
    let full = std::fs::write(&probe, [0u8; 64 * 1024])
        .is_err_and(|e| e.kind() == std::io::ErrorKind::StorageFull);
    let _ = std::fs::remove_file(&probe);
    full
}

fn refuse_foreign_folder(dir: &Path) -> Result<()> {
    if !dir.is_dir() || dir.join("lode.db").exists() {
        return Ok(());
    }
    let foreign = std::fs::read_dir(dir)?.filter_map(|e| e.ok()).any(|e| {
        !LIBRARY_ENTRIES
            .iter()
            .any(|name| e.file_name().to_str() == Some(name))
    });
    if foreign {
        return Err(Error::NotALibrary(dir.to_path_buf()));
    }
    Ok(())
}

/// Whether a clip with the title of a note and most of its text is that note, updated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Similar {
    Merge,
    KeepApart,
}

/// The write path shared by clipping and importing: duplicate check, raw clip, note, outbox.
fn store_article(
    c: &Connection,
    clip: &Clip,
    article: &Article,
    now: chrono::DateTime<chrono::Utc>,
    similar: Similar,
    shingled: Option<&notes::Shingled>,
) -> Result<ClipOutcome> {
    let mut lookup = notes::SimilarLookup::default();
    let existing = match notes::find_duplicate(c, article)? {
        Some(id) => Some(id),
        None if similar == Similar::Merge => {
            lookup = notes::similar_by_title(
                c,
                &article.title,
                &article.body,
                shingled,
                SAME_ARTICLE_SIMILARITY,
            )?;
            lookup.found
        }
        None => None,
    };
    if let Some(id) = existing {
        let note = notes::get(c, id)?;
        if note.content_hash == notes::content_hash(&article.body) {
            return Ok(ClipOutcome::note(
                id,
                ClipStatus::Unchanged,
                note.article.title,
            ));
        }
        // The same article, updated: its new text, the earlier one kept as a version (with
        // the title, author and date it had); what the user corrected and what the page
        // completed stay.
        let mut fresh = article.clone();
        keep_details(c, &note, &note.article, &mut fresh)?;
        let old_clip = notes::clip_id(c, id)?;
        let clip_id = clips::insert(c, clip, now, None)?;
        replace_body(c, id, &fresh.body, "reclip", now)?;
        notes::set_metadata(c, id, &fresh, clip_id)?;
        if let Some(old_clip) = old_clip {
            clips::delete(c, old_clip)?;
        }
        return Ok(ClipOutcome::note(id, ClipStatus::Updated, fresh.title));
    }
    let clip_id = clips::insert(c, clip, now, None)?;
    let id = notes::insert(c, article, Some(clip_id), now)?;
    lookup.remember(c, id)?;
    outbox::push(c, id)?;
    Ok(ClipOutcome::note(
        id,
        ClipStatus::Created,
        article.title.clone(),
    ))
}

/// Keeps in `fresh`, the article a re-clip or a re-extraction would give note `note`, the
/// details that did not come from the copy: those the user corrected by hand, and those its
/// page completed (the copy's value of these, for "Use the copy's value", becomes the fresh
/// copy's). Returns whether the user had corrected any.
fn keep_details(
    c: &Connection,
    note: &Note,
    current: &Article,
    fresh: &mut Article,
) -> Result<bool> {
    let mut details = notes::details(c, note.id)?;
    let mut by_user = false;
    for (&detail, from) in &note.details_from {
        match from {
            DetailSource::Copy => continue,
            DetailSource::User => by_user = true,
            DetailSource::Page => {
                if let Some(copy) = details.copy.as_mut() {
                    clip::set_detail(copy, fresh, detail);
                }
            }
        }
        clip::set_detail(fresh, current, detail);
    }
    notes::set_details(c, note.id, &details)?;
    Ok(by_user)
}

/// A file read for an import: the clip it makes, the article, and what a Markdown export
/// carries besides (when the note was made, its highlights).
struct ImportedFile {
    clip: Clip,
    article: Article,
    created: Option<chrono::DateTime<chrono::Utc>>,
    highlights: Vec<import::Highlight>,
    /// Read by the Markdown reader (re-extraction reads it the same way).
    markdown: bool,
    /// With `--merge`, what comparing it with notes of its title takes, computed beside its
    /// extraction.
    shingled: Option<notes::Shingled>,
}

/// The longest name a saved search may have, in characters.
const MAX_SAVED_NAME_CHARS: usize = 100;

/// Where `body` holds `passage` ([`anchor::find_passage`]), unless the passage is all of it
/// (the same article copied again).
fn part_of(body: &str, passage: &str) -> Option<Range<usize>> {
    let range = anchor::find_passage(body, passage)?;
    let words = |s: &str| s.chars().any(char::is_alphanumeric);
    (words(&body[..range.start]) || words(&body[range.end..])).then_some(range)
}

/// Stores one imported file: its note, and the highlights a Markdown export carries (see
/// [`importing::add_highlights`]).
fn store_file(
    c: &Connection,
    file: &ImportedFile,
    now: chrono::DateTime<chrono::Utc>,
    similar: Similar,
) -> Result<Stored> {
    let outcome = store_article(
        c,
        &file.clip,
        &file.article,
        now,
        similar,
        file.shingled.as_ref(),
    )?;
    if file.markdown
        && outcome.status != ClipStatus::Unchanged
        && let Some(clip_id) = notes::clip_id(c, outcome.id)?
    {
        clips::set_format(c, clip_id, "markdown")?;
    }
    let mut stored = Stored {
        status: Some(outcome.status),
        ..Stored::default()
    };
    if outcome.status != ClipStatus::Created {
        return Ok(stored);
    }
    if let Some(created) = file.created {
        notes::set_created(c, outcome.id, created)?;
    }
    (stored.annotations, stored.orphaned) = importing::add_highlights(
        c,
        outcome.id,
        &file.article.body,
        &file.highlights,
        file.created.unwrap_or(now),
    )?;
    outbox::push(c, outcome.id)?;
    Ok(stored)
}

/// A clip with the title of a note and a body sharing this much (Jaccard over word
/// 3-shingles) is that note's article, updated.
const SAME_ARTICLE_SIMILARITY: f64 = 0.8;

/// Gives a note a new body: the current one is kept as a version, every annotation is
/// re-anchored (none is dropped: one that cannot be found is an orphan), and the note is
/// queued for reindexing. Nothing happens when the body is the same.
/// Whether SQLite found the database file damaged (or not a database at all).
fn is_corrupt(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
    )
}

/// The error for a damaged database, naming the newest backup to restore.
fn damaged(dir: &Path, why: String) -> Error {
    let newest = backup::list(&dir.join(backup::FOLDER))
        .ok()
        .and_then(|b| b.into_iter().next());
    Error::DatabaseDamaged {
        advice: match newest {
            Some(b) => format!(
                "Restore the newest backup (made {}): lode restore-backup {}",
                b.created.format("%Y-%m-%d %H:%M UTC"),
                b.path.display()
            ),
            None => "No backup was found in its backups folder: export what can be read \
                     (lode export) and restore the database from a copy of your own."
                .into(),
        },
        dir: dir.to_path_buf(),
        why,
    }
}

/// What SQLite's quick check finds wrong with the database, if anything.
fn quick_check(conn: &Connection) -> Option<String> {
    let messages: rusqlite::Result<Vec<String>> = conn
        .prepare("PRAGMA quick_check")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect());
    match messages {
        Ok(m) if m == ["ok"] => None,
        Ok(m) => Some(m.into_iter().take(3).collect::<Vec<_>>().join("; ")),
        Err(e) if is_corrupt(&e) => Some(e.to_string()),
        // It could not run (busy, out of memory, a full disk): that is not damage.
        Err(_) => None,
    }
}

/// Removes for good what was trashed before `before` (everything trashed, for `None`):
/// highlights, then notes with their raw clips; returns how many notes.
fn purge_trash(c: &Connection, before: Option<chrono::DateTime<chrono::Utc>>) -> Result<usize> {
    annotations::purge_trashed(c, before)?;
    let expired: Vec<NoteId> = notes::trashed(c)?
        .into_iter()
        .filter(|(_, _, deleted)| before.is_none_or(|b| *deleted < b))
        .map(|(id, _, _)| id)
        .collect();
    for &id in &expired {
        let clip_id = notes::clip_id(c, id)?;
        notes::delete(c, id)?;
        if let Some(clip_id) = clip_id {
            clips::delete(c, clip_id)?;
        }
    }
    tags::prune_unused(c)?;
    Ok(expired.len())
}

fn replace_body(
    c: &Connection,
    id: NoteId,
    body: &str,
    reason: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Reanchoring> {
    let note = notes::get(c, id)?;
    let annotations = annotations::of_note(c, id)?;
    let mut counts = Reanchoring::default();
    if note.content_hash == notes::content_hash(body) {
        counts.exact = annotations.len();
        return Ok(counts);
    }
    let since = versions::current_since(c, id, note.created)?;
    versions::push(
        c,
        id,
        &note.article.body,
        &note.content_hash,
        since,
        now,
        reason,
        &versions::VersionMetadata {
            title: Some(&note.article.title),
            author: note.article.author.as_deref(),
            published: note.article.published,
        },
    )?;
    notes::set_body(c, id, body, now)?;
    let anchored = anchor::reanchor_all(annotations.iter().map(|a| &a.selector), body);
    for (annotation, anchored) in annotations.iter().zip(&anchored) {
        annotations::reanchored(c, annotation.id, annotation, anchored, now)?;
        match anchored.status {
            AnchorStatus::Exact => counts.exact += 1,
            AnchorStatus::Moved => counts.moved += 1,
            AnchorStatus::Changed => counts.changed += 1,
            AnchorStatus::Orphan => counts.orphan += 1,
        }
    }
    outbox::push(c, id)?;
    Ok(counts)
}

fn is_importable(path: &Path) -> bool {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_lowercase);
    matches!(
        ext.as_deref(),
        Some("txt" | "md" | "markdown" | "html" | "htm" | "csv" | "json" | "zip")
    )
}

/// A file as a clip: `.html` is the HTML flavour, `.md` a Markdown note (its front matter
/// and highlights read, see [`import::markdown`]), anything else plain text for the clipper.
/// Only a regular file is opened, and never more of it than the clip cap.
fn read_file(path: &Path) -> Result<ImportedFile> {
    let what = path.display().to_string();
    if !std::fs::metadata(path)?.is_file() {
        return Err(Error::invalid(
            "file",
            format!("{what} is not a regular file"),
        ));
    }
    let content = Clip::flavour_from_reader(&what, std::fs::File::open(path)?)?;
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_lowercase);
    let clip = match ext.as_deref() {
        Some("html" | "htm") => Clip {
            html: Some(content),
            ..Clip::default()
        },
        _ => Clip {
            text: Some(content),
            ..Clip::default()
        },
    };
    clip.validate()?;
    if matches!(ext.as_deref(), Some("md" | "markdown")) {
        let note = import::markdown::read(clip.text.as_deref().unwrap_or_default())?;
        return Ok(ImportedFile {
            clip,
            article: note.article,
            created: note.created,
            highlights: note.highlights,
            markdown: true,
            shingled: None,
        });
    }
    let article = clip::extract(&clip)?;
    Ok(ImportedFile {
        clip,
        article,
        created: None,
        highlights: Vec::new(),
        markdown: false,
        shingled: None,
    })
}

const COMPLETE_DETAILS: &str = "complete_details_from_page";
const ALLOW_PRIVATE: &str = "fetch_private_addresses";
