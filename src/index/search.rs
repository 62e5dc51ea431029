//! A [`ParsedQuery`] -> Tantivy queries, and their execution.
//!
//! Each positive word becomes a disjunction over the title and body (with the standfirst)
//! fields of both languages (title weighs most), plus author, sections and tags; words of 5+ letters
//! also match within edit distance 1 (2 from 9 letters) at a low constant score, so typos
//! find notes but rank below exact matches. The strict query requires every word; when it
//! fills less than a page, a lenient one (any word) adds the notes holding most of them.

use std::collections::{HashMap, HashSet};
use std::ops::Bound;

use tantivy::collector::{Collector, Count, FacetCollector, FilterCollector, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, PhraseQuery, Query,
    RangeQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::{Facet as TantivyFacet, Field, IndexRecordOption};
use tantivy::{DocAddress, Order, Searcher, Term};

use super::query::{Filter, ParsedQuery, Unit};
use super::schema::{self, Analyzers, Fields, KIND_ANNOTATION, KIND_NOTE, Lang};
use super::snippet::Terms;
use super::{Facet, Facets};
use crate::error::Result;

/// Documents in rank order, with their scores (0 when ordered by date).
type Ranked = Vec<(f32, DocAddress)>;

pub struct RawHit {
    pub note_id: i64,
    pub score: f32,
    pub all_words: bool,
    pub annotation_ids: Vec<i64>,
}

pub struct RawResults {
    pub total: usize,
    pub hits: Vec<RawHit>,
    pub facets: Facets,
}

pub struct Builder<'a> {
    fields: &'a Fields,
    searcher: &'a Searcher,
    analyzers: Analyzers,
    titles_only: bool,
    pub terms: Terms,
}

/// A word that fewer notes than this contain also matches words within its edit distance:
/// a common word is spelt right, and expanding it would only add noise (and time).
const TYPO_MAX_DOC_FREQ: u64 = 3;

/// The title's words are in the body field too, so this is what a title adds on top. Chosen on
/// SciFact's training claims: with the title apart from the body, 0.5 was best (0.686; 3.0 gave
/// 0.582); with it in the body too, 0: 0.697, 0.1: 0.700, 0.25: 0.700, 0.5: 0.691. Checked on
/// its dev claims (0.698) and SQuAD-it (0.846).
const TITLE_BOOST: f32 = 0.25;
const TAGS_BOOST: f32 = 2.0;
const FUZZY_BOOST: f32 = 0.25;
/// The most words of one query that also match by typo.
const MAX_FUZZY_WORDS: usize = 4;
const PREFIX_BOOST: f32 = 0.5;

fn boxed(q: impl Query) -> Box<dyn Query> {
    Box::new(q)
}

fn should(clauses: Vec<Box<dyn Query>>) -> Option<Box<dyn Query>> {
    match clauses.len() {
        0 => None,
        1 => clauses.into_iter().next(),
        _ => Some(boxed(BooleanQuery::new(
            clauses.into_iter().map(|q| (Occur::Should, q)).collect(),
        ))),
    }
}

fn term_query(field: Field, text: &str, boost: f32) -> Box<dyn Query> {
    let q = TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    );
    if boost == 1.0 {
        boxed(q)
    } else {
        boxed(BoostQuery::new(boxed(q), boost))
    }
}

fn phrase_query(field: Field, tokens: &[(String, usize)], boost: f32) -> Box<dyn Query> {
    if tokens.len() == 1 {
        return term_query(field, &tokens[0].0, boost);
    }
    let terms = tokens
        .iter()
        .map(|(t, pos)| (*pos, Term::from_field_text(field, t)))
        .collect();
    boxed(BoostQuery::new(
        boxed(PhraseQuery::new_with_offset(terms)),
        boost,
    ))
}

fn filter_query(q: Box<dyn Query>) -> Box<dyn Query> {
    boxed(ConstScoreQuery::new(q, 0.0))
}

fn date_term(field: Field, date: chrono::NaiveDate) -> Term {
    let secs = date
        .and_hms_opt(0, 0, 0)
        .map_or(0, |t| t.and_utc().timestamp());
    Term::from_field_date(field, tantivy::DateTime::from_timestamp_secs(secs))
}

pub fn facet_of_tag(tag_key: &str) -> TantivyFacet {
    TantivyFacet::from_path(tag_key.split('/').filter(|s| !s.is_empty()))
}

