//! The plain-text clipper: a page copied as text is a list of lines, some of them the article.
//!
//! Each line gets features (length, sentence punctuation, stop-word density, repetition, the
//! shape of known blocks: breadcrumbs, bylines, dates, captions, tag lists, footers). The
//! article starts at its title (found through the breadcrumb, or as the title-like line before
//! the densest run of paragraphs), its metadata sits between the title and the first
//! paragraph, and the body runs until the first block that only ever follows an article
//! (tags, related posts, comments, copyright).

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use super::Article;
use super::dates;
use super::person::{handle, person};
use super::tags::{self, Vocabulary};

pub mod author;

struct Line {
    text: String,
    words: usize,
    bullet: bool,
    repeats: usize,
    // Features, computed once per line (see `classify`).
    caption: bool,
    paragraph: bool,
    /// A short line that is still a sentence (dialogue, a one-line paragraph).
    sentence: bool,
    meta: bool,
    stop: bool,
}

static HTML_TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"</?[a-zA-Z][^<>]{0,300}>").expect("valid regex"));
static BREADCRUMB: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s+[»›>/|]\s+").expect("valid regex"));
/// A block that only ever follows an article: tags, related posts, comments, sharing, the
/// footer. Headings among them must be the whole line ("Recommended configuration" is not one).
static STOP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^(?:tags?|tagged(?:\s+with)?|topics|argomenti|keywords)\s*:
        |^(?:related\s+(?:posts|articles|stories|content|news|topics|resources|reading|videos|coverage)|read\s+(?:also|more|next)|you\s+(?:may|might)\s+also\s+like
        |more\s+(?:from|stories|on\s+this)(?:\s+.{1,40})?|recommended(?:\s+for\s+you)?|most\s+(?:read|popular|viewed)(?:\s+.{1,20})?
        |leggi\s+anche|articoli\s+correlati|potrebbe\s+interessarti|share\s+this(?:\s+(?:article|story|post|page))?|condividi
        |comments?|\d+\s+comments?|about\s+the\s+author|discussion\s+about\s+this\s+(?:post|article))\s*[:.…]*$
        |^(?:name|nome|nom|nombre|e-?mail|website)\s*\*$
        |^(?:leave\s+a\s+(?:comment|reply)|lascia\s+un\s+commento|deixe\s+(?:um\s+comentário|uma\s+resposta|seu\s+comentário)
        |laisser\s+un\s+commentaire|deja\s+(?:un\s+comentario|una\s+respuesta)|schreibe\s+einen\s+kommentar|copyright|sign\s+up\s+for|subscribe\s+to|iscriviti\s+alla)",
    )
    .expect("valid regex")
});
/// A copyright notice, wherever it sits in its line (a footer's disclaimer ends with it); a
/// line with one ends a body like [`STOP`].
static RIGHTS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)all rights reserved|tutti i diritti riservati|©").expect("valid regex")
});
static CAPTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\((?:photo|foto|image|credit|picture|source|courtesy)(?-u:\b)[^)]*\)\s*$|(?-u:\b)photo:|(?-u:\b)foto:|\(photo via|getty images|/\s*afp\)|(?-u:\b)afp photo|(?-u:\b)reuters\)\s*$|\(ap photo|shutterstock|(?-u:\b)imagoeconomica(?-u:\b)|(?-u:\b)file photo(?-u:\b)|^photo by(?-u:\b)|(?-u:\b)photo by:|\|\s*photo by(?-u:\b)|^in this (?:[^ ]+ ){0,8}photo|(?-u:\b)photo (?:shows|taken)(?-u:\b)|\((?:ap|afp|reuters|getty|epa)\)\s*$|\((?-i:\p{Lu}[\p{L}.'’-]+(?:\s\p{Lu}[\p{L}.'’-]+){1,3})\s*/\s*[^()/]{2,40}\)\s*$",
    )
    .expect("valid regex")
});
static PHOTO_CREDIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:photo|foto|picture|image|credit)s?(?:\s+by)?\s*:|^photo by\s")
        .expect("valid regex")
});
static BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:^|\s)(?:(?:[Bb]y|[Ww]ritten by)(?::\s*|\s+)?|BY:?\s+|(?:[Dd]i|[Aa]uthor:)\s+)(\p{Lu}[\p{L}'’.-]+(?:\s+(?:\p{Lu}[\p{L}'’.-]+|de|da|del|della|di|van|von|der|la|le)){0,4})",
    )
    .expect("valid regex")
});
/// A credit that names someone other than the writer: "Edited by", "Photos by", "Powered by".
static ROLE_BEFORE_BY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:edit(?:ed)?|checked|illustrat\w*|photo\w*|images?|design(?:ed)?|powered|produced|translated|sponsored|narrated|moderated|hosted|curated|supported)\s+by\b")
        .expect("valid regex")
});
static SECTIONS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:in|In|IN)\s+(\p{Lu}.*)$").expect("valid regex"));
static TAGS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:tags?|tagged(?:\s+with)?|topics|argomenti|keywords)\s*:\s*(.*)$")
        .expect("valid regex")
});
static CREDIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:english version by|translated by|translation by|traduzione di|versione italiana)(?-u:\b)")
        .expect("valid regex")
});
static FOOTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)copyright|©|all rights reserved|is a registered|tutti i diritti")
        .expect("valid regex")
});

/// Function words of the languages news pages come in: a line of prose is full of them, a
/// menu or a caption is not. (Only the share matters, so a short list per language does.)
const STOP_WORDS: &[&str] = &[
    // English
    "the", "a", "an", "of", "to", "in", "and", "or", "is", "are", "was", "were", "be", "been", "it",
    "its", "that", "this", "for", "on", "with", "as", "at", "by", "from", "has", "have", "had",
    "not", "but", "which", "who", "their", "they", "he", "she", "we", "his", "her", "will",
    "would", "can", "there", "than", "also", "if", "all", "more", "one", "into", "about", "you",
    // Italian
    "il", "lo", "la", "i", "gli", "le", "un", "una", "di", "da", "con", "su", "per", "tra", "fra",
    "e", "che", "non", "del", "della", "dei", "delle", "nel", "nella", "al", "alla", "è", "sono",
    "come", "anche", "ma", "più", "si", "ha", "questo", "questa",
    // Spanish and Portuguese
    "el", "los", "las", "y", "en", "que", "por", "para", "con", "una", "es", "del", "se", "o", "os",
    "as", "um", "uma", "do", "da", "dos", "das", "no", "na", "em", "com", "não", "ao",
    // French
    "les", "des", "et", "est", "dans", "pour", "pas", "sur", "au", "aux", "du", "ce", "qui", "une",
    // German and Dutch
    "der", "die", "das", "und", "ist", "nicht", "mit", "von", "den", "zu", "ein", "eine", "auf",
    "het", "een", "van", "en", "op", "voor", "zijn", "dat",
];

