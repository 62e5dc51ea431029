//! Obsidian Web Clipper's highlights export: `[{url, highlights: [{text, timestamp, color,
//! notes: [..], comment}]}]`, `text` being the highlighted HTML. (Its notes are Markdown files,
//! read by [`super::markdown`], `==highlights==` included.)

use super::{Export, Format, Highlight, Item, address, json_str, json_time, text};

pub(super) fn read(json: &serde_json::Value) -> Export {
    let mut items = Vec::new();
    let mut skipped = Vec::new();
    for page in json.as_array().into_iter().flatten() {
        let Some(url) = address(json_str(page, "url")) else {
            skipped.push(format!(
                "highlights of \"{}\": not an http(s) address",
                json_str(page, "url").unwrap_or_default()
            ));
            continue;
        };
        let highlights = page["highlights"].as_array().into_iter().flatten();
        items.push(Item {
            url: Some(url),
            highlights: highlights
                .filter_map(|h| {
                    let quote = text(Some(&crate::clip::html_text(json_str(h, "text")?)))?;
                    let mut comments: Vec<String> = h["notes"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|n| text(n.as_str()))
                        .collect();
                    comments.extend(text(json_str(h, "comment")));
                    Some(Highlight {
                        quote,
                        comment: (!comments.is_empty()).then(|| comments.join("\n\n")),
                        color: super::color(json_str(h, "color")),
                        created: json_time(&h["timestamp"]),
                        ..Highlight::default()
                    })
                })
                .collect(),
            ..Item::default()
        });
    }
    Export {
        format: Format::ObsidianHighlights,
        items: super::merge_by_url(items),
        skipped,
    }
}
