//! Clipboard payload (text/plain, text/html, a URL) -> [`Article`]. Pure functions, no I/O.
//!
//! The plain-text path ([`text`]) classifies lines as content or boilerplate and recovers the
//! metadata from the text itself; HTML is first turned into lines ([`html`]) so both flavours
//! share that path, and its body is the lines the DOM-located main content holds
//! ([`main_text`]), polished with the same line features. A payload is checked
//! ([`Clip::validate`]) before any work is done.

mod dates;
mod html;
mod main_text;
mod meta;
mod mojibake;
mod page;
mod person;
mod tags;
mod text;

pub use page::{Completion, Detail, complete, set_detail};

/// For `scripts/train-clipper`: what the author model sees. Not part of the API.
#[doc(hidden)]
pub mod training {
    pub use super::text::author::{Candidate, FEATURES};
    pub use super::text::author_candidates;
}

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, Result};

/// The largest clip flavour Lode accepts, in bytes. A real article page is well under 2 MB;
/// anything larger is refused before it is copied around.
pub const MAX_CLIP_BYTES: usize = 16 * 1024 * 1024;

/// The longest source address kept.
pub const MAX_URL_BYTES: usize = 2_048;

/// `raw` as a clip's source address, when it is one: an http or https URL with a host, no
/// user name or password, no white space or control characters, at most [`MAX_URL_BYTES`].
/// What a browser put on the clipboard, or what a page printed, is checked with this.
pub fn source_url(raw: &str) -> Option<String> {
    let url = raw.trim();
    if url.len() > MAX_URL_BYTES || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let (scheme, rest) = url.split_once("://")?;
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority
        .rsplit_once(':')
        .map_or(authority, |(host, port)| {
            if port.chars().all(|c| c.is_ascii_digit()) {
                host
            } else {
                authority
            }
        });
    let valid_host = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '[' | ']' | ':' | '_'));
    (valid_host && !authority.contains('@')).then(|| url.to_string())
}

/// A source address the copied text shows on a line of its own near its top or bottom (many
/// pages print theirs, and a print view always does), with or without a label.
fn url_in_text(text: &str) -> Option<String> {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let ends = lines.iter().take(3).chain(lines.iter().rev().take(3));
    ends.filter_map(|line| {
        let value = line
            .split_once(':')
            .filter(|(label, _)| {
                matches!(
                    label.trim().to_lowercase().as_str(),
                    "source" | "url" | "link" | "fonte" | "permalink"
                )
            })
            .map_or(*line, |(_, value)| value);
        source_url(value)
    })
    .next()
}

/// What the clipboard held.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clip {
    pub text: Option<String>,
    pub html: Option<String>,
    pub url: Option<String>,
}

/// A clean article: what Lode keeps of a clip.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Article {
    pub title: String,
    pub standfirst: Option<String>,
    pub author: Option<String>,
    pub published: Option<NaiveDate>,
    pub sections: Vec<String>,
    pub tags: Vec<String>,
    pub site: Option<String>,
    pub url: Option<String>,
    /// ISO 639-1 code: `en` or `it`.
    pub language: String,
    /// Paragraphs separated by one blank line, NFC, LF line ends.
    pub body: String,
}

impl Clip {
    /// Refuses what cannot be a clip: nothing to read, binary data, oversize flavours.
    pub fn validate(&self) -> Result<()> {
        for (what, value) in [
            ("the clip's text", &self.text),
            ("the clip's HTML", &self.html),
        ] {
            if let Some(value) = value {
                check_size(what, value.len() as u64)?;
                if looks_binary(value) {
                    return Err(Error::Binary {
                        what: what.to_string(),
                    });
                }
            }
        }
        // Blank: nothing but white space and the characters canonical text drops.
        let blank = |v: &Option<String>| {
            v.as_deref()
                .is_none_or(|s| s.chars().all(|c| c.is_whitespace() || is_invisible(c)))
        };
        if blank(&self.text) && blank(&self.html) {
            return Err(Error::EmptyClip);
        }
        if let Some(url) = &self.url
            && !url.trim().is_empty()
            && source_url(url).is_none()
        {
            return Err(Error::invalid(
                "source address",
                format!(
                    "{:?} is not an http(s) address without credentials of at most {MAX_URL_BYTES} bytes",
                    url.chars().take(80).collect::<String>()
                ),
            ));
        }
        Ok(())
    }

