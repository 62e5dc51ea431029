//! Re-anchoring: where is a passage after its note's body changed?
//!
//! In order: the stored position, accepted only if the text there is still the quote; then
//! the exact quote, its prefix and suffix choosing among repeats (nearest to the old position
//! on a tie); then an approximate match of the quote with up to min(256, len/2) errors, found
//! with the bit-parallel algorithm of Myers (as Hyyrö extended it to long patterns) and scored
//! on the quote, the prefix, the suffix and closeness to the old position. Nothing is dropped:
//! a passage with no acceptable match is an orphan that keeps its old selector.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::{CONTEXT_CHARS, Selector, TextPositionSelector, TextQuoteSelector};

/// How a passage was found again.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AnchorStatus {
    /// Where it was, as it was.
    #[default]
    Exact,
    /// The same text, elsewhere.
    Moved,
    /// Its text changed (an approximate match); the old quote is kept beside the new one.
    Changed,
    /// Not found; kept with its old selector, never dropped.
    Orphan,
}

impl AnchorStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AnchorStatus::Exact => "exact",
            AnchorStatus::Moved => "moved",
            AnchorStatus::Changed => "changed",
            AnchorStatus::Orphan => "orphan",
        }
    }

    pub fn parse(s: &str) -> AnchorStatus {
        match s {
            "moved" => AnchorStatus::Moved,
            "changed" => AnchorStatus::Changed,
            "orphan" => AnchorStatus::Orphan,
            _ => AnchorStatus::Exact,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchored {
    pub selector: Selector,
    pub status: AnchorStatus,
}

/// Least acceptable share of the quote itself that must survive in an approximate match.
const MIN_QUOTE_SCORE: f64 = 0.65;
/// Least acceptable weighted score (quote, prefix, suffix, closeness) of an approximate match.
const MIN_SCORE: f64 = 0.7;

/// Finds `selector`'s passage in `body`.
pub fn reanchor(selector: &Selector, body: &str) -> Anchored {
    let chars: Vec<char> = body.chars().collect();
    reanchor_chars(selector, &chars)
}

/// [`reanchor`] for many passages of one body: the body is decoded once.
pub fn reanchor_all<'a>(
    selectors: impl IntoIterator<Item = &'a Selector>,
    body: &str,
) -> Vec<Anchored> {
    let chars: Vec<char> = body.chars().collect();
    selectors
        .into_iter()
        .map(|s| reanchor_chars(s, &chars))
        .collect()
}

fn reanchor_chars(selector: &Selector, chars: &[char]) -> Anchored {
    let quote = &selector.quote;
    let exact: Vec<char> = quote.exact.chars().collect();
    let (start, end) = (selector.position.start, selector.position.end);
    let at = |start: usize, end: usize| selector_of(chars, start, end);
    if end <= chars.len() && start < end && chars[start..end] == exact[..] {
        return Anchored {
            selector: at(start, end),
            status: AnchorStatus::Exact,
        };
    }
    if exact.is_empty() {
        return orphan(selector);
    }

    // The exact quote elsewhere (near the old position first): context, then closeness.
    // A stored position may lie past the new body (most of the text was deleted) or be
    // nonsense (an imported selector): the window is clamped to the body either way.
    let margin = 4 * exact.len() + 500;
    let near_start = start.min(chars.len()).saturating_sub(margin);
    let near = near_start..end.saturating_add(margin).min(chars.len()).max(near_start);
    let mut occurrences: Vec<usize> = find_all(&chars[near.clone()], &exact)
        .into_iter()
        .map(|i| near.start + i)
        .collect();
    if occurrences.is_empty() {
        occurrences = find_all(chars, &exact);
    }
    if let Some(&best) = occurrences.iter().max_by(|&&a, &&b| {
        let key = |s: usize| {
            (
                context_score(chars, s, s + exact.len(), selector),
                -(s.abs_diff(start) as f64),
            )
        };
        key(a)
            .partial_cmp(&key(b))
            .unwrap_or(std::cmp::Ordering::Equal)
    }) {
        return Anchored {
            selector: at(best, best + exact.len()),
            status: AnchorStatus::Moved,
        };
    }

    // An approximate match: near the old position first, then anywhere.
    let max_errors = (exact.len() / 2).min(256);
    let found = best_approximate(chars, near, &exact, max_errors, selector)
        .or_else(|| best_approximate(chars, 0..chars.len(), &exact, max_errors, selector));
    match found {
        Some((s, e)) => Anchored {
            selector: at(s, e),
            status: AnchorStatus::Changed,
        },
        None => orphan(selector),
    }
}

fn orphan(selector: &Selector) -> Anchored {
    Anchored {
        selector: selector.clone(),
        status: AnchorStatus::Orphan,
    }
}

/// The selector of code points `start..end` (no byte offsets to compute: this runs per
/// annotation, over the whole body).
fn selector_of(chars: &[char], start: usize, end: usize) -> Selector {
    let collect = |range: std::ops::Range<usize>| chars[range].iter().collect::<String>();
    Selector {
        quote: TextQuoteSelector {
            exact: collect(start..end),
            prefix: collect(start.saturating_sub(CONTEXT_CHARS)..start),
            suffix: collect(end..(end + CONTEXT_CHARS).min(chars.len())),
        },
        position: TextPositionSelector { start, end },
    }
}

fn find_all(text: &[char], pattern: &[char]) -> Vec<usize> {
    if pattern.len() > text.len() {
        return Vec::new();
    }
    let first = pattern[0];
    (0..=text.len() - pattern.len())
        .filter(|&i| text[i] == first && text[i..i + pattern.len()] == *pattern)
        .collect()
}

/// How well the text around `start..end` agrees with the selector's prefix and suffix (0 to 2).
fn context_score(chars: &[char], start: usize, end: usize, selector: &Selector) -> f64 {
    let prefix: Vec<char> = selector.quote.prefix.chars().collect();
    let suffix: Vec<char> = selector.quote.suffix.chars().collect();
    let before = &chars[start.saturating_sub(prefix.len())..start];
    let after = &chars[end..(end + suffix.len()).min(chars.len())];
    similarity(&prefix, before) + similarity(&suffix, after)
}

/// 1 - normalised edit distance (1 for two empty strings).
fn similarity(a: &[char], b: &[char]) -> f64 {
    let longest = a.len().max(b.len());
    if longest == 0 {
        return 1.0;
    }
    1.0 - levenshtein(a, b) as f64 / longest as f64
}

fn levenshtein(a: &[char], b: &[char]) -> usize {
    last_row(a, b)[b.len()]
}

/// The last row of the edit-distance table of `a` against `b`: entry `j` is the distance
/// between `a` and `b[..j]`.
fn last_row(a: &[char], b: &[char]) -> Vec<usize> {
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
    row
}

/// The best approximate match of `pattern` within `chars[window]`, as code-point offsets.
fn best_approximate(
    chars: &[char],
    window: std::ops::Range<usize>,
    pattern: &[char],
    max_errors: usize,
    selector: &Selector,
) -> Option<(usize, usize)> {
    let text = &chars[window.clone()];
    let ends = match_ends(text, pattern, max_errors);
    // Keep the local minima of errors: one candidate per matching region.
    let mut candidates = Vec::new();
    for (i, &(end, errors)) in ends.iter().enumerate() {
        let better_before = i > 0 && ends[i - 1].0 + 1 == end && ends[i - 1].1 <= errors;
        let better_after = ends
            .get(i + 1)
            .is_some_and(|&(e, err)| e == end + 1 && err < errors);
        if !better_before && !better_after {
            candidates.push((end, errors));
        }
    }
    let old_start = selector.position.start as f64;
    let mut best: Option<(f64, usize, usize)> = None;
    let prefix: Vec<char> = selector.quote.prefix.chars().collect();
    let suffix: Vec<char> = selector.quote.suffix.chars().collect();
    for (end, errors) in candidates.into_iter().take(200) {
        let quote_score = 1.0 - errors as f64 / pattern.len() as f64;
        if quote_score < MIN_QUOTE_SCORE {
            continue;
        }
        let start = match_start(text, end, pattern, max_errors);
        let (s, e) = (window.start + start, window.start + end);
        let prefix_score = similarity(&prefix, &chars[s.saturating_sub(prefix.len())..s]);
        let suffix_score = similarity(&suffix, &chars[e..(e + suffix.len()).min(chars.len())]);
        let closeness = 1.0 - (s as f64 - old_start).abs() / chars.len().max(1) as f64;
        let score =
            (50.0 * quote_score + 20.0 * prefix_score + 20.0 * suffix_score + 2.0 * closeness)
                / 92.0;
        if score >= MIN_SCORE && best.is_none_or(|(b, ..)| score > b) {
            best = Some((score, s, e));
        }
    }
    best.map(|(_, s, e)| (s, e))
}

/// Ends (exclusive) of the places where `pattern` matches `text` with at most `k` errors, with
/// their error counts: Myers' bit-vector algorithm, 64 pattern characters per block.
pub(super) fn match_ends(text: &[char], pattern: &[char], k: usize) -> Vec<(usize, usize)> {
    const W: usize = 64;
    let m = pattern.len();
    let blocks = m.div_ceil(W);
    // The pattern's alphabet, numbered; `peq[b][letter]`: where `letter` is in block `b`
    // (one hash look-up per text character, not one per block).
    let mut alphabet: HashMap<char, usize> = HashMap::new();
    for &c in pattern {
        let next = alphabet.len();
        alphabet.entry(c).or_insert(next);
    }
    let mut peq: Vec<Vec<u64>> = vec![vec![0; alphabet.len()]; blocks];
    for (i, c) in pattern.iter().enumerate() {
        peq[i / W][alphabet[c]] |= 1 << (i % W);
    }
    let last_row = |b: usize| {
        if b + 1 == blocks {
            1u64 << ((m - 1) % W)
        } else {
            1u64 << (W - 1)
        }
    };
    let mut pv = vec![u64::MAX; blocks];
    let mut mv = vec![0u64; blocks];
    let mut score: Vec<i64> = (0..blocks).map(|b| ((b + 1) * W).min(m) as i64).collect();
    let mut ends = Vec::new();
    for (j, c) in text.iter().enumerate() {
        let letter = alphabet.get(c).copied();
        // The text's first row is all zeros: a match may start anywhere.
        let mut carry: i64 = 0;
        for b in 0..blocks {
            let h_in_negative = u64::from(carry < 0);
            let eq = letter.map_or(0, |l| peq[b][l]) | h_in_negative;
            let (p, n) = (pv[b], mv[b]);
            let xv = eq | n;
            let xh = ((eq & p).wrapping_add(p) ^ p) | eq;
            let mut ph = n | !(xh | p);
            let mut mh = p & xh;
            let mut h_out = 0;
            if ph & last_row(b) != 0 {
                h_out = 1;
            } else if mh & last_row(b) != 0 {
                h_out = -1;
            }
            ph = (ph << 1) | u64::from(carry > 0);
            mh = (mh << 1) | h_in_negative;
            pv[b] = mh | !(xv | ph);
            mv[b] = ph & xv;
            score[b] += h_out;
            carry = h_out;
        }
        let errors = score[blocks - 1];
        if errors >= 0 && errors as usize <= k {
            ends.push((j + 1, errors as usize));
        }
    }
    ends
}

/// Where the match of `pattern` ending at `end` starts: the alignment of the pattern with a
/// suffix of `text[..end]` that has the fewest errors (a small dynamic program, backwards).
pub(super) fn match_start(text: &[char], end: usize, pattern: &[char], k: usize) -> usize {
    let from = end.saturating_sub(pattern.len() + k);
    let window: Vec<char> = text[from..end].iter().rev().copied().collect();
    let reversed: Vec<char> = pattern.iter().rev().copied().collect();
    // row[j]: edit distance of the reversed pattern and window[..j]; the alignment starts at
    // window[0], the match's end. A match has at most `k` errors, so only the band within `k`
    // of the diagonal is computed: m × (2k + 1) cells, not m × (m + k).
    let row = banded_last_row(&reversed, &window, k);
    // Fewest errors; among those, the length closest to the pattern's.
    let (length, _) = row
        .iter()
        .enumerate()
        .min_by_key(|&(j, &d)| (d, j.abs_diff(pattern.len())))
        .unwrap_or((0, &0));
    end - length
}

/// [`last_row`] restricted to the cells within `k` of the diagonal; the others are "too far"
/// (`usize::MAX / 2`).
fn banded_last_row(a: &[char], b: &[char], k: usize) -> Vec<usize> {
    const FAR: usize = usize::MAX / 2;
    let mut row: Vec<usize> = (0..=b.len())
        .map(|j| if j <= k { j } else { FAR })
        .collect();
    for (i, ca) in a.iter().enumerate() {
        let i = i + 1;
        let lo = i.saturating_sub(k);
        let hi = (i + k).min(b.len());
        if lo > b.len() {
            return vec![FAR; b.len() + 1];
        }
        let mut diagonal;
        if lo == 0 {
            diagonal = row[0];
            row[0] = i;
        } else {
            diagonal = row[lo - 1];
            row[lo - 1] = FAR; // left the band
        }
        for j in lo.max(1)..=hi {
            let above = row[j];
            let next = (diagonal + usize::from(*ca != b[j - 1]))
                .min(above + 1)
                .min(row[j - 1] + 1);
            diagonal = above;
            row[j] = next;
        }
    }
    row
}