/// The words a line's ratios are measured on: its first ones (a line of millions of words
/// is not read to the end for a share).
const RATIO_WORDS: usize = 2_000;

fn stop_ratio(text: &str) -> f64 {
    let mut total = 0usize;
    let mut stops = 0usize;
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(RATIO_WORDS)
    {
        total += 1;
        if STOP_WORDS.contains(&word.to_lowercase().as_str()) {
            stops += 1;
        }
    }
    if total == 0 {
        0.0
    } else {
        stops as f64 / total as f64
    }
}

/// The share of words that start with a lower-case letter: high in prose in any language
/// with letter case (names and menus are Capitalised), a stand-in where no stop word is known.
fn lowercase_ratio(text: &str) -> f64 {
    let (mut total, mut lower) = (0usize, 0usize);
    for word in text.split_whitespace().take(RATIO_WORDS) {
        if let Some(c) = word.chars().find(|c| c.is_alphabetic()) {
            total += 1;
            lower += usize::from(c.is_lowercase());
        }
    }
    if total == 0 {
        0.0
    } else {
        lower as f64 / total as f64
    }
}

/// Chinese and Japanese are written without spaces between words: a character stands for
/// about half a word there.
fn is_unspaced(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30ff}' | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}')
}

/// The words of a line whose words are one space apart (see [`line_of`]); two characters of
/// a script written without spaces count as one.
fn word_count(spaced: &str) -> usize {
    let unspaced = if spaced.is_ascii() {
        0
    } else {
        spaced.chars().filter(|c| is_unspaced(*c)).count()
    };
    memchr::memchr_iter(b' ', spaced.as_bytes()).count() + 1 + unspaced / 2
}

/// Mostly in a script without letter case (Chinese, Japanese, Korean, Arabic, Hebrew, Thai…):
/// prose that neither our stop words nor capitals can tell.
fn caseless(text: &str) -> bool {
    let (mut letters, mut caseless) = (0usize, 0usize);
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        letters += 1;
        caseless += usize::from(!c.is_uppercase() && !c.is_lowercase());
    }
    caseless * 2 > letters
}

fn lines_of(page: &str) -> Vec<Line> {
    let mut lines: Vec<Line> = page.lines().filter_map(line_of).collect();
    let mut counts: HashMap<String, usize> = HashMap::new();
    for line in &lines {
        *counts.entry(line.text.clone()).or_default() += 1;
    }
    for line in &mut lines {
        line.repeats = counts[&line.text];
        classify(line);
    }
    // A sentence right above a photo credit ("Photo: Jane Doe") is that photo's caption.
    for i in 1..lines.len() {
        if lines[i].words <= 6 && PHOTO_CREDIT.is_match(&lines[i].text) && lines[i - 1].words < 40 {
            let above = &mut lines[i - 1];
            above.caption = true;
            above.paragraph = false;
            above.sentence = false;
        }
    }
    lines
}

/// One line of text, tags and bullet marker taken off, white space collapsed; `None` if blank.
fn line_of(raw: &str) -> Option<Line> {
    let cleaned = HTML_TAG.replace_all(raw, " ");
    let mut text = super::one_spaced(&cleaned);
    let mut bullet = false;
    for marker in ["• ", "· ", "▪ ", "* ", "- ", "– "] {
        if let Some(rest) = text.strip_prefix(marker) {
            text = rest.to_string();
            bullet = true;
            break;
        }
    }
    if text.is_empty() {
        return None;
    }
    let words = word_count(&text);
    Some(Line {
        text,
        words,
        bullet,
        repeats: 1,
        caption: false,
        paragraph: false,
        sentence: false,
        meta: false,
        stop: false,
    })
}

/// The most words a caption, a stop marker ("Related articles") or a rights line has.
const SHORT_LINE_WORDS: usize = 200;

fn classify(line: &mut Line) {
    let text = line.text.as_str();
    // Captions, stop markers and rights lines are short: a long line is none of them (and is
    // not scanned for them, which on a 16 MiB line took a tenth of the clip).
    let short = line.words <= SHORT_LINE_WORDS;
    line.caption = short && CAPTION.is_match(text);
    line.stop = short && (STOP.is_match(text) || RIGHTS.is_match(text));
    line.paragraph = line.repeats == 1
        && line.words >= 10
        && (ends_sentence(text) || line.words >= 25)
        && (!is_truncated(text) || line.words >= 40)
        && !line.caption
        && (stop_ratio(text) >= 0.12 || lowercase_ratio(text) >= 0.6 || caseless(text))
        && !is_glued_menu(text);
    line.sentence = line.repeats == 1
        && line.words >= 3
        && ends_sentence(text)
        && !is_truncated(text)
        && !line.caption
        && !line.stop;
    line.meta = line.caption
        || (line.words <= 2 && AUTHOR_LABEL.is_match(text))
        || (line.words <= 12 && dates::is_date_line(text))
        || (line.words <= 20
            && (POSTED.is_match(text) || UPDATED.is_match(text))
            && dates::find(text).is_some())
        || (line.words <= 25 && BYLINE.find(text).is_some_and(|m| m.start() <= 16))
        || (line.words <= 12 && SECTIONS.is_match(text))
        // The author's picture, as its alternative text reads ("Jane Doe's avatar").
        || (line.words <= 8 && PORTRAIT.is_match(text))
        // A byline without its "By": "Jane Doe • Updated on Jul 4, 2024".
        || dated_name(line).is_some();
}

/// Menu entries copied without the breaks between them ("How to Invest MoneyWhat to Invest
/// InHow to Invest in Stocks…"): many words run into the next one's capital.
fn is_glued_menu(text: &str) -> bool {
    let (mut total, mut glued) = (0, 0);
    for word in text.split_whitespace().take(RATIO_WORDS) {
        total += 1;
        let mut lower = false;
        for c in word.chars() {
            if lower && c.is_uppercase() {
                glued += 1;
                break;
            }
            lower = c.is_lowercase();
        }
    }
    glued >= 4 && glued * 4 >= total
}

