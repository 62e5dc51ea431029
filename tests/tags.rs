//! Tags: case-insensitive, hierarchical, renamed and merged.

use lode::NoteFilter;

use crate::common::{TestLibrary, article};

fn note(t: &TestLibrary, title: &str) -> i64 {
    t.clip_text(&article(title, &[&format!("{title} is the subject of this long enough paragraph, which the clipper keeps as the body of the note.")])).id
}

fn listed(t: &TestLibrary, tag: &str) -> Vec<i64> {
    let mut ids: Vec<i64> = t
        .lib
        .notes(&NoteFilter {
            tag: Some(tag.into()),
            ..Default::default()
        })
        .unwrap()
        .iter()
        .map(|n| n.id)
        .collect();
    ids.sort_unstable();
    ids
}

#[test]
fn tags_are_case_insensitive_and_keep_their_first_spelling() {
    let t = TestLibrary::new();
    let a = note(&t, "Kazakh uranium");
    let b = note(&t, "Kyrgyz gold");
    t.lib.tag(a, &["Central Asia"]).unwrap();
    let tags = t
        .lib
        .tag(b, &["central asia", "  CENTRAL   ASIA "])
        .unwrap();
    assert_eq!(
        tags,
        ["Central Asia"],
        "one tag, first spelling, white space normalised"
    );
    let counts = t.lib.tags().unwrap();
    assert_eq!(counts.len(), 1);
    assert_eq!(counts[0].notes, 2);
}

#[test]
fn a_parent_tag_lists_its_children() {
    let t = TestLibrary::new();
    let a = note(&t, "Astana summit");
    let b = note(&t, "Bishkek protest");
    let c = note(&t, "Paris budget");
    t.lib.tag(a, &["geo/central-asia/kazakhstan"]).unwrap();
    t.lib.tag(b, &["geo/central-asia/kyrgyzstan"]).unwrap();
    t.lib.tag(c, &["geo/europe"]).unwrap();
    assert_eq!(listed(&t, "geo/central-asia"), vec![a, b]);
    assert_eq!(listed(&t, "geo"), vec![a, b, c]);
    assert_eq!(
        listed(&t, "geo/central"),
        Vec::<i64>::new(),
        "a prefix of a segment is not a parent"
    );
}

#[test]
fn renaming_a_tag_renames_its_children_and_search_follows() {
    let t = TestLibrary::new();
    let a = note(&t, "Astana summit");
    t.lib.tag(a, &["geo/central-asia/kazakhstan"]).unwrap();
    let outcome = t.lib.rename_tag("geo", "region").unwrap();
    assert!(!outcome.merged);
    assert_eq!(
        t.lib.note(a).unwrap().article.tags,
        ["region/central-asia/kazakhstan"]
    );
    assert_eq!(
        t.ids("tag:region/central-asia"),
        vec![a],
        "the index is updated"
    );
    assert!(t.ids("tag:geo").is_empty());
}

#[test]
fn renaming_onto_an_existing_tag_merges_them() {
    let t = TestLibrary::new();
    let a = note(&t, "Rare earth magnets");
    let b = note(&t, "Rare earth refining");
    t.lib.tag(a, &["rare-earths"]).unwrap();
    t.lib.tag(b, &["Rare Earths", "rare-earths"]).unwrap();
    let outcome = t.lib.rename_tag("rare-earths", "rare earths").unwrap();
    assert!(outcome.merged);
    assert_eq!(t.lib.tags().unwrap().len(), 1);
    assert_eq!(listed(&t, "rare earths"), vec![a, b]);
}

#[test]
fn untagging_removes_the_tag_and_forgets_unused_ones() {
    let t = TestLibrary::new();
    let a = note(&t, "Copper");
    t.lib.tag(a, &["markets", "metals"]).unwrap();
    assert_eq!(t.lib.untag(a, &["MARKETS"]).unwrap(), ["metals"]);
    assert_eq!(
        t.lib
            .tags()
            .unwrap()
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>(),
        ["metals"]
    );
    assert!(t.ids("tag:markets").is_empty());
}