impl<'a> Builder<'a> {
    pub fn new(
        fields: &'a Fields,
        searcher: &'a Searcher,
        analyzers: Analyzers,
        titles_only: bool,
    ) -> Builder<'a> {
        Builder {
            fields,
            searcher,
            analyzers,
            titles_only,
            terms: Terms::default(),
        }
    }

    fn analyze(&mut self, lang: Lang, text: &str) -> Vec<(String, usize)> {
        schema::tokens(&mut self.analyzers.stemmed[lang as usize], text)
            .into_iter()
            .map(|(t, _, _, p)| (t, p))
            .collect()
    }

    fn analyze_plain(&mut self, text: &str) -> Vec<(String, usize)> {
        schema::tokens(&mut self.analyzers.plain, text)
            .into_iter()
            .map(|(t, _, _, p)| (t, p))
            .collect()
    }

    fn is_stop_word(&mut self, word: &str) -> bool {
        Lang::BOTH
            .iter()
            .any(|&l| schema::tokens(&mut self.analyzers.stop[l as usize], word).is_empty())
    }

    /// The text fields of `lang` with their weights.
    fn text_fields(&self, lang: Lang) -> Vec<(Field, f32)> {
        let l = lang as usize;
        if self.titles_only {
            return vec![(self.fields.title[l], 1.0)];
        }
        vec![
            (self.fields.title[l], TITLE_BOOST),
            (self.fields.body[l], 1.0),
        ]
    }

    fn word(&mut self, word: &str, prefix: bool) -> Option<Box<dyn Query>> {
        let mut clauses = self.stemmed(word);
        // A word of several parts ("beta-band", "Rad53-dependent", "l'embargo") matches as
        // their phrase and as each part (stop words and single letters aside), as plain BM25
        // reads it: a body may write the parts apart.
        for lang in Lang::BOTH {
            let tokens = self.analyze(lang, word);
            if tokens.len() < 2 {
                continue;
            }
            let parts = self.analyze_plain(word);
            for ((stem, position), (part, _)) in tokens.iter().zip(&parts) {
                if part.chars().count() < 2 || self.is_stop_word(part) {
                    continue;
                }
                for (field, boost) in self.text_fields(lang) {
                    clauses.push(phrase_query(field, &[(stem.clone(), *position)], boost));
                }
            }
        }
        let plain = self.analyze_plain(word);
        let letters = word.chars().filter(|c| c.is_alphanumeric()).count();
        let rare = || {
            let term = Term::from_field_text(self.fields.raw, &plain[0].0);
            self.searcher
                .doc_freq(&term)
                .map_or(true, |n| n < TYPO_MAX_DOC_FREQ)
        };
        // Typo expansion for the first few rare words only: each is an automaton run over
        // the term dictionary, and a pasted paragraph has hundreds of words.
        if plain.len() == 1 && letters >= 5 && self.terms.fuzzy.len() < MAX_FUZZY_WORDS && rare() {
            let distance = if letters >= 9 { 2 } else { 1 };
            self.terms.fuzzy.push((plain[0].0.clone(), distance));
            let fields: &[(Field, f32)] = if self.titles_only {
                &[(self.fields.title_raw, FUZZY_BOOST)]
            } else {
                &[
                    (self.fields.raw, FUZZY_BOOST),
                    (self.fields.title_raw, 2.0 * FUZZY_BOOST),
                ]
            };
            for &(field, boost) in fields {
                let fuzzy =
                    FuzzyTermQuery::new(Term::from_field_text(field, &plain[0].0), distance, true);
                clauses.push(boxed(BoostQuery::new(boxed(fuzzy), boost)));
            }
        }
        if !plain.is_empty() && !self.titles_only {
            for (field, boost) in [
                (self.fields.author, 1.0),
                (self.fields.sections, 1.0),
                (self.fields.tags_text, TAGS_BOOST),
            ] {
                clauses.push(phrase_query(field, &plain, boost));
            }
        }
        if prefix && plain.len() == 1 && plain[0].0.chars().count() >= 2 {
            let p = plain[0].0.clone();
            self.terms.prefix = Some(p.clone());
            let mut fields = vec![self.fields.title_raw];
            // Short prefixes expand to too many body words to be useful (or fast).
            if !self.titles_only && p.chars().count() >= 4 {
                fields.push(self.fields.raw);
            }
            for field in fields {
                let q = FuzzyTermQuery::new_prefix(Term::from_field_text(field, &p), 0, false);
                clauses.push(boxed(BoostQuery::new(boxed(q), PREFIX_BOOST)));
            }
        }
        should(clauses)
    }

    fn phrase(&mut self, text: &str) -> Option<Box<dyn Query>> {
        should(self.stemmed(text))
    }

    /// The text, analysed in each language, as a term (one token) or a phrase over that
    /// language's text fields; its stems are what the snippets highlight.
    fn stemmed(&mut self, text: &str) -> Vec<Box<dyn Query>> {
        let mut clauses = Vec::new();
        for lang in Lang::BOTH {
            let tokens = self.analyze(lang, text);
            for (t, _) in &tokens {
                self.terms.exact[lang as usize].insert(t.clone());
            }
            if !tokens.is_empty() {
                for (field, boost) in self.text_fields(lang) {
                    clauses.push(phrase_query(field, &tokens, boost));
                }
            }
        }
        clauses
    }

    fn unit(&mut self, unit: &Unit, prefix: Option<&str>) -> Option<Box<dyn Query>> {
        match unit {
            Unit::Word(w) => self.word(w, prefix == Some(w.as_str())),
            Unit::Phrase(p) => self.phrase(p),
            Unit::Any(alternatives) => {
                let clauses = alternatives
                    .iter()
                    .filter_map(|u| self.unit(u, None))
                    .collect();
                should(clauses)
            }
        }
    }

    fn filter(&mut self, filter: &Filter) -> Box<dyn Query> {
        let f = self.fields;
        match filter {
            Filter::Tag(tag) => boxed(TermQuery::new(
                Term::from_facet(f.tag, &facet_of_tag(&tag.to_lowercase())),
                IndexRecordOption::Basic,
            )),
            Filter::Author(name) | Filter::Site(name) => {
                let field = if matches!(filter, Filter::Author(_)) {
                    f.author
                } else {
                    f.site
                };
                let tokens = self.analyze_plain(name);
                if tokens.is_empty() {
                    return boxed(AllQuery);
                }
                phrase_query(field, &tokens, 1.0)
            }
            Filter::Color(color) => boxed(TermQuery::new(
                Term::from_field_text(f.color, color),
                IndexRecordOption::Basic,
            )),
            Filter::Lang(code) => boxed(TermQuery::new(
                Term::from_field_text(f.lang, code),
                IndexRecordOption::Basic,
            )),
            Filter::After(d) => boxed(RangeQuery::new(
                Bound::Included(date_term(f.date, *d)),
                Bound::Unbounded,
            )),
            Filter::Before(d) => boxed(RangeQuery::new(
                Bound::Unbounded,
                Bound::Excluded(date_term(f.date, *d)),
            )),
            Filter::IsAnnotation => kind_query(f, KIND_ANNOTATION),
            Filter::IsNote => kind_query(f, KIND_NOTE),
            Filter::HasAnnotation => boxed(TermQuery::new(
                Term::from_field_u64(f.has_ann, 1),
                IndexRecordOption::Basic,
            )),
        }
    }

    pub fn build(&mut self, parsed: &ParsedQuery) -> Built {
        let all_stop = parsed
            .positive
            .iter()
            .all(|u| matches!(u, Unit::Word(w) if self.is_stop_word(w)));
        let mut units = Vec::new();
        let mut stop_units = Vec::new();
        for unit in &parsed.positive {
            let is_stop = matches!(unit, Unit::Word(w) if self.is_stop_word(w));
            let is_prefix = matches!(unit, Unit::Word(w) if parsed.prefix.as_deref() == Some(w));
            if is_stop && !all_stop && !is_prefix {
                // Built for the fill only, and not highlighted.
                let highlighted = self.terms.clone();
                stop_units.extend(self.unit(unit, None));
                self.terms = highlighted;
            } else if let Some(q) = self.unit(unit, parsed.prefix.as_deref()) {
                units.push(q);
            }
        }
        let filters: Vec<Box<dyn Query>> = parsed
            .filters
            .iter()
            .map(|f| filter_query(self.filter(f)))
            .collect();
        let highlighted = self.terms.clone();
        let mut excluded: Vec<Box<dyn Query>> = parsed
            .negative_filters
            .iter()
            .map(|f| self.filter(f))
            .collect();
        excluded.extend(parsed.negative.iter().filter_map(|u| self.unit(u, None)));
        self.terms = highlighted; // excluded words are not highlighted
        let scored = !units.is_empty();
        let with_filters = |core: Vec<Box<dyn Query>>| -> Box<dyn Query> {
            let mut clauses: Vec<(Occur, Box<dyn Query>)> =
                core.into_iter().map(|q| (Occur::Must, q)).collect();
            clauses.extend(filters.iter().map(|q| (Occur::Must, q.box_clone())));
            if clauses.is_empty() {
                clauses.push((Occur::Must, filter_query(boxed(AllQuery))));
            }
            boxed(BooleanQuery::new(clauses))
        };
        // Any word: the other words fill a page that one clause (a phrase found nowhere)
        // would leave empty. The stop words are left out of it, unless only one clause is
        // left without them.
        let fill: Vec<&Box<dyn Query>> = if units.len() == 1 {
            units.iter().chain(&stop_units).collect()
        } else {
            units.iter().collect()
        };
        let lenient = (fill.len() > 1).then(|| {
            let any = should(fill.iter().map(|q| q.box_clone()).collect())
                .unwrap_or_else(|| boxed(AllQuery));
            with_filters(vec![any])
        });
        Built {
            strict: with_filters(units),
            lenient,
            scored,
            excluded,
        }
    }
}

