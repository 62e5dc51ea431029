//! The crash soak: the release `lode` binary is killed with SIGKILL at random moments while it
//! clips, imports, edits, annotates, tags, deletes and restores, re-extracts and reindexes.
//! After every kill the next command reopens the library (no stale lock may stop it); at the
//! end `lode check` must be clean (the index agrees with SQLite) and everything acknowledged
//! (a command that printed its result) must be there: bodies compared by SHA-256, tags,
//! highlights and the trash.
//!
//! `cargo bench --bench soak` (LODE_SOAK_KILLS=200 by default; LODE_SOAK_SEED to replay).

// A bench states what must hold by panicking, as a test does.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use sha2::{Digest, Sha256};

const LODE: &str = env!("CARGO_BIN_EXE_lode");

/// xorshift64*: reproducible from the printed seed, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn word(&mut self) -> String {
        const SYL: [&str; 16] = [
            "ka", "to", "mi", "ra", "se", "lu", "no", "vi", "da", "pe", "zo", "ri", "bu", "fa",
            "ge", "ho",
        ];
        (0..3 + self.below(2))
            .map(|_| SYL[self.below(16)])
            .collect()
    }
    fn sentence(&mut self, words: usize) -> String {
        let s: Vec<String> = (0..words).map(|_| self.word()).collect();
        format!("{}.", s.join(" "))
    }
}

/// What the user has of a note, as `lode show --json` prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Snap {
    body_sha: String,
    tags: BTreeSet<String>,
    highlights: BTreeSet<i64>,
}

#[derive(Default)]
struct Model {
    live: BTreeMap<i64, Snap>,
    trashed: BTreeSet<i64>,
    /// Titles of files whose import was acknowledged.
    imported: Vec<String>,
}

struct Run {
    out: String,
    err: String,
    ok: bool,
    killed: bool,
}

struct Soak {
    lib: PathBuf,
    work: PathBuf,
    rng: Rng,
    /// A running estimate of each command's duration, to aim the kills inside it.
    typical: BTreeMap<&'static str, f64>,
    kills: usize,
    commands: usize,
    acknowledged: usize,
    stale_locks: Vec<String>,
}

impl Soak {
    fn lode(&self, args: &[&str], stdin: Option<&[u8]>) -> Command {
        let mut cmd = Command::new(LODE);
        cmd.arg("--library").arg(&self.lib).args(args);
        cmd.stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        cmd
    }

    /// Runs a command that may be killed at a random moment within its usual duration.
    fn attempt(&mut self, kind: &'static str, args: &[&str], stdin: Option<&[u8]>) -> Run {
        self.commands += 1;
        let typical = *self.typical.get(kind).unwrap_or(&0.08);
        // Uniform over twice the usual duration: about half the commands are killed, at any
        // moment of their work; the other half finish and are acknowledged.
        let kill_after =
            Duration::from_secs_f64(typical * 2.0 * (self.rng.below(1000) as f64 / 1000.0));
        let started = Instant::now();
        let mut child = self.lode(args, stdin).spawn().expect("lode starts");
        if let Some(input) = stdin {
            use std::io::Write;
            let _ = child.stdin.take().unwrap().write_all(input);
        }
        let mut killed = false;
        loop {
            if child.try_wait().expect("wait").is_some() {
                break;
            }
            if started.elapsed() >= kill_after {
                let _ = child.kill(); // SIGKILL
                killed = true;
                break;
            }
            std::thread::sleep(Duration::from_micros(500));
        }
        let mut out = String::new();
        let mut err = String::new();
        child.stdout.take().unwrap().read_to_string(&mut out).ok();
        child.stderr.take().unwrap().read_to_string(&mut err).ok();
        let status = child.wait().expect("wait");
        let t = started.elapsed().as_secs_f64();
        // A kill says only that the command needed longer: the estimate grows a little.
        let estimate = if killed {
            typical.max(t) * 1.05
        } else {
            typical * 0.8 + t * 0.2
        };
        self.typical.insert(kind, estimate);
        // Acknowledged: the command printed its result (a killed one may have, just before).
        let text = out.trim_start();
        let printed =
            !text.is_empty() && (!(text.starts_with('{') || text.starts_with('[')) || parses(text));
        let ok = printed && (killed || status.success());
        if killed {
            self.kills += 1;
        }
        if !killed && !status.success() && (err.contains("in use") || err.contains("lock")) {
            self.stale_locks.push(format!("{kind}: {err}"));
        }
        Run {
            out,
            err,
            ok,
            killed,
        }
    }

    /// `lode show ID --json` (never killed): the note's state, `None` when it is not live.
    fn snap(&self, id: i64) -> Option<Snap> {
        let out = self
            .lode(&["show", &id.to_string(), "--json"], None)
            .output()
            .ok()?;
        if !out.status.success() {
            return None;
        }
        let v: Value = serde_json::from_slice(&out.stdout).ok()?;
        let body = v["note"]["body"].as_str()?;
        Some(Snap {
            body_sha: hex(&Sha256::digest(body.as_bytes())),
            tags: v["note"]["tags"]
                .as_array()?
                .iter()
                .filter_map(|t| t.as_str().map(str::to_string))
                .collect(),
            highlights: v["annotations"]
                .as_array()?
                .iter()
                .filter_map(|a| a["id"].as_i64())
                .collect(),
        })
    }

