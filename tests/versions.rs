//! Bodies that change: edits, updated re-clips, versions, and the annotations that follow.

use std::ops::ControlFlow;

use chrono::NaiveDate;
use lode::anchor::AnchorStatus;
use lode::{ClipStatus, MetadataEdit, NewAnnotation};

use crate::common::{TestLibrary, article, fixture};

fn annotate(t: &TestLibrary, id: i64, quote: &str) -> i64 {
    t.lib
        .annotate(
            id,
            &NewAnnotation {
                quote: quote.into(),
                ..NewAnnotation::default()
            },
        )
        .unwrap()
        .id
}

#[test]
fn editing_a_body_keeps_the_old_one_and_every_annotation() {
    let t = TestLibrary::new();
    let id = t.clip_fixture("northwind_lithium.txt");
    let pumps = annotate(&t, id, "The pumps never stop.");
    let flamingos = annotate(&t, id, "Nobody asked the flamingos either.");
    let hydro = annotate(
        &t,
        id,
        "Hydrologists are divided on how the aquifers connect.",
    );
    let contracts = annotate(&t, id, "For now, the contracts keep coming.");
    let old = t.lib.note(id).unwrap().article.body;
    let new = format!("Editor's note: updated with the ministry's response.\n\n{old}")
        .replace(
            "Nobody asked the flamingos either.",
            "Nobody asked the pink flamingos either.",
        )
        .replace("For now, the contracts keep coming.", "")
        .replace(
            "San Pedro de Atacama – The pumps never stop.",
            "The pumps never stop.",
        );
    let counts = t.lib.edit(id, &new).unwrap();
    assert_eq!(
        (counts.exact, counts.moved, counts.changed, counts.orphan),
        (0, 2, 1, 1),
        "{counts:?}"
    );

    let by_id = |aid: i64| {
        t.lib
            .annotations(id)
            .unwrap()
            .into_iter()
            .find(|a| a.id == aid)
            .expect("never dropped")
    };
    assert_eq!(by_id(pumps).status, AnchorStatus::Moved);
    assert_eq!(by_id(hydro).status, AnchorStatus::Moved);
    let changed = by_id(flamingos);
    assert_eq!(changed.status, AnchorStatus::Changed);
    assert_eq!(
        changed.selector.quote.exact,
        "Nobody asked the pink flamingos either."
    );
    assert_eq!(
        changed.previous_quote.as_deref(),
        Some("Nobody asked the flamingos either."),
        "the old quote is kept beside the new"
    );
    let orphan = by_id(contracts);
    assert_eq!(orphan.status, AnchorStatus::Orphan);
    assert_eq!(
        orphan.selector.quote.exact, "For now, the contracts keep coming.",
        "an orphan keeps its quote"
    );

    let body = t.lib.note(id).unwrap().article.body;
    for a in t
        .lib
        .annotations(id)
        .unwrap()
        .iter()
        .filter(|a| a.status != AnchorStatus::Orphan)
    {
        let p = a.selector.position;
        let at: String = body.chars().skip(p.start).take(p.end - p.start).collect();
        assert_eq!(
            at, a.selector.quote.exact,
            "positions point into the new body"
        );
    }
    let versions = t.lib.versions(id).unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0].body, old);
    assert_eq!(versions[0].replaced_by.as_deref(), Some("edit"));
    assert!(versions[1].current && versions[1].body == body);
    assert_eq!(t.ids("ministry"), vec![id], "the index follows the edit");
    assert!(
        t.ids("is:note \"contracts keep coming\"").is_empty(),
        "the old text left the body"
    );
    assert_eq!(
        t.ids("\"contracts keep coming\""),
        vec![id],
        "the orphan's quote is still searchable"
    );
    assert!(t.lib.check().unwrap().ok());
}

