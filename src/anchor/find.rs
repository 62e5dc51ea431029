//! Finding a copied passage in a note's body. A copy and the body it came from may differ in
//! white space, punctuation (straight or curly quotes, a dash for a hyphen, a dropped full
//! stop) and case, so both are compared on their letters and digits; and a passage of some
//! length may differ in a few characters too (a word the page changed since it was clipped),
//! found with the approximate matching re-anchoring uses.

use std::ops::Range;

use super::reanchor::{match_ends, match_start};

/// Fewest letters and digits a passage needs before it may match approximately: a short one
/// with a changed word is another sentence.
const APPROXIMATE_FROM: usize = 60;
/// An approximate match gets at most one in this many of the passage's letters and digits
/// wrong.
const ERRORS_ONE_IN: usize = 25;

/// The byte range of `body` that holds `passage`: its first occurrence, compared on letters
/// and digits (case folded), else, for a passage of 60 letters and digits or more, the best
/// place with at most 4 % of them wrong. The range runs from the first to the last letter or
/// digit matched, widened over the punctuation that opens or closes the passage in both.
pub fn find_passage(body: &str, passage: &str) -> Option<Range<usize>> {
    if !passage.chars().any(char::is_alphanumeric) {
        return None;
    }
    if let Some(at) = body.find(passage) {
        return Some(at..at + passage.len());
    }
    let (folded_body, spans) = fold(body);
    let (folded_passage, _) = fold(passage);
    let (first, last) = match folded_body.find(&folded_passage) {
        Some(at) => (at, at + folded_passage.len() - 1),
        None => {
            let text: Vec<char> = folded_body.chars().collect();
            let pattern: Vec<char> = folded_passage.chars().collect();
            if pattern.len() < APPROXIMATE_FROM {
                return None;
            }
            let k = pattern.len() / ERRORS_ONE_IN;
            let (end, _) = (match_ends(&text, &pattern, k).into_iter())
                .min_by_key(|&(end, errors)| (errors, end))?;
            let start = match_start(&text, end, &pattern, k);
            if start >= end {
                return None;
            }
            // Code points of the folded text to its bytes (all ASCII or not, counted once).
            let byte = |i: usize| text[..i].iter().map(|c| c.len_utf8()).sum::<usize>();
            (byte(start), byte(end) - 1)
        }
    };
    let (mut start, mut end) = (spans[first].start, spans[last].end);
    let opening = passage
        .trim_start()
        .chars()
        .take_while(|c| is_mark(*c))
        .count();
    let closing = passage
        .trim_end()
        .chars()
        .rev()
        .take_while(|c| is_mark(*c))
        .count();
    for c in body[..start].chars().rev().take(opening) {
        if !is_mark(c) {
            break;
        }
        start -= c.len_utf8();
    }
    for c in body[end..].chars().take(closing) {
        if !is_mark(c) {
            break;
        }
        end += c.len_utf8();
    }
    Some(start..end)
}

/// Punctuation: neither a letter or digit nor white space.
fn is_mark(c: char) -> bool {
    !c.is_alphanumeric() && !c.is_whitespace()
}

/// The letters and digits of `text`, lower-cased, and for each byte of that the byte range
/// of the character of `text` it came from.
fn fold(text: &str) -> (String, Vec<Range<usize>>) {
    let mut folded = String::with_capacity(text.len());
    let mut spans = Vec::with_capacity(text.len());
    for (at, c) in text.char_indices() {
        if c.is_alphanumeric() {
            for lower in c.to_lowercase() {
                folded.push(lower);
                spans.extend(std::iter::repeat_n(at..at + c.len_utf8(), lower.len_utf8()));
            }
        }
    }
    (folded, spans)
}

#[cfg(test)]
mod tests {
    use super::find_passage;

    fn found<'a>(body: &'a str, passage: &str) -> Option<&'a str> {
        find_passage(body, passage).map(|r| &body[r])
    }

    #[test]
    fn white_space_punctuation_and_case_do_not_matter() {
        let body = "Intro. “Rare earths,” he said — “are the new oil.” Then he left.";
        assert_eq!(
            found(body, "\"Rare earths,\" he said - \"are the new oil.\""),
            Some("“Rare earths,” he said — “are the new oil.”")
        );
        assert_eq!(
            found(body, "rare   EARTHS he said"),
            Some("Rare earths,” he said")
        );
        assert_eq!(found(body, "Then he left"), Some("Then he left"));
        assert_eq!(found(body, "he left!"), Some("he left."));
        assert_eq!(found(body, "Then she left"), None);
        assert_eq!(found(body, "—"), None);
    }

    #[test]
    fn a_long_passage_may_differ_in_a_word_a_short_one_may_not() {
        let body = "Before. The commission proposed on Tuesday a regulation on critical raw \
                    materials that would cap the share of any single supplier. After.";
        let changed = "The commission proposed on Wednesday a regulation on critical raw \
                       materials that would cap the share of any single supplier.";
        assert_eq!(
            found(body, changed),
            Some(
                "The commission proposed on Tuesday a regulation on critical raw materials \
                 that would cap the share of any single supplier."
            )
        );
        assert_eq!(found(body, "proposed on Wednesday a regulation"), None);
        let other = "The parliament rejected on Wednesday a directive on the recycling of \
                     batteries that would raise the share of recovered lithium.";
        assert_eq!(found(body, other), None);
    }

    #[test]
    fn letters_outside_ascii_keep_their_places() {
        let body = "Già nel 2023 l'Unione ha firmato. ÉTÉ À PARIS, dit-il.";
        assert_eq!(
            found(body, "l’unione ha firmato"),
            Some("l'Unione ha firmato")
        );
        assert_eq!(found(body, "été à paris"), Some("ÉTÉ À PARIS"));
    }
}
