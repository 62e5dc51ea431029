//! Annotations: W3C selectors, occurrences, colours, comments and tags.

use lode::{Color, ErrorCode, NewAnnotation};

use crate::common::{TestLibrary, article};

fn annotate(quote: &str, occurrence: Option<usize>) -> NewAnnotation {
    NewAnnotation {
        quote: quote.into(),
        occurrence,
        ..NewAnnotation::default()
    }
}

#[test]
fn an_annotation_stores_quote_and_position_selectors() {
    let t = TestLibrary::new();
    let id = t.clip_text(&article("Città e più", &[
        "Perché la città è più cara? Il prezzo degli affitti è salito del venti per cento in un anno, e le famiglie lasciano il centro.",
    ])).id;
    let a = t
        .lib
        .annotate(
            id,
            &NewAnnotation {
                quote: "Il prezzo   degli affitti".into(), // white space as a reader might select it
                comment: Some("  check the source  ".into()),
                tags: vec!["housing".into()],
                color: Color::Pink,
                ..NewAnnotation::default()
            },
        )
        .unwrap();
    let body = t.lib.note(id).unwrap().article.body;
    let s = &a.selector;
    assert_eq!(s.quote.exact, "Il prezzo degli affitti");
    let chars: Vec<char> = body.chars().collect();
    let at: String = chars[s.position.start..s.position.end].iter().collect();
    assert_eq!(
        at, s.quote.exact,
        "positions are code points into the canonical body (accents before it)"
    );
    assert_eq!(
        s.quote.prefix, "Perché la città è più cara? ",
        "up to 32 characters of prefix"
    );
    assert_eq!(
        s.quote.suffix.chars().count(),
        32,
        "32 characters of suffix"
    );
    assert_eq!(a.comment.as_deref(), Some("check the source"));
    assert_eq!(a.color, Color::Pink);
    assert_eq!(a.tags, ["housing"]);
    assert_eq!(t.lib.annotations(id).unwrap(), vec![a]);
}

#[test]
fn a_repeated_quote_needs_an_occurrence() {
    let t = TestLibrary::new();
    let id = t.clip_text(&article("Repeats", &[
        "Today the port is open. The strike goes on, and the port is open again only to ships carrying food and medicine for the islands.",
    ])).id;
    let err = t
        .lib
        .annotate(id, &annotate("the port is open", None))
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::QuoteAmbiguous, "{err}");
    assert!(
        err.to_string().contains("2 times"),
        "the message says how many: {err}"
    );
    let second = t
        .lib
        .annotate(id, &annotate("the port is open", Some(2)))
        .unwrap();
    let first = t
        .lib
        .annotate(id, &annotate("the port is open", Some(1)))
        .unwrap();
    assert!(second.selector.position.start > first.selector.position.start);
    let err = t
        .lib
        .annotate(id, &annotate("the port is open", Some(3)))
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::QuoteAmbiguous);
    assert_eq!(
        t.lib.annotations(id).unwrap().len(),
        2,
        "failed attempts store nothing"
    );
}

#[test]
fn a_quote_that_is_not_in_the_note_is_refused() {
    let t = TestLibrary::new();
    let id = t.clip_text(&article("Tides", &["The tide comes in twice a day here, and the fishing boats leave with the first one before dawn every morning."])).id;
    let err = t
        .lib
        .annotate(id, &annotate("the moon landing", None))
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::QuoteNotFound);
    let err = t.lib.annotate(id, &annotate("   ", None)).unwrap_err();
    assert_eq!(
        err.code(),
        ErrorCode::QuoteNotFound,
        "an empty quote is not a passage"
    );
}

#[test]
fn colours_parse_from_names_and_keys() {
    assert_eq!("2".parse::<Color>().unwrap(), Color::Green);
    assert_eq!("Purple".parse::<Color>().unwrap(), Color::Purple);
    assert_eq!(
        "magenta".parse::<Color>().unwrap_err().code(),
        ErrorCode::InvalidInput
    );
}

#[test]
fn deleting_a_note_deletes_its_annotations_from_search() {
    let t = TestLibrary::new();
    let id = t.clip_text(&article("Glaciers", &["The glacier lost forty metres of ice this summer, the most since measurements began in the valley a century ago."])).id;
    t.lib
        .annotate(
            id,
            &NewAnnotation {
                quote: "forty metres".into(),
                comment: Some("staggering".into()),
                ..NewAnnotation::default()
            },
        )
        .unwrap();
    assert_eq!(t.ids("staggering"), vec![id]);
    t.lib.delete(id).unwrap();
    assert!(t.ids("staggering").is_empty());
    assert!(t.ids("glacier").is_empty());
    assert_eq!(t.lib.note(id).unwrap_err().code(), ErrorCode::NotFound);
}

#[test]
fn colours_have_meanings_that_search_understands() {
    let t = TestLibrary::new();
    let id = t.clip_text(&article("Reservoirs", &["The reservoir is at a third of its capacity, the lowest level since records began, and the town has rationed water."])).id;
    let other = t.clip_text(&article("Forests", &["The forest lost a fifth of its trees to the drought, and the foresters expect to replant for a decade at least."])).id;
    t.lib
        .annotate(
            id,
            &NewAnnotation {
                quote: "the lowest level since records began".into(),
                color: Color::Green,
                ..NewAnnotation::default()
            },
        )
        .unwrap();
    t.lib
        .annotate(
            other,
            &NewAnnotation {
                quote: "replant for a decade".into(),
                color: Color::Blue,
                ..NewAnnotation::default()
            },
        )
        .unwrap();
    let colors = t.lib.name_color(Color::Green, "Evidence").unwrap();
    assert_eq!(colors[1].name.as_deref(), Some("Evidence"));
    assert_eq!(colors[1].key, 2, "green is key 2");
    assert_eq!(
        t.ids("color:evidence"),
        vec![id],
        "by the user's name, in any case"
    );
    assert_eq!(t.ids("color:green"), vec![id], "by the colour itself");
    assert_eq!(t.ids("color:2"), vec![id], "by its key");
    assert_eq!(t.ids("-color:evidence is:annotation"), vec![other]);
    t.lib.name_color(Color::Green, "proof").unwrap();
    assert_eq!(t.ids("color:proof"), vec![id], "renaming needs no reindex");
    assert!(t.ids("color:evidence").is_empty());
    assert_eq!(
        t.lib.name_color(Color::Blue, "PROOF").unwrap_err().code(),
        ErrorCode::InvalidInput,
        "one colour per name"
    );
    assert_eq!(
        t.lib.name_color(Color::Blue, "yellow").unwrap_err().code(),
        ErrorCode::InvalidInput,
        "no colour's word"
    );
    t.lib.name_color(Color::Green, "").unwrap();
    assert_eq!(
        t.lib.colors().unwrap()[1].name,
        None,
        "an empty name forgets it"
    );
}
