// Generated from the Rust types by src-tauri/src/bindings.rs; do not edit.
// `LODE_BLESS=1 cargo test -p lode-desktop bindings` rewrites it.

export type Article = { title: string, standfirst: string | null, author: string | null, published: string | null, sections: Array<string>, tags: Array<string>, site: string | null, url: string | null, 
/**
 * ISO 639-1 code: `en` or `it`.
 */
language: string, 
/**
 * Paragraphs separated by one blank line, NFC, LF line ends.
 */
body: string, };

export type Note = { id: number, created: string, updated: string, 
/**
 * SHA-256 of the canonical body, hex.
 */
content_hash: string, annotation_count: number, 
/**
 * Where each detail came from: the copy, the note's page, or the user.
 */
details_from: { [key in Detail]?: DetailSource }, 
/**
 * Set while the note holds only its address (an import of Pocket's list, bookmarks, …)
 * and waits for its page ([`Library::fetch_waiting`]).
 *
 * [`Library::fetch_waiting`]: crate::Library::fetch_waiting
 */
waiting_for_page?: PageWait, title: string, standfirst: string | null, author: string | null, published: string | null, sections: Array<string>, tags: Array<string>, site: string | null, url: string | null, 
/**
 * ISO 639-1 code: `en` or `it`.
 */
language: string, 
/**
 * Paragraphs separated by one blank line, NFC, LF line ends.
 */
body: string, };

export type NoteSummary = { id: number, title: string, site: string | null, author: string | null, published: string | null, tags: Array<string>, created: string, standfirst: string | null, };

export type NoteFilter = { 
/**
 * Notes with this tag or one of its children (`geo` matches `geo/central-asia`).
 */
tag: string | null, site: string | null, 
/**
 * Year of publication.
 */
year: number | null, order: NoteOrder, 
/**
 * At most this many notes (all when `None`), after skipping `offset`.
 */
limit: number | null, offset: number, };

export type NoteOrder = "created" | "published";

export type Browse = { notes: Array<NoteSummary>, 
/**
 * Notes the filter selects, over all pages.
 */
total: number, 
/**
 * Over the whole library, most first.
 */
tags: Array<TagCount>, sites: Array<Facet>, years: Array<Facet>, };

export type MetadataEdit = { title: string, author: string | null, published: string | null, };

export type TagCount = { name: string, 
/**
 * Notes tagged with exactly this tag.
 */
notes: number, 
/**
 * Annotations tagged with exactly this tag.
 */
annotations: number, };

export type Color = "yellow" | "green" | "blue" | "pink" | "purple";

export type ColorName = { color: Color, key: number, name: string | null, };

export type NewAnnotation = { quote: string, 
/**
 * 1-based; needed when the quote occurs more than once.
 */
occurrence: number | null, comment: string | null, tags: Array<string>, color: Color, };

export type AnnotationChange = { color: Color, comment: string | null, tags: Array<string>, };

export type Annotation = { id: number, note_id: number, selector: Selector, 
/**
 * How the passage was found after the last change of the note's body.
 */
status: AnchorStatus, 
/**
 * The quote before a `changed` re-anchoring, shown beside the new one.
 */
previous_quote: string | null, color: Color, comment: string | null, tags: Array<string>, created: string, updated: string, };

export type Selector = { quote: TextQuoteSelector, position: TextPositionSelector, };

export type TextQuoteSelector = { exact: string, prefix: string, suffix: string, };

export type TextPositionSelector = { start: number, end: number, };

export type AnchorStatus = "exact" | "moved" | "changed" | "orphan";

export type SearchOptions = { limit: number, 
/**
 * Match only titles (search-as-you-type suggestions).
 */
titles_only: boolean, 
/**
 * Compute tag, site and year counts over all matching notes.
 */
facets: boolean, };

export type SearchResults = { query: string, 
/**
 * Notes that hold every word of the query (the strict match), whatever the limit.
 */
total: number, hits: Array<Hit>, facets: Facets, 
/**
 * The query was too long to read whole: only its beginning was searched.
 */
truncated: boolean, };

export type Hit = { id: number, title: string, 
/**
 * Matched ranges of the title, in code points.
 */
title_highlights: Array<[number, number]>, site: string | null, published: string | null, score: number, 
/**
 * False when the note holds only some of the query's words.
 */
all_words: boolean, snippet: Snippet, annotations: Array<AnnotationHit>, };

