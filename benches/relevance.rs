//! `cargo bench --bench relevance`: ranking quality on the judged collections in
//! `../shared/relevance` (SciFact, English; SQuAD-it, Italian). Each document is imported as a
//! Markdown note (`# title`, the body; its id in the front matter's `source`, which search
//! does not read), each query's text is searched as a user would type it (`--limit 100`), and
//! nDCG@10, Recall@100 and the zero-result share are computed as the collection's `score.py`
//! computes them (binary gain, log2(rank + 1) discount, a judged query without results
//! scoring 0). `LODE_RELEVANCE_RUNS=DIR` also writes each run (`qid<TAB>docid<TAB>rank`) for
//! that scorer.
//!
//! Beside Lode, on the same documents and queries: plain BM25 (Tantivy, title and body in one
//! field, Lode's analyzer for the collection's language with its stop words, the query's
//! words joined by OR), the baseline to beat. And related notes: for the queries with two
//! relevant documents or more, the share of each relevant document's 5 related notes that
//! are relevant to the same query (P@5), beside what chance gives.

use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::Instant;

use lode::{ImportOptions, Library, SearchOptions};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    StopWordFilter, TextAnalyzer,
};

/// A collection: its folder, the query and judgment files to use, its name and language.
/// SciFact's 809 training claims are the part to tune on; its 300 dev claims and SQuAD-it's
/// 1,000-question sample are the parts to check on.
const COLLECTIONS: &[(&str, &str, &str, &str, Language)] = &[
    (
        "scifact",
        "queries-train.tsv",
        "qrels-train.tsv",
        "scifact-train (tune)",
        Language::English,
    ),
    (
        "scifact",
        "queries.tsv",
        "qrels.tsv",
        "scifact",
        Language::English,
    ),
    (
        "squad-it",
        "queries-1k.tsv",
        "qrels-1k.tsv",
        "squad-it",
        Language::Italian,
    ),
];

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/relevance");
    if !shared.is_dir() {
        eprintln!(
            "\n**************** RELEVANCE BENCH SKIPPED ****************\n\
             ../shared/relevance is not beside the checkout\n\
             *********************************************************\n"
        );
        return;
    }
    let runs = std::env::var_os("LODE_RELEVANCE_RUNS").map(PathBuf::from);
    println!("ranking quality (nDCG@10; Recall@100; share of queries with no result):");
    for &(folder, queries, qrels, name, language) in COLLECTIONS {
        let collection = Collection::read(&shared.join(folder), queries, qrels);
        let run = runs
            .as_deref()
            .map(|r| r.join(name.split(' ').next().unwrap_or(name)));
        let (score, related) = measure(&collection, run);
        println!(
            "  {name:<20} {:>5} queries  nDCG@10 {:.3}  Recall@100 {:.3}  zero results {:.1}%  ({:.1} s)",
            score.queries,
            score.ndcg10,
            score.recall100,
            score.zero * 100.0,
            score.seconds
        );
        let (plain, plain_run) = baseline(&collection, language);
        if let Some(dir) = runs.as_deref() {
            let stem = name.split(' ').next().unwrap_or(name);
            std::fs::write(dir.join(format!("{stem}-bm25.run")), plain_run).expect("write the run");
        }
        println!(
            "  {:<20} {:>5} queries  nDCG@10 {:.3}  Recall@100 {:.3}  plain BM25, one field, {language:?} stem + stop words (Lode {:+.3})",
            "",
            plain.queries,
            plain.ndcg10,
            plain.recall100,
            score.ndcg10 - plain.ndcg10,
        );
        if let Some(r) = related {
            println!(
                "  {:<20} {:>5} documents  related notes P@5 {:.3}  (chance {:.4})",
                "", r.documents, r.precision, r.chance
            );
        }
    }
}

struct Collection {
    /// (id, title, body)
    docs: Vec<(String, String, String)>,
    relevant: HashMap<String, HashSet<String>>,
    /// (query id, text) of the judged queries.
    queries: Vec<(String, String)>,
}

