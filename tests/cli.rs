//! The `lode` binary: commands, the `--json` contract, and errors as one line.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use crate::common::fixture;

struct Cli {
    dir: tempfile::TempDir,
}

impl Cli {
    fn new() -> Cli {
        Cli {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn library(&self) -> std::path::PathBuf {
        self.dir.path().join("library")
    }

    fn run_with_stdin(&self, args: &[&str], stdin: &[u8]) -> Output {
        let mut child = Command::new(env!("CARGO_BIN_EXE_lode"))
            .arg("--library")
            .arg(self.library())
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(stdin).ok();
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !stderr.contains("panicked"),
            "lode {args:?} panicked: {stderr}"
        );
        out
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_with_stdin(args, b"")
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "lode {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(args))
            .unwrap_or_else(|e| panic!("lode {args:?}: not JSON: {e}"))
    }

    /// Fails with exit 1 and one line on stderr that contains `message`.
    fn fails(&self, args: &[&str], stdin: &[u8], message: &str) {
        let out = self.run_with_stdin(args, stdin);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(1),
            "lode {args:?} must fail: {stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
        assert!(
            stderr.starts_with("lode: error: ") && stderr.contains(message),
            "lode {args:?}: {stderr}"
        );
    }

    fn write(&self, name: &str, content: &[u8]) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        path.display().to_string()
    }
}

fn keys(v: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = v
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}

const ARTICLE_KEYS: [&str; 10] = [
    "author",
    "body",
    "language",
    "published",
    "sections",
    "site",
    "standfirst",
    "tags",
    "title",
    "url",
];

