//! Durability: SQLite is the source of truth; the index is derived and rebuilt when lost.

use lode::{NewAnnotation, SearchOptions};

use crate::common::{TestLibrary, article};

fn populated() -> (TestLibrary, i64) {
    let t = TestLibrary::new();
    let id = t.clip_fixture("northwind_lithium.txt");
    t.clip_fixture("cronache_terre_rare.txt");
    t.lib.tag(id, &["minerals"]).unwrap();
    t.lib
        .annotate(
            id,
            &NewAnnotation {
                quote: "The pumps never stop.".into(),
                comment: Some("opening line".into()),
                ..NewAnnotation::default()
            },
        )
        .unwrap();
    (t, id)
}

const QUERIES: [&str; 5] = [
    "brine",
    "lithum",
    "\"salt flats\"",
    "tag:minerals",
    "opening",
];

fn answers(t: &TestLibrary) -> Vec<Vec<i64>> {
    QUERIES.iter().map(|q| t.ids(q)).collect()
}

#[test]
fn closing_and_reopening_keeps_everything() {
    let (t, id) = populated();
    let before = answers(&t);
    assert!(
        before.iter().all(|ids| ids == &[id]),
        "every query finds the note: {before:?}"
    );
    let note = t.lib.note(id).unwrap();
    let annotations = t.lib.annotations(id).unwrap();
    let t = t.reopen();
    assert_eq!(answers(&t), before);
    assert_eq!(
        t.lib.note(id).unwrap(),
        note,
        "the note, its metadata and tags"
    );
    assert_eq!(t.lib.annotations(id).unwrap(), annotations);
}

#[test]
fn reindex_gives_the_same_results() {
    let (t, _) = populated();
    let before = answers(&t);
    t.lib.reindex().unwrap();
    assert_eq!(answers(&t), before);
    let more = t.clip_text(&article("After the rebuild", &["Notes clipped after a rebuild are indexed by the new writer, and found by the next search as usual."])).id;
    assert_eq!(
        t.ids("rebuild"),
        vec![more],
        "the swapped-in index keeps indexing"
    );
    assert!(t.lib.check().unwrap().ok());
}

#[test]
fn a_deleted_index_folder_is_rebuilt_on_open() {
    let (t, _) = populated();
    let before = answers(&t);
    let t = t.reopen_after(|dir| std::fs::remove_dir_all(dir.join("index")).unwrap());
    assert_eq!(answers(&t), before);
}

#[test]
fn a_corrupt_index_is_rebuilt_on_open() {
    let (t, _) = populated();
    let before = answers(&t);
    let t =
        t.reopen_after(|dir| std::fs::write(dir.join("index/meta.json"), "{ not json").unwrap());
    assert_eq!(answers(&t), before);
}

