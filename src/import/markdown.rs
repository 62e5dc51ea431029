//! Markdown notes: Lode's own export and Obsidian's (YAML front matter, a `# Title`, the text,
//! and, in Lode's export, a closing `## Highlights` section).
//!
//! The front matter these tools write is a flat map of scalars and lists (`key: "value"`,
//! `key: [a, b]`, or `key:` followed by `- item` lines); that subset is read here, in one
//! bounded pass. A full YAML loader would accept aliases, whose expansion grows exponentially
//! with the input, to read what no note carries.

use chrono::{DateTime, NaiveDate, Utc};

use crate::clip::{self, Article};
use crate::error::{Error, Result};

/// Front matter past this many bytes is not front matter (it is read as text).
const MAX_FRONT_MATTER: usize = 64 * 1024;

pub use super::Highlight;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkdownNote {
    pub article: Article,
    /// When the note was first saved, if the file says so (`created:`).
    pub created: Option<DateTime<Utc>>,
    pub highlights: Vec<Highlight>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Value {
    Scalar(String),
    List(Vec<String>),
}

impl Value {
    fn text(&self) -> Option<String> {
        match self {
            Value::Scalar(s) => Some(s.clone()),
            Value::List(items) => items.first().cloned(),
        }
        .map(|s| clip::canonical_text(&s).trim().to_string())
        .filter(|s| !s.is_empty())
    }

    fn list(&self) -> Vec<String> {
        match self {
            Value::Scalar(s) => s.split(',').map(str::to_string).collect(),
            Value::List(items) => items.clone(),
        }
        .into_iter()
        .map(|s| clip::canonical_text(s.trim()).trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
    }
}

/// Reads a Markdown note. Without front matter, the first line is the title.
pub fn read(text: &str) -> Result<MarkdownNote> {
    let text = clip::canonical_text(text);
    let (fields, rest) = match front_matter(&text) {
        Some((fields, rest)) => (fields, rest),
        None => (Vec::new(), text.as_str()),
    };
    let field = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| fields.iter().find(|(k, _)| k.eq_ignore_ascii_case(n)))
            .map(|(_, v)| v)
    };
    let (rest, mut highlights) = highlights(rest);
    let mut lines = rest.lines().skip_while(|l| l.trim().is_empty()).peekable();
    let declared_title = field(&["title"]).and_then(Value::text);
    let title = match &declared_title {
        Some(title) => {
            // Lode's export repeats the title as the first heading.
            if lines
                .peek()
                .is_some_and(|l| unescape(l.trim_start_matches('#').trim()) == *title)
            {
                lines.next();
            }
            title.clone()
        }
        None => unescape(
            lines
                .next()
                .unwrap_or_default()
                .trim_start_matches('#')
                .trim(),
        ),
    };
    let (text, marked) = marks(&unescape(&lines.collect::<Vec<_>>().join("\n")));
    let body = clip::canonical_body(&text);
    highlights.extend(marked.into_iter().map(|quote| Highlight {
        quote,
        ..Highlight::default()
    }));
    if body.is_empty() && title.is_empty() {
        return Err(Error::EmptyClip);
    }
    let author = field(&["author", "authors"]).map(|v| {
        v.list()
            .into_iter()
            .map(|a| unwiki(&a))
            .collect::<Vec<_>>()
            .join(", ")
    });
    let published = field(&["published", "date"])
        .and_then(Value::text)
        .and_then(|d| d.get(..10).and_then(|d| d.parse::<NaiveDate>().ok()));
    let created = field(&["created"])
        .and_then(Value::text)
        .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
        .map(|t| t.with_timezone(&Utc));
    let url = field(&["source", "url"])
        .and_then(Value::text)
        .filter(|u| u.starts_with("http://") || u.starts_with("https://"));
    let language = field(&["language", "lang"])
        .and_then(Value::text)
        .filter(|l| l == "en" || l == "it")
        .unwrap_or_else(|| clip::detect_language(&body, &title).to_string());
    let labels = |names: &[&str]| {
        field(names)
            .map(|v| {
                v.list()
                    .into_iter()
                    .map(|t| t.trim_start_matches('#').to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    let article = Article {
        title,
        standfirst: field(&["description", "standfirst"]).and_then(Value::text),
        author: author.filter(|a| !a.is_empty()),
        published,
        sections: labels(&["sections"]),
        tags: labels(&["tags"]),
        site: field(&["site"]).and_then(Value::text),
        url,
        language,
        body,
    };
    Ok(MarkdownNote {
        article: clip::bounded_article(article),
        created,
        highlights,
    })
}

/// Obsidian's `==highlighted==` passages: the text without the marks, and each passage.
fn marks(text: &str) -> (String, Vec<String>) {
    static MARK: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"==(\S(?:[^\n=]*?\S)?)==").expect("a valid pattern")
    });
    let found = MARK.captures_iter(text).map(|c| c[1].to_string()).collect();
    (MARK.replace_all(text, "$1").into_owned(), found)
}

/// `[[Jane Doe]]` (Obsidian's link to a person's note) as `Jane Doe`.
fn unwiki(s: &str) -> String {
    s.trim()
        .trim_start_matches("[[")
        .trim_end_matches("]]")
        .trim()
        .to_string()
}

/// The front matter's fields and the text after it, when `text` opens with `---`.
fn front_matter(text: &str) -> Option<(Vec<(String, Value)>, &str)> {
    let rest = text.strip_prefix("---\n")?;
    let mut fields: Vec<(String, Value)> = Vec::new();
    let mut at = 0;
    for line in rest.split_inclusive('\n') {
        at += line.len();
        if at > MAX_FRONT_MATTER {
            return None;
        }
        let line = line.trim_end_matches('\n');
        if line == "---" || line == "..." {
            return Some((fields, &rest[at..]));
        }
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let indented = line.starts_with([' ', '\t']);
        if let Some(item) = line.trim_start().strip_prefix('-')
            && (indented || item.starts_with(' ') || item.is_empty())
            && let Some((_, value)) = fields.last_mut()
        {
            let item = unquote(item.trim());
            match value {
                Value::List(items) => items.push(item),
                Value::Scalar(s) if s.is_empty() => *value = Value::List(vec![item]),
                Value::Scalar(_) => {}
            }
            continue;
        }
        if indented {
            continue; // a nested map: not something a note's properties use
        }
        let (key, value) = line.split_once(':')?;
        let value = value.trim();
        let value = match value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
            Some(items) => Value::List(
                split_flow(items)
                    .into_iter()
                    .map(|i| unquote(i.trim()))
                    .filter(|i| !i.is_empty())
                    .collect(),
            ),
            None => Value::Scalar(unquote(value)),
        };
        fields.push((key.trim().to_string(), value));
    }
    None
}

