//! Omnivore: `metadata_*.json` batches of items (`title, description, author, url, labels,
//! savedAt, publishedAt, state, slug`), each item's readable page in `content/{slug}.html`
//! and its highlights in `highlights/{slug}.md` (`> quote`, then `#label #label`, then the
//! note; a document note alone is a paragraph without a quote).

use std::collections::HashMap;

use super::{
    ARCHIVED, Content, Export, Format, Highlight, Item, address, json_names, json_str, json_time,
    line, text,
};

/// Items from the metadata batches, with their content and highlights by slug.
pub(super) fn read(
    batches: &[serde_json::Value],
    content: &HashMap<String, String>,
    highlights: &HashMap<String, String>,
) -> Export {
    let mut items = Vec::new();
    let mut skipped = Vec::new();
    for batch in batches {
        let list = batch.as_array().map(Vec::as_slice).unwrap_or_default();
        for entry in list {
            let url = address(json_str(entry, "url").or(json_str(entry, "originalUrl")));
            let slug = json_str(entry, "slug").unwrap_or_default();
            let body = content.get(slug).cloned().map(Content::Html);
            if url.is_none() && body.is_none() {
                skipped.push(format!(
                    "{:?}: neither an http(s) address nor content",
                    json_str(entry, "title").unwrap_or(slug)
                ));
                continue;
            }
            let mut tags = json_names(entry.get("labels"));
            if json_str(entry, "state").is_some_and(|s| s.eq_ignore_ascii_case("archived")) {
                tags.push(ARCHIVED.into());
            }
            let (marks, note) = highlights
                .get(slug)
                .map(|md| read_highlights(md))
                .unwrap_or_default();
            items.push(Item {
                title: line(json_str(entry, "title")),
                url,
                author: line(json_str(entry, "author")),
                description: line(json_str(entry, "description")),
                content: body,
                tags,
                saved: json_time(&entry["savedAt"]),
                published: json_time(&entry["publishedAt"]).map(|t| t.date_naive()),
                note,
                highlights: marks,
            });
        }
    }
    Export {
        format: Format::Omnivore,
        items,
        skipped,
    }
}

/// An item's highlights file: its highlights, and its document notes joined.
fn read_highlights(md: &str) -> (Vec<Highlight>, Option<String>) {
    let mut found: Vec<Highlight> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    let canonical = crate::clip::canonical_text(md);
    for block in canonical
        .split("\n\n")
        .map(str::trim)
        .filter(|b| !b.is_empty())
    {
        if block.starts_with('>') {
            let quote: Vec<&str> = block
                .lines()
                .map(|l| {
                    l.trim_start_matches('>')
                        .strip_prefix(' ')
                        .unwrap_or(l.trim_start_matches('>'))
                })
                .collect();
            // A quote's blank lines are written as `> `: they end up as blocks of their own.
            match found.last_mut() {
                Some(last)
                    if last.comment.is_none() && last.tags.is_empty() && continues(block) =>
                {
                    last.quote = format!("{}\n\n{}", last.quote, quote.join("\n"));
                }
                _ => found.push(Highlight {
                    quote: quote.join("\n").trim().to_string(),
                    ..Highlight::default()
                }),
            }
        } else if let Some(last) = found.last_mut()
            && last.comment.is_none()
            && last.tags.is_empty()
            && block
                .split_whitespace()
                .all(|w| w.starts_with('#') && w.len() > 1)
        {
            last.tags = super::split_tags(Some(&block.replace(' ', ",")), ',');
        } else if let Some(last) = found.last_mut()
            && last.comment.is_none()
        {
            last.comment = text(Some(block));
        } else {
            notes.push(block.to_string());
        }
    }
    found.retain(|h| !h.quote.is_empty());
    let note = (!notes.is_empty()).then(|| notes.join("\n\n"));
    (found, note)
}

/// Whether a quote block follows the previous one as its next paragraph (Omnivore writes a
/// quote's blank line as a lone `>` line, which `canonical_text` may leave as `>`).
fn continues(block: &str) -> bool {
    block.lines().next().is_some_and(|l| l.trim() == ">")
}
