//! Several processes at once: the first to open a library holds it (its lock, the index
//! writer, the repairs); the others share it. They read SQLite and the index as committed, and
//! write through SQLite and the outbox, which the holder indexes within a second. A shared
//! library is taken over once its holder closes.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use lode::{Access, Clip, ErrorCode, Library, SearchOptions};

use crate::common::TestLibrary;

fn article(title: &str, sentence: &str) -> Clip {
    Clip {
        text: Some(format!(
            "{title}\n\n{sentence} The ministry published the figures on Monday, and the \
             exporters said the new quotas would hold until the end of the year.\n"
        )),
        ..Clip::default()
    }
}

fn hits(lib: &Library, query: &str) -> usize {
    lib.search(query, &SearchOptions::default())
        .unwrap()
        .hits
        .len()
}

/// Searches `lib` until `query` finds `expected` notes, for at most 5 s.
fn eventually(lib: &Library, query: &str, expected: usize) {
    let until = Instant::now() + Duration::from_secs(5);
    while hits(lib, query) != expected {
        assert!(Instant::now() < until, "{query:?} never found {expected}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_second_process_reads_and_writes_a_library_the_first_holds() {
    let t = TestLibrary::new();
    t.lib
        .clip(&article("Scandium quotas", "Scandium exports fell."))
        .unwrap();
    t.lib.flush_index().unwrap();
    let second = Library::open(t.dir.path()).expect("a library in use is shared, not refused");
    assert_eq!(second.access(), Access::Shared);
    assert_eq!(t.lib.access(), Access::Alone);
    assert!(second.index_status().held_elsewhere);
    assert_eq!(
        hits(&second, "scandium"),
        1,
        "it reads what the holder indexed"
    );

    // A write from the second process: stored at once, indexed by the holder.
    let outcome = second
        .clip(&article("Yttrium smelter", "The yttrium smelter opened."))
        .unwrap();
    assert_eq!(
        second.note(outcome.id).unwrap().article.title,
        "Yttrium smelter"
    );
    eventually(&t.lib, "yttrium", 1);
    assert_eq!(hits(&second, "yttrium"), 1);
    // And the other way round.
    t.lib
        .clip(&article("Hafnium prices", "Hafnium prices doubled."))
        .unwrap();
    eventually(&second, "hafnium", 1);
    second.tag(outcome.id, &["smelters"]).unwrap();
    eventually(&t.lib, "tag:smelters", 1);

    assert!(second.check().unwrap().ok(), "consistent with SQLite");
    let refused = second.reindex().unwrap_err();
    assert_eq!(refused.code(), ErrorCode::LibraryLocked, "{refused}");
    assert!(refused.to_string().contains("needs it alone"), "{refused}");
}

#[test]
fn a_shared_library_is_taken_over_when_its_holder_closes() {
    let t = TestLibrary::new();
    let second = Library::open(t.dir.path()).unwrap();
    second
        .clip(&article("Gallium ban", "The gallium ban took effect."))
        .unwrap();
    let TestLibrary { dir, lib } = t;
    drop(lib); // the holder applies what it saw and closes
    second
        .clip(&article("Germanium ban", "The germanium ban followed."))
        .unwrap();
    assert_eq!(
        second.access(),
        Access::Alone,
        "the lock was free: taken over"
    );
    second.flush_index().unwrap();
    assert_eq!(hits(&second, "gallium"), 1);
    assert_eq!(hits(&second, "germanium"), 1);
    second.reindex().expect("it holds the library now");
    assert!(second.check().unwrap().ok());
    drop(dir);
}

fn lode(dir: &Path, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_lode"))
        .arg("--library")
        .arg(dir)
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "lode {args:?}: {stderr}");
    out
}

#[test]
fn the_terminal_uses_a_library_while_the_app_holds_it_and_racing_commands_lose_nothing() {
    let t = TestLibrary::new(); // the desktop app, holding the library
    t.lib
        .clip(&article("Cerium exports", "Cerium exports rose."))
        .unwrap();
    t.lib.flush_index().unwrap();
    let files = tempfile::tempdir().unwrap();
    let dir = t.dir.path().to_path_buf();
    let racers: Vec<_> = (0..6)
        .map(|i| {
            let file = files.path().join(format!("{i}.txt"));
            std::fs::write(
                &file,
                article(
                    &format!("Lanthanum report {i}"),
                    &format!("Lanthanum batch n{i}x."),
                )
                .text
                .unwrap(),
            )
            .unwrap();
            let dir = dir.clone();
            std::thread::spawn(move || {
                let clip = lode(&dir, &["clip", "--text", file.to_str().unwrap(), "--json"]);
                let search = lode(&dir, &["search", "cerium", "--json"]);
                let list = lode(&dir, &["list", "--json"]);
                (clip, search, list)
            })
        })
        .collect();
    for racer in racers {
        let (clip, search, list) = racer.join().unwrap();
        for out in [&clip, &search, &list] {
            assert!(
                out.status.success(),
                "refused while the app holds the library: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let found: serde_json::Value = serde_json::from_slice(&search.stdout).unwrap();
        assert_eq!(found["hits"].as_array().unwrap().len(), 1, "{found}");
        let listed: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
        assert!(listed.as_array().unwrap().len() >= 2, "{listed}");
    }
    assert_eq!(
        t.lib.notes(&Default::default()).unwrap().len(),
        7,
        "nothing lost"
    );
    eventually(&t.lib, "lanthanum", 6);
    let out = lode(&dir, &["search", "lanthanum", "--json"]);
    let found: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(found["hits"].as_array().unwrap().len(), 6);
    let out = lode(&dir, &["check", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = lode(&dir, &["reindex"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("needs it alone"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(t.lib.check().unwrap().ok());
}
