//! The commands the UI invokes, noun first. Each takes the library from Tauri's state, runs
//! the core call on a blocking thread (never the main thread, which draws the window) and
//! hands errors to the UI as `{code, message}`.

use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use lode::{
    Annotation, AnnotationChange, AnnotationId, Backup, Browse, Citation, ClipOptions, ClipOutcome,
    ClipStatus, Color, ColorName, Completed, Detail, ErrorCode, ExportFormat, ExportReport,
    FetchSettings, ImportOptions, ImportReport, IndexStatus, Library, MetadataEdit, NewAnnotation,
    Note, NoteFilter, NoteId, PagesReport, Reanchoring, ReextractReport, RelatedNote, SavedSearch,
    SearchOptions, SearchResults, TrashedNote, Version,
};
use serde::{Deserialize, Serialize};
use tauri::ipc::Invoke;
use tauri::{AppHandle, Emitter, Manager, Runtime, State};
use tauri_plugin_clipboard_manager::ClipboardExt;
use tauri_plugin_dialog::DialogExt;
use tauri_plugin_opener::OpenerExt;

use crate::settings::{DesktopSettings, Settings};
use crate::{clipboard, security, shortcut};

type Lib<'a> = State<'a, Arc<Library>>;
type Reply<T> = Result<T, CommandError>;

/// What the UI receives when a command fails; it branches on `code`.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct CommandError {
    pub code: ErrorCode,
    pub message: String,
}

impl From<lode::Error> for CommandError {
    fn from(e: lode::Error) -> Self {
        CommandError {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

impl CommandError {
    fn new(code: ErrorCode, message: impl ToString) -> Self {
        CommandError {
            code,
            message: message.to_string(),
        }
    }
}

/// The `library-changed` event: the UI reloads what it shows.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct LibraryChanged {
    /// `clip` (in the app), `shortcut` (the global clip key), `import`, `reextract`, `page`
    /// (a note's page completed its details), or `elsewhere` (another process, the CLI say,
    /// changed the library).
    pub reason: String,
    pub id: Option<NoteId>,
    pub status: Option<ClipStatus>,
}

impl LibraryChanged {
    pub fn clipped(reason: &str, id: NoteId, status: ClipStatus) -> Self {
        LibraryChanged {
            reason: reason.into(),
            id: Some(id),
            status: Some(status),
        }
    }

    /// A note's page completed its details.
    pub fn page(id: NoteId) -> Self {
        LibraryChanged {
            reason: "page".into(),
            id: Some(id),
            status: None,
        }
    }

    /// Many notes changed (an import, a re-extraction).
    pub fn many(reason: &str) -> Self {
        LibraryChanged {
            reason: reason.into(),
            id: None,
            status: None,
        }
    }
}

/// The `page-details` event: a clip's page was read (`from_page` lists what it completed),
/// or could not be (`error`, one line; the note stays as clipped).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct PageDetails {
    pub id: NoteId,
    pub title: String,
    pub from_page: Vec<Detail>,
    pub error: Option<String>,
}

/// After a new clip with an address, its page completes its details in the background when
/// the library's setting says so: the UI then hears `library-changed` (reason `page`) and
/// `page-details`.
pub fn complete_in_background<R: Runtime>(
    app: &AppHandle<R>,
    library: &Arc<Library>,
    outcome: &ClipOutcome,
) {
    let wanted = outcome.status == ClipStatus::Created
        && library.fetch_settings().is_ok_and(|s| s.complete_details)
        && library
            .note(outcome.id)
            .is_ok_and(|n| n.article.url.is_some());
    if !wanted {
        return;
    }
    let (app, library, id) = (app.clone(), Arc::clone(library), outcome.id);
    std::thread::spawn(move || {
        let event = match library.complete_from_page(id) {
            Ok(done) => PageDetails {
                id,
                title: done.note.article.title,
                from_page: done.from_page,
                error: None,
            },
            Err(e) => PageDetails {
                id,
                title: String::new(),
                from_page: Vec::new(),
                error: Some(e.to_string()),
            },
        };
        if !event.from_page.is_empty() {
            let _ = app.emit("library-changed", LibraryChanged::page(id));
        }
        let _ = app.emit("page-details", event);
    });
}

/// The progress callback of a task the user can cancel: each step goes to the UI as `event`,
/// and the task is asked to stop once `cancel` is set (it is cleared for this run).
fn reporter<R: Runtime, P: Serialize>(
    app: &AppHandle<R>,
    event: &'static str,
    cancel: &Arc<AtomicBool>,
) -> impl FnMut(&P) -> ControlFlow<()> + Send + 'static {
    cancel.store(false, Ordering::SeqCst);
    let (app, cancel) = (app.clone(), Arc::clone(cancel));
    move |progress| {
        let _ = app.emit(event, progress);
        if cancel.load(Ordering::SeqCst) {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }
}

/// Runs `f` on a blocking thread with the library.
async fn blocking<T: Send + 'static>(
    library: &Lib<'_>,
    f: impl FnOnce(&Library) -> lode::Result<T> + Send + 'static,
) -> Reply<T> {
    let library = Arc::clone(library.inner());
    tauri::async_runtime::spawn_blocking(move || f(&library))
        .await
        .map_err(|e| CommandError::new(ErrorCode::Internal, e))?
        .map_err(CommandError::from)
}

