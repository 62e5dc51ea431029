//! Karakeep (formerly Hoarder): `{bookmarks: [{createdAt, title, tags, lists, content:
//! {type: "link", url} | {type: "text", text}, note, archived}], lists: [{id, name,
//! parentId}]}`. Lists become nested tags (`Parent/Child`); highlights are not exported.

use std::collections::HashMap;

use super::{
    ARCHIVED, Content, Export, Format, Item, address, json_names, json_str, json_time, line, text,
};

pub(super) fn read(json: &serde_json::Value) -> Export {
    let lists: HashMap<&str, (&str, Option<&str>)> = json["lists"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|l| {
            Some((
                json_str(l, "id")?,
                (json_str(l, "name")?, json_str(l, "parentId")),
            ))
        })
        .collect();
    // A list's path from the top, at most 32 deep (a cycle in the file ends there).
    let path = |id: &str| {
        let mut names = Vec::new();
        let mut at = Some(id);
        while let Some(id) = at
            && names.len() < 32
            && let Some(&(name, parent)) = lists.get(id)
        {
            names.push(name.replace('/', "-"));
            at = parent;
        }
        names.reverse();
        names.join("/")
    };
    let mut items = Vec::new();
    let mut skipped = Vec::new();
    for b in json["bookmarks"].as_array().into_iter().flatten() {
        let content = &b["content"];
        let (url, body) = match json_str(content, "type") {
            Some("link") => (address(json_str(content, "url")), None),
            Some("text") => (None, text(json_str(content, "text")).map(Content::Text)),
            _ => (None, None),
        };
        if url.is_none() && body.is_none() {
            skipped.push(format!(
                "{:?}: neither an http(s) address nor text (an asset, which Karakeep does not export)",
                json_str(b, "title").unwrap_or_default()
            ));
            continue;
        }
        let mut tags = json_names(b.get("tags"));
        for list in b["lists"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|l| l.as_str())
        {
            let path = path(list);
            if !path.is_empty() {
                tags.push(path);
            }
        }
        if b["archived"].as_bool() == Some(true) {
            tags.push(ARCHIVED.into());
        }
        if b["favourited"].as_bool() == Some(true) {
            tags.push(super::STARRED.into());
        }
        items.push(Item {
            title: line(json_str(b, "title")),
            url,
            content: body,
            tags,
            saved: json_time(&b["createdAt"]),
            note: text(json_str(b, "note")),
            ..Item::default()
        });
    }
    Export {
        format: Format::Karakeep,
        items,
        skipped,
    }
}
