//! HTML -> lines of text, in one linear pass with no DOM (so deep nesting costs nothing).
//! Elements that never hold article text (nav, aside, footer, form, figure…) are skipped whole.
//! Block elements end lines, list items become `• ` lines, and nothing executable or remote
//! survives: `<script>`, `<style>`, `<iframe>`, `<svg>` and their contents are skipped, and
//! attributes (event handlers, `src`, `href`) are never copied.

use std::collections::HashSet;
use std::sync::LazyLock;

use chrono::NaiveDate;

use super::dates;
use super::meta::Meta;
use super::person::{handle, person};
use regex::Regex;

const SKIPPED: [&str; 9] = [
    "script", "style", "noscript", "template", "iframe", "svg", "math", "object", "head",
];
const BLOCKS: [&str; 30] = [
    "p",
    "div",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "tr",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "aside",
    "main",
    "blockquote",
    "figure",
    "figcaption",
    "pre",
    "table",
    "dd",
    "dt",
    "hr",
    "address",
    "form",
];

/// Skipped elements that rs-trafilatura's cleaning removes with their contents whatever they
/// hold (not forms, footers or figures, which it keeps in some places), so that it need not
/// parse them: a quarter of a copied page's elements are in one.
const DROPPED_FOR_DOM: [&str; 10] = [
    "script", "style", "iframe", "svg", "math", "object", "nav", "aside", "button", "select",
];

/// Elements that hold no article text: site navigation, side bars, footers, forms, and
/// figures (an image and its caption).
const BOILERPLATE_TAGS: [&str; 8] = [
    "nav",
    "aside",
    "footer",
    "form",
    "button",
    "select",
    "figure",
    "figcaption",
];
const VOID: [&str; 14] = [
    "img", "br", "hr", "input", "meta", "link", "source", "wbr", "area", "base", "col", "embed",
    "param", "track",
];
/// Where each skipped element ends, found in one forward pass per element name with a stack
/// of open elements (nested elements of the same name are counted). Searching forward from
/// every opening tag instead would rescan the rest of the page for each unclosed one.
struct Skips<'a> {
    html: &'a [u8],
    /// Per element name: opening tag's `<` -> just after its closing tag, or `None` when it
    /// never closes.
    ends: std::collections::HashMap<&'static str, std::collections::HashMap<usize, Option<usize>>>,
    /// Where `<table`, `<h1` and `<h2` start, in order: a figure holding one is not a picture.
    structure: Option<Vec<usize>>,
    /// Per name of a [`SKIPPED`] element: from this offset on, no closing tag follows.
    unclosed_from: std::collections::HashMap<String, usize>,
}

