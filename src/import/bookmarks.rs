//! A browser's bookmarks (the Netscape bookmark file that browsers, Pinboard, Raindrop and
//! Karakeep write): `<DT><H3>Folder</H3><DL><p><DT><A HREF ADD_DATE TAGS>Title</A><DD>note
//! </DL>`, `<p>` optional. Folders become nested tags (`Folder/Sub`); the browser's own
//! toolbar and "unfiled" folders are not the user's and add no tag.

use std::sync::LazyLock;

use regex::Regex;

use super::{Export, Format, Item, address, line, time};
use crate::clip::html_text;

static TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?is)<h3\b([^>]*)>(.*?)</h3\s*>|<dl\b[^>]*>|</dl\s*>|<a\s([^>]*)>(.*?)</a\s*>|<dd>([^<]*)")
        .expect("a valid pattern")
});

/// Whether `head` (a file's first characters) opens a Netscape bookmark file.
pub(super) fn is_bookmarks(head: &str) -> bool {
    head.get(..64)
        .unwrap_or(head)
        .to_ascii_uppercase()
        .contains("NETSCAPE-BOOKMARK-FILE")
}

pub(super) fn read(text: &str) -> Export {
    let mut items: Vec<Item> = Vec::new();
    let mut skipped = Vec::new();
    // The open folders (`None` for a list that is no folder of the user's, such as the root).
    let mut open: Vec<Option<String>> = Vec::new();
    let mut pending: Option<Option<String>> = None;
    let mut last_was_link = false;
    for c in TOKEN.captures_iter(text) {
        let whole = c[0].to_ascii_lowercase();
        if let Some(attributes) = c.get(1) {
            let attributes = super::pocket::attributes(attributes.as_str());
            let browsers_own = attributes.iter().any(|(n, v)| {
                (n == "personal_toolbar_folder" || n == "unfiled_bookmarks_folder") && v == "true"
            });
            let name = line(Some(&html_text(&c[2]))).map(|n| n.replace('/', "-"));
            pending = Some(name.filter(|_| !browsers_own));
            last_was_link = false;
        } else if whole.starts_with("<dl") {
            open.push(pending.take().flatten());
            last_was_link = false;
        } else if whole.starts_with("</dl") {
            open.pop();
            last_was_link = false;
        } else if let Some(attributes) = c.get(3) {
            let attributes = super::pocket::attributes(attributes.as_str());
            let attribute = |name: &str| {
                attributes
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v.as_str())
            };
            last_was_link = false;
            let Some(url) = address(attribute("href")) else {
                let href: String = attribute("href")
                    .unwrap_or_default()
                    .chars()
                    .take(60)
                    .collect();
                skipped.push(format!("not an http(s) address: {href}"));
                continue;
            };
            let mut tags = super::split_tags(attribute("tags"), ',');
            let folders: Vec<&str> = open.iter().flatten().map(String::as_str).collect();
            if !folders.is_empty() {
                tags.push(folders.join("/"));
            }
            items.push(Item {
                title: line(Some(&html_text(&c[4]))).filter(|t| *t != url),
                url: Some(url),
                saved: time(attribute("add_date")),
                tags,
                ..Item::default()
            });
            last_was_link = true;
        } else if let Some(note) = c.get(5) {
            if last_was_link && let Some(item) = items.last_mut() {
                item.description = line(Some(&html_text(note.as_str())));
            }
            last_was_link = false;
        }
    }
    Export {
        format: Format::Bookmarks,
        items: super::merge_by_url(items),
        skipped,
    }
}
