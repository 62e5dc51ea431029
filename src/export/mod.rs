//! Export: every note with its annotations, as Markdown (YAML front matter, the body, then
//! the highlights) or JSON (the same records `lode show --json` prints), one file per note.

pub mod w3c;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{Annotation, Color, Note};

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Markdown,
    Json,
    /// W3C Web Annotation JSON-LD, with the notes it targets (see [`w3c`]).
    W3c,
}

impl std::str::FromStr for ExportFormat {
    type Err = Error;
    fn from_str(s: &str) -> Result<ExportFormat> {
        match s.to_lowercase().as_str() {
            "markdown" | "md" => Ok(ExportFormat::Markdown),
            "json" => Ok(ExportFormat::Json),
            "w3c" | "jsonld" => Ok(ExportFormat::W3c),
            _ => Err(Error::invalid(
                "export format",
                format!("'{s}' (use markdown, json or w3c)"),
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

/// Writes one file a note; `color_names` are the meanings the user gave the colours.
pub fn write(
    format: ExportFormat,
    items: &[(Note, Vec<Annotation>)],
    color_names: &[(Color, String)],
    dir: &Path,
) -> Result<ExportReport> {
    std::fs::create_dir_all(dir)?;
    let mut files = Vec::new();
    for (note, annotations) in items {
        let stem = format!("{:05}-{}", note.id, slug(&note.article.title));
        let (path, content) = match format {
            ExportFormat::Markdown => (
                dir.join(format!("{stem}.md")),
                markdown(note, annotations, color_names),
            ),
            ExportFormat::Json | ExportFormat::W3c => (
                dir.join(format!("{stem}.json")),
                serde_json::to_string_pretty(&NoteExport { note, annotations })?,
            ),
        };
        std::fs::write(&path, content)?;
        files.push(path);
    }
    Ok(ExportReport {
        notes: items.len(),
        files,
    })
}

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
    if slug.is_empty() { "note".into() } else { slug }
}

/// A YAML double-quoted scalar.
fn yaml(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

fn markdown(note: &Note, annotations: &[Annotation], color_names: &[(Color, String)]) -> String {
    let a = &note.article;
    let mut out = String::from("---\n");
    out.push_str(&format!("title: {}\n", yaml(&a.title)));
    for (key, value) in [
        ("standfirst", &a.standfirst),
        ("author", &a.author),
        ("site", &a.site),
        ("url", &a.url),
    ] {
        if let Some(v) = value {
            out.push_str(&format!("{key}: {}\n", yaml(v)));
        }
    }
    if let Some(d) = a.published {
        out.push_str(&format!("published: {d}\n"));
    }
    out.push_str(&format!("language: {}\n", a.language));
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
        note.created.to_rfc3339(),
        a.title
    ));
    out.push_str(&a.body);
    out.push('\n');
    if !annotations.is_empty() {
        out.push_str("\n## Highlights\n");
        for ann in annotations {
            out.push_str(&format!("\n> {}\n", ann.selector.quote.exact));
            if let Some(comment) = &ann.comment {
                out.push_str(&format!("\n{comment}\n"));
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