#[test]
fn clip_search_tag_annotate_through_the_cli() {
    let cli = Cli::new();
    let page = cli.write("page.txt", fixture("northwind_lithium.txt").as_bytes());

    let clipped = cli.json(&[
        "clip",
        "--text",
        &page,
        "--url",
        "https://example.org/lithium",
        // Nothing in the tests reaches the internet (tests/page_details.rs serves its pages).
        "--no-fetch",
        "--json",
    ]);
    assert_eq!(
        keys(&clipped),
        ["id", "status", "title"],
        "the clip --json contract"
    );
    assert_eq!(clipped["status"], "created");
    let id = clipped["id"].as_i64().unwrap().to_string();
    assert_eq!(
        cli.json(&["clip", "--text", &page, "--json"])["status"],
        "unchanged"
    );

    let piped = cli.run_with_stdin(
        &["clip", "--json"],
        fixture("cronache_terre_rare.txt").as_bytes(),
    );
    assert!(piped.status.success(), "clip reads standard input");

    let found = cli.json(&["search", "lithum", "--json"]);
    assert_eq!(
        keys(&found),
        ["facets", "hits", "query", "total", "truncated"]
    );
    let hit = &found["hits"][0];
    assert_eq!(
        keys(hit),
        [
            "all_words",
            "annotations",
            "id",
            "published",
            "score",
            "site",
            "snippet",
            "title",
            "title_highlights"
        ]
    );
    assert_eq!(hit["id"].as_i64().unwrap().to_string(), id);
    assert_eq!(keys(&hit["snippet"]), ["highlights", "text"]);
    assert_eq!(keys(&found["facets"]), ["sites", "tags", "years"]);

    assert!(
        cli.ok(&["tag", &id, "geo/latam/chile", "water"])
            .contains("geo/latam/chile")
    );
    assert!(cli.ok(&["untag", &id, "water"]).contains("geo/latam/chile"));
    let listed = cli.json(&["list", "--tag", "geo", "--json"]);
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let tags = cli.json(&["tags", "--json"]);
    assert!(
        tags.as_array()
            .unwrap()
            .iter()
            .any(|t| t["name"] == "geo/latam/chile" && t["notes"] == 1)
    );
    assert!(cli.ok(&["tag-rename", "geo", "region"]).contains("renamed"));
    assert_eq!(
        cli.json(&["search", "tag:region/latam", "--json"])["hits"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let annotation = cli.json(&[
        "annotate",
        &id,
        "--quote",
        "The pumps never stop.",
        "--comment",
        "strong opening",
        "--tag",
        "style",
        "--color",
        "2",
        "--json",
    ]);
    assert_eq!(
        keys(&annotation),
        [
            "color",
            "comment",
            "created",
            "id",
            "note_id",
            "previous_quote",
            "selector",
            "status",
            "tags",
            "updated"
        ]
    );
    assert_eq!(annotation["color"], "green");
    assert_eq!(
        keys(&annotation["selector"]["quote"]),
        ["exact", "prefix", "suffix"]
    );
    assert_eq!(keys(&annotation["selector"]["position"]), ["end", "start"]);
    assert_eq!(
        cli.json(&["annotations", &id, "--json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let found = cli.json(&["search", "opening", "--json"]);
    assert_eq!(
        found["hits"][0]["annotations"][0]["comment"],
        "strong opening"
    );

    let shown = cli.json(&["show", &id, "--json"]);
    assert_eq!(keys(&shown), ["annotations", "details_from", "note"]);
    for key in ARTICLE_KEYS.iter().chain(&[
        "id",
        "created",
        "updated",
        "content_hash",
        "annotation_count",
    ]) {
        assert!(
            shown["note"].get(key).is_some(),
            "show --json carries {key}"
        );
    }
    assert!(cli.ok(&["show", &id]).contains("Chile's lithium rush"));

    assert!(cli.ok(&["reindex"]).contains("rebuilt"));
    assert!(cli.ok(&["check"]).contains("database: ok"));
    assert_eq!(
        cli.json(&["check", "--json"])["missing_from_index"],
        serde_json::json!([])
    );
    cli.ok(&["delete", &id]);
    cli.fails(&["show", &id], b"", &format!("no note with id {id}"));
}

#[test]
fn extract_prints_the_article_json_and_stores_nothing() {
    let cli = Cli::new();
    let page = cli.write("page.txt", fixture("northwind_lithium.txt").as_bytes());
    let article = cli.json(&["extract", "--text", &page]);
    assert_eq!(keys(&article), ARTICLE_KEYS, "the Article JSON contract");
    assert_eq!(article["published"], "2025-12-03", "YYYY-MM-DD");
    assert!(
        article["body"]
            .as_str()
            .unwrap()
            .contains("\n\nChile holds"),
        "paragraphs split by a blank line"
    );
    assert!(!cli.library().exists(), "extract opens no library");
}

#[test]
fn import_and_export() {
    let cli = Cli::new();
    let folder = cli.dir.path().join("in/nested");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("a.txt"), fixture("northwind_lithium.txt")).unwrap();
    std::fs::write(
        cli.dir.path().join("in/b.txt"),
        fixture("cronache_terre_rare.txt"),
    )
    .unwrap();
    std::fs::write(
        cli.dir.path().join("in/c.md"),
        "# Field notes\n\nShort note about the salt flats.\n",
    )
    .unwrap();
    std::fs::write(cli.dir.path().join("in/d.html"), "<h1>Harbour news</h1><p>The harbour reopened on Friday after a week of strikes by the dock workers, who won a new contract.</p>").unwrap();
    std::fs::write(
        cli.dir.path().join("in/broken.txt"),
        b"garbage\xff\xfe\x00bytes",
    )
    .unwrap();
    std::fs::write(cli.dir.path().join("in/skip.png"), b"not imported").unwrap();
    let input = cli.dir.path().join("in").display().to_string();
    let report = cli.json(&["import", &input, "--json"]);
    assert_eq!(report["created"], 4, "{report}");
    assert_eq!(
        report["failed"].as_array().unwrap().len(),
        1,
        "the broken file is reported, the rest imported"
    );
    assert_eq!(
        cli.json(&["search", "harbour", "--json"])["hits"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        cli.json(&["import", &input, "--json"])["unchanged"],
        4,
        "importing again adds nothing"
    );

    let lithium = cli.json(&["search", "brine", "--json"])["hits"][0]["id"].to_string();
    cli.ok(&[
        "annotate",
        &lithium,
        "--quote",
        "The pumps never stop.",
        "--comment",
        "opening line",
        "--tag",
        "style",
        "--color",
        "green",
    ]);
    cli.ok(&["color-name", "green", "evidence"]);
    assert!(cli.ok(&["colors"]).contains("2  green   evidence"));
    let out = cli.dir.path().join("out");
    cli.ok(&["export", "--format", "markdown", &out.display().to_string()]);
    let files: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 4);
    let lithium = files
        .iter()
        .find(|p| p.display().to_string().contains("lithium"))
        .unwrap();
    let md = std::fs::read_to_string(lithium).unwrap();
    assert!(
        md.starts_with("---\ntitle: \"Chile's lithium rush"),
        "YAML front matter: {md}"
    );
    assert!(md.contains("author: \"Maria Okonkwo\"") && md.contains("published: \"2025-12-03\""));
    assert!(
        md.contains("## Highlights\n\n> The pumps never stop.\n\nopening line\n"),
        "{md}"
    );
    assert!(
        md.contains("*colour: evidence (green) · tags: #style*"),
        "the highlight names its colour's meaning: {md}"
    );

    let json_out = cli.dir.path().join("json");
    cli.ok(&[
        "export",
        "--format",
        "json",
        &json_out.display().to_string(),
    ]);
    let one = std::fs::read_dir(&json_out)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let v: Value = serde_json::from_str(&std::fs::read_to_string(one).unwrap()).unwrap();
    assert!(v.get("body").is_some() && v.get("annotations").is_some());
    cli.fails(
        &["export", "--format", "pdf", "x"],
        b"",
        "invalid export format",
    );
}

#[test]
fn bad_input_is_one_clear_line_and_exit_1() {
    let cli = Cli::new();
    cli.fails(&["clip", "--text", "-"], b"   \n\t  ", "the clip is empty");
    let invalid = cli.write("invalid.txt", b"caf\xe9 au lait");
    cli.fails(&["clip", "--text", &invalid], b"", "is not valid UTF-8");
    let binary = cli.write("binary.bin", b"\x7fELF\x02\x01\x01\x00\x00\x00");
    cli.fails(&["clip", "--text", &binary], b"", "binary");
    let huge = cli.dir.path().join("huge.txt");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(100 * 1024 * 1024)
        .unwrap(); // sparse: costs no disk
    cli.fails(
        &["clip", "--text", &huge.display().to_string()],
        b"",
        "Lode accepts at most",
    );
    cli.fails(
        &["clip", "--text", "/nonexistent/file.txt"],
        b"",
        "cannot read",
    );
    cli.fails(&["show", "42"], b"", "no note with id 42");
    cli.fails(&["annotations", "42"], b"", "no note with id 42");

    let page = cli.write("page.txt", fixture("northwind_lithium.txt").as_bytes());
    let id = cli.json(&["clip", "--text", &page, "--json"])["id"]
        .as_i64()
        .unwrap()
        .to_string();
    cli.fails(
        &["annotate", &id, "--quote", "not in the article"],
        b"",
        "does not occur",
    );
    cli.fails(
        &["annotate", &id, "--quote", "brine", "--color", "teal"],
        b"",
        "invalid colour",
    );
    let out = cli.run(&["show", "999", "--json"]);
    let error: Value = serde_json::from_slice(&out.stdout).expect("--json errors are JSON too");
    assert_eq!(error["error"]["code"], "not_found");
    assert_eq!(
        cli.json(&["list", "--json"]).as_array().unwrap().len(),
        1,
        "nothing stored was lost"
    );
}

#[test]
fn the_library_folder_comes_from_the_environment_too() {
    let cli = Cli::new();
    let lib = cli.dir.path().join("from-env");
    let out = Command::new(env!("CARGO_BIN_EXE_lode"))
        .args(["list", "--json"])
        .env("LODE_LIBRARY", &lib)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        Path::new(&lib).join("lode.db").exists(),
        "LODE_LIBRARY names the library folder"
    );
}

#[test]
fn a_closed_pipe_ends_the_command_quietly() {
    let cli = Cli::new();
    for name in ["northwind_lithium.txt", "cronache_terre_rare.txt"] {
        cli.run_with_stdin(&["clip"], fixture(name).as_bytes());
    }
    for args in [
        &["search", "lithium"][..],
        &["list", "--json"],
        &["show", "1"],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_lode"))
            .arg("--library")
            .arg(cli.library())
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take()); // `| head -0`: the reader is gone before anything is written
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && stderr.is_empty(),
            "lode {args:?}: {:?} {stderr}",
            out.status
        );
    }
}

#[test]
fn a_query_that_starts_with_a_minus_is_a_query() {
    let cli = Cli::new();
    cli.run_with_stdin(&["clip"], fixture("northwind_lithium.txt").as_bytes());
    cli.run_with_stdin(&["clip"], fixture("cronache_terre_rare.txt").as_bytes());
    let results = cli.json(&["search", "-lithium", "--json"]);
    assert_eq!(results["query"], "-lithium");
    let hits = results["hits"].as_array().unwrap();
    assert!(
        hits.iter()
            .all(|h| !h["title"].as_str().unwrap().contains("lithium")),
        "{results}"
    );
}

#[test]
fn delete_moves_to_the_trash_and_restore_brings_it_back() {
    let cli = Cli::new();
    let text = cli.write("a.txt", fixture("northwind_lithium.txt").as_bytes());
    let id = cli.json(&["clip", "--text", &text, "--json"])["id"]
        .as_i64()
        .unwrap();
    let id_s = id.to_string();
    assert!(cli.ok(&["delete", &id_s]).contains("trash"));
    let trash = cli.json(&["trash", "--json"]);
    let entry = &trash.as_array().expect("an array")[0];
    assert_eq!(keys(entry), ["deleted", "expires", "id", "title"]);
    assert_eq!(entry["id"].as_i64(), Some(id));
    assert!(cli.json(&["list", "--json"]).as_array().unwrap().is_empty());
    cli.ok(&["restore", &id_s]);
    assert!(
        cli.json(&["trash", "--json"])
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(cli.json(&["list", "--json"]).as_array().unwrap().len(), 1);
    cli.fails(&["restore", &id_s], b"", "not in the trash");

    let highlight = cli.json(&[
        "annotate",
        &id_s,
        "--quote",
        "lithium",
        "--occurrence",
        "1",
        "--json",
    ])["id"]
        .as_i64()
        .unwrap()
        .to_string();
    cli.ok(&["delete-highlight", &highlight]);
    assert!(
        cli.json(&["annotations", &id_s, "--json"])
            .as_array()
            .unwrap()
            .is_empty()
    );
    cli.ok(&["restore", "--highlight", &highlight]);
    assert_eq!(
        cli.json(&["annotations", &id_s, "--json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );

    cli.ok(&["delete", &id_s]);
    assert_eq!(
        cli.json(&["trash", "--empty", "--json"])["removed"].as_i64(),
        Some(1)
    );
    assert!(
        cli.json(&["trash", "--json"])
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_search_right_after_the_index_is_lost_or_damaged_finds_everything() {
    let cli = Cli::new();
    let text = cli.write("a.txt", fixture("northwind_lithium.txt").as_bytes());
    cli.ok(&["clip", "--text", &text]);
    std::fs::remove_dir_all(cli.library().join("index")).unwrap();
    let results = cli.json(&["search", "lithium", "--json"]);
    assert_eq!(results["hits"].as_array().unwrap().len(), 1, "{results}");
    std::fs::write(cli.library().join("index/meta.json"), b"{").unwrap();
    let out = cli.run(&["search", "lithium"]);
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .to_lowercase()
            .contains("lithium")
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("rebuilt"),
        "the user is told the index was rebuilt"
    );
    let report = cli.json(&["check", "--json"]);
    assert_eq!(report["sqlite_ok"], true);
    assert!(report.get("index_repaired").is_some(), "{report}");
    cli.ok(&["check", "--repair"]);
    cli.ok(&["reindex"]);
}

#[test]
fn save_saved_and_saved_run_through_the_cli() {
    let cli = Cli::new();
    let page = cli.write("page.txt", fixture("northwind_lithium.txt").as_bytes());
    cli.ok(&["clip", "--text", &page, "--no-fetch"]);
    let saved = cli.json(&["save", "Rare earths", "lithium", "--json"]);
    assert_eq!(keys(&saved), ["count", "created", "name", "query"]);
    assert_eq!(saved["count"], 1);
    assert!(cli.ok(&["saved"]).contains("Rare earths  lithium (1 note)"));
    let list = cli.json(&["saved", "--json"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["name"], "Rare earths");
    assert_eq!(
        cli.json(&["saved-run", "rare EARTHS", "--json"]),
        cli.json(&["search", "lithium", "--json"])
    );
    cli.fails(
        &["saved-run", "nothing"],
        b"",
        "no saved search named \"nothing\"",
    );
    cli.fails(&["save", " ", "x"], b"", "invalid saved search name");
    cli.ok(&["saved", "--delete", "rare earths"]);
    assert!(
        cli.json(&["saved", "--json"])
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn related_through_the_cli() {
    let cli = Cli::new();
    let mut ids = Vec::new();
    for (name, text) in [
        (
            "a.txt",
            "Lithium mine opens\n\nA lithium mine opens near Karaganda.\n",
        ),
        (
            "b.txt",
            "Lithium prices\n\nLithium prices fell near Karaganda.\n",
        ),
        (
            "c.txt",
            "The cup final\n\nThe final ended with penalties.\n",
        ),
        ("d.txt", "Weather\n\nRain in the north, sun in the south.\n"),
    ] {
        let file = cli.write(name, text.as_bytes());
        ids.push(cli.json(&["clip", "--text", &file, "--json"])["id"].clone());
    }
    let related = cli.json(&["related", &ids[0].to_string(), "--json"]);
    let list = related.as_array().unwrap();
    assert_eq!(list.len(), 1, "{related}");
    assert_eq!(keys(&list[0]), ["id", "terms", "title"]);
    assert_eq!(list[0]["id"], ids[1]);
    assert_eq!(list[0]["title"], "Lithium prices");
    assert!(
        list[0]["terms"]
            .as_array()
            .unwrap()
            .contains(&"karaganda".into())
    );
    assert!(
        cli.ok(&["related", &ids[0].to_string()])
            .contains("#2  Lithium prices  (")
    );
    cli.fails(&["related", "99"], b"", "no note with id 99");
}

#[test]
fn cite_and_export_citations_through_the_cli() {
    let cli = Cli::new();
    let file = cli.write(
        "a.txt",
        b"Lithium mine opens\nBy Jane Doe\n\nA lithium mine opens near Karaganda, the company said on Monday.\n",
    );
    let id = cli.json(&[
        "clip",
        "--text",
        &file,
        "--url",
        "https://example.org/lithium",
        "--no-fetch",
        "--json",
    ])["id"]
        .to_string();
    let citation = cli.json(&["cite", &id, "--json"]);
    assert_eq!(
        keys(&citation),
        ["bibtex", "csl_json", "key", "ris", "text"]
    );
    assert_eq!(citation["key"], "doendlithium");
    assert!(
        cli.ok(&["cite", &id])
            .starts_with("Doe, Jane. n.d. “Lithium mine opens.” Example. Accessed ")
    );
    assert!(
        cli.ok(&["cite", &id, "--format", "bibtex"])
            .starts_with("@article{doendlithium,")
    );
    assert!(
        cli.ok(&["cite", &id, "--format", "ris"])
            .ends_with("ER  -\n")
    );
    let out = cli.library().join("cites");
    for (format, file) in [
        ("csl-json", "library.json"),
        ("bibtex", "library.bib"),
        ("ris", "library.ris"),
    ] {
        cli.ok(&["export", "--format", format, out.to_str().unwrap()]);
        assert!(out.join(file).is_file(), "{format} writes {file}");
    }
    let items: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("library.json")).unwrap()).unwrap();
    assert_eq!(items[0]["title"], "Lithium mine opens");
    cli.fails(&["cite", "99"], b"", "no note with id 99");
}
