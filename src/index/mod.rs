//! The Tantivy index: derived from SQLite, rebuildable at any time.
//!
//! Why it has this shape:
//! - One `IndexWriter` for the process, owned by a background indexer thread; one
//!   `IndexReader` (`ReloadPolicy::Manual`) reloaded after each commit, so a search never
//!   sees a half-applied change.
//! - Writers never touch the index. Each write to SQLite appends the note's id to
//!   `index_outbox` in the same transaction; the indexer drains the outbox, debounced (it
//!   commits about 150 ms after the last change, at most 5 times a second, and every 5,000
//!   notes during a bulk import). Each commit's payload records the last outbox sequence it
//!   applied, so opening a library replays whatever a crash left behind.
//! - A missing, corrupt or outdated index is rebuilt from SQLite; `reindex` builds a fresh
//!   one beside the live one and swaps it in.

mod query;
mod related;
mod schema;
mod search;
mod snippet;

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, RwLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tantivy::collector::Count;
use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::query::TermQuery;
use tantivy::schema::{Facet as TantivyFacet, IndexRecordOption};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, TantivyError, Term};

pub use query::{Filter, ParsedQuery, parse};
pub use schema::Lang;
pub use search::RawResults;
pub use snippet::{Highlighter, Snippet};

use crate::error::{Error, Result};
use crate::model::{Annotation, Note};
use crate::store;
use schema::{Fields, KIND_ANNOTATION, KIND_NOTE};

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facet {
    pub name: String,
    pub count: usize,
}

/// Counts over every note matching a query (not just the page shown).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facets {
    pub tags: Vec<Facet>,
    pub sites: Vec<Facet>,
    pub years: Vec<Facet>,
}

const DEBOUNCE: Duration = Duration::from_millis(150);
const MIN_COMMIT_INTERVAL: Duration = Duration::from_millis(200);
/// A change is never left unapplied longer than this, even while changes keep coming.
const MAX_DELAY: Duration = Duration::from_secs(1);
const BATCH: usize = 5_000;
const WRITER_MEMORY: usize = 96 * 1024 * 1024;

#[derive(Serialize, Deserialize)]
struct Payload {
    schema: u32,
    outbox_seq: i64,
}

impl Payload {
    /// The payload of a commit Lode made (`None` for another's, or none).
    fn of(meta: &tantivy::IndexMeta) -> Option<Payload> {
        serde_json::from_str(meta.payload.as_deref()?).ok()
    }
}

enum Msg {
    Changed,
    Flush,
    Rebuild(Sender<Result<()>>),
    /// A search found the index damaged: set it aside and rebuild it from SQLite.
    Heal(String, Sender<()>),
}

/// What the index is doing: for a status line, and for callers that wait on it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexStatus {
    /// Opening's checks are done and no repair is running: searches answer from an index
    /// that holds every note.
    pub ready: bool,
    /// Set while the index is filled from the database (after it was lost or damaged, or on
    /// `reindex`): notes indexed so far, of how many.
    pub rebuilding: Option<RebuildProgress>,
    /// Why the index is behind the database, while it is. The indexer retries; the error
    /// clears once a change is applied.
    pub error: Option<String>,
    /// What was found wrong with the index since the library was opened (it was then set
    /// aside and rebuilt).
    pub repaired: Option<String>,
    /// Another Lode process holds the library (or it cannot be written): searches read the
    /// index as that process last committed it, and it indexes what is written here.
    #[serde(default)]
    pub held_elsewhere: bool,
    /// The last change the index has made searchable (its place in the library's queue of
    /// changes): it grows with each commit, so a view of counts knows when to ask again.
    #[serde(default)]
    pub applied: i64,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RebuildProgress {
    pub done: usize,
    pub total: usize,
}

#[derive(Default)]
struct Progress {
    applied: i64,
    /// How many attempts to catch up the indexer has begun, and the number of the last one
    /// that failed: a waiter reports an error only when an attempt begun after it began to
    /// wait has failed (not one that was already running, against a disk that was full).
    started: u64,
    failed: u64,
    stopped: bool,
    status: IndexStatus,
}

type Shared = Arc<(Mutex<Progress>, Condvar)>;

fn update(progress: &Shared, f: impl FnOnce(&mut Progress)) {
    let (lock, cvar) = &**progress;
    if let Ok(mut p) = lock.lock() {
        f(&mut p);
    }
    cvar.notify_all();
}

/// The reader searches go through; replaced whole when the index folder is swapped.
struct Live {
    reader: IndexReader,
}

pub struct SearchIndex {
    dir: PathBuf,
    fields: Fields,
    analyzers: schema::Analyzers,
    live: Arc<RwLock<Live>>,
    progress: Shared,
    tx: Mutex<Option<Sender<Msg>>>,
    thread: Mutex<Option<JoinHandle<()>>>,
    /// No indexer in this process: another process writes the index (or it cannot be
    /// written), and searches read its last commit. Cleared by [`SearchIndex::take_over`].
    reading_only: std::sync::atomic::AtomicBool,
    /// For reading only: the real index is open (else searches read an empty one).
    opened_for_reading: std::sync::atomic::AtomicBool,
}

/// How long a process that only reads the index waits for the one that writes it to apply a
/// change (it notices changes made by other processes within a second).
const WAIT_FOR_HOLDER: Duration = Duration::from_secs(5);
/// How often the indexer looks for changes written by other processes.
const FOREIGN_POLL: Duration = Duration::from_secs(1);

fn lock_error(dir: &Path, e: TantivyError) -> Error {
    match e {
        TantivyError::LockFailure(LockError::LockBusy, _) => {
            Error::LibraryLocked(dir.to_path_buf())
        }
        TantivyError::LockFailure(LockError::IoError(io), _)
            if matches!(
                io.kind(),
                std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
            ) =>
        {
            Error::ReadOnly(dir.to_path_buf(), io.to_string())
        }
        e => Error::Index(e),
    }
}

/// The file Lode writes into every index folder it creates: only a folder that holds it (or a
/// Tantivy index, as libraries made before the marker hold) is ever removed.
const MARKER: &str = "lode-index";
/// The segment files whose checksums were verified (segment files never change): opening
/// verifies only the ones written since.
const CHECKED: &str = "lode-checked";

fn is_lode_index(dir: &Path) -> bool {
    dir.is_dir() && (dir.join(MARKER).is_file() || dir.join("meta.json").is_file())
}

