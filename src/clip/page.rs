//! Completing a clip's details from its page: what the page the clip came from declares
//! (JSON-LD, OpenGraph, `article:*`, `citation_*`, Dublin Core, its `<h1>`) fills in what the
//! copy lacked or got wrong. The body always stays the copy's.

use serde::{Deserialize, Serialize};

use super::{Article, Clip, extract, html};

/// A detail of a note that its page can complete.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Detail {
    Title,
    Author,
    Published,
    Site,
    Sections,
    Tags,
}

impl Detail {
    pub const ALL: [Detail; 6] = [
        Detail::Title,
        Detail::Author,
        Detail::Published,
        Detail::Site,
        Detail::Sections,
        Detail::Tags,
    ];
}

/// What a page gives a copy: the article completed, which details changed, and the address the
/// page names as its own.
#[derive(Debug, Clone)]
pub struct Completion {
    pub article: Article,
    pub from_page: Vec<Detail>,
    pub canonical: Option<String>,
}

/// `copy` with the details its page (`page_html`, fetched from `page_url`) gives, except the
/// `kept` ones.
///
/// The rules, measured on the clip bench's pages (tuned on one half, checked on the other):
/// the page's author and date beat the copy's (they are declared, the copy's are guessed);
/// its title replaces the copy's unless the copy's is one of the page's `<h1>` and the page's
/// is not (a declared title often carries the site's name, or words for search engines); the
/// site's declared name beats one taken from the address; sections and tags the copy lacks
/// come from the page.
pub fn complete(copy: &Article, page_html: &str, page_url: &str, kept: &[Detail]) -> Completion {
    let read = html::read(page_html);
    let canonical = read.meta.canonical.clone();
    let Ok(page) = extract(&Clip {
        text: None,
        html: Some(page_html.to_string()),
        url: Some(page_url.to_string()),
    }) else {
        return Completion {
            article: copy.clone(),
            from_page: Vec::new(),
            canonical,
        };
    };
    let h1: Vec<String> = (read.headings.iter())
        .filter(|h| h.level == 1)
        .map(|h| comparable(&h.text))
        .collect();
    let mut out = copy.clone();
    let mut changed = Vec::new();
    let mut take = |detail: Detail, better: bool, out: &mut Article| {
        if better && !kept.contains(&detail) {
            set_detail(out, &page, detail);
            changed.push(detail);
        }
    };
    let (mine, theirs) = (comparable(&copy.title), comparable(&page.title));
    let title = !theirs.is_empty()
        && mine != theirs
        && if mine.is_empty() {
            true
        } else if h1.contains(&mine) && !h1.contains(&theirs) {
            false
        } else if mine.starts_with(&theirs) || theirs.starts_with(&mine) {
            theirs.len() < mine.len()
        } else {
            true
        };
    take(Detail::Title, title, &mut out);
    take(
        Detail::Author,
        page.author.is_some() && page.author != copy.author,
        &mut out,
    );
    take(
        Detail::Published,
        page.published.is_some() && page.published != copy.published,
        &mut out,
    );
    take(
        Detail::Site,
        page.site.is_some() && page.site != copy.site,
        &mut out,
    );
    take(
        Detail::Sections,
        !page.sections.is_empty() && copy.sections.is_empty(),
        &mut out,
    );
    take(
        Detail::Tags,
        !page.tags.is_empty() && copy.tags.is_empty(),
        &mut out,
    );
    Completion {
        article: out,
        from_page: changed,
        canonical,
    }
}

/// `article`'s `detail` set to its value in `from`.
pub fn set_detail(article: &mut Article, from: &Article, detail: Detail) {
    match detail {
        Detail::Title => article.title.clone_from(&from.title),
        Detail::Author => article.author.clone_from(&from.author),
        Detail::Published => article.published = from.published,
        Detail::Site => article.site.clone_from(&from.site),
        Detail::Sections => article.sections.clone_from(&from.sections),
        Detail::Tags => article.tags.clone_from(&from.tags),
    }
}

/// A title as compared: case, quotes, dashes, white space and surrounding punctuation aside.
fn comparable(title: &str) -> String {
    let folded: String = (title.to_lowercase().chars())
        .map(|c| match c {
            '‘' | '’' | '‚' | '′' | '`' | '´' => '\'',
            '“' | '”' | '„' | '″' | '«' | '»' => '"',
            '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
            c => c,
        })
        .collect();
    super::one_spaced(&folded)
        .trim_matches(|c: char| " .,;:!?\"'-|".contains(c))
        .to_string()
}
