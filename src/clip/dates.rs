//! Dates as news pages print them, in English and Italian.

use std::borrow::Cow;
use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

const MONTHS: [(&str, u32); 24] = [
    ("january", 1),
    ("february", 2),
    ("march", 3),
    ("april", 4),
    ("may", 5),
    ("june", 6),
    ("july", 7),
    ("august", 8),
    ("september", 9),
    ("october", 10),
    ("november", 11),
    ("december", 12),
    ("gennaio", 1),
    ("febbraio", 2),
    ("marzo", 3),
    ("aprile", 4),
    ("maggio", 5),
    ("giugno", 6),
    ("luglio", 7),
    ("agosto", 8),
    ("settembre", 9),
    ("ottobre", 10),
    ("novembre", 11),
    ("dicembre", 12),
];

fn month(name: &str) -> Option<u32> {
    let name = name.trim_end_matches('.').to_lowercase();
    if name.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .find(|(m, _)| m.starts_with(&name))
        .map(|(_, n)| *n)
}

static DAY_MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]{3,9}\.?),?\s+(?:(\d{4})|((?:19|20)\d\d)\d{1,3})(?-u:\b)")
        .expect("valid regex")
});
static MONTH_DAY_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)([a-z]{3,9}\.?)\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(?:(\d{4})|((?:19|20)\d\d)\d{1,3})(?-u:\b)")
        .expect("valid regex")
});
static ISO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(\d{4})-(\d{2})-(\d{2})(?:T|(?-u:\b))").expect("valid regex")
});
/// A numeric date: day and month either way round, then the year, each separated by the same
/// `/`, `.` or `-` (`30.10.2025`, `10-30-2025`); the year may be written with two digits
/// after slashes (`01/25/26`, as some American publishers print it).
static NUMERIC_DMY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(\d{1,2})(?:/(\d{1,2})/(\d{4}|\d{2})|\.(\d{1,2})\.(\d{4})|-(\d{1,2})-(\d{4}))(?-u:\b)")
        .expect("valid regex")
});

/// A numeric date's first and second numbers and its year (two-digit years in this century).
fn numeric_parts(c: &regex::Captures<'_>) -> Option<(u32, u32, i32)> {
    let (second, year) = [(2, 3), (4, 5), (6, 7)]
        .iter()
        .find_map(|&(m, y)| Some((c.get(m)?, c.get(y)?)))?;
    let year: i32 = year.as_str().parse().ok()?;
    let year = if year < 100 { 2000 + year } else { year };
    Some((c[1].parse().ok()?, second.as_str().parse().ok()?, year))
}

/// `line` with a space where a copy glued a label, a name or a count to a date ("date12 Nov
/// 2025", "Jane DoeFebruary 3, 2026Comment"): between a letter and a digit, a lower-case and
/// an upper-case letter, a digit and a capitalised word ("2nd" and "26TH" stay whole).
fn unglued(line: &str) -> Cow<'_, str> {
    let glued = |a: char, b: char, c: Option<char>| {
        (a.is_alphabetic() && b.is_ascii_digit())
            || (a.is_lowercase() && b.is_uppercase())
            || (a.is_ascii_digit() && b.is_uppercase() && c.is_some_and(char::is_lowercase))
    };
    let triples = || {
        let mut next = line.chars().skip(1);
        let mut after = line.chars().skip(2);
        line.chars().map(move |a| (a, next.next(), after.next()))
    };
    if !triples().any(|(a, b, c)| b.is_some_and(|b| glued(a, b, c))) {
        return Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len() + 8);
    for (a, b, c) in triples() {
        out.push(a);
        if b.is_some_and(|b| glued(a, b, c)) {
            out.push(' ');
        }
    }
    Cow::Owned(out)
}

/// The first date written in `line`, if any; numeric dates read day first (see
/// [`find_ordered`]).
pub fn find(line: &str) -> Option<NaiveDate> {
    find_ordered(line, false)
}

