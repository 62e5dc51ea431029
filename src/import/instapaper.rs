//! Instapaper's CSV: `URL,Title,Selection,Folder,Timestamp,Tags` (the folder `Unread`,
//! `Archive`, `Starred` or one of the user's; tags a JSON array). The selection is a passage
//! the user chose: a highlight of the page, or the note's text when there is no address.

use super::{
    ARCHIVED, Content, Export, Format, Highlight, Item, Rows, STARRED, address, line, text, time,
};

pub(super) fn read_csv(rows: &Rows) -> Export {
    let mut items = Vec::new();
    let mut skipped = rows.skipped.clone();
    for row in rows.each() {
        let url = address(row.get("url").as_deref());
        let selection = text(row.get("selection").as_deref());
        if url.is_none() && selection.is_none() {
            skipped.push(format!(
                "{:?}: neither an http(s) address nor a selection",
                row.get("title")
            ));
            continue;
        }
        let tags_cell = row.get("tags").unwrap_or_default();
        let mut tags: Vec<String> = serde_json::from_str::<Vec<serde_json::Value>>(&tags_cell)
            .map(|list| {
                list.iter()
                    .filter_map(|t| t.as_str().or_else(|| super::json_str(t, "name")))
                    .filter_map(|t| line(Some(t)))
                    .collect()
            })
            .unwrap_or_else(|_| super::split_tags(Some(&tags_cell), ','));
        match row.get("folder").as_deref() {
            None | Some("Unread") => {}
            Some("Archive") => tags.push(ARCHIVED.into()),
            Some("Starred") => tags.push(STARRED.into()),
            Some(folder) => tags.extend(line(Some(&folder.replace('/', "-")))),
        }
        let (content, highlights) = match (&url, selection) {
            (None, selection) => (selection.map(Content::Text), Vec::new()),
            (Some(_), Some(quote)) => (
                None,
                vec![Highlight {
                    quote,
                    ..Highlight::default()
                }],
            ),
            (Some(_), None) => (None, Vec::new()),
        };
        items.push(Item {
            title: line(row.get("title").as_deref()),
            url,
            content,
            tags,
            saved: time(row.get("timestamp").as_deref()),
            highlights,
            ..Item::default()
        });
    }
    Export {
        format: Format::Instapaper,
        items,
        skipped,
    }
}