/// A number, a percentage, an amount: a table cell.
fn is_figure(text: &str) -> bool {
    text.chars().any(|c| c.is_ascii_digit())
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || " +-−%.,:$€£/".contains(c))
}

/// All in capitals: a teaser headline or a call to action, not a paragraph.
fn is_shouted(text: &str) -> bool {
    let letters = text.chars().filter(|c| c.is_alphabetic());
    let (mut total, mut upper) = (0, 0);
    for c in letters {
        total += 1;
        upper += usize::from(c.is_uppercase());
    }
    total >= 20 && upper * 10 >= total * 9
}

fn ends_sentence(text: &str) -> bool {
    text.trim_end_matches(['"', '”', '’', '\'', ')', '»', ' '])
        .ends_with(['.', '!', '?', ':', ';', '。', '！', '？'])
}

fn is_truncated(text: &str) -> bool {
    text.ends_with("...") || text.ends_with('…')
}

fn is_caption(line: &Line) -> bool {
    line.caption
}

fn is_paragraph(line: &Line) -> bool {
    line.paragraph
}

fn is_meta(line: &Line) -> bool {
    line.meta
}

static NUMBERED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\d{1,3}[.)]\s").expect("valid regex"));

/// A line that may be a title, printed at most `repeats` times on the page.
fn looks_like_title(line: &Line, repeats: usize) -> bool {
    (3..=30).contains(&line.words)
        && !NUMBERED.is_match(&line.text)
        // A breadcrumb ("You are here: Home » Guides » …") names the title but is not one.
        && BREADCRUMB.find_iter(&line.text).count() < 2
        && !line.bullet
        && !line.text.ends_with(['.', '>', '›', '»', '/', '→'])
        && !is_meta(line)
        && !line.stop
        && line.repeats <= repeats
}

/// Its first word in lower case (an image's description, "solar panels on roof", "12-month
/// planner"), not a name's ("iPhone", "n8n", "rustc_codegen_gcc").
fn lower_cased_start(text: &str) -> bool {
    let first = text.split_whitespace().next().unwrap_or_default();
    let word = first
        .trim_start_matches(|c: char| c.is_ascii_digit() || c == '-')
        .trim_end_matches([',', ':', ';', '?', '!']);
    !word.is_empty() && word.chars().all(char::is_lowercase)
}

static UI_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?-u:\b)(share|pin it|pinterest|tweet|email|print|follow|subscribe|sign (in|up)|log ?in|menu|search|table of contents|contents|skip to|cookie|advertis\w*|updated|published|posted|read more|comments?|newsletter|photo|image|credit|listen|min read|home)(?-u:\b)",
    )
    .expect("valid regex")
});

/// Most of its longer words capitalised, as headlines are written ("How Much Money Can I Save
/// with a Smart Thermostat?"), unlike a paragraph's first sentence.
fn title_cased(text: &str) -> bool {
    let long: Vec<&str> = text
        .split_whitespace()
        .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 4)
        .collect();
    let capitalised = long
        .iter()
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .count();
    long.len() >= 2 && capitalised * 4 >= long.len() * 3
}

/// How many words of each opening paragraph a title is compared with.
const OPENING_WORDS: usize = 400;
/// The fewest words a line's share of words found in the opening is counted over.
pub(super) const OVERLAP_WORDS: usize = 4;

/// The title: a heading-like line before the body, close to it, whose words the opening
/// paragraphs use, often repeated (breadcrumb and heading) and followed by a byline or a
/// date; never a share button, a caption or a table of contents' entry. A headline can also
/// open the densest run itself (a question, or under a disclosure), when it is written like
/// one and a byline or date follows it.
fn best_title(lines: &[Line], first: usize) -> Option<usize> {
    let evidence = TitleEvidence::new(lines, first);
    let headline = |i: usize| {
        let line = &lines[i];
        line.words <= 20 && title_cased(&line.text) && !line.text.ends_with('.')
    };
    let inside = (first..lines.len().min(first + 8))
        .filter(|&i| headline(i) && !lines[i].stop && lines[i].repeats == 1)
        .filter(|&i| i == first || evidence.meta_within(i, 3).is_some());
    let mut best: Option<(f64, usize)> = None;
    for i in inside.chain((0..first).rev().take(80)) {
        if let Some(score) = evidence.score(i)
            && best.is_none_or(|(b, _)| score > b)
        {
            best = Some((score, i));
        }
    }
    best.filter(|(score, _)| *score > -1.0).map(|(_, i)| i)
}

/// What a page says about which of its lines is the title of the body starting at `first`.
struct TitleEvidence<'a> {
    lines: &'a [Line],
    first: usize,
    /// The words (over three letters) the opening paragraphs start with.
    opening: std::collections::HashSet<String>,
    /// Lines that come back after some of the article's prose.
    returning: std::collections::HashSet<&'a str>,
}

impl<'a> TitleEvidence<'a> {
    fn new(lines: &'a [Line], first: usize) -> Self {
        let opening = lines[first..]
            .iter()
            .filter(|l| l.paragraph && !(l.words <= 20 && title_cased(&l.text)))
            .take(3)
            .flat_map(|l| {
                // Their openings: a title is about what the first sentences say.
                l.text
                    .split(|c: char| !c.is_alphanumeric())
                    .take(OPENING_WORDS)
                    .map(str::to_lowercase)
                    .collect::<Vec<_>>()
            })
            .filter(|w| w.chars().count() > 3)
            .collect();
        let returning = lines[first + 1..lines.len().min(first + 3000)]
            .iter()
            .skip_while(|l| !l.paragraph)
            .skip(1)
            .filter(|l| l.repeats > 1)
            .map(|l| l.text.as_str())
            .collect();
        TitleEvidence {
            lines,
            first,
            opening,
            returning,
        }
    }