    /// Reads one flavour from `reader` (a file, standard input, a pipe, a device), never more
    /// than [`MAX_CLIP_BYTES`] and one byte: the cap holds whatever the file's metadata says
    /// (`/dev/zero` has length 0).
    pub fn flavour_from_reader(what: &str, reader: impl std::io::Read) -> Result<String> {
        use std::io::Read;
        let mut bytes = Vec::new();
        reader
            .take(MAX_CLIP_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Error::invalid("file", format!("cannot read {what}: {e}")))?;
        if bytes.len() > MAX_CLIP_BYTES {
            return Err(Error::TooLarge {
                what: what.to_string(),
                size: bytes.len() as u64,
                limit: MAX_CLIP_BYTES as u64,
            });
        }
        Clip::flavour_from_bytes(what, bytes)
    }

    /// Reads one flavour from bytes (a file, stdin), refusing invalid UTF-8 and binary data.
    /// A UTF-8 byte order mark is dropped; UTF-16 with its byte order mark (what Windows tools
    /// and some clipboards write) is decoded.
    pub fn flavour_from_bytes(what: &str, bytes: Vec<u8>) -> Result<String> {
        check_size(what, bytes.len() as u64)?;
        let utf16 = match bytes.get(..2) {
            Some([0xFF, 0xFE]) => Some(u16::from_le_bytes as fn([u8; 2]) -> u16),
            Some([0xFE, 0xFF]) => Some(u16::from_be_bytes as fn([u8; 2]) -> u16),
            _ => None,
        };
        if let Some(unit) = utf16 {
            let units = bytes[2..]
                .chunks(2)
                .map(|pair| unit([pair[0], pair.get(1).copied().unwrap_or(0)]));
            let text: String = char::decode_utf16(units)
                .collect::<std::result::Result<_, _>>()
                .map_err(|_| Error::InvalidUtf8 {
                    what: what.to_string(),
                })?;
            if text.contains('\0') {
                return Err(Error::Binary {
                    what: what.to_string(),
                });
            }
            return Ok(text);
        }
        let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
            Some(rest) => rest.to_vec(),
            None => bytes,
        };
        if bytes.contains(&0) {
            return Err(Error::Binary {
                what: what.to_string(),
            });
        }
        String::from_utf8(bytes).map_err(|_| Error::InvalidUtf8 {
            what: what.to_string(),
        })
    }
}

/// HTML (a fragment an export carries: a highlight, a description) as plain text: tags dropped,
/// a block's end a line break, entities decoded, white space collapsed within each line.
pub fn html_text(fragment: &str) -> String {
    static BLOCK: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)<br\s*/?>|</?(?:p|div|li|ul|ol|h[1-6]|blockquote|tr|table|section|article)\b[^>]*>")
            .expect("a valid pattern")
    });
    static TAG: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?s)<!--.*?-->|<[A-Za-z/!][^>]*>").expect("a valid pattern")
    });
    BLOCK
        .split(fragment)
        .map(|block| html::decoded(&TAG.replace_all(block, " ")))
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

pub(crate) fn check_size(what: &str, size: u64) -> Result<()> {
    if size > MAX_CLIP_BYTES as u64 {
        return Err(Error::TooLarge {
            what: what.to_string(),
            size,
            limit: MAX_CLIP_BYTES as u64,
        });
    }
    Ok(())
}