export type AnnotationHit = { id: number, quote: string, comment: string | null, color: Color, tags: Array<string>, 
/**
 * Matched ranges of the quote and of the comment, in code points.
 */
quote_highlights: Array<[number, number]>, comment_highlights: Array<[number, number]>, };

export type Snippet = { text: string, 
/**
 * Matched ranges of `text`, in code points, end exclusive.
 */
highlights: Array<[number, number]>, };

export type Facets = { tags: Array<Facet>, sites: Array<Facet>, years: Array<Facet>, };

export type Facet = { name: string, count: number, };

export type ClipOutcome = { id: number, status: ClipStatus, title: string, 
/**
 * The highlight a passage became.
 */
annotation_id?: number, 
/**
 * The notes holding a passage found in several, to choose from, and the passage.
 */
matches?: Array<PassageMatch>, passage?: string, };

export type ClipStatus = "created" | "unchanged" | "updated" | "highlighted" | "in_several";

export type ClipOptions = { 
/**
 * A new note even when the clip is a passage of a note in the library.
 */
as_note: boolean, 
/**
 * A passage from a page not in the library, whose address the clip names, is highlighted
 * in that page, fetched and clipped whole (with the library's fetch settings).
 */
fetch_page: boolean, };

export type PassageMatch = { id: number, title: string, };

export type Version = { 
/**
 * 1 for the body first clipped.
 */
number: number, body: string, 
/**
 * When this body became the note's body.
 */
created: string, current: boolean, 
/**
 * When and by what it was replaced (`edit`, `reclip`, `reextract`); `None` for the
 * current body.
 */
replaced: string | null, replaced_by: string | null, 
/**
 * The note's title, author and date while this body was current (`None` when unknown:
 * versions kept before Lode recorded them).
 */
title: string | null, author: string | null, published: string | null, };

export type Reanchoring = { exact: number, moved: number, changed: number, orphan: number, };

export type ImportProgress = { done: number, total: number, path: string, };

export type ImportOptions = { 
/**
 * A file with the title of a note and at least 80 % of its text becomes a new version of
 * that note (a newer copy of the same article) instead of a note of its own.
 */
merge_similar: boolean, };

export type ImportReport = { created: number, 
/**
 * Files that became a new version of a note already here (only with
 * [`ImportOptions::merge_similar`], or the same source address).
 */
updated: number, unchanged: number, 
/**
 * Annotations read from a W3C bundle or a Markdown export's highlights.
 */
annotations: number, 
/**
 * Of those, the ones whose passage was not found in the imported text: kept as orphans.
 */
orphaned: number, 
/**
 * Files that could not be imported, with the reason; the others were imported.
 */
failed: Array<[string, string]>, 
/**
 * The caller stopped the import; the files before the stop were imported.
 */
cancelled: boolean, 
/**
 * Notes created with only their address (Pocket's list, bookmarks, …), waiting for their
 * page ([`Library::fetch_waiting`]).
 */
waiting: number, 
/**
 * What each other tool's export brought, by format (`pocket`, `omnivore`, `readwise`,
 * `readwise-reader`, `hypothesis`, `obsidian-highlights`, `karakeep`, `wallabag`,
 * `instapaper`, `raindrop`, `bookmarks`).
 */
formats: { [key in string]: ImportCounts }, };

export type ReextractProgress = { done: number, total: number, };

export type ReextractReport = { updated: number, unchanged: number, 
/**
 * Notes with no raw clip (imported Markdown, for instance).
 */
without_clip: number, failed: Array<[number, string]>, 
/**
 * Notes whose title, author and date, or text, the user corrected: those stay as the
 * user left them (the rest of the note is re-extracted).
 */
kept_edits: number, 
/**
 * Stopped on request before every note was done.
 */
cancelled: boolean, };

export type ExportFormat = "markdown" | "json" | "w3c" | "csl-json" | "bibtex" | "ris";

export type ExportReport = { notes: number, files: Array<string>, };

export type ErrorCode = "invalid_input" | "too_large" | "not_found" | "quote_not_found" | "quote_ambiguous" | "library_locked" | "read_only" | "fetch_failed" | "internal";

export type CommandError = { code: ErrorCode, message: string, };

export type LibraryChanged = { 
/**
 * `clip` (in the app), `shortcut` (the global clip key), `import`, `reextract`, `page`
 * (a note's page completed its details), or `elsewhere` (another process, the CLI say,
 * changed the library).
 */
reason: string, id: number | null, status: ClipStatus | null, };