/// Removes an index folder Lode made; anything else in its place is moved aside, never deleted
/// (a user may have pointed Lode at a folder of their own).
fn remove_index_dir(dir: &Path) -> Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    if is_lode_index(dir) {
        std::fs::remove_dir_all(dir)?;
        return Ok(());
    }
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("index");
    let aside = (1..)
        .map(|n| dir.with_file_name(format!("{name}.not-lode-{n}")))
        .find(|p| !p.exists())
        .unwrap_or_else(|| dir.with_file_name(format!("{name}.not-lode")));
    std::fs::rename(dir, aside)?;
    Ok(())
}

/// Moves a damaged index to `index.damaged` (replacing the one set aside before), so that
/// what went wrong can be looked at; the index itself is rebuilt from SQLite.
fn set_aside(dir: &Path) -> Result<()> {
    if !is_lode_index(dir) {
        return remove_index_dir(dir);
    }
    let aside = dir.with_extension("damaged");
    remove_index_dir(&aside)?;
    std::fs::rename(dir, &aside)?;
    Ok(())
}

/// Creates an empty index folder with Lode's marker in it.
fn create_index_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(
        dir.join(MARKER),
        b"a Lode search index, rebuilt from lode.db when lost\n",
    )?;
    Ok(())
}

/// An index open for writing and searching.
struct Opened {
    writer: IndexWriter,
    reader: IndexReader,
    /// The last outbox entry its last commit applied.
    applied: i64,
}

/// Why an index folder cannot be used as it is.
enum Unusable {
    Missing,
    Damaged(String),
    /// Another process writes it, or it cannot be written: not damage.
    Refused(Error),
}

/// Opens the index in `dir` as a Lode commit left it: readable, writable, with Lode's payload
/// and schema. Anything else is [`Unusable`], and the caller rebuilds it.
fn open_existing(dir: &Path, fields: &Fields) -> std::result::Result<Opened, Unusable> {
    // Tantivy panics on some damage it reads while opening (a flipped byte in a store file's
    // footer: "unknown compressor id"): that is damage too.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        open_existing_unguarded(dir, fields)
    }))
    .unwrap_or_else(|panic| {
        Err(Unusable::Damaged(format!(
            "opening it failed: {}",
            panic_message(panic.as_ref())
        )))
    })
}

/// What a panic said.
fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

fn open_existing_unguarded(dir: &Path, fields: &Fields) -> std::result::Result<Opened, Unusable> {
    if !dir.exists() {
        return Err(Unusable::Missing);
    }
    let damaged = |what: &str, e: &dyn std::fmt::Display| Unusable::Damaged(format!("{what}: {e}"));
    if !dir.join("meta.json").is_file() {
        return Err(Unusable::Damaged("its meta.json is missing".into()));
    }
    let index = Index::open_in_dir(dir).map_err(|e| damaged("it cannot be opened", &e))?;
    let meta = index
        .load_metas()
        .map_err(|e| damaged("its meta.json cannot be read", &e))?;
    let payload = Payload::of(&meta)
        .ok_or_else(|| Unusable::Damaged("its last commit is not one of Lode's".into()))?;
    if payload.schema != schema::SCHEMA_VERSION {
        return Err(Unusable::Damaged(format!(
            "it was built for index schema {}, this Lode uses {}",
            payload.schema,
            schema::SCHEMA_VERSION
        )));
    }
    if index.schema() != fields.schema {
        return Err(Unusable::Damaged("its fields are not Lode's".into()));
    }
    schema::register_analyzers(&index);
    let writer = writer(dir, &index, Threads::Live).map_err(|e| match e {
        Error::LibraryLocked(_) | Error::ReadOnly(..) => Unusable::Refused(e),
        e => damaged("it cannot be written", &e),
    })?;
    let reader = reader(&index).map_err(|e| damaged("it cannot be read", &e))?;
    Ok(Opened {
        writer,
        reader,
        applied: payload.outbox_seq,
    })
}

/// Sets aside whatever is in `dir` and creates an empty index there.
fn create_fresh(dir: &Path, fields: &Fields) -> Result<Opened> {
    set_aside(dir)?;
    create_index_dir(dir)?;
    let index = Index::create_in_dir(dir, fields.schema.clone())?;
    schema::register_analyzers(&index);
    Ok(Opened {
        writer: writer(dir, &index, Threads::Fill)?,
        reader: reader(&index)?,
        applied: 0,
    })
}

/// A crash in the middle of `reindex`'s swap can leave the index under its `.new` (complete)
/// or `.old` name: take it back. Opening's checks then tell whether it can be used.
fn adopt_swapped(dir: &Path) {
    if dir.exists() {
        return;
    }
    for candidate in [dir.with_extension("new"), dir.with_extension("old")] {
        if candidate.join("meta.json").is_file() && std::fs::rename(&candidate, dir).is_ok() {
            return;
        }
    }
}

/// How many threads a writer indexes with. The live writer keeps to one: its documents come a
/// few hundred at a time while the process that writes them (an import's extraction, the
/// window) needs the other core, and one thread's segments are twice as large, which halves
/// what merging rewrites (a 20,000-note import: 15.5 → 12.9 s on two cores). Building a whole
/// index from the database has the machine to itself and uses two (a 20,000-note rebuild:
/// 6.5 s on one, 3.9 s on two).
#[derive(Clone, Copy)]
enum Threads {
    Live,
    Fill,
}

fn writer(dir: &Path, index: &Index, threads: Threads) -> Result<IndexWriter> {
    let threads = match threads {
        Threads::Live => 1,
        Threads::Fill => std::thread::available_parallelism().map_or(1, |n| n.get().min(2)),
    };
    index
        .writer_with_num_threads(threads, WRITER_MEMORY)
        .map_err(|e| lock_error(dir, e))
}

fn reader(index: &Index) -> Result<IndexReader> {
    Ok(index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?)
}

/// The index folder of another process, for reading only: Tantivy's reader takes a lock file
/// while it loads segments, which a read-only folder cannot hold; there, nothing can write
/// the index either, so reading goes on without it.
#[derive(Clone, Debug)]
struct ReadingDir(tantivy::directory::MmapDirectory);