    /// The share of a line's words that the opening paragraphs use.
    fn overlap(&self, line: &Line) -> f64 {
        let words: Vec<String> = line
            .text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() > 3)
            .map(str::to_lowercase)
            .collect();
        if words.is_empty() {
            0.0
        } else {
            // Over four words at least: a menu entry's two words found in the text are not
            // the evidence a headline's seven of nine are.
            let found = words.iter().filter(|w| self.opening.contains(*w)).count();
            found as f64 / words.len().max(OVERLAP_WORDS) as f64
        }
    }

    /// Where the next byline or date is among the `n` lines under line `i`; a name printed
    /// twice in a row (the portrait's text, then the name) is one.
    fn meta_within(&self, i: usize, n: usize) -> Option<usize> {
        let lines = self.lines;
        (i + 1..lines.len().min(i + 1 + n)).position(|k| {
            lines[k].meta
                || (lines
                    .get(k + 1)
                    .is_some_and(|next| next.text == lines[k].text)
                    && name_line(&lines[k]).is_some())
        })
    }

    /// Line `i`'s score as the title, or `None` when it cannot be one.
    fn score(&self, i: usize) -> Option<f64> {
        let (lines, first) = (self.lines, self.first);
        let line = &lines[i];
        // A title comes back more than twice when the page prints its heading twice in a row
        // (and a breadcrumb names it), or when a blog lists the post again beside it: then
        // it is still one right above the article or right above its byline or date, or one
        // printed twice.
        let twice_in_a_row = (i > 0 && lines[i - 1].text == line.text)
            || lines.get(i + 1).is_some_and(|l| l.text == line.text);
        let repeats = if i + 2 >= first || self.meta_within(i, 3).is_some() {
            4
        } else if twice_in_a_row {
            3
        } else {
            2
        };
        if i < first && (!looks_like_title(line, repeats) || line.text.ends_with(':')) {
            return None;
        }
        // The name under the author's portrait ("Jane Doe's avatar", then "Jane Doe").
        if i > 0
            && PORTRAIT.is_match(&lines[i - 1].text)
            && lines[i - 1].text.contains(line.text.as_str())
        {
            return None;
        }
        let overlap = self.overlap(line);
        let distance = first.saturating_sub(i) as f64;
        // A heading that comes back after some of the article's prose is a table of
        // contents' entry, unless a byline or date follows it as it follows a title.
        let meta_at = self.meta_within(i, 6);
        let in_contents =
            self.returning.contains(line.text.as_str()) && !matches!(meta_at, Some(0..=2));
        // A heading right under another is its deck (subtitle).
        let deck = i > 0 && {
            let above = &lines[i - 1];
            looks_like_title(above, 2)
                && above.words >= 4
                && !above.text.ends_with(&line.text)
                && above.repeats == 1
                && !UI_WORDS.is_match(&above.text)
                && self.overlap(above) * 2.0 >= overlap
                && overlap > 0.0
                // A list of categories over the headline is none ("Asia, Packing & Planning,
                // Travel Inspiration").
                && above.text.matches(", ").count() < 2
        };
        // The same words as a breadcrumb's last crumb and as the heading, a few lines apart
        // (a menu repeated in the header and the footer is farther apart).
        let crumb_and_heading = line.repeats == 2
            && !in_contents
            && lines[i.saturating_sub(8)..lines.len().min(i + 9)]
                .iter()
                .filter(|l| l.text == line.text)
                .count()
                == 2;
        let score = 3.0 * overlap + if crumb_and_heading { 1.0 } else { 0.0 }
            - if deck { 2.0 } else { 0.0 }
            + match meta_at {
                // The byline or date right under it, as under a headline (an image's
                // description or a category line sits a line farther).
                Some(0) => 1.75,
                Some(1..=2) => 1.5,
                Some(_) => 0.75,
                None => 0.0,
            }
            - if in_contents { 2.5 } else { 0.0 }
            + if line.words >= 4 { 0.5 } else { 0.0 }
            - 0.04 * distance.min(25.0)
            - if line.words <= 6 && UI_WORDS.is_match(&line.text) {
                5.0
            } else {
                0.0
            }
            // An image's description in lower case, unless the page writes its headings so
            // (the deck under it too).
            - if lower_cased_start(&line.text)
                && !lines.get(i + 1).is_some_and(|l| lower_cased_start(&l.text))
            {
                2.0
            } else {
                0.0
            }
            - if line.sentence && line.words > 20 {
                1.0
            } else {
                0.0
            };
        Some(score)
    }
}

/// The densest run of paragraphs (maximum-sum segment over line scores), as line indices.
fn densest_block(lines: &[Line]) -> Option<(usize, usize)> {
    let (mut best, mut best_range) = (0.0f64, None);
    let (mut sum, mut start) = (0.0f64, 0usize);
    for (i, line) in lines.iter().enumerate() {
        let score = if line.stop {
            -1000.0
        } else if is_paragraph(line) {
            line.words as f64
        } else if is_figure(&line.text) || ends_sentence(&line.text) {
            // A table's figures, a list's items: part of an article more than of a menu.
            -1.0
        } else {
            -(3.0 + line.words as f64 / 3.0)
        };
        if sum <= 0.0 {
            sum = 0.0;
            start = i;
        }
        sum += score;
        if sum > best {
            best = sum;
            best_range = Some((start, i));
        }
    }
    let (start, end) = best_range?;
    let first = (start..=end).find(|&i| is_paragraph(&lines[i]))?;
    Some((first, end))
}

pub fn extract(page: &str, url: Option<&str>) -> Article {
    extract_inner(page, url, None, None)
}

/// The article `page` holds when its title is known to be `title` (a line of it: the HTML's
/// headline), which the page's byline and date are read around.
pub fn extract_titled(page: &str, url: Option<&str>, title: &str) -> Article {
    extract_inner(page, url, None, Some(title))
}

/// The author candidates the model scores on `page` (for `scripts/train-clipper`), whatever the
/// rules find.
pub fn author_candidates(page: &str) -> Vec<author::Candidate> {
    let mut candidates = Vec::new();
    extract_inner(page, None, Some(&mut candidates), None);
    candidates
}

