//! What a page says about itself, when the HTML carries it: `<title>`, OpenGraph and
//! `article:*` meta tags, and schema.org JSON-LD (`NewsArticle` and its kin). A saved page
//! (`lode import`) has them; a copied selection usually does not.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;
use serde_json::Value;

use super::html::decoded;

/// The page's own statements about the article; each field is the first one found.
#[derive(Debug, Default)]
pub struct Meta {
    /// The headline the page declares (JSON-LD `headline`, `og:title`).
    pub title: Option<String>,
    /// The window's `<title>`, which often ends with the site's name.
    pub page_title: Option<String>,
    pub author: Option<String>,
    pub published: Option<NaiveDate>,
    pub site: Option<String>,
    pub sections: Vec<String>,
    pub tags: Vec<String>,
    /// The address the page names as its own (`<link rel="canonical">`, `og:url`).
    pub canonical: Option<String>,
}

static TITLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?is)<title[^>]*>(.*?)</title").expect("valid regex"));
static META_TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)<meta\s[^>]*>").expect("valid regex"));
static CANONICAL_LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)<link\s[^>]*rel\s*=\s*["']?canonical["'\s>][^>]*>"#).expect("valid regex")
});
static HREF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')"#).expect("valid regex")
});
static ATTRIBUTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)(property|name|itemprop|content)\s*=\s*(?:"([^"]*)"|'([^']*)')"#)
        .expect("valid regex")
});
static JSON_LD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?is)<script[^>]*ld\+json[^>]*>(.*?)</script").expect("valid regex")
});
/// `2025-11-07`, `2025-11-07T09:30`, and the `2025/11/07` of `citation_*` tags.
static ISO_DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})").expect("valid regex"));

/// JSON-LD larger than this is not an article's description; it is not parsed.
const MAX_JSON_LD: usize = 1 << 20;

impl Meta {
    /// The `<head>`'s `<title>`, `<meta>` tags and JSON-LD.
    pub fn read_head(&mut self, head: &str) {
        if let Some(c) = TITLE.captures(head) {
            set(&mut self.page_title, &c[1]);
        }
        for tag in META_TAG.find_iter(head) {
            self.read_meta_tag(tag.as_str());
        }
        // The `<link>` beats `og:url`, which some sites leave at their home page.
        if let Some(href) = (CANONICAL_LINK.find(head))
            .and_then(|link| HREF.captures(link.as_str()))
            .and_then(|c| c.get(1).or(c.get(2)))
            .and_then(|href| crate::clip::source_url(&decoded(href.as_str())))
        {
            self.canonical = Some(href);
        }
        for c in JSON_LD.captures_iter(head) {
            self.read_json_ld(&c[1]);
        }
    }

    /// One `<meta property|name|itemprop="…" content="…">` tag.
    pub fn read_meta_tag(&mut self, tag: &str) {
        let (mut key, mut content) = (None, None);
        for c in ATTRIBUTE.captures_iter(tag) {
            let value = c.get(2).or(c.get(3)).map_or("", |m| m.as_str());
            if c[1].eq_ignore_ascii_case("content") {
                content = Some(value);
            } else {
                key = Some(value.to_ascii_lowercase());
            }
        }
        let (Some(key), Some(content)) = (key, content) else {
            return;
        };
        match key.as_str() {
            "og:title" | "twitter:title" | "citation_title" | "dc.title" | "dcterms.title" => {
                set(&mut self.title, content)
            }
            // Some pages put the author's profile address there: not a name.
            "author" | "article:author" | "byl" | "parsely-author" | "sailthru.author"
            | "citation_author" | "dc.creator" | "dcterms.creator"
                if !content.contains("://") =>
            {
                let names = content.trim_start();
                set(&mut self.author, names.strip_prefix("By ").unwrap_or(names))
            }
            "article:published_time"
            | "og:article:published_time"
            | "datepublished"
            | "date"
            | "pubdate"
            | "publish-date"
            | "publish_date"
            | "publication_date"
            | "parsely-pub-date"
            | "sailthru.date"
            | "citation_publication_date"
            | "citation_date"
            | "citation_online_date"
            | "dc.date"
            | "dc.date.issued"
            | "dcterms.date"
            | "dcterms.issued"
            | "dcterms.created" => {
                self.published = self.published.or_else(|| iso_date(content));
            }
            "og:site_name" => set(&mut self.site, content),
            "og:url" if self.canonical.is_none() => {
                self.canonical = crate::clip::source_url(&decoded(content));
            }
            "article:section" => push(&mut self.sections, content),
            "article:tag" | "news_keywords" => {
                for tag in content.split(',') {
                    push(&mut self.tags, tag);
                }
            }
            _ => {}
        }
    }

