//! `cargo bench --bench corpus`: Lode against raw Tantivy and SQLite FTS5 on one generated
//! corpus of news-like articles (English and Italian mixed, ~800 words each).
//!
//! Environment: `LODE_BENCH_NOTES` (default 100000), `LODE_BENCH_DIR` (default: a temp dir),
//! `LODE_BENCH_QUERIES` (default 300 per kind), `LODE_BENCH_FTS5=0` (leaves SQLite FTS5 out,
//! for a corpus whose copies would not fit on the disk). Prints a table and writes
//! `target/bench-corpus.json`.

use std::ops::ControlFlow;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use lode::{Clip, Library, SearchOptions};

// ---------------------------------------------------------------- the corpus

/// SplitMix64: a tiny deterministic generator, so every run builds the same corpus.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    /// Zipf-like rank in 0..n (frequent words much more frequent).
    fn zipf(&mut self, n: usize) -> usize {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        ((n as f64).powf(u) - 1.0) as usize % n
    }
}

const EN_FUNCTION: &[&str] = &[
    "the", "of", "and", "to", "in", "a", "is", "that", "for", "on", "with", "as", "by", "at",
    "from", "it", "was", "its", "has", "have", "which", "their", "this", "but", "not", "are", "be",
    "will", "would", "after", "more", "than", "also", "into", "about", "over", "while", "since",
];
const IT_FUNCTION: &[&str] = &[
    "il", "la", "di", "e", "che", "per", "un", "una", "in", "con", "del", "della", "dei", "delle",
    "nel", "nella", "al", "alla", "sono", "è", "non", "più", "anche", "come", "ma", "si", "ha",
    "tra", "questo", "questa", "dopo", "perché", "già", "però",
];
const EN_SYLLABLES: &[&str] = &[
    "con", "tract", "min", "er", "al", "port", "ex", "tion", "trade", "gov", "ern", "ment", "re",
    "form", "sup", "ply", "chain", "pro", "duc", "ers", "mar", "ket", "pol", "i", "cy", "en", "er",
    "gy", "car", "bon", "cop", "per", "ur", "an", "ium", "lith", "tung", "sten", "ing", "ed", "s",
];
const IT_SYLLABLES: &[&str] = &[
    "go", "ver", "no", "mi", "nie", "ra", "ri", "for", "ma", "mer", "ca", "to", "po", "li", "ti",
    "ca", "zio", "ne", "ni", "pre", "zzo", "im", "pre", "sa", "ac", "cor", "do", "ener", "gia",
    "ta", "te", "men", "te", "ità", "è", "ché",
];
const VOCABULARY: usize = 20_000;

fn word(lang: usize, rank: usize) -> String {
    let syllables = if lang == 0 {
        EN_SYLLABLES
    } else {
        IT_SYLLABLES
    };
    let mut rng = Rng(rank as u64 * 7919 + lang as u64 * 104_729);
    let n = 2 + rank % 3 + (rank > 2000) as usize;
    (0..n)
        .map(|_| syllables[rng.below(syllables.len())])
        .collect()
}

struct Article {
    title: String,
    author: String,
    date: String,
    paragraphs: Vec<String>,
}

