//! The W3C Web Annotation bundle: `annotations.jsonld` (an AnnotationCollection whose items
//! carry a TextQuoteSelector and a TextPositionSelector, the comment and tags as textual
//! bodies, and Lode's colour and anchoring status as `lode:` terms) and `notes.json`, the notes
//! they target (article, tags, times, raw clip and earlier bodies), so that the folder is
//! complete: `lode import DIR` reads it back into any library with nothing lost.

use std::io::Write;
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::anchor::{AnchorStatus, Selector, TextPositionSelector, TextQuoteSelector};
use crate::clip::Article;
use crate::error::{Error, Result};
use crate::model::{Annotation, Color, NoteId, RawClip};

pub const ANNOTATIONS_FILE: &str = "annotations.jsonld";
pub const NOTES_FILE: &str = "notes.json";

/// A note as the bundle carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleNote {
    pub id: NoteId,
    #[serde(flatten)]
    pub article: Article,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    pub raw: Option<RawClip>,
    /// Earlier bodies, oldest first.
    #[serde(default)]
    pub versions: Vec<BundleVersion>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleVersion {
    pub body: String,
    pub created: DateTime<Utc>,
    pub replaced: DateTime<Utc>,
    pub reason: String,
    /// The note's title, author and date while this body was current, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<chrono::NaiveDate>,
}

#[derive(Serialize, Deserialize)]
struct Collection {
    #[serde(rename = "@context")]
    context: serde_json::Value,
    #[serde(rename = "type")]
    kind: String,
    label: String,
    total: usize,
    items: Vec<W3cAnnotation>,
}

#[derive(Serialize, Deserialize)]
struct W3cAnnotation {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    motivation: String,
    created: DateTime<Utc>,
    modified: DateTime<Utc>,
    #[serde(default)]
    body: Vec<TextualBody>,
    target: Target,
    #[serde(rename = "lode:color", default)]
    color: Color,
    #[serde(rename = "lode:status", default)]
    status: AnchorStatus,
    #[serde(
        rename = "lode:previousQuote",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    previous_quote: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct TextualBody {
    #[serde(rename = "type")]
    kind: String,
    purpose: String,
    value: String,
}

#[derive(Serialize, Deserialize)]
struct Target {
    source: String,
    selector: Vec<W3cSelector>,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "type")]
enum W3cSelector {
    TextQuoteSelector {
        exact: String,
        prefix: String,
        suffix: String,
    },
    TextPositionSelector {
        start: usize,
        end: usize,
    },
}

fn note_urn(id: NoteId) -> String {
    format!("urn:lode:note:{id}")
}

fn annotation_from(a: &Annotation) -> W3cAnnotation {
    let mut body = Vec::new();
    if let Some(comment) = &a.comment {
        body.push(TextualBody {
            kind: "TextualBody".into(),
            purpose: "commenting".into(),
            value: comment.clone(),
        });
    }
    for tag in &a.tags {
        body.push(TextualBody {
            kind: "TextualBody".into(),
            purpose: "tagging".into(),
            value: tag.clone(),
        });
    }
    let q = &a.selector.quote;
    W3cAnnotation {
        id: format!("urn:lode:annotation:{}", a.id),
        kind: "Annotation".into(),
        motivation: if a.comment.is_some() {
            "commenting"
        } else {
            "highlighting"
        }
        .into(),
        created: a.created,
        modified: a.updated,
        body,
        target: Target {
            source: note_urn(a.note_id),
            selector: vec![
                W3cSelector::TextQuoteSelector {
                    exact: q.exact.clone(),
                    prefix: q.prefix.clone(),
                    suffix: q.suffix.clone(),
                },
                W3cSelector::TextPositionSelector {
                    start: a.selector.position.start,
                    end: a.selector.position.end,
                },
            ],
        },
        color: a.color,
        status: a.status,
        previous_quote: a.previous_quote.clone(),
    }
}

/// Writes a bundle into a folder one note at a time: `notes.json` and the items of
/// `annotations.jsonld` are streamed, so nothing holds the whole library in memory.
pub struct Writer {
    notes: std::io::BufWriter<std::fs::File>,
    annotations: std::io::BufWriter<std::fs::File>,
    paths: Vec<std::path::PathBuf>,
    notes_written: usize,
    annotations_written: usize,
}

impl Writer {
    pub fn create(dir: &Path) -> Result<Writer> {
        std::fs::create_dir_all(dir)?;
        let (a, n) = (dir.join(ANNOTATIONS_FILE), dir.join(NOTES_FILE));
        let open = |p: &Path| std::fs::File::create(p).map(std::io::BufWriter::new);
        let mut writer = Writer {
            notes: open(&n)?,
            annotations: open(&a)?,
            paths: vec![a, n],
            notes_written: 0,
            annotations_written: 0,
        };
        writer.notes.write_all(b"[")?;
        let context =
            serde_json::json!(["http://www.w3.org/ns/anno.jsonld", { "lode": "urn:lode:vocab#" }]);
        write!(
            writer.annotations,
            "{{\n  \"@context\": {context},\n  \"type\": \"AnnotationCollection\",\n  \
             \"label\": \"Lode highlights\",\n  \"items\": ["
        )?;
        Ok(writer)
    }