    fn body(&self, id: i64) -> Option<String> {
        let out = self
            .lode(&["show", &id.to_string(), "--json"], None)
            .output()
            .ok()?;
        let v: Value = serde_json::from_slice(&out.stdout).ok()?;
        v["note"]["body"].as_str().map(str::to_string)
    }

    fn trash(&self) -> BTreeSet<i64> {
        let out = self
            .lode(&["trash", "--json"], None)
            .output()
            .expect("trash");
        let v: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        v.as_array()
            .map(|a| a.iter().filter_map(|n| n["id"].as_i64()).collect())
            .unwrap_or_default()
    }

    /// After a command on `id` (acknowledged or not), the model takes the note as it is now:
    /// an unacknowledged change may or may not have happened, but whatever is there must stay.
    fn refresh(&self, model: &mut Model, id: i64) {
        match self.snap(id) {
            Some(snap) => {
                model.trashed.remove(&id);
                model.live.insert(id, snap);
            }
            None => {
                model.live.remove(&id);
                if self.trash().contains(&id) {
                    model.trashed.insert(id);
                } else {
                    model.trashed.remove(&id);
                }
            }
        }
    }

    fn pick(&mut self, ids: &BTreeSet<i64>) -> Option<i64> {
        let v: Vec<i64> = ids.iter().copied().collect();
        (!v.is_empty()).then(|| v[self.rng.below(v.len())])
    }

    fn step(&mut self, model: &mut Model) {
        let live: BTreeSet<i64> = model.live.keys().copied().collect();
        let roll = self.rng.below(100);
        let target = self.pick(&live);
        match (roll, target) {
            (0..=29, _) | (_, None) => {
                let title = format!("Soak clip {} {}", self.rng.word(), self.commands);
                let text = format!(
                    "{title}\n\n{}\n\n{}\n\n{}\n",
                    self.rng.sentence(40),
                    self.rng.sentence(30),
                    self.rng.sentence(35)
                );
                let run = self.attempt("clip", &["clip", "--json"], Some(text.as_bytes()));
                if run.ok {
                    self.acknowledged += 1;
                    let v: Value = serde_json::from_str(&run.out).expect("clip JSON");
                    let id = v["id"].as_i64().expect("an id");
                    self.refresh(model, id);
                    assert!(
                        model.live.contains_key(&id),
                        "an acknowledged clip is there"
                    );
                }
            }
            (30..=39, _) => {
                let folder = self.work.join(format!("import-{}", self.commands));
                std::fs::create_dir_all(&folder).unwrap();
                let mut titles = Vec::new();
                for i in 0..12 {
                    let title = format!("Soak import {} {i} {}", self.rng.word(), self.commands);
                    let text = format!(
                        "# {title}\n\n{}\n\n{}\n",
                        self.rng.sentence(30),
                        self.rng.sentence(25)
                    );
                    std::fs::write(folder.join(format!("{i}.md")), text).unwrap();
                    titles.push(title);
                }
                let run = self.attempt(
                    "import",
                    &["import", "--json", folder.to_str().unwrap()],
                    None,
                );
                if run.ok {
                    self.acknowledged += 1;
                    let report: Value = serde_json::from_str(&run.out).expect("import JSON");
                    if report["created"].as_u64() != Some(titles.len() as u64) {
                        eprintln!("import acknowledged with {report}");
                    }
                    model.imported.extend(titles);
                }
            }
            (40..=54, Some(id)) => {
                let Some(body) = self.body(id) else { return };
                let file = self.work.join("edit.txt");
                std::fs::write(
                    &file,
                    format!(
                        "{body}\n\nEdited {}: {}",
                        self.commands,
                        self.rng.sentence(12)
                    ),
                )
                .unwrap();
                let run = self.attempt(
                    "edit",
                    &[
                        "edit",
                        &id.to_string(),
                        "--body-file",
                        file.to_str().unwrap(),
                        "--json",
                    ],
                    None,
                );
                self.acknowledged += usize::from(run.ok);
                self.refresh(model, id);
            }
            (55..=69, Some(id)) => {
                let Some(body) = self.body(id) else { return };
                let words: Vec<&str> = body.split_whitespace().collect();
                let at = self.rng.below(words.len().saturating_sub(3));
                let quote = words[at..(at + 2).min(words.len())].join(" ");
                let run = self.attempt(
                    "annotate",
                    &[
                        "annotate",
                        &id.to_string(),
                        "--quote",
                        &quote,
                        "--occurrence",
                        "1",
                        "--json",
                    ],
                    None,
                );
                self.acknowledged += usize::from(run.ok);
                self.refresh(model, id);
            }
            (70..=79, Some(id)) => {
                let tag = format!("soak/{}", self.rng.word());
                let run = self.attempt("tag", &["tag", &id.to_string(), &tag], None);
                self.acknowledged += usize::from(run.ok);
                self.refresh(model, id);
            }
            (80..=85, Some(id)) => {
                let run = self.attempt("delete", &["delete", &id.to_string()], None);
                self.acknowledged += usize::from(run.ok);
                self.refresh(model, id);
                if run.ok {
                    assert!(
                        model.trashed.contains(&id),
                        "an acknowledged delete is in the trash"
                    );
                }
            }
            (86..=93, _) => {
                let trashed = model.trashed.clone();
                let Some(id) = self.pick(&trashed) else {
                    return;
                };
                let run = self.attempt("restore", &["restore", &id.to_string()], None);
                self.acknowledged += usize::from(run.ok);
                self.refresh(model, id);
                if run.ok {
                    assert!(
                        model.live.contains_key(&id),
                        "an acknowledged restore is live"
                    );
                }
            }
            (94..=96, _) => {
                let run = self.attempt("reextract", &["reextract", "--json"], None);
                self.acknowledged += usize::from(run.ok);
                // Re-running the same clipper changes nothing the user has.
                for id in live {
                    self.refresh(model, id);
                }
            }
            _ => {
                let run = self.attempt("reindex", &["reindex"], None);
                self.acknowledged += usize::from(run.ok);
                if !run.ok && !run.killed {
                    eprintln!("reindex failed: {}", run.err);
                }
            }
        }
    }