fn extract_inner(
    page: &str,
    url: Option<&str>,
    candidates: Option<&mut Vec<author::Candidate>>,
    title: Option<&str>,
) -> Article {
    let lines = lines_of(page);
    let mut article = Article::default();
    if lines.is_empty() {
        return article;
    }

    // The breadcrumb names the title (its last crumb) and the sections (the middle ones).
    let (crumbs, title_at) = breadcrumb(&lines).unzip();
    let crumbs = crumbs.unwrap_or_default();

    // Where the body starts: after the title and its metadata, or the densest block.
    let block = densest_block(&lines);
    // A title known beforehand is its line nearest before the densest run, else its first.
    let known = title.and_then(|title| {
        let at: Vec<usize> = (0..lines.len())
            .filter(|&i| lines[i].text == title)
            .collect();
        let first = block.map_or(usize::MAX, |(first, _)| first);
        at.iter()
            .rev()
            .find(|&&i| i < first)
            .or(at.first())
            .copied()
    });
    let title_at = known.or(title_at).or_else(|| {
        let (first, _) = block?;
        let before = best_title(&lines, first);
        // A page that starts with a short line and then its text: a plain note.
        let first_line = &lines[0];
        before.or(
            (first > 0 && first_line.words < 3 && !first_line.bullet && !is_meta(first_line))
                .then_some(0),
        )
    });
    let meta_from = title_at.map_or(0, |t| t + 1);
    let (start, mut standfirst) = opening(&lines, meta_from, title_at.is_some());
    let Some(start) = start.or(block.map(|(first, _)| first)) else {
        article.title = lines[0].text.clone();
        article.body = lines
            .iter()
            .map(|l| l.text.as_str())
            .collect::<Vec<_>>()
            .join("\n\n");
        return article;
    };

    // A body that ends before the page's densest run of paragraphs even starts was cut by a
    // long table or list: it runs on to the end of that run, unless a block that only follows
    // articles sits between them. Then, if it holds much less prose, it was a disclosure or a
    // teaser under the title, and the article is that run.
    let prose = |from: usize, to: usize| {
        lines[from..=to]
            .iter()
            .filter(|l| l.paragraph)
            .map(|l| l.words)
            .sum::<usize>()
    };
    let mut start = start;
    let mut end = body_end(&lines, start);
    if let Some((first, last)) = block
        && end < first
    {
        if !lines[end..first].iter().any(|l| l.stop) {
            end = body_end(&lines, first);
        } else if prose(start, end) * 2 < prose(first, last) {
            // What stood right under the title still introduces the article.
            if standfirst.is_none() && start == meta_from {
                standfirst = Some(lines[start].text.clone());
            }
            start = first;
            end = body_end(&lines, first);
        }
    }

    let title = title_at.map(|t| lines[t].text.clone());
    let mut body = body_lines(&lines, start..=end, title.as_deref());

    trim_sign_off(&mut body);

    // Metadata: first from the lines between the title and the body, then from the whole page.
    let layout = Layout {
        lines: &lines,
        title_at,
        meta_from,
        start,
        end,
    };
    let head = layout.head();
    article.author = layout.author();
    if let Some(candidates) = candidates {
        *candidates = author::candidates(&lines, title_at, start, end);
    }
    article.published = layout.published();
    article.sections = head
        .iter()
        .find_map(|l| {
            let c = SECTIONS.captures(&l.text)?;
            Some(
                c[1].split(", ")
                    .map(|s| s.trim().to_string())
                    .collect::<Vec<_>>(),
            )
        })
        .unwrap_or_else(|| {
            crumbs
                .get(1..crumbs.len().saturating_sub(1))
                .map(|m| m.to_vec())
                .unwrap_or_default()
        });
    article.tags = lines[end..]
        .iter()
        .take(40)
        .find_map(|l| TAGS.captures(&l.text).map(|c| c[1].to_string()))
        .map(|glued| {
            // The article's phrases, from a bounded window: tags name what the article is
            // about, which its title and opening say (a 16 MB body would cost seconds).
            tags::split(&glued, || {
                let mut window = title.clone().unwrap_or_default();
                for paragraph in &body {
                    if window.len() > VOCABULARY_WINDOW {
                        break;
                    }
                    window.push('\n');
                    window.push_str(paragraph);
                }
                let mut end = window.len().min(VOCABULARY_WINDOW);
                while !window.is_char_boundary(end) {
                    end -= 1;
                }
                Vocabulary::new(&window[..end])
            })
        })
        .unwrap_or_default();
    article.site = site_name(&lines).or_else(|| url.and_then(host));
    article.title =
        title.unwrap_or_else(|| body.first().map(|b| first_words(b, 12)).unwrap_or_default());
    article.standfirst = standfirst;
    article.body = body.join("\n\n");
    article
}

/// Where the body starts, from `meta_from` (under the title, when the page has one: `titled`):
/// the first paragraph past the metadata, and the standfirst when a long line with metadata
/// under it stands first.
fn opening(lines: &[Line], meta_from: usize, titled: bool) -> (Option<usize>, Option<String>) {
    let mut standfirst = None;
    let mut start = None;
    // Every line since the title is short, like an image's text ("A hiker on a ridge"): the
    // next long line is still the first after the title.
    let mut only_short = true;
    for i in meta_from..lines.len() {
        let line = &lines[i];
        let opens = only_short;
        only_short &= line.words <= 6 && !line.paragraph && !line.sentence;
        if line.stop {
            break;
        }
        if is_meta(line) {
            continue;
        }
        if is_paragraph(line) || (standfirst.is_none() && line.words >= 8 && opens) {
            // The first long line after the title is the standfirst when metadata follows it.
            let meta_follows = lines[i + 1..]
                .iter()
                .take_while(|l| !is_paragraph(l) || is_caption(l))
                .any(is_meta)
                || lines.get(i + 1).is_some_and(is_meta);
            if opens && standfirst.is_none() && meta_follows && titled {
                standfirst = Some(line.text.clone());
                continue;
            }
            if is_paragraph(line) {
                start = Some(i);
                break;
            }
        }
    }
    (start, standfirst)
}

/// The breadcrumb ("Home » Guides » The title") among the page's first lines, whose last crumb
/// is printed again as a line of its own within 40 lines: its crumbs, and that line (the
/// title). Bounded (the head of the page, a few lines after the crumb), so hostile input that
/// is all breadcrumbs stays linear.
fn breadcrumb(lines: &[Line]) -> Option<(Vec<String>, usize)> {
    lines.iter().enumerate().take(400).find_map(|(i, line)| {
        if line.words > SHORT_LINE_WORDS {
            return None;
        }
        let parts: Vec<&str> = BREADCRUMB.split(&line.text).collect();
        if parts.len() < 3 || parts[0].len() > 20 {
            return None;
        }
        let at = (lines[i + 1..].iter().take(40)).position(|l| l.text == parts[parts.len() - 1])?;
        Some((parts.iter().map(|s| s.to_string()).collect(), i + 1 + at))
    })
}