impl tantivy::Directory for ReadingDir {
    fn get_file_handle(
        &self,
        path: &Path,
    ) -> std::result::Result<Arc<dyn tantivy::directory::FileHandle>, OpenReadError> {
        self.0.get_file_handle(path)
    }
    fn delete(&self, path: &Path) -> std::result::Result<(), DeleteError> {
        self.0.delete(path)
    }
    fn exists(&self, path: &Path) -> std::result::Result<bool, OpenReadError> {
        self.0.exists(path)
    }
    fn open_write(
        &self,
        path: &Path,
    ) -> std::result::Result<tantivy::directory::WritePtr, OpenWriteError> {
        self.0.open_write(path)
    }
    fn atomic_read(&self, path: &Path) -> std::result::Result<Vec<u8>, OpenReadError> {
        self.0.atomic_read(path)
    }
    fn atomic_write(&self, path: &Path, data: &[u8]) -> std::io::Result<()> {
        self.0.atomic_write(path, data)
    }
    fn sync_directory(&self) -> std::io::Result<()> {
        self.0.sync_directory()
    }
    fn acquire_lock(
        &self,
        lock: &tantivy::directory::Lock,
    ) -> std::result::Result<tantivy::directory::DirectoryLock, LockError> {
        match self.0.acquire_lock(lock) {
            Err(LockError::IoError(_)) => Ok(tantivy::directory::DirectoryLock::from(Box::new(()))),
            other => other,
        }
    }
    fn watch(
        &self,
        callback: tantivy::directory::WatchCallback,
    ) -> tantivy::Result<tantivy::directory::WatchHandle> {
        self.0.watch(callback)
    }
}

/// Opens the index in `dir` for reading only, as another process last committed it.
fn open_for_reading(dir: &Path, fields: &Fields) -> Result<IndexReader> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        open_for_reading_unguarded(dir, fields)
    }))
    .unwrap_or_else(|panic| Err(Error::IndexDamaged(panic_message(panic.as_ref()))))
}

fn open_for_reading_unguarded(dir: &Path, fields: &Fields) -> Result<IndexReader> {
    let directory = tantivy::directory::MmapDirectory::open(dir)
        .map_err(|e| Error::IndexBehind(format!("it cannot be opened: {e}")))?;
    let index = Index::open(ReadingDir(directory))?;
    let meta = index.load_metas()?;
    let ours = Payload::of(&meta).is_some_and(|p| p.schema == schema::SCHEMA_VERSION);
    if !ours || index.schema() != fields.schema {
        return Err(Error::IndexBehind(
            "it is not one this Lode can read; the process that holds the library rebuilds it"
                .into(),
        ));
    }
    schema::register_analyzers(&index);
    reader(&index)
}

/// What the last commit in the index's folder applied.
fn committed_seq(index: &Index) -> i64 {
    index
        .load_metas()
        .ok()
        .and_then(|meta| Payload::of(&meta))
        .map_or(0, |p| p.outbox_seq)
}

/// An empty index in memory: what searches read until a real one can be opened.
fn empty_reader(fields: &Fields) -> Result<IndexReader> {
    let index = Index::create_in_ram(fields.schema.clone());
    schema::register_analyzers(&index);
    reader(&index)
}

/// How the indexer starts: with the index it found, or with an empty one to fill.
enum Start {
    Check,
    Fill(String),
}

impl SearchIndex {
    /// Opens the index of the library whose database is `db` and starts the indexer. An index
    /// that is missing or cannot be opened is set aside and rebuilt in the background; one
    /// that opens is checked there (segment checksums, what its last commit applied, its
    /// counts against SQLite's) and rebuilt if it fails. [`SearchIndex::wait_ready`] waits
    /// for that.
    pub fn open(dir: &Path, db: &Path) -> Result<SearchIndex> {
        let index = SearchIndex::unstarted(dir, false)?;
        index.start(db)?;
        Ok(index)
    }

    /// Opens the index of a library that another process holds (or that cannot be written),
    /// for reading only: no indexer runs here, searches read what the other process last
    /// committed. An index that cannot be read yet (that process is rebuilding it) reads as
    /// empty until it can.
    pub fn follow(dir: &Path) -> Result<SearchIndex> {
        let index = SearchIndex::unstarted(dir, true)?;
        index.refresh();
        update(&index.progress, |p| {
            p.status.ready = true;
            p.status.held_elsewhere = true;
        });
        Ok(index)
    }

    fn unstarted(dir: &Path, reading_only: bool) -> Result<SearchIndex> {
        let fields = Fields::new();
        let live = Arc::new(RwLock::new(Live {
            reader: empty_reader(&fields)?,
        }));
        Ok(SearchIndex {
            dir: dir.to_path_buf(),
            analyzers: schema::Analyzers::new(),
            live,
            progress: Shared::default(),
            tx: Mutex::new(None),
            thread: Mutex::new(None),
            reading_only: reading_only.into(),
            opened_for_reading: false.into(),
            fields,
        })
    }

    /// Opens the index for writing (finishing a swap a crash interrupted; an index that is
    /// missing or cannot be opened is set aside and rebuilt) and starts the indexer.
    fn start(&self, db: &Path) -> Result<()> {
        let dir = &self.dir;
        adopt_swapped(dir);
        let (opened, start) = match open_existing(dir, &self.fields) {
            Ok(opened) => (opened, Start::Check),
            Err(Unusable::Refused(e)) => return Err(e),
            Err(Unusable::Missing) => (
                create_fresh(dir, &self.fields)?,
                Start::Fill("the index folder was missing".into()),
            ),
            Err(Unusable::Damaged(why)) => (create_fresh(dir, &self.fields)?, Start::Fill(why)),
        };
        let conn = store::connect(db)?;
        *self
            .live
            .write()
            .map_err(|_| Error::IndexerGone("poisoned".into()))? = Live {
            reader: opened.reader,
        };
        update(&self.progress, |p| {
            p.applied = opened.applied;
            p.stopped = false;
            p.status.ready = false;
            p.status.held_elsewhere = false;
        });
        let (tx, rx) = mpsc::channel();
        let mut indexer = Indexer {
            dir: dir.to_path_buf(),
            conn,
            fields: self.fields.clone(),
            writer: Some(opened.writer),
            live: self.live.clone(),
            progress: self.progress.clone(),
            applied: opened.applied,
            last_commit: Instant::now() - MIN_COMMIT_INTERVAL,
            suspect: false,
            verify_later: false,
        };
        let thread = std::thread::Builder::new()
            .name("lode-indexer".into())
            .spawn(move || {
                crate::priority::background();
                indexer.run(rx, start)
            })?;
        *self
            .tx
            .lock()
            .map_err(|_| Error::IndexerGone("poisoned".into()))? = Some(tx);
        *self
            .thread
            .lock()
            .map_err(|_| Error::IndexerGone("poisoned".into()))? = Some(thread);
        Ok(())
    }

