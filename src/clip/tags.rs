//! Tags that a copy glued together (`central asiacinacritical raw materials…`) split back
//! apart, using the article's own vocabulary: a split point always falls between two
//! non-space characters, and pieces that are phrases of the article score best.

use std::collections::HashSet;

/// Word n-grams (1 to 4 words) of the article, lower-cased, with a plural `s` dropped.
pub struct Vocabulary(HashSet<String>);

impl Vocabulary {
    pub fn new(text: &str) -> Vocabulary {
        let words: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric() && c != '-' && c != '\'')
            .filter(|w| !w.is_empty())
            .map(singular)
            .collect();
        let mut grams = HashSet::new();
        for n in 1..=4 {
            for window in words.windows(n) {
                grams.insert(window.join(" "));
            }
        }
        Vocabulary(grams)
    }

    fn knows(&self, phrase: &str) -> bool {
        let key: Vec<String> = phrase.split(' ').map(singular).collect();
        self.0.contains(&key.join(" "))
    }
}

fn singular(word: &str) -> String {
    let lower = word.to_lowercase();
    match lower.strip_suffix('s') {
        Some(stem) if stem.chars().count() >= 3 && !stem.ends_with('s') => stem.to_string(),
        _ => lower,
    }
}

/// Splits `glued` into tags; a string with separators (`,` `;` `|` `#` `•`) is split on them.
/// The vocabulary is built only when the tags are glued (it costs a pass over the article).
pub fn split(glued: &str, vocabulary: impl FnOnce() -> Vocabulary) -> Vec<String> {
    let glued = glued.trim();
    if glued.contains([',', ';', '|', '#', '•', '\t']) {
        return glued
            .split([',', ';', '|', '#', '•', '\t'])
            .map(super::one_spaced)
            .filter(|t| !t.is_empty())
            .collect();
    }
    let chars: Vec<char> = glued.chars().collect();
    let n = chars.len();
    if n == 0 || n > 2000 {
        return Vec::new();
    }
    let vocabulary = &vocabulary();
    // best[i]: best (score, previous cut) for chars[..i].
    let mut best: Vec<Option<(f64, usize)>> = vec![None; n + 1];
    best[0] = Some((0.0, 0));
    for end in 1..=n {
        let can_end = end == n || (chars[end - 1] != ' ' && chars[end] != ' ');
        if !can_end {
            continue;
        }
        for start in end.saturating_sub(48)..end {
            let Some((before, _)) = best[start] else {
                continue;
            };
            let piece: String = chars[start..end].iter().collect();
            if piece.starts_with(' ') || piece.ends_with(' ') {
                continue;
            }
            let score = before + piece_score(&piece, vocabulary);
            if best[end].is_none_or(|(s, _)| score > s) {
                best[end] = Some((score, start));
            }
        }
    }
    let mut tags = Vec::new();
    let mut end = n;
    while end > 0 {
        let Some((_, start)) = best[end] else {
            return vec![glued.to_string()];
        };
        tags.push(chars[start..end].iter().collect::<String>());
        end = start;
    }
    tags.reverse();
    tags
}

fn piece_score(piece: &str, vocabulary: &Vocabulary) -> f64 {
    let chars: Vec<char> = piece.chars().collect();
    let words: Vec<&str> = piece.split(' ').collect();
    let is_acronym = |w: &str| {
        w.chars().count() >= 2 && w.chars().all(|c| c.is_uppercase() || c.is_ascii_digit())
    };
    let mut score = 0.0;
    for (i, word) in words.iter().enumerate() {
        let len = word.chars().count() as f64;
        let at_edge = i == 0 || i == words.len() - 1;
        score += if len < 3.0 && !is_acronym(word) {
            // "a", "in", "s": at a piece's edge, almost always a fragment of a neighbour.
            if at_edge { -6.0 } else { 0.0 }
        } else if vocabulary.knows(word) {
            len
        } else if words.len() == 1
            && (word.chars().next().is_some_and(char::is_uppercase) || is_acronym(word))
        {
            0.5 * len
        } else {
            -0.5 * len
        };
    }
    // A whole phrase of the article is the best evidence of a tag.
    if vocabulary.knows(piece) && (words.len() > 1 || chars.len() >= 4) {
        score += 2.0 * chars.len() as f64 + 4.0 * words.len() as f64;
    }
    // A lower-to-upper change inside a piece is almost always a missed boundary.
    if chars
        .windows(2)
        .any(|w| w[0].is_lowercase() && w[1].is_uppercase())
    {
        score -= 20.0;
    }
    score - 2.0
}
