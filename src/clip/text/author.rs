//! The author when the byline rules name no one (the weakest, a "By" above the title and the
//! line after a lone label, come after it). Every name-like line near the title, at the body's
//! end and right after it is a candidate, described by its shape and place (a "By", alone on
//! its line, beside a date or a portrait, between the title and the body, its words never
//! written in lower case elsewhere on the page, its first word a given name…); a logistic
//! model over those features, trained on the clip bench's tune half by `scripts/train-clipper`
//! (weights in `author_weights.txt`), scores them, and the best is taken when the model is
//! confident enough.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use regex::Regex;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::{BYLINE, FOOTER, Line, PORTRAIT, person};
use crate::clip::dates;

/// A line that heads the author's name: "By", "Written by", "About the author".
static AUTHOR_BOX_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:(?:about|meet) the author|about author|(?:written|posted|published) by|by|author|authors|autore|l'autore|di)\s*:?$")
        .expect("valid regex")
});

/// The features, in the weights file's order (after the bias).
pub const FEATURES: &[&str] = &[
    "by",
    "alone",
    "one_word",
    "three_words_or_more",
    "label_above",
    "date_on_line",
    "date_near",
    "twice",
    "bio_next",
    "portrait_near",
    "in_copyright",
    "once",
    "often",
    "never_lower",
    "all_lower",
    "ends_in_punctuation",
    "lower_case_next",
    "long_rest",
    "above_title",
    "title_line",
    "under_title",
    "body_opening",
    "after_body",
    "given_name",
];

/// The least score (a probability) a candidate needs. Chosen on the clip bench's tune half
/// (text copies), against the model without the given-name feature at 0.45: at 0.45 it names
/// the author on 1 page more, at 0.36 on 3 (and someone on 3 more pages the bench records no
/// author for), at 0.30 on 8 (but someone on 9 more pages without one: "Case Studies", "The
/// Russian"). Not 0.35: a given name alone under the title, printed once with nothing beside
/// it, scores exactly that, and such a line is not a byline by itself.
const THRESHOLD: f64 = 0.36;
/// The least score with which the model overrules a byline rule whose name it scores below
/// [`THRESHOLD`]. Chosen on the clip bench's tune half (text copies): at 0.5 it corrects 3
/// pages and spoils 1, at 0.6 corrects 2 and spoils 1, at 0.7 corrects 2 and spoils none, at 0.8
/// changes nothing.
const OVERRULE: f64 = 0.7;
/// Candidates come from this many lines above the title, under it (before the body), at the
/// body's opening, at its end ([`BODY_CLOSING`]) and after it: a bounded number, whatever the
/// page.
const ABOVE_TITLE: usize = 10;
const UNDER_TITLE: usize = 40;
const BODY_OPENING: usize = 5;
const AFTER_BODY: usize = 15;
/// The body's last lines, which may be the author's box ("Jane Doe", then "Jane is …"): they
/// count as after the body.
const BODY_CLOSING: usize = 5;

static WEIGHTS: LazyLock<Vec<f64>> = LazyLock::new(|| parse_weights(WEIGHTS_FILE));
const WEIGHTS_FILE: &str = include_str!("author_weights.txt");

/// Given names people bear in many countries (lower case, without accents; written by
/// `scripts/given-names`): a byline's first word is usually one, a menu's or a heading's is not.
static GIVEN_NAMES: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("given_names.txt")
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
});
/// Titles a name may open with, before its given name.
const HONORIFICS: &[&str] = &["dr", "mr", "mrs", "ms", "prof"];

/// Whether the name's first word (after a title such as "Dr.") is a given name.
fn opens_with_given_name(words: &[&str]) -> bool {
    words
        .iter()
        .map(|w| fold(w))
        .find(|w| !HONORIFICS.contains(&w.as_str()))
        .is_some_and(|w| GIVEN_NAMES.contains(w.as_str()))
}

/// Lower case without accents: "José" is "jose".
fn fold(word: &str) -> String {
    word.nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// `name value` lines: the bias, then one per feature in [`FEATURES`]' order. A file that does
/// not match gives no weights, and no guesses.
fn parse_weights(file: &str) -> Vec<f64> {
    let names = std::iter::once("bias").chain(FEATURES.iter().copied());
    let rows: Vec<(&str, f64)> = file
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let (name, value) = l.split_once(' ')?;
            Some((name, value.trim().parse().ok()?))
        })
        .collect();
    if rows.len() != FEATURES.len() + 1 || !rows.iter().map(|r| r.0).eq(names) {
        return Vec::new();
    }
    rows.into_iter().map(|(_, v)| v).collect()
}

