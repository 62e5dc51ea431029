//! Importing other tools' exports (`import::read` recognises them), and fetching the pages of
//! notes that came with only their address.
//!
//! An export's items are prepared outside any transaction (an article's HTML is extracted
//! there), then written a batch at a time, each item in a savepoint of its own: one that fails
//! is reported with its reason and leaves nothing behind. An item already in the library (its
//! address, or its text) gains what it did not have (tags, highlights) and nothing else, so
//! importing the same export twice adds nothing.

use std::collections::{HashMap, VecDeque};
use std::ops::ControlFlow;
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::{
    ClipStatus, IMPORT_BATCH, ImportProgress, ImportReport, Library, Similar, canonical_article,
    in_savepoint, replace_body, store_article,
};
use crate::anchor::{self, AnchorStatus};
use crate::clip::{self, Article, Clip};
use crate::error::{Error, Result};
use crate::fetch::{FetchOptions, fetch_page};
use crate::import::{self, Content, Highlight, Item};
use crate::model::*;
use crate::store::{annotations, clips, notes, outbox, page_queue, tags};

/// The largest export file read (a ZIP of a few thousand articles with their pages).
pub(super) const MAX_EXPORT_BYTES: u64 = 1 << 30;

/// What one tool's export brought (see [`ImportReport::formats`]).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportCounts {
    pub created: usize,
    /// Notes already here that gained tags, highlights or, for a note that held only its
    /// address, the article's text.
    pub updated: usize,
    pub unchanged: usize,
    /// Highlights added, and of those the ones whose passage is not in the note's text (kept
    /// as orphans; a note waiting for its page has all its highlights there until it comes).
    pub annotations: usize,
    pub orphaned: usize,
    /// Notes created with only their address, waiting for their page.
    pub waiting: usize,
    /// Items (or rows) that could not be imported; each is in the report's `failed` with why.
    pub failed: usize,
}

/// What one stored item or file did.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Stored {
    pub status: Option<ClipStatus>,
    pub annotations: usize,
    pub orphaned: usize,
    pub waiting: bool,
}

impl ImportCounts {
    fn add(&mut self, stored: &Stored) {
        match stored.status {
            Some(ClipStatus::Created) => self.created += 1,
            Some(ClipStatus::Updated) => self.updated += 1,
            _ => self.unchanged += 1,
        }
        self.annotations += stored.annotations;
        self.orphaned += stored.orphaned;
        self.waiting += usize::from(stored.waiting);
    }
}

impl ImportReport {
    pub(super) fn add(&mut self, stored: &Stored) {
        match stored.status {
            Some(ClipStatus::Created) => self.created += 1,
            Some(ClipStatus::Updated) => self.updated += 1,
            _ => self.unchanged += 1,
        }
        self.annotations += stored.annotations;
        self.orphaned += stored.orphaned;
        self.waiting += usize::from(stored.waiting);
    }
}

/// How far fetching the waiting notes' pages has got.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageProgress {
    pub done: usize,
    pub total: usize,
    pub note_id: NoteId,
    pub url: String,
    /// Why this page could not be read, when it could not (the note keeps waiting).
    pub error: Option<String>,
}

/// What fetching the waiting notes' pages did.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PagesReport {
    /// Notes that received their article's text.
    pub fetched: usize,
    /// Pages that could not be read this time, with why (they are tried again later, up to
    /// [`MAX_PAGE_ATTEMPTS`] times).
    pub failed: Vec<(NoteId, String)>,
    /// Notes still waiting afterwards.
    pub waiting: usize,
    pub cancelled: bool,
}

/// How often a waiting note's page is tried before it is left for the user to ask again.
pub const MAX_PAGE_ATTEMPTS: u32 = 3;
/// Pages fetched at once.
const PAGE_WORKERS: usize = 2;
/// The least time between two requests to one host.
const HOST_INTERVAL: Duration = Duration::from_secs(1);

