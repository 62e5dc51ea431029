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
    let words: Vec<&str> = text
        .split(' ')
        .take_while(|w| {
            !w.is_empty()
                && !not_name(w)
                && !w.chars().any(|c| c.is_ascii_digit() || c == '@')
                && (w.chars().next().is_some_and(char::is_uppercase)
                    || ["de", "da", "di", "van", "von", "der", "la", "le", "del"].contains(w))
        })
        .collect();
    // One capitalised word and then lower case ("Full bio", "Sign in") is a phrase.
    let phrase = words.len() == 1
        && text
            .split(' ')
            .nth(1)
            .and_then(|w| w.chars().next())
            .is_some_and(char::is_lowercase);
    ((1..=5).contains(&words.len()) && !phrase).then(|| words.join(" "))
}