/// A name the page may give as its author, and what describes it.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub name: String,
    pub features: Vec<f64>,
}

impl Candidate {
    fn score(&self, weights: &[f64]) -> f64 {
        let z = weights[0]
            + (weights[1..].iter())
                .zip(&self.features)
                .map(|(w, x)| w * x)
                .sum::<f64>();
        1.0 / (1.0 + (-z).exp())
    }
}

/// Every candidate's name and score; none without weights.
fn scored(lines: &[Line], title: Option<usize>, start: usize, end: usize) -> Vec<(f64, String)> {
    let weights = &*WEIGHTS;
    if weights.is_empty() {
        return Vec::new();
    }
    candidates(lines, title, start, end)
        .into_iter()
        .map(|c| (c.score(weights), c.name))
        .collect()
}

/// The best candidate the model is confident about.
pub(super) fn guess(
    lines: &[Line],
    title: Option<usize>,
    start: usize,
    end: usize,
) -> Option<String> {
    scored(lines, title, start, end)
        .into_iter()
        .filter(|(score, _)| *score >= THRESHOLD)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, name)| name)
}

/// The name a byline rule gave, unless the model is sure of another and not of it: a rule
/// reads one line ("By Challenge" in a menu, "Published by" and the publisher), the model
/// weighs every name around the article.
pub(super) fn review(
    lines: &[Line],
    title: Option<usize>,
    start: usize,
    end: usize,
    ruled: String,
) -> String {
    let scored = scored(lines, title, start, end);
    let ruled_score = scored
        .iter()
        .filter(|(_, name)| *name == ruled)
        .map(|(score, _)| *score)
        .fold(0.0, f64::max);
    match scored.into_iter().max_by(|a, b| a.0.total_cmp(&b.0)) {
        Some((score, name)) if score >= OVERRULE && ruled_score < THRESHOLD => name,
        _ => ruled,
    }
}

/// Whether the next line or the one after is the author's bio: it opens with the name, or its
/// first word, then "is", "was" or a comma and lower case ("Jane Doe is a reporter…", "Jane, a
/// reporter…"; not "Snow Hill, MD").
fn opens_bio(lines: &[Line], i: usize, name: &str) -> bool {
    let first = name.split(' ').next().unwrap_or(name);
    lines[i + 1..lines.len().min(i + 3)].iter().any(|l| {
        [name, first].iter().any(|n| {
            l.text.strip_prefix(n).is_some_and(|r| {
                r.starts_with(" is ")
                    || r.starts_with(" was ")
                    || r.strip_prefix(", ")
                        .is_some_and(|r| r.starts_with(char::is_lowercase))
            })
        })
    })
}

/// Where a line stands: above the title, the title, between it and the body, the body's
/// opening lines, after the body (or among its last lines).
#[derive(Clone, Copy, PartialEq)]
enum Place {
    AboveTitle,
    Title,
    UnderTitle,
    BodyOpening,
    AfterBody,
}

/// Every name on the lines around the title, at the body's opening, among its last lines and
/// after the body.
pub(super) fn candidates(
    lines: &[Line],
    title: Option<usize>,
    start: usize,
    end: usize,
) -> Vec<Candidate> {
    let head_from = title.unwrap_or(start);
    let head_to = start.min(head_from + UNDER_TITLE);
    let opening_end = lines.len().min(start + BODY_OPENING).max(start);
    // An author box the body ran into ends it: its last lines count as after it.
    let closing_from = (end + 1).saturating_sub(BODY_CLOSING).max(opening_end);
    let places = (head_from.saturating_sub(ABOVE_TITLE)..head_to)
        .chain(start..opening_end)
        .chain(closing_from..lines.len().min(end + 1 + AFTER_BODY).max(closing_from))
        .map(|i| {
            let place = if i < head_from {
                Place::AboveTitle
            } else if Some(i) == title {
                Place::Title
            } else if i < start {
                Place::UnderTitle
            } else if i < opening_end && i <= end {
                Place::BodyOpening
            } else {
                Place::AfterBody
            };
            (i, place)
        });
    let mut found: Vec<(usize, Place, String, bool, &str)> = Vec::new();
    for (i, place) in places {
        let line = &lines[i];
        if line.words > 25 {
            continue;
        }
        let by_label = BYLINE.captures(&line.text);
        if let Some(name) = person(&line.text) {
            let by = by_label
                .as_ref()
                .and_then(|c| c.get(0))
                .is_some_and(|m| m.start() == 0);
            found.push((i, place, name, by, line.text.as_str()));
        }
        if let Some(c) = &by_label
            && let Some(name) = person(&c[1])
            && !found.iter().any(|f| f.0 == i && f.2 == name)
        {
            found.push((i, place, name, true, c.get(1).map_or("", |m| m.as_str())));
        }
    }
    if found.is_empty() {
        return Vec::new();
    }
    let page = Page {
        lower: lower_case_words(lines),
        occurrences: occurrences(lines, found.iter().map(|f| f.2.as_str())),
    };
    found
        .into_iter()
        .map(|(i, place, name, by, from)| Candidate {
            features: features(lines, i, place, &name, by, from, &page),
            name,
        })
        .collect()
}

