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
mod schema;
mod search;
mod snippet;

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tantivy::collector::Count;
use tantivy::directory::error::LockError;
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

enum Msg {
    Changed,
    Flush,
    Rebuild(Sender<Result<()>>),
}

#[derive(Default)]
struct Progress {
    applied: i64,
    error: Option<String>,
    stopped: bool,
}

/// The reader searches go through; replaced whole when `reindex` swaps directories.
struct Live {
    reader: IndexReader,
}

pub struct SearchIndex {
    fields: Fields,
    analyzers: schema::Analyzers,
    live: Arc<RwLock<Live>>,
    progress: Arc<(Mutex<Progress>, Condvar)>,
    tx: Mutex<Option<Sender<Msg>>>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

fn lock_error(dir: &Path, e: TantivyError) -> Error {
    match e {
        TantivyError::LockFailure(LockError::LockBusy, _) => {
            Error::LibraryLocked(dir.to_path_buf())
        }
        e => Error::Index(e),
    }
}

/// The file Lode writes into every index folder it creates: only a folder that holds it (or a
/// Tantivy index, as libraries made before the marker hold) is ever removed.
const MARKER: &str = "lode-index";

/// Removes an index folder Lode made; anything else in its place is moved aside, never deleted
/// (a user may have pointed Lode at a folder of their own).
fn remove_index_dir(dir: &Path) -> Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    if dir.is_dir() && (dir.join(MARKER).is_file() || dir.join("meta.json").is_file()) {
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

/// Creates an empty index folder with Lode's marker in it.
fn create_index_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(
        dir.join(MARKER),
        b"a Lode search index, rebuilt from lode.db when lost\n",
    )?;
    Ok(())
}

/// Opens the index in `dir`, or creates an empty one (then `fresh` is true: it must be filled).
fn open_or_create(dir: &Path, fields: &Fields) -> Result<(Index, i64, bool)> {
    if dir.exists() {
        let opened = Index::open_in_dir(dir).and_then(|index| Ok((index.load_metas()?, index)));
        if let Ok((meta, index)) = opened {
            let payload = meta
                .payload
                .as_deref()
                .and_then(|p| serde_json::from_str::<Payload>(p).ok());
            if let Some(p) = payload.filter(|p| p.schema == schema::SCHEMA_VERSION) {
                schema::register_analyzers(&index);
                return Ok((index, p.outbox_seq, false));
            }
        }
    }
    remove_index_dir(dir)?;
    create_index_dir(dir)?;
    let index = Index::create_in_dir(dir, fields.schema.clone())?;
    schema::register_analyzers(&index);
    Ok((index, 0, true))
}

fn writer(dir: &Path, index: &Index) -> Result<IndexWriter> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 2);
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

impl SearchIndex {
    /// Opens (or rebuilds) the index of the library whose database is `db`, and starts the
    /// indexer, which first replays the outbox.
    pub fn open(dir: &Path, db: &Path) -> Result<SearchIndex> {
        let fields = Fields::new();
        let (index, applied, fresh) = open_or_create(dir, &fields)?;
        let writer = writer(dir, &index)?;
        let live = Arc::new(RwLock::new(Live {
            reader: reader(&index)?,
        }));
        let progress = Arc::new((
            Mutex::new(Progress {
                applied,
                ..Progress::default()
            }),
            Condvar::new(),
        ));
        let (tx, rx) = mpsc::channel();
        let mut indexer = Indexer {
            dir: dir.to_path_buf(),
            conn: store::connect(db)?,
            fields: fields.clone(),
            writer,
            live: live.clone(),
            progress: progress.clone(),
            applied,
            last_commit: Instant::now() - MIN_COMMIT_INTERVAL,
        };
        let thread = std::thread::Builder::new()
            .name("lode-indexer".into())
            .spawn(move || indexer.run(rx, fresh))?;
        Ok(SearchIndex {
            fields,
            analyzers: schema::Analyzers::new(),
            live,
            progress,
            tx: Mutex::new(Some(tx)),
            thread: Mutex::new(Some(thread)),
        })
    }

    fn send(&self, msg: Msg) -> Result<()> {
        let tx = self
            .tx
            .lock()
            .map_err(|_| Error::IndexerGone("poisoned".into()))?;
        tx.as_ref()
            .ok_or_else(|| Error::IndexerGone("closed".into()))?
            .send(msg)
            .map_err(|_| Error::IndexerGone(self.last_error()))
    }