    /// Everything acknowledged is there; returns what was lost.
    fn lost(&self, model: &Model) -> Vec<String> {
        let mut lost = Vec::new();
        for (id, expected) in &model.live {
            match self.snap(*id) {
                Some(found) if &found == expected => {}
                Some(found) => lost.push(format!("#{id} changed: {expected:?} -> {found:?}")),
                None => lost.push(format!("#{id} is gone")),
            }
        }
        let trash = self.trash();
        for id in &model.trashed {
            if !trash.contains(id) {
                lost.push(format!("#{id} left the trash"));
            }
        }
        let out = self.lode(&["list", "--json"], None).output().expect("list");
        let listed: Value = serde_json::from_slice(&out.stdout).expect("list JSON");
        let titles: BTreeSet<&str> = listed
            .as_array()
            .expect("an array")
            .iter()
            .filter_map(|n| n["title"].as_str())
            .collect();
        let missing: Vec<&String> = model
            .imported
            .iter()
            .filter(|t| !titles.contains(t.as_str()))
            .collect();
        if !missing.is_empty() {
            // An imported note may have been deleted since (then it is in the trash).
            let out = self
                .lode(&["trash", "--json"], None)
                .output()
                .expect("trash");
            let trash = String::from_utf8_lossy(&out.stdout);
            for t in missing {
                if !trash.contains(t.as_str()) {
                    lost.push(format!("imported '{t}' is gone"));
                }
            }
        }
        lost
    }
}

fn parses(out: &str) -> bool {
    serde_json::from_str::<Value>(out).is_ok_and(|v| v.get("error").is_none())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo bench -- --list`
    }
    let kills: usize = std::env::var("LODE_SOAK_KILLS")
        .ok()
        .and_then(|k| k.parse().ok())
        .unwrap_or(200);
    let seed: u64 = std::env::var("LODE_SOAK_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
                | 1
        });
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut soak = Soak {
        lib: dir.path().join("library"),
        work: dir.path().join("work"),
        rng: Rng(seed),
        typical: BTreeMap::new(),
        kills: 0,
        commands: 0,
        acknowledged: 0,
        stale_locks: Vec::new(),
    };
    std::fs::create_dir_all(&soak.work).unwrap();
    println!("crash soak: {kills} SIGKILLs, seed {seed} (LODE_SOAK_SEED={seed} replays it)");
    let started = Instant::now();
    let mut model = Model::default();
    while soak.kills < kills {
        soak.step(&mut model);
    }
    let check = soak
        .lode(&["check", "--json"], None)
        .output()
        .expect("check");
    let report: Value = serde_json::from_slice(&check.stdout).unwrap_or(Value::Null);
    let lost = soak.lost(&model);
    let elapsed = started.elapsed();
    println!(
        "kills {}  commands {}  acknowledged {}  notes checked {} (+{} in the trash, {} imported titles)  lost {}  time {:.0} s",
        soak.kills,
        soak.commands,
        soak.acknowledged,
        model.live.len(),
        model.trashed.len(),
        model.imported.len(),
        lost.len(),
        elapsed.as_secs_f64()
    );
    let mut failed = false;
    if !check.status.success() {
        println!("lode check is not clean: {report}");
        failed = true;
    }
    for l in &lost {
        println!("LOST: {l}");
        failed = true;
    }
    for s in &soak.stale_locks {
        println!("STALE LOCK: {s}");
        failed = true;
    }
    if failed {
        let kept = dir.keep();
        println!(
            "the library is kept for a look: {}",
            kept.join("library").display()
        );
        std::process::exit(1);
    }
    println!("ok: the check is clean and nothing acknowledged was lost");
}
