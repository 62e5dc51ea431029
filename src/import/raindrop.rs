//! Raindrop.io's CSV backup: `id,title,note,excerpt,url,folder,tags,created,cover,highlights,
//! favorite` (the folder a `Parent/Child` path, tags `a, b`, highlights one per line).

use super::{Export, Format, Highlight, Item, Rows, STARRED, address, line, text, time};

pub(super) fn read_csv(rows: &Rows) -> Export {
    let mut items = Vec::new();
    let mut skipped = rows.skipped.clone();
    for row in rows.each() {
        let Some(url) = address(row.get("url").as_deref()) else {
            skipped.push(format!(
                "not an http(s) address: {}",
                row.get("url").unwrap_or_default()
            ));
            continue;
        };
        let mut tags = super::split_tags(row.get("tags").as_deref(), ',');
        if let Some(folder) = line(row.get("folder").as_deref())
            && !folder.eq_ignore_ascii_case("unsorted")
        {
            tags.push(folder);
        }
        if row.get("favorite").as_deref() == Some("true") {
            tags.push(STARRED.into());
        }
        let highlights = row.get("highlights").unwrap_or_default();
        items.push(Item {
            title: line(row.get("title").as_deref()),
            url: Some(url),
            description: line(row.get("excerpt").as_deref()),
            tags,
            saved: time(row.get("created").as_deref()),
            note: text(row.get("note").as_deref()),
            highlights: highlights
                .lines()
                .filter_map(|h| text(Some(h.trim_start_matches("Highlight:").trim())))
                .map(|quote| Highlight {
                    quote,
                    ..Highlight::default()
                })
                .collect(),
            ..Item::default()
        });
    }
    Export {
        format: Format::Raindrop,
        items,
        skipped,
    }
}
