//! Every input a fuzzer found a crash with (`scripts/fuzz`), kept in `tests/fixtures/fuzz/TARGET/`
//! and replayed here through the same public API the target calls.

use std::ops::ControlFlow;
use std::path::PathBuf;

use lode::{Clip, Library, SearchOptions};

use crate::common::TestLibrary;

fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz")
        .join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut found: Vec<(PathBuf, Vec<u8>)> = entries
        .map(|e| {
            let path = e.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            (path, bytes)
        })
        .collect();
    found.sort();
    found
}

#[test]
fn queries_that_crashed_the_search_fuzzer_are_answered() {
    let t = TestLibrary::new();
    t.clip_fixture("northwind_lithium.txt");
    t.lib.flush_index().unwrap();
    for (path, bytes) in inputs("search") {
        let query = String::from_utf8_lossy(&bytes);
        for titles_only in [false, true] {
            let options = SearchOptions {
                titles_only,
                ..SearchOptions::default()
            };
            t.lib
                .search(&query, &options)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
        let _ = t.lib.find_in_note(1, &query);
    }
}

#[test]
fn clips_that_crashed_the_clip_fuzzer_are_extracted_or_refused() {
    for (_, bytes) in inputs("clip") {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        for clip in [
            Clip {
                text: Some(text.clone()),
                ..Clip::default()
            },
            Clip {
                html: Some(text.clone()),
                ..Clip::default()
            },
        ] {
            let _ = Library::extract(&clip);
        }
    }
}

#[test]
fn notes_that_crashed_the_markdown_fuzzer_are_read_or_refused() {
    for (_, bytes) in inputs("markdown") {
        let _ = lode::import::markdown::read(&String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn bundles_that_crashed_the_w3c_fuzzer_import_or_are_reported() {
    for (_, bytes) in inputs("w3c_bundle") {
        let (notes, annotations) = match bytes.iter().position(|&b| b == 0xFF) {
            Some(at) => (&bytes[..at], &bytes[at + 1..]),
            None => (&bytes[..], &bytes[..0]),
        };
        let t = TestLibrary::new();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("notes.json"), notes).unwrap();
        std::fs::write(dir.path().join("annotations.jsonld"), annotations).unwrap();
        t.lib
            .import(
                &[dir.path().to_path_buf()],
                &Default::default(),
                &mut |_| ControlFlow::Continue(()),
            )
            .unwrap();
        assert!(t.lib.check().unwrap().ok());
    }
}

#[test]
fn tag_names_that_crashed_the_tags_fuzzer_can_be_renamed_and_removed() {
    for (path, bytes) in inputs("tags") {
        let t = TestLibrary::new();
        let id = t.clip_fixture("northwind_lithium.txt");
        let text = String::from_utf8_lossy(&bytes);
        let mut parts = text.splitn(3, '\u{1}');
        let (Some(a), Some(b)) = (parts.next(), parts.next()) else {
            continue;
        };
        if t.lib.tag(id, &[a, &format!("{a}/child")]).is_ok() {
            let _ = t.lib.rename_tag(a, b);
            let tags = t.lib.note(id).unwrap().article.tags;
            let names: Vec<&str> = tags.iter().map(String::as_str).collect();
            t.lib
                .untag(id, &names)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
    }
}
