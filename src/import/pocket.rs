//! Pocket: the list (`part_*.csv`: `title,url,time_added,[cursor,]tags,status`, tags joined by
//! `|`), its highlights (`annotations/part_*`: `[{url, title, highlights: [{quote,
//! created_at}]}]`) and the older `ril_export.html` (`<h1>Unread</h1><ul><li><a href
//! time_added tags>`). Pocket kept no article text: every item is an address.

use std::sync::LazyLock;

use regex::Regex;

use super::{ARCHIVED, Export, Format, Highlight, Item, Rows, address, json_str, line, time};

pub(super) fn read_list(rows: &Rows) -> Export {
    read(std::slice::from_ref(rows), None)
}

/// The list's files and, if any, the highlights' JSON.
pub(super) fn read(lists: &[Rows], annotations: Option<&serde_json::Value>) -> Export {
    let mut items = Vec::new();
    let mut skipped = Vec::new();
    for rows in lists {
        skipped.extend(rows.skipped.iter().cloned());
        for row in rows.each() {
            let Some(url) = address(row.get("url").as_deref()) else {
                skipped.push(format!(
                    "not an http(s) address: {}",
                    row.get("url").unwrap_or_default()
                ));
                continue;
            };
            let mut tags = super::split_tags(row.get("tags").as_deref(), '|');
            if row.get("status").as_deref() == Some("archive") {
                tags.push(ARCHIVED.into());
            }
            items.push(Item {
                title: line(row.get("title").as_deref()).filter(|t| *t != url),
                url: Some(url),
                saved: time(row.get("time_added").as_deref()),
                tags,
                ..Item::default()
            });
        }
    }
    for entry in annotations.and_then(|a| a.as_array()).into_iter().flatten() {
        let Some(url) = address(json_str(entry, "url")) else {
            skipped.push("highlights without an http(s) address".into());
            continue;
        };
        let highlights = entry["highlights"].as_array().into_iter().flatten();
        items.push(Item {
            title: line(json_str(entry, "title")),
            url: Some(url),
            highlights: highlights
                .filter_map(|h| {
                    Some(Highlight {
                        quote: super::text(json_str(h, "quote"))?,
                        created: super::json_time(&h["created_at"]),
                        ..Highlight::default()
                    })
                })
                .collect(),
            ..Item::default()
        });
    }
    Export {
        format: Format::Pocket,
        items: super::merge_by_url(items),
        skipped,
    }
}

static HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?is)<h1[^>]*>(.*?)</h1>|<a\s([^>]*)>(.*?)</a>").expect("a valid pattern")
});
static ATTRIBUTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)([a-z_]+)\s*=\s*(?:"([^"]*)"|'([^']*)')"#).expect("a valid pattern")
});

/// Whether `text` is Pocket's HTML export: links carrying `time_added` under `<h1>` sections.
pub(super) fn is_html_export(text: &str) -> bool {
    let head = &text[..text.len().min(64 * 1024)];
    let lower = head.to_ascii_lowercase();
    lower.contains("time_added=") && lower.contains("<h1") && !lower.contains("<article")
}

/// The `name="value"` attributes of a tag, names lower-cased, values decoded.
pub(super) fn attributes(tag: &str) -> Vec<(String, String)> {
    ATTRIBUTE
        .captures_iter(tag)
        .map(|c| {
            let value = c.get(2).or(c.get(3)).map_or("", |m| m.as_str());
            (c[1].to_ascii_lowercase(), crate::clip::html_text(value))
        })
        .collect()
}

pub(super) fn read_html(text: &str) -> Export {
    let mut items = Vec::new();
    let mut skipped = Vec::new();
    let mut archived = false;
    for c in HEADING.captures_iter(text) {
        if let Some(heading) = c.get(1) {
            archived = crate::clip::html_text(heading.as_str())
                .to_lowercase()
                .contains("archive");
            continue;
        }
        let attributes = attributes(&c[2]);
        let attribute = |name: &str| {
            attributes
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        };
        let Some(url) = address(attribute("href")) else {
            skipped.push(format!(
                "not an http(s) address: {}",
                attribute("href").unwrap_or_default()
            ));
            continue;
        };
        let mut tags = super::split_tags(attribute("tags"), ',');
        if archived {
            tags.push(ARCHIVED.into());
        }
        items.push(Item {
            title: line(Some(&crate::clip::html_text(&c[3]))).filter(|t| *t != url),
            url: Some(url),
            saved: time(attribute("time_added")),
            tags,
            ..Item::default()
        });
    }
    Export {
        format: Format::Pocket,
        items: super::merge_by_url(items),
        skipped,
    }
}
