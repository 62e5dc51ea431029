//! `cargo bench --bench clip`: the clipper's speed on one core.
//!
//! 1. Real pages: the median and slowest time per clip over `../shared/clip-bench` (text,
//!    HTML, both), when it is beside the checkout.
//! 2. Hostile pages up to the size cap (deep nesting, many elements, megabytes of text,
//!    formatting never closed): each must finish within 2 s; the process's peak memory is
//!    printed at the end (the target is 512 MB).

use std::path::Path;
use std::time::{Duration, Instant};

use lode::{Clip, Library, MAX_CLIP_BYTES};

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let bench = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/clip-bench");
    if bench.join("ids.txt").is_file() {
        real_pages(&bench);
    } else {
        println!("../shared/clip-bench is not beside the checkout: real pages skipped");
    }
    hostile_pages();
    linear_time();
}

/// The shapes that were quadratic (each skipped element unclosed, nested, alternating; the
/// others are in `cargo bench --bench linear`) at 1 MiB, 4 MiB and 16 MiB: the time must grow
/// with the input, not its square, and stay under 2 s. It prints 16 MiB / 1 MiB (16 to 20 on
/// an idle machine: a 16 MiB page no longer fits the caches) and fails when one shape takes
/// more than 8 times as long at 16 MiB as at 4 MiB (a quadratic one takes 16 times): between
/// two sizes that both outgrow the caches the ratio holds on a loaded, shared machine, where
/// 16 MiB / 1 MiB moved from 17 to 32 for one shape.
fn linear_time() {
    const SKIPPED: [&str; 9] = [
        "button", "nav", "aside", "footer", "form", "select", "figure", "svg", "math",
    ];
    println!("linear time (target: 16 MiB / 4 MiB <= 8 each, each under 2 s):");
    let mut worst = (0.0f64, Duration::ZERO);
    let mut totals = (Duration::ZERO, Duration::ZERO);
    let shapes: Vec<(String, Shape)> = SKIPPED
        .iter()
        .flat_map(|&name| {
            let unclosed = move |size: usize| fill(size, &format!("<{name}>x "));
            let nested = move |size: usize| fill(size, &format!("<div><{name}><p>x "));
            let alternating =
                move |size: usize| fill(size, &format!("<{name}>x </{name}><{name} class=a>y "));
            [
                (
                    format!("<{name}> unclosed"),
                    Box::new(unclosed) as Box<dyn Fn(usize) -> String>,
                ),
                (format!("<{name}> nested"), Box::new(nested)),
                (format!("<{name}> alternating"), Box::new(alternating)),
            ]
        })
        .collect();
    for (name, shape) in &shapes {
        let times: Vec<Duration> = [1 << 20, 4 << 20, MAX_CLIP_BYTES]
            .iter()
            .map(|&size| {
                // The best of a few runs: the machine is shared, and one slow run is noise.
                let clip = html(shape(size));
                (0..if size > 4 << 20 { 2 } else { 3 })
                    .map(|_| {
                        let started = Instant::now();
                        let _ = Library::extract(&clip);
                        started.elapsed()
                    })
                    .min()
                    .unwrap_or_default()
            })
            .collect();
        let per = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64().max(1e-6);
        let (to_1, to_4) = (per(times[2], times[0]), per(times[2], times[1]));
        println!(
            "  {name:<24} 1 MiB {:>6.1} ms  4 MiB {:>6.1} ms  16 MiB {:>7.1} ms  16/1 {to_1:>5.1}  16/4 {to_4:>4.1}",
            ms(times[0]),
            ms(times[1]),
            ms(times[2])
        );
        worst = (worst.0.max(to_4), worst.1.max(times[2]));
        totals = (totals.0 + times[0], totals.1 + times[2]);
    }
    println!(
        "  all shapes: 16/1 {:.1}; worst 16/4 {:.1}, slowest {:.0} ms",
        totals.1.as_secs_f64() / totals.0.as_secs_f64().max(1e-6),
        worst.0,
        ms(worst.1)
    );
    assert!(
        worst.0 <= 8.0 && worst.1 < Duration::from_secs(2),
        "not linear: 16 MiB / 4 MiB {:.1} at worst, slowest {:?}",
        worst.0,
        worst.1
    );
}

/// A page of a given size, in bytes.
type Shape = Box<dyn Fn(usize) -> String>;

