//! `cargo bench --bench anchor`: re-anchoring 1,000 annotations against a changed
//! 20,000-word body (one core). The body gains paragraphs at the start and in the middle, and
//! one passage in ten is itself edited.

use std::time::Instant;

use lode::anchor::{AnchorStatus, reanchor_all, select};

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let words = [
        "the",
        "committee",
        "reviewed",
        "budget",
        "lines",
        "for",
        "schools",
        "and",
        "hospitals",
        "in",
        "northern",
        "provinces",
        "while",
        "mining",
        "revenue",
        "rose",
        "after",
        "new",
        "contracts",
        "were",
        "signed",
    ];
    let mut seed = 42u64;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % n
    };
    // 20,000 words in sentences of 12 to 20 words, paragraphs of 5 sentences; every sentence
    // carries its number so that each is unique.
    let mut sentences = Vec::new();
    let mut count = 0;
    while count < 20_000 {
        let n = 12 + next(9);
        let mut s: Vec<String> = (0..n)
            .map(|_| words[next(words.len())].to_string())
            .collect();
        s.insert(n / 2, format!("item{}", sentences.len()));
        count += s.len();
        sentences.push(format!("{}.", s.join(" ")));
    }
    let body: String = sentences
        .chunks(5)
        .map(|p| p.join(" "))
        .collect::<Vec<_>>()
        .join("\n\n");
    let selectors: Vec<_> = (0..1000)
        .map(|i| {
            select(&body, &sentences[i * sentences.len() / 1000], None).expect("unique sentence")
        })
        .collect();
    let mut changed =
        format!("A new opening paragraph, added by the editor after publication.\n\n{body}");
    let middle = changed.len() / 2;
    let middle = changed[middle..]
        .find("\n\n")
        .map_or(middle, |i| middle + i);
    changed.insert_str(
        middle,
        "\n\nA correction inserted in the middle of the article.",
    );
    for i in (0..1000).step_by(10) {
        let s = &sentences[i * sentences.len() / 1000];
        changed = changed.replacen(
            s,
            &s.replacen(" the ", " a ", 1)
                .replacen("budget", "budgets", 1),
            1,
        );
    }
    let mut best = f64::MAX;
    let mut statuses = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let anchored = reanchor_all(&selectors, &changed);
        best = best.min(started.elapsed().as_secs_f64() * 1000.0);
        statuses = anchored.iter().map(|a| a.status).collect();
    }
    let count = |s: AnchorStatus| statuses.iter().filter(|&&x| x == s).count();
    println!(
        "re-anchor 1,000 annotations, 20,000-word body: {best:.1} ms (best of 5); exact {}, moved {}, changed {}, orphan {}",
        count(AnchorStatus::Exact),
        count(AnchorStatus::Moved),
        count(AnchorStatus::Changed),
        count(AnchorStatus::Orphan)
    );
}
