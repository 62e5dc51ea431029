//! Search: the query language, typo tolerance, languages, ranking, snippets and facets.

use lode::{NewAnnotation, SearchOptions};
use rstest::rstest;

use crate::common::{TestLibrary, article};

/// The words a snippet marks, cut out by its code-point ranges.
fn marked(snippet: &lode::Snippet) -> Vec<String> {
    let chars: Vec<char> = snippet.text.chars().collect();
    snippet
        .highlights
        .iter()
        .map(|&(s, e)| chars[s..e].iter().collect())
        .collect()
}

/// Two fixture pages and three short notes, tagged and annotated.
fn corpus() -> (TestLibrary, [i64; 5]) {
    let t = TestLibrary::new();
    let lithium = t.clip_fixture("northwind_lithium.txt");
    let terre = t.clip_fixture("cronache_terre_rare.txt");
    let ships = t.clip_text(&article("Container ships wait outside the harbour", &[
        "Thirty container ships waited outside the northern harbour on Monday as the dock strike entered its second week, and shipping companies warned of delays.",
        "The union said the strike would continue until the port authority agreed to new safety rules for the cranes.",
    ])).id;
    let copper = t.clip_text(&article("Copper prices climb as smelters cut output", &[
        "Copper prices rose to a record on Tuesday after smelters in Chile and Zambia announced cuts, while battery makers kept buying every ton they could find.",
    ])).id;
    let storage = t.clip_text(&article("Why the grid cannot wait for cheaper storage", &[
        "Grid operators say that battery storage is needed now, not in ten years, because solar farms already waste power at noon on sunny days in the spring.",
    ])).id;
    t.lib
        .tag(lithium, &["geo/latam/chile", "minerals"])
        .unwrap();
    t.lib.tag(copper, &["geo/latam/chile", "markets"]).unwrap();
    t.lib.tag(terre, &["geo/europe", "Minerals"]).unwrap();
    t.lib
        .annotate(
            lithium,
            &NewAnnotation {
                quote: "Nobody asked the flamingos either.".into(),
                comment: Some("wildlife angle worth a follow-up".into()),
                tags: vec!["ecology".into()],
                ..NewAnnotation::default()
            },
        )
        .unwrap();
    (t, [lithium, terre, ships, copper, storage])
}

#[rstest]
#[case::one_word("harbour", &[2])]
#[case::stemmed_plural_finds_singular("smelter", &[3])]
#[case::typo_edit_distance_one("lithum", &[0])]
#[case::typo_edit_distance_two_from_nine_letters("hydrologsits", &[0])]
#[case::phrase("\"salt flats\"", &[0])]
#[case::phrase_word_order_matters("\"flats salt\"", &[])]
#[case::or("flamingos OR smelters", &[0, 3])]
#[case::exclude("battery -copper", &[0, 4])]
#[case::exclude_phrase("battery -\"grid operators\"", &[0, 3])]
#[case::exclude_by_an_annotation("battery -wildlife", &[3, 4])]
#[case::exclude_several("battery -wildlife -copper", &[4])]
#[case::tag_parent_finds_children("tag:geo/latam", &[0, 3])]
#[case::tag_root("tag:geo", &[0, 1, 3])]
#[case::tag_case_insensitive("tag:MINERALS", &[0, 1])]
#[case::exclude_tag("tag:geo -tag:markets", &[0, 1])]
#[case::section_word("markets", &[0, 3])]
#[case::author("author:okonkwo", &[0])]
#[case::author_full_name("author:\"giulia ferraresi\"", &[1])]
#[case::site("site:\"cronache del nord\"", &[1])]
#[case::lang("lang:it", &[1])]
#[case::after_counts_clip_date_when_unpublished("after:2025-12-01 tag:geo", &[0, 3])]
#[case::before("before:2025-12 tag:geo", &[1])]
#[case::italian_stemming_singular_finds_plural("autorizzazione", &[1])]
#[case::italian_stemming_phrase("\"progetto strategico\"", &[1])]
#[case::accent_folding("perche", &[1])]
#[case::accented_query("perché", &[1])]
#[case::annotation_comment("wildlife", &[0])]
#[case::is_annotation("is:annotation flamingos", &[0])]
#[case::has_annotation("has:annotation", &[0])]
#[case::annotation_tag("tag:ecology", &[0])]
fn queries_find_the_right_notes(#[case] query: &str, #[case] expected: &[usize]) {
    let (t, ids) = corpus();
    let mut found = t.ids(query);
    found.sort_unstable();
    let mut want: Vec<i64> = expected.iter().map(|&i| ids[i]).collect();
    want.sort_unstable();
    assert_eq!(found, want, "query {query:?}");
}