    fn last_error(&self) -> String {
        let (lock, _) = &*self.progress;
        lock.lock()
            .ok()
            .and_then(|p| p.error.clone())
            .unwrap_or_else(|| "it exited".into())
    }

    /// Tells the indexer that the outbox has new entries.
    pub fn changed(&self) {
        let _ = self.send(Msg::Changed);
    }

    /// Waits until every outbox entry up to `seq` is searchable.
    pub fn wait_for(&self, seq: i64) -> Result<()> {
        self.send(Msg::Flush)?;
        let (lock, cvar) = &*self.progress;
        let mut progress = lock
            .lock()
            .map_err(|_| Error::IndexerGone("poisoned".into()))?;
        while progress.applied < seq {
            if let Some(e) = &progress.error {
                return Err(Error::IndexerGone(e.clone()));
            }
            if progress.stopped {
                return Err(Error::IndexerGone("it exited".into()));
            }
            progress = cvar
                .wait(progress)
                .map_err(|_| Error::IndexerGone("poisoned".into()))?;
        }
        Ok(())
    }

    /// Rebuilds the whole index from SQLite into a fresh directory and swaps it in.
    pub fn rebuild(&self) -> Result<()> {
        let (tx, rx) = mpsc::channel();
        self.send(Msg::Rebuild(tx))?;
        rx.recv()
            .map_err(|_| Error::IndexerGone(self.last_error()))?
    }

    /// A snapshot of the index as of the last commit; it stays valid while the indexer goes on.
    fn searcher(&self) -> Result<tantivy::Searcher> {
        let live = self
            .live
            .read()
            .map_err(|_| Error::IndexerGone("poisoned".into()))?;
        Ok(live.reader.searcher())
    }

    /// What `parsed` matches, to mark it in a whole text (the reader opened from a search).
    pub fn highlighter(&self, parsed: &ParsedQuery) -> Result<Highlighter> {
        let searcher = self.searcher()?;
        let mut builder =
            search::Builder::new(&self.fields, &searcher, self.analyzers.clone(), false);
        builder.build(parsed);
        Ok(Highlighter::new(
            std::mem::take(&mut builder.terms),
            self.analyzers.clone(),
        ))
    }