/// The article's lines in `range`: its paragraphs and sentences, and the subheadings and list
/// items among them; not the title, captions, alt texts, credits, dates or cross-links.
fn body_lines<'a>(
    lines: &'a [Line],
    range: std::ops::RangeInclusive<usize>,
    title: Option<&str>,
) -> Vec<&'a str> {
    let mut body = Vec::new();
    // After a line that ends with a colon, the lines up to the next paragraph are the list it
    // announces (a copied list carries no bullets).
    let mut in_list = false;
    for i in range {
        let line = &lines[i];
        let next_is_paragraph = lines.get(i + 1).is_some_and(is_paragraph);
        let keep = if is_paragraph(line) || (line.sentence && !line.meta) {
            !CREDIT.is_match(&line.text)
        } else if in_list || line.text.ends_with(':') {
            line.words <= 25
                && line.repeats == 1
                && !line.caption
                && !line.stop
                && !(line.words <= 3 && UI_WORDS.is_match(&line.text))
        } else {
            // Subheadings and list items stay; captions, alt texts, credits and dates go.
            let subheading = (2..=15).contains(&line.words)
                && next_is_paragraph
                && line.repeats == 1
                && !line.bullet
                && !is_meta(line)
                && line.text.chars().filter(|c| c.is_alphabetic()).count() >= 8
                && !CREDIT.is_match(&line.text);
            let list_item = line.bullet && line.words >= 4 && line.repeats == 1;
            subheading || list_item
        };
        if keep && Some(line.text.as_str()) != title && !CROSS_LINK.is_match(&line.text) {
            body.push(line.text.as_str());
        }
        if keep && line.text.ends_with(':') {
            in_list = true;
        } else if is_paragraph(line) {
            in_list = false;
        }
    }
    body
}

/// Where a page's parts are: its title's line, the first line of the metadata under it, and
/// the body's first and last lines.
struct Layout<'a> {
    lines: &'a [Line],
    title_at: Option<usize>,
    meta_from: usize,
    start: usize,
    end: usize,
}

impl<'a> Layout<'a> {
    /// The lines between the title and the body.
    fn head(&self) -> &'a [Line] {
        &self.lines[self.meta_from.min(self.start)..self.start]
    }

    /// The author: a byline between the title and the body, else the other rules' and the
    /// model's name.
    fn author(&self) -> Option<String> {
        let Layout {
            lines,
            title_at,
            meta_from,
            start,
            end,
        } = *self;
        let head = self.head();
        let byline = |l: &Line| {
            (l.words <= 25)
                .then(|| BYLINE.captures(&l.text))
                .flatten()
                .filter(|c| !ROLE_BEFORE_BY.is_match(&l.text[..c.get(1).map_or(0, |m| m.start())]))
                .and_then(|c| person(&c[1]))
        };
        let ruled = head
            .iter()
            .find_map(byline)
            // A byline naming a user, in lower case.
            .or_else(|| head.iter().find_map(handle_byline))
            .or_else(|| signed(head))
            .or_else(|| head.iter().find_map(dated_name))
            // A sign-off right after the body ("Written by Jane Doe").
            .or_else(|| {
                lines[end.saturating_sub(2)..lines.len().min(end + 4)]
                    .iter()
                    .filter(|l| l.meta)
                    .find_map(byline)
            });
        ruled
            // The model may overrule a rule's name it doubts for one it is sure of.
            .map(|name| author::review(lines, title_at, start, end, name))
            // Else the name the model finds likeliest, when it is confident: before the weakest
            // rules, a byline above the head (a menu's `By Modality`) and the line after a lone
            // label (`Author`, then whatever comes next).
            .or_else(|| author::guess(lines, title_at, start, end))
            .or_else(|| lines[..meta_from.min(start)].iter().rev().find_map(byline))
            .or_else(|| labelled(lines, start, &AUTHOR_LABEL).and_then(|l| person(&l.text)))
    }

    /// The article's date, read around the title and the body.
    fn published(&self) -> Option<NaiveDate> {
        let Layout {
            lines,
            title_at,
            start,
            end,
            ..
        } = *self;
        let head = self.head();
        // The article's date: between title and body; else in the three lines over the title (a
        // byline may stand above the headline); else one labelled "Posted on" around the body
        // (some pages sign off with it); else a date line (not an "updated" one) in the block of
        // labels that often follows the opening; else the closest before the body; else the day
        // the page says it was last updated, in or right after the body; else one in the lines
        // right after the body (a blog's footer: "Monday, August 11th, 2025 | Categories: …").
        // Numeric dates read the way the page writes them (`8/27/2025` elsewhere: `8/1/2025` is
        // August's).
        let month_first = dates::month_first(lines.iter().map(|l| l.text.as_str()));
        let date = |line: &str| dates::find_ordered(line, month_first);
        head.iter()
            .find_map(|l| date(&l.text))
            .or_else(|| {
                let t = title_at?;
                lines[t.saturating_sub(3)..t]
                    .iter()
                    .rev()
                    .find_map(|l| date(&l.text))
            })
            .or_else(|| {
                lines[start.saturating_sub(40)..lines.len().min(end + 15)]
                    .iter()
                    .filter(|l| l.words <= 12 && POSTED.is_match(&l.text))
                    .find_map(|l| date(&l.text))
            })
            .or_else(|| {
                let near = (start + 1..lines.len().min(start + 40))
                    .filter(|&i| dates::is_date_line(&lines[i].text));
                near.filter(|&i| {
                    !UPDATED.is_match(&lines[i].text) && !UPDATED.is_match(&lines[i - 1].text)
                })
                .find_map(|i| date(&lines[i].text))
            })
            .or_else(|| lines[..start].iter().rev().find_map(|l| date(&l.text)))
            .or_else(|| {
                lines[start..lines.len().min(end + 15)]
                    .iter()
                    .filter(|l| l.words <= 12 && UPDATED.is_match(&l.text))
                    .find_map(|l| date(&l.text))
            })
            .or_else(|| {
                lines[(end + 1).min(lines.len())..lines.len().min(end + 4)]
                    .iter()
                    .filter(|l| l.words <= 15)
                    .find_map(|l| date(&l.text))
            })
    }
}

/// How much of the article (in bytes) glued tags are split with.
const VOCABULARY_WINDOW: usize = 256 * 1024;

