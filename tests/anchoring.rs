//! Re-anchoring: passages found again after their note's body changed.

use lode::anchor::{AnchorStatus, reanchor, select};
use lode::{Clip, Library};
use rstest::rstest;

use crate::common::fixture;

fn body() -> String {
    Library::extract(&Clip {
        text: Some(fixture("northwind_lithium.txt")),
        ..Clip::default()
    })
    .unwrap()
    .body
}

fn text_at(body: &str, start: usize, end: usize) -> String {
    body.chars().skip(start).take(end - start).collect()
}

const PUMPS: &str = "The pumps never stop.";
const FLAMINGOS: &str = "Nobody asked the flamingos either.";
const QUINOA: &str = "the quinoa terraces their grandparents built are being abandoned";
const RESERVES: &str = "Chile holds the largest lithium reserves in the world, and the demand";

#[rstest]
#[case::nothing_changed(PUMPS, |b: String| b, AnchorStatus::Exact, PUMPS)]
#[case::insertion_before(PUMPS, |b: String| format!("An editor's note, added later, comes first.\n\n{b}"), AnchorStatus::Moved, PUMPS)]
#[case::insertion_after(PUMPS, |b: String| format!("{b}\n\nA correction was appended at the end of the article."), AnchorStatus::Exact, PUMPS)]
#[case::deletion_before(FLAMINGOS, |b: String| b.replacen("San Pedro de Atacama – ", "", 1), AnchorStatus::Moved, FLAMINGOS)]
#[case::deletion_around(QUINOA, |b: String| b.replacen("But the farmers of the oasis villages tell a different story. ", "", 1), AnchorStatus::Moved, QUINOA)]
#[case::word_changed_inside(FLAMINGOS, |b: String| b.replacen("asked the flamingos", "asked the pink flamingos", 1), AnchorStatus::Changed, "Nobody asked the pink flamingos either.")]
#[case::deletion_inside(QUINOA, |b: String| b.replacen("terraces their grandparents built", "terraces their elders built", 1), AnchorStatus::Changed, "the quinoa terraces their elders built are being abandoned")]
#[case::punctuation_normalised(RESERVES, |b: String| b.replacen("world, and the demand", "world and the demand", 1), AnchorStatus::Changed, "Chile holds the largest lithium reserves in the world and the demand")]
#[case::whitespace_normalised(RESERVES, |b: String| b.replacen("largest lithium", "largest  lithium", 1), AnchorStatus::Changed, "Chile holds the largest  lithium reserves in the world, and the demand")]
#[case::duplicated_after(PUMPS, |b: String| format!("{b}\n\nAs the mayor put it: The pumps never stop."), AnchorStatus::Exact, PUMPS)]
#[case::duplicated_before_context_wins(FLAMINGOS, |b: String| format!("Quote of the day: Nobody asked the flamingos either. Really.\n\n{b}"), AnchorStatus::Moved, FLAMINGOS)]
#[case::paragraphs_reordered(PUMPS, |b: String| { let mut p: Vec<&str> = b.split("\n\n").collect(); p.swap(0, 2); p.join("\n\n") }, AnchorStatus::Moved, PUMPS)]
#[case::quote_deleted(FLAMINGOS, |b: String| b.replacen("\"We were promised that the water below the salt is not our water,\" said Lucía Mamani, who grows alfalfa near Toconao. \"Nobody asked the flamingos either.\"", "", 1), AnchorStatus::Orphan, FLAMINGOS)]
fn a_passage_is_found_again(
    #[case] quote: &str,
    #[case] edit: fn(String) -> String,
    #[case] status: AnchorStatus,
    #[case] expected: &str,
) {
    let before = body();
    let selector = select(&before, quote, None).expect("the quote is in the fixture");
    let after = edit(before.clone());
    let anchored = reanchor(&selector, &after);
    assert_eq!(anchored.status, status, "status");
    let p = anchored.selector.position;
    if status == AnchorStatus::Orphan {
        assert_eq!(anchored.selector, selector, "an orphan keeps its selector");
    } else {
        assert_eq!(
            text_at(&after, p.start, p.end),
            expected,
            "the passage's new range"
        );
        assert_eq!(
            anchored.selector.quote.exact, expected,
            "the selector follows the text"
        );
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (diagonal + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// SplitMix64, so the sweep is the same on every run.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) % n as u64) as usize
    }
}

/// Sentences of the fixture as passages; the body edited around them (text inserted and
/// deleted elsewhere) and, in the second half, inside them (up to 20% of their characters).
#[test]
fn sweep_meets_the_targets() {
    let base = body();
    let sentences: Vec<&str> = base
        .split(". ")
        .map(str::trim)
        .filter(|s| s.len() > 30 && !s.contains('\n') && base.matches(*s).count() == 1)
        .collect();
    let mut rng = Rng(7);
    let (mut unchanged_ok, mut unchanged_total, mut changed_ok, mut changed_total, mut lost) =
        (0, 0, 0, 0, 0);
    for round in 0..200 {
        let quote = sentences[rng.below(sentences.len())];
        let selector = select(&base, quote, None).unwrap();
        // Edits elsewhere: a paragraph inserted at a random paragraph boundary.
        let mut paragraphs: Vec<String> = base.split("\n\n").map(String::from).collect();
        let at = rng.below(paragraphs.len() + 1);
        paragraphs.insert(
            at,
            format!("An inserted paragraph number {round}, with words that appear nowhere else."),
        );
        let mut after = paragraphs.join("\n\n");
        let mut expected = quote.to_string();
        let mutate = round % 2 == 1;
        if mutate {
            let mut chars: Vec<char> = quote.chars().collect();
            let budget = (chars.len() / 5).max(1);
            for _ in 0..rng.below(budget) + 1 {
                let i = rng.below(chars.len());
                match rng.below(3) {
                    0 => chars[i] = 'x',
                    1 => chars.insert(i, 'y'),
                    _ if chars.len() > 10 => {
                        chars.remove(i);
                    }
                    _ => chars[i] = 'z',
                }
            }
            expected = chars.into_iter().collect();
            after = after.replacen(quote, &expected, 1);
        }
        let anchored = reanchor(&selector, &after);
        let p = anchored.selector.position;
        let found = text_at(&after, p.start, p.end);
        if anchored.status == AnchorStatus::Orphan {
            lost += usize::from(anchored.selector != selector); // an orphan must keep its selector
        }
        if mutate {
            changed_total += 1;
            // Correct: the new range is the edited passage, give or take a character at an edge
            // (a junk character inserted just outside the quote is rightly left out of it).
            let close = edit_distance(&found, &expected) * 10 <= expected.chars().count();
            if anchored.status != AnchorStatus::Orphan && close {
                changed_ok += 1;
            } else {
                eprintln!(
                    "MISS {:?}\n  expected {expected:?}\n  found    {found:?}",
                    anchored.status
                );
            }
        } else {
            unchanged_total += 1;
            if matches!(anchored.status, AnchorStatus::Exact | AnchorStatus::Moved)
                && found == quote
            {
                unchanged_ok += 1;
            }
        }
    }
    eprintln!(
        "unchanged quotes: {unchanged_ok}/{unchanged_total} exact or moved; changed quotes: {changed_ok}/{changed_total} re-anchored"
    );
    assert_eq!(
        unchanged_ok, unchanged_total,
        "every unchanged quote is found exactly"
    );
    assert!(
        changed_ok * 100 >= changed_total * 95,
        "at least 95% of changed quotes re-anchored: {changed_ok}/{changed_total}"
    );
    assert_eq!(lost, 0, "no annotation is silently lost");
}
