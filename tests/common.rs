use std::path::PathBuf;
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use lode::{Clip, ClipOutcome, FixedClock, Library, NoteId, SearchOptions, SearchResults};
use tempfile::TempDir;

/// A library in a fresh temporary folder, with a deterministic clock.
pub struct TestLibrary {
    pub dir: TempDir,
    pub lib: Library,
}

pub fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::new(
        Utc.with_ymd_and_hms(2026, 1, 15, 9, 0, 0).unwrap(),
    ))
}

impl TestLibrary {
    pub fn new() -> TestLibrary {
        let dir = tempfile::tempdir().unwrap();
        let lib = Library::open_with_clock(dir.path(), clock()).expect("a fresh library opens");
        TestLibrary { dir, lib }
    }

    /// Closes the library (its indexer commits what is pending) and opens it again.
    pub fn reopen(self) -> TestLibrary {
        self.reopen_after(|_| {})
    }

    /// Closes the library, lets `meddle` change its folder (as a crash or a user might), and
    /// opens it again.
    pub fn reopen_after(self, meddle: impl FnOnce(&std::path::Path)) -> TestLibrary {
        let TestLibrary { dir, lib } = self;
        drop(lib);
        meddle(dir.path());
        let lib = Library::open_with_clock(dir.path(), clock()).expect("the library reopens");
        TestLibrary { dir, lib }
    }

    pub fn clip_text(&self, text: &str) -> ClipOutcome {
        self.lib
            .clip(&Clip {
                text: Some(text.to_string()),
                ..Clip::default()
            })
            .expect("the clip is stored")
    }

    pub fn clip_fixture(&self, name: &str) -> NoteId {
        self.clip_text(&fixture(name)).id
    }

    pub fn search(&self, query: &str) -> SearchResults {
        self.lib.flush_index().expect("the index catches up");
        self.lib
            .search(query, &SearchOptions::default())
            .expect("a search never fails on a user's query")
    }

    pub fn ids(&self, query: &str) -> Vec<NoteId> {
        self.search(query).hits.iter().map(|h| h.id).collect()
    }
}

/// Runs the `lode` binary on the library in `library` (reading pages on this machine is allowed,
/// as the tests serve them there).
pub fn lode_output(library: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_lode"))
        .arg("--library")
        .arg(library)
        .args(args)
        .env("LODE_ALLOW_PRIVATE_FETCH", "1")
        .output()
        .unwrap()
}

/// Runs `lode` on `library` and returns what it printed; the command must succeed.
pub fn lode(library: &std::path::Path, args: &[&str]) -> String {
    let out = lode_output(library, args);
    assert!(
        out.status.success(),
        "lode {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs `lode … --json` on `library` and returns its JSON; the command must succeed.
pub fn lode_json(library: &std::path::Path, args: &[&str]) -> serde_json::Value {
    let out = lode(library, args);
    serde_json::from_str(&out)
        .unwrap_or_else(|e| panic!("lode {args:?} printed no JSON ({e}): {out}"))
}

/// A page a local server answers with.
pub struct Reply {
    pub status: &'static str,
    pub content_type: &'static str,
    /// Header lines, each ending in `\r\n`.
    pub headers: &'static str,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn html(body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status: "200 OK",
            content_type: "text/html; charset=utf-8",
            headers: "",
            body: body.into(),
        }
    }

    pub fn not_found() -> Reply {
        Reply {
            status: "404 Not Found",
            ..Reply::html("<h1>Not found</h1>")
        }
    }
}

/// An HTTP server on this machine (tests never reach the internet) answering each request's
/// path with `route(path)`; returns its base address, `http://127.0.0.1:PORT`.
pub fn serve(route: impl Fn(&str) -> Reply + Send + 'static) -> String {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request = String::new();
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            // The rest of the request's head.
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let path = request.split_whitespace().nth(1).unwrap_or("/");
            let reply = route(path);
            let _ = write!(
                stream,
                "HTTP/1.1 {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n{}Connection: close\r\n\r\n",
                reply.status,
                reply.content_type,
                reply.body.len(),
                reply.headers
            );
            let _ = stream.write_all(&reply.body);
        }
    });
    base
}

pub fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

/// A minimal article page: a title line, then paragraphs long enough to count as body.
pub fn article(title: &str, paragraphs: &[&str]) -> String {
    let mut text = format!("{title}\n\n");
    for p in paragraphs {
        text.push_str(p);
        text.push_str("\n\n");
    }
    text
}

pub fn shared_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    if dir.join("seeds").is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "\n**************** ACCEPTANCE SKIPPED ****************\n\
             ../shared/seeds is not beside the checkout ({}):\n\
             the seed acceptance tests did not run.\n\
             ****************************************************\n",
            dir.display()
        );
        None
    }
}

pub struct Seed {
    pub raw: String,
    pub clean: String,
    pub expected: serde_json::Value,
}

pub fn seed() -> Option<Seed> {
    let seeds = shared_dir()?.join("seeds");
    let read = |name: &str| std::fs::read_to_string(seeds.join(name)).expect("seed file");
    Some(Seed {
        raw: read("000_8fe9e2d94c3ca071.txt"),
        clean: read("001_a73affb03b69afaf.txt"),
        expected: serde_json::from_str(&read("000_8fe9e2d94c3ca071.expected.json"))
            .expect("seed json"),
    })
}

/// 4-token shingles of `\w+` tokens, counted: the benchmarks' unit of body overlap.
pub fn shingles(text: &str) -> std::collections::HashMap<Vec<&str>, usize> {
    let tokens: Vec<&str> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|t| !t.is_empty())
        .collect();
    let mut counts = std::collections::HashMap::new();
    for w in tokens.windows(4) {
        *counts.entry(w.to_vec()).or_default() += 1;
    }
    counts
}

/// (true positives, predicted, true) shingle counts of one page.
pub fn shingle_counts(truth: &str, predicted: &str) -> (usize, usize, usize) {
    let (t, p) = (shingles(truth), shingles(predicted));
    let tp = t
        .iter()
        .map(|(k, n)| (*n).min(*p.get(k).unwrap_or(&0)))
        .sum();
    (tp, p.values().sum(), t.values().sum())
}

/// The benchmarks' body metric on one page: F1 of shingle precision and recall.
pub fn shingle_f1(truth: &str, predicted: &str) -> f64 {
    let (tp, pn, tn) = shingle_counts(truth, predicted);
    if tp == 0 {
        return 0.0;
    }
    let (precision, recall) = (tp as f64 / pn as f64, tp as f64 / tn as f64);
    2.0 * precision * recall / (precision + recall)
}
