//! The index schema and analyzers, in one place.
//!
//! Text that gets stemmed has one field per language (`body_en`, `body_it`, …): a note fills the
//! fields of its detected language, and a query is analysed with both analyzers and searches
//! both sets, so `perché` and `perche`, `mines` and `mine` meet. Nothing is stored: ids come
//! from fast fields and snippets are cut from SQLite's body, which keeps the index small.

use std::collections::HashMap;
use tantivy::Index;
use tantivy::schema::{
    DateOptions, FAST, FacetOptions, Field, INDEXED, IndexRecordOption, STRING, Schema,
    TextFieldIndexing, TextOptions,
};

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, StopWordFilter,
    TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};

/// Bumped whenever the schema or an analyzer changes: an index of another version is rebuilt.
pub const SCHEMA_VERSION: u32 = 4;

/// The two stemmed languages; the index into the per-language field arrays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En = 0,
    It = 1,
}

impl Lang {
    pub const BOTH: [Lang; 2] = [Lang::En, Lang::It];

    pub fn of(code: &str) -> Lang {
        if code == "it" { Lang::It } else { Lang::En }
    }

    fn stemmer(self) -> Language {
        match self {
            Lang::En => Language::English,
            Lang::It => Language::Italian,
        }
    }

    fn algorithm(self) -> frostem::Algorithm {
        match self {
            Lang::En => frostem::Algorithm::English,
            Lang::It => frostem::Algorithm::Italian,
        }
    }

    pub fn analyzer_name(self) -> &'static str {
        match self {
            Lang::En => "lode_en",
            Lang::It => "lode_it",
        }
    }
}

pub const PLAIN: &str = "lode_plain";

#[derive(Clone)]
pub struct Fields {
    pub schema: Schema,
    pub note_id: Field,
    pub ann_id: Field,
    /// 0 for a note, 1 for an annotation.
    pub kind: Field,
    pub has_ann: Field,
    pub title: [Field; 2],
    pub body: [Field; 2],
    /// Every text (title, standfirst, body, quotes, comments) unstemmed, without positions:
    /// typo tolerance and prefixes match the words as written, not their stems.
    pub raw: Field,
    pub title_raw: Field,
    pub author: Field,
    pub site: Field,
    pub sections: Field,
    pub tags_text: Field,
    pub tag: Field,
    pub site_facet: Field,
    pub year: Field,
    pub lang: Field,
    /// An annotation's colour (`yellow`…), for `color:`.
    pub color: Field,
    /// Published date, or the clip date when the article has none.
    pub date: Field,
}

pub const KIND_NOTE: u64 = 0;
pub const KIND_ANNOTATION: u64 = 1;

fn text(analyzer: &str) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analyzer)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    )
}

impl Fields {
    pub fn new() -> Fields {
        let mut b = Schema::builder();
        let per_lang = |b: &mut tantivy::schema::SchemaBuilder, name: &str| {
            Lang::BOTH.map(|l| {
                b.add_text_field(
                    &format!("{name}_{}", if l == Lang::En { "en" } else { "it" }),
                    text(l.analyzer_name()),
                )
            })
        };
        let note_id = b.add_u64_field("note_id", INDEXED | FAST);
        let ann_id = b.add_u64_field("ann_id", FAST);
        let kind = b.add_u64_field("kind", INDEXED | FAST);
        let has_ann = b.add_u64_field("has_ann", INDEXED);
        let title = per_lang(&mut b, "title");
        let body = per_lang(&mut b, "body");
        let words_only = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(PLAIN)
                .set_index_option(IndexRecordOption::Basic),
        );
        let raw = b.add_text_field("raw", words_only.clone());
        let title_raw = b.add_text_field("title_raw", words_only);
        let author = b.add_text_field("author", text(PLAIN));
        let site = b.add_text_field("site", text(PLAIN));
        let sections = b.add_text_field("sections", text(PLAIN));
        let tags_text = b.add_text_field("tags_text", text(PLAIN));
        let tag = b.add_facet_field("tag", FacetOptions::default());
        let site_facet = b.add_facet_field("site_facet", FacetOptions::default());
        let year = b.add_facet_field("year", FacetOptions::default());
        let lang = b.add_text_field("lang", STRING);
        let color = b.add_text_field("color", STRING);
        let date = b.add_date_field("date", DateOptions::from(INDEXED) | FAST);
        Fields {
            schema: b.build(),
            note_id,
            ann_id,
            kind,
            has_ann,
            title,
            body,
            raw,
            title_raw,
            author,
            site,
            sections,
            tags_text,
            tag,
            site_facet,
            year,
            lang,
            color,
            date,
        }
    }
}