impl Collection {
    fn read(dir: &Path, queries: &str, qrels: &str) -> Collection {
        let docs = std::fs::read_to_string(dir.join("docs.jsonl")).expect("docs.jsonl");
        let docs = (docs.lines())
            .map(|line| {
                let doc: serde_json::Value = serde_json::from_str(line).expect("a JSON document");
                let text = |key: &str| doc[key].as_str().unwrap_or_default().to_string();
                (text("id"), text("title"), text("body"))
            })
            .collect();
        let mut relevant: HashMap<String, HashSet<String>> = HashMap::new();
        let judgments = std::fs::read_to_string(dir.join(qrels)).expect("qrels");
        for line in judgments.lines() {
            let mut f = line.split('\t');
            if let (Some(q), Some(d), Some(grade)) = (f.next(), f.next(), f.next())
                && grade.trim() != "0"
            {
                relevant.entry(q.into()).or_default().insert(d.into());
            }
        }
        let texts = std::fs::read_to_string(dir.join(queries)).expect("queries");
        let queries = (texts.lines())
            .filter_map(|l| l.split_once('\t'))
            .filter(|(q, _)| relevant.contains_key(*q))
            .map(|(q, t)| (q.to_string(), t.to_string()))
            .collect();
        Collection {
            docs,
            relevant,
            queries,
        }
    }

    /// nDCG@10, Recall@100 and the zero-result share of `rank` (a query's text → document ids,
    /// best first), and the run it made.
    fn score(&self, mut rank: impl FnMut(&str) -> Vec<String>) -> (Score, String) {
        let started = Instant::now();
        let (mut ndcg, mut recall, mut zero) = (0.0, 0.0, 0usize);
        let mut run = String::new();
        for (qid, text) in &self.queries {
            let ranked = rank(text);
            let wanted = &self.relevant[qid];
            if ranked.is_empty() {
                zero += 1;
            }
            let dcg: f64 = (ranked.iter().take(10).enumerate())
                .filter(|(_, d)| wanted.contains(*d))
                .map(|(i, _)| 1.0 / ((i + 2) as f64).log2())
                .sum();
            let ideal: f64 = (0..wanted.len().min(10))
                .map(|i| 1.0 / ((i + 2) as f64).log2())
                .sum();
            ndcg += dcg / ideal;
            recall +=
                ranked.iter().filter(|d| wanted.contains(*d)).count() as f64 / wanted.len() as f64;
            for (n, doc) in ranked.iter().enumerate() {
                run.push_str(&format!("{qid}\t{doc}\t{}\n", n + 1));
            }
        }
        let n = self.queries.len().max(1) as f64;
        let score = Score {
            queries: self.queries.len(),
            ndcg10: ndcg / n,
            recall100: recall / n,
            zero: zero as f64 / n,
            seconds: started.elapsed().as_secs_f64(),
        };
        (score, run)
    }
}

struct Score {
    queries: usize,
    ndcg10: f64,
    recall100: f64,
    zero: f64,
    seconds: f64,
}

struct Related {
    documents: usize,
    precision: f64,
    chance: f64,
}