#[tauri::command]
async fn notes_browse(library: Lib<'_>, filter: NoteFilter) -> Reply<Browse> {
    blocking(&library, move |l| l.browse(&filter)).await
}

#[tauri::command]
async fn note_get(library: Lib<'_>, id: NoteId) -> Reply<Note> {
    blocking(&library, move |l| l.note(id)).await
}

/// Where a search's words occur in a note's body (code-point ranges).
#[tauri::command]
async fn note_find(library: Lib<'_>, id: NoteId, query: String) -> Reply<Vec<(usize, usize)>> {
    blocking(&library, move |l| l.find_in_note(id, &query)).await
}

#[tauri::command]
async fn note_update(library: Lib<'_>, id: NoteId, edit: MetadataEdit) -> Reply<Note> {
    blocking(&library, move |l| l.update_metadata(id, &edit)).await
}

/// Replaces a note's text with the user's correction; annotations are re-anchored.
#[tauri::command]
async fn note_edit(library: Lib<'_>, id: NoteId, body: String) -> Reply<Reanchoring> {
    blocking(&library, move |l| l.edit(id, &body)).await
}

/// Every body the note had, oldest first.
#[tauri::command]
async fn note_versions(library: Lib<'_>, id: NoteId) -> Reply<Vec<Version>> {
    blocking(&library, move |l| l.versions(id)).await
}

#[tauri::command]
async fn notes_delete(library: Lib<'_>, ids: Vec<NoteId>) -> Reply<()> {
    blocking(&library, move |l| {
        ids.iter().try_for_each(|&id| l.delete(id))
    })
    .await
}

/// The notes in the trash, most recently deleted first.
#[tauri::command]
async fn trash_list(library: Lib<'_>) -> Reply<Vec<TrashedNote>> {
    blocking(&library, |l| l.trash()).await
}

/// Brings notes back from the trash (the Undo of a delete, and the Trash view's Restore).
#[tauri::command]
async fn notes_restore(library: Lib<'_>, ids: Vec<NoteId>) -> Reply<()> {
    blocking(&library, move |l| l.restore(&ids)).await
}

/// Removes everything in the trash for good; returns how many notes.
#[tauri::command]
async fn trash_empty(library: Lib<'_>) -> Reply<usize> {
    blocking(&library, |l| l.empty_trash()).await
}

/// The Undo of a deleted highlight.
#[tauri::command]
async fn annotation_restore(library: Lib<'_>, id: AnnotationId) -> Reply<Annotation> {
    blocking(&library, move |l| l.restore_annotation(id)).await
}