    /// A `<script type="application/ld+json">`: the first article it describes.
    pub fn read_json_ld(&mut self, json: &str) {
        if json.len() > MAX_JSON_LD {
            return;
        }
        let Ok(value) = serde_json::from_str::<Value>(json) else {
            return;
        };
        let Some(article) = articles(&value).next() else {
            return;
        };
        if let Some(headline) = article.get("headline").and_then(Value::as_str) {
            set(&mut self.title, headline);
        }
        if let Some(date) = article.get("datePublished").and_then(Value::as_str) {
            self.published = self.published.or_else(|| iso_date(date));
        }
        let authors: Vec<String> = names(article.get("author")).collect();
        if !authors.is_empty() {
            set(&mut self.author, &authors.join(", "));
        }
        if let Some(site) = article.get("publisher").and_then(|p| names(Some(p)).next()) {
            set(&mut self.site, &site);
        }
        for section in strings(article.get("articleSection")) {
            push(&mut self.sections, &section);
        }
        for keywords in strings(article.get("keywords")) {
            for tag in keywords.split(',') {
                push(&mut self.tags, tag);
            }
        }
    }
}

/// The objects of a JSON-LD document (top level, in an array or in `@graph`) whose type is an
/// article: `NewsArticle`, `Article`, `BlogPosting`, `Report`…
fn articles(value: &Value) -> Box<dyn Iterator<Item = &Value> + '_> {
    match value {
        Value::Array(items) => Box::new(items.iter().flat_map(articles)),
        Value::Object(object) => {
            let typed = |t: &str| t.ends_with("Article") || t == "BlogPosting" || t == "Report";
            let is_article = match object.get("@type") {
                Some(Value::String(t)) => typed(t),
                Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).any(typed),
                _ => false,
            };
            let graph = object.get("@graph").map(articles);
            Box::new(
                is_article
                    .then_some(value)
                    .into_iter()
                    .chain(graph.into_iter().flatten()),
            )
        }
        _ => Box::new(std::iter::empty()),
    }
}

/// Names in a JSON-LD person or organisation field: a string, `{"name": …}`, or a list.
fn names(value: Option<&Value>) -> Box<dyn Iterator<Item = String> + '_> {
    match value {
        Some(Value::String(name)) => Box::new(std::iter::once(name.clone())),
        Some(Value::Object(o)) => Box::new(names(o.get("name"))),
        Some(Value::Array(items)) => Box::new(items.iter().flat_map(|i| names(Some(i)))),
        _ => Box::new(std::iter::empty()),
    }
}

/// A string or a list of strings.
fn strings(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

/// The date of an ISO 8601 date or timestamp ("2025-11-07T09:30:00+01:00").
fn iso_date(text: &str) -> Option<NaiveDate> {
    let c = ISO_DATE.captures(text.trim())?;
    NaiveDate::from_ymd_opt(c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?)
}

/// Fills `field` with `raw` (entities decoded, white space collapsed) unless it has a value.
fn set(field: &mut Option<String>, raw: &str) {
    if field.is_none() {
        let text = decoded(raw);
        if !text.is_empty() {
            *field = Some(text);
        }
    }
}

fn push(list: &mut Vec<String>, raw: &str) {
    let text = decoded(raw);
    if !text.is_empty() && !list.contains(&text) {
        list.push(text);
    }
}