#[test]
fn notes_with_every_word_rank_first_and_partial_matches_follow() {
    let (t, ids) = corpus();
    let results = t.search("battery copper smelters");
    let order: Vec<i64> = results.hits.iter().map(|h| h.id).collect();
    assert_eq!(
        order.first(),
        Some(&ids[3]),
        "the note holding all three words comes first: {order:?}"
    );
    assert!(results.hits[0].all_words);
    assert!(
        order.contains(&ids[0]) && order.contains(&ids[4]),
        "notes holding some of the words follow"
    );
    assert!(
        results.hits[1..].iter().all(|h| !h.all_words),
        "partial matches are marked"
    );
    assert_eq!(
        results.total, 1,
        "total counts the notes that hold every word"
    );
}

#[test]
fn a_natural_language_question_never_shows_an_empty_page() {
    let (t, ids) = corpus();
    let found = t.ids("what happened to the farmers wells in the desert?");
    assert_eq!(
        found.first(),
        Some(&ids[0]),
        "the lithium article answers it"
    );
}

#[test]
fn exact_matches_rank_above_typo_matches() {
    let t = TestLibrary::new();
    let exact = t.clip_text(&article("Tungsten exports", &["The mine ships tungsten concentrate to three smelters in the south of the country every month of the year."])).id;
    let near = t.clip_text(&article("Tangsten is a brand", &["The company named Tangsten sells garden tools and has nothing to do with any metal mined in the region."])).id;
    assert_eq!(
        t.ids("tungsten"),
        vec![exact, near],
        "the exact word first, the one-letter variant after"
    );
}

#[test]
fn the_last_word_matches_as_a_prefix_for_search_as_you_type() {
    let (t, ids) = corpus();
    assert_eq!(
        t.ids("harb"),
        vec![ids[2]],
        "a word being typed matches as a prefix"
    );
    let titles = t
        .lib
        .search(
            "smelt",
            &SearchOptions {
                titles_only: true,
                ..SearchOptions::default()
            },
        )
        .unwrap();
    assert_eq!(
        titles.hits.iter().map(|h| h.id).collect::<Vec<_>>(),
        vec![ids[3]],
        "titles-only suggestions"
    );
    assert!(
        t.ids("harb ").is_empty(),
        "after a space the word is complete"
    );
}

#[rstest]
#[case::unbalanced_quote("\"salt flats")]
#[case::empty_field("tag:")]
#[case::bad_date("after:yesterday")]
#[case::lone_or("OR")]
#[case::lone_minus("-")]
#[case::parentheses("((harbour")]
#[case::colons(":::")]
#[case::only_negation("-harbour")]
#[case::stop_words_only("the of and")]
#[case::symbols("~!@#$%^&*[]{}\\|<>?/")]
#[case::huge(&"harbour ".repeat(2000))]
fn malformed_queries_never_fail(#[case] query: &str) {
    let (t, _) = corpus();
    t.lib.flush_index().unwrap();
    let results = t.lib.search(query, &SearchOptions::default());
    assert!(
        results.is_ok(),
        "query {query:?} must be read leniently, got {results:?}"
    );
}

#[test]
fn an_unbalanced_quote_is_read_as_a_phrase_to_the_end() {
    let (t, ids) = corpus();
    assert_eq!(t.ids("\"salt flats"), vec![ids[0]]);
}

