//! `cargo bench --bench imports`: other tools' exports imported through `Library::import`
//! (release build), each into a fresh library: a generated Pocket export (`LODE_IMPORT_POCKET`
//! list items, default 10,000, with half as many highlights, in a ZIP as Pocket hands it out)
//! and a generated Omnivore export (`LODE_IMPORT_OMNIVORE` articles, default 2,000, each with
//! its page and, for half of them, two highlights and a note). Prints the time, the notes a
//! second, the peak memory above the process before the import, and the counts, then imports
//! each export again (which must add nothing). Fails when a count is not what the export holds.
//! The test command runs it small; the figures in the README come from the defaults.

use std::io::Write;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::Instant;

use lode::{ImportOptions, ImportReport, Library};

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let count = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(default)
    };
    let pocket_items = count("LODE_IMPORT_POCKET", 10_000);
    let omnivore_items = count("LODE_IMPORT_OMNIVORE", 2_000);
    let scratch = tempfile::tempdir().expect("a temporary folder");
    let mut failures = Vec::new();

    let pocket = pocket_export(scratch.path(), pocket_items);
    let report = measure("Pocket", &pocket, scratch.path(), pocket_items);
    let pocket_counts = &report.formats["pocket"];
    if pocket_counts.created != pocket_items
        || pocket_counts.annotations != pocket_items / 2
        || pocket_counts.waiting != pocket_items
    {
        failures.push(format!("Pocket counts: {pocket_counts:?}"));
    }

    let omnivore = omnivore_export(scratch.path(), omnivore_items);
    let report = measure("Omnivore", &omnivore, scratch.path(), omnivore_items);
    let counts = &report.formats["omnivore"];
    let highlighted = omnivore_items.div_ceil(2);
    if counts.created != omnivore_items
        || counts.annotations != 2 * highlighted
        || counts.orphaned != 0
    {
        failures.push(format!("Omnivore counts: {counts:?}"));
    }
    if !failures.is_empty() {
        eprintln!("imports bench FAILED: {failures:?}");
        std::process::exit(1);
    }
}

/// Imports `export` into a fresh library, then again; prints and returns the first report.
fn measure(name: &str, export: &Path, scratch: &Path, items: usize) -> ImportReport {
    let dir = scratch.join(format!("library-{name}"));
    let library = Library::open(&dir).expect("a fresh library opens");
    let before = status_mb("VmRSS:");
    let _ = std::fs::write("/proc/self/clear_refs", "5"); // the peak, from now
    let started = Instant::now();
    let report = import(&library, export);
    library.flush_index().expect("the index catches up");
    let took = started.elapsed().as_secs_f64();
    let peak = status_mb("VmHWM:") - before;
    let size = std::fs::metadata(export).map_or(0, |m| m.len()) as f64 / 1e6;
    println!(
        "{name} export ({size:.1} MB, {items} items): {took:.2} s, {:.0} notes/s, peak {peak:.0} MB above the process; \
         created {}, highlights {} ({} orphaned), waiting for their page {}, failed {}",
        items as f64 / took,
        report.created,
        report.annotations,
        report.orphaned,
        report.waiting,
        report.failed.len()
    );
    let started = Instant::now();
    let again = import(&library, export);
    println!(
        "{name} export again: {:.2} s; created {}, updated {}, unchanged {}, highlights {}",
        started.elapsed().as_secs_f64(),
        again.created,
        again.updated,
        again.unchanged,
        again.annotations
    );
    if again.created + again.updated + again.annotations > 0 {
        eprintln!("imports bench FAILED: importing {name}'s export twice added {again:?}");
        std::process::exit(1);
    }
    report
}

fn import(library: &Library, export: &Path) -> ImportReport {
    library
        .import(
            &[export.to_path_buf()],
            &ImportOptions::default(),
            &mut |_| ControlFlow::Continue(()),
        )
        .expect("the import runs")
}

fn status_mb(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// SplitMix64: the same export every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn word(&mut self) -> String {
        const SYLLABLES: &[&str] = &[
            "con", "tract", "min", "er", "al", "port", "ex", "tion", "trade", "gov", "ern", "ment",
            "re", "form", "sup", "ply", "chain", "pro", "duc", "mar", "ket", "lith", "tung",
            "sten", "ium", "rare", "earth", "steppe", "ore",
        ];
        let n = 1 + (self.next() % 3) as usize;
        (0..n)
            .map(|_| SYLLABLES[(self.next() % SYLLABLES.len() as u64) as usize])
            .collect()
    }
    fn sentence(&mut self) -> String {
        let n = 8 + (self.next() % 14) as usize;
        let mut words: Vec<String> = (0..n).map(|_| self.word()).collect();
        words[0][..1].make_ascii_uppercase();
        format!("{}.", words.join(" "))
    }
}

