//! What other tools (and Lode itself) export, read into records the library stores. Pure
//! functions, no I/O: the library reads the files, these read the bytes.
//!
//! Each other tool's export is recognised by its content ([`read`]: a ZIP's entries, a CSV's
//! header, a JSON document's shape, a bookmark file's doctype), never by its file name, and
//! becomes a list of [`Item`]s: one per article or address, with its highlights. A format's
//! quirks stay in its own file (`shared/import-formats.md` describes each, field by field).

pub mod markdown;

mod bookmarks;
mod hypothesis;
mod instapaper;
mod karakeep;
mod obsidian;
mod omnivore;
mod pocket;
mod raindrop;
mod readwise;
mod wallabag;

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::clip;
use crate::error::{Error, Result};
use crate::model::Color;

/// A highlight as an export carries it: a quote (re-anchored by the library on the note's
/// text), and what the tool kept with it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Highlight {
    pub quote: String,
    pub comment: Option<String>,
    pub color: Color,
    pub tags: Vec<String>,
    /// The text just before and after the quote, when the tool kept it (Hypothesis): it tells
    /// apart two places that hold the same words.
    pub prefix: Option<String>,
    pub suffix: Option<String>,
    pub created: Option<DateTime<Utc>>,
}

/// The tools whose exports Lode reads.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    Pocket,
    Omnivore,
    Readwise,
    ReadwiseReader,
    Hypothesis,
    ObsidianHighlights,
    Karakeep,
    Wallabag,
    Instapaper,
    Raindrop,
    Bookmarks,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Pocket => "pocket",
            Format::Omnivore => "omnivore",
            Format::Readwise => "readwise",
            Format::ReadwiseReader => "readwise-reader",
            Format::Hypothesis => "hypothesis",
            Format::ObsidianHighlights => "obsidian-highlights",
            Format::Karakeep => "karakeep",
            Format::Wallabag => "wallabag",
            Format::Instapaper => "instapaper",
            Format::Raindrop => "raindrop",
            Format::Bookmarks => "bookmarks",
        }
    }
}

/// An article's own text, as the export carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    Html(String),
    Text(String),
}

/// One article or address an export holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Item {
    pub title: Option<String>,
    pub url: Option<String>,
    pub author: Option<String>,
    /// The tool's excerpt or description.
    pub description: Option<String>,
    /// The article's text; `None` when the export carries only its address.
    pub content: Option<Content>,
    /// Tags, labels and folders (`Parent/Child`), and the item's state as `lode/archived`,
    /// `lode/starred`, ….
    pub tags: Vec<String>,
    pub saved: Option<DateTime<Utc>>,
    pub published: Option<NaiveDate>,
    /// What the user wrote about the whole item (not about a passage).
    pub note: Option<String>,
    pub highlights: Vec<Highlight>,
}

/// An export read: its format, its items, and what of it could not be read (one line each).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    pub format: Format,
    pub items: Vec<Item>,
    pub skipped: Vec<String>,
}

/// The tag an item's archived state becomes.
pub const ARCHIVED: &str = "lode/archived";
/// The tag a starred (favourite, liked) item gets.
pub const STARRED: &str = "lode/starred";

/// The most bytes read out of one entry of a ZIP export (an article, a metadata batch).
const MAX_ENTRY_BYTES: u64 = clip::MAX_CLIP_BYTES as u64;
/// The most entries read from a ZIP export.
const MAX_ENTRIES: usize = 200_000;

/// Reads `bytes` as another tool's export, when they are one: `None` for anything else (an
/// article, a note), which the caller reads as it did before.
pub fn read(bytes: &[u8]) -> Option<Result<Export>> {
    if bytes.starts_with(b"PK\x03\x04") {
        return Some(read_zip(bytes));
    }
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).ok()?;
    let head: String = text.trim_start().chars().take(2048).collect();
    if head.starts_with('{') || head.starts_with('[') {
        let json: serde_json::Value = serde_json::from_str(text).ok()?;
        return json_format(&json).map(|format| read_json(format, &json));
    }
    if bookmarks::is_bookmarks(&head) {
        return Some(Ok(bookmarks::read(text)));
    }
    if pocket::is_html_export(text) {
        return Some(Ok(pocket::read_html(text)));
    }
    let header = head.lines().next().unwrap_or_default();
    csv_format(header).map(|format| read_csv(format, text))
}

