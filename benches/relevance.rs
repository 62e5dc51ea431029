//! `cargo bench --bench relevance`: ranking quality on the judged collections in
//! `../shared/relevance` (SciFact, English; SQuAD-it, Italian). Each document is imported as a
//! Markdown note (`# title`, the body; its id in the front matter's `source`, which search
//! does not read), each query's text is searched as a user would type it (`--limit 100`), and
//! nDCG@10, Recall@100 and the zero-result share are computed as the collection's `score.py`
//! computes them (binary gain, log2(rank + 1) discount, a judged query without results
//! scoring 0). `LODE_RELEVANCE_RUNS=DIR` also writes each run (`qid<TAB>docid<TAB>rank`) for
//! that scorer.

use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::Instant;

use lode::{ImportOptions, Library, SearchOptions};

/// A collection: its folder, and the query and judgment files to use.
/// SciFact's 809 training claims are the part to tune on; its 300 dev claims and SQuAD-it's
/// 1,000-question sample are the parts to check on.
const COLLECTIONS: &[(&str, &str, &str, &str)] = &[
    (
        "scifact",
        "queries-train.tsv",
        "qrels-train.tsv",
        "scifact-train (tune)",
    ),
    ("scifact", "queries.tsv", "qrels.tsv", "scifact"),
    ("squad-it", "queries-1k.tsv", "qrels-1k.tsv", "squad-it"),
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
    for &(folder, queries, qrels, name) in COLLECTIONS {
        let dir = shared.join(folder);
        let run = runs
            .as_deref()
            .map(|r| r.join(name.split(' ').next().unwrap_or(name)));
        let score = measure(&dir, queries, qrels, run);
        println!(
            "  {name:<20} {:>5} queries  nDCG@10 {:.3}  Recall@100 {:.3}  zero results {:.1}%  ({:.1} s)",
            score.queries,
            score.ndcg10,
            score.recall100,
            score.zero * 100.0,
            score.seconds
        );
    }
}

struct Score {
    queries: usize,
    ndcg10: f64,
    recall100: f64,
    zero: f64,
    seconds: f64,
}

fn measure(dir: &Path, queries: &str, qrels: &str, run_file: Option<PathBuf>) -> Score {
    let started = Instant::now();
    let files = tempfile::tempdir().expect("temp dir");
    let docs = std::fs::read_to_string(dir.join("docs.jsonl")).expect("docs.jsonl");
    for (n, line) in docs.lines().enumerate() {
        let doc: serde_json::Value = serde_json::from_str(line).expect("a JSON document");
        let text = |key: &str| doc[key].as_str().unwrap_or_default().to_string();
        std::fs::write(
            files.path().join(format!("{n}.md")),
            format!(
                "---\nsource: \"https://relevance.invalid/{}\"\n---\n# {}\n\n{}\n",
                text("id"),
                text("title").replace('\n', " "),
                text("body")
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
    let mut relevant: HashMap<String, HashSet<String>> = HashMap::new();
    for line in std::fs::read_to_string(dir.join(qrels))
        .expect("qrels")
        .lines()
    {
        let mut f = line.split('\t');
        if let (Some(q), Some(d), Some(grade)) = (f.next(), f.next(), f.next())
            && grade.trim() != "0"
        {
            relevant.entry(q.into()).or_default().insert(d.into());
        }
    }
    let (mut ndcg, mut recall, mut zero) = (0.0, 0.0, 0usize);
    let mut run = String::new();
    let options = SearchOptions {
        limit: 100,
        ..SearchOptions::default()
    };
    let texts = std::fs::read_to_string(dir.join(queries)).expect("queries");
    let judged: Vec<(&str, &str)> = texts
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .filter(|(q, _)| relevant.contains_key(*q))
        .collect();
    for &(qid, text) in &judged {
        let hits = library.search(text, &options).expect("search").hits;
        let ranked: Vec<&str> = hits
            .iter()
            .filter_map(|h| doc_of.get(&h.id).map(String::as_str))
            .collect();
        let wanted = &relevant[qid];
        if ranked.is_empty() {
            zero += 1;
        }
        let dcg: f64 = (ranked.iter().take(10).enumerate())
            .filter(|(_, d)| wanted.contains(**d))
            .map(|(i, _)| 1.0 / ((i + 2) as f64).log2())
            .sum();
        let ideal: f64 = (0..wanted.len().min(10))
            .map(|i| 1.0 / ((i + 2) as f64).log2())
            .sum();
        ndcg += dcg / ideal;
        recall +=
            ranked.iter().filter(|d| wanted.contains(**d)).count() as f64 / wanted.len() as f64;
        for (rank, doc) in ranked.iter().enumerate() {
            run.push_str(&format!("{qid}\t{doc}\t{}\n", rank + 1));
        }
    }
    if let Some(path) = run_file {
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("runs folder");
        std::fs::write(path.with_extension("run"), run).expect("write the run");
    }
    let n = judged.len().max(1) as f64;
    Score {
        queries: judged.len(),
        ndcg10: ndcg / n,
        recall100: recall / n,
        zero: zero as f64 / n,
        seconds: started.elapsed().as_secs_f64(),
    }
}