/// A user's query as Tantivy queries.
pub struct Built {
    /// Every word.
    pub strict: Box<dyn Query>,
    /// Any word; `None` when it could add nothing.
    pub lenient: Option<Box<dyn Query>>,
    /// False when the query has no words (filters only): ordered by date.
    pub scored: bool,
    /// `-word`, `-"phrase"`, `-tag:x`: notes matching any of these (in their text or in an
    /// annotation) are left out. Applied as a set of note ids rather than as `MustNot`
    /// clauses, which Tantivy 0.27's phrase scorer does not support under exclusion.
    pub excluded: Vec<Box<dyn Query>>,
}

/// Counts only note documents (annotations are grouped under their notes).
fn notes_only<C: tantivy::collector::Collector>(c: C) -> FilterCollector<C, fn(u64) -> bool, u64> {
    FilterCollector::new(
        "kind".to_string(),
        (|k: u64| k == KIND_NOTE) as fn(u64) -> bool,
        c,
    )
}

fn kind_query(f: &Fields, kind: u64) -> Box<dyn Query> {
    boxed(TermQuery::new(
        Term::from_field_u64(f.kind, kind),
        IndexRecordOption::Basic,
    ))
}

/// (note id, annotation id or 0) of a document.
fn ids(searcher: &Searcher, at: DocAddress) -> Result<(i64, i64)> {
    let segment = searcher.segment_reader(at.segment_ord);
    let note = segment
        .fast_fields()
        .u64("note_id")?
        .first(at.doc_id)
        .unwrap_or(0);
    let ann = segment
        .fast_fields()
        .u64("ann_id")?
        .first(at.doc_id)
        .unwrap_or(0);
    Ok((note as i64, ann as i64))
}