/// Whether a file opening with `head` is an export rather than an article or a note (its
/// name aside): a ZIP, a bookmark file, Pocket's HTML list, or a CSV with a known header.
pub fn may_be_export(head: &[u8]) -> bool {
    if head.starts_with(b"PK\x03\x04") {
        return true;
    }
    let head = String::from_utf8_lossy(head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head));
    let start = head.trim_start();
    bookmarks::is_bookmarks(start)
        || pocket::is_html_export(&head)
        || csv_format(start.lines().next().unwrap_or_default()).is_some()
}

/// Which tool wrote a CSV with this header.
fn csv_format(header: &str) -> Option<Format> {
    let columns: Vec<String> = header
        .split([',', ';'])
        .map(|c| c.trim().trim_matches('"').to_ascii_lowercase())
        .collect();
    let has = |names: &[&str]| names.iter().all(|n| columns.iter().any(|c| c == n));
    if has(&["title", "url", "time_added"]) {
        Some(Format::Pocket)
    } else if has(&["highlight", "book title"]) || has(&["highlight", "title", "url", "note"]) {
        Some(Format::Readwise)
    } else if has(&["title", "url", "document tags", "saved date"]) {
        Some(Format::ReadwiseReader)
    } else if has(&["url", "title", "selection", "folder", "timestamp"]) {
        Some(Format::Instapaper)
    } else if has(&["title", "url", "folder", "tags", "created", "highlights"]) {
        Some(Format::Raindrop)
    } else if has(&["title", "url", "content", "tags", "creation date"]) {
        Some(Format::Wallabag)
    } else {
        None
    }
}

fn read_csv(format: Format, text: &str) -> Result<Export> {
    let delimiter = if format == Format::Wallabag {
        b';'
    } else {
        b','
    };
    let rows = Rows::read(text, delimiter)?;
    Ok(match format {
        Format::Pocket => pocket::read_list(&rows),
        Format::Readwise => readwise::read_csv(&rows),
        Format::ReadwiseReader => readwise::read_reader_csv(&rows),
        Format::Instapaper => instapaper::read_csv(&rows),
        Format::Raindrop => raindrop::read_csv(&rows),
        _ => wallabag::read_csv(&rows),
    })
}

/// Which tool wrote a JSON document of this shape.
fn json_format(json: &serde_json::Value) -> Option<Format> {
    let first = |v: &serde_json::Value| v.as_array().and_then(|a| a.first()).cloned();
    let has = |v: &serde_json::Value, keys: &[&str]| keys.iter().all(|k| v.get(k).is_some());
    if json.is_object() {
        if has(json, &["annotations"])
            && (has(json, &["export_userid"])
                || first(&json["annotations"]).is_some_and(|a| has(&a, &["uri", "target"])))
        {
            return Some(Format::Hypothesis);
        }
        if json.get("bookmarks").is_some_and(|b| b.is_array()) {
            return Some(Format::Karakeep);
        }
        return None;
    }
    let item = first(json)?;
    if has(&item, &["slug", "savedAt"]) {
        Some(Format::Omnivore)
    } else if has(&item, &["user_book_id", "highlights"]) {
        Some(Format::Readwise)
    } else if has(&item, &["url", "highlights"]) {
        let highlight = first(&item["highlights"]);
        match highlight {
            Some(h) if h.get("quote").is_some() => Some(Format::Pocket),
            _ => Some(Format::ObsidianHighlights),
        }
    } else if has(&item, &["url", "is_archived"]) || has(&item, &["url", "content", "annotations"])
    {
        Some(Format::Wallabag)
    } else {
        None
    }
}

fn read_json(format: Format, json: &serde_json::Value) -> Result<Export> {
    Ok(match format {
        Format::Hypothesis => hypothesis::read(json),
        Format::Karakeep => karakeep::read(json),
        Format::Omnivore => {
            omnivore::read(std::slice::from_ref(json), &HashMap::new(), &HashMap::new())
        }
        Format::Readwise => readwise::read_api(json),
        Format::Pocket => pocket::read(&[], Some(json)),
        Format::ObsidianHighlights => obsidian::read(json),
        _ => wallabag::read_json(json),
    })
}

