//! Delete is never forever at once: a deleted note or highlight waits in the trash for 30
//! days and comes back exactly as it was.

use std::sync::Arc;

use lode::{
    AnnotationChange, Clip, ExportFormat, Library, NewAnnotation, NoteFilter, SearchOptions,
};

use crate::common::{TestLibrary, article, clock};

const PARA: &str = "The consortium signed the antimony agreement in Tashkent on Monday, \
    and the ministry promised to publish the royalties within a month.";

/// Everything the user has of a note: what restoring must give back, byte for byte.
fn everything(lib: &Library, id: i64) -> String {
    serde_json::to_string(&(
        lib.note(id).unwrap(),
        lib.annotations(id).unwrap(),
        lib.versions(id).unwrap(),
        lib.raw_clip(id).unwrap(),
    ))
    .unwrap()
}

fn rich_note(t: &TestLibrary) -> i64 {
    let id = t
        .lib
        .clip(&Clip {
            text: Some(article(
                "Antimony deal signed",
                &[PARA, "A second paragraph follows."],
            )),
            url: Some("https://news.example/antimony-deal".into()),
            ..Clip::default()
        })
        .unwrap()
        .id;
    t.lib.tag(id, &["minerals/antimony", "uzbekistan"]).unwrap();
    let a = t
        .lib
        .annotate(
            id,
            &NewAnnotation {
                quote: "antimony agreement".into(),
                comment: Some("check the xylophone clause".into()),
                tags: vec!["evidence".into()],
                ..NewAnnotation::default()
            },
        )
        .unwrap();
    t.lib
        .update_annotation(
            a.id,
            &AnnotationChange {
                color: lode::Color::Green,
                comment: Some("check the xylophone clause".into()),
                tags: vec!["evidence".into()],
            },
        )
        .unwrap();
    t.lib
        .edit(
            id,
            &format!("Antimony deal signed\n\n{PARA}\n\nA corrected second paragraph."),
        )
        .unwrap();
    id
}

fn hits(t: &TestLibrary, q: &str) -> Vec<i64> {
    t.search(q).hits.iter().map(|h| h.id).collect()
}

#[test]
fn a_deleted_note_is_hidden_everywhere_and_restored_exactly_with_its_id() {
    let t = TestLibrary::new();
    let id = rich_note(&t);
    let other = t
        .clip_text(&article(
            "Copper in Almaty",
            &["Copper prices rose in Almaty."],
        ))
        .id;
    let before = everything(&t.lib, id);
    assert_eq!(hits(&t, "antimony"), [id]);

    t.lib.delete(id).unwrap();
    assert!(matches!(t.lib.note(id), Err(lode::Error::NoteNotFound(_))));
    let listed: Vec<i64> = t
        .lib
        .notes(&NoteFilter::default())
        .unwrap()
        .iter()
        .map(|n| n.id)
        .collect();
    assert_eq!(listed, [other], "not listed");
    assert!(hits(&t, "antimony").is_empty(), "not searchable");
    assert!(
        hits(&t, "xylophone").is_empty(),
        "its highlights are not searchable"
    );
    assert!(
        t.lib
            .tags()
            .unwrap()
            .iter()
            .all(|tag| tag.name != "uzbekistan"),
        "its tags are not counted: {:?}",
        t.lib.tags().unwrap()
    );
    let out = tempfile::tempdir().unwrap();
    assert_eq!(
        t.lib
            .export(ExportFormat::Markdown, out.path())
            .unwrap()
            .notes,
        1,
        "not exported"
    );
    assert!(
        t.lib.check().unwrap().ok(),
        "index and database agree on what is live"
    );

    let trash = t.lib.trash().unwrap();
    assert_eq!(trash.len(), 1);
    assert_eq!(
        (trash[0].id, trash[0].title.as_str()),
        (id, "Antimony deal signed")
    );
    assert_eq!(
        trash[0].expires - trash[0].deleted,
        chrono::Duration::days(lode::TRASH_DAYS)
    );

    t.lib.restore(&[id]).unwrap();
    assert_eq!(
        everything(&t.lib, id),
        before,
        "back exactly as it was, with the same id"
    );
    assert_eq!(hits(&t, "antimony"), [id]);
    assert_eq!(hits(&t, "xylophone"), [id]);
    assert!(t.lib.trash().unwrap().is_empty());
    assert!(t.lib.check().unwrap().ok());
}

#[test]
fn the_trash_survives_reopening_and_is_emptied_after_thirty_days() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let lib = Library::open_with_clock(dir.path(), clock.clone()).unwrap();
    let t = TestLibrary { dir, lib };
    let id = rich_note(&t);
    let kept = t
        .clip_text(&article(
            "Copper in Almaty",
            &["Copper prices rose in Almaty."],
        ))
        .id;
    t.lib.delete(id).unwrap();
    let TestLibrary { dir, lib } = t;
    drop(lib);

    clock.advance(chrono::Duration::days(29));
    let lib = Library::open_with_clock(dir.path(), clock.clone()).unwrap();
    assert_eq!(lib.trash().unwrap().len(), 1, "still there after 29 days");
    drop(lib);

    clock.advance(chrono::Duration::days(2));
    let lib = Library::open_with_clock(dir.path(), clock.clone() as Arc<dyn lode::Clock>).unwrap();
    assert!(
        lib.trash().unwrap().is_empty(),
        "removed for good after 30 days"
    );
    assert!(matches!(
        lib.restore(&[id]),
        Err(lode::Error::NotInTrash(_))
    ));
    assert_eq!(
        lib.note(kept).unwrap().id,
        kept,
        "the live note is untouched"
    );
    let conn = rusqlite::Connection::open(dir.path().join("lode.db")).unwrap();
    let clips: i64 = conn
        .query_row("SELECT count(*) FROM clips", [], |r| r.get(0))
        .unwrap();
    assert_eq!(clips, 1, "the trashed note's raw clip went with it");
    assert!(lib.check().unwrap().ok());
}

