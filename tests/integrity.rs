//! Nothing acknowledged is ever lost, and the derived index never answers for less than
//! SQLite holds: after a crash, a lost index, a restore.

use crate::common::{TestLibrary, article};

const PARA: &str = "The ministry published the figures on Tuesday, and the opposition \
    asked for an inquiry into how the contracts for the northern mines were awarded.";

#[test]
fn the_first_search_after_a_crash_finds_what_the_crash_left_unindexed() {
    let t = TestLibrary::new();
    let id = t.clip_fixture("northwind_lithium.txt");
    // A write acknowledged just before a crash: in SQLite, with its outbox entry, not yet in
    // the index.
    let t = t.reopen_after(|dir| {
        let conn = rusqlite::Connection::open(dir.join("lode.db")).unwrap();
        conn.execute(
            "UPDATE notes SET title = 'Zanzibar cloves and lithium' WHERE id = ?1",
            [id],
        )
        .unwrap();
        conn.execute("INSERT INTO index_outbox (note_id) VALUES (?1)", [id])
            .unwrap();
    });
    let results = t
        .lib
        .search("zanzibar", &lode::SearchOptions::default())
        .unwrap();
    assert_eq!(
        results.hits.iter().map(|h| h.id).collect::<Vec<_>>(),
        [id],
        "found by the first search, without waiting for the indexer by hand"
    );
}

#[test]
fn the_first_search_after_the_index_is_lost_waits_for_the_rebuild() {
    let t = TestLibrary::new();
    for i in 0..30 {
        t.clip_text(&article(
            &format!("Tungsten report {i}"),
            &[&format!("Report {i}. {PARA}")],
        ));
    }
    t.lib.flush_index().unwrap();
    let t = t.reopen_after(|dir| std::fs::remove_dir_all(dir.join("index")).unwrap());
    let results = t
        .lib
        .search(
            "tungsten",
            &lode::SearchOptions {
                limit: 100,
                ..lode::SearchOptions::default()
            },
        )
        .unwrap();
    assert_eq!(
        results.hits.len(),
        30,
        "no 'no results' because the index is behind"
    );
}
