//! The search index is derived from SQLite: whatever happens to its files, opening, searching
//! and checking never fail because of it, and the next search answers for every note.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{TestLibrary, article};

const NOTES: usize = 12;

fn library_with_notes() -> TestLibrary {
    let t = TestLibrary::new();
    for i in 0..NOTES {
        let id = t
            .clip_text(&article(
                &format!("Tungsten report {i}"),
                &[&format!(
                    "Report {i}. The ministry counted tungsten and antimony shipments \
                     leaving the northern mines, and the auditors asked why."
                )],
            ))
            .id;
        if i % 3 == 0 {
            t.lib
                .annotate(
                    id,
                    &lode::NewAnnotation {
                        quote: "the auditors asked why".into(),
                        ..lode::NewAnnotation::default()
                    },
                )
                .unwrap();
        }
    }
    t.lib.flush_index().unwrap();
    t
}

/// The next search finds every note, and `check` is clean.
fn answers_for_every_note(t: &TestLibrary, what: &str) {
    let results = t
        .lib
        .search(
            "tungsten",
            &lode::SearchOptions {
                limit: 100,
                ..lode::SearchOptions::default()
            },
        )
        .unwrap_or_else(|e| panic!("{what}: the search failed: {e}"));
    assert_eq!(
        results.hits.len(),
        NOTES,
        "{what}: the search answers for every note"
    );
    let report = t
        .lib
        .check()
        .unwrap_or_else(|e| panic!("{what}: check failed: {e}"));
    assert!(
        report.ok(),
        "{what}: check is clean after the repair: {report:?}"
    );
}

fn index_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join("index"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| !n.starts_with(".tantivy") && n != "lode-checked")
        .collect();
    names.sort();
    names
}

type Damage = fn(&Path);

const DAMAGES: &[(&str, Damage)] = &[
    ("deleted", |p| std::fs::remove_file(p).unwrap()),
    ("truncated to half", |p| {
        let len = std::fs::metadata(p).unwrap().len();
        std::fs::OpenOptions::new()
            .write(true)
            .open(p)
            .unwrap()
            .set_len(len / 2)
            .unwrap();
    }),
    ("emptied", |p| std::fs::write(p, b"").unwrap()),
    ("bytes flipped in the middle", |p| {
        let mut bytes = std::fs::read(p).unwrap();
        let mid = bytes.len() / 2;
        for b in bytes.iter_mut().skip(mid.saturating_sub(8)).take(16) {
            *b ^= 0x5a;
        }
        std::fs::write(p, bytes).unwrap();
    }),
];

/// A file's kind: its extension (segment files are named by a random id), or its name.
fn kind(name: &str) -> String {
    match name.split_once('.') {
        Some((stem, _)) if stem.len() == 32 => name.rsplit('.').next().unwrap().to_string(),
        _ => name.to_string(),
    }
}

#[test]
fn damaging_any_single_index_file_leaves_a_library_that_answers_the_next_search() {
    let mut kinds: Vec<String> = index_files(library_with_notes().dir.path())
        .iter()
        .map(|n| kind(n))
        .collect();
    kinds.sort();
    kinds.dedup();
    for expected in [
        "meta.json",
        "idx",
        "term",
        "pos",
        "store",
        "fast",
        "fieldnorm",
    ] {
        assert!(
            kinds.iter().any(|k| k == expected),
            "{expected} among {kinds:?}"
        );
    }
    for kind_name in &kinds {
        for (how, damage) in DAMAGES {
            let t = library_with_notes();
            let what = format!("a {kind_name} file {how}");
            let t = t.reopen_after(|dir| {
                let names = index_files(dir);
                let name = names
                    .iter()
                    .find(|n| kind(n) == *kind_name)
                    .unwrap_or_else(|| panic!("{what}: no such file in {names:?}"));
                damage(&dir.join("index").join(name));
            });
            answers_for_every_note(&t, &what);
        }
    }
}

#[test]
fn a_store_file_naming_an_unknown_compressor_is_repaired_not_a_panic() {
    // Tantivy reads a store file's compressor id while opening, and panicked on an unknown one
    // (a flipped byte there: "unknown compressor id 91").
    let t = library_with_notes().reopen_after(|dir| {
        let store = index_files(dir)
            .into_iter()
            .find(|n| kind(n) == "store")
            .unwrap();
        let path = dir.join("index").join(store);
        let mut bytes = std::fs::read(&path).unwrap();
        // The store footer ends with the compressor id and 15 zero bytes.
        let at = (0..bytes.len().saturating_sub(16))
            .rev()
            .find(|&i| bytes[i] < 8 && bytes[i + 1..i + 16].iter().all(|&b| b == 0))
            .expect("a store footer");
        bytes[at] = 91;
        std::fs::write(&path, bytes).unwrap();
    });
    answers_for_every_note(&t, "a store file naming compressor 91");
}

fn edit_meta(dir: &Path, f: impl FnOnce(&mut Value)) {
    let path = dir.join("index/meta.json");
    let mut meta: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    f(&mut meta);
    std::fs::write(&path, serde_json::to_vec(&meta).unwrap()).unwrap();
}

fn set_payload(meta: &mut Value, seq: i64) {
    let mut payload: Value = serde_json::from_str(meta["payload"].as_str().unwrap()).unwrap();
    payload["outbox_seq"] = seq.into();
    meta["payload"] = payload.to_string().into();
}

#[test]
fn an_emptied_segment_list_is_noticed_at_opening_and_rebuilt() {
    let t = library_with_notes().reopen_after(|dir| {
        edit_meta(dir, |meta| meta["segments"] = Value::Array(Vec::new()));
    });
    answers_for_every_note(&t, "segments emptied");
    let report = t.lib.check().unwrap();
    assert!(
        report.index_repaired.is_some(),
        "check reports what opening repaired: {report:?}"
    );
}