impl<'a> Skips<'a> {
    fn new(html: &'a str) -> Skips<'a> {
        Skips {
            html: html.as_bytes(),
            ends: Default::default(),
            structure: None,
            unclosed_from: Default::default(),
        }
    }

    /// Just after the end of the element `name` whose opening tag starts at `open`.
    fn end_of(&mut self, name: &'static str, open: usize) -> Option<usize> {
        let html = self.html;
        let ends = self.ends.entry(name).or_insert_with(|| pair_up(html, name));
        ends.get(&open).copied().flatten()
    }

    /// Whether `html[from..to]` holds a table or an `<h1>`/`<h2>` heading.
    fn holds_structure(&mut self, from: usize, to: usize) -> bool {
        let html = self.html;
        let marks = self.structure.get_or_insert_with(|| {
            let mut marks: Vec<usize> = memchr::memchr_iter(b'<', html)
                .filter(|&i| {
                    let tag = &html[i + 1..];
                    [&b"table"[..], b"h1", b"h2"]
                        .iter()
                        .any(|t| tag.len() >= t.len() && tag[..t.len()].eq_ignore_ascii_case(t))
                })
                .collect();
            marks.sort_unstable();
            marks
        });
        let first = marks.partition_point(|&m| m < from);
        marks.get(first).is_some_and(|&m| m < to)
    }

    /// Where the closing tag `</name` of a [`SKIPPED`] element (never nested) starts at or after
    /// `at`; remembered when there is none, so that a page of unclosed `<svg>`s stays linear.
    fn skipped_close(&mut self, name: &str, at: usize) -> Option<usize> {
        if self.unclosed_from.get(name).is_some_and(|&from| from <= at) {
            return None;
        }
        let close = format!("</{name}");
        let found = find_ascii_ci(&self.html[at..], close.as_bytes()).map(|i| at + i);
        if found.is_none() {
            self.unclosed_from.insert(name.to_string(), at);
        }
        found
    }
}

/// For every opening tag `<name` (not self-closed), just after its matching `</name…>`.
fn pair_up(html: &[u8], name: &str) -> std::collections::HashMap<usize, Option<usize>> {
    let name = name.as_bytes();
    let mut ends = std::collections::HashMap::new();
    let mut open: Vec<usize> = Vec::new();
    // The next `>` at or after a position, found once per stretch (opening tags come in order).
    let mut next_gt: Option<Option<usize>> = None;
    let mut gt_after = |i: usize| -> Option<usize> {
        if next_gt.is_none_or(|g| g.is_some_and(|g| g < i)) {
            next_gt = Some(memchr::memchr(b'>', &html[i..]).map(|g| i + g));
        }
        next_gt.flatten()
    };
    let starts_with_name = |at: usize| {
        html.len() >= at + name.len() && html[at..at + name.len()].eq_ignore_ascii_case(name)
    };
    for i in memchr::memchr_iter(b'<', html) {
        if html.get(i + 1) == Some(&b'/') {
            if starts_with_name(i + 2)
                && let Some(opened) = open.pop()
            {
                ends.insert(opened, gt_after(i).map(|g| g + 1));
            }
        } else if starts_with_name(i + 1)
            && !html
                .get(i + 1 + name.len())
                .is_some_and(u8::is_ascii_alphanumeric)
        {
            match gt_after(i) {
                Some(g) if html[g - 1] != b'/' => open.push(i),
                _ => {}
            }
        }
    }
    ends
}

/// What the HTML says beyond its text: its headings, its byline, its date.
#[derive(Debug, Default)]
pub struct Page {
    pub text: String,
    /// The `<h1>` and `<h2>` elements, in page order (the first 64).
    pub headings: Vec<Heading>,
    /// An element marked as the author (`rel`/`itemprop="author"`, an author or byline class).
    pub author: Option<String>,
    /// The name a portrait's description gives (`alt="Avatar for Jane Doe"`), in or marked as
    /// the author's element: when nothing else names the author.
    pub portrait: Option<String>,
    /// The first `<time datetime>` the page marks as the publication's (`itemprop=
    /// "datePublished"`, class `published`), wherever it stands; else the first after the
    /// heading (before it: the page header's date) that is not marked as an update's.
    pub published: Option<NaiveDate>,
    /// An element that hides text (a form, an `<svg>`…) never closes. A DOM parser then hides
    /// what follows, where this reader (and, for foreign elements, a browser) shows it.
    pub unclosed: bool,
    /// What the page's `<head>`, meta tags and JSON-LD say about the article.
    pub meta: Meta,
    /// The byte ranges of whole elements skipped here that the DOM reader removes unread
    /// too ([`DROPPED_FOR_DOM`]), in page order and disjoint: see [`Page::for_dom`].
    pub dropped: Vec<std::ops::Range<usize>>,
    /// The labels of tag links (`rel="tag"`, `/tag/…`) and section links (`rel="category"`,
    /// `/category/…`) after the first `<h1>` (before it: the site's menus); at most 41.
    pub tags: Vec<String>,
    pub sections: Vec<String>,
    /// The page's own address, as a link to one of its own elements before the headline shows
    /// it (a skip link, `href="https://example.com/2024/09/16/post/#content"`: a copy makes
    /// links absolute). For the date its path may carry, never for the clip's source: a site
    /// may point every page's skip link at its home page.
    pub address: Option<String>,
}

#[derive(Debug)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    /// Marked as the page's title (`itemprop="headline"`, a title or headline class).
    pub marked: bool,
    /// Its text is a link to the site's home page: the site's name (a logo), not a headline.
    pub home: bool,
    /// Its line in [`Page::text`].
    pub line: usize,
}

