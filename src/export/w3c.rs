//! The W3C Web Annotation bundle: `annotations.jsonld` (an AnnotationCollection whose items
//! carry a TextQuoteSelector and a TextPositionSelector, the comment and tags as textual
//! bodies, and Lode's colour and anchoring status as `lode:` terms) and `notes.json`, the notes
//! they target (article, tags, times, raw clip and earlier bodies), so that the folder is
//! complete: `lode import DIR` reads it back into any library with nothing lost.

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

/// Writes the bundle into `dir`; returns the files written.
pub fn write(
    dir: &Path,
    notes: &[BundleNote],
    annotations: &[Annotation],
) -> Result<Vec<std::path::PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let collection = Collection {
        context: serde_json::json!(["http://www.w3.org/ns/anno.jsonld", { "lode": "urn:lode:vocab#" }]),
        kind: "AnnotationCollection".into(),
        label: "Lode highlights".into(),
        total: annotations.len(),
        items: annotations.iter().map(annotation_from).collect(),
    };
    let (a, n) = (dir.join(ANNOTATIONS_FILE), dir.join(NOTES_FILE));
    std::fs::write(&a, serde_json::to_string_pretty(&collection)?)?;
    std::fs::write(&n, serde_json::to_string_pretty(notes)?)?;
    Ok(vec![a, n])
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

pub fn read(dir: &Path) -> Result<Bundle> {
    let notes: Vec<BundleNote> =
        serde_json::from_str(&std::fs::read_to_string(dir.join(NOTES_FILE))?)?;
    let collection: Collection =
        serde_json::from_str(&std::fs::read_to_string(dir.join(ANNOTATIONS_FILE))?)?;
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