static CROSS_LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\[?\s*(?:related|read\s+(?:more|also|next)|see\s+also|also\s+read|more|leggi\s+anche|vedi\s+anche)\s*:|^[👉→►▶➡]\s*(?:learn|see|read|check|discover|explore)\s")
        .expect("valid regex")
});
/// A heading that only ever follows an article: what comes after it is not the article.
static END_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^(?:related(?:\s+(?:posts|articles|stories|content|news|reading))?|you\s+(?:may|might)\s+also\s+(?:like|enjoy)
        |more\s+great\s+.{1,30}\s+stories|more\s+(?:news\s+)?from\s+.{1,30}|more\s+stories|further\s+reading|recommended\s+for\s+you
        |most\s+(?:read|popular|viewed)|top\s+video|explore\s+more(?:\s+articles)?.{0,20}|leggi\s+anche|articoli\s+correlati
        |potrebbe\s+interessarti|about\s+the\s+author|comments?|\d+\s+comments?|leave\s+a\s+(?:comment|reply)|now\s+that\s+you're\s+here
        )\s*[:.…]*$|^(?:tags?|tagged(?:\s+with)?|topics|argomenti|keywords)(?:\s*:.*|$)",
    )
    .expect("valid regex")
});
/// An author's bio ("Jane Doe is a reporter …", "Jane Doe (jane@…) is the editor …") or a
/// sign-off ("Follow us on Twitter", "Email Jane at …").
static SIGN_OFF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?-i:\p{Lu}[\p{L}.'’-]+(?:\s+\p{Lu}[\p{L}.'’-]+){1,3})(?:\s*\([^)]{0,60}\))?,?\s+(?:is|was)\s+(?:a|an|the)\s|follow\s+(?:us|him|her|me)\s+on|^email\s+\p{Lu}",
    )
    .expect("valid regex")
});
/// The site speaking after the article: "Follow us on …", a press release's "About us"
/// boilerplate ("Acme is a leading provider …", "Acme is headquartered in …").
static FOLLOW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^email\s+\p{Lu}\S*\s+\S+\s+at\s|^follow\s+us\s+on|^join\s+our\s+.{1,40}(?:forums?|community|newsletter)
        |\sis\s+a\s+reader-supported\s+publication
        |^(?-i:\p{Lu}\S*(?:\s+\p{Lu}\S*){0,3})\s+is\s+(?:headquartered\s+in
        |(?:a|an|the)\s+(?:global|leading|world|international)[\w\s'’-]{0,40}(?:provider|company|firm|group|supplier|manufacturer|maker|leader|organi[sz]ation))",
    )
    .expect("valid regex")
});
/// The site's notices: a shortcode left unrendered, a widget that needs scripts, the comment
/// policy.
static SITE_NOTICE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\[\w+\s[^\]]*=[^\]]*\]|requires javascript|enable javascript|javascript (?:is )?disabled|moderating (?:all )?comments|comments are moderated",
    )
    .expect("valid regex")
});
/// A line that is only a control or a label: "Share", "Posted on", "Advertisement".
static UI_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:share|print|email|follow|subscribe|menu|home|search|advert(?:isement)?|skip advertisement|posted(?:\s+on)?|updated(?:\s+(?:on|at))?|published(?:\s+on)?|reading\s+time|written\s+by|listen(?:\s+to\s+this\s+article)?|table\s+of\s+contents(?:\s+(?:show|hide|toggle))?)\s*[:.…]*$",
    )
    .expect("valid regex")
});
static READING_TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\d+\s*(?:min(?:ute)?s?|minuti)(?:\s+read)?$").expect("valid regex")
});

/// What another extractor chose as the body, one paragraph a line, with the boilerplate it
/// left in taken out: everything from a heading that only follows articles ("Related posts",
/// "Tags:"), and cross-links ("Read more: …"), bylines, dates and captions on lines of their own.
/// Conservative: a list or a table in the article looks like boilerplate line by line.
pub fn polish<'a>(body: &[&'a str]) -> Vec<&'a str> {
    let lines: Vec<(&str, Line)> = body
        .iter()
        .filter_map(|raw| {
            let mut line = line_of(raw)?;
            classify(&mut line);
            Some((*raw, line))
        })
        .collect();
    let first_paragraph = lines.iter().position(|(_, l)| l.paragraph).unwrap_or(0);
    let mut kept = Vec::new();
    for (i, (raw, line)) in lines.iter().enumerate() {
        if i > first_paragraph && END_LABEL.is_match(&line.text) {
            break;
        }
        let boilerplate = CROSS_LINK.is_match(&line.text)
            || SITE_NOTICE.is_match(&line.text)
            || READING_TIME.is_match(&line.text)
            || line.caption
            || (line.words <= 12 && dates::is_date_line(&line.text))
            || (line.words <= 6 && BYLINE.find(&line.text).is_some_and(|m| m.start() == 0))
            || (line.words <= 4 && UI_LABEL.is_match(&line.text))
            || (line.words >= 6 && is_shouted(&line.text));
        if !boilerplate {
            kept.push(*raw);
        }
    }
    trim_sign_off(&mut kept);
    kept
}

/// The author's bio and the sign-off ("Follow us on …") that close many articles.
/// The longest line read as the site's sign-off ("Follow us on …", "Subscribe …").
const SIGN_OFF_BYTES: usize = 2_000;

fn trim_sign_off(body: &mut Vec<&str>) {
    // The site speaking, in the last third: what comes after is the site's, not the article's.
    let total: usize = body.iter().map(|l| l.len()).sum();
    let mut seen = 0;
    let follow = body.iter().position(|l| {
        seen += l.len();
        seen * 3 > total * 2 && l.len() <= SIGN_OFF_BYTES && FOLLOW.is_match(l)
    });
    if let Some(at) = follow {
        body.truncate(at);
    }
    for _ in 0..3 {
        if body
            .last()
            .is_some_and(|l| l.len() <= SIGN_OFF_BYTES && SIGN_OFF.is_match(l))
        {
            body.pop();
        }
    }
    // An author box: the name on its own line, then "Name is …".
    if let [.., name, bio] = body.as_slice()
        && name.split_whitespace().count() <= 4
        && bio
            .strip_prefix(name)
            .is_some_and(|rest| rest.starts_with(" is ") || rest.starts_with(" was "))
    {
        body.truncate(body.len() - 2);
    }
}

/// Where a body that starts at `start` ends: the first block that only follows articles; a
/// run of over 12 lines of non-prose (a list, a table, a gallery) ends it only if no paragraph
/// follows within 60.
fn body_end(lines: &[Line], start: usize) -> usize {
    const GAP: usize = 60;
    let mut end = start;
    let mut gap = 0;
    for (i, line) in lines.iter().enumerate().skip(start) {
        if line.stop || gap > GAP {
            break;
        }
        let prose = is_paragraph(line) || (line.sentence && !line.meta);
        if is_paragraph(line) || (prose && gap <= 12) {
            end = i;
            gap = 0;
        } else {
            gap += 1;
        }
    }
    end
}