static HEADLINE_MARK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)itemprop\s*=\s*["']headline["']|class\s*=\s*["'][^"']*(?:headline|(?-u:\b)title)[^"']*["']"#)
        .expect("valid regex")
});
static AUTHOR_MARK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)(?:rel|itemprop)\s*=\s*["']author["']|class\s*=\s*["'][^"']*(?:author|byline|writer)[^"']*["']|href\s*=\s*["'][^"']*/(?:author|authors|autore|autori|writers?|contributors?|staff|people|user)/[^"']"#)
        .expect("valid regex")
});
/// An image's description, and a portrait's: "Avatar for Jane Doe", "Headshot of Jane Doe".
static ALT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)(?-u:\b)alt\s*=\s*(?:"([^"]*)"|'([^']*)')"#).expect("valid regex")
});
static PORTRAIT_OF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:(?:avatar|gravatar|headshot|picture|photo|image|portrait)\s+(?:for|of)\s+)?(.*?)(?:'s\s+(?:avatar|picture|photo|profile(?:\s+picture)?))?$")
        .expect("valid regex")
});
static TAG_LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)rel\s*=\s*["'][^"']*\btag\b|href\s*=\s*["'][^"']*/(?:tags?|tagged|argomenti|keywords?)/[^"'/]"#)
        .expect("valid regex")
});
static SECTION_LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)rel\s*=\s*["'][^"']*\bcategory\b|href\s*=\s*["'][^"']*/(?:category|categoria|categories)/[^"'/]"#)
        .expect("valid regex")
});
static PUBLISHED_MARK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)itemprop\s*=\s*["']datePublished["']|class\s*=\s*["'][^"']*(?:(?-u:\b)published|post-date|publish-date)[^"']*["']"#)
        .expect("valid regex")
});
static MODIFIED_MARK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)itemprop\s*=\s*["']dateModified["']|class\s*=\s*["'][^"']*(?:modified|updated)[^"']*["']"#)
        .expect("valid regex")
});
/// A link that opens an element's content and leads to the site's home page.
static HOME_LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)^\s*<a\s[^>]*?href\s*=\s*["'](?:https?://[^/"'#?]+)?/?["']"#)
        .expect("valid regex")
});
/// A link to a place in a page, written absolute: its address and the place's id.
static LINK_TO_PLACE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)href\s*=\s*["'](https?://[^"'#\s]+)#([\w-]{1,64})["']"#).expect("valid regex")
});
static DATETIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)datetime\s*=\s*["'](\d{4})-(\d{2})-(\d{2})"#).expect("valid regex")
});

impl Page {
    /// `html` (the page this was read from) without its [`Page::dropped`] elements.
    pub fn for_dom(&self, html: &str) -> String {
        let mut kept = String::with_capacity(html.len());
        let mut from = 0;
        for range in &self.dropped {
            kept.push_str(&html[from..range.start]);
            from = range.end;
        }
        kept.push_str(&html[from..]);
        kept
    }

    /// The article's title: among the headings before its `body`, the one whose words the
    /// opening paragraphs use, marked as a headline, an `<h1>`, close to the body. (A blog's
    /// `<h1>` is often its own name, and the post's title an `<h2>`, or a second `<h1>`.)
    pub fn title(&self, body: &str) -> Option<String> {
        let paragraphs: Vec<&str> = body.split("\n\n").map(str::trim).collect();
        let is_heading = |p: &str| self.headings.iter().any(|h| h.text == p);
        // The body's place in the page: its first paragraph of some length that is not a
        // heading (the extractor may have kept the title; short lines recur elsewhere).
        let anchor = paragraphs
            .iter()
            .position(|p| p.split_whitespace().count() >= 8 && !is_heading(p))?;
        let body_line = self
            .text
            .find(paragraphs[anchor])
            .map(|at| memchr::memchr_iter(b'\n', &self.text.as_bytes()[..at]).count());
        let opening: HashSet<String> = paragraphs[anchor..]
            .iter()
            .take(3)
            .flat_map(|p| long_words(p))
            .collect();
        let mut best: Option<(f64, &Heading)> = None;
        for (i, heading) in self.headings.iter().enumerate() {
            if body_line.is_some_and(|line| heading.line >= line) {
                break;
            }
            // A section heading of the body's (the first paragraph may be the title).
            let in_body = paragraphs
                .get(1..anchor)
                .is_some_and(|lead| lead.contains(&heading.text.as_str()));
            if in_body
                || heading.home
                || !(1..=30).contains(&heading.text.split_whitespace().count())
            {
                continue;
            }
            let words = long_words(&heading.text);
            let overlap = if words.is_empty() {
                0.0
            } else {
                // Over a few words at least, as in the text's title (a one-word heading found
                // in the text is weak evidence).
                let found = words.iter().filter(|w| opening.contains(*w)).count();
                found as f64 / words.len().max(super::text::OVERLAP_WORDS) as f64
            };
            // A date among the few lines under it, before the next heading.
            let next = self.headings.get(i + 1).map_or(usize::MAX, |h| h.line);
            let dated = self
                .text
                .lines()
                .enumerate()
                .skip(heading.line + 1)
                .take(4)
                .take_while(|(line, _)| *line < next)
                .any(|(_, l)| l.split_whitespace().count() <= 12 && dates::find(l).is_some());
            let distance = body_line.map_or(0, |line| line - heading.line) as f64;
            let score = 3.0 * overlap
                + if heading.marked { 1.5 } else { 0.0 }
                + if heading.level == 1 { 1.5 } else { 0.0 }
                + if dated { 1.5 } else { 0.0 }
                - 0.02 * distance.min(100.0);
            if best.is_none_or(|(b, _)| score > b) {
                best = Some((score, heading));
            }
        }
        best.map(|(_, h)| h.text.clone())
    }
}