/// NUL bytes or a high share of control characters: not something a person copied as text.
fn looks_binary(s: &str) -> bool {
    let sample = s
        .char_indices()
        .take_while(|(i, _)| *i < 8192)
        .map(|(_, c)| c);
    let (mut total, mut control) = (0usize, 0usize);
    for c in sample {
        total += 1;
        if c == '\0' {
            return true;
        }
        if c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}') {
            control += 1;
        }
    }
    total > 0 && control * 10 > total
}

/// A DOM-located body holding fewer than 1/FRAGMENT_SHARE of the words the line reading takes
/// for the article is a fragment of it. Chosen on the clip bench's tune half (html body F1:
/// 1/10 0.954, 1/7 0.955, 1/5 0.955, 1/4 0.947; the DOM always 0.953) and checked on the other
/// (0.930 with the DOM always, 0.946 at 1/5).
const FRAGMENT_SHARE: usize = 5;

/// Extracts the article from a clip. Fails only when the clip is invalid or holds no text.
pub fn extract(clip: &Clip) -> Result<Article> {
    clip.validate()?;
    let html = clip.html.as_deref().map(html::read);
    let lines_from_text = clip
        .text
        .as_deref()
        .map(canonical_text)
        .filter(|t| !t.trim().is_empty());
    // The address the clipboard named, else one the copied text shows.
    let source = (clip.url.as_deref())
        .and_then(source_url)
        .or_else(|| clip.text.as_deref().and_then(url_in_text));
    let url = source.as_deref();
    let from_text = lines_from_text
        .as_deref()
        .map(|text| text::extract(text, url));
    let from_html = (html.as_ref()).map(|page| {
        let text = from_text.as_ref().zip(lines_from_text.as_deref());
        read_html(page, clip.html.as_deref().unwrap_or_default(), text, url)
    });
    // Both flavours: the HTML's body when the DOM located it, or else unless it lost much of
    // what the text holds; the metadata the chosen one lacks comes from the other.
    let words = |a: &Article| a.body.split_whitespace().count();
    let mut article = match (from_text, from_html) {
        (Some(t), Some((h, located))) if located || words(&h) * 2 >= words(&t) => merge(h, t),
        (Some(t), Some((h, _))) => merge(t, h),
        (Some(t), None) => t,
        (None, Some((h, _))) => h,
        (None, None) => Article::default(),
    };
    if article.body.trim().is_empty() {
        return Err(Error::EmptyClip);
    }
    // The date the page's address carries (`/2024/09/16/…`): the clipboard's address's, else
    // the one the page's links to its own places show. It comes after what the page declares and
    // marks, before what the line reading found.
    let address_date = (source.as_deref().and_then(dates::in_address))
        .or_else(|| (html.as_ref()?.address.as_deref()).and_then(dates::in_address));
    // When the page declares another title, its `<h1>` (the site's name, or the headline
    // worded for the page) is not the body's first paragraph either.
    let mut headings: Vec<String> = Vec::new();
    match &html {
        Some(html) => {
            if html.meta.title.is_some() {
                headings = (html.headings.iter())
                    .filter(|h| h.level == 1)
                    .map(|h| canonical_text(&h.text))
                    .collect();
            }
            with_page_marks(&mut article, html, address_date);
        }
        None => article.published = address_date.or(article.published),
    }
    if let Some(page) = lines_from_text
        .as_deref()
        .or(html.as_ref().map(|h| h.text.as_str()))
    {
        article.title = without_printed_suffix(&article.title, page);
    }
    article.url = source;
    article.body = canonical_body(&article.body);
    // The title and the standfirst are not part of the body (an extractor may have kept them).
    let leads = [Some(&article.title), article.standfirst.as_ref()]
        .into_iter()
        .flatten()
        .chain(&headings);
    for lead in leads {
        if let Some(rest) = article.body.strip_prefix(lead.as_str())
            && let Some(rest) = rest.strip_prefix("\n\n")
        {
            article.body = rest.to_string();
        }
    }
    article.language = detect_language(&article.body, &article.title).to_string();
    Ok(bounded_article(article))
}