#[test]
fn an_unchanged_or_empty_edit_changes_nothing() {
    let t = TestLibrary::new();
    let id = t.clip_fixture("northwind_lithium.txt");
    let body = t.lib.note(id).unwrap().article.body;
    t.lib.edit(id, &body.replace("\n\n", "\r\n\r\n")).unwrap();
    assert_eq!(
        t.lib.versions(id).unwrap().len(),
        1,
        "the same canonical body is no new version"
    );
    assert_eq!(
        t.lib.edit(id, "  \n ").unwrap_err().code(),
        lode::ErrorCode::InvalidInput
    );
    assert_eq!(
        t.lib.edit(404, "text").unwrap_err().code(),
        lode::ErrorCode::NotFound
    );
}

#[test]
fn a_reclip_with_the_same_title_and_mostly_the_same_text_updates_the_note() {
    let t = TestLibrary::new();
    let paragraphs = [
        "The harbour reopened on Friday after a week of strikes by the dock workers, who won a new contract with the port authority.",
        "Ships that had waited outside for days began to unload on Saturday morning, and the queue should be gone by the middle of next week.",
        "The union said that the new safety rules for the cranes will be checked by an independent inspector every three months.",
        "Shipping companies welcomed the agreement but warned that the backlog would take weeks to clear entirely.",
    ];
    let first = t.clip_text(&article("Harbour reopens after strike", &paragraphs));
    let quote = annotate(&t, first.id, "won a new contract with the port authority");
    let mut updated = paragraphs.to_vec();
    updated.push("Update: the port authority confirmed on Sunday that all berths are open again.");
    let second = t.clip_text(&article("Harbour reopens after strike", &updated));
    assert_eq!((second.id, second.status), (first.id, ClipStatus::Updated));
    assert_eq!(
        t.lib.annotations(first.id).unwrap()[0].id,
        quote,
        "the annotation stays with the note"
    );
    assert_eq!(
        t.lib.versions(first.id).unwrap()[0].replaced_by.as_deref(),
        Some("reclip")
    );

    let other = t.clip_text(&article("Harbour reopens after strike", &["A different article that happens to share its title but nothing else, about a harbour in another country."]));
    assert_eq!(
        other.status,
        ClipStatus::Created,
        "a shared title alone is not the same article"
    );
}

#[test]
fn edit_and_versions_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let library = dir.path().join("library");
    let lode = |args: &[&str]| crate::common::lode(&library, args);
    let page = dir.path().join("page.txt");
    std::fs::write(&page, fixture("northwind_lithium.txt")).unwrap();
    let clipped: serde_json::Value =
        serde_json::from_str(&lode(&["clip", "--text", page.to_str().unwrap(), "--json"])).unwrap();
    let id = clipped["id"].to_string();
    lode(&[
        "annotate",
        &id,
        "--quote",
        "Nobody asked the flamingos either.",
    ]);
    let shown: serde_json::Value = serde_json::from_str(&lode(&["show", &id, "--json"])).unwrap();
    let body = shown["note"]["body"]
        .as_str()
        .unwrap()
        .replace("the flamingos", "the pink flamingos");
    let edited = dir.path().join("edited.txt");
    std::fs::write(&edited, body).unwrap();
    let counts: serde_json::Value = serde_json::from_str(&lode(&[
        "edit",
        &id,
        "--body-file",
        edited.to_str().unwrap(),
        "--json",
    ]))
    .unwrap();
    assert_eq!(counts["changed"], 1);
    let annotations: serde_json::Value =
        serde_json::from_str(&lode(&["annotations", &id, "--json"])).unwrap();
    assert_eq!(annotations[0]["status"], "changed");
    assert_eq!(
        annotations[0]["previous_quote"],
        "Nobody asked the flamingos either."
    );
    assert!(
        lode(&["annotations", &id]).contains("(changed; was “Nobody asked the flamingos either.”)")
    );
    let versions: serde_json::Value =
        serde_json::from_str(&lode(&["versions", &id, "--json"])).unwrap();
    assert_eq!(versions.as_array().unwrap().len(), 2);
    assert_eq!(versions[1]["current"], true);
}