#[test]
fn a_segment_list_cut_short_is_noticed_at_opening_and_rebuilt() {
    // Several segments: clips committed one by one, no merge in between.
    let t = library_with_notes().reopen_after(|dir| {
        edit_meta(dir, |meta| {
            let segments = meta["segments"].as_array_mut().unwrap();
            segments.truncate(segments.len().saturating_sub(1));
        });
    });
    answers_for_every_note(&t, "a segment dropped from meta.json");
}

#[test]
fn a_forged_commit_payload_never_makes_check_wait() {
    for (what, seq) in [
        ("zero", 0),
        ("behind", 3),
        ("ahead", 1_000_000),
        ("negative", -5),
    ] {
        let t = library_with_notes().reopen_after(|dir| edit_meta(dir, |m| set_payload(m, seq)));
        let started = Instant::now();
        answers_for_every_note(&t, &format!("outbox_seq {what}"));
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "outbox_seq {what}: check took {:?}",
            started.elapsed()
        );
    }
}

#[test]
fn a_payload_that_is_not_lodes_or_another_schema_is_rebuilt() {
    type Change = fn(&mut Value);
    let cases: [(&str, Change); 3] = [
        ("no payload", |m| m["payload"] = Value::Null),
        ("garbage payload", |m| m["payload"] = "{not json".into()),
        ("another schema", |m| {
            let mut p: Value = serde_json::from_str(m["payload"].as_str().unwrap()).unwrap();
            p["schema"] = 999.into();
            m["payload"] = p.to_string().into();
        }),
    ];
    for (what, change) in cases {
        let t = library_with_notes().reopen_after(|dir| edit_meta(dir, change));
        answers_for_every_note(&t, what);
    }
}

#[test]
fn a_meta_json_that_is_not_json_or_missing_is_rebuilt() {
    for (what, damage) in [
        (
            "not json",
            (|p: &Path| std::fs::write(p, b"\x00\x01garbage").unwrap()) as Damage,
        ),
        ("missing", |p| std::fs::remove_file(p).unwrap()),
    ] {
        let t = library_with_notes().reopen_after(|dir| damage(&dir.join("index/meta.json")));
        answers_for_every_note(&t, &format!("meta.json {what}"));
    }
}

#[test]
fn an_index_replaced_by_a_file_or_emptied_is_rebuilt() {
    let t = library_with_notes().reopen_after(|dir| {
        std::fs::remove_dir_all(dir.join("index")).unwrap();
        std::fs::create_dir(dir.join("index")).unwrap();
    });
    answers_for_every_note(&t, "an empty index folder");
    let t = library_with_notes().reopen_after(|dir| {
        std::fs::remove_dir_all(dir.join("index")).unwrap();
        std::fs::write(dir.join("index"), b"not a folder").unwrap();
    });
    answers_for_every_note(&t, "a file named index");
}

#[test]
fn a_crash_in_the_middle_of_reindex_swap_keeps_the_built_index() {
    let t = library_with_notes().reopen_after(|dir| {
        // The swap renames index -> index.old, then index.new -> index; a crash in between
        // leaves no index at all.
        std::fs::rename(dir.join("index"), dir.join("index.new")).unwrap();
    });
    answers_for_every_note(&t, "killed between the two renames");
    assert!(
        t.lib.check().unwrap().index_repaired.is_none(),
        "taken back, not rebuilt"
    );
}

#[test]
fn a_file_damaged_while_the_library_is_open_is_repaired_by_the_search_that_finds_it() {
    let t = library_with_notes();
    let index = t.dir.path().join("index");
    // Replace every segment file under the open reader (a sync tool restoring a folder).
    for name in index_files(t.dir.path()) {
        if name.ends_with(".idx") || name.ends_with(".term") {
            std::fs::remove_file(index.join(&name)).unwrap();
            std::fs::write(index.join(&name), b"garbage").unwrap();
        }
    }
    t.lib.reindex().unwrap();
    answers_for_every_note(&t, "files replaced while open, then reindex");
}

#[test]
fn the_damaged_index_is_set_aside_not_deleted() {
    let t = library_with_notes().reopen_after(|dir| {
        std::fs::write(dir.join("index/meta.json"), b"{").unwrap();
    });
    answers_for_every_note(&t, "meta.json cut short");
    assert!(t.dir.path().join("index.damaged/meta.json").is_file());
}

#[test]
fn the_indexer_error_clears_once_it_catches_up() {
    let t = library_with_notes();
    // Another process holds the database's write lock past the busy timeout (5 s) while a
    // change is applied: the indexer cannot prune the outbox. Once the lock goes, the next
    // change is applied and nothing stays failed.
    let blocker = rusqlite::Connection::open(t.dir.path().join("lode.db")).unwrap();
    let id = t
        .clip_text(&article(
            "Antimony ledger",
            &["The antimony ledger was audited."],
        ))
        .id;
    blocker.execute_batch("BEGIN IMMEDIATE").unwrap();
    std::thread::sleep(Duration::from_millis(5_600));
    blocker.execute_batch("COMMIT").unwrap();
    let later = t
        .clip_text(&article(
            "Bismuth ledger",
            &["The bismuth ledger was audited."],
        ))
        .id;
    t.lib
        .flush_index()
        .expect("no error stays once the indexer can write again");
    assert_eq!(
        t.search("antimony ledger").hits.first().map(|h| h.id),
        Some(id)
    );
    assert_eq!(
        t.search("bismuth ledger").hits.first().map(|h| h.id),
        Some(later)
    );
    assert_eq!(t.lib.index_status().error, None);
    assert!(t.lib.check().unwrap().ok());
}