/// A ZIP export: Pocket's (`part_*.csv`, `annotations/part_*`) or Omnivore's
/// (`metadata_*.json`, `content/*.html`, `highlights/*.md`).
fn read_zip(bytes: &[u8]) -> Result<Export> {
    let invalid = |why: String| Error::invalid("ZIP export", why);
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| invalid(format!("not a readable ZIP archive: {e}")))?;
    if archive.len() > MAX_ENTRIES {
        return Err(invalid(format!(
            "{} entries; an export holds at most {MAX_ENTRIES}",
            archive.len()
        )));
    }
    let mut entries: Vec<(String, String)> = Vec::new();
    let mut skipped = Vec::new();
    for i in 0..archive.len() {
        let mut file = archive
            .by_index(i)
            .map_err(|e| invalid(format!("entry {i}: {e}")))?;
        if !file.is_file() {
            continue;
        }
        let Ok(name) = file.name().map(|n| n.replace('\\', "/")) else {
            skipped.push(format!("entry {i}: its name is not readable"));
            continue;
        };
        let base = name.rsplit('/').next().unwrap_or_default();
        let wanted = (base.starts_with("part_") && !name.contains("__MACOSX"))
            || base.starts_with("metadata_") && base.ends_with(".json")
            || base == "omnivore_export.json"
            || (name.contains("content/") && base.ends_with(".html"))
            || (name.contains("highlights/") && base.ends_with(".md"));
        if !wanted {
            continue;
        }
        let mut data = Vec::new();
        use std::io::Read;
        if let Err(e) = (&mut file).take(MAX_ENTRY_BYTES + 1).read_to_end(&mut data) {
            skipped.push(format!("{name}: {e}"));
            continue;
        }
        if data.len() as u64 > MAX_ENTRY_BYTES {
            skipped.push(format!("{name}: larger than {MAX_ENTRY_BYTES} bytes"));
            continue;
        }
        match clip::Clip::flavour_from_bytes(&name, data) {
            Ok(text) => entries.push((name, text)),
            Err(e) => skipped.push(format!("{name}: {e}")),
        }
    }
    let base = |n: &str| n.rsplit('/').next().unwrap_or_default().to_string();
    let is_pocket = entries.iter().any(|(n, _)| base(n).starts_with("part_"));
    let mut export = if is_pocket {
        let mut lists = Vec::new();
        let mut annotations = Vec::new();
        for (name, text) in &entries {
            if name.contains("annotations/") {
                match serde_json::from_str::<serde_json::Value>(text) {
                    Ok(json) => annotations.push(json),
                    Err(e) => skipped.push(format!("{name}: not JSON ({e})")),
                }
            } else if base(name).ends_with(".csv") {
                match Rows::read(text, b',') {
                    Ok(rows) => lists.push(rows),
                    Err(e) => skipped.push(format!("{name}: {e}")),
                }
            }
        }
        let mut export = pocket::read(&lists, None);
        for json in &annotations {
            export.items.extend(pocket::read(&[], Some(json)).items);
        }
        export.items = merge_by_url(std::mem::take(&mut export.items));
        export
    } else if entries.iter().any(|(n, _)| base(n).ends_with(".json")) {
        let mut metadata = Vec::new();
        let mut content = HashMap::new();
        let mut highlights = HashMap::new();
        for (name, text) in entries {
            let slug = |ext: &str| base(&name).trim_end_matches(ext).to_string();
            if base(&name).ends_with(".json") {
                match serde_json::from_str::<serde_json::Value>(&text) {
                    Ok(json) => metadata.push(json),
                    Err(e) => skipped.push(format!("{name}: not JSON ({e})")),
                }
            } else if name.contains("content/") {
                content.insert(slug(".html"), text);
            } else {
                highlights.insert(slug(".md"), text);
            }
        }
        omnivore::read(&metadata, &content, &highlights)
    } else {
        return Err(invalid(
            "not an export Lode reads (Pocket's and Omnivore's ZIP files are)".into(),
        ));
    };
    export.skipped.splice(0..0, skipped);
    Ok(export)
}

/// Items of the same address as one: the list's entry and its highlights (Pocket keeps them
/// in two files), a book's rows.
fn merge_by_url(items: Vec<Item>) -> Vec<Item> {
    let mut merged: Vec<Item> = Vec::with_capacity(items.len());
    let mut at: HashMap<String, usize> = HashMap::new();
    for item in items {
        let Some(url) = item.url.clone() else {
            merged.push(item);
            continue;
        };
        match at.get(&url) {
            Some(&i) => {
                let into = &mut merged[i];
                into.title = into.title.take().or(item.title);
                into.saved = into.saved.or(item.saved);
                into.content = into.content.take().or(item.content);
                for tag in item.tags {
                    if !into.tags.contains(&tag) {
                        into.tags.push(tag);
                    }
                }
                into.highlights.extend(item.highlights);
            }
            None => {
                at.insert(url, merged.len());
                merged.push(item);
            }
        }
    }
    merged
}

/// A CSV file's rows, each read by its header's column names (any case, any order).
pub(crate) struct Rows {
    columns: HashMap<String, usize>,
    rows: Vec<csv::StringRecord>,
    skipped: Vec<String>,
}

