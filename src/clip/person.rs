//! People's names in bylines, whichever flavour they come from.

use std::sync::LazyLock;

use regex::Regex;

static BYLINE_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:(?:written|posted|published|reviewed|edited)\s+by|by|author|authors|autore|di|par|por|von)(?:\s*:\s*|\s+|$)")
        .expect("valid regex")
});

/// Words that start a byline's other parts, or stand where a name should: not a name.
const NOT_NAMES: &[&str] = &[
    "by",
    "author",
    "authors",
    "written",
    "posted",
    "published",
    "updated",
    "staff",
    "admin",
    "editor",
    "brand",
    "share",
    "follow",
    "and",
    "about",
    "contact",
    "home",
    "menu",
    "email",
    "facebook",
    "twitter",
    "linkedin",
    "instagram",
    "youtube",
    "pinterest",
    "avatar",
    "headshot",
    "profile",
    "whatsapp",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mon",
    "tue",
    "wed",
    "thu",
    "fri",
    "sat",
    "sun",
    "feb",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "login",
    "logout",
    "register",
    "account",
    "comments",
    "subscribe",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Where a capitalised word glued to the end of `word` starts (a lower-case letter, then an
/// upper-case one).
fn glued_tail(word: &str) -> Option<usize> {
    let mut lower = false;
    for (at, c) in word.char_indices() {
        if lower && c.is_uppercase() {
            return Some(at);
        }
        lower = c.is_lowercase();
    }
    None
}

/// A person's name in a byline's text ("By Jane Doe, Reporter | 3 May" -> "Jane Doe"): the
/// capitalised words after the label, up to a date, a separator or another word.
pub fn person(byline: &str) -> Option<String> {
    let text = super::one_spaced(byline);
    let text = text
        .split([',', '|', '\u{b7}', '•', '(', '\u{2013}', '\u{2014}'])
        .next()?
        .split(" - ")
        .next()?
        .trim();
    let text = BYLINE_LABEL
        .find(text)
        .map_or(text, |m| &text[m.end()..])
        .trim();
    let not_name = |w: &str| {
        let w = w.to_lowercase();
        NOT_NAMES.contains(&w.as_str())
    };
    let mut words: Vec<&str> = Vec::new();
    for word in text.split(' ') {
        // A label other than a byline's ("Last Updated:", "Category:") is not a name, nor
        // what it labels.
        if word.ends_with(':') {
            words.clear();
            break;
        }
        // A copy glues the byline's next part to the name ("Conor AllisonBy Conor Allison",
        // "Jane DoeJanuary 5"): the name ends where the glued part starts.
        let (word, glued) = match glued_tail(word) {
            Some(at) if not_name(&word[at..]) => (&word[..at], true),
            _ => (word, false),
        };
        let is_name = !word.is_empty()
            && !not_name(word)
            && !word.chars().any(|c| c.is_ascii_digit() || c == '@')
            && (word.chars().next().is_some_and(char::is_uppercase)
                || ["de", "da", "di", "van", "von", "der", "la", "le", "del"].contains(&word));
        if !is_name {
            break;
        }
        words.push(word);
        if glued {
            break;
        }
    }
    // One capitalised word and then lower case ("Full bio", "Sign in") is a phrase.
    let phrase = words.len() == 1
        && text
            .split(' ')
            .nth(1)
            .and_then(|w| w.chars().next())
            .is_some_and(char::is_lowercase);
    ((1..=5).contains(&words.len()) && !phrase).then(|| words.join(" "))
}

/// Words of the phrases an author's element holds beside a name ("view all posts", "more
/// from", "leggi tutti gli articoli"): a lower-case text with one of them is no name.
const PHRASE_WORDS: &[&str] = &[
    "all", "more", "view", "see", "read", "posts", "post", "articles", "article", "stories", "the",
    "of", "and", "from", "to", "in", "on", "at", "for", "with", "my", "your", "our", "this", "is",
    "was", "no", "guest", "team", "tutti", "gli", "articoli", "leggi", "altri",
];

/// A user name, or a name written in lower case ("annette thurmon", "jdoe42"), in the text of
/// an element the page marks as its author's: one to three words of letters (a user name may
/// hold digits, dots, dashes and underscores), none of them a byline's other words.
pub fn handle(marked: &str) -> Option<String> {
    let text = super::one_spaced(marked);
    let text = BYLINE_LABEL
        .find(&text)
        .map_or(&text[..], |m| &text[m.end()..])
        .trim();
    // A copy glues the byline's next part to the name ("thegrangehallFebruary 3, 2025").
    let first = text.split(' ').next().unwrap_or_default();
    let text = match glued_tail(first) {
        Some(at) if NOT_NAMES.contains(&first[at..].to_lowercase().as_str()) => &first[..at],
        _ => text,
    };
    let words: Vec<&str> = text.split(' ').collect();
    let is_word = |w: &&str| {
        w.chars().next().is_some_and(char::is_lowercase)
            && w.chars().count() >= 2
            && w.chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'))
            && w.chars().any(char::is_alphabetic)
            && !NOT_NAMES.contains(&w.to_lowercase().as_str())
            && !PHRASE_WORDS.contains(w)
    };
    let user = words.len() == 1 && is_word(&words[0]);
    let lower_name = (2..=3).contains(&words.len())
        && words
            .iter()
            .all(|w| is_word(w) && w.chars().all(char::is_alphabetic));
    (user || lower_name).then(|| text.to_string())
}
