//! Snippets: the best passage of a text for a query, with the matched ranges as code-point
//! offsets (never HTML: the UI wraps the ranges in elements itself).
//!
//! Matching mirrors the query: a token matches when its stem is one of the query's stems, is
//! within the query word's edit distance (typo tolerance), or starts with the typed prefix.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use levenshtein_automata::{DFA, Distance, LevenshteinAutomatonBuilder};

use serde::{Deserialize, Serialize};

use super::schema::{self, Analyzers, Lang};

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snippet {
    pub text: String,
    /// Matched ranges of `text`, in code points, end exclusive.
    pub highlights: Vec<(usize, usize)>,
}

/// What a query matches, per language.
#[derive(Default, Clone)]
pub struct Terms {
    pub exact: [HashSet<String>; 2],
    /// (word as written, folded; maximum edit distance)
    pub fuzzy: Vec<(String, u8)>,
    /// Folded lower-case prefix of the last word.
    pub prefix: Option<String>,
}

pub struct Highlighter {
    terms: Terms,
    analyzers: Analyzers,
    /// One automaton per typo-tolerant word, evaluated on each token's bytes.
    fuzzy: Vec<(String, DFA)>,
    /// The first letters of each exact stem, per language: only tokens starting with one of
    /// them are worth stemming (stemming every token of every hit costs more than the search).
    heads: [Vec<String>; 2],
}

const WINDOW_CHARS: usize = 220;
/// The matches a snippet is chosen among (the first ones in the text).
const SNIPPET_MATCHES: usize = 2_000;

impl Highlighter {
    pub fn new(terms: Terms, analyzers: Analyzers) -> Highlighter {
        let heads = [0, 1].map(|l| {
            terms.exact[l]
                .iter()
                .map(|stem| stem.chars().take(3).collect())
                .collect()
        });
        let fuzzy = terms
            .fuzzy
            .iter()
            .map(|(word, distance)| (word.clone(), builder(*distance).build_dfa(word)))
            .collect();
        Highlighter {
            terms,
            analyzers,
            fuzzy,
            heads,
        }
    }

    /// Matched byte ranges of `text`, each with the query term it matched.
    ///
    /// This runs over the whole body of every hit, so it avoids looking at every word: it
    /// finds the words that start like a query stem (or the typed prefix) with a SIMD
    /// substring search over the lower-cased text, and checks only those. A typo-tolerant
    /// query can match any word, so it checks them all.
    fn matches(&mut self, text: &str, lang: Lang, most: usize) -> Vec<(usize, usize, String)> {
        let l = lang as usize;
        let starts: Vec<usize> = if self.fuzzy.is_empty() {
            let lower = text.to_ascii_lowercase(); // same byte offsets as `text`
            let mut starts: Vec<usize> = self.heads[l]
                .iter()
                .chain(&self.terms.prefix)
                .flat_map(|head| memchr::memmem::find_iter(lower.as_bytes(), head.as_bytes()))
                .filter(|&at| {
                    !text[..at]
                        .chars()
                        .next_back()
                        .is_some_and(char::is_alphanumeric)
                })
                .collect();
            starts.sort_unstable();
            starts.dedup();
            starts
        } else {
            words(text).map(|(from, _)| from).collect()
        };
        let mut out = Vec::new();
        let mut folded = String::new();
        for from in starts {
            let to = text[from..]
                .char_indices()
                .find(|(_, c)| !c.is_alphanumeric())
                .map_or(text.len(), |(i, _)| from + i);
            let word = &text[from..to];
            if word.len() > 40 {
                continue; // the index drops such tokens too
            }
            folded.clear();
            if word.is_ascii() {
                folded.extend(word.chars().map(|c| c.to_ascii_lowercase()));
            } else {
                match schema::tokens(&mut self.analyzers.plain, word).pop() {
                    Some((token, ..)) => folded.push_str(&token),
                    None => continue,
                }
            }
            if let Some(term) = self.match_word(&folded, l) {
                out.push((from, to, term));
                if out.len() >= most {
                    break;
                }
            }
        }
        out
    }

    /// The query term a folded word matches: by stem, within a typo's distance, or by prefix.
    fn match_word(&mut self, folded: &str, l: usize) -> Option<String> {
        if self.heads[l].iter().any(|h| folded.starts_with(h.as_str())) {
            let stem = schema::tokens(&mut self.analyzers.stemmed[l], folded)
                .pop()
                .map(|t| t.0);
            if let Some(stem) = stem.filter(|s| self.terms.exact[l].contains(s)) {
                return Some(stem);
            }
        }
        if let Some((q, _)) = self
            .fuzzy
            .iter()
            .find(|(_, dfa)| matches!(dfa.eval(folded), Distance::Exact(_)))
        {
            return Some(q.clone());
        }
        self.terms
            .prefix
            .as_ref()
            .filter(|p| folded.starts_with(p.as_str()))
            .cloned()
    }

    /// Every match in `text` (titles, quotes, comments: short texts shown whole).
    pub fn highlight_all(&mut self, text: &str, lang: Lang) -> Vec<(usize, usize)> {
        self.highlight_first(text, lang, usize::MAX)
    }

    /// The first `most` matches in `text` (a reader marking a long body).
    pub fn highlight_first(&mut self, text: &str, lang: Lang, most: usize) -> Vec<(usize, usize)> {
        let matches = self.matches(text, lang, most);
        to_code_points(text, matches.iter().map(|(f, t, _)| (*f, *t)), 0)
    }