/// What the search index is doing (the `index-status` event repeats it as it changes).
#[tauri::command]
async fn index_status(library: Lib<'_>) -> Reply<IndexStatus> {
    blocking(&library, |l| Ok(l.index_status())).await
}

/// Why the database refuses writes (it failed its check at opening), with the backup to
/// restore; `None` when it is sound.
#[tauri::command]
async fn library_damaged(library: Lib<'_>) -> Reply<Option<String>> {
    blocking(&library, |l| Ok(l.damaged())).await
}

#[tauri::command]
async fn backups_list(library: Lib<'_>) -> Reply<Vec<Backup>> {
    blocking(&library, |l| l.backups()).await
}

#[tauri::command]
async fn backup_now(library: Lib<'_>) -> Reply<Backup> {
    blocking(&library, |l| l.backup(None)).await
}

/// Restores one of the library's own backups (the UI names it by its place in the list; no
/// path from the webview is opened): Lode restarts, and the restore runs before the library
/// is opened again.
#[tauri::command]
async fn backup_restore<R: Runtime>(
    app: AppHandle<R>,
    library: Lib<'_>,
    index: usize,
) -> Reply<()> {
    let backups = blocking(&library, |l| l.backups()).await?;
    let chosen = backups
        .get(index)
        .ok_or_else(|| CommandError::new(ErrorCode::NotFound, "no such backup"))?;
    crate::schedule_restore(library.dir(), &chosen.path)
        .map_err(|e| CommandError::new(ErrorCode::Internal, e))?;
    app.restart()
}

/// Adds `tags` to every note of `ids`.
#[tauri::command]
async fn tag_add(library: Lib<'_>, ids: Vec<NoteId>, tags: Vec<String>) -> Reply<()> {
    blocking(&library, move |l| {
        let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
        ids.iter().try_for_each(|&id| l.tag(id, &tags).map(drop))
    })
    .await
}

#[tauri::command]
async fn tag_remove(library: Lib<'_>, id: NoteId, tag: String) -> Reply<Vec<String>> {
    blocking(&library, move |l| l.untag(id, &[&tag])).await
}

#[tauri::command]
async fn search_query(
    library: Lib<'_>,
    searches: State<'_, Searches>,
    query: String,
    options: SearchOptions,
) -> Reply<SearchResults> {
    let latest = searches.latest.clone();
    let mine = latest.fetch_add(1, Ordering::SeqCst) + 1;
    blocking(&library, move |l| {
        // A keystroke typed since: this answer would be dropped by the UI, so it is not
        // computed (searches queue on the blocking pool behind a slow one).
        if latest.load(Ordering::SeqCst) != mine {
            return Ok(SearchResults {
                query,
                total: 0,
                hits: Vec::new(),
                facets: Default::default(),
                truncated: false,
            });
        }
        l.search(&query, &options)
    })
    .await
}

/// The number of the latest search asked for: an older one still waiting is skipped.
#[derive(Default)]
pub struct Searches {
    latest: Arc<std::sync::atomic::AtomicU64>,
}

#[tauri::command]
async fn annotations_list(library: Lib<'_>, note_id: NoteId) -> Reply<Vec<Annotation>> {
    blocking(&library, move |l| l.annotations(note_id)).await
}

#[tauri::command]
async fn annotation_create(
    library: Lib<'_>,
    note_id: NoteId,
    annotation: NewAnnotation,
) -> Reply<Annotation> {
    blocking(&library, move |l| l.annotate(note_id, &annotation)).await
}

#[tauri::command]
async fn annotation_update(
    library: Lib<'_>,
    id: AnnotationId,
    change: AnnotationChange,
) -> Reply<Annotation> {
    blocking(&library, move |l| l.update_annotation(id, &change)).await
}

#[tauri::command]
async fn annotation_delete(library: Lib<'_>, id: AnnotationId) -> Reply<()> {
    blocking(&library, move |l| l.delete_annotation(id)).await
}

