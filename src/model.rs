//! The records the core hands out: notes, tags, annotations, search results. All serialise to
//! the JSON that `lode --json` prints and the desktop UI receives.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::anchor::{AnchorStatus, Selector};
use crate::clip::{Article, Detail};
use crate::index::{Facet, Facets, Snippet};

pub type NoteId = i64;
pub type AnnotationId = i64;

/// A stored article with its tags and bookkeeping.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub id: NoteId,
    #[serde(flatten)]
    pub article: Article,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    /// SHA-256 of the canonical body, hex.
    pub content_hash: String,
    pub annotation_count: usize,
    /// Where each detail came from: the copy, the note's page, or the user.
    #[serde(default)]
    pub details_from: std::collections::BTreeMap<Detail, DetailSource>,
    /// Set while the note holds only its address (an import of Pocket's list, bookmarks, …)
    /// and waits for its page ([`Library::fetch_waiting`]).
    ///
    /// [`Library::fetch_waiting`]: crate::Library::fetch_waiting
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub waiting_for_page: Option<PageWait>,
}

/// A note waiting for its page: how often it was tried, and why the last try failed.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageWait {
    pub attempts: u32,
    pub last_error: Option<String>,
}

/// Where a note's detail came from (see [`Library::complete_from_page`]).
///
/// [`Library::complete_from_page`]: crate::Library::complete_from_page
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DetailSource {
    Copy,
    Page,
    User,
}

/// A line of a note listing.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteSummary {
    pub id: NoteId,
    pub title: String,
    pub site: Option<String>,
    pub author: Option<String>,
    pub published: Option<NaiveDate>,
    pub tags: Vec<String>,
    pub created: DateTime<Utc>,
    pub standfirst: Option<String>,
}

/// The raw clip exactly as received, kept so a better clipper can re-extract it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawClip {
    pub text: Option<String>,
    pub html: Option<String>,
    pub url: Option<String>,
    pub received: DateTime<Utc>,
}

/// Which notes to list, in what order, and which page of them.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NoteFilter {
    /// Notes with this tag or one of its children (`geo` matches `geo/central-asia`).
    pub tag: Option<String>,
    pub site: Option<String>,
    /// Year of publication.
    pub year: Option<i32>,
    pub order: NoteOrder,
    /// At most this many notes (all when `None`), after skipping `offset`.
    pub limit: Option<usize>,
    pub offset: usize,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NoteOrder {
    /// Newest clip first.
    #[default]
    Created,
    /// Latest publication first; notes without a date last.
    Published,
}

/// A page of a listing, with what the library can be narrowed by.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Browse {
    pub notes: Vec<NoteSummary>,
    /// Notes the filter selects, over all pages.
    pub total: usize,
    /// Over the whole library, most first.
    pub tags: Vec<TagCount>,
    pub sites: Vec<Facet>,
    pub years: Vec<Facet>,
}

/// What the user may correct of an article's metadata after a clip.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetadataEdit {
    pub title: String,
    pub author: Option<String>,
    pub published: Option<NaiveDate>,
}

/// An annotation's new colour, comment and tags (all three replace the old ones).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnotationChange {
    pub color: Color,
    pub comment: Option<String>,
    pub tags: Vec<String>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagCount {
    pub name: String,
    /// Notes tagged with exactly this tag.
    pub notes: usize,
    /// Annotations tagged with exactly this tag.
    pub annotations: usize,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagRename {
    pub renamed: usize,
    /// True when the new name already existed and the two tags were merged.
    pub merged: bool,
}

/// Highlight colours; the UI binds them to keys 1 to 5.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Color {
    #[default]
    Yellow,
    Green,
    Blue,
    Pink,
    Purple,
}

impl Color {
    pub const ALL: [Color; 5] = [
        Color::Yellow,
        Color::Green,
        Color::Blue,
        Color::Pink,
        Color::Purple,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Color::Yellow => "yellow",
            Color::Green => "green",
            Color::Blue => "blue",
            Color::Pink => "pink",
            Color::Purple => "purple",
        }
    }
}

impl std::str::FromStr for Color {
    type Err = crate::Error;

    /// A colour by name or by its key, `1` to `5`.
    fn from_str(s: &str) -> Result<Color, crate::Error> {
        let s = s.trim().to_lowercase();
        Color::ALL
            .iter()
            .enumerate()
            .find(|(i, c)| c.as_str() == s || (i + 1).to_string() == s)
            .map(|(_, c)| *c)
            .ok_or_else(|| {
                crate::Error::invalid(
                    "colour",
                    format!("'{s}' (use yellow, green, blue, pink, purple or 1-5)"),
                )
            })
    }
}

/// A highlight colour, its key in the UI (1-5) and what the user says it means.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColorName {
    pub color: Color,
    pub key: usize,
    pub name: Option<String>,
}