    /// Starts writing the index of a library this process now holds alone (the process that
    /// held it has closed it): opening's checks run, and what others wrote meanwhile is
    /// applied.
    pub fn take_over(&self, db: &Path) -> Result<()> {
        use std::sync::atomic::Ordering;
        if !self.reading_only.load(Ordering::Acquire) {
            return Ok(());
        }
        self.start(db)?;
        self.reading_only.store(false, Ordering::Release);
        Ok(())
    }

    fn is_reading_only(&self) -> bool {
        self.reading_only.load(std::sync::atomic::Ordering::Acquire)
    }

    /// For reading only: loads what the writing process committed since the last look (or
    /// opens its index, when it could not be read before). Returns that commit's sequence.
    fn refresh(&self) -> i64 {
        use std::sync::atomic::Ordering;
        let Ok(mut live) = self.live.write() else {
            return 0;
        };
        if self.opened_for_reading.load(Ordering::Acquire) {
            // The commit first, then the reload: the reader then holds that commit or a later one.
            let seq = committed_seq(live.reader.searcher().index());
            if live.reader.reload().is_ok() {
                update(&self.progress, |p| p.status.error = None);
                return seq;
            }
        }
        match open_for_reading(&self.dir, &self.fields) {
            Ok(reader) => {
                let seq = committed_seq(reader.searcher().index());
                live.reader = reader;
                self.opened_for_reading.store(true, Ordering::Release);
                update(&self.progress, |p| p.status.error = None);
                seq
            }
            Err(e) => {
                let why = e.to_string();
                update(&self.progress, |p| p.status.error = Some(why));
                0
            }
        }
    }

    fn send(&self, msg: Msg) -> Result<()> {
        let tx = self
            .tx
            .lock()
            .map_err(|_| Error::IndexerGone("poisoned".into()))?;
        tx.as_ref()
            .ok_or_else(|| Error::IndexerGone("closed".into()))?
            .send(msg)
            .map_err(|_| {
                Error::IndexerGone(self.status().error.unwrap_or_else(|| "it exited".into()))
            })
    }

    fn lock(&self) -> Result<MutexGuard<'_, Progress>> {
        self.progress
            .0
            .lock()
            .map_err(|_| Error::IndexerGone("poisoned".into()))
    }

    /// What the index is doing now.
    pub fn status(&self) -> IndexStatus {
        self.lock()
            .map(|p| IndexStatus {
                applied: p.applied,
                ..p.status.clone()
            })
            .unwrap_or_default()
    }

    /// Tells the indexer that the outbox has new entries.
    pub fn changed(&self) {
        let _ = self.send(Msg::Changed);
    }

    /// Waits until opening's checks and any repair are done, telling `on_progress` how a
    /// rebuild goes (about 4 times a second).
    pub fn wait_ready(&self, on_progress: &mut dyn FnMut(&IndexStatus)) -> Result<()> {
        let mut progress = self.lock()?;
        while !progress.status.ready && !progress.stopped {
            on_progress(&progress.status);
            progress = self
                .progress
                .1
                .wait_timeout(progress, Duration::from_millis(250))
                .map_err(|_| Error::IndexerGone("poisoned".into()))?
                .0;
        }
        Ok(())
    }

    /// Waits until every outbox entry up to `seq` is searchable. Fails when an attempt to
    /// apply them, made after this call began, failed.
    pub fn wait_for(&self, seq: i64) -> Result<()> {
        if self.is_reading_only() {
            return self.wait_for_holder(seq);
        }
        let since = self.lock()?.started;
        self.send(Msg::Flush)?;
        let mut progress = self.lock()?;
        while progress.applied < seq {
            if let Some(e) = progress
                .status
                .error
                .as_ref()
                .filter(|_| progress.failed > since)
            {
                return Err(Error::IndexBehind(e.clone()));
            }
            if progress.stopped {
                return Err(Error::IndexerGone("it exited".into()));
            }
            progress = self
                .progress
                .1
                .wait(progress)
                .map_err(|_| Error::IndexerGone("poisoned".into()))?;
        }
        Ok(())
    }

    /// For reading only: waits (at most [`WAIT_FOR_HOLDER`]) until the process that writes
    /// the index has committed change `seq`.
    fn wait_for_holder(&self, seq: i64) -> Result<()> {
        let until = Instant::now() + WAIT_FOR_HOLDER;
        loop {
            if self.refresh() >= seq {
                return Ok(());
            }
            if Instant::now() >= until {
                return Err(Error::IndexBehind(format!(
                    "the Lode process that holds the library has not indexed change {seq} yet"
                )));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The library's folder, for errors that name it.
    fn library_dir(&self) -> PathBuf {
        self.dir.parent().unwrap_or(&self.dir).to_path_buf()
    }

    /// Rebuilds the whole index from SQLite into a fresh directory and swaps it in; searches
    /// answer from the current index meanwhile.
    pub fn rebuild(&self) -> Result<()> {
        if self.is_reading_only() {
            return Err(Error::NeedsLibraryAlone(
                self.library_dir(),
                "rebuilding the search index",
            ));
        }
        let (tx, rx) = mpsc::channel();
        self.send(Msg::Rebuild(tx))?;
        rx.recv()
            .map_err(|_| Error::IndexerGone("it exited during the rebuild".into()))?
    }

    /// Sets the index aside and rebuilds it (a search found it damaged); returns when done.
    fn heal(&self, why: String) -> Result<()> {
        if self.is_reading_only() {
            // Not ours to repair: look again at what the writing process committed.
            self.opened_for_reading
                .store(false, std::sync::atomic::Ordering::Release);
            self.refresh();
            return Ok(());
        }
        let (tx, rx) = mpsc::channel();
        self.send(Msg::Heal(why, tx))?;
        rx.recv()
            .map_err(|_| Error::IndexerGone("it exited during the repair".into()))?;
        match self.status().error {
            Some(e) if !self.status().ready => Err(Error::IndexBehind(e)),
            _ => Ok(()),
        }
    }

    /// Runs `f` over the index; if reading it fails (or panics: a damaged file Tantivy did
    /// not detect), the index is rebuilt and `f` runs once more.
    fn reading<T>(&self, f: impl Fn(&tantivy::Searcher) -> Result<T>) -> Result<T> {
        let attempt = || -> Result<T> {
            let searcher = self.searcher()?;
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&searcher)))
                .unwrap_or_else(|panic| Err(Error::IndexDamaged(panic_message(panic.as_ref()))))
        };
        match attempt() {
            Err(e @ (Error::Index(_) | Error::IndexDamaged(_))) => {
                self.heal(format!("reading it failed: {e}"))?;
                attempt()
            }
            other => other,
        }
    }

    /// A snapshot of the index as of the last commit; it stays valid while the indexer goes on.
    fn searcher(&self) -> Result<tantivy::Searcher> {
        if self.is_reading_only() {
            self.refresh();
        }
        let live = self
            .live
            .read()
            .map_err(|_| Error::IndexerGone("poisoned".into()))?;
        Ok(live.reader.searcher())
    }

    /// What `parsed` matches, to mark it in a whole text (the reader opened from a search).
    pub fn highlighter(&self, parsed: &ParsedQuery) -> Result<Highlighter> {
        self.reading(|searcher| {
            let mut builder =
                search::Builder::new(&self.fields, searcher, self.analyzers.clone(), false);
            builder.build(parsed);
            Ok(Highlighter::new(
                std::mem::take(&mut builder.terms),
                self.analyzers.clone(),
            ))
        })
    }

    pub fn search(
        &self,
        parsed: &ParsedQuery,
        limit: usize,
        titles_only: bool,
        facets: bool,
    ) -> Result<(RawResults, Highlighter)> {
        self.reading(|searcher| {
            let mut builder =
                search::Builder::new(&self.fields, searcher, self.analyzers.clone(), titles_only);
            let built = builder.build(parsed);
            let facet_roots = parsed
                .filters
                .iter()
                .filter_map(|f| match f {
                    Filter::Tag(t) => Some(t.to_lowercase()),
                    _ => None,
                })
                .collect();
            let execution = search::Execution {
                searcher,
                fields: &self.fields,
                limit,
                facets,
                facet_roots,
            };
            let results = execution.run(built)?;
            let terms = std::mem::take(&mut builder.terms);
            Ok((results, Highlighter::new(terms, self.analyzers.clone())))
        })
    }

    /// (note ids, annotation count) as the index sees them, for `check`.
    pub fn contents(&self) -> Result<(Vec<i64>, usize)> {
        self.reading(|searcher| contents(searcher, &self.fields))
    }
}