#[test]
fn emptying_the_trash_removes_only_whats_in_it() {
    let t = TestLibrary::new();
    let gone = rich_note(&t);
    let kept = t
        .clip_text(&article(
            "Copper in Almaty",
            &["Copper prices rose in Almaty."],
        ))
        .id;
    t.lib.delete(gone).unwrap();
    assert_eq!(t.lib.empty_trash().unwrap(), 1);
    assert!(t.lib.trash().unwrap().is_empty());
    assert!(matches!(
        t.lib.restore(&[gone]),
        Err(lode::Error::NotInTrash(_))
    ));
    assert_eq!(hits(&t, "copper"), [kept]);
    assert!(
        t.lib.tags().unwrap().is_empty(),
        "tags nothing uses are forgotten"
    );
}

#[test]
fn restoring_a_note_that_is_not_in_the_trash_fails_and_restores_none() {
    let t = TestLibrary::new();
    let a = t
        .clip_text(&article(
            "Copper in Almaty",
            &["Copper prices rose in Almaty."],
        ))
        .id;
    let b = t
        .clip_text(&article(
            "Zinc in Bishkek",
            &["Zinc prices fell in Bishkek."],
        ))
        .id;
    t.lib.delete(a).unwrap();
    assert!(matches!(t.lib.restore(&[a, b]), Err(lode::Error::NotInTrash(id)) if id == b));
    assert_eq!(t.lib.trash().unwrap().len(), 1, "all or nothing");
    assert!(
        matches!(t.lib.delete(a), Err(lode::Error::NoteNotFound(_))),
        "deleted once"
    );
}

#[test]
fn a_page_clipped_again_after_its_note_was_deleted_makes_a_new_note_and_both_can_live() {
    let t = TestLibrary::new();
    let id = rich_note(&t);
    t.lib.delete(id).unwrap();
    let again = t
        .lib
        .clip(&Clip {
            text: Some(article("Antimony deal signed", &[PARA])),
            url: Some("https://news.example/antimony-deal".into()),
            ..Clip::default()
        })
        .unwrap();
    assert_eq!(again.status, lode::ClipStatus::Created);
    assert_ne!(again.id, id, "a trashed note's id is never reused");
    t.lib.restore(&[id]).unwrap();
    let mut found = hits(&t, "antimony");
    found.sort();
    assert_eq!(found, [id, again.id]);
    assert_eq!(
        t.lib.note(id).unwrap().article.url.as_deref(),
        Some("https://news.example/antimony-deal")
    );
}

#[test]
fn a_deleted_highlight_comes_back_and_is_found_again_in_an_edited_text() {
    let t = TestLibrary::new();
    let id = rich_note(&t);
    let highlight = t.lib.annotations(id).unwrap().remove(0);
    t.lib.delete_annotation(highlight.id).unwrap();
    assert!(t.lib.annotations(id).unwrap().is_empty());
    assert!(hits(&t, "xylophone").is_empty());
    assert_eq!(t.lib.note(id).unwrap().annotation_count, 0);
    // The text changes while the highlight is deleted: restoring finds the passage again.
    t.lib
        .edit(
            id,
            &format!("Antimony deal signed\n\nA new opening line.\n\n{PARA}"),
        )
        .unwrap();
    let back = t.lib.restore_annotation(highlight.id).unwrap();
    assert_eq!(back.id, highlight.id);
    assert_eq!(back.selector.quote.exact, "antimony agreement");
    assert_eq!(
        (back.color, back.comment.as_deref()),
        (lode::Color::Green, Some("check the xylophone clause"))
    );
    assert_eq!(back.tags, ["evidence"]);
    let body: Vec<char> = t.lib.note(id).unwrap().article.body.chars().collect();
    let at: String = body[back.selector.position.start..back.selector.position.end]
        .iter()
        .collect();
    assert_eq!(at, "antimony agreement", "anchored in the current text");
    assert_eq!(hits(&t, "xylophone"), [id]);
    assert!(matches!(
        t.lib.restore_annotation(highlight.id),
        Err(lode::Error::AnnotationNotFound(_))
    ));
    assert!(t.lib.check().unwrap().ok());
}

#[test]
fn restored_notes_search_again_after_reopening() {
    let t = TestLibrary::new();
    let id = rich_note(&t);
    t.lib.delete(id).unwrap();
    let t = t.reopen();
    assert!(hits(&t, "antimony").is_empty());
    t.lib.restore(&[id]).unwrap();
    let t = t.reopen();
    assert_eq!(
        t.lib
            .search("antimony", &SearchOptions::default())
            .unwrap()
            .hits
            .len(),
        1
    );
}