/// The lower-cased words of over three letters: the ones that say what a text is about.
fn long_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() > 3)
        .map(str::to_lowercase)
        .collect()
}

pub fn read(html: &str) -> Page {
    let mut page = Page::default();
    let mut marks = Marks::default();
    let mut out = String::with_capacity(html.len() / 2);
    let mut skips = Skips::new(html);
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        push_text(&mut out, &rest[..lt]);
        rest = &rest[lt..];
        let tag_start = html.len() - rest.len();
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
            continue;
        }
        let Some(gt) = rest.find('>') else {
            push_text(&mut out, rest);
            break;
        };
        let tag = &rest[1..gt];
        rest = &rest[gt + 1..];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if !closing && SKIPPED.contains(&name.as_str()) && !tag.ends_with('/') {
            let from = html.len() - rest.len();
            rest = match skips.skipped_close(&name, from).map(|at| at - from) {
                Some(at) => {
                    // Not text, but what the page says about itself.
                    if name == "head" {
                        page.meta.read_head(&rest[..at]);
                    } else if name == "script" && find_ascii_ci(tag, "ld+json").is_some() {
                        page.meta.read_json_ld(&rest[..at]);
                    }
                    let after = &rest[at..];
                    let after = after.find('>').map_or("", |gt| &after[gt + 1..]);
                    // JSON-LD stays: the extractor may take the article's text from it.
                    if DROPPED_FOR_DOM.contains(&name.as_str())
                        && find_ascii_ci(tag, "ld+json").is_none()
                    {
                        page.dropped.push(tag_start..html.len() - after.len());
                    }
                    after
                }
                // An <svg> or <math> that never closes holds only itself: browsers leave
                // foreign content at the next HTML paragraph, so the text after it stays.
                None if matches!(name.as_str(), "svg" | "math") => {
                    page.unclosed = true;
                    rest
                }
                None => "",
            };
            continue;
        }
        // An article's own footer that carries its byline is read (`class="author__meta"`).
        let boilerplate = BOILERPLATE_TAGS.contains(&name.as_str())
            && !(name == "footer" && AUTHOR_MARK.is_match(tag));
        if !closing && boilerplate && !VOID.contains(&name.as_str()) && !tag.ends_with('/') {
            // Skip the whole element; HTML that never closes it keeps its contents, and so
            // does a figure that holds a table or a heading (data or a page, not a picture).
            let boilerplate_name = BOILERPLATE_TAGS
                .iter()
                .find(|&&t| t == name)
                .copied()
                .unwrap_or_default();
            let end = skips.end_of(boilerplate_name, tag_start);
            page.unclosed |= end.is_none();
            let content = html.len() - rest.len();
            let skipped =
                end.filter(|&end| name != "figure" || !skips.holds_structure(content, end));
            if let Some(end) = skipped {
                if DROPPED_FOR_DOM.contains(&name.as_str()) {
                    page.dropped.push(tag_start..end);
                }
                rest = &html[end..];
                out.push('\n');
                continue;
            }
        }
        if closing {
            marks.close(&mut page, &name, &out);
        } else {
            marks.open(&mut page, &name, tag, rest, &out);
        }
        // A table row is a line, its cells separated by bars.
        if !closing
            && matches!(name.as_str(), "td" | "th")
            && !out.is_empty()
            && !out.ends_with('\n')
        {
            if !out.ends_with(' ') {
                out.push(' ');
            }
            out.push_str("| ");
        }
        if BLOCKS.contains(&name.as_str()) {
            out.push('\n');
            if name == "li" && !closing {
                out.push_str("• ");
            }
        }
    }
    push_text(&mut out, rest);
    page.published = marks.published.or(page.published);
    page.address = (marks.links_to_places.into_iter())
        .find(|(_, id)| {
            [format!(" id=\"{id}\""), format!(" id='{id}'")]
                .iter()
                .any(|attribute| html.contains(attribute.as_str()))
        })
        .map(|(address, _)| address);
    page.portrait = marks.portrait;
    page.text = out;
    page
}