/// An item ready to be written: its article, and what comes with it.
pub(super) struct Prepared {
    /// The export's HTML of the article, kept as the note's raw clip.
    clip: Option<Clip>,
    article: Article,
    created: Option<DateTime<Utc>>,
    highlights: Vec<Highlight>,
    /// The address to fetch, and the export's note on the item, for a note with no text yet.
    waiting: Option<(String, Option<String>)>,
}

impl Library {
    /// Imports one export file of another tool (see [`import::read`]); `Break` from
    /// `progress` stops after the current batch.
    pub(super) fn import_export(
        &self,
        path: &Path,
        report: &mut ImportReport,
        progress: &mut dyn FnMut(&ImportProgress) -> ControlFlow<()>,
    ) -> Result<ControlFlow<()>> {
        let fail = |report: &mut ImportReport, why: String| {
            report.failed.push((path.to_path_buf(), why));
            Ok(ControlFlow::Continue(()))
        };
        let bytes = match read_capped(path, MAX_EXPORT_BYTES) {
            Ok(bytes) => bytes,
            Err(e) => return fail(report, e.to_string()),
        };
        let export = match import::read(&bytes) {
            Some(Ok(export)) => export,
            Some(Err(e)) => return fail(report, e.to_string()),
            None => {
                return fail(
                    report,
                    "not an export Lode reads (Pocket, Omnivore, Readwise, Readwise Reader, \
                     Hypothesis, Obsidian Web Clipper, Karakeep, Wallabag, Instapaper, \
                     Raindrop, browser bookmarks)"
                        .into(),
                );
            }
        };
        drop(bytes);
        let format = export.format.as_str().to_string();
        let mut counts = report.formats.remove(&format).unwrap_or_default();
        for why in export.skipped {
            report.failed.push((path.to_path_buf(), why));
            counts.failed += 1;
        }
        let total = export.items.len();
        let mut flow = ControlFlow::Continue(());
        for (batch_no, batch) in export.items.chunks(IMPORT_BATCH).enumerate() {
            let prepared = self.prepare_batch(batch)?;
            let now = self.clock.now();
            let written = self.write(|c| {
                let mut outcomes = Vec::new();
                for p in &prepared {
                    let outcome = match p {
                        Ok(p) => in_savepoint(c, || store_item(c, p, now)),
                        Err(e) => Err(Error::invalid("item", e.to_string())),
                    };
                    match outcome {
                        Err(e) if c.is_autocommit() => return Err(e),
                        outcome => outcomes.push(outcome),
                    }
                }
                Ok(outcomes)
            });
            let outcomes = match written {
                Ok(outcomes) => outcomes,
                Err(e @ Error::DiskFull(_)) => {
                    let why = format!(
                        "{e} (items {} to {total} not imported)",
                        batch_no * IMPORT_BATCH + 1
                    );
                    report.failed.push((path.to_path_buf(), why));
                    counts.failed += total - batch_no * IMPORT_BATCH;
                    report.formats.insert(format, counts);
                    return Ok(ControlFlow::Break(()));
                }
                Err(e) => return Err(e),
            };
            for (i, outcome) in outcomes.into_iter().enumerate() {
                match outcome {
                    Ok(stored) => {
                        report.add(&stored);
                        counts.add(&stored);
                    }
                    Err(e) => {
                        let item = &batch[i];
                        let name = item
                            .title
                            .as_deref()
                            .or(item.url.as_deref())
                            .unwrap_or("an item");
                        report
                            .failed
                            .push((path.to_path_buf(), format!("{name}: {e}")));
                        counts.failed += 1;
                    }
                }
                let step = progress(&ImportProgress {
                    done: batch_no * IMPORT_BATCH + i + 1,
                    total,
                    path: path.to_path_buf(),
                });
                if step.is_break() {
                    flow = step;
                }
            }
            if flow.is_break() {
                break;
            }
        }
        report.formats.insert(format, counts);
        Ok(flow)
    }