fn kind_count(searcher: &tantivy::Searcher, fields: &Fields, kind: u64) -> Result<usize> {
    Ok(searcher.search(
        &TermQuery::new(
            Term::from_field_u64(fields.kind, kind),
            IndexRecordOption::Basic,
        ),
        &Count,
    )?)
}

fn contents(searcher: &tantivy::Searcher, fields: &Fields) -> Result<(Vec<i64>, usize)> {
    let annotations = kind_count(searcher, fields, KIND_ANNOTATION)?;
    let mut notes = Vec::new();
    for segment in searcher.segment_readers() {
        let note_ids = segment.fast_fields().u64("note_id")?;
        let kinds = segment.fast_fields().u64("kind")?;
        for doc in segment.doc_ids_alive() {
            if kinds.first(doc) == Some(KIND_NOTE) {
                notes.push(note_ids.first(doc).unwrap_or(0) as i64);
            }
        }
    }
    notes.sort_unstable();
    Ok((notes, annotations))
}

impl Drop for SearchIndex {
    /// Stops the indexer after it has applied and committed every pending change.
    fn drop(&mut self) {
        if let Ok(mut tx) = self.tx.lock() {
            tx.take();
        }
        if let Ok(mut thread) = self.thread.lock()
            && let Some(thread) = thread.take()
        {
            let _ = thread.join();
        }
    }
}

/// After a failed attempt the indexer tries again, waiting longer each time up to this.
const MAX_RETRY: Duration = Duration::from_secs(30);

struct Indexer {
    dir: PathBuf,
    conn: rusqlite::Connection,
    fields: Fields,
    /// `None` only after a repair failed half-way (a full disk): the next attempt repairs again.
    writer: Option<IndexWriter>,
    live: Arc<RwLock<Live>>,
    progress: Shared,
    applied: i64,
    last_commit: Instant,
    /// An attempt failed since the last check: once caught up, the index is counted against
    /// SQLite again (a failed commit may have lost what it held).
    suspect: bool,
    /// The index was too large to verify before the first search: verify it just after.
    verify_later: bool,
}

