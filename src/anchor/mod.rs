//! Passage selectors, as in the W3C Web Annotation model: a [`TextQuoteSelector`] (the exact
//! text with up to 32 characters of context either side) and a [`TextPositionSelector`]
//! (code-point offsets into the canonical body). Both are stored for every annotation, so a
//! re-anchoring pass ([`reanchor`]) can find the passage again after the body changes.

mod find;
mod reanchor;

use serde::{Deserialize, Serialize};

pub use find::find_passage;
pub use reanchor::{AnchorStatus, Anchored, reanchor, reanchor_all};

/// Characters of context kept on each side of a quote.
pub const CONTEXT_CHARS: usize = 32;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextQuoteSelector {
    pub exact: String,
    pub prefix: String,
    pub suffix: String,
}

/// Offsets in Unicode code points into the note's canonical body; `end` is exclusive.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextPositionSelector {
    pub start: usize,
    pub end: usize,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Selector {
    pub quote: TextQuoteSelector,
    pub position: TextPositionSelector,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SelectError {
    NotFound,
    /// The quote occurs this many times and no occurrence was chosen.
    Ambiguous(usize),
    /// The chosen occurrence (1-based) is past the number of occurrences.
    OutOfRange(usize),
    /// The quote has this many characters, more than [`MAX_QUOTE_CHARS`].
    TooLong(usize),
}

/// The longest passage a highlight may hold, in characters. Re-anchoring a passage costs time
/// in proportion to its length times the body's, inside the write that changed the body.
pub const MAX_QUOTE_CHARS: usize = 10_000;

/// Normalises a quote the way bodies are normalised (NFC, single spaces), so a quote copied
/// from the reader matches the canonical body.
pub fn normalize_quote(quote: &str) -> String {
    crate::clip::canonical_text(quote)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Finds `quote` in `body`. `occurrence` (1-based) picks among repeats; without it a repeated
/// quote is ambiguous.
pub fn select(body: &str, quote: &str, occurrence: Option<usize>) -> Result<Selector, SelectError> {
    let quote = normalize_quote(quote);
    if quote.is_empty() {
        return Err(SelectError::NotFound);
    }
    let length = quote.chars().count();
    if length > MAX_QUOTE_CHARS {
        return Err(SelectError::TooLong(length));
    }
    let starts: Vec<usize> = body
        .match_indices(quote.as_str())
        .map(|(at, _)| at)
        .collect();
    let at = match (starts.len(), occurrence) {
        (0, _) => return Err(SelectError::NotFound),
        (1, None) => starts[0],
        (n, None) => return Err(SelectError::Ambiguous(n)),
        (n, Some(k)) if k == 0 || k > n => return Err(SelectError::OutOfRange(n)),
        (_, Some(k)) => starts[k - 1],
    };
    Ok(selector_at(body, at, at + quote.len()))
}

/// The selector of the byte range `start..end` of `body` (both on char boundaries).
pub fn selector_at(body: &str, start: usize, end: usize) -> Selector {
    let before = &body[..start];
    let after = &body[end..];
    let prefix_from = before
        .char_indices()
        .rev()
        .nth(CONTEXT_CHARS - 1)
        .map_or(0, |(i, _)| i);
    let suffix_to = after
        .char_indices()
        .nth(CONTEXT_CHARS)
        .map_or(after.len(), |(i, _)| i);
    let start_cp = before.chars().count();
    let exact = &body[start..end];
    Selector {
        quote: TextQuoteSelector {
            exact: exact.to_string(),
            prefix: before[prefix_from..].to_string(),
            suffix: after[..suffix_to].to_string(),
        },
        position: TextPositionSelector {
            start: start_cp,
            end: start_cp + exact.chars().count(),
        },
    }
}
