//! Wallabag: the JSON export (`[{title, url, content (HTML), tags, is_archived, is_starred,
//! created_at, published_at, published_by, annotations: [{quote, text}]}]`) and the CSV one
//! (`Title;URL;Content;Tags;MIME Type;Language;Creation date`, `;`-separated, the content's
//! line breaks stripped, tags joined by `, `).

use super::{
    ARCHIVED, Content, Export, Format, Highlight, Item, Rows, STARRED, address, json_names,
    json_str, json_time, line, text, time,
};

pub(super) fn read_json(json: &serde_json::Value) -> Export {
    let mut items = Vec::new();
    let mut skipped = Vec::new();
    for e in json.as_array().into_iter().flatten() {
        let url = address(json_str(e, "url"));
        let content = text(json_str(e, "content")).map(Content::Html);
        if url.is_none() && content.is_none() {
            skipped.push(format!(
                "{:?}: neither an http(s) address nor content",
                json_str(e, "title")
            ));
            continue;
        }
        let mut tags = json_names(e.get("tags"));
        let flag = |key: &str| e[key].as_i64() == Some(1) || e[key].as_bool() == Some(true);
        if flag("is_archived") {
            tags.push(ARCHIVED.into());
        }
        if flag("is_starred") {
            tags.push(STARRED.into());
        }
        let authors = json_names(e.get("published_by"));
        let annotations = e["annotations"].as_array().into_iter().flatten();
        items.push(Item {
            title: line(json_str(e, "title")),
            url,
            author: (!authors.is_empty()).then(|| authors.join(", ")),
            content,
            tags,
            saved: json_time(&e["created_at"]),
            published: json_time(&e["published_at"]).map(|t| t.date_naive()),
            highlights: annotations
                .filter_map(|a| {
                    Some(Highlight {
                        quote: text(json_str(a, "quote"))?,
                        comment: text(json_str(a, "text")),
                        created: json_time(&a["created_at"]),
                        ..Highlight::default()
                    })
                })
                .collect(),
            ..Item::default()
        });
    }
    Export {
        format: Format::Wallabag,
        items,
        skipped,
    }
}

pub(super) fn read_csv(rows: &Rows) -> Export {
    let mut items = Vec::new();
    let mut skipped = rows.skipped.clone();
    for row in rows.each() {
        let url = address(row.get("url").as_deref());
        let content = text(row.get("content").as_deref()).map(Content::Html);
        if url.is_none() && content.is_none() {
            skipped.push(format!(
                "{:?}: neither an http(s) address nor content",
                row.get("title")
            ));
            continue;
        }
        // `d/m/Y h:i:s` on a 12-hour clock without AM or PM: only the day is certain.
        let saved = row.get("creation date").and_then(|d| {
            let day = chrono::NaiveDate::parse_from_str(d.split(' ').next()?, "%d/%m/%Y").ok()?;
            time(Some(&day.to_string()))
        });
        items.push(Item {
            title: line(row.get("title").as_deref()),
            url,
            content,
            tags: super::split_tags(row.get("tags").as_deref(), ','),
            saved,
            ..Item::default()
        });
    }
    Export {
        format: Format::Wallabag,
        items,
        skipped,
    }
}
