//! Citations out: the library as CSL-JSON, BibTeX and RIS files, read back by a BibTeX parser
//! and checked against CSL-JSON 1.0.2's shapes; one note as a formatted reference.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use lode::{Clip, ExportFormat, MetadataEdit, NoteId};
use serde::Deserialize;

use crate::common::{TestLibrary, article};

/// A note clipped from `url` (when given), then given exactly this title, author and date.
fn note(
    t: &TestLibrary,
    url: Option<&str>,
    title: &str,
    author: Option<&str>,
    published: Option<(i32, u32, u32)>,
) -> NoteId {
    let paragraph = if title.starts_with("Città") {
        "Il rapporto segue i negoziati dell'autunno, con i dati che i ministeri hanno pubblicato \
         e quello che le aziende hanno detto dei loro piani per il prossimo anno."
            .to_string()
    } else {
        format!(
            "This report on {title} follows the talks through the autumn, with the figures the \
             ministries published and what the companies said about their plans for next year."
        )
    };
    let text = article(title, &[&paragraph]);
    let id = t
        .lib
        .clip(&Clip {
            text: Some(text),
            url: url.map(str::to_string),
            ..Clip::default()
        })
        .unwrap()
        .id;
    t.lib
        .update_metadata(
            id,
            &MetadataEdit {
                title: title.to_string(),
                author: author.map(str::to_string),
                published: published.and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d)),
            },
        )
        .unwrap();
    id
}

/// A library whose notes exercise what citations must get right: two people, an
/// organisation, a particle, accents, TeX's special characters, no date, no site, and two
/// notes that would take the same key.
fn library() -> TestLibrary {
    let t = TestLibrary::new();
    let first = note(
        &t,
        Some("https://www.eunews.it/en/2025/11/03/trump-rare-earths/"),
        "Trump and the rare earths of Central Asia",
        Some("Federico Bortoletto"),
        Some((2025, 11, 3)),
    );
    t.lib
        .tag(first, &["geo/central-asia", "rare earths"])
        .unwrap();
    note(
        &t,
        Some("https://www.eunews.it/en/2025/11/20/trump-again/"),
        "Trump again: the second round of talks",
        Some("Federico Bortoletto"),
        Some((2025, 11, 20)),
    );
    note(
        &t,
        Some("https://example.org/news/lithium"),
        "Lithium & cobalt: 50% more {exports} at $4 a #kilo_gram",
        Some("Giulia Rossi and Ursula von der Leyen"),
        Some((2024, 2, 29)),
    );
    note(
        &t,
        None,
        "Città, terre rare e l'Europa",
        Some("Redazione"),
        None,
    );
    note(&t, None, "A page without a byline", None, None);
    t
}

/// CSL-JSON 1.0.2 as these files use it: every key one the schema defines for an item, with
/// the value type it gives (unknown keys fail).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct CslItem {
    id: String,
    #[serde(rename = "type")]
    kind: CslType,
    title: String,
    #[serde(rename = "container-title")]
    container_title: Option<String>,
    author: Option<Vec<CslName>>,
    issued: Option<CslDate>,
    accessed: Option<CslDate>,
    #[serde(rename = "URL")]
    url: Option<String>,
    language: Option<String>,
    #[serde(rename = "abstract")]
    abstract_: Option<String>,
    keyword: Option<String>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case")]
enum CslType {
    ArticleNewspaper,
    Webpage,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, untagged)]