#[test]
fn changes_a_crash_left_unindexed_are_replayed_on_open() {
    let (t, _) = populated();
    // What a crash between the SQLite commit and the index commit leaves: a note and its
    // outbox entry, and an index that has never seen them.
    let t = t.reopen_after(|dir| {
        let conn = lode::testing::connect(&dir.join("lode.db")).unwrap();
        conn.execute_batch(
            "INSERT INTO notes (title, language, body, content_hash, created_at, updated_at)
             VALUES ('Crash survivor', 'en', 'The indexer never saw this paragraph about albatrosses.', 'x', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
             INSERT INTO index_outbox (note_id) VALUES (last_insert_rowid());",
        )
        .unwrap();
    });
    assert_eq!(
        t.search("albatrosses").hits.len(),
        1,
        "the outbox is replayed"
    );
    assert!(t.lib.check().unwrap().ok());
}

#[test]
fn searches_answer_at_opening_while_another_program_holds_the_write_lock() {
    use std::time::{Duration, Instant};

    // Another program (a backup tool, the sqlite3 shell) holds the database's write lock
    // while Lode opens a library whose index is one change behind: the opening catches the
    // index up, and searching waits for that, never for the other program's lock.
    let (t, _) = populated();
    let mut blocker = None;
    let t = t.reopen_after(|dir| {
        let conn = lode::testing::connect(&dir.join("lode.db")).unwrap();
        conn.execute_batch(
            "INSERT INTO notes (title, language, body, content_hash, created_at, updated_at)
             VALUES ('Harbour log', 'en', 'Stevedores unloaded the cormorant-marked crates at dawn.', 'x', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
             INSERT INTO index_outbox (note_id) VALUES (last_insert_rowid());
             BEGIN IMMEDIATE;",
        )
        .unwrap();
        blocker = Some(conn);
    });
    let started = Instant::now();
    assert_eq!(
        t.search("stevedores").hits.len(),
        1,
        "the opening caught up"
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "the search waited {:?}, for another program's lock",
        started.elapsed()
    );
    blocker.unwrap().execute_batch("COMMIT").unwrap();
    t.lib.tag(t.ids("stevedores")[0], &["port"]).unwrap();
    t.lib.flush_index().unwrap();
    assert_eq!(t.ids("tag:port").len(), 1, "and the index goes on");
    assert!(t.lib.check().unwrap().ok());
}

#[test]
fn a_clip_becomes_searchable_without_an_explicit_flush() {
    let t = TestLibrary::new();
    let id = t.clip_text(&article("Debounced", &["The indexer commits on its own shortly after the last change, so a search finds this without any help."])).id;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let hits = t
            .lib
            .search("debounced", &SearchOptions::default())
            .unwrap()
            .hits;
        if hits.iter().any(|h| h.id == id) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the background indexer must commit by itself"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn check_reports_agreement() {
    let (t, _) = populated();
    let report = t.lib.check().unwrap();
    assert!(report.ok(), "{report:?}");
    assert_eq!((report.notes, report.annotations), (2, 1));
    assert_eq!((report.indexed_notes, report.indexed_annotations), (2, 1));
}

/// The desktop's reads (a note, the list, search's hits, tags) never queue behind a write:
/// here a write that waits for SQLite's lock (another process holds it) keeps the library's
/// write connection, and every read answers meanwhile, from what was committed.
#[test]
fn reads_answer_while_a_write_waits() {
    use std::sync::mpsc;
    use std::time::Duration;

    let t = TestLibrary::new();
    let id = t
        .clip_text(&article(
            "Cobalt ledger",
            &["The cobalt ledger was audited in Lubumbashi."],
        ))
        .id;
    t.lib.flush_index().unwrap();
    let blocker = rusqlite::Connection::open(t.dir.path().join("lode.db")).unwrap();
    blocker.execute_batch("BEGIN IMMEDIATE").unwrap();
    let lib = &t.lib;
    std::thread::scope(|scope| {
        // Waits (up to SQLite's 5 s busy timeout) for the lock, holding the write connection.
        let writer = scope.spawn(|| lib.tag(id, &["minerals"]));
        std::thread::sleep(Duration::from_millis(300));
        let (tx, rx) = mpsc::channel();
        scope.spawn(move || {
            let read = (|| -> lode::Result<(String, usize, usize, usize)> {
                let note = lib.note(id)?;
                let listed = lib.notes(&Default::default())?.len();
                let found = lib.search("cobalt", &Default::default())?.hits.len();
                let annotations = lib.annotations(id)?.len();
                Ok((note.article.title, listed, found, annotations))
            })();
            let _ = tx.send(read);
        });
        let read = rx
            .recv_timeout(Duration::from_secs(3))
            .expect("the reads answered while the write waited for its lock");
        assert_eq!(read.unwrap(), ("Cobalt ledger".to_string(), 1, 1, 0));
        blocker.execute_batch("COMMIT").unwrap();
        assert_eq!(
            writer.join().unwrap().unwrap(),
            vec!["minerals".to_string()]
        );
    });
    assert_eq!(
        t.lib.note(id).unwrap().article.tags,
        ["minerals"],
        "the write landed"
    );
}