/// Whether a page writes its numeric dates month first: one of them cannot be read day first
/// (`12/19/2025`), and none cannot be read month first (`19/12/2025`).
pub fn month_first<'a>(lines: impl IntoIterator<Item = &'a str>) -> bool {
    let (mut month_first, mut day_first) = (false, false);
    for line in lines {
        if !line.bytes().any(|b| b.is_ascii_digit()) {
            continue;
        }
        for c in NUMERIC_DMY.captures_iter(line) {
            let Some((a, b, _)) = numeric_parts(&c) else {
                continue;
            };
            month_first |= (1..=12).contains(&a) && (13..=31).contains(&b);
            day_first |= (13..=31).contains(&a) && (1..=12).contains(&b);
        }
    }
    month_first && !day_first
}

/// The first date written in `line`, if any; a numeric date that reads both ways (`8/1/2025`)
/// month first when `month_first`, else day first.
pub fn find_ordered(line: &str, month_first: bool) -> Option<NaiveDate> {
    // Every date has a year: most lines have no digit and need no search.
    if !line.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let line = unglued(line);
    let line = line.as_ref();
    let ymd =
        |y: &str, m: u32, d: &str| NaiveDate::from_ymd_opt(y.parse().ok()?, m, d.parse().ok()?);
    // The year, or the year a copy glued a count to ("April 10, 20175 Tips": 2017).
    let year =
        |c: &regex::Captures<'_>| c.get(3).or_else(|| c.get(4)).map(|y| y.as_str().to_owned());
    if let Some(c) = DAY_MONTH_YEAR.captures(line)
        && let Some(date) = month(&c[2]).and_then(|m| ymd(&year(&c)?, m, &c[1]))
    {
        return Some(date);
    }
    if let Some(c) = MONTH_DAY_YEAR.captures(line)
        && let Some(date) = month(&c[1]).and_then(|m| ymd(&year(&c)?, m, &c[2]))
    {
        return Some(date);
    }
    if let Some(c) = ISO.captures(line) {
        return ymd(&c[1], c[2].parse().ok()?, &c[3]);
    }
    // Day first, as most of the world writes it, unless the page writes month first; the
    // other way when the day cannot be a month (12/19/2025).
    let c = NUMERIC_DMY.captures(line)?;
    // A two-digit year only on a line that is a label and the date ("Published on 01/25/26"):
    // in a sentence, `12/16/25` may be a count or a score.
    if c.get(3).is_some_and(|y| y.len() == 2) && line.split_whitespace().count() > 4 {
        return None;
    }
    let (first, second, year) = numeric_parts(&c)?;
    let day_then_month = || NaiveDate::from_ymd_opt(year, second, first);
    let month_then_day = || NaiveDate::from_ymd_opt(year, first, second);
    if month_first {
        month_then_day().or_else(day_then_month)
    } else {
        day_then_month().or_else(month_then_day)
    }
}

/// The date an address's path carries (`/2024/09/16/slug`, `/blog/2016/3/24/slug`): a
/// year, a month and a day, each a segment of its own.
pub fn in_address(address: &str) -> Option<NaiveDate> {
    let rest = address.split_once("://").map_or(address, |(_, rest)| rest);
    let path = rest.split(['?', '#']).next()?;
    let number = |s: &str, digits: std::ops::RangeInclusive<usize>| {
        (digits.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    segments.windows(3).find_map(|w| {
        let year = number(w[0], 4..=4).filter(|y| (1990..=2100).contains(y))?;
        NaiveDate::from_ymd_opt(year as i32, number(w[1], 1..=2)?, number(w[2], 1..=2)?)
    })
}

/// A line that is only a date (with perhaps a weekday, a time or a label like "Published").
pub fn is_date_line(line: &str) -> bool {
    let Some(_) = find(line) else { return false };
    line.split_whitespace().count() <= 8 && !line.trim_end().ends_with(['.', '?', '!'])
}