enum CslName {
    Person { family: String, given: String },
    Literal { literal: String },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CslDate {
    #[serde(rename = "date-parts")]
    date_parts: Vec<Vec<i64>>,
}

impl CslDate {
    fn ymd(&self) -> (i64, i64, i64) {
        let p = &self.date_parts[0];
        assert_eq!(self.date_parts.len(), 1, "one date, not a range");
        assert!((1..=3).contains(&p.len()));
        (
            p[0],
            p.get(1).copied().unwrap_or(0),
            p.get(2).copied().unwrap_or(0),
        )
    }
}

fn export(t: &TestLibrary, format: ExportFormat) -> (std::path::PathBuf, String) {
    let dir = t.dir.path().join("out");
    let report = t.lib.export(format, &dir).unwrap();
    assert_eq!(report.notes, 5);
    assert_eq!(report.files.len(), 1, "one file for the library");
    let path = report.files[0].clone();
    let content = std::fs::read_to_string(&path).unwrap();
    (path, content)
}

#[test]
fn csl_json_holds_every_note_in_the_schemas_shapes() {
    let t = library();
    let (path, content) = export(&t, ExportFormat::CslJson);
    assert!(path.ends_with("library.json"));
    let items: Vec<CslItem> = serde_json::from_str(&content).expect("CSL-JSON 1.0.2 items");
    assert_eq!(items.len(), 5);
    let by_title: BTreeMap<&str, &CslItem> = items.iter().map(|i| (i.title.as_str(), i)).collect();

    let first = by_title["Trump and the rare earths of Central Asia"];
    assert_eq!(first.id, "bortoletto2025trump");
    assert_eq!(
        first.kind,
        CslType::ArticleNewspaper,
        "a publication is known"
    );
    assert_eq!(first.container_title.as_deref(), Some("Eunews"));
    assert_eq!(
        first.author.as_deref(),
        Some(
            &[CslName::Person {
                family: "Bortoletto".into(),
                given: "Federico".into()
            }][..]
        )
    );
    assert_eq!(first.issued.as_ref().unwrap().ymd(), (2025, 11, 3));
    assert_eq!(
        first.accessed.as_ref().unwrap().ymd(),
        (2026, 1, 15),
        "the day it was clipped"
    );
    assert_eq!(
        first.url.as_deref(),
        Some("https://www.eunews.it/en/2025/11/03/trump-rare-earths/")
    );
    assert_eq!(first.language.as_deref(), Some("en"));
    assert_eq!(
        first.keyword.as_deref(),
        Some("geo/central-asia, rare earths")
    );

    let second = by_title["Trump again: the second round of talks"];
    assert_eq!(second.id, "bortoletto2025trumpa", "keys are unique");

    let two = by_title["Lithium & cobalt: 50% more {exports} at $4 a #kilo_gram"];
    assert_eq!(
        two.author.as_deref(),
        Some(
            &[
                CslName::Person {
                    family: "Rossi".into(),
                    given: "Giulia".into()
                },
                CslName::Person {
                    family: "von der Leyen".into(),
                    given: "Ursula".into()
                },
            ][..]
        )
    );
    assert_eq!(two.id, "rossi2024lithium");

    let italian = by_title["Città, terre rare e l'Europa"];
    assert_eq!(italian.kind, CslType::Webpage, "no publication: a web page");
    assert_eq!(
        italian.author.as_deref(),
        Some(
            &[CslName::Literal {
                literal: "Redazione".into()
            }][..]
        )
    );
    assert!(italian.issued.is_none());
    assert_eq!(
        italian.id, "redazionendcitta",
        "accents folded, no date: nd"
    );
    assert_eq!(italian.language.as_deref(), Some("it"));

    let anonymous = by_title["A page without a byline"];
    assert!(anonymous.author.is_none());
    assert_eq!(anonymous.id, "anonndpage");
}

#[test]
fn bibtex_reads_back_with_its_special_characters_and_names() {
    let t = library();
    let (path, content) = export(&t, ExportFormat::Bibtex);
    assert!(path.ends_with("library.bib"));
    let bib = biblatex::Bibliography::parse(&content).expect("a BibTeX parser reads the file");
    assert_eq!(bib.len(), 5);

    let first = bib.get("bortoletto2025trump").expect("the key");
    assert_eq!(first.entry_type, biblatex::EntryType::Article);
    let authors = first.author().unwrap();
    assert_eq!(authors.len(), 1);
    assert_eq!(
        (authors[0].name.as_str(), authors[0].given_name.as_str()),
        ("Bortoletto", "Federico")
    );
    assert_eq!(
        first.url().unwrap(),
        "https://www.eunews.it/en/2025/11/03/trump-rare-earths/"
    );
    let field = |entry: &biblatex::Entry, name: &str| {
        entry
            .get(name)
            .map(biblatex::ChunksExt::format_verbatim)
            .unwrap_or_default()
    };
    assert_eq!(field(first, "journal"), "Eunews");
    assert_eq!(field(first, "date"), "2025-11-03");
    assert_eq!(field(first, "year"), "2025");
    assert_eq!(field(first, "urldate"), "2026-01-15");
    assert!(bib.get("bortoletto2025trumpa").is_some(), "keys are unique");

    let special = bib.get("rossi2024lithium").unwrap();
    assert_eq!(
        field(special, "title"),
        "Lithium & cobalt: 50% more {exports} at $4 a #kilo_gram",
        "every special character escaped and read back as written"
    );
    let authors = special.author().unwrap();
    assert_eq!(authors.len(), 2, "two people, split at `and`");
    assert_eq!(
        (authors[1].prefix.as_str(), authors[1].name.as_str()),
        ("von der", "Leyen"),
        "the particle is BibTeX's von part"
    );
    assert_eq!(authors[1].given_name, "Ursula");

    let italian = bib.get("redazionendcitta").unwrap();
    assert_eq!(italian.entry_type, biblatex::EntryType::Online);
    assert_eq!(field(italian, "title"), "Città, terre rare e l'Europa");
    assert_eq!(field(italian, "langid"), "italian");
    assert!(italian.get("date").is_none());
}

#[test]
fn ris_has_one_record_per_note_with_tagged_lines() {
    let t = library();
    let (path, content) = export(&t, ExportFormat::Ris);
    assert!(path.ends_with("library.ris"));
    let mut records: Vec<Vec<(String, String)>> = vec![];
    let mut current: Vec<(String, String)> = vec![];
    for line in content.lines().filter(|l| !l.is_empty()) {
        let (tag, value) = line.split_once("  - ").unwrap_or_else(|| {
            line.strip_suffix("  -")
                .map(|t| (t, ""))
                .unwrap_or_else(|| panic!("not a RIS line: {line:?}"))
        });
        assert!(
            tag.len() == 2
                && tag
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()),
            "{tag:?}"
        );
        current.push((tag.to_string(), value.to_string()));
        if tag == "ER" {
            records.push(std::mem::take(&mut current));
        }
    }
    assert!(current.is_empty(), "every record ends with ER");
    assert_eq!(records.len(), 5);
    for r in &records {
        assert_eq!(r[0].0, "TY", "a record opens with its type");
    }
    let first = records
        .iter()
        .find(|r| {
            r.contains(&(
                "TI".into(),
                "Trump and the rare earths of Central Asia".into(),
            ))
        })
        .unwrap();
    for expected in [
        ("TY", "NEWS"),
        ("AU", "Bortoletto, Federico"),
        ("T2", "Eunews"),
        ("PY", "2025"),
        ("DA", "2025/11/03"),
        (
            "UR",
            "https://www.eunews.it/en/2025/11/03/trump-rare-earths/",
        ),
        ("Y2", "2026/01/15"),
        ("KW", "rare earths"),
    ] {
        assert!(
            first.contains(&(expected.0.into(), expected.1.into())),
            "{expected:?} in {first:?}"
        );
    }
    let web = records
        .iter()
        .find(|r| r.contains(&("TI".into(), "A page without a byline".into())))
        .unwrap();
    assert_eq!(web[0].1, "ELEC");
    assert!(!web.iter().any(|(tag, _)| tag == "AU"));
}