/// `a, "b, c", 'd'` -> its items (commas inside quotes are not separators).
fn split_flow(s: &str) -> Vec<&str> {
    let (mut items, mut from, mut quote, mut escaped) = (Vec::new(), 0, None, false);
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some('"'), '\\') if !escaped => {
                escaped = true;
                continue;
            }
            (Some(q), c) if c == q && !escaped => quote = None,
            (None, '"' | '\'') => quote = Some(c),
            (None, ',') => {
                items.push(&s[from..i]);
                from = i + 1;
            }
            _ => {}
        }
        escaped = false;
    }
    items.push(&s[from..]);
    items
}

/// A YAML scalar's value: double-quoted (JSON's escapes, which Lode writes), single-quoted
/// (`''` is a quote), or plain (up to a ` #` comment).
fn unquote(s: &str) -> String {
    if s.len() >= 2 && s.starts_with('"') && s.ends_with('"') {
        return serde_json::from_str::<String>(s).unwrap_or_else(|_| s[1..s.len() - 1].into());
    }
    if s.len() >= 2 && s.starts_with('\'') && s.ends_with('\'') {
        return s[1..s.len() - 1].replace("''", "'");
    }
    s.split(" #").next().unwrap_or_default().trim().to_string()
}

/// Markdown's backslash escapes that Lode's export writes ([`escape`]) undone.
pub fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\'
            && let Some(&next) = chars.peek()
            && (ESCAPED.contains(&next) || AT_LINE_START.contains(&next))
        {
            out.push(next);
            chars.next();
            continue;
        }
        out.push(c);
    }
    out
}

/// What [`escape`] protects: a backslash itself, and the characters that open raw HTML
/// (`<`, `&`) or a link (`[`), so a clipped page's text is shown as text by any Markdown
/// viewer (Obsidian renders raw HTML and `javascript:` links).
const ESCAPED: [char; 4] = ['\\', '<', '&', '['];
/// Escaped where a line starts, where they would make a quote or an emphasis that the
/// highlights section uses as its marks.
const AT_LINE_START: [char; 2] = ['>', '*'];

/// Text as Markdown that shows it literally (see [`ESCAPED`]).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 16);
    let mut line_start = true;
    for c in s.chars() {
        if ESCAPED.contains(&c) || (line_start && AT_LINE_START.contains(&c)) {
            out.push('\\');
        }
        out.push(c);
        line_start = c == '\n';
    }
    out
}

/// Splits off a closing `## Highlights` section when every block of it is a highlight as
/// Lode's export writes them (otherwise it is part of the text).
fn highlights(text: &str) -> (&str, Vec<Highlight>) {
    let Some(at) = text.rfind("\n## Highlights\n") else {
        return (text, Vec::new());
    };
    let section = &text[at + "\n## Highlights\n".len()..];
    let mut found = Vec::new();
    let mut quote: Vec<&str> = Vec::new();
    let mut comment: Vec<&str> = Vec::new();
    let mut in_quote = false;
    for line in section.lines() {
        if let Some(q) = line.strip_prefix('>') {
            if !in_quote && !quote.is_empty() {
                return (text, Vec::new()); // a quote without its closing line
            }
            in_quote = true;
            quote.push(q.strip_prefix(' ').unwrap_or(q));
            continue;
        }
        in_quote = false;
        if let Some(meta) = line
            .strip_prefix("*colour: ")
            .and_then(|m| m.strip_suffix('*'))
        {
            if quote.is_empty() {
                return (text, Vec::new());
            }
            let (colour, tags) = match meta.split_once(" · tags: ") {
                Some((colour, tags)) => (colour, tags),
                None => (meta, ""),
            };
            // `colour: evidence (green)` when the colour has a name, else `colour: green`.
            let colour = colour
                .rsplit_once(" (")
                .and_then(|(_, c)| c.strip_suffix(')'))
                .unwrap_or(colour);
            let comment_text = comment.join("\n").trim().to_string();
            found.push(Highlight {
                quote: unescape(&quote.join("\n")),
                comment: (!comment_text.is_empty()).then(|| unescape(&comment_text)),
                color: colour.parse().unwrap_or_default(),
                tags: tags
                    .split_whitespace()
                    .filter_map(|t| t.strip_prefix('#'))
                    .map(str::to_string)
                    .collect(),
                ..Highlight::default()
            });
            quote.clear();
            comment.clear();
        } else if !quote.is_empty() {
            comment.push(line);
        } else if !line.trim().is_empty() {
            return (text, Vec::new());
        }
    }
    if !quote.is_empty() || found.is_empty() {
        return (text, Vec::new());
    }
    (&text[..at], found)
}