impl Indexer {
    fn run(&mut self, rx: Receiver<Msg>, start: Start) {
        self.begin();
        let opening = match start {
            Start::Fill(why) => self.fill_all(why),
            Start::Check => self.check_opened(),
        };
        self.attempted(opening);
        update(&self.progress, |p| p.status.ready = true);
        if std::mem::take(&mut self.verify_later)
            && let Ok(Some(why)) = self.damaged_file(None)
        {
            self.begin();
            let result = self.refill(why);
            self.attempted(result);
        }
        let mut first_change: Option<Instant> = None;
        let mut last_change = Instant::now();
        let mut retry = Duration::from_secs(1);
        loop {
            let failing = self.failing();
            let timeout = match first_change {
                None if failing => retry,
                // Other processes may write the library too: their changes are applied
                // within a second.
                None => FOREIGN_POLL,
                Some(first) => {
                    let due = (last_change + DEBOUNCE)
                        .min(first + MAX_DELAY)
                        .max(self.last_commit + MIN_COMMIT_INTERVAL);
                    due.saturating_duration_since(Instant::now())
                }
            };
            let result = match rx.recv_timeout(timeout) {
                Ok(Msg::Changed) => {
                    last_change = Instant::now();
                    first_change.get_or_insert(last_change);
                    continue;
                }
                Ok(Msg::Flush) | Err(RecvTimeoutError::Timeout) => {
                    self.begin();
                    self.apply_pending()
                }
                Ok(Msg::Rebuild(reply)) => {
                    self.begin();
                    let result = self.rebuild().and_then(|()| self.apply_pending());
                    let outcome = result.as_ref().map(|_| ()).map_err(|e| e.to_string());
                    let _ = reply.send(result);
                    outcome.map_err(Error::IndexerGone)
                }
                Ok(Msg::Heal(why, reply)) => {
                    self.begin();
                    let result = self.refill(why);
                    self.attempted(result);
                    update(&self.progress, |p| p.status.ready = true);
                    let _ = reply.send(());
                    first_change = None;
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => {
                    self.begin();
                    let result = self.apply_pending();
                    self.attempted(result);
                    break;
                }
            };
            first_change = None;
            let failed = result.is_err();
            self.attempted(result);
            retry = if failed {
                (retry * 2).min(MAX_RETRY)
            } else {
                Duration::from_secs(1)
            };
        }
        update(&self.progress, |p| p.stopped = true);
    }

    /// An attempt to catch up begins (they run one at a time, on this thread).
    fn begin(&self) {
        update(&self.progress, |p| p.started += 1);
    }

    fn failing(&self) -> bool {
        self.progress
            .0
            .lock()
            .map(|p| p.status.error.is_some())
            .unwrap_or(false)
    }

    /// Records how an attempt to catch up went: an error until one succeeds. After a failure
    /// the writer is reopened from the last commit (Tantivy's writer is not to be trusted
    /// after a failed commit, a full disk for instance), and what the commit covered is
    /// applied again.
    fn attempted(&mut self, result: Result<()>) {
        if result.is_err() {
            self.reopen_writer();
        }
        update(&self.progress, |p| {
            if result.is_err() {
                p.failed = p.started;
            }
            p.status.error = result.err().map(|e| e.to_string());
        });
    }

    fn reopen_writer(&mut self) {
        self.suspect = true;
        drop(self.writer.take());
        // Left `None` when it cannot be opened: the next attempt rebuilds it.
        if let Ok(opened) = open_existing(&self.dir, &self.fields)
            && let Ok(mut live) = self.live.write()
        {
            // The failed attempt's segment files stay on disk until a commit collects them:
            // each retry would write its own, and on a full disk eat whatever space was freed.
            let _ = opened.writer.garbage_collect_files().wait();
            *live = Live {
                reader: opened.reader,
            };
            self.writer = Some(opened.writer);
            self.applied = opened.applied;
        }
    }

    /// Opening's checks of an index that opened: every segment file's checksum, what its last
    /// commit applied against the outbox, and (once caught up) its counts against SQLite's.
    /// A failure sets it aside and rebuilds it.
    fn check_opened(&mut self) -> Result<()> {
        // Verifying a large index would delay the first search: past this many unverified
        // bytes, it waits until the index is ready (`verify_later`).
        const VERIFY_BEFORE_READY: u64 = 64 << 20;
        match self.damaged_file(Some(VERIFY_BEFORE_READY)) {
            Ok(Some(why)) => return self.refill(why),
            Ok(None) => {}
            Err(()) => self.verify_later = true,
        }
        if let Some(why) = self.outbox_disagrees()? {
            return self.refill(why);
        }
        self.apply_pending()?;
        if let Some(why) = self.counts_disagree()? {
            return self.refill(why);
        }
        Ok(())
    }

    /// The current segment files: (name, bytes).
    fn segment_files(&self) -> Option<Vec<(String, u64)>> {
        let index = self.writer.as_ref()?.index();
        let metas = index.load_metas().ok()?;
        let segments: Vec<String> = metas
            .segments
            .iter()
            .map(|s| s.id().uuid_string())
            .collect();
        let mut files: Vec<(String, u64)> = std::fs::read_dir(&self.dir)
            .ok()?
            .filter_map(|entry| {
                let entry = entry.ok()?;
                let name = entry.file_name().into_string().ok()?;
                segments
                    .iter()
                    .any(|s| name.starts_with(s.as_str()))
                    .then(|| (name, entry.metadata().map_or(0, |m| m.len())))
            })
            .collect();
        files.sort();
        Some(files)
    }

    /// The first segment file, of those not verified before, whose checksum fails. With a
    /// `budget`, verifies only when the files to verify hold at most that many bytes, and
    /// otherwise answers `Err(())`: too much to verify before the first search.
    fn damaged_file(&self, budget: Option<u64>) -> std::result::Result<Option<String>, ()> {
        let Some(index) = self.writer.as_ref().map(IndexWriter::index) else {
            return Ok(None);
        };
        if let Err(e) = index.load_metas() {
            return Ok(Some(format!("its meta.json cannot be read: {e}")));
        }
        let files = self.segment_files().unwrap_or_default();
        let checked_path = self.dir.join(CHECKED);
        let checked = std::fs::read_to_string(&checked_path).unwrap_or_default();
        let checked: std::collections::HashSet<&str> = checked.lines().collect();
        let unverified: Vec<&(String, u64)> = files
            .iter()
            .filter(|(name, _)| !checked.contains(name.as_str()))
            .collect();
        if budget.is_some_and(|b| unverified.iter().map(|(_, bytes)| bytes).sum::<u64>() > b) {
            return Err(());
        }
        for (name, _) in unverified {
            match index.directory().validate_checksum(Path::new(name)) {
                Ok(true) => {}
                Ok(false) => return Ok(Some(format!("{name} is damaged (its checksum fails)"))),
                Err(e) => return Ok(Some(format!("{name} cannot be read: {e}"))),
            }
        }
        self.record_checked(&files);
        Ok(None)
    }

    /// Lists `files` as verified (a speed-up only: a list that cannot be written means
    /// verifying again at the next opening).
    fn record_checked(&self, files: &[(String, u64)]) {
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        let _ = std::fs::write(self.dir.join(CHECKED), names.join("\n"));
    }

    /// Whether the outbox shows changes the index's last commit claims but cannot have: ahead
    /// of the database (an older database put back), or behind entries already pruned.
    fn outbox_disagrees(&self) -> Result<Option<String>> {
        let tx = self.conn.unchecked_transaction()?;
        let last = store::outbox::last_seq(&tx)?;
        let first_pending = store::outbox::after(&tx, self.applied, 1)?
            .first()
            .map(|e| e.0);
        drop(tx);
        let applied = self.applied;
        Ok(if applied > last {
            Some(format!(
                "its last commit applied change {applied}, the database has only {last}"
            ))
        } else if applied < last && first_pending != Some(applied + 1) {
            Some(format!(
                "its last commit applied change {applied}, and the changes after it up to {last} are no longer recorded"
            ))
        } else {
            None
        })
    }

    /// Whether the index, caught up with the outbox, holds as many notes and highlights as
    /// SQLite (a segment list emptied or cut short).
    fn counts_disagree(&self) -> Result<Option<String>> {
        let tx = self.conn.unchecked_transaction()?;
        let last = store::outbox::last_seq(&tx)?;
        let notes = store::notes::count(&tx, &crate::model::NoteFilter::default())?;
        let annotations = store::annotations::count(&tx)?;
        drop(tx);
        if last != self.applied {
            return Ok(None); // changed meanwhile: `check` compares them later
        }
        let searcher = self.live_searcher()?;
        let indexed = kind_count(&searcher, &self.fields, KIND_NOTE)?;
        let indexed_annotations = kind_count(&searcher, &self.fields, KIND_ANNOTATION)?;
        Ok((indexed != notes || indexed_annotations != annotations).then(|| {
            format!(
                "it held {indexed} notes and {indexed_annotations} highlights, the database {notes} and {annotations}"
            )
        }))
    }

    fn live_searcher(&self) -> Result<tantivy::Searcher> {
        Ok(self
            .live
            .read()
            .map_err(|_| Error::IndexerGone("poisoned".into()))?
            .reader
            .searcher())
    }

    fn writer(&mut self) -> Result<&mut IndexWriter> {
        self.writer
            .as_mut()
            .ok_or_else(|| Error::IndexerGone("the index is being repaired".into()))
    }

    /// Applies every outbox entry after `applied`, committing every [`BATCH`] notes.
    fn apply_pending(&mut self) -> Result<()> {
        if self.writer.is_none() {
            return self.refill("an earlier repair did not finish".into());
        }
        loop {
            let (entries, last) = {
                let tx = self.conn.unchecked_transaction()?;
                (
                    store::outbox::after(&tx, self.applied, BATCH)?,
                    store::outbox::last_seq(&tx)?,
                )
            };
            let Some(&(seq, _)) = entries.last() else {
                if last != self.applied {
                    // Nothing left to apply, yet the index is not at the last change: waiting
                    // would never end (a forged or restored commit). Rebuild instead.
                    return self.refill(format!(
                        "its last commit applied change {}, the database is at {last} with nothing left to apply",
                        self.applied
                    ));
                }
                if self.suspect {
                    self.suspect = false;
                    if let Some(why) = self.counts_disagree()? {
                        return self.refill(why);
                    }
                }
                break;
            };
            let mut ids: Vec<i64> = entries.iter().map(|(_, id)| *id).collect();
            ids.sort_unstable();
            ids.dedup();
            for id in ids {
                let loaded = load(&self.conn, id)?;
                let writer = self
                    .writer
                    .as_ref()
                    .ok_or_else(|| Error::IndexerGone("the index is being repaired".into()))?;
                writer.delete_term(Term::from_field_u64(self.fields.note_id, id as u64));
                if let Some((note, annotations)) = loaded {
                    add_documents(writer, &self.fields, &note, &annotations)?;
                }
            }
            self.commit(seq)?;
        }
        Ok(())
    }

    /// Commits the live writer, makes the change searchable, wakes whoever waits for it, and
    /// then forgets the outbox entries the commit covers.
    fn commit(&mut self, seq: i64) -> Result<()> {
        commit_with_payload(self.writer()?, seq)?;
        self.published(seq)?;
        // Pruning is housekeeping: when the database is busy, a later commit prunes.
        let _ = store::outbox::prune_if_free(&self.conn, seq);
        Ok(())
    }

    /// Reloads the reader after a commit that applied up to `seq`, and tells the waiters.
    fn published(&mut self, seq: i64) -> Result<()> {
        self.last_commit = Instant::now();
        self.live
            .read()
            .map_err(|_| Error::IndexerGone("poisoned".into()))?
            .reader
            .reload()?;
        self.applied = seq;
        update(&self.progress, |p| {
            p.applied = seq;
            p.status.error = None;
        });
        Ok(())
    }

    /// Sets the index aside (`why` it cannot be trusted) and fills an empty one from SQLite.
    /// Searches wait meanwhile ([`SearchIndex::wait_ready`]).
    fn refill(&mut self, why: String) -> Result<()> {
        update(&self.progress, |p| p.status.ready = false);
        let result = self.replace_and_fill(why);
        // Searches wait while it runs, never longer: done or failed, they answer again.
        update(&self.progress, |p| p.status.ready = true);
        result
    }

    fn replace_and_fill(&mut self, why: String) -> Result<()> {
        if let Some(old) = self.writer.take() {
            let _ = old.wait_merging_threads();
        }
        let opened = create_fresh(&self.dir, &self.fields)?;
        self.writer = Some(opened.writer);
        *self
            .live
            .write()
            .map_err(|_| Error::IndexerGone("poisoned".into()))? = Live {
            reader: opened.reader,
        };
        self.fill_all(why)
    }

    /// Fills the (empty) live index with every note, then applies what came in meanwhile.
    fn fill_all(&mut self, why: String) -> Result<()> {
        update(&self.progress, |p| p.status.ready = false);
        let result = self.fill_all_notes(why);
        update(&self.progress, |p| p.status.ready = true);
        result
    }

    fn fill_all_notes(&mut self, why: String) -> Result<()> {
        let seq = store::outbox::last_seq(&self.conn)?;
        let ids = store::notes::all_ids(&self.conn)?;
        if !ids.is_empty() {
            update(&self.progress, |p| p.status.repaired = Some(why));
        }
        let filler = self
            .writer
            .as_ref()
            .ok_or_else(|| Error::IndexerGone("no writer".into()))?;
        fill(&self.conn, filler, &self.fields, &ids, &self.progress)?;
        self.commit(seq)?;
        // Filled: from now on it indexes what comes a few notes at a time.
        if let Some(filler) = self.writer.take() {
            let index = filler.index().clone();
            filler.wait_merging_threads()?;
            self.writer = Some(writer(&self.dir, &index, Threads::Live)?);
        }
        self.apply_pending()
    }

    /// `reindex`: builds a fresh index beside the live one (searches answer from the live one
    /// meanwhile) and swaps it in. A failure before the swap leaves the live index as it was.
    fn rebuild(&mut self) -> Result<()> {
        let fresh_dir = self.dir.with_extension("new");
        let old_dir = self.dir.with_extension("old");
        for d in [&fresh_dir, &old_dir] {
            remove_index_dir(d)?;
        }
        let seq = store::outbox::last_seq(&self.conn)?;
        let built = (|| -> Result<()> {
            create_index_dir(&fresh_dir)?;
            let index = Index::create_in_dir(&fresh_dir, self.fields.schema.clone())?;
            schema::register_analyzers(&index);
            let mut writer = writer(&fresh_dir, &index, Threads::Fill)?;
            let ids = store::notes::all_ids(&self.conn)?;
            fill(&self.conn, &writer, &self.fields, &ids, &self.progress)?;
            commit_with_payload(&mut writer, seq)?;
            writer.wait_merging_threads()?;
            Ok(())
        })();
        if let Err(e) = built {
            let _ = remove_index_dir(&fresh_dir);
            return Err(e);
        }
        // Swap: release the live writer's lock, move the folders, open the new one.
        if let Some(old) = self.writer.take() {
            let _ = old.wait_merging_threads();
        }
        let swapped = std::fs::rename(&self.dir, &old_dir).and_then(|()| {
            std::fs::rename(&fresh_dir, &self.dir).inspect_err(|_| {
                let _ = std::fs::rename(&old_dir, &self.dir);
            })
        });
        match open_existing(&self.dir, &self.fields) {
            Ok(opened) => {
                self.writer = Some(opened.writer);
                *self
                    .live
                    .write()
                    .map_err(|_| Error::IndexerGone("poisoned".into()))? = Live {
                    reader: opened.reader,
                };
                self.applied = opened.applied;
                self.published(opened.applied)?;
            }
            Err(Unusable::Refused(e)) => return Err(e),
            Err(Unusable::Missing) => return self.refill("the index folder was missing".into()),
            Err(Unusable::Damaged(why)) => return self.refill(why),
        }
        swapped?;
        remove_index_dir(&old_dir)?;
        Ok(())
    }
}

/// Commits with the payload that records the last outbox sequence applied, which is what
/// opening a library replays from.
fn commit_with_payload(writer: &mut IndexWriter, seq: i64) -> Result<()> {
    let payload = serde_json::to_string(&Payload {
        schema: schema::SCHEMA_VERSION,
        outbox_seq: seq,
    })?;
    let mut prepared = writer.prepare_commit()?;
    prepared.set_payload(&payload);
    prepared.commit()?;
    Ok(())
}

fn load(conn: &rusqlite::Connection, id: i64) -> Result<Option<(Note, Vec<Annotation>)>> {
    let Some(note) = store::notes::find(conn, id)? else {
        return Ok(None);
    };
    let annotations = store::annotations::of_note(conn, id)?;
    Ok(Some((note, annotations)))
}

/// Indexes the notes `ids`, telling `progress` how far it has got.
fn fill(
    conn: &rusqlite::Connection,
    writer: &IndexWriter,
    fields: &Fields,
    ids: &[i64],
    progress: &Shared,
) -> Result<()> {
    let total = ids.len();
    let report = |done| {
        update(progress, |p| {
            p.status.rebuilding = Some(RebuildProgress { done, total })
        })
    };
    report(0);
    let filled = (|| {
        for (done, &id) in ids.iter().enumerate() {
            if let Some((note, annotations)) = load(conn, id)? {
                add_documents(writer, fields, &note, &annotations)?;
            }
            if done % 250 == 249 {
                report(done + 1);
            }
        }
        Ok(())
    })();
    update(progress, |p| p.status.rebuilding = None);
    filled
}

fn host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', '?', '#']).next().unwrap_or_default()
}

