//! Saved searches: a query kept with a name, listed with live counts, run again later.

use lode::{ErrorCode, SearchOptions};

use crate::common::{TestLibrary, article};

fn clip(t: &TestLibrary, title: &str, body: &str) -> i64 {
    t.clip_text(&article(title, &[body])).id
}

fn counts(t: &TestLibrary) -> Vec<(String, String, Option<usize>)> {
    t.lib.flush_index().unwrap();
    (t.lib.saved_searches().unwrap().into_iter())
        .map(|s| (s.name, s.query, s.count))
        .collect()
}

#[test]
fn a_saved_search_counts_its_notes_as_they_arrive_and_runs_as_the_search_does() {
    let t = TestLibrary::new();
    let lithium = clip(
        &t,
        "Lithium in Kazakhstan",
        "A lithium mine opens in Kazakhstan.",
    );
    clip(&t, "Cobalt talks", "Cobalt negotiators met in Brussels.");
    t.lib.tag(lithium, &["minerals"]).unwrap();
    t.lib.flush_index().unwrap();

    let saved = t.lib.save_search("  Lithium  ", "lithium").unwrap();
    assert_eq!(
        (saved.name.as_str(), saved.query.as_str()),
        ("Lithium", "lithium")
    );
    assert_eq!(saved.count, Some(1));
    t.lib
        .save_search("Tagged minerals", "tag:minerals")
        .unwrap();
    assert_eq!(
        counts(&t),
        [
            ("Lithium".into(), "lithium".into(), Some(1)),
            ("Tagged minerals".into(), "tag:minerals".into(), Some(1)),
        ]
    );

    // A note that arrives is counted.
    clip(&t, "Lithium prices", "Lithium prices fell again this week.");
    assert_eq!(counts(&t)[0].2, Some(2));

    // Running it is the search it holds.
    let options = SearchOptions::default();
    let run = t.lib.run_saved_search("lithium", &options).unwrap();
    let searched = t.lib.search("lithium", &options).unwrap();
    assert_eq!(run, searched);
    assert_eq!(run.hits.len(), 2);

    // The same name in another case replaces the query (and takes the new spelling).
    t.lib.save_search("LITHIUM", "lithium -prices").unwrap();
    assert_eq!(
        counts(&t)[0],
        ("LITHIUM".into(), "lithium -prices".into(), Some(1))
    );

    // Saved searches stay across a restart; deleting one removes it.
    let t = t.reopen();
    assert_eq!(counts(&t).len(), 2);
    t.lib.delete_saved_search("tagged MINERALS").unwrap();
    assert_eq!(counts(&t).len(), 1);
}

#[test]
fn a_saved_search_needs_a_name_and_a_query_and_an_unknown_one_is_not_found() {
    let t = TestLibrary::new();
    for (name, query) in [
        ("", "lithium"),
        ("   ", "lithium"),
        ("name", "  "),
        ("a\u{7}b", "x"),
    ] {
        let e = t.lib.save_search(name, query).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidInput, "{name:?} {query:?}: {e}");
    }
    let long = "n".repeat(101);
    assert_eq!(
        t.lib.save_search(&long, "x").unwrap_err().code(),
        ErrorCode::InvalidInput
    );
    let e = (t.lib.run_saved_search("nothing", &SearchOptions::default())).unwrap_err();
    assert_eq!(e.code(), ErrorCode::NotFound);
    assert!(e.to_string().contains("\"nothing\""), "{e}");
    assert_eq!(
        t.lib.delete_saved_search("nothing").unwrap_err().code(),
        ErrorCode::NotFound
    );
    assert!(t.lib.saved_searches().unwrap().is_empty());
}

#[test]
fn the_index_status_says_when_more_became_searchable() {
    let t = TestLibrary::new();
    t.lib.flush_index().unwrap();
    let before = t.lib.index_status().applied;
    clip(
        &t,
        "Lithium in Kazakhstan",
        "A lithium mine opens in Kazakhstan.",
    );
    t.lib.flush_index().unwrap();
    let after = t.lib.index_status().applied;
    assert!(after > before, "{before} → {after}");
    assert_eq!(
        t.lib.index_status().applied,
        after,
        "nothing new, nothing moved"
    );
}