    pub fn search(
        &self,
        parsed: &ParsedQuery,
        limit: usize,
        titles_only: bool,
        facets: bool,
    ) -> Result<(RawResults, Highlighter)> {
        let searcher = self.searcher()?;
        let mut builder =
            search::Builder::new(&self.fields, &searcher, self.analyzers.clone(), titles_only);
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
            searcher: &searcher,
            fields: &self.fields,
            limit,
            facets,
            facet_roots,
        };
        let results = execution.run(built)?;
        let terms = std::mem::take(&mut builder.terms);
        Ok((results, Highlighter::new(terms, self.analyzers.clone())))
    }

    /// (note ids, annotation count) as the index sees them, for `check`.
    pub fn contents(&self) -> Result<(Vec<i64>, usize)> {
        let searcher = self.searcher()?;
        let annotations = searcher.search(
            &TermQuery::new(
                Term::from_field_u64(self.fields.kind, KIND_ANNOTATION),
                IndexRecordOption::Basic,
            ),
            &Count,
        )?;
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

struct Indexer {
    dir: PathBuf,
    conn: rusqlite::Connection,
    fields: Fields,
    writer: IndexWriter,
    live: Arc<RwLock<Live>>,
    progress: Arc<(Mutex<Progress>, Condvar)>,
    applied: i64,
    last_commit: Instant,
}

impl Indexer {
    fn run(&mut self, rx: Receiver<Msg>, fresh: bool) {
        let start = if fresh { self.fill_fresh() } else { Ok(()) };
        if let Err(e) = start.and_then(|()| self.apply_pending()) {
            self.fail(&e);
        }
        let mut first_change: Option<Instant> = None;
        let mut last_change = Instant::now();
        loop {
            let timeout = match first_change {
                None => Duration::from_secs(3600),
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
                Ok(Msg::Flush) | Err(RecvTimeoutError::Timeout) => self.apply_pending(),
                Ok(Msg::Rebuild(reply)) => {
                    let result = self.rebuild().and_then(|()| self.apply_pending());
                    let failed = result.as_ref().err().map(|e| e.to_string());
                    let _ = reply.send(result);
                    failed.map_or(Ok(()), |e| Err(Error::IndexerGone(e)))
                }
                Err(RecvTimeoutError::Disconnected) => {
                    if let Err(e) = self.apply_pending() {
                        self.fail(&e);
                    }
                    break;
                }
            };
            first_change = None;
            if let Err(e) = result {
                self.fail(&e);
            }
        }
        let (lock, cvar) = &*self.progress;
        if let Ok(mut p) = lock.lock() {
            p.stopped = true;
        }
        cvar.notify_all();
    }

    fn fail(&self, e: &Error) {
        let (lock, cvar) = &*self.progress;
        if let Ok(mut p) = lock.lock() {
            p.error = Some(e.to_string());
        }
        cvar.notify_all();
    }

    /// Applies every outbox entry after `applied`, committing every [`BATCH`] notes.
    fn apply_pending(&mut self) -> Result<()> {
        loop {
            let entries = store::outbox::after(&self.conn, self.applied, BATCH)?;
            let Some(&(last, _)) = entries.last() else {
                break;
            };
            let mut ids: Vec<i64> = entries.iter().map(|(_, id)| *id).collect();
            ids.sort_unstable();
            ids.dedup();
            for id in ids {
                self.writer
                    .delete_term(Term::from_field_u64(self.fields.note_id, id as u64));
                if let Some((note, annotations)) = load(&self.conn, id)? {
                    add_documents(&self.writer, &self.fields, &note, &annotations)?;
                }
            }
            self.commit(last)?;
            store::outbox::prune(&self.conn, last)?;
        }
        Ok(())
    }

    /// Commits the live writer, makes the change searchable and wakes whoever waits for it.
    fn commit(&mut self, seq: i64) -> Result<()> {
        commit_with_payload(&mut self.writer, seq)?;
        self.last_commit = Instant::now();
        self.live
            .read()
            .map_err(|_| Error::IndexerGone("poisoned".into()))?
            .reader
            .reload()?;
        self.applied = seq;
        let (lock, cvar) = &*self.progress;
        if let Ok(mut p) = lock.lock() {
            p.applied = seq;
        }
        cvar.notify_all();
        Ok(())
    }

    /// Indexes every note into an empty index (first open, or after the index was lost).
    fn fill_fresh(&mut self) -> Result<()> {
        let seq = store::outbox::last_seq(&self.conn)?;
        fill(&self.conn, &self.writer, &self.fields)?;
        self.commit(seq)
    }

    fn rebuild(&mut self) -> Result<()> {
        let fresh_dir = self.dir.with_extension("new");
        let old_dir = self.dir.with_extension("old");
        for d in [&fresh_dir, &old_dir] {
            remove_index_dir(d)?;
        }
        create_index_dir(&fresh_dir)?;
        let seq = store::outbox::last_seq(&self.conn)?;
        {
            let index = Index::create_in_dir(&fresh_dir, self.fields.schema.clone())?;
            schema::register_analyzers(&index);
            let mut writer = writer(&fresh_dir, &index)?;
            fill(&self.conn, &writer, &self.fields)?;
            commit_with_payload(&mut writer, seq)?;
            writer.wait_merging_threads()?;
        }
        // Swap: release the live writer's lock, move directories, reopen.
        let placeholder = Index::create_in_ram(self.fields.schema.clone());
        let old_writer = std::mem::replace(
            &mut self.writer,
            placeholder.writer_with_num_threads(1, 15_000_000)?,
        );
        old_writer.wait_merging_threads()?;
        std::fs::rename(&self.dir, &old_dir)?;
        std::fs::rename(&fresh_dir, &self.dir)?;
        let index = Index::open_in_dir(&self.dir)?;
        schema::register_analyzers(&index);
        self.writer = writer(&self.dir, &index)?;
        let reader = reader(&index)?;
        *self
            .live
            .write()
            .map_err(|_| Error::IndexerGone("poisoned".into()))? = Live { reader };
        remove_index_dir(&old_dir)?;
        self.commit(seq) // nothing new to write: reloads the reader and wakes the waiters
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

fn fill(conn: &rusqlite::Connection, writer: &IndexWriter, fields: &Fields) -> Result<()> {
    for id in store::notes::all_ids(conn)? {
        if let Some((note, annotations)) = load(conn, id)? {
            add_documents(writer, fields, &note, &annotations)?;
        }
    }
    Ok(())
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
