//! [`Library`]: the only API the desktop shell and the CLI call; one method per use case.
//! Every write goes to SQLite (with an outbox entry, in one transaction) and then nudges the
//! indexer; reads come from SQLite, searches from the index.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::anchor::{self, AnchorStatus, SelectError};
use crate::clip::{self, Article, Clip};
use crate::clock::{Clock, SystemClock};
use crate::error::{Error, Result};
use crate::export::{self, ExportFormat, ExportReport, w3c};
use crate::index::{self, Lang, SearchIndex};
use crate::model::*;
use crate::store::{self, annotations, clips, colors, notes, outbox, tags, versions};

pub struct Library {
    dir: PathBuf,
    /// Held (an exclusive `flock` on `lode.lock`) while the library is open: one process at
    /// a time writes a library, and a second `open`, in this process or another, is refused.
    _lock: std::fs::File,
    conn: Mutex<Connection>,
    index: SearchIndex,
    clock: Arc<dyn Clock>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClipStatus {
    Created,
    /// The article was already in the library (same canonical URL or same body).
    Unchanged,
    Updated,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClipOutcome {
    pub id: NoteId,
    pub status: ClipStatus,
    pub title: String,
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

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub created: usize,
    pub unchanged: usize,
    /// Annotations read from a W3C bundle.
    pub annotations: usize,
    /// Files that could not be imported, with the reason; the others were imported.
    pub failed: Vec<(PathBuf, String)>,
    /// The caller stopped the import; the files before the stop were imported.
    pub cancelled: bool,
}

/// Notes written per SQLite transaction during an import.
const IMPORT_BATCH: usize = 500;

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
        std::fs::create_dir_all(&dir).map_err(|e| read_only(&e))?;
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join("lode.lock"))
            .map_err(|e| read_only(&e))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Err(Error::LibraryLocked(dir)),
            Err(std::fs::TryLockError::Error(e)) => return Err(read_only(&e)),
        }
        let db = dir.join("lode.db");
        let mut conn = store::connect(&db).map_err(|e| match e.code() {
            crate::ErrorCode::Internal | crate::ErrorCode::ReadOnly => read_only(&e),
            _ => e,
        })?;
        store::migrate(&mut conn).map_err(|e| match e.code() {
            crate::ErrorCode::ReadOnly => read_only(&e),
            _ => e,
        })?;
        let index = SearchIndex::open(&dir.join("index"), &db)?;
        Ok(Library {
            dir,
            _lock: lock,
            conn: Mutex::new(conn),
            index,
            clock,
        })
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

    /// Runs `f` in one transaction, then tells the indexer.
    fn write<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let mut conn = self.conn();
        // IMMEDIATE: take the write lock up front. A deferred transaction that reads first would
        // fail with SQLITE_BUSY, without waiting, if the indexer wrote in between.
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        tx.commit()?;
        drop(conn);
        self.index.changed();
        Ok(value)
    }

    /// The article a clip holds, without storing anything.
    pub fn extract(clip: &Clip) -> Result<Article> {
        clip::extract(clip)
    }

    /// Stores a clip as a note. A clip of an article already in the library returns that note
    /// with [`ClipStatus::Unchanged`]. When no article can be extracted, the raw clip is still
    /// kept and the error names it.
    pub fn clip(&self, clip: &Clip) -> Result<ClipOutcome> {
        clip.validate()?;
        let article = match clip::extract(clip) {
            Ok(article) => article,
            Err(Error::EmptyClip) => {
                let now = self.clock.now();
                let clip_id =
                    self.write(|c| clips::insert(c, clip, now, Some("no article text found")))?;
                return Err(Error::NothingExtracted { clip_id });
            }
            Err(e) => return Err(e),
        };
        let now = self.clock.now();
        self.write(|c| store_article(c, clip, &article, now))
    }

    pub fn note(&self, id: NoteId) -> Result<Note> {
        notes::get(&self.conn(), id)
    }

    /// The clip a note was made from, exactly as received.
    pub fn raw_clip(&self, id: NoteId) -> Result<Option<RawClip>> {
        let conn = self.conn();
        notes::get(&conn, id)?;
        match notes::clip_id(&conn, id)? {
            Some(clip_id) => clips::get(&conn, clip_id),
            None => Ok(None),
        }
    }

    /// Notes, newest first.
    pub fn notes(&self, filter: &NoteFilter) -> Result<Vec<NoteSummary>> {
        notes::list(&self.conn(), filter)
    }

    /// A page of notes with the library's tag, site and year counts, for the desktop's
    /// library view.
    pub fn browse(&self, filter: &NoteFilter) -> Result<Browse> {
        let conn = self.conn();
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
            notes::get(c, id)?;
            notes::set_user_metadata(c, id, &edit, now)?;
            outbox::push(c, id)?;
            notes::get(c, id)
        })
    }

    /// Deletes a note with its annotations and raw clip.
    pub fn delete(&self, id: NoteId) -> Result<()> {
        self.write(|c| {
            let clip_id = notes::clip_id(c, id)?;
            if !notes::delete(c, id)? {
                return Err(Error::NoteNotFound(id));
            }
            if let Some(clip_id) = clip_id {
                clips::delete(c, clip_id)?;
            }
            tags::prune_unused(c)?;
            outbox::push(c, id)
        })
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
        tags::counts(&self.conn())
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

    pub fn delete_annotation(&self, id: AnnotationId) -> Result<()> {
        self.write(|c| {
            let note_id = annotations::delete(c, id)?;
            tags::prune_unused(c)?;
            outbox::push(c, note_id)
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
            let Some(raw) = self.raw_clip(id)? else {
                report.without_clip += 1;
                continue;
            };
            let clip = Clip {
                text: raw.text,
                html: raw.html,
                url: raw.url,
            };
            let article = match clip::extract(&clip) {
                Ok(article) => article,
                Err(e) => {
                    report.failed.push((id, e.to_string()));
                    continue;
                }
            };
            let now = self.clock.now();
            let (updated, kept) = self.write(|c| {
                let note = notes::get(c, id)?;
                let mut current = note.article.clone();
                current.tags.clear();
                let mut fresh = article.clone();
                fresh.tags.clear();
                let metadata_by_user = notes::metadata_by_user(c, id)?;
                if metadata_by_user {
                    fresh.title = current.title.clone();
                    fresh.author = current.author.clone();
                    fresh.published = current.published;
                }
                let text_by_user = versions::current_reason(c, id)?.as_deref() == Some("edit");
                if text_by_user {
                    fresh.body = current.body.clone();
                }
                let kept = metadata_by_user || text_by_user;
                if current == fresh {
                    return Ok((false, kept));
                }
                let clip_id = notes::clip_id(c, id)?.unwrap_or_default();
                notes::set_metadata(c, id, &fresh, clip_id)?;
                replace_body(c, id, &fresh.body, "reextract", now)?;
                outbox::push(c, id)?;
                Ok((true, kept))
            })?;
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
        let conn = self.conn();
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
            })
            .collect();
        out.push(Version {
            number: out.len() + 1,
            created: versions::current_since(&conn, id, note.created)?,
            body: note.article.body,
            current: true,
            replaced: None,
            replaced_by: None,
        });
        Ok(out)
    }

    /// The five highlight colours, with the names the user gave them.
    pub fn colors(&self) -> Result<Vec<ColorName>> {
        let named = colors::all(&self.conn())?;
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
        let conn = self.conn();
        notes::get(&conn, id)?;
        annotations::of_note(&conn, id)
    }

    /// Where the words of `query` occur in a note's body, as code-point ranges: the reader
    /// opened from a search marks them and scrolls to the first.
    pub fn find_in_note(&self, id: NoteId, query: &str) -> Result<Vec<(usize, usize)>> {
        let note = self.note(id)?;
        let mut highlighter = self.index.highlighter(&index::parse(query))?;
        Ok(highlighter.highlight_all(&note.article.body, Lang::of(&note.article.language)))
    }

    /// Ranked search over notes and annotations; see the README for the query syntax.
    pub fn search(&self, query: &str, options: &SearchOptions) -> Result<SearchResults> {
        let mut parsed = index::parse(query);
        {
            // `color:` takes a colour or the name the user gave it.
            let conn = self.conn();
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
        let conn = self.conn();
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
        })
    }

    /// Waits until every change made so far is searchable.
    pub fn flush_index(&self) -> Result<()> {
        let seq = outbox::last_seq(&self.conn())?;
        self.index.wait_for(seq)
    }

    /// Rebuilds the search index from SQLite into a fresh directory and swaps it in.
    pub fn reindex(&self) -> Result<()> {
        self.flush_index()?;
        self.index.rebuild()
    }

    /// SQLite's integrity check, and whether the index holds exactly what SQLite holds.
    pub fn check(&self) -> Result<CheckReport> {
        self.flush_index()?;
        let conn = self.conn();
        let mut stmt = conn.prepare("PRAGMA integrity_check")?;
        let messages: Vec<String> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let sqlite_ok = messages == ["ok"];
        let ids = notes::all_ids(&conn)?;
        let annotation_count = annotations::count(&conn)?;
        drop(stmt);
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
        })
    }

    /// Imports `.txt`, `.md` and `.html` files, and folders of them (recursively). A file that
    /// fails is reported and skipped; the rest are imported. `progress` hears of every file
    /// and may answer `Break` to stop after the current batch (the report says `cancelled`).
    pub fn import(
        &self,
        paths: &[PathBuf],
        progress: &mut dyn FnMut(&ImportProgress) -> ControlFlow<()>,
    ) -> Result<ImportReport> {
        let mut report = ImportReport::default();
        let mut files = Vec::new();
        for path in paths {
            if w3c::is_bundle(path) {
                self.import_bundle(path, &mut report)?;
            } else {
                collect_files(path, &mut files)?;
            }
        }
        let total = files.len();
        for (batch_no, batch) in files.chunks(IMPORT_BATCH).enumerate() {
            let prepared: Vec<(PathBuf, Result<(Clip, Article)>)> = batch
                .iter()
                .map(|path| (path.clone(), read_article(path)))
                .collect();
            let now = self.clock.now();
            let outcomes = self.write(|c| {
                let mut outcomes = Vec::new();
                for (path, prepared) in &prepared {
                    outcomes.push(
                        match prepared {
                            Ok((clip, article)) => {
                                store_article(c, clip, article, now).map(|o| o.status)
                            }
                            Err(e) => Err(Error::invalid("file", e.to_string())),
                        }
                        .map_err(|e| (path.clone(), e.to_string())),
                    );
                }
                Ok(outcomes)
            })?;
            let mut stop = false;
            for (i, outcome) in outcomes.into_iter().enumerate() {
                match outcome {
                    Ok(ClipStatus::Unchanged) => report.unchanged += 1,
                    Ok(_) => report.created += 1,
                    Err(failure) => report.failed.push(failure),
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
        Ok(report)
    }

    /// Writes every note (with its annotations) to `dir` as Markdown or JSON files.
    pub fn export(&self, format: ExportFormat, dir: &Path) -> Result<ExportReport> {
        let conn = self.conn();
        let mut items = Vec::new();
        for id in notes::all_ids(&conn)? {
            items.push((notes::get(&conn, id)?, annotations::of_note(&conn, id)?));
        }
        if format != ExportFormat::W3c {
            let names = colors::all(&conn)?;
            drop(conn);
            return export::write(format, &items, &names, dir);
        }
        let mut bundle = Vec::new();
        for (note, _) in &items {
            let raw = match notes::clip_id(&conn, note.id)? {
                Some(clip_id) => clips::get(&conn, clip_id)?,
                None => None,
            };
            let versions = versions::of_note(&conn, note.id)?
                .into_iter()
                .map(|v| w3c::BundleVersion {
                    body: v.body,
                    created: v.created,
                    replaced: v.replaced,
                    reason: v.reason,
                })
                .collect();
            bundle.push(w3c::BundleNote {
                id: note.id,
                article: note.article.clone(),
                created: note.created,
                updated: note.updated,
                raw,
                versions,
            });
        }
        drop(conn);
        let annotations: Vec<Annotation> = items.into_iter().flat_map(|(_, a)| a).collect();
        let files = w3c::write(dir, &bundle, &annotations)?;
        Ok(ExportReport {
            notes: bundle.len(),
            files,
        })
    }

    /// Reads a W3C bundle (what `export --format w3c` writes): notes not already in the
    /// library are added with their tags, times, raw clip and versions (keeping their ids when
    /// free), and annotations with their selectors, colour, comment, tags, status and times.
    fn import_bundle(&self, dir: &Path, report: &mut ImportReport) -> Result<()> {
        let w3c::Bundle {
            notes: bundle_notes,
            annotations: bundle_annotations,
        } = w3c::read(dir)?;
        self.write(|c| {
            let mut ids = std::collections::HashMap::new();
            for n in &bundle_notes {
                if let Some(existing) = notes::find_duplicate(c, &n.article)? {
                    ids.insert(n.id, (existing, false));
                    report.unchanged += 1;
                    continue;
                }
                let clip_id = match &n.raw {
                    Some(raw) => Some(clips::insert(
                        c,
                        &Clip {
                            text: raw.text.clone(),
                            html: raw.html.clone(),
                            url: raw.url.clone(),
                        },
                        raw.received,
                        None,
                    )?),
                    None => None,
                };
                let id =
                    notes::insert_as(c, &n.article, clip_id, Some(n.id), n.created, n.updated)?;
                for v in &n.versions {
                    versions::push(
                        c,
                        id,
                        &v.body,
                        &notes::content_hash(&v.body),
                        v.created,
                        v.replaced,
                        &v.reason,
                    )?;
                }
                outbox::push(c, id)?;
                ids.insert(n.id, (id, true));
                report.created += 1;
            }
            for (bundle_note, a) in &bundle_annotations {
                let Some(&(note_id, new)) = ids.get(bundle_note) else {
                    return Err(Error::invalid(
                        "annotation bundle",
                        format!(
                            "annotation {} targets note {bundle_note}, not in notes.json",
                            a.id
                        ),
                    ));
                };
                if !new
                    && annotations::of_note(c, note_id)?
                        .iter()
                        .any(|b| b.selector == a.selector && b.comment == a.comment)
                {
                    continue; // already here
                }
                let id = annotations::insert_record(c, note_id, a)?;
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

/// The write path shared by clipping and importing: duplicate check, raw clip, note, outbox.
fn store_article(
    c: &Connection,
    clip: &Clip,
    article: &Article,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<ClipOutcome> {
    let existing = match notes::find_duplicate(c, article)? {
        Some(id) => Some(id),
        None => notes::similar_by_title(c, &article.title, &article.body, SAME_ARTICLE_SIMILARITY)?,
    };
    if let Some(id) = existing {
        let note = notes::get(c, id)?;
        if note.content_hash == notes::content_hash(&article.body) {
            return Ok(ClipOutcome {
                id,
                status: ClipStatus::Unchanged,
                title: note.article.title,
            });
        }
        // The same article, updated: its new text, the earlier one kept as a version.
        let old_clip = notes::clip_id(c, id)?;
        let clip_id = clips::insert(c, clip, now, None)?;
        notes::set_metadata(c, id, article, clip_id)?;
        if let Some(old_clip) = old_clip {
            clips::delete(c, old_clip)?;
        }
        replace_body(c, id, &article.body, "reclip", now)?;
        return Ok(ClipOutcome {
            id,
            status: ClipStatus::Updated,
            title: article.title.clone(),
        });
    }
    let clip_id = clips::insert(c, clip, now, None)?;
    let id = notes::insert(c, article, Some(clip_id), now)?;
    outbox::push(c, id)?;
    Ok(ClipOutcome {
        id,
        status: ClipStatus::Created,
        title: article.title.clone(),
    })
}

/// A clip with the title of a note and a body sharing this much (Jaccard over word
/// 3-shingles) is that note's article, updated.
const SAME_ARTICLE_SIMILARITY: f64 = 0.8;

/// Gives a note a new body: the current one is kept as a version, every annotation is
/// re-anchored (none is dropped: one that cannot be found is an orphan), and the note is
/// queued for reindexing. Nothing happens when the body is the same.
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

fn collect_files(path: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let meta = std::fs::metadata(path)
        .map_err(|e| Error::invalid("path", format!("{}: {e}", path.display())))?;
    if meta.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for entry in entries {
            if entry.is_dir() || is_importable(&entry) {
                collect_files(&entry, out)?;
            }
        }
    } else {
        out.push(path.to_path_buf());
    }
    Ok(())
}

fn is_importable(path: &Path) -> bool {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_lowercase);
    matches!(
        ext.as_deref(),
        Some("txt" | "md" | "markdown" | "html" | "htm")
    )
}

/// A file as a clip: `.html` is the HTML flavour, `.md` a note whose first line is its title,
/// anything else plain text for the clipper.
fn read_article(path: &Path) -> Result<(Clip, Article)> {
    let size = std::fs::metadata(path)?.len();
    clip::check_size(&path.display().to_string(), size)?;
    let what = path.display().to_string();
    let content = Clip::flavour_from_bytes(&what, std::fs::read(path)?)?;
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
    let article = if matches!(ext.as_deref(), Some("md" | "markdown")) {
        markdown_article(clip.text.as_deref().unwrap_or_default())?
    } else {
        clip::extract(&clip)?
    };
    Ok((clip, article))
}

fn markdown_article(text: &str) -> Result<Article> {
    let text = clip::canonical_text(text);
    let mut lines = text.lines().skip_while(|l| l.trim().is_empty());
    let title = lines
        .next()
        .unwrap_or_default()
        .trim_start_matches('#')
        .trim()
        .to_string();
    let body = clip::canonical_body(&lines.collect::<Vec<_>>().join("\n"));
    if body.is_empty() && title.is_empty() {
        return Err(Error::EmptyClip);
    }
    let language = clip::detect_language(&body, &title).to_string();
    Ok(Article {
        title,
        body,
        language,
        ..Article::default()
    })
}