impl Rows {
    fn read(text: &str, delimiter: u8) -> Result<Rows> {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .from_reader(text.as_bytes());
        let header = reader
            .headers()
            .map_err(|e| Error::invalid("CSV export", e.to_string()))?;
        let columns = header
            .iter()
            .enumerate()
            .map(|(i, c)| (c.trim().to_ascii_lowercase(), i))
            .collect();
        let mut rows = Vec::new();
        let mut skipped = Vec::new();
        for (i, record) in reader.records().enumerate() {
            match record {
                Ok(r) => rows.push(r),
                Err(e) => skipped.push(format!("row {}: {e}", i + 2)),
            }
        }
        Ok(Rows {
            columns,
            rows,
            skipped,
        })
    }

    /// Each row, with a getter of its cells by column name (trimmed, `None` when empty).
    fn each(&self) -> impl Iterator<Item = Row<'_>> {
        self.rows.iter().map(|r| Row {
            columns: &self.columns,
            record: r,
        })
    }
}

pub(crate) struct Row<'a> {
    columns: &'a HashMap<String, usize>,
    record: &'a csv::StringRecord,
}

impl Row<'_> {
    fn get(&self, column: &str) -> Option<String> {
        let i = *self.columns.get(column)?;
        let value = self.record.get(i)?.trim();
        (!value.is_empty()).then(|| value.to_string())
    }
}

/// A text field as a single line (NFC, no control characters, one space between words), or
/// `None` when nothing is left.
pub(crate) fn line(s: Option<&str>) -> Option<String> {
    let s = clip::one_spaced(&clip::canonical_text(s?));
    (!s.is_empty()).then_some(s)
}

/// Text that may keep its paragraphs (a comment, a note, a quote).
pub(crate) fn text(s: Option<&str>) -> Option<String> {
    let s = clip::canonical_text(s?).trim().to_string();
    (!s.is_empty()).then_some(s)
}

/// An http(s) address, or `None` (`javascript:`, `data:`, a file path…).
pub(crate) fn address(s: Option<&str>) -> Option<String> {
    clip::source_url(s?)
}

/// A date and time in the forms exports write: Unix seconds (or milliseconds), RFC 3339 /
/// ISO 8601 with or without a zone, `2020-10-05 10:15:30+00:00`, or a bare date.
pub(crate) fn time(s: Option<&str>) -> Option<DateTime<Utc>> {
    let s = s?.trim();
    if let Ok(n) = s.parse::<i64>() {
        let seconds = if n > 100_000_000_000 { n / 1000 } else { n };
        return Utc
            .timestamp_opt(seconds, 0)
            .single()
            .filter(|_| seconds > 0);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    for format in [
        "%Y-%m-%d %H:%M:%S%:z",
        "%Y-%m-%d %H:%M:%S%.f%:z",
        "%Y-%m-%d %H:%M:%S%z",
    ] {
        if let Ok(t) = DateTime::parse_from_str(s, format) {
            return Some(t.with_timezone(&Utc));
        }
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, format) {
            return Some(t.and_utc());
        }
    }
    s.get(..10)
        .and_then(|d| d.parse::<NaiveDate>().ok())
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

/// A time from a JSON value that is a number of seconds or a string.
pub(crate) fn json_time(v: &serde_json::Value) -> Option<DateTime<Utc>> {
    match v {
        serde_json::Value::Number(n) => time(Some(&n.to_string())),
        serde_json::Value::String(s) => time(Some(s)),
        _ => None,
    }
}

/// A JSON string field, if it is one.
pub(crate) fn json_str<'a>(v: &'a serde_json::Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(serde_json::Value::as_str)
}

/// A JSON list of strings (or of objects with a `name`), as strings.
pub(crate) fn json_names(v: Option<&serde_json::Value>) -> Vec<String> {
    let Some(list) = v.and_then(serde_json::Value::as_array) else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|t| t.as_str().or_else(|| json_str(t, "name")))
        .filter_map(|t| line(Some(t)))
        .collect()
}

/// The highlight colour a tool's name or hex code stands for (yellow when unknown).
pub(crate) fn color(name: Option<&str>) -> Color {
    let name = name.unwrap_or_default().trim().to_ascii_lowercase();
    match name.as_str() {
        "green" => Color::Green,
        "blue" => Color::Blue,
        "pink" | "red" | "orange" => Color::Pink,
        "purple" | "violet" => Color::Purple,
        _ => Color::Yellow,
    }
}

/// Comma-separated tags (`a, b,c`), each trimmed; a leading `#` dropped.
pub(crate) fn split_tags(s: Option<&str>, separator: char) -> Vec<String> {
    s.unwrap_or_default()
        .split(separator)
        .filter_map(|t| line(Some(t.trim().trim_start_matches('#'))))
        .collect()
}
