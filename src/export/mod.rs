//! Export: every note with its annotations, as Markdown (YAML front matter, the body, then
//! the highlights) or JSON (the same records `lode show --json` prints), one file per note;
//! or the library as one file of citations ([`cite`]).

pub mod cite;
pub mod w3c;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::import::markdown::escape;
use crate::model::{Annotation, Color, Note};

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Markdown,
    Json,
    /// W3C Web Annotation JSON-LD, with the notes it targets (see [`w3c`]).
    W3c,
    /// Citations, one file for the library (see [`cite`]): `library.json`.
    #[serde(rename = "csl-json")]
    #[cfg_attr(feature = "ts", ts(rename = "csl-json"))]
    CslJson,
    /// `library.bib`.
    Bibtex,
    /// `library.ris`.
    Ris,
}

impl ExportFormat {
    /// The one file a citation format writes into the export folder.
    pub fn citation_file(self) -> Option<&'static str> {
        match self {
            ExportFormat::CslJson => Some("library.json"),
            ExportFormat::Bibtex => Some("library.bib"),
            ExportFormat::Ris => Some("library.ris"),
            ExportFormat::Markdown | ExportFormat::Json | ExportFormat::W3c => None,
        }
    }
}

/// Writes `notes` as citations in `format` into `dir` (which exists): one file, written whole
/// or not at all (a file beside it, renamed over it). Returns its path, or `None` when
/// `format` is not a citation format.
pub fn write_citations(
    format: ExportFormat,
    notes: &[Note],
    dir: &Path,
) -> Result<Option<PathBuf>> {
    let Some(name) = format.citation_file() else {
        return Ok(None);
    };
    let refs = cite::references(notes);
    let content = match format {
        ExportFormat::CslJson => cite::csl_json(&refs),
        ExportFormat::Bibtex => cite::bibtex(&refs),
        _ => cite::ris(&refs),
    };
    let path = dir.join(name);
    let partial = dir.join(format!(".{name}.partial"));
    std::fs::write(&partial, content)?;
    std::fs::rename(&partial, &path)?;
    Ok(Some(path))
}

impl std::str::FromStr for ExportFormat {
    type Err = Error;
    fn from_str(s: &str) -> Result<ExportFormat> {
        match s.to_lowercase().as_str() {
            "markdown" | "md" => Ok(ExportFormat::Markdown),
            "json" => Ok(ExportFormat::Json),
            "w3c" | "jsonld" => Ok(ExportFormat::W3c),
            "csl-json" | "csljson" | "csl" => Ok(ExportFormat::CslJson),
            "bibtex" | "bib" => Ok(ExportFormat::Bibtex),
            "ris" => Ok(ExportFormat::Ris),
            _ => Err(Error::invalid(
                "export format",
                format!("'{s}' (use markdown, json, w3c, csl-json, bibtex or ris)"),
            )),
        }
    }
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportReport {
    pub notes: usize,
    pub files: Vec<PathBuf>,
}

#[derive(Serialize)]
struct NoteExport<'a> {
    #[serde(flatten)]
    note: &'a Note,
    annotations: &'a [Annotation],
}

/// Writes one note's file into `dir` (which exists); `color_names` are the meanings the user
/// gave the colours. Returns the file's path.
pub fn write_note(
    format: ExportFormat,
    note: &Note,
    annotations: &[Annotation],
    color_names: &[(Color, String)],
    dir: &Path,
) -> Result<PathBuf> {
    let stem = file_stem(note);
    let (path, content) = match format {
        ExportFormat::Markdown => (
            dir.join(format!("{stem}.md")),
            markdown(note, annotations, color_names),
        ),
        ExportFormat::Json
        | ExportFormat::W3c
        | ExportFormat::CslJson
        | ExportFormat::Bibtex
        | ExportFormat::Ris => (
            dir.join(format!("{stem}.json")),
            serde_json::to_string_pretty(&NoteExport { note, annotations })?,
        ),
    };
    std::fs::write(&path, content)?;
    Ok(path)
}

/// A note's file name without its extension: its id, then its title's first words.
pub fn file_stem(note: &Note) -> String {
    format!("{:05}-{}", note.id, slug(&note.article.title))
}

/// The longest slug in a file name, in bytes: names stay far below the file system's 255.
const MAX_SLUG_BYTES: usize = 100;

fn slug(title: &str) -> String {
    let slug: String = title
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .take(8)
        .collect::<Vec<_>>()
        .join("-");
    let mut end = slug.len().min(MAX_SLUG_BYTES);
    while !slug.is_char_boundary(end) {
        end -= 1;
    }
    let slug = slug[..end].trim_end_matches('-');
    if slug.is_empty() {
        "note".into()
    } else {
        slug.to_string()
    }
}

/// A YAML double-quoted scalar (JSON's string syntax is a subset of it).
fn yaml(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// Lode's Markdown: front matter with the properties Obsidian reads (every value quoted), the
/// title as a heading, the body, then the highlights. Text is escaped so that no viewer
/// renders a clipped page's raw HTML or links ([`escape`]); `lode import` reads it
/// all back.
pub fn markdown(
    note: &Note,
    annotations: &[Annotation],
    color_names: &[(Color, String)],
) -> String {
    let a = &note.article;
    let mut out = String::from("---\n");
    out.push_str(&format!("title: {}\n", yaml(&a.title)));
    for (key, value) in [
        ("description", &a.standfirst),
        ("author", &a.author),
        ("site", &a.site),
        ("source", &a.url),
    ] {
        if let Some(v) = value {
            out.push_str(&format!("{key}: {}\n", yaml(v)));
        }
    }
    if let Some(d) = a.published {
        out.push_str(&format!("published: {}\n", yaml(&d.to_string())));
    }
    out.push_str(&format!("language: {}\n", yaml(&a.language)));
    for (key, list) in [("sections", &a.sections), ("tags", &a.tags)] {
        if !list.is_empty() {
            out.push_str(&format!(
                "{key}: [{}]\n",
                list.iter().map(|s| yaml(s)).collect::<Vec<_>>().join(", ")
            ));
        }
    }
    out.push_str(&format!(
        "created: {}\n---\n\n# {}\n\n",
        yaml(&note.created.to_rfc3339()),
        escape(&a.title)
    ));
    out.push_str(&escape(&a.body));
    out.push('\n');
    if !annotations.is_empty() {
        out.push_str("\n## Highlights\n");
        for ann in annotations {
            out.push('\n');
            for line in escape(&ann.selector.quote.exact).split('\n') {
                out.push_str(if line.is_empty() { ">" } else { "> " });
                out.push_str(line);
                out.push('\n');
            }
            if let Some(comment) = &ann.comment {
                out.push_str(&format!("\n{}\n", escape(comment)));
            }
            let colour = match color_names.iter().find(|(c, _)| *c == ann.color) {
                Some((c, name)) => format!("colour: {name} ({})", c.as_str()),
                None => format!("colour: {}", ann.color.as_str()),
            };
            let mut meta = vec![colour];
            if !ann.tags.is_empty() {
                meta.push(format!(
                    "tags: {}",
                    ann.tags
                        .iter()
                        .map(|t| format!("#{}", t.replace(' ', "-")))
                        .collect::<Vec<_>>()
                        .join(" ")
                ));
            }
            out.push_str(&format!("\n*{}*\n", meta.join(" · ")));
        }
    }
    out
}