/// What [`read`] notes as it goes: the elements open that mark something (a heading, the
/// author's element, a tag or section link), where their text starts in the text read so far,
/// and what was found that only the end decides on.
#[derive(Default)]
struct Marks {
    /// An open h1/h2: its level, whether marked as the headline, whether a link home, and where
    /// its text starts.
    heading: Option<(u8, bool, bool, usize)>,
    seen_h1: bool,
    /// The first date marked as the publication's.
    published: Option<NaiveDate>,
    /// Lines counted so far (up to `counted` bytes of the text).
    lines: usize,
    counted: usize,
    /// Open author elements: their name, and where their text starts.
    authors: Vec<(String, usize)>,
    /// The name a portrait's description gives, in or marked as the author's element.
    portrait: Option<String>,
    /// An open tag (`true`) or section link after the title, and where its text starts.
    label_link: Option<(bool, usize)>,
    /// Links to places in a page before the headline: the first to a place in this one is the
    /// page's own address.
    links_to_places: Vec<(String, String)>,
}

impl Marks {
    /// A start tag `<tag>` named `name`, followed by `rest`; `out` is the text read so far.
    fn open(&mut self, page: &mut Page, name: &str, tag: &str, rest: &str, out: &str) {
        if name == "meta" {
            page.meta.read_meta_tag(tag);
        }
        if matches!(name, "h1" | "h2") && self.heading.is_none() && page.headings.len() < 64 {
            let level = if name == "h1" { 1 } else { 2 };
            self.seen_h1 |= level == 1;
            let home = HOME_LINK.is_match(rest);
            self.heading = Some((level, HEADLINE_MARK.is_match(tag), home, out.len()));
        }
        if name == "time" {
            let attribute = DATETIME.captures(tag).and_then(|c| {
                NaiveDate::from_ymd_opt(c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?)
            });
            // The day the page shows, in its reader's time zone (`datetime="…-24T04:13Z"`
            // shows "February 23"), unless it is no date ("2 hours ago") or another one.
            // (A date shown with no attribute is as often a promoted event's.)
            let date = attribute.map(|a| {
                shown_date(rest)
                    .filter(|s| (*s - a).num_days().abs() <= 1)
                    .unwrap_or(a)
            });
            // An update's date is not the article's, unless the page marks it as both
            // (WordPress: `class="entry-date published updated"`).
            let published = PUBLISHED_MARK.is_match(tag);
            let modified = !published && MODIFIED_MARK.is_match(tag);
            if published && self.published.is_none() {
                self.published = date;
            }
            if self.seen_h1 && page.published.is_none() && !modified {
                page.published = date;
            }
        }
        if name == "img"
            && page.author.is_none()
            && self.portrait.is_none()
            && (!self.authors.is_empty() || AUTHOR_MARK.is_match(tag))
        {
            self.portrait = (ALT.captures(tag))
                .and_then(|c| c.get(1).or(c.get(2)))
                .map(|alt| decoded(alt.as_str()))
                .and_then(|alt| person(&PORTRAIT_OF.replace(&alt, "$1")));
        }
        if page.author.is_none()
            && self.authors.len() < 8
            && AUTHOR_MARK.is_match(tag)
            && !VOID.contains(&name)
        {
            self.authors.push((name.to_string(), out.len()));
        }
        if name == "a"
            && !self.seen_h1
            && self.links_to_places.len() < 8
            && let Some(c) = LINK_TO_PLACE.captures(tag)
        {
            self.links_to_places
                .push((c[1].to_string(), c[2].to_string()));
        }
        if name == "a" && self.seen_h1 && self.label_link.is_none() {
            // WordPress marks category links `rel="category tag"`: a section first.
            if SECTION_LINK.is_match(tag) {
                self.label_link = Some((false, out.len()));
            } else if TAG_LINK.is_match(tag) {
                self.label_link = Some((true, out.len()));
            }
        }
    }