#[tauri::command]
async fn colors_list(library: Lib<'_>) -> Reply<Vec<ColorName>> {
    blocking(&library, |l| l.colors()).await
}

#[tauri::command]
async fn color_name(library: Lib<'_>, color: Color, name: String) -> Reply<Vec<ColorName>> {
    blocking(&library, move |l| l.name_color(color, &name)).await
}

/// Clips what the clipboard holds (Ctrl+Shift+V in the app).
#[tauri::command]
async fn clip_from_clipboard<R: Runtime>(
    app: AppHandle<R>,
    library: Lib<'_>,
) -> Reply<ClipOutcome> {
    let reader = app.clone();
    let outcome = blocking(&library, move |l| {
        clip_or_highlight(l, &clipboard::read(&reader)?)
    })
    .await?;
    // A passage in several notes changed nothing (yet): the user picks one.
    if outcome.status != ClipStatus::InSeveral {
        let _ = app.emit(
            "library-changed",
            LibraryChanged::clipped("clip", outcome.id, outcome.status),
        );
    }
    complete_in_background(&app, library.inner(), &outcome);
    Ok(outcome)
}

/// What the clip key does with what was copied: a page becomes a note, a passage of a note a
/// highlight there (a passage of a page not in the library, that page highlighted, when the
/// library reads clips' pages).
pub fn clip_or_highlight(library: &Library, clip: &lode::Clip) -> lode::Result<ClipOutcome> {
    let fetch_page = library.fetch_settings()?.complete_details;
    library.clip_with(
        clip,
        &ClipOptions {
            as_note: false,
            fetch_page,
        },
    )
}

/// "Save as a note" after a passage was highlighted (or found in several notes).
#[tauri::command]
async fn clip_as_note<R: Runtime>(app: AppHandle<R>, library: Lib<'_>) -> Reply<ClipOutcome> {
    let reader = app.clone();
    let outcome = blocking(&library, move |l| {
        l.clip_with(
            &clipboard::read(&reader)?,
            &ClipOptions {
                as_note: true,
                fetch_page: false,
            },
        )
    })
    .await?;
    let _ = app.emit(
        "library-changed",
        LibraryChanged::clipped("clip", outcome.id, outcome.status),
    );
    complete_in_background(&app, library.inner(), &outcome);
    Ok(outcome)
}

/// Reads a note's page again ("Refresh details from the page").
#[tauri::command]
async fn note_refresh(library: Lib<'_>, id: NoteId) -> Reply<Completed> {
    blocking(&library, move |l| l.complete_from_page(id)).await
}

/// "Use the copy's value" for a detail its page completed.
#[tauri::command]
async fn note_use_copy_value(library: Lib<'_>, id: NoteId, detail: Detail) -> Reply<Note> {
    blocking(&library, move |l| l.use_copy_value(id, detail)).await
}

#[tauri::command]
async fn fetch_settings_get(library: Lib<'_>) -> Reply<FetchSettings> {
    blocking(&library, |l| l.fetch_settings()).await
}

#[tauri::command]
async fn fetch_settings_set(library: Lib<'_>, settings: FetchSettings) -> Reply<FetchSettings> {
    blocking(&library, move |l| {
        l.set_fetch_settings(&settings)?;
        l.fetch_settings()
    })
    .await
}

/// The reader's "More like this".
#[tauri::command]
async fn note_related(library: Lib<'_>, id: NoteId) -> Reply<Vec<RelatedNote>> {
    blocking(&library, move |l| l.related(id, 5)).await
}

/// The form *Copy citation* puts on the clipboard.
#[derive(Debug, Clone, Copy, Deserialize, ts_rs::TS)]
#[serde(rename_all = "kebab-case")]
pub enum CiteAs {
    /// The reference formatted in the author-date style.
    Text,
    Bibtex,
    Ris,
    CslJson,
}