/// The note ids of the matching documents (a note's, or one of its annotations'), read from
/// the fast field opened once per segment.
struct NoteIds;

/// A set of note ids: a bitmap, as they are dense (SQLite's row ids), with a hash set for the
/// few beyond what a bitmap should hold.
#[derive(Default)]
struct IdSet {
    bits: Vec<u64>,
    sparse: HashSet<u64>,
}

impl IdSet {
    /// Ids below this are kept in the bitmap (at most 2 MB of it).
    const DENSE: u64 = 1 << 24;

    fn insert(&mut self, id: u64) {
        if id >= Self::DENSE {
            self.sparse.insert(id);
            return;
        }
        let (word, bit) = ((id / 64) as usize, id % 64);
        if word >= self.bits.len() {
            self.bits.resize(word + 1, 0);
        }
        self.bits[word] |= 1 << bit;
    }

    fn union(mut self, other: IdSet) -> IdSet {
        if other.bits.len() > self.bits.len() {
            return other.union(self);
        }
        for (a, b) in self.bits.iter_mut().zip(other.bits) {
            *a |= b;
        }
        self.sparse.extend(other.sparse);
        self
    }

    fn ones(&self) -> impl Iterator<Item = u64> + '_ {
        let dense = self.bits.iter().enumerate().flat_map(|(word, &bits)| {
            (0..64)
                .filter(move |bit| bits & (1 << bit) != 0)
                .map(move |bit| word as u64 * 64 + bit)
        });
        dense.chain(self.sparse.iter().copied())
    }
}