/// What to annotate: a quote of the note's body, chosen among repeats by `occurrence`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAnnotation {
    pub quote: String,
    /// 1-based; needed when the quote occurs more than once.
    pub occurrence: Option<usize>,
    pub comment: Option<String>,
    pub tags: Vec<String>,
    pub color: Color,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Annotation {
    pub id: AnnotationId,
    pub note_id: NoteId,
    pub selector: Selector,
    /// How the passage was found after the last change of the note's body.
    pub status: AnchorStatus,
    /// The quote before a `changed` re-anchoring, shown beside the new one.
    pub previous_quote: Option<String>,
    pub color: Color,
    pub comment: Option<String>,
    pub tags: Vec<String>,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchOptions {
    pub limit: usize,
    /// Match only titles (search-as-you-type suggestions).
    pub titles_only: bool,
    /// Compute tag, site and year counts over all matching notes.
    pub facets: bool,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            limit: 10,
            titles_only: false,
            facets: true,
        }
    }
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    pub query: String,
    /// Notes that hold every word of the query (the strict match), whatever the limit.
    pub total: usize,
    pub hits: Vec<Hit>,
    pub facets: Facets,
    /// The query was too long to read whole: only its beginning was searched.
    #[serde(default)]
    pub truncated: bool,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    pub id: NoteId,
    pub title: String,
    /// Matched ranges of the title, in code points.
    pub title_highlights: Vec<(usize, usize)>,
    pub site: Option<String>,
    pub published: Option<NaiveDate>,
    pub score: f32,
    /// False when the note holds only some of the query's words.
    pub all_words: bool,
    pub snippet: Snippet,
    pub annotations: Vec<AnnotationHit>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnnotationHit {
    pub id: AnnotationId,
    pub quote: String,
    pub comment: Option<String>,
    pub color: Color,
    pub tags: Vec<String>,
    /// Matched ranges of the quote and of the comment, in code points.
    pub quote_highlights: Vec<(usize, usize)>,
    pub comment_highlights: Vec<(usize, usize)>,
}

/// A body the note had, oldest first; the last one is the current body.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Version {
    /// 1 for the body first clipped.
    pub number: usize,
    pub body: String,
    /// When this body became the note's body.
    pub created: DateTime<Utc>,
    pub current: bool,
    /// When and by what it was replaced (`edit`, `reclip`, `reextract`); `None` for the
    /// current body.
    pub replaced: Option<DateTime<Utc>>,
    pub replaced_by: Option<String>,
    /// The note's title, author and date while this body was current (`None` when unknown:
    /// versions kept before Lode recorded them).
    pub title: Option<String>,
    pub author: Option<String>,
    pub published: Option<NaiveDate>,
}

/// What changing a note's body did to its annotations.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reanchoring {
    pub exact: usize,
    pub moved: usize,
    pub changed: usize,
    pub orphan: usize,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrashedNote {
    pub id: NoteId,
    pub title: String,
    /// When it was deleted.
    pub deleted: DateTime<Utc>,
    /// When it will be removed for good.
    pub expires: DateTime<Utc>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckReport {
    pub sqlite_ok: bool,
    pub sqlite_messages: Vec<String>,
    pub notes: usize,
    pub annotations: usize,
    pub indexed_notes: usize,
    pub indexed_annotations: usize,
    /// Notes in SQLite missing from the index, or indexed but gone from SQLite.
    pub missing_from_index: Vec<NoteId>,
    pub stale_in_index: Vec<NoteId>,
    /// What was found wrong with the index since the library was opened (it was set aside
    /// and rebuilt from the database).
    #[serde(default)]
    pub index_repaired: Option<String>,
    /// Why the index could not catch up with the database, when it could not.
    #[serde(default)]
    pub index_error: Option<String>,
}

impl CheckReport {
    pub fn ok(&self) -> bool {
        self.sqlite_ok && self.index_ok()
    }

    /// Whether the index holds exactly what SQLite holds.
    pub fn index_ok(&self) -> bool {
        self.index_error.is_none()
            && self.missing_from_index.is_empty()
            && self.stale_in_index.is_empty()
            && self.notes == self.indexed_notes
            && self.annotations == self.indexed_annotations
    }
}

/// A note as a citation: its key, the reference formatted in the author-date style, and the
/// entry each citation format writes for it (`lode cite`, the reader's *Copy citation*).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Citation {
    pub key: String,
    pub text: String,
    pub bibtex: String,
    pub ris: String,
    /// One CSL-JSON item (an object, not the export's array).
    pub csl_json: String,
}

/// A note related to another ("More like this"), with the words they share, most telling
/// first.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelatedNote {
    pub id: NoteId,
    pub title: String,
    pub terms: Vec<String>,
}

/// A search saved with a name, and how many notes hold all its words now (`None` while the
/// index cannot answer, as when it is being rebuilt).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedSearch {
    pub name: String,
    pub query: String,
    pub created: DateTime<Utc>,
    pub count: Option<usize>,
}

/// The library's page-fetching settings.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchSettings {
    /// "Complete details from the article's page": after a clip with an address, its page
    /// is read once for the details the copy lacks. On by default.
    pub complete_details: bool,
    /// Pages on this machine or a private network (an intranet) may be read.
    pub allow_private: bool,
}

/// What [`Library::complete_from_page`] did: the note, and the details its page gave.
///
/// [`Library::complete_from_page`]: crate::Library::complete_from_page
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Completed {
    pub note: Note,
    pub from_page: Vec<Detail>,
}