fn measure(collection: &Collection, run_file: Option<PathBuf>) -> (Score, Option<Related>) {
    let started = Instant::now();
    let files = tempfile::tempdir().expect("temp dir");
    for (n, (id, title, body)) in collection.docs.iter().enumerate() {
        std::fs::write(
            files.path().join(format!("{n}.md")),
            format!(
                "---\nsource: \"https://relevance.invalid/{id}\"\n---\n# {}\n\n{body}\n",
                title.replace('\n', " "),
            ),
        )
        .expect("write");
    }
    let home = tempfile::tempdir().expect("temp dir");
    let library = Library::open(home.path().join("lib")).expect("library");
    let report = library
        .import(
            &[files.path().to_path_buf()],
            &ImportOptions::default(),
            &mut |_| ControlFlow::Continue(()),
        )
        .expect("import");
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    library.flush_index().expect("indexed");
    let doc_of: HashMap<i64, String> = library
        .notes(&Default::default())
        .expect("notes")
        .into_iter()
        .filter_map(|n| {
            let url = library.note(n.id).ok()?.article.url?;
            Some((n.id, url.rsplit('/').next()?.to_string()))
        })
        .collect();
    let options = SearchOptions {
        limit: 100,
        ..SearchOptions::default()
    };
    let (mut score, run) = collection.score(|text| {
        let hits = library.search(text, &options).expect("search").hits;
        (hits.iter())
            .filter_map(|h| doc_of.get(&h.id).cloned())
            .collect()
    });
    score.seconds = started.elapsed().as_secs_f64();
    if let Some(path) = run_file {
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("runs folder");
        std::fs::write(path.with_extension("run"), run).expect("write the run");
    }
    // Related notes, for the queries with two relevant documents or more.
    let note_of: HashMap<&str, i64> = doc_of.iter().map(|(n, d)| (d.as_str(), *n)).collect();
    let (mut documents, mut precision, mut chance) = (0usize, 0.0, 0.0);
    let others = (collection.docs.len().max(2) - 1) as f64;
    for (qid, _) in &collection.queries {
        let wanted = &collection.relevant[qid];
        if wanted.len() < 2 {
            continue;
        }
        for doc in wanted {
            let Some(&note) = note_of.get(doc.as_str()) else {
                continue;
            };
            let related = library.related(note, 5).expect("related notes");
            let hits = (related.iter())
                .filter(|r| doc_of.get(&r.id).is_some_and(|d| wanted.contains(d)))
                .count();
            documents += 1;
            precision += hits as f64 / 5.0;
            chance += (wanted.len() - 1) as f64 / others;
        }
    }
    let related = (documents > 0).then(|| Related {
        documents,
        precision: precision / documents as f64,
        chance: chance / documents as f64,
    });
    (score, related)
}

/// Plain BM25 over title and body in one field, with Lode's analyzer for `language` (simple
/// tokens, long ones dropped, lower case, ASCII folding, Snowball stems) and its stop words;
/// the query's letters and digits, its words joined by OR.
fn baseline(collection: &Collection, language: Language) -> (Score, String) {
    use tantivy::collector::TopDocs;
    use tantivy::query::QueryParser;
    use tantivy::schema::{IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions};

    let started = Instant::now();
    let mut builder = Schema::builder();
    let indexing = TextFieldIndexing::default()
        .set_tokenizer("plain_bm25")
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let text = builder.add_text_field(
        "text",
        TextOptions::default().set_indexing_options(indexing),
    );
    let id = builder.add_text_field("id", STORED);
    let index = tantivy::Index::create_in_ram(builder.build());
    let analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(StopWordFilter::new(language).expect("a stop-word list"))
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(language))
        .build();
    index.tokenizers().register("plain_bm25", analyzer);
    let mut writer: tantivy::IndexWriter = index.writer(100_000_000).expect("writer");
    for (doc_id, title, body) in &collection.docs {
        writer
            .add_document(tantivy::doc!(text => format!("{title}\n{body}"), id => doc_id.as_str()))
            .expect("add");
    }
    writer.commit().expect("commit");
    let reader = index.reader().expect("reader");
    let searcher = reader.searcher();
    let parser = QueryParser::for_index(&index, vec![text]);
    let (mut score, run) = collection.score(|q| {
        let words: String = (q.chars())
            .map(|c| if c.is_alphanumeric() { c } else { ' ' })
            .collect();
        let words: Vec<&str> = words.split_whitespace().collect();
        let Ok(query) = parser.parse_query(&words.join(" OR ")) else {
            return Vec::new();
        };
        let top = searcher
            .search(&query, &TopDocs::with_limit(100).order_by_score())
            .expect("search");
        (top.into_iter())
            .filter_map(|(_, at)| {
                let doc: tantivy::TantivyDocument = searcher.doc(at).ok()?;
                use tantivy::schema::Value;
                Some(doc.get_first(id)?.as_str()?.to_string())
            })
            .collect()
    });
    score.seconds = started.elapsed().as_secs_f64();
    (score, run)
}
