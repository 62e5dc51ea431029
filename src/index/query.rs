//! The user's query language, parsed leniently: every string is a valid query. Anything that
//! is not understood as syntax (an unknown `field:`, a bad date, an unbalanced quote) is read
//! as plain words.
//!
//! ```text
//! words          notes holding all of them first, then notes holding most of them
//! "a phrase"     the words in this order
//! a OR b         either
//! -word -"p"     exclude
//! tag:geo        the tag or its children (geo/central-asia)
//! author:name  site:name  lang:en|it
//! after:2025-11-01  before:2026   (published date; after is inclusive, before exclusive)
//! is:annotation  is:note  has:annotation
//! color:green  color:evidence   (annotations in a colour, by its name or the user's)
//! ```

use chrono::NaiveDate;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unit {
    Word(String),
    Phrase(String),
    Any(Vec<Unit>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    Tag(String),
    Author(String),
    Site(String),
    Lang(String),
    /// An annotation colour, or a name the user gave one (resolved by the caller).
    Color(String),
    After(NaiveDate),
    Before(NaiveDate),
    IsAnnotation,
    IsNote,
    HasAnnotation,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedQuery {
    pub positive: Vec<Unit>,
    pub negative: Vec<Unit>,
    pub filters: Vec<Filter>,
    pub negative_filters: Vec<Filter>,
    /// The last word, when the query does not end with a space: it also matches as a prefix.
    pub prefix: Option<String>,
    /// The query was longer than Lode reads ([`MAX_QUERY_CHARS`], [`MAX_CLAUSES`],
    /// [`MAX_PHRASES`]): only its beginning was searched.
    pub truncated: bool,
}

/// The longest query read, in characters (a pasted paragraph is far below it).
pub const MAX_QUERY_CHARS: usize = 2_000;
/// The most words, phrases and filters a query is searched with (repeats count once).
pub const MAX_CLAUSES: usize = 64;
/// The most phrases among them: each is searched in both languages' fields and reads the
/// positions of all its words (64 phrases of common words took 0.8 s at 100,000 notes, 16
/// took 0.5 s).
pub const MAX_PHRASES: usize = 8;

enum Item {
    Unit(Unit),
    Filter(Filter),
    Or,
}

pub fn parse(query: &str) -> ParsedQuery {
    let mut items: Vec<(bool, Item)> = Vec::new();
    let mut chars: Vec<char> = query.chars().collect();
    let mut truncated = chars.len() > MAX_QUERY_CHARS;
    chars.truncate(MAX_QUERY_CHARS);
    let query: String = chars.iter().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        // `-word` excludes; `-2` is a negative number (or a list's "-2, -3"), searched.
        let negated = chars[i] == '-'
            && (chars.get(i + 1)).is_some_and(|c| !c.is_whitespace() && !c.is_ascii_digit());
        if negated || chars[i] == '+' {
            i += 1;
            if i == chars.len() {
                break; // a lone `+` at the end marks nothing
            }
        }
        let (token, next) = read_token(&chars, i);
        i = next;
        if token == "OR" || token == "|" {
            items.push((false, Item::Or));
            continue;
        }
        let item = if let Some(phrase) = token.strip_prefix('"') {
            Item::Unit(Unit::Phrase(phrase.trim_end_matches('"').to_string()))
        } else if let Some(filter) = filter(&token) {
            Item::Filter(filter)
        } else {
            Item::Unit(Unit::Word(token.trim_matches(['(', ')']).to_string()))
        };
        items.push((negated, item));
    }

    let mut parsed = ParsedQuery::default();
    let mut pending_or = false;
    let mut seen: Vec<(bool, String)> = Vec::new();
    let mut phrases = 0;
    for (negated, item) in items {
        if let Item::Unit(Unit::Phrase(_)) = &item {
            if phrases == MAX_PHRASES {
                truncated = true;
                continue;
            }
            phrases += 1;
        }
        // A repeated word or filter adds nothing; past MAX_CLAUSES the rest is not read.
        if let Item::Unit(Unit::Word(w) | Unit::Phrase(w)) = &item {
            let key = (negated, w.to_lowercase());
            if seen.contains(&key) {
                continue;
            }
            seen.push(key);
        }
        let clauses = parsed.positive.iter().map(Unit::len).sum::<usize>()
            + parsed.negative.len()
            + parsed.filters.len()
            + parsed.negative_filters.len();
        if clauses >= MAX_CLAUSES && !matches!(item, Item::Or) {
            truncated = true;
            break;
        }
        match item {
            Item::Or => pending_or = !parsed.positive.is_empty(),
            Item::Filter(f) if negated => parsed.negative_filters.push(f),
            Item::Filter(f) => parsed.filters.push(f),
            Item::Unit(u) if negated => parsed.negative.push(u),
            Item::Unit(u) => {
                if pending_or && let Some(last) = parsed.positive.pop() {
                    let mut alternatives = match last {
                        Unit::Any(v) => v,
                        other => vec![other],
                    };
                    alternatives.push(u);
                    parsed.positive.push(Unit::Any(alternatives));
                } else {
                    parsed.positive.push(u);
                }
                pending_or = false;
            }
        }
    }
    parsed
        .positive
        .retain(|u| !matches!(u, Unit::Word(w) | Unit::Phrase(w) if w.trim().is_empty()));
    let open_end = query
        .chars()
        .next_back()
        .is_some_and(|c| !c.is_whitespace() && c != '"' && c != ')');
    if open_end
        && !truncated
        && let Some(Unit::Word(w)) = parsed.positive.last()
    {
        parsed.prefix = Some(w.clone());
    }
    parsed.truncated = truncated;
    parsed
}

impl Unit {
    /// How many clauses the unit becomes.
    fn len(&self) -> usize {
        match self {
            Unit::Any(alternatives) => alternatives.len(),
            _ => 1,
        }
    }
}

/// The fields a query may name (`tag:x`); any other word before a colon is a word.
const FIELDS: &[&str] = &[
    "tag", "author", "site", "lang", "color", "colour", "after", "before", "is", "has",
];

/// One token: a quoted phrase (unterminated: to the end), `field:"quoted value"` for a known
/// field, or a run of non-space characters (a quote after another word and a colon, as in
/// `said:"…"`, starts a phrase of its own).
fn read_token(chars: &[char], start: usize) -> (String, usize) {
    let mut i = start;
    if chars[i] == '"' {
        i += 1;
        while i < chars.len() && chars[i] != '"' {
            i += 1;
        }
        let end = (i + 1).min(chars.len());
        return (chars[start..end].iter().collect(), end);
    }
    while i < chars.len() && !chars[i].is_whitespace() {
        if chars[i] == '"' {
            let field: String = chars[start..i.saturating_sub(1)].iter().collect();
            let known =
                i > start && chars[i - 1] == ':' && FIELDS.contains(&field.to_lowercase().as_str());
            if !known {
                break;
            }
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += 1;
            }
        }
        i += 1;
    }
    let end = i.min(chars.len());
    (chars[start..end].iter().collect(), end)
}

