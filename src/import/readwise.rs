//! Readwise: the highlights CSV (`Highlight,Book Title,Book Author,…,Note,Color,Tags,…,
//! Highlighted at,Document tags`: one row a highlight), the CSV template Readwise imports
//! (`Highlight,Title,Author,URL,Note,Location,Date`), the API's export (books with their
//! highlights) and Reader's library CSV (`Title,URL,ID,Document tags,Saved date,…,Location,
//! Seen`, its tags a Python list).

use std::collections::HashMap;

use super::{
    ARCHIVED, Export, Format, Highlight, Item, Rows, STARRED, address, json_names, json_str,
    json_time, line, text, time,
};

pub(super) fn read_csv(rows: &Rows) -> Export {
    let mut items: Vec<Item> = Vec::new();
    // A book is its title, author and address.
    type Book = (Option<String>, Option<String>, Option<String>);
    let mut at: HashMap<Book, usize> = HashMap::new();
    let mut skipped = rows.skipped.clone();
    for row in rows.each() {
        let title = line(row.get("book title").or(row.get("title")).as_deref());
        let author = line(row.get("book author").or(row.get("author")).as_deref());
        let url = address(row.get("url").as_deref());
        let Some(quote) = text(row.get("highlight").as_deref()) else {
            skipped.push(format!("a row of {title:?} without a highlight"));
            continue;
        };
        let mut tags = super::split_tags(row.get("tags").as_deref(), ',');
        let starred = tags.iter().any(|t| t == ".favorite");
        tags.retain(|t| !t.starts_with('.'));
        let highlight = Highlight {
            quote,
            comment: text(row.get("note").as_deref()),
            color: super::color(row.get("color").as_deref()),
            tags,
            created: time(row.get("highlighted at").or(row.get("date")).as_deref()),
            ..Highlight::default()
        };
        let key = (title.clone(), author.clone(), url.clone());
        let i = *at.entry(key).or_insert_with(|| {
            items.push(Item {
                title: title.clone(),
                author: author.clone(),
                url: url.clone(),
                tags: super::split_tags(row.get("document tags").as_deref(), ','),
                ..Item::default()
            });
            items.len() - 1
        });
        if starred && !items[i].tags.iter().any(|t| t == STARRED) {
            items[i].tags.push(STARRED.into());
        }
        items[i].highlights.push(highlight);
    }
    Export {
        format: Format::Readwise,
        items,
        skipped,
    }
}

pub(super) fn read_api(json: &serde_json::Value) -> Export {
    let mut items = Vec::new();
    for book in json.as_array().into_iter().flatten() {
        let highlights = book["highlights"].as_array().into_iter().flatten();
        items.push(Item {
            title: line(json_str(book, "readable_title").or(json_str(book, "title"))),
            url: address(json_str(book, "source_url").or(json_str(book, "unique_url"))),
            author: line(json_str(book, "author")),
            description: line(json_str(book, "summary")),
            tags: json_names(book.get("book_tags")),
            note: text(json_str(book, "document_note")),
            highlights: highlights
                .filter_map(|h| {
                    Some(Highlight {
                        quote: text(json_str(h, "text"))?,
                        comment: text(json_str(h, "note")),
                        color: super::color(json_str(h, "color")),
                        tags: json_names(h.get("tags")),
                        created: json_time(&h["highlighted_at"]).or(json_time(&h["created_at"])),
                        ..Highlight::default()
                    })
                })
                .collect(),
            ..Item::default()
        });
    }
    Export {
        format: Format::Readwise,
        items,
        skipped: Vec::new(),
    }
}

pub(super) fn read_reader_csv(rows: &Rows) -> Export {
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
        let mut tags = python_list(row.get("document tags").as_deref());
        match row
            .get("location")
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("archive") => tags.push(ARCHIVED.into()),
            Some(place @ ("later" | "shortlist" | "feed")) => tags.push(format!("lode/{place}")),
            _ => {}
        }
        items.push(Item {
            title: line(row.get("title").as_deref()),
            url: Some(url),
            saved: time(row.get("saved date").as_deref()),
            tags,
            ..Item::default()
        });
    }
    Export {
        format: Format::ReadwiseReader,
        items,
        skipped,
    }
}

/// `['a', "b's", 'c']` (Python's repr of a list of strings) -> its strings.
fn python_list(s: Option<&str>) -> Vec<String> {
    let s = s.unwrap_or_default().trim();
    let Some(inner) = s.strip_prefix('[').and_then(|s| s.strip_suffix(']')) else {
        return super::split_tags(Some(s), ',');
    };
    let mut found = Vec::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\'' && c != '"' {
            continue;
        }
        let mut item = String::new();
        let mut escaped = false;
        for d in chars.by_ref() {
            match d {
                '\\' if !escaped => escaped = true,
                d if d == c && !escaped => break,
                d => {
                    item.push(d);
                    escaped = false;
                }
            }
        }
        found.extend(line(Some(&item)));
    }
    found
}