/// The HTML flavour's article (`page`, read from `markup`), and whether its body was located
/// in the DOM (else it is the line classifier's, like the text's). `text` is the text
/// flavour's reading and lines, when the clip has one.
fn read_html(
    page: &html::Page,
    markup: &str,
    text: Option<(&Article, &str)>,
    url: Option<&str>,
) -> (Article, bool) {
    let lines = canonical_text(&page.text);
    // Broken markup: the DOM would hide text the page shows; the lines alone decide.
    let main = (!page.unclosed)
        // Parsed without the elements the extractor would remove unread.
        .then(|| main_text::locate(&page.for_dom(markup)))
        .flatten();
    let located = main
        .map(|main| text::polish(&main_text::mask(&lines, &canonical_text(&main))))
        .filter(|body| !body.is_empty());
    // The lines give the metadata (the text flavour's lines as well, when there is one),
    // and the body the line reading finds.
    let (mut article, read) = match (&located, text) {
        (Some(_), Some((t, text))) => (t.clone(), text),
        _ => (text::extract(&lines, url), lines.as_str()),
    };
    // A DOM-located body with under a fifth of the words the lines hold as article is a
    // fragment of it (a section, a teaser block, the text before a table): the DOM chose
    // the wrong container, and the line reading is kept.
    let line_words = article.body.split_whitespace().count();
    let body = located.filter(|body| {
        let words: usize = body.iter().map(|p| p.split_whitespace().count()).sum();
        words * FRAGMENT_SHARE >= line_words
    });
    let located = body.is_some();
    if let Some(body) = body {
        article.body = body.join("\n\n");
    }
    // The byline and the date are read around the title: when the page's own title (its
    // declared one, else its headline) is another line than the one the reading took,
    // they are read again around it.
    let title = (page.meta.title.as_deref())
        .map(canonical_text)
        .or_else(|| page.title(&article.body).map(|t| canonical_text(&t)));
    if let Some(title) = title.filter(|t| *t != article.title) {
        let again = text::extract_titled(read, url, &title);
        article.author = again.author.or(article.author);
        article.published = again.published.or(article.published);
    }
    (article, located)
}

/// What the page declares about itself beats its marks (heading, byline, `<time>`, tag and
/// section links), which beat what the text suggests; the date its address carries comes
/// after its marks.
fn with_page_marks(article: &mut Article, html: &html::Page, address_date: Option<NaiveDate>) {
    let meta = &html.meta;
    let site = meta.site.clone().or(article.site.take());
    let title = (meta.title.clone())
        .or_else(|| html.title(&article.body))
        .or_else(|| meta.page_title.clone());
    if let Some(title) = title {
        article.title = canonical_text(&without_site(&title, site.as_deref()));
    }
    article.author = (meta.author.clone().or(html.author.clone()))
        .or(article.author.take())
        .or(html.portrait.clone())
        .map(|a| canonical_text(&a));
    article.published = (meta.published.or(html.published))
        .or(address_date)
        .or(article.published);
    article.site = site;
    // An article has a few sections and a dozen tags at most: more links are a category
    // menu or a tag cloud, not this article's.
    for (field, declared, linked, most) in [
        (&mut article.sections, &meta.sections, &html.sections, 3),
        (&mut article.tags, &meta.tags, &html.tags, 12),
    ] {
        let labels = if declared.is_empty() && linked.len() <= most {
            linked
        } else {
            declared
        };
        if field.is_empty() {
            *field = labels.iter().map(|l| canonical_text(l)).collect();
        }
    }
}

/// An article's tags and sections made safe to store (see [`bounded_labels`]).
pub(crate) fn bounded_article(mut article: Article) -> Article {
    article.tags = bounded_labels(std::mem::take(&mut article.tags), MAX_TAGS);
    article.sections = bounded_labels(std::mem::take(&mut article.sections), MAX_SECTIONS);
    article
}