fn article(i: usize, vocab: &[Vec<String>; 2]) -> Article {
    let mut rng = Rng(i as u64 ^ 0x5eed);
    let lang = usize::from(rng.below(10) >= 7); // 70% English, 30% Italian
    let function = if lang == 0 { EN_FUNCTION } else { IT_FUNCTION };
    let content = |rng: &mut Rng| vocab[lang][rng.zipf(VOCABULARY)].clone();
    let mut title: Vec<String> = (0..rng.range(6, 10)).map(|_| content(&mut rng)).collect();
    title[0] = capitalize(&title[0]);
    let paragraphs = (0..rng.range(10, 12))
        .map(|_| {
            (0..rng.range(3, 5))
                .map(|_| {
                    let words: Vec<String> = (0..rng.range(14, 22))
                        .map(|_| {
                            if rng.below(10) < 4 {
                                function[rng.below(function.len())].to_string()
                            } else {
                                content(&mut rng)
                            }
                        })
                        .collect();
                    format!("{}.", capitalize(&words.join(" ")))
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let months = ["January", "March", "May", "July", "September", "November"];
    Article {
        title: title.join(" "),
        author: format!(
            "{} {}",
            capitalize(&vocab[0][rng.below(300)]),
            capitalize(&vocab[1][rng.below(300)])
        ),
        date: format!(
            "{} {} {}",
            rng.range(1, 28),
            months[rng.below(6)],
            rng.range(2019, 2026)
        ),
        paragraphs,
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn clip_text(a: &Article) -> String {
    format!(
        "{}\n\nBy {}\n{}\n\n{}\n",
        a.title,
        a.author,
        a.date,
        a.paragraphs.join("\n\n")
    )
}

// ---------------------------------------------------------------- measuring

fn percentile(samples: &mut [Duration], p: f64) -> f64 {
    samples.sort_unstable();
    let at = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[at].as_secs_f64() * 1000.0
}

fn time<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let value = f();
    (value, start.elapsed())
}

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn dir_size(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => dir_size(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}

struct Stats {
    p50: f64,
    p99: f64,
}

impl Stats {
    fn line(&self) -> String {
        format!("p50 {:.2} ms  p99 {:.2} ms", self.p50, self.p99)
    }
}

fn stats(mut samples: Vec<Duration>) -> Stats {
    Stats {
        p50: percentile(&mut samples, 0.5),
        p99: percentile(&mut samples, 0.99),
    }
}

struct Queries {
    words: Vec<String>,
    prefixes: Vec<String>,
    typos: Vec<String>,
    phrases: Vec<String>,
}

fn queries(n: usize, notes: usize, vocab: &[Vec<String>; 2]) -> Queries {
    let mut rng = Rng(42);
    let mid = |rng: &mut Rng, lang: usize| vocab[lang][rng.range(20, 3000)].clone();
    let words = (0..n)
        .map(|_| {
            let lang = usize::from(rng.below(10) >= 7);
            (0..rng.range(1, 3))
                .map(|_| mid(&mut rng, lang))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let prefixes = (0..n)
        .map(|_| {
            let w = vocab[rng.below(2)][rng.zipf(VOCABULARY)].clone();
            w.chars().take(rng.range(2, 6)).collect()
        })
        .collect();
    let typos = (0..n)
        .map(|_| {
            let lang = rng.below(2);
            let mut w: Vec<char> = loop {
                let w = mid(&mut rng, lang);
                if w.chars().count() >= 5 {
                    break w.chars().collect();
                }
            };
            let at = rng.range(1, w.len() - 2);
            w[at] = ['x', 'q', 'z', 'k'][rng.below(4)];
            w.into_iter().collect()
        })
        .collect();
    let phrases = (0..n)
        .map(|_| {
            let a = article(rng.below(notes), vocab);
            let p = &a.paragraphs[rng.below(a.paragraphs.len())];
            let words: Vec<&str> = p.split_whitespace().collect();
            let at = rng.below(words.len() - 3);
            let phrase = words[at..at + rng.range(2, 3)].join(" ").replace('.', "");
            format!("\"{phrase}\"")
        })
        .collect();
    Queries {
        words,
        prefixes,
        typos,
        phrases,
    }
}

// ---------------------------------------------------------------- the three engines

fn bench_lode(
    dir: &Path,
    files: &Path,
    notes: usize,
    q: &Queries,
    vocab: &[Vec<String>; 2],
    report: &mut Vec<(String, String)>,
) -> (f64, f64) {
    let lib_dir = dir.join("lode");
    let rss_before = peak_rss_mb();
    let lib = Library::open(&lib_dir).expect("open");
    let (imported, import_time) = time(|| {
        let report = lib
            .import(&[files.to_path_buf()], &Default::default(), &mut |_| {
                ControlFlow::Continue(())
            })
            .expect("import");
        lib.flush_index().expect("flush");
        report
    });
    assert_eq!(
        imported.created,
        notes,
        "every generated note is imported: {:?}",
        imported.failed.first()
    );
    let rate = notes as f64 / import_time.as_secs_f64();
    report.push((
        "import (end to end, searchable)".into(),
        format!(
            "{notes} notes in {:.1} s = {rate:.0} notes/s",
            import_time.as_secs_f64()
        ),
    ));
    report.push((
        "peak RSS during import".into(),
        format!(
            "{:.0} MB (process before: {rss_before:.0} MB)",
            peak_rss_mb()
        ),
    ));

    let search =
        |query: &str, opts: &SearchOptions| time(|| lib.search(query, opts).expect("search")).1;
    let default = SearchOptions::default();
    let keystroke = SearchOptions {
        titles_only: true,
        facets: false,
        ..SearchOptions::default()
    };
    for _ in 0..20 {
        search(&q.words[0], &default); // warm the page cache
    }
    let with: Vec<Duration> = q.words.iter().map(|w| search(w, &default)).collect();
    let without: Vec<Duration> = (q.words.iter())
        .map(|w| {
            let no_facets = SearchOptions {
                facets: false,
                ..default.clone()
            };
            search(w, &no_facets)
        })
        .collect();
    // What the facets add to each query: its time with them less its time without.
    let facets_alone = stats(
        with.iter()
            .zip(&without)
            .map(|(w, wo)| w.saturating_sub(*wo))
            .collect(),
    );
    let words = stats(with);
    let no_facets = stats(without);
    let prefixes = stats(q.prefixes.iter().map(|w| search(w, &keystroke)).collect());
    let typos = stats(q.typos.iter().map(|w| search(w, &default)).collect());
    let phrases = stats(q.phrases.iter().map(|w| search(w, &default)).collect());
    report.push((
        "lode search top 10 + snippets + facets".into(),
        words.line(),
    ));
    report.push((
        "lode search top 10 + snippets, no facets".into(),
        no_facets.line(),
    ));
    report.push((
        "lode facets alone (with less without)".into(),
        facets_alone.line(),
    ));
    report.push(("lode keystroke (title prefix)".into(), prefixes.line()));
    report.push(("lode typo query".into(), typos.line()));
    report.push(("lode phrase query".into(), phrases.line()));
    // The reader's "More like this", for notes spread over the library.
    let every = (notes / 100).max(1);
    let sample: Vec<i64> = (lib.notes(&lode::NoteFilter::default()).expect("notes"))
        .iter()
        .step_by(every)
        .take(100)
        .map(|n| n.id)
        .collect();
    let related = stats(
        (sample.iter())
            .map(|&id| time(|| lib.related(id, 5).expect("related notes")).1)
            .collect(),
    );
    report.push(("lode related notes (5)".into(), related.line()));

    // Clip -> durable (SQLite committed, fsync'd) and clip -> searchable.
    let mut durable = Vec::new();
    for i in 0..200 {
        let text = clip_text(&article(notes + i, vocab));
        durable.push(
            time(|| {
                lib.clip(&Clip {
                    text: Some(text),
                    ..Clip::default()
                })
                .expect("clip")
            })
            .1,
        );
    }
    let durable = stats(durable);
    let mut searchable = Vec::new();
    for i in 0..40 {
        let token = format!("zzmarker{i}qq");
        let mut a = article(notes + 1000 + i, vocab);
        a.paragraphs[0].push_str(&format!(" The marker {token} is here."));
        let start = Instant::now();
        let id = lib
            .clip(&Clip {
                text: Some(clip_text(&a)),
                ..Clip::default()
            })
            .expect("clip")
            .id;
        let probe = SearchOptions {
            facets: false,
            ..default.clone()
        };
        while !lib
            .search(&format!("{token} "), &probe)
            .expect("search")
            .hits
            .iter()
            .any(|h| h.id == id)
        {
            std::thread::sleep(Duration::from_millis(1));
        }
        searchable.push(start.elapsed());
    }
    let searchable = stats(searchable);
    report.push(("clip -> durable".into(), durable.line()));
    report.push((
        "clip -> searchable".into(),
        format!("p50 {:.0} ms  p99 {:.0} ms", searchable.p50, searchable.p99),
    ));

    drop(lib);
    let raw_text = dir_size(files);
    let disk = dir_size(&lib_dir);
    report.push((
        "disk (SQLite + index) / raw text".into(),
        format!(
            "{:.0} MB / {:.0} MB = {:.2}x",
            disk as f64 / 1e6,
            raw_text as f64 / 1e6,
            disk as f64 / raw_text as f64
        ),
    ));
    let (_, open_first) = time(|| {
        let lib = Library::open(&lib_dir).expect("reopen");
        lib.search(&q.words[1], &default).expect("search");
        lib
    });
    report.push((
        "open library + first query".into(),
        format!("{:.1} ms", open_first.as_secs_f64() * 1000.0),
    ));
    (no_facets.p50, words.p50)
}

fn bench_tantivy(
    dir: &Path,
    files: &[PathBuf],
    q: &Queries,
    report: &mut Vec<(String, String)>,
) -> f64 {
    use tantivy::collector::TopDocs;
    use tantivy::query::QueryParser;
    use tantivy::schema::{STORED, Schema, TEXT};
    use tantivy::snippet::SnippetGenerator;
    let mut builder = Schema::builder();
    let title = builder.add_text_field("title", TEXT | STORED);
    let body = builder.add_text_field("body", TEXT | STORED);
    let index_dir = dir.join("tantivy");
    std::fs::create_dir_all(&index_dir).expect("dir");
    let index = tantivy::Index::create_in_dir(&index_dir, builder.build()).expect("index");
    let (_, build) = time(|| {
        let writer: tantivy::IndexWriter = index
            .writer_with_num_threads(2, 128_000_000)
            .expect("writer");
        for path in files {
            let text = std::fs::read_to_string(path).expect("file");
            let (t, b) = text.split_once("\n\n").unwrap_or(("", &text));
            writer
                .add_document(tantivy::doc!(title => t, body => b))
                .expect("add");
        }
        let mut writer = writer;
        writer.commit().expect("commit");
    });
    report.push((
        "raw tantivy index build".into(),
        format!("{:.1} s", build.as_secs_f64()),
    ));
    let reader = index.reader().expect("reader");
    let searcher = reader.searcher();
    let mut parser = QueryParser::for_index(&index, vec![title, body]);
    parser.set_conjunction_by_default();
    let run = |query: &str| {
        time(|| {
            let (query, _) = parser.parse_query_lenient(query);
            let top = searcher
                .search(&query, &TopDocs::with_limit(10).order_by_score())
                .expect("search");
            let generator = SnippetGenerator::create(&searcher, &*query, body).expect("snippets");
            for (_, at) in top {
                let doc: tantivy::TantivyDocument = searcher.doc(at).expect("doc");
                std::hint::black_box(generator.snippet_from_doc(&doc).to_html());
            }
        })
        .1
    };
    measure_baseline("raw tantivy", q, report, run)
}

/// Times a baseline engine's word and phrase queries (after warming its caches); returns the
/// word queries' p50.
fn measure_baseline(
    name: &str,
    q: &Queries,
    report: &mut Vec<(String, String)>,
    mut run: impl FnMut(&str) -> Duration,
) -> f64 {
    for _ in 0..20 {
        run(&q.words[0]);
    }
    let words = stats(q.words.iter().map(|w| run(w)).collect());
    let phrases = stats(q.phrases.iter().map(|w| run(w)).collect());
    report.push((format!("{name} top 10 + snippets"), words.line()));
    report.push((format!("{name} phrase"), phrases.line()));
    words.p50
}

fn bench_fts5(
    dir: &Path,
    files: &[PathBuf],
    q: &Queries,
    report: &mut Vec<(String, String)>,
) -> f64 {
    let conn = rusqlite::Connection::open(dir.join("fts5.db")).expect("fts5 db");
    conn.execute_batch("PRAGMA journal_mode=WAL; CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize='porter unicode61');").expect("fts5");
    let (_, build) = time(|| {
        for chunk in files.chunks(10_000) {
            let tx = conn.unchecked_transaction().expect("tx");
            for path in chunk {
                let text = std::fs::read_to_string(path).expect("file");
                let (t, b) = text.split_once("\n\n").unwrap_or(("", &text));
                tx.execute("INSERT INTO docs (title, body) VALUES (?1, ?2)", [t, b])
                    .expect("insert");
            }
            tx.commit().expect("commit");
        }
    });
    report.push((
        "fts5 index build".into(),
        format!("{:.1} s", build.as_secs_f64()),
    ));
    let mut stmt = conn
        .prepare("SELECT rowid, snippet(docs, 1, '[', ']', '…', 24) FROM docs WHERE docs MATCH ?1 ORDER BY rank LIMIT 10")
        .expect("prepare");
    let run = |query: &str| {
        let fts_query = if query.starts_with('"') {
            query.to_string()
        } else {
            query
                .split_whitespace()
                .map(|w| format!("\"{w}\""))
                .collect::<Vec<_>>()
                .join(" ")
        };
        time(|| {
            let rows = stmt
                .query_map([&fts_query], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
                })
                .expect("query");
            std::hint::black_box(rows.count());
        })
        .1
    };
    measure_baseline("fts5 (ORDER BY rank)", q, report, run)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo bench -- --list`
    }
    let env = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let notes = env("LODE_BENCH_NOTES", 100_000);
    let n_queries = env("LODE_BENCH_QUERIES", 300);
    let temp = tempfile::tempdir().expect("temp dir");
    let dir = std::env::var("LODE_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| temp.path().to_path_buf());
    if dir.exists() && dir != temp.path() {
        std::fs::remove_dir_all(&dir).expect("clean bench dir");
    }
    let files_dir = dir.join("corpus");
    std::fs::create_dir_all(&files_dir).expect("corpus dir");

    let vocab = [0, 1].map(|lang| (0..VOCABULARY).map(|r| word(lang, r)).collect::<Vec<_>>());
    eprintln!("generating {notes} articles in {}", files_dir.display());
    let mut files = Vec::with_capacity(notes);
    for i in 0..notes {
        let sub = files_dir.join(format!("{:03}", i / 1000));
        if i % 1000 == 0 {
            std::fs::create_dir_all(&sub).expect("dir");
        }
        let path = sub.join(format!("{i:06}.txt"));
        std::fs::write(&path, clip_text(&article(i, &vocab))).expect("write");
        files.push(path);
    }
    let words: usize = (0..notes.min(500))
        .map(|i| {
            article(i, &vocab)
                .paragraphs
                .iter()
                .map(|p| p.split_whitespace().count())
                .sum::<usize>()
        })
        .sum();
    let q = queries(n_queries, notes, &vocab);

    let mut report = vec![(
        "corpus".to_string(),
        format!(
            "{notes} articles, ~{} words each, 70% en / 30% it",
            words / notes.min(500)
        ),
    )];
    eprintln!("lode…");
    let (lode_p50, lode_facets_p50) = bench_lode(&dir, &files_dir, notes, &q, &vocab, &mut report);
    eprintln!("raw tantivy…");
    let tantivy_p50 = bench_tantivy(&dir, &files, &q, &mut report);
    eprintln!("fts5…");
    let fts5_p50 = if std::env::var("LODE_BENCH_FTS5").is_ok_and(|v| v == "0") {
        None
    } else {
        Some(bench_fts5(&dir, &files, &q, &mut report))
    };
    // Like for like (top 10 + snippets), then with the facets the baselines do not compute.
    for (name, baseline) in [("raw tantivy", Some(tantivy_p50)), ("fts5", fts5_p50)] {
        let Some(baseline) = baseline else { continue };
        report.push((
            format!("lode / {name} (p50)"),
            format!(
                "{:.2}x (with facets {:.2}x)",
                lode_p50 / baseline,
                lode_facets_p50 / baseline
            ),
        ));
    }

    println!();
    for (k, v) in &report {
        println!("{k:<45} {v}");
    }
    let json: serde_json::Map<String, serde_json::Value> =
        report.into_iter().map(|(k, v)| (k, v.into())).collect();
    let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-corpus.json");
    if let Ok(text) = serde_json::to_string_pretty(&json) {
        let _ = std::fs::write(out, text);
    }
}