/// The reader's *Copy citation*: the note's citation, with the chosen form on the clipboard.
#[tauri::command]
async fn note_cite<R: Runtime>(
    app: AppHandle<R>,
    library: Lib<'_>,
    id: NoteId,
    form: CiteAs,
) -> Reply<Citation> {
    let citation = blocking(&library, move |l| l.citation(id)).await?;
    let text = match form {
        CiteAs::Text => &citation.text,
        CiteAs::Bibtex => &citation.bibtex,
        CiteAs::Ris => &citation.ris,
        CiteAs::CslJson => &citation.csl_json,
    };
    app.clipboard()
        .write_text(text.clone())
        .map_err(|e| CommandError {
            code: ErrorCode::Internal,
            message: format!("the citation could not be put on the clipboard: {e}"),
        })?;
    Ok(citation)
}

#[tauri::command]
async fn saved_searches_list(library: Lib<'_>) -> Reply<Vec<SavedSearch>> {
    blocking(&library, |l| l.saved_searches()).await
}

#[tauri::command]
async fn saved_search_save(library: Lib<'_>, name: String, query: String) -> Reply<SavedSearch> {
    blocking(&library, move |l| l.save_search(&name, &query)).await
}

#[tauri::command]
async fn saved_search_delete(library: Lib<'_>, name: String) -> Reply<()> {
    blocking(&library, move |l| l.delete_saved_search(&name)).await
}

/// A running import: `import_cancel` sets the flag, the import stops after its batch.
#[derive(Default)]
pub struct Import {
    cancel: Arc<AtomicBool>,
}

/// What the import dialog picks.
#[derive(Debug, Clone, Copy, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum ImportSource {
    /// A folder of notes and articles.
    Folder,
    /// Files: other tools' exports (Pocket, Omnivore, Readwise, …), notes, articles.
    Files,
    /// The files the app was started with ("Open with Lode"; see [`crate::launch`]).
    Launch,
}

/// Imports what the user picks in a dialog (`None` back when the user cancels it), reporting
/// progress with `import-progress` events; then, when the library fetches pages, the pages
/// of notes that came with only their address are fetched in the background. The paths come
/// from the dialog, never from the webview.
#[tauri::command]
async fn import_start<R: Runtime>(
    app: AppHandle<R>,
    library: Lib<'_>,
    import: State<'_, Import>,
    options: ImportOptions,
    source: ImportSource,
    launch: State<'_, crate::launch::Pending>,
) -> Reply<Option<ImportReport>> {
    let paths = match source {
        ImportSource::Launch => Some(launch.take_paths()),
        ImportSource::Folder => pick_folder(&app, "Import a folder into Lode").map(|p| vec![p]),
        ImportSource::Files => app
            .dialog()
            .file()
            .set_title("Import into Lode")
            .add_filter(
                "Exports, notes and articles",
                &["zip", "csv", "json", "html", "htm", "md", "markdown", "txt"],
            )
            .blocking_pick_files()
            .map(|files| {
                files
                    .into_iter()
                    .filter_map(|f| f.into_path().ok())
                    .collect()
            }),
    };
    let Some(paths) = paths.filter(|p: &Vec<PathBuf>| !p.is_empty()) else {
        return Ok(None);
    };
    let mut progress = reporter(&app, "import-progress", &import.cancel);
    let report = blocking(&library, move |l| {
        let report = l.import(&paths, &options, &mut progress)?;
        l.flush_index()?;
        Ok(report)
    })
    .await?;
    let _ = app.emit("library-changed", LibraryChanged::many("import"));
    if report.waiting > 0 {
        fetch_pages_in_background(&app, library.inner());
    }
    Ok(Some(report))
}

/// Fetching the pages of notes that wait for theirs: one run at a time; `pages_cancel` asks
/// it to stop (what is left waits for the next run).
#[derive(Default)]
pub struct Pages {
    running: AtomicBool,
    cancel: Arc<AtomicBool>,
}

