//! `cargo bench --bench abuse`: what the crash-and-abuse run found slow, measured through
//! `Library` (release build) with its targets:
//! - a clip of one 16 MiB line, stored and searchable: within 2 s and 512 MB;
//! - 3,000 files of one title imported with `--merge`, against 3,000 of different titles:
//!   about as fast (at most 1.5 times as long);
//! - pathological queries (thousands of terms, negations, typos, phrases) on a library of
//!   `LODE_ABUSE_NOTES` notes (default 5,000; the target is stated for 100,000): each within
//!   300 ms and 100 MB.
//!
//! The test command runs it at the defaults; `LODE_ABUSE_NOTES=100000` is the real run, and
//! `LODE_ABUSE_ONLY=clip|imports|queries` runs one part.

use std::ops::ControlFlow;
use std::path::Path;
use std::time::{Duration, Instant};

use lode::{Clip, ImportOptions, Library, SearchOptions};

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let notes: usize = std::env::var("LODE_ABUSE_NOTES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(5_000);
    let files: usize = std::env::var("LODE_ABUSE_FILES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(3_000);
    let mut failures = Vec::new();
    // `LODE_ABUSE_ONLY=clip|imports|queries` runs one part.
    let only = std::env::var("LODE_ABUSE_ONLY").ok();
    let runs = |part: &str| only.as_deref().is_none_or(|o| o == part);
    // First, while the process is small: its peak memory is the clip's.
    if runs("clip") {
        one_line_clip(&mut failures);
    }
    if runs("imports") {
        same_title_imports(files, &mut failures);
    }
    if runs("queries") {
        pathological_queries(notes, &mut failures);
    }
    assert!(failures.is_empty(), "over target: {failures:?}");
}

fn one_line_clip(failures: &mut Vec<String>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let line: String = (0..)
        .map(|i| format!("copper{} ore from the northern mine ", i % 9_973))
        .take_while({
            let mut len = 0;
            move |s: &String| {
                len += s.len();
                len < lode::MAX_CLIP_BYTES - 64
            }
        })
        .collect();
    let text = format!("One very long line\n\n{line}\n");
    // The best of three runs, each into a new library: the machine is shared.
    let mut took = Duration::MAX;
    let mut peak: f64 = 0.0;
    for run in 0..3 {
        let before = rss_mb();
        reset_peak();
        let started = Instant::now();
        let library = Library::open(dir.path().join(format!("lib{run}"))).expect("library");
        library
            .clip(&Clip {
                text: Some(text.clone()),
                ..Clip::default()
            })
            .expect("clip");
        library.flush_index().expect("indexed");
        drop(library);
        took = took.min(started.elapsed());
        peak = peak.max(peak_mb() - before);
    }
    println!(
        "16 MiB one-line clip, stored and indexed: {:.2} s, {peak:.0} MB above the process (target 2 s, 512 MB)",
        took.as_secs_f64()
    );
    if took > Duration::from_secs(2) || peak > 512.0 {
        failures.push(format!("one-line clip {took:?} {peak:.0} MB"));
    }
}

fn same_title_imports(files: usize, failures: &mut Vec<String>) {
    let run = |same_title: bool| -> Duration {
        let src = tempfile::tempdir().expect("temp dir");
        for i in 0..files {
            let title = if same_title {
                "Eunews".to_string()
            } else {
                format!("Report {i}")
            };
            std::fs::write(
                src.path().join(format!("{i}.md")),
                format!("# {title}\n\n{}\n", body(i as u64, 30)),
            )
            .expect("write");
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let library = Library::open(dir.path().join("lib")).expect("library");
        let started = Instant::now();
        let report = library
            .import(
                &[src.path().to_path_buf()],
                &ImportOptions {
                    merge_similar: true,
                },
                &mut |_| ControlFlow::Continue(()),
            )
            .expect("import");
        library.flush_index().expect("indexed");
        let took = started.elapsed();
        assert_eq!(report.created, files, "{report:?}");
        assert!(report.failed.is_empty(), "{:?}", report.failed);
        took
    };
    // Alternately, five times each, the best of each: the machine is shared (on a busy day
    // the best of three moved the ratio between 1.33 and 1.50), and the first run warms the
    // caches.
    let mut different = Duration::MAX;
    let mut same = Duration::MAX;
    for _ in 0..5 {
        different = different.min(run(false));
        same = same.min(run(true));
    }
    let ratio = same.as_secs_f64() / different.as_secs_f64();
    println!(
        "{files} files with --merge: different titles {:.2} s ({:.0} notes/s), one title {:.2} s ({:.0} notes/s); ratio {ratio:.2} (target <= 1.5)",
        different.as_secs_f64(),
        files as f64 / different.as_secs_f64(),
        same.as_secs_f64(),
        files as f64 / same.as_secs_f64(),
    );
    if ratio > 1.5 {
        failures.push(format!("same-title import ratio {ratio:.2}"));
    }
}

fn pathological_queries(notes: usize, failures: &mut Vec<String>) {
    let src = tempfile::tempdir().expect("temp dir");
    for i in 0..notes {
        std::fs::write(
            src.path().join(format!("{i}.md")),
            format!(
                "# {}\n\n{}\n",
                words(i as u64 * 7 + 3, 6),
                body(i as u64, 12)
            ),
        )
        .expect("write");
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let library = Library::open(dir.path().join("lib")).expect("library");
    let started = Instant::now();
    library
        .import(
            &[src.path().to_path_buf()],
            &ImportOptions::default(),
            &mut |_| ControlFlow::Continue(()),
        )
        .expect("import");
    library.flush_index().expect("indexed");
    println!(
        "pathological queries on {notes} notes (imported in {:.1} s); target 300 ms and 100 MB each:",
        started.elapsed().as_secs_f64()
    );
    let common =
        |n: usize| -> Vec<String> { (0..n).map(|i| VOCABULARY[i % 40].to_string()).collect() };
    let rare = |n: usize| -> Vec<String> { (0..n).map(|i| format!("zq{i}x")).collect() };
    let cases: Vec<(&str, String, usize)> = vec![
        ("a plain query", "copper mine".into(), 10),
        (
            "1,000 negated common words",
            format!(
                "copper {}",
                common(1_000)
                    .iter()
                    .map(|w| format!("-{w}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            10,
        ),
        (
            "300 misspelt words",
            (0..300)
                .map(|i| format!("{}q", VOCABULARY[i % VOCABULARY.len()]))
                .collect::<Vec<_>>()
                .join(" "),
            1_000,
        ),
        (
            "500 phrases",
            (0..500)
                .map(|i| {
                    format!(
                        "\"{} {}\"",
                        VOCABULARY[i % 50],
                        VOCABULARY[(i * 7 + 1) % 50]
                    )
                })
                .collect::<Vec<_>>()
                .join(" "),
            1_000,
        ),
        ("1,000 ORs", common(1_000).join(" OR "), 1_000),
        ("2,000 terms", common(2_000).join(" "), 1_000),
        ("2,000 rare terms", rare(2_000).join(" "), 1_000),
        ("10,000 characters", "copper ".repeat(10_000 / 7), 1_000),
        ("a prefix of one letter", "c*".into(), 1_000),
        (
            "nested parentheses",
            format!("{}copper{}", "(".repeat(500), ")".repeat(500)),
            1_000,
        ),
    ];
    let only_case = std::env::var("LODE_ABUSE_CASE").unwrap_or_default();
    for (name, query, limit) in cases {
        if !name.contains(only_case.as_str()) {
            continue;
        }
        let options = SearchOptions {
            limit,
            facets: true,
            ..SearchOptions::default()
        };
        library.search(&query, &options).expect("search"); // warm
        let before = rss_mb();
        reset_peak();
        let repeats = std::env::var("LODE_ABUSE_REPEATS")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(3);
        let mut times: Vec<Duration> = (0..repeats)
            .map(|_| {
                let started = Instant::now();
                library.search(&query, &options).expect("search");
                started.elapsed()
            })
            .collect();
        times.sort();
        let median = times[times.len() / 2];
        let memory = (peak_mb() - before).max(0.0);
        println!(
            "  {name:<28} {:>8.1} ms  {memory:>5.0} MB",
            median.as_secs_f64() * 1000.0
        );
        if median > Duration::from_millis(300) || memory > 100.0 {
            failures.push(format!("{name}: {median:?} {memory:.0} MB"));
        }
    }
}

const VOCABULARY: &[&str] = &[
    "the",
    "and",
    "copper",
    "mine",
    "export",
    "quota",
    "ministry",
    "river",
    "harbour",
    "price",
    "contract",
    "smelter",
    "lithium",
    "brine",
    "farmers",
    "drought",
    "tender",
    "railway",
    "customs",
    "union",
    "strike",
    "border",
    "treaty",
    "tariff",
    "cobalt",
    "nickel",
    "refinery",
    "minister",
    "company",
    "report",
    "government",
    "market",
    "billion",
    "production",
    "water",
    "energy",
    "european",
    "commission",
    "investment",
    "supply",
    "central",
    "asia",
    "rare",
    "earths",
    "magnet",
    "battery",
    "license",
    "permit",
    "protest",
    "court",
    "ruling",
    "appeal",
    "deposit",
    "survey",
    "drilling",
    "tonnes",
    "shipment",
    "port",
    "freight",
    "sanction",
];

/// `n` sentences of 12 words drawn from the vocabulary (common words more often) by `seed`.
fn body(seed: u64, n: usize) -> String {
    (0..n)
        .map(|s| format!("{}.", words(seed * 1_000 + s as u64, 12)))
        .collect::<Vec<_>>()
        .join(" ")
}

fn words(seed: u64, n: usize) -> String {
    let mut x = seed
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407)
        | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Roughly Zipf: the square of a uniform draw favours the first words.
            let u = (x % 10_000) as f64 / 10_000.0;
            VOCABULARY[((u * u) * VOCABULARY.len() as f64) as usize]
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn status_mb(field: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn rss_mb() -> f64 {
    status_mb("VmRSS:")
}

fn peak_mb() -> f64 {
    status_mb("VmHWM:")
}

/// Resets the process's peak resident memory to its current one (Linux).
fn reset_peak() {
    let _ = std::fs::write(Path::new("/proc/self/clear_refs"), "5");
}