fn filter(token: &str) -> Option<Filter> {
    let (field, value) = token.split_once(':')?;
    let value = value.trim_matches('"').trim();
    if value.is_empty() {
        return None;
    }
    Some(match field.to_lowercase().as_str() {
        "tag" => Filter::Tag(value.to_string()),
        "author" => Filter::Author(value.to_string()),
        "site" => Filter::Site(value.to_string()),
        "lang" => Filter::Lang(value.to_lowercase()),
        "color" | "colour" => Filter::Color(value.to_lowercase()),
        "after" => Filter::After(date(value, false)?),
        "before" => Filter::Before(date(value, false)?),
        "is" if value.eq_ignore_ascii_case("annotation")
            || value.eq_ignore_ascii_case("highlight") =>
        {
            Filter::IsAnnotation
        }
        "is" if value.eq_ignore_ascii_case("note") => Filter::IsNote,
        "has"
            if value.to_lowercase().starts_with("annotation")
                || value.to_lowercase().starts_with("highlight") =>
        {
            Filter::HasAnnotation
        }
        _ => return None,
    })
}

/// `2025-11-07`, `2025-11` (its first day) or `2025` (its first day).
fn date(value: &str, _end: bool) -> Option<NaiveDate> {
    let parts: Vec<&str> = value.split('-').collect();
    let num = |i: usize, default: u32| parts.get(i).map_or(Some(default), |p| p.parse().ok());
    let year: i32 = parts.first()?.parse().ok()?;
    if !(1000..=9999).contains(&year) || parts.len() > 3 {
        return None;
    }
    NaiveDate::from_ymd_opt(year, num(1, 1)?, num(2, 1)?)
}
