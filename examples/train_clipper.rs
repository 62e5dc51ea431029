//! Trains the clipper's author model (`src/clip/text/author.rs`) on the clip bench's tune half
//! and writes its weights: `scripts/train-clipper` runs it. Each candidate name the model would
//! score on a page's text copy is an example, right when the bench's scorer would accept it as
//! the page's author. Logistic regression by full-batch gradient descent from zero, a fixed
//! number of steps, summed in order: the same data gives the same weights, to the last digit.

use std::error::Error;
use std::path::PathBuf;

use lode::clip::training::{FEATURES, author_candidates};
use unicode_normalization::UnicodeNormalization;

const STEPS: usize = 20_000;
const RATE: f64 = 2.0;
const L2: f64 = 0.001;

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let bench = PathBuf::from(args.next().unwrap_or_else(|| "../shared/clip-bench".into()));
    let out = PathBuf::from(
        args.next()
            .unwrap_or_else(|| "src/clip/text/author_weights.txt".into()),
    );
    let ids = std::fs::read_to_string(bench.join("tune_ids.txt"))?;
    let (mut xs, mut ys) = (Vec::new(), Vec::new());
    let mut pages = 0;
    for id in ids.split_whitespace() {
        let truth: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(
            bench.join(format!("truth/{id}.json")),
        )?)?;
        let Some(author) = truth["author"].as_str().filter(|a| !a.trim().is_empty()) else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(bench.join(format!("text/{id}.txt"))) else {
            continue;
        };
        pages += 1;
        for candidate in author_candidates(&lode::clip::canonical_text(&text)) {
            xs.push(candidate.features);
            ys.push(if same_author(author, &candidate.name) {
                1.0
            } else {
                0.0
            });
        }
    }
    let weights = fit(&xs, &ys);
    let mut file = format!(
        "# The clipper's author model: written by scripts/train-clipper from {pages} pages of the\n# clip bench's tune half ({} candidates, {} of them the author). Bias, then one weight a feature.\n",
        xs.len(),
        ys.iter().filter(|&&y| y > 0.5).count()
    );
    for (name, w) in std::iter::once(&"bias").chain(FEATURES).zip(&weights) {
        file.push_str(&format!("{name} {w:.4}\n"));
    }
    std::fs::write(&out, file)?;
    println!(
        "{} pages, {} candidates: weights written to {}",
        pages,
        xs.len(),
        out.display()
    );
    Ok(())
}

fn fit(xs: &[Vec<f64>], ys: &[f64]) -> Vec<f64> {
    let n = xs.len().max(1) as f64;
    let mut w = vec![0.0; FEATURES.len() + 1];
    for _ in 0..STEPS {
        let mut grad = vec![0.0; w.len()];
        for (x, y) in xs.iter().zip(ys) {
            let z = w[0] + w[1..].iter().zip(x).map(|(w, x)| w * x).sum::<f64>();
            let err = 1.0 / (1.0 + (-z).exp()) - y;
            grad[0] += err;
            for (g, x) in grad[1..].iter_mut().zip(x) {
                *g += err * x;
            }
        }
        for (w, g) in w.iter_mut().zip(&grad) {
            *w -= RATE * (g / n + L2 * *w);
        }
    }
    w
}

/// The bench scorer's author match: either normalised name holds the other, word for word.
fn same_author(truth: &str, name: &str) -> bool {
    let (t, p) = (name_words(truth), name_words(name));
    !t.is_empty()
        && !p.is_empty()
        && (t == p
            || format!(" {p} ").contains(&format!(" {t} "))
            || format!(" {t} ").contains(&format!(" {p} ")))
}

fn name_words(s: &str) -> String {
    let s: String = s.nfkc().collect::<String>().to_lowercase();
    let s: String = s
        .chars()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' | '\u{2032}' | '`' | '´' => '\'',
            '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
            c => c,
        })
        .collect();
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let s = s.trim_matches(|c: char| " .,;:!?\"'-|".contains(c));
    let s = ["by ", "von ", "par ", "por ", "di ", "de "]
        .iter()
        .find_map(|p| s.strip_prefix(p))
        .unwrap_or(s);
    s.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
