//! Citations: each note as a reference Zotero, Pandoc and LaTeX read. CSL-JSON 1.0.2
//! (`article-newspaper` when the note names its publication, else `webpage`), BibTeX
//! (`@article` / `@online`, with biblatex's `date` and `urldate` beside BibTeX's `year`), RIS
//! (`NEWS` / `ELEC`), and a formatted reference in the author-date style for the clipboard.

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate};
use serde_json::{Value, json};

use crate::model::Note;

/// A name as citations take it: a person's family and given names, or an organisation's
/// name whole ("Eunews", "Reuters Staff" stays literal when it is one word or not a name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Name {
    Person { family: String, given: String },
    Literal(String),
}

/// Lower-case words that belong to the family name ("Ursula von der Leyen").
const PARTICLES: &[&str] = &[
    "de", "da", "di", "del", "della", "dei", "van", "von", "der", "den", "la", "le", "du", "des",
    "ter", "ten", "bin", "al",
];

/// The people of a byline: "Jane Doe and John Roe", "Jane Doe, John Roe & Ann Poe",
/// "Giulia Rossi e Marco Bianchi"; an organisation (one word, or words without capitals) is
/// one literal name.
pub fn names(byline: &str) -> Vec<Name> {
    let mut parts = vec![byline.trim().to_string()];
    for separator in [";", ",", " & ", " and ", " e ", " y ", " und ", " et "] {
        parts = parts
            .iter()
            .flat_map(|p| p.split(separator).map(str::to_string).collect::<Vec<_>>())
            .collect();
    }
    parts
        .iter()
        .map(|p| p.split_whitespace().collect::<Vec<_>>())
        .filter(|words| !words.is_empty())
        .map(|words| {
            let capitalised = words
                .iter()
                .any(|w| w.chars().next().is_some_and(char::is_uppercase));
            let numbered = words.iter().any(|w| w.chars().any(|c| c.is_ascii_digit()));
            if words.len() < 2 || !capitalised || numbered {
                return Name::Literal(words.join(" "));
            }
            // The family name is the last word with the particles before it.
            let mut first_family = words.len() - 1;
            while first_family > 1
                && PARTICLES.contains(&words[first_family - 1].to_lowercase().as_str())
            {
                first_family -= 1;
            }
            Name::Person {
                family: words[first_family..].join(" "),
                given: words[..first_family].join(" "),
            }
        })
        .collect()
}

/// What a note is cited as.
#[derive(Debug, Clone)]
pub struct Reference<'a> {
    pub key: String,
    pub note: &'a Note,
    pub names: Vec<Name>,
    /// The day the note was clipped: when the page was read.
    pub accessed: NaiveDate,
}

impl<'a> Reference<'a> {
    fn is_newspaper(&self) -> bool {
        self.note.article.site.is_some()
    }
}

/// References for `notes`, with citation keys unique among them (`bortoletto2025trump`, then
/// `bortoletto2025trumpa`, `…b` for others with the same author, year and first word).
pub fn references(notes: &[Note]) -> Vec<Reference<'_>> {
    let mut used = HashSet::new();
    notes
        .iter()
        .map(|note| {
            let names = note
                .article
                .author
                .as_deref()
                .map(names)
                .unwrap_or_default();
            let base = key_base(note, &names);
            let mut key = base.clone();
            let mut suffix = 0u32;
            while !used.insert(key.clone()) {
                key = format!("{base}{}", letters(suffix));
                suffix += 1;
            }
            Reference {
                key,
                note,
                names,
                accessed: note.created.date_naive(),
            }
        })
        .collect()
}

