//! Related notes ("More like this"): the open note's most telling words, weighed by how often
//! it uses them and how few notes hold them (tf·idf), searched as one ranked query over the
//! other notes; each related note comes with the words it shares with the open one.

use std::collections::{HashMap, HashSet};

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocSet, Searcher, Term};

use super::SearchIndex;
use super::schema::{self, Analyzers, Fields, KIND_NOTE, Lang};
use crate::error::Result;

/// A note related to another, with the words that connect them, most telling first.
pub struct RelatedHit {
    pub note_id: i64,
    pub terms: Vec<String>,
}

/// The most words of the open note its related notes are searched by.
const MAX_TERMS: usize = 25;
/// The words shown for each related note.
const SHOWN_TERMS: usize = 5;
/// The most characters of a note read for its words: a book-length note has said what it is
/// about long before.
const MAX_CHARS: usize = 100_000;

impl SearchIndex {
    /// Up to `limit` notes like the note `note_id` (its `title` and `body`, in `lang`), best
    /// first; none when it has no word another note shares.
    pub fn related(
        &self,
        note_id: i64,
        title: &str,
        body: &str,
        lang: Lang,
        limit: usize,
    ) -> Result<Vec<RelatedHit>> {
        let text = format!("{title}\n{title}\n{body}"); // a title word counts twice
        let end = (text.char_indices().nth(MAX_CHARS)).map_or(text.len(), |(i, _)| i);
        let text = &text[..end];
        self.reading(|searcher| {
            let words = telling_words(searcher, &self.fields, self.analyzers.clone(), text, lang)?;
            related(searcher, &self.fields, note_id, lang, &words, limit)
        })
    }
}

/// A word of the open note: its stem, as the index holds it, the form the note uses most,
/// and its weight.
struct Word {
    stem: String,
    shown: String,
    weight: f32,
}

/// The open note's [`MAX_TERMS`] most telling words: no stop words, numbers or words of fewer
/// than three letters, none that no other note holds, and none that half the library holds.
fn telling_words(
    searcher: &Searcher,
    fields: &Fields,
    mut analyzers: Analyzers,
    text: &str,
    lang: Lang,
) -> Result<Vec<Word>> {
    let l = lang as usize;
    let kept: HashSet<usize> = (schema::tokens(&mut analyzers.stop[l], text).into_iter())
        .map(|(_, from, _, _)| from)
        .collect();
    let mut counts: HashMap<String, (u32, HashMap<String, u32>)> = HashMap::new();
    for (stem, from, to, _) in schema::tokens(&mut analyzers.stemmed[l], text) {
        let surface = &text[from..to];
        if !kept.contains(&from)
            || stem.chars().count() < 3
            || !stem.chars().any(char::is_alphabetic)
        {
            continue;
        }
        let (tf, forms) = counts.entry(stem).or_default();
        *tf += 1;
        *forms.entry(surface.to_lowercase()).or_default() += 1;
    }
    let docs = searcher.num_docs().max(1) as f32;
    let mut words = Vec::new();
    for (stem, (tf, forms)) in counts {
        // The body field holds the title's words too.
        let df = searcher.doc_freq(&Term::from_field_text(fields.body[l], &stem))? as f32;
        if df < 2.0 || df > docs / 2.0 {
            continue;
        }
        let idf = (1.0 + (docs - df + 0.5) / (df + 0.5)).ln();
        let shown = (forms.into_iter())
            .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
            .map(|(form, _)| form)
            .unwrap_or_default();
        words.push(Word {
            stem,
            shown,
            weight: (1.0 + (tf as f32).ln()) * idf,
        });
    }
    words.sort_by(|a, b| b.weight.total_cmp(&a.weight).then(a.stem.cmp(&b.stem)));
    words.truncate(MAX_TERMS);
    Ok(words)
}

fn related(
    searcher: &Searcher,
    fields: &Fields,
    note_id: i64,
    lang: Lang,
    words: &[Word],
    limit: usize,
) -> Result<Vec<RelatedHit>> {
    if words.is_empty() || limit == 0 {
        return Ok(Vec::new());
    }
    // The body field holds the title's words too.
    let body = fields.body[lang as usize];
    let term = |stem: &str| Term::from_field_text(body, stem);
    // BM25 weighs each word by its rarity already; the boost adds how much the open note
    // uses it.
    let max_weight = words[0].weight.max(f32::EPSILON);
    let any: Vec<(Occur, Box<dyn Query>)> = (words.iter())
        .map(|word| {
            let q = TermQuery::new(term(&word.stem), IndexRecordOption::WithFreqs);
            let q: Box<dyn Query> =
                Box::new(BoostQuery::new(Box::new(q), word.weight / max_weight));
            (Occur::Should, q)
        })
        .collect();
    let u64_term = |field: Field, value: u64| {
        Box::new(TermQuery::new(
            Term::from_field_u64(field, value),
            IndexRecordOption::Basic,
        )) as Box<dyn Query>
    };
    let query = BooleanQuery::new(vec![
        (Occur::Must, Box::new(BooleanQuery::new(any))),
        (Occur::Must, u64_term(fields.kind, KIND_NOTE)),
        (Occur::MustNot, u64_term(fields.note_id, note_id as u64)),
    ]);
    let top = searcher.search(&query, &TopDocs::with_limit(limit).order_by_score())?;
    let mut hits = Vec::with_capacity(top.len());
    for (_, at) in top {
        let segment = searcher.segment_reader(at.segment_ord);
        let id = (segment.fast_fields().u64("note_id")?)
            .first(at.doc_id)
            .unwrap_or(0) as i64;
        let postings = segment.inverted_index(body)?;
        let mut terms = Vec::new();
        for word in words {
            // A posting list starts at its first document, and seeks only forward.
            let holds = (postings.read_postings(&term(&word.stem), IndexRecordOption::Basic)?)
                .is_some_and(|mut p| p.doc() <= at.doc_id && p.seek(at.doc_id) == at.doc_id);
            if holds && !terms.contains(&word.shown) {
                terms.push(word.shown.clone());
            }
            if terms.len() == SHOWN_TERMS {
                break;
            }
        }
        hits.push(RelatedHit { note_id: id, terms });
    }
    Ok(hits)
}