#[test]
fn reextract_runs_the_current_clipper_over_the_raw_clips() {
    let t = TestLibrary::new();
    let id = t.clip_fixture("northwind_lithium.txt");
    t.lib.tag(id, &["water"]).unwrap();
    let note_text = annotate(&t, id, "The pumps never stop.");
    let good = t.lib.note(id).unwrap().article.body;
    // What an older clipper kept: the photo caption at the top of the body, a wrong title.
    let t = t.reopen_after(|dir| {
        let conn = lode::testing::connect(&dir.join("lode.db")).unwrap();
        let worse = format!(
            "Evaporation ponds near San Pedro de Atacama (Photo by Ana Reyes / Reuters)\n\n{good}"
        );
        conn.execute(
            "UPDATE notes SET body = ?1, content_hash = 'of the older body', title = 'Evaporation ponds' WHERE id = ?2",
            (worse, id),
        )
        .unwrap();
        conn.execute(
            "UPDATE annotations SET start = start + 76, end = end + 76 WHERE id = ?1",
            [note_text],
        )
        .unwrap();
    });
    let report = t
        .lib
        .reextract(&[], &mut |_| ControlFlow::Continue(()))
        .unwrap();
    assert_eq!(
        (report.updated, report.unchanged, report.failed.len()),
        (1, 0, 0),
        "{report:?}"
    );
    let note = t.lib.note(id).unwrap();
    assert_eq!(
        note.article.title,
        "Chile's lithium rush leaves the salt flats thirsty"
    );
    assert_eq!(note.article.body, good);
    assert!(
        note.article.tags.contains(&"water".to_string()),
        "user tags are kept"
    );
    let annotation = &t.lib.annotations(id).unwrap()[0];
    assert_eq!(
        (annotation.id, annotation.status),
        (note_text, AnchorStatus::Moved)
    );
    assert_eq!(
        t.lib.versions(id).unwrap()[0].replaced_by.as_deref(),
        Some("reextract")
    );
    assert_eq!(
        t.lib
            .reextract(&[id], &mut |_| ControlFlow::Continue(()))
            .unwrap()
            .unchanged,
        1,
        "running it again changes nothing"
    );
}

/// What the user corrected by hand (title, author, date; the text) outlives a better clipper.
#[test]
fn reextract_keeps_what_the_user_corrected() {
    let t = TestLibrary::new();
    let corrected = t.clip_fixture("northwind_lithium.txt");
    let edited = t.clip_fixture("cronache_terre_rare.txt");
    // Confirming the details unchanged corrects nothing.
    let confirmed = t.clip_fixture("harbour_review.txt");
    let as_clipped = t.lib.note(confirmed).unwrap().article;
    t.lib
        .update_metadata(
            confirmed,
            &MetadataEdit {
                title: as_clipped.title,
                author: as_clipped.author,
                published: as_clipped.published,
            },
        )
        .unwrap();
    let fixed = t
        .lib
        .update_metadata(
            corrected,
            &MetadataEdit {
                title: "Lithium and water in the Atacama".into(),
                author: Some("M. Okonkwo".into()),
                published: NaiveDate::from_ymd_opt(2025, 12, 4),
            },
        )
        .unwrap();
    let body = t.lib.note(edited).unwrap().article.body;
    let mine = format!("{body}\n\nMy own note at the end.");
    t.lib.edit(edited, &mine).unwrap();
    // An older clipper's body for the corrected note, so that re-extraction changes it.
    let good = t.lib.note(corrected).unwrap().article.body;
    let t = t.reopen_after(|dir| {
        let conn = lode::testing::connect(&dir.join("lode.db")).unwrap();
        conn.execute(
            "UPDATE notes SET body = 'Menu\n\n' || body, content_hash = 'older' WHERE id = ?1",
            [corrected],
        )
        .unwrap();
        conn.execute(
            "UPDATE notes SET title = 'An older title' WHERE id = ?1",
            [confirmed],
        )
        .unwrap();
    });

    let report = t
        .lib
        .reextract(&[], &mut |_| ControlFlow::Continue(()))
        .unwrap();
    assert_eq!(
        (report.updated, report.unchanged, report.kept_edits),
        (2, 1, 2),
        "{report:?}"
    );
    let note = t.lib.note(corrected).unwrap();
    assert_eq!(note.article.body, good, "the clipper's body is back");
    assert_eq!(
        (
            &note.article.title,
            &note.article.author,
            note.article.published
        ),
        (
            &fixed.article.title,
            &fixed.article.author,
            fixed.article.published
        ),
        "the user's title, author and date are kept"
    );
    assert_eq!(t.lib.note(edited).unwrap().article.body, mine);
    assert_eq!(
        t.lib.note(confirmed).unwrap().article.title,
        "The best budget e-readers for field research",
        "details confirmed unchanged are the clipper's to improve"
    );
}