    /// The window of about 220 characters holding the most distinct matched terms.
    pub fn snippet(&mut self, text: &str, lang: Lang) -> Snippet {
        // The best window among the first matches: a body with a million hits would
        // otherwise cost seconds for one snippet.
        let matches = self.matches(text, lang, SNIPPET_MATCHES);
        let window_bytes = |from: usize| byte_after_chars(text, from, WINDOW_CHARS);
        let mut best = (0usize, 0usize, 0usize); // (distinct, count, start byte)
        // A window sliding over the matches (in text order, not overlapping): the matches
        // inside it are `matches[i..j]`, and `terms` counts their distinct terms.
        let mut terms: HashMap<&str, usize> = HashMap::new();
        let mut j = 0;
        for (i, (from, ..)) in matches.iter().enumerate() {
            let end = window_bytes(*from);
            while let Some((f, t, term)) = matches.get(j)
                && *f < end
                && *t <= end
            {
                *terms.entry(term.as_str()).or_default() += 1;
                j += 1;
            }
            if (terms.len(), j - i) > (best.0, best.1) {
                best = (terms.len(), j - i, *from);
            }
            if j > i
                && let Some(n) = terms.get_mut(matches[i].2.as_str())
            {
                *n -= 1;
                if *n == 0 {
                    terms.remove(matches[i].2.as_str());
                }
            }
            j = j.max(i + 1);
        }
        // Start the window at the sentence (or paragraph) holding the first match, if close.
        let mut start = 0;
        if best.1 > 0 {
            let back = text[..best.2]
                .rfind(['.', '!', '?', '\n'])
                .map_or(0, |i| i + 1);
            start = if best.2 - back <= 80 {
                back
            } else {
                word_start_before(text, best.2, 40)
            };
        }
        while text[start..].starts_with(char::is_whitespace) {
            start += text[start..].chars().next().map_or(1, char::len_utf8);
        }
        let mut end = window_bytes(start);
        if end < text.len() {
            end = text[..end]
                .rfind(char::is_whitespace)
                .filter(|&e| e > start)
                .unwrap_or(end);
        }
        let mut snippet_text = String::new();
        let lead = if start > 0 { "…" } else { "" };
        snippet_text.push_str(lead);
        snippet_text.push_str(&text[start..end].replace("\n\n", " ¶ ").replace('\n', " "));
        if end < text.len() {
            snippet_text.push('…');
        }
        let ranges = matches
            .iter()
            .filter(|(f, t, _)| *f >= start && *t <= end)
            .map(|(f, t, _)| (*f, *t));
        let highlights = to_code_points(
            &text[start..end],
            ranges.map(|(f, t)| (f - start, t - start)),
            lead.chars().count(),
        );
        Snippet {
            text: snippet_text,
            highlights: shift_for_pilcrows(&text[start..end], highlights, lead.chars().count()),
        }
    }
}

/// "\n\n" becomes " ¶ " (one char more) and "\n" a space: moves ranges past each pilcrow.
fn shift_for_pilcrows(
    original: &str,
    ranges: Vec<(usize, usize)>,
    lead: usize,
) -> Vec<(usize, usize)> {
    let breaks: Vec<usize> = original
        .match_indices("\n\n")
        .map(|(at, _)| original[..at].chars().count() + lead)
        .collect();
    ranges
        .into_iter()
        .map(|(s, e)| {
            let shift = breaks.iter().filter(|&&b| b < s).count();
            (s + shift, e + shift)
        })
        .collect()
}

/// Byte ranges of the alphanumeric runs of `text` (what Tantivy's `SimpleTokenizer` splits).
fn words(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let (start, _) = chars.by_ref().find(|(_, c)| c.is_alphanumeric())?;
        let mut end = text.len();
        while let Some(&(i, c)) = chars.peek() {
            if !c.is_alphanumeric() {
                end = i;
                break;
            }
            chars.next();
        }
        Some((start, end))
    })
}

/// Byte ranges of `text` as code-point ranges (plus `base`), in one pass from the start: the
/// ranges are sorted first, and each is counted on from the one before.
fn to_code_points(
    text: &str,
    ranges: impl Iterator<Item = (usize, usize)>,
    base: usize,
) -> Vec<(usize, usize)> {
    let mut ranges: Vec<(usize, usize)> = ranges.collect();
    ranges.sort_unstable();
    ranges.dedup();
    let (mut byte, mut counted) = (0, base);
    ranges
        .into_iter()
        .map(|(f, t)| {
            counted += text[byte..f].chars().count();
            byte = f;
            (counted, counted + text[f..t].chars().count())
        })
        .collect()
}

fn byte_after_chars(text: &str, from: usize, chars: usize) -> usize {
    text[from..]
        .char_indices()
        .nth(chars)
        .map_or(text.len(), |(i, _)| from + i)
}

fn word_start_before(text: &str, at: usize, chars: usize) -> usize {
    let back = text[..at]
        .char_indices()
        .rev()
        .nth(chars)
        .map_or(0, |(i, _)| i);
    text[back..at]
        .find(char::is_whitespace)
        .map_or(back, |i| back + i + 1)
}

/// Building a Levenshtein automaton builder is costly; one per distance serves every query.
fn builder(distance: u8) -> &'static LevenshteinAutomatonBuilder {
    static ONE: LazyLock<LevenshteinAutomatonBuilder> =
        LazyLock::new(|| LevenshteinAutomatonBuilder::new(1, true));
    static TWO: LazyLock<LevenshteinAutomatonBuilder> =
        LazyLock::new(|| LevenshteinAutomatonBuilder::new(2, true));
    if distance <= 1 { &ONE } else { &TWO }
}
