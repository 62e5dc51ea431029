//! Hypothesis: `{export_date, export_userid, annotations: [{uri, text, tags, created,
//! target: [{selector: [TextQuoteSelector {exact, prefix, suffix}, …]}], document: {title},
//! references}]}`. An annotation with a quote is a highlight of the page at `uri` (its
//! offsets count UTF-16 units of the page, so the quote and its context anchor it); one
//! without a quote is a note on the page; a reply is added to the comment it answers.

use std::collections::HashMap;

use super::{
    Export, Format, Highlight, Item, address, json_names, json_str, json_time, line, text,
};

pub(super) fn read(json: &serde_json::Value) -> Export {
    let mut items: Vec<Item> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    let mut skipped = Vec::new();
    // Where each annotation went, for its replies: (item, highlight or the item's note).
    let mut placed: HashMap<String, (usize, Option<usize>)> = HashMap::new();
    let annotations = json["annotations"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    // Replies after the annotations they answer, whatever the file's order.
    let (replies, originals): (Vec<_>, Vec<_>) = annotations
        .iter()
        .partition(|a| a["references"].as_array().is_some_and(|r| !r.is_empty()));
    for a in originals.into_iter().chain(replies) {
        let id = json_str(a, "id").unwrap_or_default().to_string();
        let comment = text(json_str(a, "text"));
        if let Some(parent) = a["references"]
            .as_array()
            .and_then(|r| r.last())
            .and_then(|r| r.as_str())
        {
            let Some(&(item, highlight)) = placed.get(parent) else {
                skipped.push(format!(
                    "a reply to annotation {parent}, which is not in the file"
                ));
                continue;
            };
            let user = json_str(a, "user")
                .unwrap_or("someone")
                .trim_start_matches("acct:");
            let reply = format!("{user}: {}", comment.unwrap_or_default());
            let slot = match highlight {
                Some(h) => &mut items[item].highlights[h].comment,
                None => &mut items[item].note,
            };
            *slot = Some(match slot.take() {
                Some(c) => format!("{c}\n\n{reply}"),
                None => reply,
            });
            placed.insert(id, (item, highlight));
            continue;
        }
        let Some(url) = address(json_str(a, "uri")) else {
            skipped.push(format!("annotation {id}: not on an http(s) page"));
            continue;
        };
        let title = a["document"]["title"]
            .as_array()
            .and_then(|t| t.first())
            .and_then(|t| t.as_str())
            .and_then(|t| line(Some(t)));
        let i = *at.entry(url.clone()).or_insert_with(|| {
            items.push(Item {
                title: title.clone(),
                url: Some(url.clone()),
                ..Item::default()
            });
            items.len() - 1
        });
        let quote = a["target"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|t| t["selector"].as_array().into_iter().flatten())
            .find(|s| json_str(s, "type") == Some("TextQuoteSelector"));
        let tags = json_names(a.get("tags"));
        match quote.and_then(|q| Some((q, text(json_str(q, "exact"))?))) {
            Some((q, exact)) => {
                items[i].highlights.push(Highlight {
                    quote: exact,
                    comment,
                    tags,
                    prefix: json_str(q, "prefix").map(str::to_string),
                    suffix: json_str(q, "suffix").map(str::to_string),
                    created: json_time(&a["created"]),
                    ..Highlight::default()
                });
                placed.insert(id, (i, Some(items[i].highlights.len() - 1)));
            }
            None => {
                // A page note: its words are the note's, its tags the page's.
                let item = &mut items[i];
                if let Some(comment) = comment {
                    item.note = Some(match item.note.take() {
                        Some(n) => format!("{n}\n\n{comment}"),
                        None => comment,
                    });
                }
                for tag in tags {
                    if !item.tags.contains(&tag) {
                        item.tags.push(tag);
                    }
                }
                placed.insert(id, (i, None));
            }
        }
    }
    Export {
        format: Format::Hypothesis,
        items,
        skipped,
    }
}