#[test]
fn snippets_mark_the_matched_words_by_offset() {
    let (t, ids) = corpus();
    let results = t.search("hydrologists aquifers");
    let hit = &results.hits[0];
    assert_eq!(hit.id, ids[0]);
    let marked = marked(&hit.snippet);
    assert_eq!(
        marked,
        ["Hydrologists", "aquifers"],
        "ranges are code-point offsets into the snippet text"
    );
    assert!(
        hit.snippet.text.chars().count() < 260,
        "a snippet is a passage, not the body"
    );
}

#[test]
fn a_typo_is_highlighted_where_it_matched() {
    let (t, _) = corpus();
    let hit = &t.search("flamingoes").hits[0];
    let marked = marked(&hit.snippet);
    assert_eq!(marked, ["flamingos"]);
}

#[test]
fn matching_annotations_come_with_their_note() {
    let (t, ids) = corpus();
    let results = t.search("follow-up");
    let hit = &results.hits[0];
    assert_eq!(hit.id, ids[0]);
    assert_eq!(hit.annotations.len(), 1);
    let a = &hit.annotations[0];
    assert_eq!(a.quote, "Nobody asked the flamingos either.");
    assert_eq!(
        a.comment.as_deref(),
        Some("wildlife angle worth a follow-up")
    );
    assert!(
        !a.comment_highlights.is_empty(),
        "the comment's matched words are marked"
    );
}

#[test]
fn facets_count_tags_sites_and_years_over_all_matches() {
    let (t, _) = corpus();
    let facets = t.search("").facets;
    let count =
        |list: &[lode::Facet], name: &str| list.iter().find(|f| f.name == name).map(|f| f.count);
    assert_eq!(
        count(&facets.tags, "geo"),
        Some(3),
        "a parent counts its children's notes: {:?}",
        facets.tags
    );
    assert_eq!(
        count(&facets.tags, "minerals"),
        Some(2),
        "case-insensitive tags count together"
    );
    assert_eq!(count(&facets.sites, "Northwind Gazette"), Some(1));
    assert_eq!(count(&facets.years, "2025"), Some(2));
    let narrowed = t.search("tag:geo").facets.tags;
    assert_eq!(
        count(&narrowed, "geo/latam"),
        Some(2),
        "under a tag filter, its children are counted: {narrowed:?}"
    );
    assert_eq!(count(&narrowed, "geo/europe"), Some(1));
}

#[test]
fn an_empty_query_lists_notes_by_date() {
    let (t, ids) = corpus();
    let found = t.ids("");
    assert_eq!(found.len(), 5, "everything, newest published first");
    assert_eq!(
        found[0], ids[4],
        "notes without a published date count from when they were clipped (2026)"
    );
}

#[rstest]
#[case::a_word_glued_to_a_phrase_by_a_colon("Chi ha detto:\"Qui sono qui. Non posso fare altro\"?")]
#[case::a_phrase_found_nowhere_beside_stop_words("chi ha \"detto calvino\"")]
#[case::an_unknown_field("detto:lutero")]
fn a_clause_that_matches_nothing_never_empties_a_page_the_other_words_fill(#[case] query: &str) {
    let t = TestLibrary::new();
    let id = t
        .clip_text(&article(
            "Lutero alla dieta di Worms",
            &["Chi ha detto: «Qui sto, non posso fare altrimenti»? Lo ha detto Lutero a Worms, davanti all'imperatore, e la frase ha fatto la storia della Riforma."],
        ))
        .id;
    let results = t.search(query);
    assert_eq!(
        results.hits.iter().map(|h| h.id).collect::<Vec<_>>(),
        [id],
        "{query:?}"
    );
}

#[test]
fn a_known_field_still_takes_a_quoted_value() {
    let (t, ids) = corpus();
    assert_eq!(t.ids("author:\"giulia ferraresi\""), [ids[1]]);
    assert_eq!(t.ids("site:\"cronache del nord\" lang:it"), [ids[1]]);
}
