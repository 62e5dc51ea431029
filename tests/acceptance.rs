//! Acceptance over the shared seed (`../shared/seeds`): a real Eunews page as a reader's
//! clipboard holds it. Skipped, loudly, when `../shared` is not beside the checkout.

use lode::{Clip, Library, NewAnnotation};

use crate::common::{TestLibrary, seed, shingle_f1};

#[test]
fn the_seed_page_becomes_its_article() {
    let Some(seed) = seed() else { return };
    let e = &seed.expected;
    let a = Library::extract(&Clip {
        text: Some(seed.raw.clone()),
        ..Clip::default()
    })
    .unwrap();
    assert_eq!(a.title, e["title"].as_str().unwrap());
    assert_eq!(a.standfirst.as_deref(), e["standfirst"].as_str());
    assert_eq!(a.author.as_deref(), e["author"].as_str());
    assert_eq!(
        a.published.map(|d| d.to_string()).as_deref(),
        e["published"].as_str()
    );
    assert_eq!(serde_json::to_value(&a.sections).unwrap(), e["sections"]);
    assert_eq!(a.site.as_deref(), e["site"].as_str());
    assert_eq!(a.language, e["language"].as_str().unwrap());
    let expected_tags: Vec<&str> = e["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    let recovered = expected_tags
        .iter()
        .filter(|t| a.tags.iter().any(|got| got == *t))
        .count();
    assert!(recovered >= 8, "at least 8 of the 10 tags: {:?}", a.tags);
    assert!(a.body.starts_with(e["body_starts_with"].as_str().unwrap()));
    assert!(a.body.ends_with(e["body_ends_with"].as_str().unwrap()));
    for junk in e["not_in_body"].as_array().unwrap() {
        assert!(
            !a.body.contains(junk.as_str().unwrap()),
            "{junk} must not be in the body"
        );
    }
    let f1 = shingle_f1(&seed.clean, &a.body);
    assert!(f1 >= 0.97, "body F1 against the clean body: {f1:.3}");
}

#[test]
fn clip_search_tag_annotate_the_seed() {
    let Some(seed) = seed() else { return };
    let t = TestLibrary::new();
    let id = t
        .lib
        .clip(&Clip {
            text: Some(seed.raw),
            ..Clip::default()
        })
        .unwrap()
        .id;
    assert_eq!(t.ids("tungsten"), vec![id]);
    assert_eq!(t.ids("tungstn"), vec![id], "a misspelt word still finds it");
    assert_eq!(t.ids("\"critical raw materials\""), vec![id]);
    t.lib.tag(id, &["geo/central-asia", "minerals"]).unwrap();
    assert_eq!(
        t.ids("tag:geo"),
        vec![id],
        "a parent tag finds its children"
    );
    let annotation = t
        .lib
        .annotate(
            id,
            &NewAnnotation {
                quote: "a well-stocked mine".into(),
                comment: Some("supply chain leverage".into()),
                tags: vec!["minerals".into()],
                ..NewAnnotation::default()
            },
        )
        .unwrap();
    let found = t.search("leverage");
    assert_eq!(
        found.hits[0].annotations[0].id, annotation.id,
        "found by a word of its comment"
    );

    let queries = [
        "tungsten",
        "tungstn",
        "\"critical raw materials\"",
        "tag:geo",
        "leverage",
        "is:annotation minerals",
    ];
    let before: Vec<Vec<i64>> = queries.iter().map(|q| t.ids(q)).collect();
    let t = t.reopen();
    assert_eq!(
        queries.iter().map(|q| t.ids(q)).collect::<Vec<_>>(),
        before,
        "everything after reopening"
    );
    t.lib.reindex().unwrap();
    assert_eq!(
        queries.iter().map(|q| t.ids(q)).collect::<Vec<_>>(),
        before,
        "everything after reindex"
    );
}