/// The `pages-done` event: a run of page fetching ended (`report`), or could not run.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct PagesDone {
    pub report: Option<PagesReport>,
    pub error: Option<String>,
}

/// Fetches, on a thread of its own, the pages of the notes that wait for theirs (after an
/// import, and when the app starts: a run cut short by quitting resumes), when the library's
/// setting lets it read pages. The UI hears `pages-progress` and `library-changed` (reason
/// `page`) for each page tried, and `pages-done`.
pub fn fetch_pages_in_background<R: Runtime>(app: &AppHandle<R>, library: &Arc<Library>) {
    let pages = app.state::<Pages>();
    let wanted = library.fetch_settings().is_ok_and(|s| s.complete_details)
        && library.waiting_pages().is_ok_and(|n| n > 0);
    if !wanted || pages.running.swap(true, Ordering::SeqCst) {
        return;
    }
    let mut progress = reporter(app, "pages-progress", &pages.cancel);
    let (app, library) = (app.clone(), Arc::clone(library));
    std::thread::spawn(move || {
        let changed = app.clone();
        // The note changed either way: its text arrived, or why it did not is recorded.
        let report = library.fetch_waiting(&mut |p: &lode::PageProgress| {
            let _ = changed.emit("library-changed", LibraryChanged::page(p.note_id));
            progress(p)
        });
        app.state::<Pages>().running.store(false, Ordering::SeqCst);
        let done = match report {
            Ok(report) => PagesDone {
                report: Some(report),
                error: None,
            },
            Err(e) => PagesDone {
                report: None,
                error: Some(e.to_string()),
            },
        };
        let _ = app.emit("pages-done", done);
    });
}

/// "Fetch waiting pages" from the menu.
#[tauri::command]
fn pages_fetch_start<R: Runtime>(app: AppHandle<R>, library: Lib<'_>) {
    fetch_pages_in_background(&app, library.inner());
}

#[tauri::command]
fn pages_cancel(pages: State<'_, Pages>) {
    pages.cancel.store(true, Ordering::SeqCst);
}

/// What the app was started with: a note to open, files to import (see [`crate::launch`]).
#[tauri::command]
fn launch_request(launch: State<'_, crate::launch::Pending>) -> crate::launch::LaunchRequest {
    launch.request()
}

/// How many notes wait for their page.
#[tauri::command]
async fn pages_waiting(library: Lib<'_>) -> Reply<usize> {
    blocking(&library, |l| l.waiting_pages()).await
}

/// The reader's "Fetch the page now" on a note that waits for its page.
#[tauri::command]
async fn note_fetch_page<R: Runtime>(
    app: AppHandle<R>,
    library: Lib<'_>,
    id: NoteId,
) -> Reply<Note> {
    let note = blocking(&library, move |l| {
        let note = l.fetch_page_of(id)?;
        l.flush_index()?;
        Ok(note)
    })
    .await?;
    let _ = app.emit("library-changed", LibraryChanged::page(id));
    Ok(note)
}

#[tauri::command]
fn import_cancel(import: State<'_, Import>) {
    import.cancel.store(true, Ordering::SeqCst);
}

/// A running re-extraction: `reextract_cancel` sets the flag, it stops before the next note.
#[derive(Default)]
pub struct Reextract {
    cancel: Arc<AtomicBool>,
}

/// Runs the current clipper over every note's raw clip (the user's corrections are kept),
/// reporting progress with `reextract-progress` events.
#[tauri::command]
async fn reextract_start<R: Runtime>(
    app: AppHandle<R>,
    library: Lib<'_>,
    reextract: State<'_, Reextract>,
) -> Reply<ReextractReport> {
    let mut progress = reporter(&app, "reextract-progress", &reextract.cancel);
    let report = blocking(&library, move |l| {
        let report = l.reextract(&[], &mut progress)?;
        l.flush_index()?;
        Ok(report)
    })
    .await?;
    let _ = app.emit("library-changed", LibraryChanged::many("reextract"));
    Ok(report)
}

