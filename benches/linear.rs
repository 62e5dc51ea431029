//! `cargo bench --bench linear`: the inputs that were quadratic, at three sizes each, through
//! `Library` (release build, one core). Each case prints its times and the ratio of the
//! largest to the middle size; for a 16× larger input, all cases together must take at most
//! 20 times as long and no one case more than 30 times (a quadratic one would take 256; one
//! case's ratio moves by several points between runs on a shared machine). The HTML reader's
//! shapes are in `cargo bench --bench clip`.

use std::time::{Duration, Instant};

use lode::{Clip, Library, NewAnnotation, SearchOptions};

const PARA: &str = "The ministry published the figures on Tuesday, and the opposition asked \
    for an inquiry into how the contracts for the northern mines were awarded.";

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let library = Library::open(dir.path().join("lib")).expect("library");
    println!("linear time (target: largest / middle <= 20 in all, <= 30 each, for 16x the input):");
    let mut cases: Vec<(Duration, Duration)> = Vec::new();
    // 1 MiB, 16 MiB (the cap) of search hits; the marks themselves are capped.
    cases.push(case(
        "reader marks, hits in a body",
        [1 << 16, 1 << 20, 1 << 24],
        |size| {
            let body = "copper é ".repeat(size / 10 - 100); // under the cap with its title
            let id = clip(&library, &format!("Copper {size}"), &body);
            let started = Instant::now();
            library.find_in_note(id, "copper").expect("marks");
            started.elapsed()
        },
    ));
    cases.push(case(
        "tags after distinct words",
        [1 << 16, 1 << 20, 1 << 24],
        |size| {
            let mut text = String::from("A report with many words\n\n");
            let mut n = 0u64;
            while text.len() < size - 100 {
                n += 1;
                text.push_str(&format!("w{n:x}q "));
                if n.is_multiple_of(12) {
                    text.push_str("and the rest.\n\n");
                }
            }
            text.push_str("\nTags: central asiacritical raw materials\n");
            let started = Instant::now();
            Library::extract(&Clip {
                text: Some(text),
                ..Clip::default()
            })
            .expect("an article");
            started.elapsed()
        },
    ));
    // A 10,000-character quote (the cap) re-anchored on bodies of 62,500 to 1,000,000 chars.
    cases.push(case(
        "re-anchoring a 10,000-char quote",
        [62_500, 250_000, 1_000_000],
        |size| {
            let paragraph: String = (0..)
                .map(|i| format!("Section {i}: {PARA} "))
                .take_while({
                    let mut len = 0;
                    move |s| {
                        len += s.len();
                        len < size
                    }
                })
                .collect();
            let id = clip(&library, &format!("Hearing {size}"), &paragraph);
            let body = library.note(id).expect("note").article.body;
            let quote: String = body.chars().skip(body.len() / 3).take(10_000).collect();
            let quote = quote.trim().to_string();
            library
                .annotate(
                    id,
                    &NewAnnotation {
                        quote,
                        occurrence: Some(1),
                        ..NewAnnotation::default()
                    },
                )
                .expect("annotate");
            let edited = body.replace("opposition", "minority");
            let started = Instant::now();
            library.edit(id, &edited).expect("edit");
            started.elapsed()
        },
    ));
    library.flush_index().expect("index");
    cases.push(case("a pasted query", [125, 500, 2_000], |words| {
        let query: String = (0..words).map(|i| format!("lithiumx{i} copper ")).collect();
        let started = Instant::now();
        library
            .search(&query, &SearchOptions::default())
            .expect("search");
        started.elapsed()
    }));
    let ratio = |(middle, largest): &(Duration, Duration)| {
        largest.as_secs_f64() / middle.as_secs_f64().max(1e-4)
    };
    let worst = cases.iter().map(ratio).fold(0.0, f64::max);
    let overall = ratio(
        &cases.iter().fold((Duration::ZERO, Duration::ZERO), |a, c| {
            (a.0 + c.0, a.1 + c.1)
        }),
    );
    println!("  all cases: ratio {overall:.1}; worst ratio {worst:.1}");
    assert!(
        overall <= 20.0 && worst <= 30.0,
        "not linear: ratio {overall:.1} in all, {worst:.1} at worst"
    );
}

fn clip(library: &Library, title: &str, body: &str) -> i64 {
    library
        .clip(&Clip {
            text: Some(format!("{title}\n\n{body}\n")),
            ..Clip::default()
        })
        .expect("clip")
        .id
}

/// Runs `f` at three sizes; prints the times and returns the middle and largest.
fn case(
    name: &str,
    sizes: [usize; 3],
    mut f: impl FnMut(usize) -> Duration,
) -> (Duration, Duration) {
    let times: Vec<Duration> = sizes.iter().map(|&s| f(s)).collect();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let ratio = times[2].as_secs_f64() / times[1].as_secs_f64().max(1e-4);
    println!(
        "  {name:<36} {:>9} {:>8.1} ms  {:>9} {:>8.1} ms  {:>9} {:>8.1} ms  ratio {ratio:>5.1}",
        sizes[0],
        ms(times[0]),
        sizes[1],
        ms(times[1]),
        sizes[2],
        ms(times[2])
    );
    (times[1], times[2])
}