/// a, b, …, z, aa, ab, …
fn letters(mut n: u32) -> String {
    let mut out = Vec::new();
    loop {
        out.push(char::from(b'a' + (n % 26) as u8));
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    out.iter().rev().collect()
}

/// ASCII letters and digits of `s`, lower case, accents dropped (`Ä` → `a`).
fn ascii_word(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfkd()
        .filter(char::is_ascii_alphanumeric)
        .flat_map(char::to_lowercase)
        .collect()
}

/// Words too common to name a work by.
const KEY_STOP_WORDS: &[&str] = &[
    "a", "an", "the", "of", "in", "on", "to", "for", "and", "il", "lo", "la", "i", "gli", "le",
    "un", "una", "uno", "di", "del", "della", "e", "ed", "per", "con", "da", "su", "l", "d",
];

fn key_base(note: &Note, names: &[Name]) -> String {
    let a = &note.article;
    let who = match names.first() {
        Some(Name::Person { family, .. }) => ascii_word(family),
        Some(Name::Literal(name)) => ascii_word(name.split_whitespace().next().unwrap_or_default()),
        None => a
            .site
            .as_deref()
            .map(|s| ascii_word(s.split_whitespace().next().unwrap_or_default()))
            .unwrap_or_default(),
    };
    let who = if who.is_empty() {
        "anon".to_string()
    } else {
        who
    };
    let year = a
        .published
        .map_or("nd".to_string(), |d| d.year().to_string());
    let word = a
        .title
        .split(|c: char| !c.is_alphanumeric())
        .map(ascii_word)
        .find(|w| !w.is_empty() && !KEY_STOP_WORDS.contains(&w.as_str()))
        .unwrap_or_default();
    format!("{who}{year}{word}")
}

fn date_parts(d: NaiveDate) -> Value {
    json!({ "date-parts": [[d.year(), d.month(), d.day()]] })
}

/// One CSL-JSON item.
pub fn csl_item(r: &Reference) -> Value {
    let a = &r.note.article;
    let mut item = serde_json::Map::new();
    item.insert("id".into(), json!(r.key));
    let kind = if r.is_newspaper() {
        "article-newspaper"
    } else {
        "webpage"
    };
    item.insert("type".into(), json!(kind));
    item.insert("title".into(), json!(a.title));
    if let Some(site) = &a.site {
        item.insert("container-title".into(), json!(site));
    }
    if !r.names.is_empty() {
        let names: Vec<Value> = r
            .names
            .iter()
            .map(|n| match n {
                Name::Person { family, given } => json!({ "family": family, "given": given }),
                Name::Literal(name) => json!({ "literal": name }),
            })
            .collect();
        item.insert("author".into(), Value::Array(names));
    }
    if let Some(d) = a.published {
        item.insert("issued".into(), date_parts(d));
    }
    item.insert("accessed".into(), date_parts(r.accessed));
    if let Some(url) = &a.url {
        item.insert("URL".into(), json!(url));
    }
    item.insert("language".into(), json!(a.language));
    if let Some(standfirst) = &a.standfirst {
        item.insert("abstract".into(), json!(standfirst));
    }
    if !a.tags.is_empty() {
        item.insert("keyword".into(), json!(a.tags.join(", ")));
    }
    Value::Object(item)
}

/// The CSL-JSON file: an array of items.
pub fn csl_json(refs: &[Reference]) -> String {
    let items: Vec<Value> = refs.iter().map(csl_item).collect();
    serde_json::to_string_pretty(&items).unwrap_or_default() + "\n"
}

/// A BibTeX field value, inside braces: TeX's special characters escaped, white space one
/// space (a blank line would end the field in some readers).
fn tex(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in word.chars() {
            match c {
                '\\' => out.push_str("\\textbackslash{}"),
                '{' | '}' | '%' | '&' | '$' | '#' | '_' => {
                    out.push('\\');
                    out.push(c);
                }
                '~' => out.push_str("\\textasciitilde{}"),
                '^' => out.push_str("\\textasciicircum{}"),
                _ => out.push(c),
            }
        }
    }
    out
}

/// An address in a BibTeX `url` field, which readers take verbatim: only what would unbalance
/// the braces or end the field is percent-encoded.
fn tex_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            '{' => out.push_str("%7B"),
            '}' => out.push_str("%7D"),
            '\\' => out.push_str("%5C"),
            c if c.is_whitespace() => out.push_str("%20"),
            c => out.push(c),
        }
    }
    out
}

fn bib_name(n: &Name) -> String {
    match n {
        // "and" inside a name would split it: braces keep an organisation whole.
        Name::Literal(name) => format!("{{{}}}", tex(name)),
        Name::Person { family, given } => format!("{}, {}", tex(family), tex(given)),
    }
}

/// One BibTeX entry.
pub fn bibtex_entry(r: &Reference) -> String {
    let a = &r.note.article;
    let kind = if r.is_newspaper() {
        "article"
    } else {
        "online"
    };
    let mut fields: Vec<(&str, String)> = vec![("title", tex(&a.title))];
    if !r.names.is_empty() {
        let names: Vec<String> = r.names.iter().map(bib_name).collect();
        fields.push(("author", names.join(" and ")));
    }
    if let Some(site) = &a.site {
        let field = if r.is_newspaper() {
            "journal"
        } else {
            "organization"
        };
        fields.push((field, tex(site)));
    }
    if let Some(d) = a.published {
        fields.push(("year", d.year().to_string()));
        fields.push(("month", d.month().to_string()));
        fields.push(("date", d.format("%Y-%m-%d").to_string()));
    }
    if let Some(url) = &a.url {
        fields.push(("url", tex_url(url)));
    }
    fields.push(("urldate", r.accessed.format("%Y-%m-%d").to_string()));
    fields.push(("langid", language_name(&a.language).to_string()));
    if !a.tags.is_empty() {
        fields.push(("keywords", tex(&a.tags.join(", "))));
    }
    if let Some(standfirst) = &a.standfirst {
        fields.push(("abstract", tex(standfirst)));
    }
    let mut out = format!("@{kind}{{{},\n", r.key);
    for (name, value) in fields {
        out.push_str(&format!("  {name} = {{{value}}},\n"));
    }
    out.push_str("}\n");
    out
}