/// The note's document and one per annotation. Annotation documents carry the note's
/// metadata (site, author, language, date, tags) so filters apply to them too.
fn add_documents(
    writer: &IndexWriter,
    f: &Fields,
    note: &Note,
    annotations: &[Annotation],
) -> Result<()> {
    let a = &note.article;
    let l = Lang::of(&a.language) as usize;
    let date = a
        .published
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
        .unwrap_or(note.created);
    let date = tantivy::DateTime::from_timestamp_secs(date.timestamp());
    let site_text = format!(
        "{} {}",
        a.site.as_deref().unwrap_or_default(),
        a.url.as_deref().map(host).unwrap_or_default()
    );
    let common = |doc: &mut TantivyDocument, kind: u64, ann_id: u64, tags: &[String]| {
        doc.add_u64(f.note_id, note.id as u64);
        doc.add_u64(f.ann_id, ann_id);
        doc.add_u64(f.kind, kind);
        doc.add_u64(f.has_ann, u64::from(!annotations.is_empty()));
        if let Some(author) = &a.author {
            doc.add_text(f.author, author);
        }
        doc.add_text(f.site, &site_text);
        doc.add_text(f.lang, &a.language);
        doc.add_date(f.date, date);
        for tag in tags {
            doc.add_facet(f.tag, search::facet_of_tag(&tag.to_lowercase()));
        }
        doc.add_text(f.tags_text, tags.join(" , "));
    };

    let mut doc = TantivyDocument::default();
    common(&mut doc, KIND_NOTE, 0, &a.tags);
    doc.add_text(f.title[l], &a.title);
    // The body's words include the title's: BM25 over title and body as one text ranks
    // better than over each apart (the title field adds a little on top).
    doc.add_text(f.body[l], &a.title);
    doc.add_text(f.title_raw, &a.title);
    doc.add_text(f.raw, &a.title);
    if let Some(standfirst) = &a.standfirst {
        doc.add_text(f.body[l], standfirst);
        doc.add_text(f.raw, standfirst);
    }
    doc.add_text(f.body[l], &a.body);
    doc.add_text(f.raw, &a.body);
    doc.add_text(f.sections, a.sections.join(" , "));
    if let Some(site) = a.site.as_deref().filter(|s| !s.is_empty()) {
        doc.add_facet(f.site_facet, TantivyFacet::from_path([site]));
    }
    if let Some(published) = a.published {
        doc.add_facet(
            f.year,
            TantivyFacet::from_path([published.format("%Y").to_string()]),
        );
    }
    writer.add_document(doc)?;

    for annotation in annotations {
        let mut doc = TantivyDocument::default();
        let mut tags = annotation.tags.clone();
        tags.extend(a.tags.iter().cloned());
        common(&mut doc, KIND_ANNOTATION, annotation.id as u64, &tags);
        doc.add_text(f.body[l], &annotation.selector.quote.exact);
        doc.add_text(f.raw, &annotation.selector.quote.exact);
        doc.add_text(f.color, annotation.color.as_str());
        if let Some(comment) = &annotation.comment {
            doc.add_text(f.body[l], comment);
            doc.add_text(f.raw, comment);
        }
        writer.add_document(doc)?;
    }
    Ok(())
}