#[tauri::command]
fn reextract_cancel(reextract: State<'_, Reextract>) {
    reextract.cancel.store(true, Ordering::SeqCst);
}

/// Exports every note to a folder chosen in a dialog (or `path`).
#[tauri::command]
async fn export_start<R: Runtime>(
    app: AppHandle<R>,
    library: Lib<'_>,
    format: ExportFormat,
) -> Reply<Option<ExportReport>> {
    // The folder comes from the dialog, never from the webview.
    let Some(dir) = pick_folder(&app, "Export Lode's notes to") else {
        return Ok(None);
    };
    blocking(&library, move |l| l.export(format, &dir))
        .await
        .map(Some)
}

fn pick_folder<R: Runtime>(app: &AppHandle<R>, title: &str) -> Option<PathBuf> {
    app.dialog()
        .file()
        .set_title(title)
        .blocking_pick_folder()
        .and_then(|p| p.into_path().ok())
}

/// Opens an article's link in the system browser; only http(s) links are opened.
#[tauri::command]
fn link_open<R: Runtime>(app: AppHandle<R>, url: String) -> Reply<()> {
    let Some(url) = security::external_link(&url) else {
        return Err(CommandError::new(
            ErrorCode::InvalidInput,
            format!("only web links (http, https) are opened, not '{url}'"),
        ));
    };
    app.opener()
        .open_url(url.as_str(), None::<&str>)
        .map_err(|e| CommandError::new(ErrorCode::Internal, e))
}

/// What an assistant's configuration needs to read this library through `lode mcp`: the
/// `mcpServers` entry, with the `lode` installed beside this app (or the one on PATH) and this
/// library's folder. With `copy`, it is also put on the clipboard.
#[tauri::command]
fn assistant_config<R: Runtime>(app: AppHandle<R>, library: Lib<'_>, copy: bool) -> Reply<String> {
    let beside = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("lode")))
        .filter(|cli| cli.is_file());
    let command = beside.map_or("lode".into(), |p| p.to_string_lossy().into_owned());
    let library_dir = library.dir().to_string_lossy().into_owned();
    let config = serde_json::json!({
        "mcpServers": { "lode": { "command": command, "args": ["--library", library_dir, "mcp"] } }
    });
    let text = serde_json::to_string_pretty(&config).unwrap_or_default();
    if copy {
        app.clipboard().write_text(text.clone()).map_err(|e| {
            CommandError::new(
                ErrorCode::Internal,
                format!("the clipboard refused it: {e}"),
            )
        })?;
    }
    Ok(text)
}

#[tauri::command]
fn settings_get(settings: State<'_, Settings>) -> DesktopSettings {
    settings.get()
}

/// The `folder-sync` event: the synced folder was brought up to date (`report`, sent when a
/// file was written, removed or kept aside), or could not be (`error`, sent when it changes).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct FolderSync {
    pub folder: PathBuf,
    pub report: Option<lode::SyncReport>,
    pub error: Option<String>,
}

/// Brings the folder the settings name up to date, if any (the status thread calls it every
/// few seconds; the library's change counter makes a call cheap when nothing changed).
pub fn sync_folder_now<R: Runtime>(app: &AppHandle<R>, library: &Library) {
    static LAST_ERROR: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);
    // The settings are managed once the app is set up.
    let Some(folder) = app
        .try_state::<Settings>()
        .and_then(|s| s.get().sync_folder)
    else {
        return;
    };
    let result = library.sync_folder(&folder);
    let mut last = LAST_ERROR.lock().unwrap_or_else(|e| e.into_inner());
    let event = match result {
        Ok(report) => {
            *last = None;
            if report.written + report.removed + report.kept.len() == 0 {
                return;
            }
            FolderSync {
                folder,
                report: Some(report),
                error: None,
            }
        }
        Err(e) => {
            let error = e.to_string();
            if last.as_deref() == Some(error.as_str()) {
                return;
            }
            *last = Some(error.clone());
            FolderSync {
                folder,
                report: None,
                error: Some(error),
            }
        }
    };
    drop(last);
    let _ = app.emit("folder-sync", event);
}