    /// An end tag named `name`; `out` is the text read so far.
    fn close(&mut self, page: &mut Page, name: &str, out: &str) {
        if name == "a"
            && let Some((tag_link, from)) = self.label_link.take()
        {
            let label = super::one_spaced(&out[from..]);
            let list = if tag_link {
                &mut page.tags
            } else {
                &mut page.sections
            };
            if (1..=60).contains(&label.len()) && !list.contains(&label) && list.len() <= 40 {
                list.push(label);
            }
        }
        if matches!(name, "h1" | "h2")
            && let Some((level, marked, home, from)) = self.heading.take()
        {
            self.lines += memchr::memchr_iter(b'\n', &out.as_bytes()[self.counted..from]).count();
            self.counted = from;
            let text = super::one_spaced(&out[from..]);
            if !text.is_empty() {
                page.headings.push(Heading {
                    level,
                    text,
                    marked,
                    home,
                    // The block's own line break comes first.
                    line: self.lines + 1,
                });
            }
        }
        // The innermost marked element first: "By" in one, the name in the next.
        if let Some(at) = self.authors.iter().rposition(|(open, _)| open == name) {
            let (_, from) = self.authors.remove(at);
            page.author = (page.author.take())
                .or_else(|| person(&out[from..]))
                .or_else(|| handle(&out[from..]));
        }
    }
}

/// The date an element's text shows, read from `rest` (what follows its start tag) up to
/// its end tag (within a few hundred bytes).
fn shown_date(rest: &str) -> Option<NaiveDate> {
    let mut end = rest.len().min(300);
    while !rest.is_char_boundary(end) {
        end -= 1;
    }
    let inner = &rest[..find_ascii_ci(&rest[..end], "</time")?];
    // Its text, without the tags inside it (`<span>`s around the parts).
    let mut text = String::with_capacity(inner.len());
    for (k, part) in inner.split('<').enumerate() {
        text.push(' ');
        text.push_str(if k == 0 {
            part
        } else {
            part.split_once('>').map_or("", |(_, t)| t)
        });
    }
    dates::find(&decoded(&text))
}

fn find_ascii_ci(haystack: impl AsRef<[u8]>, needle: impl AsRef<[u8]>) -> Option<usize> {
    let (h, n) = (haystack.as_ref(), needle.as_ref());
    h.windows(n.len()).position(|w| w.eq_ignore_ascii_case(n))
}

/// `raw` HTML text as plain text: entities decoded, white space collapsed.
pub fn decoded(raw: &str) -> String {
    let mut out = String::new();
    push_text(&mut out, raw);
    out.trim().to_string()
}

fn push_text(out: &mut String, raw: &str) {
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        push_spaced(out, &rest[..amp]);
        rest = &rest[amp..];
        // An entity is at most a dozen bytes; search bytes (';' is ASCII, so a char boundary).
        let end = rest.as_bytes().iter().take(12).position(|&b| b == b';');
        match end.and_then(|end| decode_entity(&rest[1..end]).map(|c| (c, end))) {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    push_spaced(out, rest);
}

/// HTML white space (including source line breaks) is one space.
fn push_spaced(out: &mut String, s: &str) {
    for c in s.chars() {
        if c.is_whitespace() {
            if !out.ends_with([' ', '\n']) && !out.is_empty() {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
}

fn decode_entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code).filter(|c| *c != '\0');
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "laquo" => '«',
        "raquo" => '»',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "copy" => '©',
        "eacute" => 'é',
        "egrave" => 'è',
        "agrave" => 'à',
        "ograve" => 'ò',
        "ugrave" => 'ù',
        "igrave" => 'ì',
        "euro" => '€',
        "middot" => '·',
        "bull" => '•',
        _ => return None,
    })
}