#[test]
fn reextract_reports_progress_and_stops_when_asked() {
    let t = TestLibrary::new();
    t.clip_fixture("northwind_lithium.txt");
    t.clip_fixture("cronache_terre_rare.txt");
    let mut heard = Vec::new();
    let report = t
        .lib
        .reextract(&[], &mut |p| {
            heard.push((p.done, p.total));
            if p.done == 1 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })
        .unwrap();
    assert_eq!(heard, [(0, 2), (1, 2)]);
    assert!(report.cancelled);
    assert_eq!(report.updated + report.unchanged, 1, "{report:?}");
}

#[test]
fn a_w3c_bundle_round_trips_into_an_empty_library() {
    let t = TestLibrary::new();
    let lithium = t.clip_fixture("northwind_lithium.txt");
    let terre = t.clip_fixture("cronache_terre_rare.txt");
    t.lib.tag(lithium, &["geo/latam/chile"]).unwrap();
    t.lib
        .annotate(
            lithium,
            &NewAnnotation {
                quote: "Nobody asked the flamingos either.".into(),
                comment: Some("wildlife angle".into()),
                tags: vec!["ecology".into(), "follow-up".into()],
                color: lode::Color::Pink,
                ..NewAnnotation::default()
            },
        )
        .unwrap();
    annotate(&t, terre, "quarantasette progetti strategici");
    let body = t
        .lib
        .note(lithium)
        .unwrap()
        .article
        .body
        .replace("the flamingos", "the pink flamingos");
    t.lib.edit(lithium, &body).unwrap(); // a version, and a `changed` annotation with its old quote

    let bundle = tempfile::tempdir().unwrap();
    let report = t
        .lib
        .export(lode::ExportFormat::W3c, bundle.path())
        .unwrap();
    assert_eq!(report.notes, 2);
    let collection: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(bundle.path().join("annotations.jsonld")).unwrap(),
    )
    .unwrap();
    assert_eq!(collection["type"], "AnnotationCollection");
    let item = &collection["items"][0];
    assert_eq!(item["type"], "Annotation");
    assert_eq!(item["target"]["selector"][0]["type"], "TextQuoteSelector");
    assert_eq!(
        item["target"]["selector"][1]["type"],
        "TextPositionSelector"
    );

    let empty = TestLibrary::new();
    let imported = empty
        .lib
        .import(
            &[bundle.path().to_path_buf()],
            &Default::default(),
            &mut |_| ControlFlow::Continue(()),
        )
        .unwrap();
    assert_eq!(
        (imported.created, imported.annotations),
        (2, 2),
        "{imported:?}"
    );
    for id in [lithium, terre] {
        assert_eq!(
            empty.lib.note(id).unwrap(),
            t.lib.note(id).unwrap(),
            "note {id}: article, tags, times, hash"
        );
        assert_eq!(
            empty.lib.annotations(id).unwrap(),
            t.lib.annotations(id).unwrap(),
            "annotations of {id}"
        );
        assert_eq!(
            empty.lib.versions(id).unwrap(),
            t.lib.versions(id).unwrap(),
            "versions of {id}"
        );
        assert_eq!(
            empty.lib.raw_clip(id).unwrap(),
            t.lib.raw_clip(id).unwrap(),
            "raw clip of {id}"
        );
    }
    assert_eq!(empty.lib.tags().unwrap(), t.lib.tags().unwrap());
    assert_eq!(
        empty.ids("wildlife"),
        vec![lithium],
        "the imported library is searchable"
    );

    let again = empty
        .lib
        .import(
            &[bundle.path().to_path_buf()],
            &Default::default(),
            &mut |_| ControlFlow::Continue(()),
        )
        .unwrap();
    assert_eq!(
        (again.created, again.unchanged, again.annotations),
        (0, 2, 0),
        "importing twice adds nothing"
    );
}