    /// Adds a note and its annotations.
    pub fn note(&mut self, note: &BundleNote, annotations: &[Annotation]) -> Result<()> {
        if self.notes_written > 0 {
            self.notes.write_all(b",")?;
        }
        self.notes.write_all(b"\n")?;
        serde_json::to_writer_pretty(&mut self.notes, note)?;
        self.notes_written += 1;
        for a in annotations {
            if self.annotations_written > 0 {
                self.annotations.write_all(b",")?;
            }
            self.annotations.write_all(b"\n")?;
            serde_json::to_writer_pretty(&mut self.annotations, &annotation_from(a))?;
            self.annotations_written += 1;
        }
        Ok(())
    }

    /// Closes both files (on disk); returns their paths.
    pub fn finish(mut self) -> Result<Vec<std::path::PathBuf>> {
        self.notes.write_all(b"\n]\n")?;
        write!(
            self.annotations,
            "\n  ],\n  \"total\": {}\n}}\n",
            self.annotations_written
        )?;
        for file in [self.notes, self.annotations] {
            file.into_inner()
                .map_err(|e| Error::Io(e.into_error()))?
                .sync_all()?;
        }
        Ok(self.paths)
    }
}

/// Reads a bundle file, refusing one past `limit` bytes.
fn read_capped(path: &Path, limit: u64) -> Result<String> {
    use std::io::Read;
    let mut text = String::new();
    std::fs::File::open(path)?
        .take(limit + 1)
        .read_to_string(&mut text)?;
    if text.len() as u64 > limit {
        return Err(Error::TooLarge {
            what: path.display().to_string(),
            size: text.len() as u64,
            limit,
        });
    }
    Ok(text)
}

/// A folder that holds a bundle.
pub fn is_bundle(dir: &Path) -> bool {
    dir.join(ANNOTATIONS_FILE).is_file() && dir.join(NOTES_FILE).is_file()
}

/// A bundle as read: its notes, and its annotations with the (bundle) id of the note each
/// targets.
pub struct Bundle {
    pub notes: Vec<BundleNote>,
    pub annotations: Vec<(NoteId, Annotation)>,
}

/// Reads the bundle in `dir`; each of its two files may hold at most `limit` bytes.
pub fn read(dir: &Path, limit: u64) -> Result<Bundle> {
    let notes: Vec<BundleNote> = serde_json::from_str(&read_capped(&dir.join(NOTES_FILE), limit)?)?;
    let collection: Collection =
        serde_json::from_str(&read_capped(&dir.join(ANNOTATIONS_FILE), limit)?)?;
    let mut annotations = Vec::new();
    for item in collection.items {
        let bad = |why: &str| Error::invalid("annotation bundle", format!("{}: {why}", item.id));
        let note_id: NoteId = item
            .target
            .source
            .strip_prefix("urn:lode:note:")
            .and_then(|id| id.parse().ok())
            .ok_or_else(|| bad("its target is not a note of the bundle"))?;
        let mut quote = None;
        let mut position = None;
        for selector in item.target.selector {
            match selector {
                W3cSelector::TextQuoteSelector {
                    exact,
                    prefix,
                    suffix,
                } => {
                    quote = Some(TextQuoteSelector {
                        exact,
                        prefix,
                        suffix,
                    })
                }
                W3cSelector::TextPositionSelector { start, end } => {
                    position = Some(TextPositionSelector { start, end })
                }
            }
        }
        let quote = quote.ok_or_else(|| bad("no TextQuoteSelector"))?;
        let position = position.unwrap_or(TextPositionSelector { start: 0, end: 0 });
        let body = |purpose: &str| {
            item.body
                .iter()
                .filter(|b| b.purpose == purpose)
                .map(|b| b.value.clone())
                .collect::<Vec<_>>()
        };
        let id = item
            .id
            .rsplit(':')
            .next()
            .and_then(|id| id.parse().ok())
            .unwrap_or(0);
        annotations.push((
            note_id,
            Annotation {
                id,
                note_id,
                selector: Selector { quote, position },
                status: item.status,
                previous_quote: item.previous_quote,
                color: item.color,
                comment: body("commenting").into_iter().next(),
                tags: body("tagging"),
                created: item.created,
                updated: item.modified,
            },
        ));
    }
    Ok(Bundle { notes, annotations })
}