fn zip_of(path: &Path, files: impl IntoIterator<Item = (String, String)>) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).expect("the export file"));
    let options = zip::write::SimpleFileOptions::default();
    for (name, text) in files {
        zip.start_file(name, options).expect("an entry");
        zip.write_all(text.as_bytes()).expect("its bytes");
    }
    zip.finish().expect("the archive");
}

fn csv_field(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// Pocket's list in parts of 10,000 rows, and one highlight for every other item.
fn pocket_export(dir: &Path, items: usize) -> PathBuf {
    let mut rng = Rng(7);
    let mut parts = Vec::new();
    let mut highlights = Vec::new();
    for (part, from) in (0..items).step_by(10_000).enumerate() {
        let mut csv = String::from("title,url,time_added,tags,status\n");
        for i in from..(from + 10_000).min(items) {
            let title = rng.sentence();
            let url = format!(
                "https://news{}.example/{}/article-{i}",
                i % 50,
                2020 + i % 6
            );
            let status = if i % 3 == 0 { "archive" } else { "unread" };
            csv.push_str(&format!(
                "{},{url},{},{}|topic-{},{status}\n",
                csv_field(&title),
                1_600_000_000 + i * 60,
                rng.word(),
                i % 40
            ));
            if i % 2 == 0 {
                highlights.push(serde_json::json!({
                    "url": url, "title": title,
                    "highlights": [{"quote": rng.sentence(), "created_at": 1_600_000_100 + i}],
                }));
            }
        }
        parts.push((format!("part_{part:06}.csv"), csv));
    }
    parts.push((
        "annotations/part_000000".into(),
        serde_json::to_string(&highlights).expect("JSON"),
    ));
    let path = dir.join("pocket.zip");
    zip_of(&path, parts);
    path
}

/// Omnivore's export: metadata in batches of 20, each article's page, and the highlights of
/// every other article (two quotes of its text, a label, a note).
fn omnivore_export(dir: &Path, items: usize) -> PathBuf {
    let mut rng = Rng(11);
    let mut files = Vec::new();
    for batch in (0..items).step_by(20) {
        let mut metadata = Vec::new();
        for i in batch..(batch + 20).min(items) {
            let slug = format!("article-{i}");
            let paragraphs: Vec<String> = (0..12)
                .map(|_| (0..5).map(|_| rng.sentence()).collect::<Vec<_>>().join(" "))
                .collect();
            let html = format!(
                "<div class=\"page\"><article>{}</article></div>",
                paragraphs
                    .iter()
                    .map(|p| format!("<p>{p}</p>"))
                    .collect::<String>()
            );
            files.push((format!("content/{slug}.html"), html));
            if i % 2 == 0 {
                let quote = |p: &str| {
                    p.split(". ")
                        .nth(1)
                        .unwrap_or(p)
                        .trim_end_matches('.')
                        .to_string()
                };
                let md = format!(
                    "> {}\n\n#evidence\n\nA note on it.\n\n> {}",
                    quote(&paragraphs[2]),
                    quote(&paragraphs[7])
                );
                files.push((format!("highlights/{slug}.md"), md));
            }
            metadata.push(serde_json::json!({
                "id": format!("id-{i}"), "slug": slug, "title": rng.sentence(),
                "description": rng.sentence(), "author": "Ada Reporter",
                "url": format!("https://omni{}.example/{slug}", i % 30),
                "state": if i % 4 == 0 { "Archived" } else { "Succeeded" },
                "labels": [format!("label-{}", i % 12)],
                "savedAt": "2024-05-01T10:00:00.000Z", "publishedAt": "2024-04-30T08:00:00.000Z",
            }));
        }
        files.push((
            format!("metadata_{batch}_to_{}.json", batch + 20),
            serde_json::to_string(&metadata).expect("JSON"),
        ));
    }
    let path = dir.join("omnivore.zip");
    zip_of(&path, files);
    path
}
