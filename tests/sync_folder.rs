//! `Library::sync_folder`: a folder of Markdown files (an Obsidian vault's) kept in step with
//! the library, writing only what changed and never overwriting what the user changed there.

use std::path::Path;

use lode::{MetadataEdit, NewAnnotation};

use crate::common::{TestLibrary, article};

fn md_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .collect();
    names.sort();
    names
}

#[test]
fn a_synced_folder_follows_new_changed_renamed_and_deleted_notes() {
    let t = TestLibrary::new();
    let scratch = tempfile::tempdir().unwrap();
    let vault = scratch.path().join("vault");
    let lithium = t
        .clip_text(&article(
            "Lithium brine in the Altiplano",
            &["Brine pools in the high desert hold much of the world's lithium, and evaporating them takes a year or more.", "Direct extraction promises months instead of a year, if the membranes last."],
        ))
        .id;
    let copper = t
        .clip_text(&article(
            "Copper smelters run short of ore",
            &["Treatment charges fell to record lows as smelters competed for a shrinking supply of concentrate from the mines.", "Several plants cut their output for the summer."],
        ))
        .id;
    t.lib
        .annotate(
            lithium,
            &NewAnnotation {
                quote: "evaporating them takes a year or more".into(),
                comment: Some("the bottleneck".into()),
                ..NewAnnotation::default()
            },
        )
        .unwrap();
    t.lib.tag(lithium, &["geo/south-america"]).unwrap();
    std::fs::create_dir_all(&vault).unwrap();
    std::fs::write(vault.join("My own note.md"), "mine").unwrap();

    let first = t.lib.sync_folder(&vault).unwrap();
    assert_eq!(
        (first.written, first.unchanged, first.removed),
        (2, 0, 0),
        "{first:?}"
    );
    let files = md_files(&vault);
    assert_eq!(
        files.len(),
        3,
        "two notes and the user's own file: {files:?}"
    );
    let lithium_file = files
        .iter()
        .find(|f| f.contains("lithium"))
        .unwrap()
        .clone();
    let text = std::fs::read_to_string(vault.join(&lithium_file)).unwrap();
    assert!(
        text.starts_with("---\ntitle: \"Lithium brine in the Altiplano\"\n"),
        "{text}"
    );
    assert!(
        text.contains("tags: [\"geo/south-america\"]"),
        "Obsidian reads the tags: {text}"
    );
    assert!(text.contains("created: "));
    assert!(
        text.contains("> evaporating them takes a year or more\n\nthe bottleneck"),
        "{text}"
    );

    let again = t.lib.sync_folder(&vault).unwrap();
    assert_eq!(
        (again.written, again.unchanged),
        (0, 2),
        "nothing changed: {again:?}"
    );

    t.lib.tag(copper, &["metals"]).unwrap();
    let tagged = t.lib.sync_folder(&vault).unwrap();
    assert_eq!(
        (tagged.written, tagged.unchanged),
        (1, 1),
        "only the tagged note: {tagged:?}"
    );

    t.lib
        .update_metadata(
            lithium,
            &MetadataEdit {
                title: "Salt flats and the lithium rush".into(),
                author: None,
                published: None,
            },
        )
        .unwrap();
    let renamed = t.lib.sync_folder(&vault).unwrap();
    assert_eq!(renamed.written, 1, "{renamed:?}");
    let files = md_files(&vault);
    assert!(
        !files.contains(&lithium_file),
        "the old name is gone: {files:?}"
    );
    assert!(files.iter().any(|f| f.contains("salt-flats")), "{files:?}");

    // The user edits the copper note's file in Obsidian; then the note changes in Lode.
    let copper_file = files.iter().find(|f| f.contains("copper")).unwrap().clone();
    std::fs::write(vault.join(&copper_file), "my edits in Obsidian").unwrap();
    t.lib.tag(copper, &["smelting"]).unwrap();
    let edited = t.lib.sync_folder(&vault).unwrap();
    assert_eq!(edited.kept.len(), 1, "the user's edit is kept: {edited:?}");
    assert_eq!(
        std::fs::read_to_string(&edited.kept[0]).unwrap(),
        "my edits in Obsidian"
    );
    assert!(
        std::fs::read_to_string(vault.join(&copper_file))
            .unwrap()
            .contains("smelting")
    );

    t.lib.delete(copper).unwrap();
    let deleted = t.lib.sync_folder(&vault).unwrap();
    assert_eq!(deleted.removed, 1, "{deleted:?}");
    let files = md_files(&vault);
    assert!(!files.contains(&copper_file), "{files:?}");
    assert!(
        files.contains(&"My own note.md".to_string()),
        "a file Lode did not write stays"
    );
    assert!(
        files.iter().any(|f| f.contains("(edited)")),
        "and so does the user's edit"
    );
}