/// Lower-case, fold accents, stem. Tokens longer than 40 bytes (URLs, hashes) are dropped.
pub fn analyzer(lang: Lang) -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(RememberingStemmer::new(lang))
        .build()
}

/// Tantivy's stemmer (the same Snowball algorithms), remembering the stems of the words it
/// has met: a text repeats its words, and stemming each anew was a fifth of indexing a long
/// clip. An index writer keeps its analyzers from one document to the next, so the memory
/// spans a batch; a clone (one per search, one per writer thread) starts empty.
pub struct RememberingStemmer<T = ()> {
    algorithm: frostem::Algorithm,
    stems: HashMap<String, String>,
    inner: T,
}

/// Past this many words the memory starts over: a few megabytes per field and thread.
const REMEMBERED_STEMS: usize = 50_000;

impl RememberingStemmer {
    pub fn new(lang: Lang) -> RememberingStemmer {
        RememberingStemmer {
            algorithm: lang.algorithm(),
            stems: HashMap::new(),
            inner: (),
        }
    }
}

impl<T: Clone> Clone for RememberingStemmer<T> {
    fn clone(&self) -> Self {
        RememberingStemmer {
            algorithm: self.algorithm,
            stems: HashMap::new(),
            inner: self.inner.clone(),
        }
    }
}

impl TokenFilter for RememberingStemmer {
    type Tokenizer<T: Tokenizer> = RememberingStemmer<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> RememberingStemmer<T> {
        RememberingStemmer {
            algorithm: self.algorithm,
            stems: self.stems,
            inner,
        }
    }
}

impl<T: Tokenizer> Tokenizer for RememberingStemmer<T> {
    type TokenStream<'a> = StemStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        StemStream {
            tail: self.inner.token_stream(text),
            stemmer: frostem::Stemmer::new(self.algorithm),
            stems: &mut self.stems,
        }
    }
}

pub struct StemStream<'a, T> {
    tail: T,
    stemmer: frostem::Stemmer,
    stems: &'a mut HashMap<String, String>,
}

impl<T: TokenStream> TokenStream for StemStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if let Some(stem) = self.stems.get(&token.text) {
            token.text.clone_from(stem);
        } else {
            let stem = self.stemmer.stem(&token.text).into_owned();
            if self.stems.len() >= REMEMBERED_STEMS {
                self.stems.clear();
            }
            let word = std::mem::replace(&mut token.text, stem.clone());
            self.stems.insert(word, stem);
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// Lower-case and fold accents, no stemming: names, sites, tags, and prefixes as typed.
pub fn plain_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Query-time only: a word this analyzer drops is a stop word in `lang`.
pub fn stop_word_analyzer(lang: Lang) -> TextAnalyzer {
    let builder = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(LowerCaser)
        .dynamic();
    match StopWordFilter::new(lang.stemmer()) {
        Some(stop) => builder.filter_dynamic(stop).build(),
        None => builder.build(),
    }
}

/// Every analyzer a query needs, built once and cloned per search (cloning is cheap).
#[derive(Clone)]
pub struct Analyzers {
    pub stemmed: [TextAnalyzer; 2],
    pub plain: TextAnalyzer,
    pub stop: [TextAnalyzer; 2],
}

impl Analyzers {
    pub fn new() -> Analyzers {
        Analyzers {
            stemmed: Lang::BOTH.map(analyzer),
            plain: plain_analyzer(),
            stop: Lang::BOTH.map(stop_word_analyzer),
        }
    }
}

pub fn register_analyzers(index: &Index) {
    for lang in Lang::BOTH {
        index
            .tokenizers()
            .register(lang.analyzer_name(), analyzer(lang));
    }
    index.tokenizers().register(PLAIN, plain_analyzer());
}

/// Tokens of `text` through `analyzer`: (text, byte range, position).
pub fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(t) = stream.next() {
        out.push((t.text.clone(), t.offset_from, t.offset_to, t.position));
    }
    out
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::Stemmer;

    use super::*;

    #[test]
    fn remembered_stems_are_tantivys_stems_in_both_languages_past_the_memorys_size() {
        for lang in Lang::BOTH {
            let mut tantivy = TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(RemoveLongFilter::limit(40))
                .filter(LowerCaser)
                .filter(AsciiFoldingFilter)
                .filter(Stemmer::new(lang.stemmer()))
                .build();
            let mut ours = analyzer(lang);
            let words = "Mines mining miners' città perché running ran fruitlessly generazioni \
                         nazionale nazionali Relazioni related";
            // Twice through more distinct words than the memory holds, so it starts over.
            let text: String = (0..REMEMBERED_STEMS + 10)
                .map(|i| format!("{words} w{i}ings "))
                .collect();
            for _ in 0..2 {
                assert_eq!(tokens(&mut ours, &text), tokens(&mut tantivy, &text));
            }
        }
    }
}
