//! Copy-to-highlight: a passage copied from an article already in the library is highlighted
//! there instead of becoming a note.

use lode::{Clip, ClipOptions, ClipStatus, FetchSettings};

use crate::common::TestLibrary;

const LITHIUM: &str = "Northwind lithium plant opens\n\nThe plant near Tashkent will refine 20,000 tonnes of lithium carbonate a year, the ministry said on Monday.\n\nMost of its output is promised to battery makers in Europe under the new partnership.\n";
const COBALT: &str = "Cobalt talks resume\n\nNegotiators met again in Brussels on Thursday to discuss the cobalt supply chain.\n\nMost of its output is promised to battery makers in Europe under the new partnership.\n";

fn clip(t: &TestLibrary, text: &str, url: Option<&str>) -> lode::ClipOutcome {
    t.lib
        .clip(&Clip {
            text: Some(text.into()),
            url: url.map(str::to_string),
            ..Clip::default()
        })
        .unwrap()
}

fn library() -> (TestLibrary, i64, i64) {
    let t = TestLibrary::new();
    let lithium = clip(&t, LITHIUM, Some("https://example.org/lithium")).id;
    let cobalt = clip(&t, COBALT, None).id;
    t.lib.flush_index().unwrap();
    (t, lithium, cobalt)
}

#[test]
fn a_passage_of_a_note_is_highlighted_there_in_the_default_colour() {
    let (t, lithium, _) = library();
    // As a browser copies it: other line breaks and spaces than the stored body.
    let out = clip(
        &t,
        "  will refine 20,000 tonnes\nof lithium   carbonate a year ",
        None,
    );
    assert_eq!(out.status, ClipStatus::Highlighted);
    assert_eq!(out.id, lithium);
    assert_eq!(out.title, "Northwind lithium plant opens");
    let annotations = t.lib.annotations(lithium).unwrap();
    assert_eq!(annotations.len(), 1);
    assert_eq!(Some(annotations[0].id), out.annotation_id);
    assert_eq!(
        annotations[0].selector.quote.exact,
        "will refine 20,000 tonnes of lithium carbonate a year"
    );
    assert_eq!(annotations[0].color, lode::Color::default());
    assert_eq!(
        t.lib.notes(&Default::default()).unwrap().len(),
        2,
        "no new note"
    );
}

#[test]
fn a_passage_copied_with_other_punctuation_or_a_changed_word_is_found_in_its_note() {
    let (t, lithium, _) = library();
    // Curly quotes, a dash, another case and no comma: the letters and digits are the same.
    let out = clip(
        &t,
        "THE PLANT near Tashkent will refine 20 000 tonnes",
        None,
    );
    assert_eq!(out.status, ClipStatus::Highlighted);
    assert_eq!(out.id, lithium);
    // A long passage the page has corrected since (20,000 → 25,000).
    let changed =
        "will refine 25,000 tonnes of lithium carbonate a year, the ministry said on Monday.";
    let out = clip(&t, changed, None);
    assert_eq!(out.status, ClipStatus::Highlighted, "{out:?}");
    let quotes: Vec<String> = (t.lib.annotations(lithium).unwrap().into_iter())
        .map(|a| a.selector.quote.exact)
        .collect();
    assert_eq!(
        quotes,
        [
            "The plant near Tashkent will refine 20,000 tonnes",
            "will refine 20,000 tonnes of lithium carbonate a year, the ministry said on Monday."
        ],
        "the note's own text is highlighted"
    );
    // A short passage with a changed word is another sentence: a note.
    let out = clip(&t, "the ministry said on Tuesday.", None);
    assert_eq!(out.status, ClipStatus::Created);
}

#[test]
fn the_clips_address_picks_the_note_and_a_passage_in_several_notes_is_left_to_choose() {
    let (t, lithium, cobalt) = library();
    let shared = "Most of its output is promised to battery makers in Europe";
    let out = clip(
        &t,
        shared,
        Some("https://example.org/lithium?utm_source=mail"),
    );
    assert_eq!((out.status, out.id), (ClipStatus::Highlighted, lithium));
    let out = clip(&t, shared, None);
    assert_eq!(out.status, ClipStatus::InSeveral);
    let mut found: Vec<i64> = out.matches.iter().map(|m| m.id).collect();
    found.sort_unstable();
    assert_eq!(found, [lithium, cobalt]);
    assert!(
        t.lib.annotations(cobalt).unwrap().is_empty(),
        "nothing was made"
    );
}

#[test]
fn a_passage_found_nowhere_or_clipped_as_a_note_is_a_note_and_a_whole_note_is_itself() {
    let (t, lithium, _) = library();
    let out = clip(
        &t,
        "A sentence that no note of this library holds at all.",
        None,
    );
    assert_eq!(out.status, ClipStatus::Created);
    let forced = t
        .lib
        .clip_with(
            &Clip {
                text: Some("the ministry said on Monday".into()),
                ..Clip::default()
            },
            &ClipOptions {
                as_note: true,
                fetch_page: false,
            },
        )
        .unwrap();
    assert_eq!(forced.status, ClipStatus::Created);
    assert!(t.lib.annotations(lithium).unwrap().is_empty());
    // A one-paragraph note copied again whole is that note, unchanged.
    let again = clip(
        &t,
        "A sentence that no note of this library holds at all.",
        None,
    );
    assert_eq!((again.status, again.id), (ClipStatus::Unchanged, out.id));
}

#[test]
fn a_passage_of_a_page_not_in_the_library_clips_that_page_and_highlights_it() {
    let page = "<html><head><title>Niobium exports double</title></head><body><h1>Niobium exports double</h1>\
        <p>Kazakhstan shipped twice as much niobium concentrate this year as last, the ministry said.</p>\
        <p>Most of it went to smelters in Europe, where demand for high-strength steel keeps rising.</p></body></html>";
    let url = format!(
        "{}/niobium",
        crate::common::serve(move |_| crate::common::Reply {
            content_type: "text/html",
            ..crate::common::Reply::html(page)
        })
    );
    let (t, _, _) = library();
    t.lib
        .set_fetch_settings(&FetchSettings {
            complete_details: true,
            allow_private: true,
        })
        .unwrap();
    let passage = Clip {
        text: Some("where demand for high-strength steel keeps rising".into()),
        url: Some(url.clone()),
        ..Clip::default()
    };
    let options = ClipOptions {
        as_note: false,
        fetch_page: true,
    };
    let out = t.lib.clip_with(&passage, &options).unwrap();
    assert_eq!(out.status, ClipStatus::Highlighted, "{out:?}");
    let note = t.lib.note(out.id).unwrap();
    assert_eq!(note.article.title, "Niobium exports double");
    assert!(
        note.article.body.starts_with("Kazakhstan shipped"),
        "the page whole"
    );
    assert_eq!(t.lib.annotations(out.id).unwrap().len(), 1);
    // Without fetching, the passage of an unknown page is a note, as before.
    let other = Clip {
        text: Some("demand for high-strength steel keeps rising in Europe".into()),
        url: Some(format!("{url}-elsewhere")),
        ..Clip::default()
    };
    let out = t.lib.clip(&other).unwrap();
    assert_eq!(out.status, ClipStatus::Created);
}