export type DesktopSettings = { 
/**
 * Clips from anywhere, without leaving the browser.
 */
shortcut: string, 
/**
 * A folder (an Obsidian vault's, say) kept up to date with the library as Markdown, a
 * file a note ([`lode::Library::sync_folder`]); none when `None`.
 */
sync_folder: string | null, };

export type TrashedNote = { id: number, title: string, 
/**
 * When it was deleted.
 */
deleted: string, 
/**
 * When it will be removed for good.
 */
expires: string, };

export type IndexStatus = { 
/**
 * Opening's checks are done and no repair is running: searches answer from an index
 * that holds every note.
 */
ready: boolean, 
/**
 * Set while the index is filled from the database (after it was lost or damaged, or on
 * `reindex`): notes indexed so far, of how many.
 */
rebuilding: RebuildProgress | null, 
/**
 * Why the index is behind the database, while it is. The indexer retries; the error
 * clears once a change is applied.
 */
error: string | null, 
/**
 * What was found wrong with the index since the library was opened (it was then set
 * aside and rebuilt).
 */
repaired: string | null, 
/**
 * Another Lode process holds the library (or it cannot be written): searches read the
 * index as that process last committed it, and it indexes what is written here.
 */
held_elsewhere: boolean, 
/**
 * The last change the index has made searchable (its place in the library's queue of
 * changes): it grows with each commit, so a view of counts knows when to ask again.
 */
applied: number, };

export type RebuildProgress = { done: number, total: number, };

export type Detail = "title" | "author" | "published" | "site" | "sections" | "tags";

export type DetailSource = "copy" | "page" | "user";

export type FetchSettings = { 
/**
 * "Complete details from the article's page": after a clip with an address, its page
 * is read once for the details the copy lacks. On by default.
 */
complete_details: boolean, 
/**
 * Pages on this machine or a private network (an intranet) may be read.
 */
allow_private: boolean, };

export type Completed = { note: Note, from_page: Array<Detail>, };

export type PageDetails = { id: number, title: string, from_page: Array<Detail>, error: string | null, };

export type Backup = { path: string, created: string, bytes: number, };

export type SavedSearch = { name: string, query: string, created: string, count: number | null, };

export type RelatedNote = { id: number, title: string, terms: Array<string>, };

export type Citation = { key: string, text: string, bibtex: string, ris: string, 
/**
 * One CSL-JSON item (an object, not the export's array).
 */
csl_json: string, };

export type CiteAs = "text" | "bibtex" | "ris" | "csl-json";

export type ImportCounts = { created: number, 
/**
 * Notes already here that gained tags, highlights or, for a note that held only its
 * address, the article's text.
 */
updated: number, unchanged: number, 
/**
 * Highlights added, and of those the ones whose passage is not in the note's text (kept
 * as orphans; a note waiting for its page has all its highlights there until it comes).
 */
annotations: number, orphaned: number, 
/**
 * Notes created with only their address, waiting for their page.
 */
waiting: number, 
/**
 * Items (or rows) that could not be imported; each is in the report's `failed` with why.
 */
failed: number, };

export type PageWait = { attempts: number, last_error: string | null, };

export type PageProgress = { done: number, total: number, note_id: number, url: string, 
/**
 * Why this page could not be read, when it could not (the note keeps waiting).
 */
error: string | null, };

export type PagesReport = { 
/**
 * Notes that received their article's text.
 */
fetched: number, 
/**
 * Pages that could not be read this time, with why (they are tried again later, up to
 * [`MAX_PAGE_ATTEMPTS`] times).
 */
failed: Array<[number, string]>, 
/**
 * Notes still waiting afterwards.
 */
waiting: number, cancelled: boolean, };

export type PagesDone = { report: PagesReport | null, error: string | null, };

export type ImportSource = "folder" | "files" | "launch";

export type SyncReport = { 
/**
 * Files written: new notes, and notes whose text, details, tags or highlights changed.
 */
written: number, unchanged: number, 
/**
 * Files of notes no longer in the library, removed.
 */
removed: number, 
/**
 * Files changed in the folder since Lode wrote them: kept under a new name (or, for a
 * note no longer in the library, where they were), never overwritten.
 */
kept: Array<string>, };

export type FolderSync = { folder: string, report: SyncReport | null, error: string | null, };

export type LaunchRequest = { note: number | null, files: Array<string>, };
