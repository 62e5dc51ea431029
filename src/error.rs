//! The one error type of the core, and the small [`ErrorCode`] that callers (the CLI, the
//! desktop UI) branch on. Messages are for people; codes are for code.

use std::path::PathBuf;

use serde::Serialize;

/// What a caller can act on. Add a code only when a caller uses it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The input was refused (empty, binary, malformed): show the message, keep the user's work.
    InvalidInput,
    /// The input is larger than Lode accepts.
    TooLarge,
    /// The note or annotation does not exist.
    NotFound,
    /// The quote to annotate is absent, or appears several times and needs an occurrence.
    QuoteNotFound,
    QuoteAmbiguous,
    /// Another Lode process holds the library, or it cannot be written.
    LibraryLocked,
    ReadOnly,
    /// The clip's page could not be fetched (offline, an error page, not HTML, too large, a
    /// private address): the note stays as clipped.
    FetchFailed,
    /// Anything else: a bug or an environment problem; the message says which.
    Internal,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the clip is empty: copy a page or a selection first")]
    EmptyClip,
    #[error("{what} is not text (it looks like binary data)")]
    Binary { what: String },
    #[error("{what} is not valid UTF-8 text")]
    InvalidUtf8 { what: String },
    #[error("{what} is {size} bytes; Lode accepts at most {limit} bytes")]
    TooLarge { what: String, size: u64, limit: u64 },
    #[error("no text could be extracted from the clip (the raw clip was kept as clip {clip_id})")]
    NothingExtracted { clip_id: i64 },
    #[error("could not read the page at {url}: {reason}")]
    Fetch { url: String, reason: String },
    #[error("no note with id {0}")]
    NoteNotFound(i64),
    #[error("no annotation with id {0}")]
    AnnotationNotFound(i64),
    #[error("no saved search named {0:?} (`lode saved` lists them)")]
    SavedSearchNotFound(String),
    #[error("the quote does not occur in note {note_id}")]
    QuoteNotFound { note_id: i64 },
    #[error(
        "the quote occurs {count} times in note {note_id}; choose one with --occurrence 1..{count}"
    )]
    QuoteAmbiguous { note_id: i64, count: usize },
    #[error("occurrence {occurrence} asked, but the quote occurs {count} times in note {note_id}")]
    OccurrenceOutOfRange {
        note_id: i64,
        occurrence: usize,
        count: usize,
    },
    #[error("the passage is {length} characters long; a highlight holds at most {limit}")]
    QuoteTooLong { length: usize, limit: usize },
    #[error(
        "the library at {dir} was written by a newer Lode (database version {found}; this one \
         knows up to {known}): update Lode to open it"
    )]
    NewerDatabase {
        dir: PathBuf,
        found: i64,
        known: i64,
    },
    #[error(
        "{0} is not a Lode library: it is a folder that holds other files (choose an empty \
         folder or an existing library)"
    )]
    NotALibrary(PathBuf),
    #[error("invalid {what}: {message}")]
    Invalid { what: &'static str, message: String },
    #[error("the library at {0} is in use by another Lode process")]
    LibraryLocked(PathBuf),
    /// Something only the process holding the library may do, asked of one that shares it.
    #[error(
        "the library at {0} is in use by another Lode process, and {1} needs it alone: close \
         the other process (the desktop app, or a running command) and try again"
    )]
    NeedsLibraryAlone(PathBuf, &'static str),
    #[error("the library at {0} cannot be written: {1}")]
    ReadOnly(PathBuf, String),
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("search index error: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Json(#[from] serde_json::Error),
    #[error(
        "the database of the library at {dir} is damaged ({why}); nothing will be written to it. \
         {advice}"
    )]
    DatabaseDamaged {
        dir: PathBuf,
        why: String,
        /// What to do: the newest backup to restore, when there is one.
        advice: String,
    },
    #[error(
        "the disk holding the library at {0} is full: nothing was written, and everything saved \
         before is safe; free some space and try again"
    )]
    DiskFull(PathBuf),
    #[error("note {0} is not in the trash (`lode trash` lists what is)")]
    NotInTrash(i64),
    #[error("the search indexer stopped: {0}")]
    IndexerGone(String),
    /// Reading the index failed in a way Tantivy did not report as an error.
    #[error("the search index is damaged: {0}")]
    IndexDamaged(String),
    /// The indexer could not apply the latest changes yet (it retries).
    #[error("the search index is behind the database: {0}")]
    IndexBehind(String),
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::EmptyClip
            | Error::Binary { .. }
            | Error::InvalidUtf8 { .. }
            | Error::NothingExtracted { .. }
            | Error::Invalid { .. }
            | Error::NewerDatabase { .. }
            | Error::NotALibrary(_) => ErrorCode::InvalidInput,
            Error::TooLarge { .. } | Error::QuoteTooLong { .. } => ErrorCode::TooLarge,
            Error::NoteNotFound(_)
            | Error::AnnotationNotFound(_)
            | Error::SavedSearchNotFound(_)
            | Error::NotInTrash(_) => ErrorCode::NotFound,
            Error::QuoteNotFound { .. } => ErrorCode::QuoteNotFound,
            Error::Fetch { .. } => ErrorCode::FetchFailed,
            Error::QuoteAmbiguous { .. } | Error::OccurrenceOutOfRange { .. } => {
                ErrorCode::QuoteAmbiguous
            }
            Error::LibraryLocked(_) | Error::NeedsLibraryAlone(..) => ErrorCode::LibraryLocked,
            Error::ReadOnly(..) | Error::DatabaseDamaged { .. } | Error::DiskFull(_) => {
                ErrorCode::ReadOnly
            }
            Error::Sqlite(e) if is_readonly(e) => ErrorCode::ReadOnly,
            Error::Sqlite(e) if is_busy(e) => ErrorCode::LibraryLocked,
            Error::Sqlite(_)
            | Error::Index(_)
            | Error::Io(_)
            | Error::Json(_)
            | Error::IndexerGone(_)
            | Error::IndexDamaged(_)
            | Error::IndexBehind(_) => ErrorCode::Internal,
        }
    }

    pub(crate) fn invalid(what: &'static str, message: impl Into<String>) -> Error {
        Error::Invalid {
            what,
            message: message.into(),
        }
    }
}

fn is_readonly(e: &rusqlite::Error) -> bool {
    matches!(e.sqlite_error_code(), Some(rusqlite::ErrorCode::ReadOnly))
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
