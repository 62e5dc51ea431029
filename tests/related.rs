//! Related notes ("More like this"): the notes that share the open one's telling words.

use lode::ErrorCode;

use crate::common::{TestLibrary, article};

fn clip(t: &TestLibrary, title: &str, body: &[&str]) -> i64 {
    t.clip_text(&article(title, body)).id
}

struct Library {
    t: TestLibrary,
    lithium: i64,
    lithium_prices: i64,
    lithium_road: i64,
    cobalt: i64,
    football: i64,
}

fn library() -> Library {
    let t = TestLibrary::new();
    let lithium = clip(
        &t,
        "Kazakhstan opens a lithium mine",
        &[
            "The lithium mine near Karaganda will produce spodumene concentrate from 2027.",
            "Kazakhstan wants to refine the lithium at home before exporting it to Europe.",
        ],
    );
    let lithium_prices = clip(
        &t,
        "Lithium prices fall",
        &["Spodumene and lithium carbonate prices fell again as new mines opened."],
    );
    let lithium_road = clip(
        &t,
        "A road for Kazakh lithium",
        &["Kazakhstan and the European Union signed a deal to carry lithium to Europe by rail."],
    );
    let cobalt = clip(
        &t,
        "Cobalt from Congo",
        &["Congo exports most of the world's cobalt; a new smelter opened in Kolwezi."],
    );
    let football = clip(
        &t,
        "The cup final",
        &["The final ended with a penalty shoot-out after a goalless match."],
    );
    for n in 0..6 {
        clip(
            &t,
            &format!("Weather report {n}"),
            &["Rain is expected in the north, and sun in the south, said the forecast."],
        );
    }
    t.lib.flush_index().unwrap();
    Library {
        t,
        lithium,
        lithium_prices,
        lithium_road,
        cobalt,
        football,
    }
}

#[test]
fn the_notes_that_share_a_notes_telling_words_come_first_with_those_words() {
    let l = library();
    let related = l.t.lib.related(l.lithium, 5).unwrap();
    let ids: Vec<i64> = related.iter().map(|r| r.id).collect();
    // The two other lithium notes first; the cobalt one shares less ("opens", "exporting");
    // the final and the weather share nothing telling.
    let mut first_two = ids[..2].to_vec();
    first_two.sort_unstable();
    assert_eq!(first_two, [l.lithium_prices, l.lithium_road], "{related:?}");
    assert_eq!(ids[2..], [l.cobalt], "{related:?}");
    let road = related.iter().find(|r| r.id == l.lithium_road).unwrap();
    assert_eq!(road.title, "A road for Kazakh lithium");
    assert!(road.terms.contains(&"lithium".to_string()), "{road:?}");
    assert!(road.terms.contains(&"kazakhstan".to_string()), "{road:?}");
    assert!(road.terms.len() <= 5);
    let prices = related.iter().find(|r| r.id == l.lithium_prices).unwrap();
    assert!(
        prices.terms.contains(&"spodumene".to_string()),
        "{prices:?}"
    );

    assert_eq!(l.t.lib.related(l.lithium, 1).unwrap().len(), 1);
    // A word every note shares ("the") connects nothing: the final has no related note.
    assert!(l.t.lib.related(l.football, 5).unwrap().is_empty());
}

#[test]
fn a_note_in_the_trash_is_not_related_and_an_unknown_note_is_not_found() {
    let l = library();
    l.t.lib.delete(l.lithium_road).unwrap();
    l.t.lib.flush_index().unwrap();
    let ids: Vec<i64> = (l.t.lib.related(l.lithium, 5).unwrap().into_iter())
        .map(|r| r.id)
        .collect();
    assert_eq!(ids.first(), Some(&l.lithium_prices));
    assert!(!ids.contains(&l.lithium_road), "{ids:?}");
    assert_eq!(
        l.t.lib.related(9_999, 5).unwrap_err().code(),
        ErrorCode::NotFound
    );
}

#[test]
fn italian_notes_are_related_by_their_stems() {
    let t = TestLibrary::new();
    let a = clip(
        &t,
        "Terre rare in Kazakistan",
        &["Il Kazakistan ha scoperto un giacimento di terre rare, dicono i geologi."],
    );
    let b = clip(
        &t,
        "Giacimenti kazaki",
        &["I giacimenti kazaki di terre rare interessano l'Unione europea."],
    );
    clip(
        &t,
        "Calcio",
        &["La partita è finita ai rigori dopo i supplementari."],
    );
    clip(&t, "Meteo", &["Domani pioggia al nord e sole al sud."]);
    clip(
        &t,
        "Cucina",
        &["La ricetta della pasta al pomodoro è semplice."],
    );
    t.lib.flush_index().unwrap();
    let related = t.lib.related(a, 5).unwrap();
    assert_eq!(related.first().map(|r| r.id), Some(b), "{related:?}");
    assert!(
        related[0].terms.contains(&"giacimento".to_string()),
        "{related:?}"
    );
}
