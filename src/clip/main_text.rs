//! The article's main content in the HTML flavour, located by rs-trafilatura (content scoring
//! by text and link density over a parsed DOM, boilerplate classes and ids removed).
//!
//! Its text loses block boundaries, so it is used as a mask: the lines of our own one-pass
//! reader ([`super::html`]) that it contains are the body. Its cost grows faster than the page
//! (with depth, and with the amount of text), so a page is parsed only within [`LIMITS`],
//! several times what real article pages need; past them the caller falls back to the line
//! classifier alone, which is linear.

use std::panic::{AssertUnwindSafe, catch_unwind};

use rs_trafilatura::{Options, extract_with_options, page_type::PageType};

/// What a page may hold to be parsed. Real pages copied from news sites: up to 50 levels of
/// nesting, 4,000 elements, 90 KB of text (clip-bench); at these limits parsing takes about a
/// second on one core.
pub const LIMITS: Shape = Shape {
    depth: 64,
    elements: 10_000,
    text_bytes: 512 * 1024,
};

/// The size of a page as a DOM parser sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// The deepest nesting of elements a parser keeps open.
    pub depth: usize,
    pub elements: usize,
    /// Bytes outside tags.
    pub text_bytes: usize,
}

impl Shape {
    fn within(&self, limits: &Shape) -> bool {
        self.depth <= limits.depth
            && self.elements <= limits.elements
            && self.text_bytes <= limits.text_bytes
    }
}

/// The main content's text, or `None` when the page was not parsed or nothing was found.
pub fn locate(html: &str) -> Option<String> {
    if !shape(html).within(&LIMITS) {
        return None;
    }
    let options = Options {
        // A clip is an article page: skip the page-type classifier (a third of the time).
        page_type: Some(PageType::Article),
        ..Options::default()
    };
    // A bug in a dependency must not lose the user's clip: the caller falls back.
    let result = catch_unwind(AssertUnwindSafe(|| extract_with_options(html, &options)));
    let text = result.ok()?.ok()?.content_text;
    (!text.trim().is_empty()).then_some(text)
}

/// The lines of `page` (one paragraph per line) that `main` holds. White space is ignored in
/// the comparison, since `main` glues some blocks together. Sentence-long lines are found
/// anywhere in `main`; a short one (a heading, a list item, a table cell) only between the
/// matches of the long lines around it, so a table of contents or a "Share" button does not
/// match the article's headings.
pub fn mask<'a>(page: &'a str, main: &str) -> Vec<&'a str> {
    const LONG: usize = 80;
    let main = squash(main);
    let lines: Vec<(&str, String)> = page
        .lines()
        .map(|line| line.trim().trim_start_matches("• ").trim())
        .map(|line| (line, squash(line)))
        .filter(|(_, key)| !key.is_empty())
        .collect();
    // Where each long line sits in `main` (its end), in page order.
    let mut found: Vec<Option<(usize, usize)>> = vec![None; lines.len()];
    let mut cursor = 0;
    for (i, (_, key)) in lines.iter().enumerate() {
        if key.len() >= LONG {
            let at = main[cursor..]
                .find(key.as_str())
                .map(|at| cursor + at)
                .or_else(|| main.find(key.as_str()));
            if let Some(at) = at {
                cursor = at + key.len();
                found[i] = Some((at, cursor));
            }
        }
    }
    // Short lines: in order, between the previous long match and the next one.
    let mut next_long = vec![main.len(); lines.len() + 1];
    for i in (0..lines.len()).rev() {
        next_long[i] = found[i].map_or(next_long[i + 1], |(at, _)| at);
    }
    let mut cursor = 0;
    for (i, (_, key)) in lines.iter().enumerate() {
        if let Some((_, end)) = found[i] {
            cursor = end;
        } else if key.len() < LONG && cursor <= next_long[i] {
            let window = &main[cursor..next_long[i]];
            if let Some(at) = window.find(key.as_str()) {
                cursor += at + key.len();
                found[i] = Some((cursor - key.len(), cursor));
            }
        }
    }
    lines
        .iter()
        .zip(found)
        .filter(|(_, found)| found.is_some())
        .map(|((line, _), _)| *line)
        .collect()
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The page's [`Shape`], in one pass over its bytes. Void elements and those whose end tag
/// may be left out (`p`, `li`, table cells…) count as elements but not as nesting.
pub fn shape(html: &str) -> Shape {
    const NOT_NESTING: [&str; 22] = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr", "param", "p", "li", "dt", "dd", "option", "tr", "td", "th",
    ];
    let mut shape = Shape {
        depth: 0,
        elements: 0,
        text_bytes: 0,
    };
    let mut depth = 0usize;
    let mut text_from = 0;
    for at in memchr::memchr_iter(b'<', html.as_bytes()) {
        if at < text_from {
            continue; // inside the previous tag
        }
        shape.text_bytes += at - text_from;
        let rest = &html[at + 1..];
        text_from = memchr::memchr(b'>', rest.as_bytes()).map_or(html.len(), |gt| at + gt + 2);
        let closing = rest.starts_with('/');
        let name = rest[usize::from(closing)..]
            .split(|c: char| !c.is_ascii_alphanumeric())
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        if name.is_empty() {
            continue; // a comment, a doctype, or a lone '<'
        }
        if closing {
            depth = depth.saturating_sub(1);
            continue;
        }
        shape.elements += 1;
        if !NOT_NESTING.contains(&name.as_str()) {
            depth += 1;
            shape.depth = shape.depth.max(depth);
        }
    }
    shape.text_bytes += html.len().saturating_sub(text_from);
    shape
}