impl Collector for NoteIds {
    type Fruit = IdSet;
    type Child = SegmentNoteIds;

    fn for_segment(
        &self,
        _segment: tantivy::SegmentOrdinal,
        reader: &tantivy::SegmentReader,
    ) -> tantivy::Result<SegmentNoteIds> {
        Ok(SegmentNoteIds {
            column: reader.fast_fields().u64("note_id")?,
            ids: IdSet::default(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<IdSet>) -> tantivy::Result<IdSet> {
        Ok(fruits.into_iter().fold(IdSet::default(), IdSet::union))
    }
}

struct SegmentNoteIds {
    column: tantivy::columnar::Column<u64>,
    ids: IdSet,
}

impl tantivy::collector::SegmentCollector for SegmentNoteIds {
    type Fruit = IdSet;

    fn collect(&mut self, doc: tantivy::DocId, _score: tantivy::Score) {
        if let Some(id) = self.column.first(doc) {
            self.ids.insert(id);
        }
    }

    fn harvest(self) -> IdSet {
        self.ids
    }
}

pub struct Execution<'a> {
    pub searcher: &'a Searcher,
    pub fields: &'a Fields,
    pub limit: usize,
    pub facets: bool,
    /// Tag facets whose children to count too (from `tag:` filters).
    pub facet_roots: Vec<String>,
}

impl Execution<'_> {
    /// The top `n` documents (by score, or by date for a query without words), collected in
    /// the same pass as `extra`.
    fn top<C: Collector>(
        &self,
        query: &dyn Query,
        scored: bool,
        n: usize,
        extra: C,
    ) -> Result<(Ranked, C::Fruit)> {
        if scored {
            return Ok(self
                .searcher
                .search(query, &(TopDocs::with_limit(n).order_by_score(), extra))?);
        }
        let by_date =
            TopDocs::with_limit(n).order_by_fast_field::<tantivy::DateTime>("date", Order::Desc);
        let (docs, fruit) = self.searcher.search(query, &(by_date, extra))?;
        Ok((docs.into_iter().map(|(_, at)| (0.0, at)).collect(), fruit))
    }

    /// Groups documents (notes and annotations) by note, in rank order.
    fn group(
        &self,
        docs: &[(f32, DocAddress)],
        hits: &mut Vec<RawHit>,
        all_words: bool,
    ) -> Result<()> {
        let mut seen: HashSet<i64> = hits.iter().map(|h| h.note_id).collect();
        for (score, at) in docs {
            if hits.len() >= self.limit {
                break;
            }
            let (note_id, _) = ids(self.searcher, *at)?;
            if seen.insert(note_id) {
                hits.push(RawHit {
                    note_id,
                    score: *score,
                    all_words,
                    annotation_ids: Vec::new(),
                });
            }
        }
        Ok(())
    }

    /// The note ids matching any excluded query, as one `MustNot` clause.
    fn exclusion(&self, excluded: &[Box<dyn Query>]) -> Result<Option<Box<dyn Query>>> {
        if excluded.is_empty() {
            return Ok(None);
        }
        // One pass over the union of the excluded queries.
        let any: Vec<(Occur, Box<dyn Query>)> = excluded
            .iter()
            .map(|q| (Occur::Should, q.box_clone()))
            .collect();
        let notes = self.searcher.search(&BooleanQuery::new(any), &NoteIds)?;
        let terms = notes
            .ones()
            .map(|id| Term::from_field_u64(self.fields.note_id, id));
        Ok(Some(boxed(TermSetQuery::new(terms))))
    }

    pub fn run(&self, built: Built) -> Result<RawResults> {
        let Built {
            strict,
            lenient,
            scored,
            excluded,
        } = built;
        let (strict, lenient) = match self.exclusion(&excluded)? {
            None => (strict, lenient),
            Some(not) => {
                let without = |q: Box<dyn Query>| {
                    boxed(BooleanQuery::new(vec![
                        (Occur::Must, q),
                        (Occur::MustNot, not.box_clone()),
                    ]))
                };
                (without(strict), lenient.map(without))
            }
        };
        let (strict, lenient) = (strict.as_ref(), lenient.as_deref());
        let over_fetch = self.limit * 2 + 10;
        // With tag filters, every match carries them: count their children instead of the
        // top level (a collector takes no facet below another it has).
        let roots: Vec<TantivyFacet> = if self.facet_roots.is_empty() {
            vec![TantivyFacet::root()]
        } else {
            let all: Vec<TantivyFacet> = self.facet_roots.iter().map(|r| facet_of_tag(r)).collect();
            let mut minimal: Vec<TantivyFacet> = Vec::new();
            for f in &all {
                let covered = all.iter().any(|g| g != f && g.is_prefix_of(f));
                if !covered && !minimal.contains(f) {
                    minimal.push(f.clone());
                }
            }
            minimal
        };
        let facet_collectors = self.facets.then(|| {
            let mut tags = FacetCollector::for_field("tag");
            for root in &roots {
                tags.add_facet(root.clone());
            }
            let mut sites = FacetCollector::for_field("site_facet");
            sites.add_facet(TantivyFacet::root());
            let mut years = FacetCollector::for_field("year");
            years.add_facet(TantivyFacet::root());
            (tags, sites, years)
        });
        // One pass over the matches: the top documents, and (over notes only, behind one filter)
        // the count and the facets.
        let (top, (total, facet_counts)) = self.top(
            strict,
            scored,
            over_fetch,
            notes_only((Count, facet_collectors)),
        )?;
        let facets = match facet_counts {
            None => Facets::default(),
            Some((tags, sites, years)) => {
                let mut tag_facets: Vec<Facet> = Vec::new();
                for root in roots {
                    tag_facets.extend(facet_list(tags.get(root)));
                }
                tag_facets.sort_by(|a, b| b.count.cmp(&a.count).then(a.name.cmp(&b.name)));
                tag_facets.dedup();
                let mut years = facet_list(years.get(TantivyFacet::root()));
                years.sort_by(|a, b| b.name.cmp(&a.name));
                let mut sites = facet_list(sites.get(TantivyFacet::root()));
                sites.sort_by(|a, b| b.count.cmp(&a.count).then(a.name.cmp(&b.name)));
                Facets {
                    tags: tag_facets,
                    sites,
                    years,
                }
            }
        };
        let mut hits = Vec::new();
        self.group(&top, &mut hits, true)?;
        if hits.len() < self.limit
            && let Some(lenient) = lenient
        {
            let (more, _) = self.top(lenient, scored, over_fetch + hits.len(), None::<Count>)?;
            self.group(&more, &mut hits, false)?;
        }
        self.attach_annotations(lenient.unwrap_or(strict), &mut hits)?;
        Ok(RawResults {
            total,
            hits,
            facets,
        })
    }

    /// The annotations of the hit notes that match the query.
    fn attach_annotations(&self, query: &dyn Query, hits: &mut [RawHit]) -> Result<()> {
        let f = self.fields;
        let no_annotations = self
            .searcher
            .doc_freq(&Term::from_field_u64(f.kind, KIND_ANNOTATION))?
            == 0;
        if hits.is_empty() || no_annotations {
            return Ok(());
        }
        let notes = BooleanQuery::new(
            hits.iter()
                .map(|h| {
                    (
                        Occur::Should,
                        boxed(TermQuery::new(
                            Term::from_field_u64(f.note_id, h.note_id as u64),
                            IndexRecordOption::Basic,
                        )),
                    )
                })
                .collect(),
        );
        let q = BooleanQuery::new(vec![
            (Occur::Must, query.box_clone()),
            (Occur::Must, filter_query(kind_query(f, KIND_ANNOTATION))),
            (Occur::Must, filter_query(boxed(notes))),
        ]);
        let docs = self
            .searcher
            .search(&q, &TopDocs::with_limit(200).order_by_score())?;
        let mut by_note: HashMap<i64, Vec<i64>> = HashMap::new();
        for (_, at) in docs {
            let (note, ann) = ids(self.searcher, at)?;
            by_note.entry(note).or_default().push(ann);
        }
        for hit in hits {
            hit.annotation_ids = by_note.remove(&hit.note_id).unwrap_or_default();
        }
        Ok(())
    }
}

fn facet_list<'a>(children: impl Iterator<Item = (&'a TantivyFacet, u64)>) -> Vec<Facet> {
    children
        .map(|(facet, count)| Facet {
            name: facet
                .to_path()
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join("/"),
            count: count as usize,
        })
        .collect()
}