#[test]
fn a_note_is_cited_in_the_author_date_style() {
    let t = library();
    let id = t
        .lib
        .notes(&Default::default())
        .unwrap()
        .into_iter()
        .find(|n| n.title.starts_with("Lithium"))
        .unwrap()
        .id;
    let citation = t.lib.citation(id).unwrap();
    assert_eq!(citation.key, "rossi2024lithium");
    assert_eq!(
        citation.text,
        "Rossi, Giulia, and Ursula von der Leyen. 2024. “Lithium & cobalt: 50% more {exports} at \
         $4 a #kilo_gram.” Example, February 29, 2024. https://example.org/news/lithium."
    );
    assert!(citation.bibtex.starts_with("@article{rossi2024lithium,"));
    assert!(citation.ris.starts_with("TY  - NEWS\n"));
    let item: CslItem = serde_json::from_str(&citation.csl_json).unwrap();
    assert_eq!(item.id, "rossi2024lithium");

    let undated = t
        .lib
        .notes(&Default::default())
        .unwrap()
        .into_iter()
        .find(|n| n.title == "A page without a byline")
        .unwrap()
        .id;
    assert_eq!(
        t.lib.citation(undated).unwrap().text,
        "“A page without a byline.” n.d. Accessed January 15, 2026."
    );
    assert!(matches!(
        t.lib.citation(9999),
        Err(lode::Error::NoteNotFound(_))
    ));
}