/// What the features need from the whole page, read once.
struct Page {
    /// Every word the page writes in lower case.
    lower: HashSet<String>,
    /// On how many lines each candidate name occurs.
    occurrences: HashMap<String, usize>,
}

/// On how many lines each of `names` occurs: one pass over the page.
fn occurrences<'a>(lines: &[Line], names: impl Iterator<Item = &'a str>) -> HashMap<String, usize> {
    let names: Vec<&str> = names.collect();
    let mut counts: HashMap<String, usize> = names.iter().map(|n| (n.to_string(), 0)).collect();
    let Ok(matcher) = AhoCorasick::new(&names) else {
        return counts;
    };
    let mut seen = vec![false; names.len()];
    for line in lines {
        seen.fill(false);
        for m in matcher.find_overlapping_iter(&line.text) {
            seen[m.pattern().as_usize()] = true;
        }
        for (name, _) in names.iter().zip(&seen).filter(|(_, s)| **s) {
            *counts.entry(name.to_string()).or_default() += 1;
        }
    }
    counts
}

fn lower_case_words(lines: &[Line]) -> HashSet<String> {
    lines
        .iter()
        .flat_map(|l| l.text.split(|c: char| !c.is_alphabetic()))
        .filter(|w| !w.is_empty() && w.chars().all(char::is_lowercase))
        .map(str::to_string)
        .collect()
}

fn features(
    lines: &[Line],
    i: usize,
    place: Place,
    name: &str,
    by: bool,
    from: &str,
    page: &Page,
) -> Vec<f64> {
    let line = &lines[i];
    let near = |f: &dyn Fn(&Line) -> bool| {
        (i.saturating_sub(2)..lines.len().min(i + 3))
            .filter(|&j| j != i)
            .any(|j| f(&lines[j]))
    };
    let next = lines.get(i + 1).map_or("", |l| l.text.as_str());
    let previous = i.checked_sub(1).map_or("", |j| lines[j].text.as_str());
    let words: Vec<&str> = name
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .collect();
    let lowered = words
        .iter()
        .filter(|w| page.lower.contains(&w.to_lowercase()))
        .count();
    let occurrences = page.occurrences.get(name).copied().unwrap_or(0);
    let footer_from = lines.len().saturating_sub(60);
    let rest = from.split_once(name).map_or("", |(_, rest)| rest.trim());
    let name_words = name.split(' ').count();
    [
        by,
        name == line.text,
        name_words == 1,
        name_words >= 3,
        AUTHOR_BOX_LABEL.is_match(previous),
        dates::find(&line.text).is_some(),
        near(&|l| dates::find(&l.text).is_some()),
        next == line.text || previous == line.text,
        opens_bio(lines, i, name),
        near(&|l| PORTRAIT.is_match(&l.text)),
        lines[footer_from..]
            .iter()
            .any(|l| FOOTER.is_match(&l.text) && l.text.contains(name)),
        occurrences == 1,
        occurrences > 3,
        lowered == 0,
        !words.is_empty() && lowered == words.len(),
        name.ends_with(['.', '!', '?', ':']),
        rest.starts_with(char::is_lowercase),
        rest.split(' ').count() > 4,
        place == Place::AboveTitle,
        place == Place::Title,
        place == Place::UnderTitle,
        place == Place::BodyOpening,
        place == Place::AfterBody,
        opens_with_given_name(&words),
    ]
    .into_iter()
    .map(|f| if f { 1.0 } else { 0.0 })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_weights_match_the_features() {
        assert_eq!(WEIGHTS.len(), FEATURES.len() + 1);
    }
}