    /// A batch of items prepared for writing; an item whose address is a note with its text
    /// already is not extracted again (what it may add, tags and highlights, needs none).
    fn prepare_batch(&self, batch: &[Item]) -> Result<Vec<Result<Prepared>>> {
        let known: Vec<bool> = {
            let conn = self.read();
            let mut known = Vec::with_capacity(batch.len());
            for item in batch {
                let here = match (&item.content, &item.url) {
                    (Some(_), Some(url)) => match notes::find_by_address(&conn, url)? {
                        Some(id) => page_queue::get(&conn, id)?.is_none(),
                        None => false,
                    },
                    _ => false,
                };
                known.push(here);
            }
            known
        };
        Ok(batch
            .iter()
            .zip(known)
            .map(|(item, known)| prepare(item, known))
            .collect())
    }

    /// How many notes wait for their page.
    pub fn waiting_pages(&self) -> Result<usize> {
        page_queue::count(&self.read())
    }

    /// Fetches the pages of notes that came with only their address (an import of Pocket's
    /// list, bookmarks, …): each note receives its article's text (what the export said of it
    /// kept below, the empty text before kept as a version) and its highlights are anchored
    /// on it. [`PAGE_WORKERS`] pages at a time, never two at once from one host and one a
    /// second at most from each, with the limits of [`fetch_page`]. A page that cannot be
    /// read leaves its note waiting, and the error is reported; after [`MAX_PAGE_ATTEMPTS`]
    /// the note is tried only when asked for by id ([`Library::fetch_page_of`]). `progress`
    /// hears of every page and may answer `Break` to stop; what is left waits for the next run
    /// (the queue is in the database, so a restart loses nothing).
    pub fn fetch_waiting(
        &self,
        progress: &mut (dyn FnMut(&PageProgress) -> ControlFlow<()> + Send),
    ) -> Result<PagesReport> {
        let queue: VecDeque<page_queue::Waiting> =
            page_queue::waiting(&self.read(), usize::MAX >> 1)?
                .into_iter()
                .filter(|w| w.attempts < MAX_PAGE_ATTEMPTS)
                .collect();
        let total = queue.len();
        let settings = self.fetch_settings()?;
        let options = FetchOptions {
            allow_private: settings.allow_private,
        };
        let queue = Mutex::new(queue);
        let hosts: Mutex<HashMap<String, Option<Instant>>> = Mutex::new(HashMap::new());
        let report = Mutex::new(PagesReport::default());
        let progress = Mutex::new(progress);
        let done = std::sync::atomic::AtomicUsize::new(0);
        let stop = std::sync::atomic::AtomicBool::new(false);
        std::thread::scope(|scope| {
            for _ in 0..PAGE_WORKERS {
                scope.spawn(|| {
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        let Some(next) = take_next(&queue, &hosts, &stop) else {
                            break;
                        };
                        let outcome = self.fetch_one(&next, options);
                        let host = host_of(&next.url);
                        relock(&hosts).insert(host, Some(Instant::now()));
                        let error = outcome.as_ref().err().map(ToString::to_string);
                        {
                            let mut report = relock(&report);
                            match &error {
                                None => report.fetched += 1,
                                Some(why) => report.failed.push((next.note_id, why.clone())),
                            }
                        }
                        let step = (relock(&progress))(&PageProgress {
                            done: done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1,
                            total,
                            note_id: next.note_id,
                            url: next.url.clone(),
                            error,
                        });
                        if step.is_break() {
                            stop.store(true, std::sync::atomic::Ordering::Relaxed);
                        }
                    }
                });
            }
        });
        let mut report = report.into_inner().unwrap_or_else(|p| p.into_inner());
        report.cancelled = stop.into_inner();
        report.waiting = self.waiting_pages()?;
        Ok(report)
    }

    /// Fetches one waiting note's page now, whatever its earlier attempts.
    pub fn fetch_page_of(&self, id: NoteId) -> Result<Note> {
        let waiting = page_queue::get(&self.read(), id)?.ok_or_else(|| {
            Error::invalid("note", format!("note {id} is not waiting for its page"))
        })?;
        let settings = self.fetch_settings()?;
        self.fetch_one(
            &waiting,
            FetchOptions {
                allow_private: settings.allow_private,
            },
        )?;
        self.note(id)
    }

    /// Fetches `w`'s page and gives its note the article; on failure the note keeps waiting
    /// with the error recorded.
    fn fetch_one(&self, w: &page_queue::Waiting, options: FetchOptions) -> Result<()> {
        let article = fetch_page(&w.url, options).and_then(|page| {
            let clip = Clip {
                text: None,
                html: Some(page.html),
                url: Some(w.url.clone()),
            };
            let article = clip::extract(&clip)?;
            Ok((clip, article))
        });
        let now = self.clock.now();
        let (clip, fetched) = match article {
            Ok(found) => found,
            Err(e) => {
                let why = e.to_string();
                self.write(|c| page_queue::failed(c, w.note_id, &why))?;
                return Err(e);
            }
        };
        self.write(|c| {
            let note = notes::get(c, w.note_id)?;
            let mut article = fetched.clone();
            // What the export named stays: its title (unless it was only the address), its
            // address; the page fills in what the export did not have.
            let current = &note.article;
            if !current.title.is_empty() && Some(&current.title) != current.url.as_ref() {
                article.title = current.title.clone();
            }
            article.url = current.url.clone();
            article.author = current.author.clone().or(article.author);
            article.published = current.published.or(article.published);
            article.standfirst = article.standfirst.or(current.standfirst.clone());
            if let Some(said) = &w.note {
                article.body = format!("{}\n\n{said}", article.body);
            }
            let clip_id = clips::insert(c, &clip, now, None)?;
            // Its highlights were orphans only for want of a text: found in the page's, they
            // are where they belong, not "moved".
            let waited: Vec<AnnotationId> = annotations::of_note(c, w.note_id)?
                .into_iter()
                .filter(|a| a.status == AnchorStatus::Orphan)
                .map(|a| a.id)
                .collect();
            replace_body(c, w.note_id, &article.body, "page", now)?;
            for id in waited {
                let a = annotations::get(c, id)?;
                if a.status == AnchorStatus::Moved {
                    let anchored = anchor::Anchored {
                        selector: a.selector.clone(),
                        status: AnchorStatus::Exact,
                    };
                    annotations::reanchored(c, id, &a, &anchored, now)?;
                }
            }
            notes::set_metadata(c, w.note_id, &article, clip_id)?;
            page_queue::remove(c, w.note_id)?;
            outbox::push(c, w.note_id)?;
            Ok(())
        })
    }
}

