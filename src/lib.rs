//! Lode's core: clip articles from the clipboard, keep them in SQLite, search them with
//! Tantivy, tag and annotate them. The desktop shell (`src-tauri`) and the `lode` CLI call
//! [`Library`] and nothing else; with the `ts` feature, the types they exchange also derive
//! TypeScript declarations (ts-rs) for the desktop UI.
//!
//! Modules:
//! - [`clip`]: clipboard payload (text/plain, text/html) -> [`Article`]; pure functions.
//! - `store`: SQLite, the source of truth (migrations, notes and their earlier bodies, tags,
//!   annotations, colour names, the outbox).
//! - `index`: the Tantivy index, derived from the store and rebuildable at any time.
//! - [`anchor`]: passage selectors (W3C TextQuote + TextPosition) and re-anchoring after a
//!   body changes.
//! - `export`: Markdown, JSON, and the W3C Web Annotation bundle that `import` reads back.
//! - `fetch`: one GET of a clip's own page, bounded, private addresses refused.
//! - [`import`]: what other tools (and Lode's own Markdown export) write, read into records.
//!
//! ```no_run
//! use lode::{Clip, Library, SearchOptions};
//! let library = Library::open("/tmp/my-library")?;
//! let clip = Clip { text: Some("Title\n\nA paragraph of the article, long enough to keep.".into()), ..Clip::default() };
//! let outcome = library.clip(&clip)?;
//! library.flush_index()?;
//! let results = library.search("paragraph", &SearchOptions::default())?;
//! assert_eq!(results.hits[0].id, outcome.id);
//! # Ok::<(), lode::Error>(())
//! ```

pub mod anchor;
mod backup;
pub mod clip;
mod clock;
mod error;
mod export;
mod fetch;
pub mod import;
mod index;
mod library;
mod model;
pub mod priority;
mod store;

pub use backup::Backup;
pub use clip::{Article, Clip, Detail, MAX_CLIP_BYTES, MAX_URL_BYTES, source_url};
pub use clock::{Clock, FixedClock, SystemClock};
pub use error::{Error, ErrorCode, Result};
pub use export::{ExportFormat, ExportReport};
pub use fetch::{
    FETCH_TIMEOUT, FetchOptions, FetchedPage, MAX_PAGE_BYTES, MAX_REDIRECTS, fetch_page,
};
pub use index::{Facet, Facets, IndexStatus, RebuildProgress, Snippet};
pub use library::{
    Access, ClipOptions, ClipOutcome, ClipStatus, ImportCounts, ImportOptions, ImportProgress,
    ImportReport, Library, MAX_PAGE_ATTEMPTS, MAX_READER_MARKS, PageProgress, PagesReport,
    PassageMatch, ReextractProgress, ReextractReport, SyncReport, TRASH_DAYS,
};
pub use model::*;

/// For the schema test: migrations applied one by one must give the same schema as a fresh
/// database. Not part of the API.
#[doc(hidden)]
pub mod testing {
    pub use crate::store::{MIGRATIONS, connect, migrate_to, schema_sql};
}