/// `unit` repeated to `size` bytes, after a paragraph of article text.
fn fill(size: usize, unit: &str) -> String {
    let mut page = String::from("<p>The ministry published the figures on Tuesday.</p>");
    page.push_str(&unit.repeat((size.saturating_sub(page.len())) / unit.len()));
    page
}

fn real_pages(bench: &Path) {
    println!("clip-bench pages, one core:");
    // The first 128 pages (the figures before), then all of them when the bench has them.
    for list in ["ids.txt", "all_ids.txt"] {
        if let Ok(ids) = std::fs::read_to_string(bench.join(list)) {
            time_pages(bench, &ids);
        }
    }
}

fn time_pages(bench: &Path, ids: &str) {
    let read = |dir: &str, id: &str, ext: &str| {
        std::fs::read_to_string(bench.join(dir).join(format!("{id}.{ext}"))).ok()
    };
    for flavour in ["text", "html", "both"] {
        let mut times = Vec::new();
        for id in ids.lines().filter(|l| !l.trim().is_empty()) {
            let clip = Clip {
                text: (flavour != "html")
                    .then(|| read("text", id, "txt"))
                    .flatten(),
                html: (flavour != "text")
                    .then(|| read("html", id, "html"))
                    .flatten(),
                url: None,
            };
            let started = Instant::now();
            let _ = Library::extract(&clip);
            times.push(started.elapsed());
        }
        times.sort();
        println!(
            "  {flavour:<5} {} pages: median {:>6.2} ms, p90 {:>6.2} ms, slowest {:>6.1} ms",
            times.len(),
            ms(times[times.len() / 2]),
            ms(times[times.len() * 9 / 10]),
            ms(times[times.len() - 1])
        );
    }
}

fn hostile_pages() {
    let sentence = "Words upon words fill this paragraph of a very long page. ";
    let cases: Vec<(&str, Clip)> = vec![
        (
            "256 KB of nested lists (32,000 deep)",
            html(format!(
                "{}<p>{sentence}</p>{}",
                "<ul><li>".repeat(32_000),
                "</li></ul>".repeat(32_000)
            )),
        ),
        (
            "62 levels deep, 440 KB of text (DOM limits)",
            html(
                format!(
                    "{}<p>{}</p>{}",
                    "<div>".repeat(62),
                    sentence.repeat(50),
                    "</div>".repeat(62)
                )
                .repeat(150),
            ),
        ),
        (
            "8,500 paragraphs, 490 KB of text (DOM limits)",
            html(format!("<p>{sentence}</p>").repeat(8_500)),
        ),
        (
            "4 MB of paragraphs",
            html(format!("<p>{}</p>", sentence.repeat(8)).repeat(8_500)),
        ),
        (
            "formatting never closed",
            html(format!("<b><i><u>{sentence}").repeat(20_000)),
        ),
        (
            "16 MB of HTML (the cap)",
            html(format!("<div><p>{sentence}</p></div>\n").repeat(MAX_CLIP_BYTES / 80)),
        ),
        (
            "16 MB of text (the cap)",
            Clip {
                text: Some(format!("{sentence}\n\n").repeat(MAX_CLIP_BYTES / 62)),
                ..Clip::default()
            },
        ),
        (
            "16 MB of one line",
            Clip {
                text: Some(sentence.repeat(MAX_CLIP_BYTES / 60)),
                ..Clip::default()
            },
        ),
    ];
    println!("hostile pages (target: each under 2 s):");
    let mut worst = Duration::ZERO;
    for (name, clip) in cases {
        let size = clip
            .text
            .as_ref()
            .or(clip.html.as_ref())
            .map_or(0, String::len);
        let started = Instant::now();
        let outcome = match Library::extract(&clip) {
            Ok(article) => format!("{} words", article.body.split_whitespace().count()),
            Err(e) => format!("error: {e}"),
        };
        let took = started.elapsed();
        worst = worst.max(took);
        println!(
            "  {name:<45} {:>6.1} MB {:>8.0} ms  {outcome}",
            size as f64 / 1e6,
            ms(took)
        );
    }
    println!(
        "  slowest {:.0} ms; peak memory {}",
        ms(worst),
        peak_memory()
    );
    assert!(
        worst < Duration::from_secs(2),
        "a hostile page took {worst:?}"
    );
}

fn html(html: String) -> Clip {
    Clip {
        html: Some(html),
        ..Clip::default()
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The process's peak resident memory (Linux), for the report.
fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l["VmHWM:".len()..].trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}