static AUTHOR_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:written by|by|author|authors|posted by|autore|di)\s*:?$")
        .expect("valid regex")
});
/// The author's picture, as its alternative text reads.
static PORTRAIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)avatar|profile (?:image|photo|picture)|headshot|author (?:image|photo)")
        .expect("valid regex")
});
/// A byline that names a user in lower case ("by ibby", "Written by joshua becker · 99
/// Comments", "Posted on July 1, 2024 by infuy"): its label opens the line or follows a date,
/// and only a separator, a date or a count follows the name. After a bare "by", one word
/// ("by popular demand" is no byline).
static HANDLE_BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i:^((?:written|posted|published)\s+)?by|(\d{4})\s+by):?\s+(\S+(?:\s\S+){0,2}?)\s*(?:$|[·|•]|\d)")
        .expect("valid regex")
});

fn handle_byline(line: &Line) -> Option<String> {
    if line.words > 10 {
        return None;
    }
    let c = HANDLE_BYLINE.captures(&line.text)?;
    let name = &c[3];
    let labelled = c.get(1).is_some() || c.get(2).is_some();
    (labelled || !name.contains(' '))
        .then(|| handle(name))
        .flatten()
}
static POSTED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:posted|published|pubblicato)(?:\s+on|\s+il)?(?-u:\b)")
        .expect("valid regex")
});
static UPDATED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:last )?(?:updated|modified|aggiornato)").expect("valid regex")
});

/// A name on a line of its own among the title's metadata, next to the byline's other parts
/// (a "By" label, a date, the author's picture): "Dan Davies" above "Dec 12, 2025".
fn signed(head: &[Line]) -> Option<String> {
    head.iter().enumerate().find_map(|(k, line)| {
        let name = name_line(line)?;
        let after_label = k > 0 && AUTHOR_LABEL.is_match(&head[k - 1].text);
        let beside_byline = line.repeats <= 2
            && head[k.saturating_sub(2)..head.len().min(k + 3)]
                .iter()
                .any(|l| dates::is_date_line(&l.text) || PORTRAIT.is_match(&l.text));
        // Twice in a row: the portrait's text, then the name.
        let twice = head.get(k + 1).is_some_and(|next| next.text == line.text);
        (after_label || beside_byline || twice).then_some(name)
    })
}

/// A line that is a name and nothing else ("Dan Davies").
fn name_line(line: &Line) -> Option<String> {
    if !(2..=4).contains(&line.words) {
        return None;
    }
    person(&line.text).filter(|name| *name == line.text)
}

/// A name that a date follows on its line, as a byline without its "By" reads ("Melissa Ozawa
/// December 18, 2025", "Faith Katunga • Oct 20, 2025", "Rachael Hogg - 12/03/2026").
fn dated_name(line: &Line) -> Option<String> {
    // Cheap tests first: every line is asked (a name is capitalised, a date holds digits).
    if line.words > 12
        || !line.text.starts_with(char::is_uppercase)
        || !line.text.bytes().any(|b| b.is_ascii_digit())
        || dates::find(&line.text).is_none()
    {
        return None;
    }
    let name = person(&line.text)
        .filter(|n| (2..=4).contains(&n.split(' ').count()) && !n.contains(':'))?;
    let rest = line.text.strip_prefix(name.as_str())?.trim_start();
    let date_next = rest.starts_with(|c: char| !c.is_alphabetic()) || dates::is_date_line(rest);
    date_next.then_some(name)
}

/// The line after a label line ("Written by", then the name) within 40 lines of the body start.
fn labelled<'a>(lines: &'a [Line], start: usize, label: &Regex) -> Option<&'a Line> {
    let from = start.saturating_sub(40);
    let to = lines.len().min(start + 40);
    (from..to.saturating_sub(1))
        .find(|&i| label.is_match(&lines[i].text))
        .map(|i| &lines[i + 1])
}

/// The site's name: a short stand-alone line (the masthead) that the footer's copyright
/// names too; the most repeated, then the first.
fn site_name(lines: &[Line]) -> Option<String> {
    let footers: Vec<&str> = lines
        .iter()
        .filter(|l| FOOTER.is_match(&l.text))
        .map(|l| l.text.as_str())
        .take(20)
        .collect();
    let candidates = lines.iter().filter(|l| {
        l.words <= 4
            && !l.bullet
            && !FOOTER.is_match(&l.text)
            && l.text.chars().next().is_some_and(char::is_uppercase)
            && footers.iter().any(|f| contains_word(f, &l.text))
    });
    let mut best: Option<&Line> = None;
    for line in candidates {
        if best.is_none_or(|b| line.repeats > b.repeats) {
            best = Some(line);
        }
    }
    best.map(|l| l.text.clone())
}

fn contains_word(haystack: &str, word: &str) -> bool {
    haystack.match_indices(word).any(|(at, _)| {
        let before = haystack[..at].chars().next_back();
        let after = haystack[at + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// The site's name as its address suggests it, for a page that names none: the registered
/// label of the host, capitalised (`https://www.eunews.it/…` → Eunews); an address given by
/// number, or a one-label host, as it is.
fn host(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next()?.to_lowercase();
    let host = host
        .rsplit_once(':')
        .filter(|(_, port)| port.chars().all(|c| c.is_ascii_digit()))
        .map_or(host.as_str(), |(h, _)| h)
        .trim_start_matches("www.");
    if host.is_empty() {
        return None;
    }
    let labels: Vec<&str> = host.split('.').filter(|l| !l.is_empty()).collect();
    let numeric =
        host.starts_with('[') || labels.iter().all(|l| l.chars().all(|c| c.is_ascii_digit()));
    if numeric || labels.len() < 2 {
        return Some(host.to_string());
    }
    // `co.uk`, `com.au`, `gov.it`…: the label before those is the name.
    const SECOND_LEVEL: &[&str] = &[
        "co", "com", "org", "net", "gov", "ac", "edu", "gv", "or", "ne",
    ];
    let n = labels.len();
    let name = if n >= 3 && SECOND_LEVEL.contains(&labels[n - 2]) && labels[n - 1].len() == 2 {
        labels[n - 3]
    } else {
        labels[n - 2]
    };
    let mut chars = name.chars();
    let first = chars.next()?;
    Some(first.to_uppercase().chain(chars).collect())
}

fn first_words(text: &str, n: usize) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut title = words[..words.len().min(n)].join(" ");
    if words.len() > n {
        title.push('…');
    }
    title
}