/// The next waiting page whose host is free (no request under way, none in the last
/// [`HOST_INTERVAL`]); waits for one when every host is busy. `None` when none is left, or
/// once `stop` is set.
fn take_next(
    queue: &Mutex<VecDeque<page_queue::Waiting>>,
    hosts: &Mutex<HashMap<String, Option<Instant>>>,
    stop: &std::sync::atomic::AtomicBool,
) -> Option<page_queue::Waiting> {
    loop {
        if stop.load(std::sync::atomic::Ordering::Relaxed) {
            return None;
        }
        {
            let mut queue = relock(queue);
            if queue.is_empty() {
                return None;
            }
            let mut hosts = relock(hosts);
            let free = |host: &String| match hosts.get(host) {
                None => true,
                Some(None) => false, // a request under way
                Some(Some(at)) => at.elapsed() >= HOST_INTERVAL,
            };
            if let Some(i) = queue.iter().position(|w| free(&host_of(&w.url))) {
                let next = queue.remove(i)?;
                hosts.insert(host_of(&next.url), None);
                return Some(next);
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn relock<T: ?Sized>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn host_of(url: &str) -> String {
    url.split_once("://")
        .map_or(url, |(_, rest)| rest)
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// Reads at most `limit` bytes of a regular file, refusing a larger one.
pub(super) fn read_capped(path: &Path, limit: u64) -> Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    if !file.metadata()?.is_file() {
        return Err(Error::invalid(
            "file",
            format!("{} is not a regular file", path.display()),
        ));
    }
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(Error::TooLarge {
            what: path.display().to_string(),
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

/// Whether `path` is another tool's export rather than an article or a note: a `.csv`,
/// `.json` or `.zip` file, or a file that opens like one (a bookmark file, Pocket's HTML).
pub(super) fn is_export(path: &Path) -> bool {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_lowercase);
    if matches!(ext.as_deref(), Some("csv" | "json" | "zip")) {
        return true;
    }
    use std::io::Read;
    let mut head = Vec::new();
    let read = std::fs::File::open(path).and_then(|f| f.take(8192).read_to_end(&mut head));
    read.is_ok() && import::may_be_export(&head)
}

/// An export's item as a note: the article its HTML holds (the export's title, author and
/// dates preferred), its own text, or, for an item that is only an address, a note holding
/// that address and waiting for its page. A `known` item (its address is a note with its text)
/// carries only what it may add to that note.
fn prepare(item: &Item, known: bool) -> Result<Prepared> {
    let url = item.url.clone();
    let said = item
        .note
        .as_deref()
        .map(clip::canonical_body)
        .filter(|n| !n.is_empty());
    let mut clip_kept = None;
    let mut waiting = None;
    let mut article = match &item.content {
        Some(_) if known => Article::default(),
        Some(Content::Html(html)) => {
            let clip = Clip {
                text: None,
                html: Some(html.clone()),
                url: url.clone(),
            };
            clip.validate()?;
            let article = clip::extract(&clip).ok();
            clip_kept = Some(clip);
            article.unwrap_or_else(|| Article {
                body: clip::html_text(html),
                ..Article::default()
            })
        }
        Some(Content::Text(text)) => Article {
            body: text.clone(),
            ..Article::default()
        },
        None if url.is_some() => {
            waiting = url.clone().map(|u| (u, said.clone()));
            Article::default()
        }
        // A book's highlights, with no text or address: they are the note's text.
        None => Article {
            body: item
                .highlights
                .iter()
                .map(|h| anchor::normalize_quote(&h.quote))
                .collect::<Vec<_>>()
                .join("\n\n"),
            ..Article::default()
        },
    };
    if let Some(title) = &item.title {
        article.title = title.clone();
    }
    if article.title.trim().is_empty() {
        article.title = url.clone().unwrap_or_default();
    }
    article.url = url.or(article.url);
    article.author = item.author.clone().or(article.author);
    article.published = item.published.or(article.published);
    article.standfirst = article.standfirst.or(item.description.clone());
    for tag in &item.tags {
        if !article.tags.iter().any(|t| t.eq_ignore_ascii_case(tag)) {
            article.tags.push(tag.clone());
        }
    }
    if let Some(said) = &said {
        article.body = if article.body.trim().is_empty() {
            said.clone()
        } else {
            format!("{}\n\n{said}", article.body)
        };
    }
    article.language = clip::detect_language(&article.body, &article.title).to_string();
    let article = clip::bounded_article(canonical_article(&article)?);
    Ok(Prepared {
        clip: clip_kept,
        article,
        created: item.saved,
        highlights: item.highlights.clone(),
        waiting,
    })
}

/// Writes one prepared item (see the module's doc).
fn store_item(c: &Connection, p: &Prepared, now: DateTime<Utc>) -> Result<Stored> {
    let existing = notes::find_duplicate(c, &p.article)?;
    let (id, mut status) = match existing {
        Some(id) => {
            let waits = page_queue::get(c, id)?.is_some();
            match &p.clip {
                // The text of an article that was only an address until now.
                Some(clip) if waits => {
                    let clip_id = clips::insert(c, clip, now, None)?;
                    replace_body(c, id, &p.article.body, "import", now)?;
                    notes::set_metadata(c, id, &p.article, clip_id)?;
                    page_queue::remove(c, id)?;
                    (id, ClipStatus::Updated)
                }
                _ => (id, ClipStatus::Unchanged),
            }
        }
        None => {
            let id = match &p.clip {
                Some(clip) => store_article(c, clip, &p.article, now, Similar::KeepApart, None)?.id,
                None => notes::insert(c, &p.article, None, now)?,
            };
            if let Some(created) = p.created {
                notes::set_created(c, id, created)?;
            }
            if let Some((url, said)) = &p.waiting {
                page_queue::push(c, id, url, said.as_deref(), now)?;
            }
            (id, ClipStatus::Created)
        }
    };
    if status == ClipStatus::Unchanged {
        let had = tags::of_note(c, id)?;
        for tag in &p.article.tags {
            if !had.iter().any(|t| t.eq_ignore_ascii_case(tag)) {
                tags::attach_to_note(c, id, tag)?;
                status = ClipStatus::Updated;
            }
        }
    }
    let body = notes::get(c, id)?.article.body;
    let (added, orphaned) = add_highlights(c, id, &body, &p.highlights, p.created.unwrap_or(now))?;
    if added > 0 && status == ClipStatus::Unchanged {
        status = ClipStatus::Updated;
    }
    if status != ClipStatus::Unchanged {
        outbox::push(c, id)?;
    }
    Ok(Stored {
        status: Some(status),
        annotations: added,
        orphaned,
        waiting: status == ClipStatus::Created && p.waiting.is_some(),
    })
}

/// Adds to note `id` the highlights it does not hold yet (the same quote and comment, each
/// held one answering for one imported: two alike in the file are two highlights),
/// anchored on `body` by their quote (and the context the export kept): exactly, then
/// approximately, then by the quote's letters and digits alone; one not found is kept as an
/// orphan. Returns how many were added, and how many of those are orphans.
pub(super) fn add_highlights(
    c: &Connection,
    id: NoteId,
    body: &str,
    highlights: &[Highlight],
    default_time: DateTime<Utc>,
) -> Result<(usize, usize)> {
    if highlights.is_empty() {
        return Ok((0, 0));
    }
    let mut held: Vec<(String, Option<String>)> = annotations::of_note(c, id)?
        .into_iter()
        .map(|a| (anchor::normalize_quote(&a.selector.quote.exact), a.comment))
        .collect();
    let (mut added, mut orphaned) = (0, 0);
    for h in highlights {
        let quote = anchor::normalize_quote(&h.quote);
        let comment = h
            .comment
            .as_deref()
            .map(clip::canonical_text)
            .map(|c| c.trim().to_string());
        let comment = comment.filter(|c| !c.is_empty());
        if quote.is_empty() {
            continue;
        }
        if let Some(i) = held.iter().position(|(q, c)| *q == quote && *c == comment) {
            held.swap_remove(i);
            continue;
        }
        let exact: String = quote.chars().take(anchor::MAX_QUOTE_CHARS).collect();
        let wanted = anchor::Selector {
            quote: anchor::TextQuoteSelector {
                exact: exact.clone(),
                prefix: h
                    .prefix
                    .as_deref()
                    .map(clip::canonical_text)
                    .unwrap_or_default(),
                suffix: h
                    .suffix
                    .as_deref()
                    .map(clip::canonical_text)
                    .unwrap_or_default(),
            },
            position: anchor::TextPositionSelector { start: 0, end: 0 },
        };
        // The quote itself (its context choosing among repeats), else the passage with the
        // tolerance of copy-to-highlight (white space, punctuation and case aside, and a few
        // letters wrong in a long one); re-anchoring's looser match is for a note's own edits.
        let anchored = anchor::reanchor(&wanted, body);
        let found = match anchored.status {
            AnchorStatus::Exact | AnchorStatus::Moved => Some(anchored.selector),
            _ => anchor::find_passage(body, &exact)
                .map(|range| anchor::selector_at(body, range.start, range.end)),
        };
        let (selector, status) = match found {
            Some(selector) => (selector, AnchorStatus::Exact),
            None => {
                let mut selector = wanted.clone();
                selector.position.end = exact.chars().count();
                (selector, AnchorStatus::Orphan)
            }
        };
        orphaned += usize::from(status == AnchorStatus::Orphan);
        let when = h.created.unwrap_or(default_time);
        let annotation_id = annotations::insert_record(
            c,
            id,
            &Annotation {
                id: 0,
                note_id: id,
                previous_quote: None,
                selector,
                status,
                color: h.color,
                comment: comment.clone(),
                tags: Vec::new(),
                created: when,
                updated: when,
            },
        )?;
        for tag in &h.tags {
            tags::attach_to_annotation(c, annotation_id, tag)?;
        }
        added += 1;
    }
    Ok((added, orphaned))
}