/// Settings → "Keep a folder in sync": the folder chosen in a dialog (never a path from the
/// webview), synced at once; `None` back when the dialog was cancelled.
#[tauri::command]
async fn sync_folder_choose<R: Runtime>(
    app: AppHandle<R>,
    library: Lib<'_>,
    settings: State<'_, Settings>,
) -> Reply<Option<lode::SyncReport>> {
    let Some(folder) = pick_folder(&app, "Keep a folder in sync with Lode (Markdown)") else {
        return Ok(None);
    };
    let chosen = folder.clone();
    let report = blocking(&library, move |l| l.sync_folder(&chosen)).await?;
    let mut current = settings.get();
    current.sync_folder = Some(folder);
    settings
        .set(current)
        .map_err(|e| CommandError::new(ErrorCode::Internal, e))?;
    Ok(Some(report))
}

/// Settings → "Stop syncing": the folder keeps its files; nothing is written there any more.
#[tauri::command]
fn sync_folder_stop(settings: State<'_, Settings>) -> Reply<DesktopSettings> {
    let mut current = settings.get();
    current.sync_folder = None;
    settings
        .set(current.clone())
        .map_err(|e| CommandError::new(ErrorCode::Internal, e))?;
    Ok(current)
}

/// Changes the global clip shortcut; the old one stays when the new one cannot be used.
#[tauri::command]
fn shortcut_set<R: Runtime>(
    app: AppHandle<R>,
    settings: State<'_, Settings>,
    accelerator: String,
) -> Reply<DesktopSettings> {
    let old = settings.get();
    if let Err(message) = shortcut::register(&app, &accelerator) {
        let _ = shortcut::register(&app, &old.shortcut);
        return Err(CommandError::new(ErrorCode::InvalidInput, message));
    }
    let new = DesktopSettings {
        shortcut: accelerator,
        ..old
    };
    settings
        .set(new.clone())
        .map_err(|e| CommandError::new(ErrorCode::Internal, e))?;
    Ok(new)
}

/// Every command, each call traced when `LODE_IPC_LOG` is set (the E2E tests check that a
/// clipped page never calls the app).
pub fn handler<R: Runtime>() -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static {
    let commands = typed::<R, _>(tauri::generate_handler![
        notes_browse,
        note_get,
        note_find,
        note_update,
        note_edit,
        note_versions,
        notes_delete,
        notes_restore,
        trash_list,
        trash_empty,
        tag_add,
        tag_remove,
        search_query,
        annotations_list,
        annotation_create,
        annotation_update,
        annotation_delete,
        annotation_restore,
        index_status,
        library_damaged,
        backups_list,
        backup_now,
        backup_restore,
        colors_list,
        color_name,
        clip_from_clipboard,
        clip_as_note,
        note_refresh,
        note_use_copy_value,
        fetch_settings_get,
        fetch_settings_set,
        note_related,
        note_cite,
        saved_searches_list,
        saved_search_save,
        saved_search_delete,
        import_start,
        import_cancel,
        pages_fetch_start,
        pages_cancel,
        pages_waiting,
        note_fetch_page,
        reextract_start,
        reextract_cancel,
        export_start,
        link_open,
        settings_get,
        shortcut_set,
        sync_folder_choose,
        sync_folder_stop,
        launch_request,
        assistant_config,
    ]);
    move |invoke| {
        security::trace(&format!("ipc {}", invoke.message.command()));
        commands(invoke)
    }
}

/// Names the argument type of the closure `generate_handler!` makes.
fn typed<R: Runtime, F: Fn(Invoke<R>) -> bool>(f: F) -> F {
    f
}
