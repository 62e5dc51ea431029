//! The use cases the desktop app adds to `Library`: browsing pages of notes with the
//! library's facets, correcting metadata after a clip, editing and deleting annotations,
//! marking a search in the reader, and cancelling an import.

use std::ops::ControlFlow;

use chrono::NaiveDate;
use lode::{
    AnnotationChange, Color, ErrorCode, MetadataEdit, NewAnnotation, NoteFilter, NoteOrder,
};

use crate::common::{TestLibrary, article};

const PARA: &str = "The ministry said the new smelter would process tungsten concentrate from two mines in the north, and that exports would begin before the end of the year.";

fn dated(t: &TestLibrary, title: &str, site: &str, date: &str) -> i64 {
    t.clip_text(&format!(
        "{title}\n\nBy Anna Rossi\n{date}\n\n{PARA} {title} is the subject of this report.\n\nA second paragraph about {title} gives enough text for an article body to be kept.\n\nSource: {site}\n"
    ))
    .id
}

#[test]
fn browse_pages_filters_and_counts_sites_and_years() {
    let t = TestLibrary::new();
    let a = dated(
        &t,
        "Smelter opens in the north",
        "example.org",
        "3 March 2024",
    );
    let b = dated(
        &t,
        "Exports begin at the border",
        "example.org",
        "5 May 2025",
    );
    let c = dated(
        &t,
        "A third report on tungsten",
        "example.org",
        "7 July 2025",
    );
    t.lib.tag(a, &["metals"]).unwrap();

    let all = t.lib.browse(&NoteFilter::default()).unwrap();
    assert_eq!(all.total, 3);
    assert_eq!(
        all.notes.iter().map(|n| n.id).collect::<Vec<_>>(),
        [c, b, a],
        "newest clip first by default"
    );
    assert!(all.tags.iter().any(|t| t.name == "metals" && t.notes == 1));

    let page = t
        .lib
        .browse(&NoteFilter {
            limit: Some(2),
            offset: 2,
            ..NoteFilter::default()
        })
        .unwrap();
    assert_eq!(
        page.notes.len(),
        1,
        "the third note is alone on the second page"
    );
    assert_eq!(page.total, 3, "total counts every page");

    let tagged = t
        .lib
        .browse(&NoteFilter {
            tag: Some("metals".into()),
            ..NoteFilter::default()
        })
        .unwrap();
    assert_eq!(tagged.notes.iter().map(|n| n.id).collect::<Vec<_>>(), [a]);

    let years: Vec<(String, usize)> = all
        .years
        .iter()
        .map(|f| (f.name.clone(), f.count))
        .collect();
    assert_eq!(
        years,
        [("2025".to_string(), 2), ("2024".to_string(), 1)],
        "years count published dates, latest first"
    );
    let in_2025 = t
        .lib
        .browse(&NoteFilter {
            year: Some(2025),
            order: NoteOrder::Published,
            ..NoteFilter::default()
        })
        .unwrap();
    assert_eq!(
        in_2025.notes.iter().map(|n| n.id).collect::<Vec<_>>(),
        [c, b],
        "latest publication first"
    );
}

#[test]
fn metadata_corrected_after_a_clip_is_kept_and_searchable() {
    let t = TestLibrary::new();
    let id = t.clip_text(&article("Wrong title from a menu", &[PARA])).id;
    let note = t
        .lib
        .update_metadata(
            id,
            &MetadataEdit {
                title: "  Tungsten smelter opens  ".into(),
                author: Some("Anna Rossi".into()),
                published: NaiveDate::from_ymd_opt(2025, 11, 7),
            },
        )
        .unwrap();
    assert_eq!(
        note.article.title, "Tungsten smelter opens",
        "the title is trimmed"
    );
    assert_eq!(note.article.author.as_deref(), Some("Anna Rossi"));
    assert_eq!(note.article.published, NaiveDate::from_ymd_opt(2025, 11, 7));
    assert_eq!(
        t.ids("author:rossi"),
        [id],
        "the corrected author is indexed"
    );

    let cleared = t
        .lib
        .update_metadata(
            id,
            &MetadataEdit {
                title: "Tungsten smelter opens".into(),
                author: Some("   ".into()),
                published: None,
            },
        )
        .unwrap();
    assert_eq!(cleared.article.author, None, "a blank author clears it");

    let err = t
        .lib
        .update_metadata(id, &MetadataEdit::default())
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput, "a note keeps a title");
    assert_eq!(
        t.lib
            .update_metadata(
                9999,
                &MetadataEdit {
                    title: "x".into(),
                    ..MetadataEdit::default()
                }
            )
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
}