#[test]
fn a_bundle_imports_into_a_library_that_has_notes_already() {
    let t = TestLibrary::new();
    let id = t.clip_fixture("northwind_lithium.txt");
    annotate(&t, id, "The pumps never stop.");
    let bundle = tempfile::tempdir().unwrap();
    t.lib
        .export(lode::ExportFormat::W3c, bundle.path())
        .unwrap();

    let other = TestLibrary::new();
    let mine = other
        .clip_text(&article(
            "My own note",
            &["Something written before the import, which takes the id the bundle's note had."],
        ))
        .id;
    assert_eq!(mine, id, "the bundle's id is taken");
    let report = other
        .lib
        .import(
            &[bundle.path().to_path_buf()],
            &Default::default(),
            &mut |_| ControlFlow::Continue(()),
        )
        .unwrap();
    assert_eq!((report.created, report.annotations), (1, 1));
    let imported = other.ids("\"pumps never stop\"");
    assert_eq!(imported.len(), 1);
    assert_ne!(
        imported[0], mine,
        "a new id, and the annotation follows its note"
    );
    assert_eq!(
        other.lib.annotations(imported[0]).unwrap()[0]
            .selector
            .quote
            .exact,
        "The pumps never stop."
    );
}

#[test]
fn reextract_reads_an_imported_markdown_file_as_markdown_again() {
    // The crash soak found it: re-extraction ran the page clipper over imported Markdown and
    // gave its notes titles that began with "# ".
    let t = TestLibrary::new();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("plain.md"),
        "# Kazakh uranium output rises\n\nKazatomprom raised its output forecast on Friday.\n\nThe ministry welcomed it.\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("front.md"),
        "---\ntitle: Tajik aluminium smelter\nauthor: A. Rahimov\n---\n\n# Tajik aluminium smelter\n\nThe smelter at Tursunzoda restarted its third line.\n",
    )
    .unwrap();
    let report = t
        .lib
        .import(
            &[dir.path().to_path_buf()],
            &lode::ImportOptions::default(),
            &mut |_| std::ops::ControlFlow::Continue(()),
        )
        .unwrap();
    assert_eq!(report.created, 2);
    let before: Vec<lode::Note> = t
        .lib
        .notes(&lode::NoteFilter::default())
        .unwrap()
        .iter()
        .map(|n| t.lib.note(n.id).unwrap())
        .collect();
    let r = t
        .lib
        .reextract(&[], &mut |_| std::ops::ControlFlow::Continue(()))
        .unwrap();
    assert_eq!((r.updated, r.unchanged), (0, 2), "{r:?}");
    for note in before {
        let after = t.lib.note(note.id).unwrap();
        assert_eq!(after.article, note.article);
        assert!(!after.article.title.starts_with('#'));
    }
}