/// The most tags a clip gives a note (a page may declare 50,000 keywords).
pub const MAX_TAGS: usize = 30;
const MAX_SECTIONS: usize = 10;
/// The longest tag or section a clip keeps, in characters; longer ones are not labels.
pub const MAX_LABEL_CHARS: usize = 100;

/// Labels a page declared, made safe to store: white space collapsed, empty and overlong ones
/// dropped, repeats (ignoring case) dropped, at most `most` of them.
fn bounded_labels(labels: Vec<String>, most: usize) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    labels
        .into_iter()
        .map(|l| {
            l.split('/')
                .map(one_spaced)
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join("/")
        })
        .filter(|l| {
            !l.is_empty()
                && l.chars().count() <= MAX_LABEL_CHARS
                && !l.chars().any(char::is_control)
                && seen.insert(l.to_lowercase())
        })
        .take(most)
        .collect()
}

/// A page title without the site's name it ends with ("Title | Site", "Title - Site").
fn without_site(title: &str, site: Option<&str>) -> String {
    site.and_then(|site| {
        let rest = title.strip_suffix(site)?.trim_end();
        let rest = rest
            .strip_suffix(['|', '-', '–', '—', '·', ':'])?
            .trim_end();
        (!rest.is_empty()).then(|| rest.to_string())
    })
    .unwrap_or_else(|| title.to_string())
}

/// A title without a last part the page prints elsewhere as a name: on a line of its own or in
/// its copyright line ("Title | Opinion", "Title – Artlyst" over "© Artlyst 2025").
fn without_printed_suffix(title: &str, page: &str) -> String {
    let Some((at, separator)) = [" | ", " – ", " — ", " - ", " · "]
        .iter()
        .filter_map(|s| Some((title.rfind(s)?, s.len())))
        .max()
    else {
        return title.to_string();
    };
    let (head, suffix) = (title[..at].trim(), title[at + separator..].trim());
    let suffix_words = suffix.split_whitespace().count();
    if !(1..=5).contains(&suffix_words) || head.split_whitespace().count() < 3 {
        return title.to_string();
    }
    let lower = suffix.to_lowercase();
    let printed = page.lines().map(str::trim).any(|line| {
        line.eq_ignore_ascii_case(suffix)
            || (line.len() < 200
                && (line.contains('©')
                    || line
                        .get(..9)
                        .is_some_and(|w| w.eq_ignore_ascii_case("copyright")))
                && one_spaced(&line.to_lowercase()).contains(&lower))
    });
    if printed {
        head.to_string()
    } else {
        title.to_string()
    }
}

/// `main` with the fields it lacks taken from `other`.
fn merge(main: Article, other: Article) -> Article {
    let pick = |a: Option<String>, b: Option<String>| a.or(b);
    Article {
        title: if main.title.is_empty() {
            other.title
        } else {
            main.title
        },
        standfirst: pick(main.standfirst, other.standfirst),
        author: pick(main.author, other.author),
        published: main.published.or(other.published),
        sections: if main.sections.is_empty() {
            other.sections
        } else {
            main.sections
        },
        tags: if main.tags.is_empty() {
            other.tags
        } else {
            main.tags
        },
        site: pick(main.site, other.site),
        ..main
    }
}

/// Mis-decoded characters repaired ([`mojibake`]), line ends to LF, Unicode NFC, no
/// zero-width or bidi control characters, no NBSP.
pub fn canonical_text(s: &str) -> String {
    let s = mojibake::repaired(s);
    let s = if s.contains('\r') {
        s.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        s.into_owned()
    };
    // Most text is NFC and clean already: composing it again is the costliest step, and
    // rebuilding it char by char the next, so ask first.
    let s = if s.is_ascii()
        || unicode_normalization::is_nfc_quick(s.chars())
            == unicode_normalization::IsNormalized::Yes
    {
        s
    } else {
        s.nfc().collect()
    };
    let odd_space = |c: char| matches!(c, '\u{a0}' | '\u{202f}' | '\u{2007}');
    let control = |b: &u8| (*b < 0x20 && !matches!(*b, b'\n' | b'\t')) || *b == 0x7f;
    if !s.as_bytes().iter().any(control)
        && (s.is_ascii()
            || !s.contains(|c: char| !c.is_ascii() && (is_invisible(c) || odd_space(c))))
    {
        return s;
    }
    s.chars()
        .filter(|c| !is_invisible(*c))
        .map(|c| if odd_space(c) { ' ' } else { c })
        .collect()
}

fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}' | '\u{feff}' | '\u{ad}')
        || (c.is_control() && !matches!(c, '\n' | '\t'))
}

/// The canonical body: [`canonical_text`], each paragraph on one line with inner white space
/// collapsed, paragraphs separated by exactly one blank line.
pub fn canonical_body(s: &str) -> String {
    let text = canonical_text(s);
    let mut body = String::with_capacity(text.len());
    for line in text.lines() {
        let mut words = line.split_whitespace().peekable();
        if words.peek().is_some() && !body.is_empty() {
            body.push_str("\n\n");
        }
        push_words(&mut body, words);
    }
    body
}

/// `s`'s words separated by one space (white space collapsed, none at either end).
pub(crate) fn one_spaced(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_words(&mut out, s.split_whitespace());
    out
}

fn push_words<'a>(out: &mut String, words: impl Iterator<Item = &'a str>) {
    for (i, word) in words.enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(word);
    }
}

/// The longest passage the clip key highlights instead of saving as a note, in characters.
pub const PASSAGE_CHARS: usize = 2_000;

/// What was copied, when it is a passage of an article rather than a page: one paragraph
/// (no title, no headings, no blank line), at least four words and at most
/// [`PASSAGE_CHARS`] characters; white space collapsed.
pub fn passage(clip: &Clip) -> Option<String> {
    static HEADING: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)<(?:h[1-6]|title|header|nav|table|ul|ol)[\s>]")
            .expect("valid regex")
    });
    // Sizes first: a page is not read through to learn that it is not a passage.
    let small = |flavour: &Option<String>, per_char: usize| {
        flavour
            .as_ref()
            .is_none_or(|f| f.len() <= PASSAGE_CHARS * per_char)
    };
    if !small(&clip.text, 4)
        || !small(&clip.html, 32)
        || clip.html.as_deref().is_some_and(|h| HEADING.is_match(h))
    {
        return None;
    }
    let text = match (&clip.text, &clip.html) {
        (Some(text), _) => canonical_text(text),
        (None, Some(page)) => canonical_text(&html::read(page).text),
        (None, None) => return None,
    };
    let text = text.trim();
    let short = text.len() <= PASSAGE_CHARS * 4 && text.chars().count() <= PASSAGE_CHARS;
    (short && !text.contains("\n\n") && text.split_whitespace().nth(3).is_some())
        .then(|| one_spaced(text))
}

/// English or Italian, whichever the text is closer to (the two languages Lode stems). The
/// body's first 1,000 characters decide when they are conclusive (whatlang says how sure it
/// is); otherwise its first 4,000, then the title. Reading 4,000 every time was a tenth of an
/// import's time.
pub fn detect_language(body: &str, title: &str) -> &'static str {
    use whatlang::{Detector, Lang};
    let detector = Detector::with_allowlist(vec![Lang::Eng, Lang::Ita]);
    let head = |chars: usize| {
        body.char_indices()
            .nth(chars)
            .map_or(body, |(i, _)| &body[..i])
    };
    let lang = detector
        .detect(head(1000))
        .filter(whatlang::Info::is_reliable)
        .or_else(|| detector.detect(head(4000)))
        .or_else(|| detector.detect(title))
        .map(|info| info.lang());
    match lang {
        Some(Lang::Ita) => "it",
        _ => "en",
    }
}