#[test]
fn an_annotation_can_be_recoloured_commented_retagged_and_deleted() {
    let t = TestLibrary::new();
    let id = t.clip_text(&article("Smelter", &[PARA])).id;
    let a = t
        .lib
        .annotate(
            id,
            &NewAnnotation {
                quote: "tungsten concentrate".into(),
                tags: vec!["metals".into()],
                ..NewAnnotation::default()
            },
        )
        .unwrap();
    let changed = t
        .lib
        .update_annotation(
            a.id,
            &AnnotationChange {
                color: Color::Green,
                comment: Some(" supply chain leverage ".into()),
                tags: vec!["minerals".into()],
            },
        )
        .unwrap();
    assert_eq!(changed.color, Color::Green);
    assert_eq!(changed.comment.as_deref(), Some("supply chain leverage"));
    assert_eq!(changed.tags, ["minerals"]);
    assert!(
        !t.lib.tags().unwrap().iter().any(|t| t.name == "metals"),
        "a tag nothing uses any more is gone"
    );
    let hits = t.search("leverage").hits;
    assert_eq!(
        hits[0].annotations[0].id, a.id,
        "the new comment is searchable"
    );

    t.lib.delete_annotation(a.id).unwrap();
    assert!(t.lib.annotations(id).unwrap().is_empty());
    assert!(
        t.search("leverage").hits.is_empty(),
        "a deleted annotation leaves the index"
    );
    assert_eq!(
        t.lib.delete_annotation(a.id).unwrap_err().code(),
        ErrorCode::NotFound
    );
}

#[test]
fn find_in_note_marks_every_match_of_a_search_even_misspelt() {
    let t = TestLibrary::new();
    let id = t.clip_text(&article("Smelter", &[PARA, PARA])).id;
    let body: Vec<char> = t.lib.note(id).unwrap().article.body.chars().collect();
    let ranges = t.lib.find_in_note(id, "tungstn").unwrap();
    assert_eq!(
        ranges.len(),
        2,
        "both paragraphs mention tungsten: {ranges:?}"
    );
    for (start, end) in ranges {
        let word: String = body[start..end].iter().collect();
        assert_eq!(
            word.to_lowercase(),
            "tungsten",
            "ranges are code points of the body"
        );
    }
    assert!(t.lib.find_in_note(id, "").unwrap().is_empty());
}

#[test]
fn an_import_can_be_cancelled_and_says_so() {
    let t = TestLibrary::new();
    let dir = tempfile::tempdir().unwrap();
    for i in 0..1200 {
        std::fs::write(
            dir.path().join(format!("{i:04}.txt")),
            article(
                &format!("Report number {i}"),
                &[&format!("{PARA} Item {i} of the series.")],
            ),
        )
        .unwrap();
    }
    let mut heard = 0;
    let report = t
        .lib
        .import(
            &[dir.path().to_path_buf()],
            &Default::default(),
            &mut |_| {
                heard += 1;
                if heard == 10 {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            },
        )
        .unwrap();
    assert!(report.cancelled, "the report says the import stopped");
    assert!(
        report.created > 0 && report.created < 1200,
        "the batch under way was kept, the rest was not read: {}",
        report.created
    );
    assert_eq!(
        t.lib.notes(&NoteFilter::default()).unwrap().len(),
        report.created
    );
}