fn language_name(code: &str) -> &str {
    match code {
        "en" => "english",
        "it" => "italian",
        other => other,
    }
}

pub fn bibtex(refs: &[Reference]) -> String {
    refs.iter().map(bibtex_entry).collect::<Vec<_>>().join("\n")
}

/// A RIS value: one line.
fn ris_value(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One RIS record.
pub fn ris_record(r: &Reference) -> String {
    let a = &r.note.article;
    let mut lines: Vec<(&str, String)> = vec![
        (
            "TY",
            if r.is_newspaper() { "NEWS" } else { "ELEC" }.to_string(),
        ),
        ("TI", ris_value(&a.title)),
    ];
    for n in &r.names {
        lines.push((
            "AU",
            match n {
                Name::Person { family, given } => {
                    format!("{}, {}", ris_value(family), ris_value(given))
                }
                Name::Literal(name) => ris_value(name),
            },
        ));
    }
    if let Some(site) = &a.site {
        lines.push(("T2", ris_value(site)));
    }
    if let Some(d) = a.published {
        lines.push(("PY", d.year().to_string()));
        lines.push(("DA", d.format("%Y/%m/%d").to_string()));
    }
    if let Some(url) = &a.url {
        lines.push(("UR", ris_value(url)));
    }
    lines.push(("Y2", r.accessed.format("%Y/%m/%d").to_string()));
    lines.push(("LA", a.language.clone()));
    for tag in &a.tags {
        lines.push(("KW", ris_value(tag)));
    }
    if let Some(standfirst) = &a.standfirst {
        lines.push(("AB", ris_value(standfirst)));
    }
    lines.push(("ID", r.key.clone()));
    let mut out = String::new();
    for (tag, value) in lines {
        out.push_str(&format!("{tag}  - {value}\n"));
    }
    out.push_str("ER  - \n");
    out
}

pub fn ris(refs: &[Reference]) -> String {
    refs.iter().map(ris_record).collect::<Vec<_>>().join("\n")
}

fn long_date(d: NaiveDate) -> String {
    d.format("%B %-d, %Y").to_string()
}

/// The reference formatted in the author-date style (Chicago's), as plain text:
/// `Bortoletto, Federico. 2025. “Title.” Eunews, November 3, 2025. https://…`
pub fn formatted(r: &Reference) -> String {
    let a = &r.note.article;
    let mut out = String::new();
    let shown: Vec<String> = r
        .names
        .iter()
        .enumerate()
        .map(|(i, n)| match n {
            Name::Literal(name) => name.clone(),
            Name::Person { family, given } if i == 0 => format!("{family}, {given}"),
            Name::Person { family, given } => format!("{given} {family}"),
        })
        .collect();
    let authors = match shown.len() {
        0 => None,
        1 => Some(shown[0].clone()),
        // The first name is inverted ("Rossi, Giulia"), so a comma marks where it ends.
        2 if matches!(r.names[0], Name::Person { .. }) => {
            Some(format!("{}, and {}", shown[0], shown[1]))
        }
        2 => Some(format!("{} and {}", shown[0], shown[1])),
        n => Some(format!(
            "{}, and {}",
            shown[..n - 1].join(", "),
            shown[n - 1]
        )),
    };
    let year = a
        .published
        .map_or("n.d.".to_string(), |d| d.year().to_string());
    let title = a.title.trim_end_matches('.');
    // "n.d." already ends its sentence.
    let year = if year.ends_with('.') {
        year
    } else {
        year + "."
    };
    match authors {
        Some(authors) => {
            out.push_str(authors.trim_end_matches('.'));
            out.push_str(&format!(". {year} “{title}.”"));
        }
        None => out.push_str(&format!("“{title}.” {year}")),
    }
    let mut place = Vec::new();
    if let Some(site) = &a.site {
        place.push(site.clone());
    }
    if let Some(d) = a.published {
        place.push(long_date(d));
    }
    if !place.is_empty() {
        out.push_str(&format!(" {}.", place.join(", ")));
    }
    if a.published.is_none() {
        out.push_str(&format!(" Accessed {}.", long_date(r.accessed)));
    }
    if let Some(url) = &a.url {
        out.push_str(&format!(" {url}."));
    }
    out
}
