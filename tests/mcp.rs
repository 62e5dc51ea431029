//! `lode mcp` answers a real Model Context Protocol client: the official Python SDK (`mcp`),
//! which starts the server over stdio as an assistant does (tests/mcp/client.py). The test
//! command installs the client (scripts/setup.sh, `setup_mcp_client`); without it these tests
//! say so loudly and pass, unless LODE_REQUIRE_MCP_CLIENT is set (as the test command sets it).

use std::path::{Path, PathBuf};
use std::process::Command;

use lode::{Color, NewAnnotation};
use serde_json::Value;

use crate::common::TestLibrary;

/// The Python that has the `mcp` package: LODE_MCP_PYTHON, or the one setup installs.
fn python() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("LODE_MCP_PYTHON").map(PathBuf::from),
        std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/lode/mcp/bin/python")),
    ];
    let found = candidates.into_iter().flatten().find(|p| {
        Command::new(p)
            .args(["-c", "import mcp"])
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if found.is_none() {
        assert!(
            std::env::var_os("LODE_REQUIRE_MCP_CLIENT").is_none(),
            "LODE_REQUIRE_MCP_CLIENT is set but no Python with the `mcp` package was found"
        );
        eprintln!(
            "\n**************** MCP CLIENT TESTS SKIPPED ****************\n\
             no Python with the `mcp` package (set LODE_MCP_PYTHON, or run scripts/test,\n\
             which installs it in ~/.cache/lode/mcp)\n\
             **********************************************************\n"
        );
    }
    found
}

/// A library of three clipped articles, one tagged and highlighted, closed so that the
/// server's process can take it.
fn library() -> (tempfile::TempDir, i64) {
    let t = TestLibrary::new();
    let lithium = t.clip_fixture("northwind_lithium.txt");
    t.clip_fixture("cronache_terre_rare.txt");
    t.clip_fixture("harbour_review.txt");
    t.lib.tag(lithium, &["geo/chile"]).unwrap();
    t.lib
        .annotate(
            lithium,
            &NewAnnotation {
                quote: "The pumps never stop".into(),
                occurrence: None,
                comment: Some("water rights".into()),
                tags: vec!["water".into()],
                color: Color::default(),
            },
        )
        .unwrap();
    t.lib.flush_index().unwrap();
    let TestLibrary { dir, lib } = t;
    drop(lib);
    (dir, lithium)
}

/// Runs the client against `lode mcp` over `dir` and returns what it recorded.
fn session(python: &Path, dir: &Path, access: &str, mode: &str) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mcp/client.py");
    let out = Command::new(python)
        .arg(script)
        .args([env!("CARGO_BIN_EXE_lode")])
        .arg(dir)
        .args([access, mode])
        .output()
        .expect("the client starts");
    assert!(
        out.status.success(),
        "the MCP client failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the client prints JSON")
}

/// A tool call's structured answer (failing on a protocol error or a tool error).
fn answer<'a>(session: &'a Value, call: &str) -> &'a Value {
    let result = &session[call];
    assert!(result.get("error").is_none(), "{call}: {result}");
    assert_eq!(result["isError"], false, "{call}: {result}");
    // The text is the same JSON, for clients that read only text.
    let text: Value = serde_json::from_str(result["content"][0]["text"].as_str().unwrap()).unwrap();
    assert_eq!(text, result["structuredContent"], "{call}");
    &result["structuredContent"]
}

fn titles(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|n| n["title"].as_str().unwrap())
        .collect()
}

#[test]
fn an_assistant_reads_the_library_and_cannot_change_it_without_write() {
    let Some(python) = python() else { return };
    let (dir, lithium) = library();
    for mode in ["auto", "legacy"] {
        let s = session(&python, dir.path(), "read", mode);
        assert_eq!(s["server_info"]["name"], "lode", "{mode}");
        let mut tools: Vec<&str> = s["tools"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap())
            .collect();
        tools.sort_unstable();
        assert_eq!(
            tools,
            [
                "list_annotations",
                "list_notes",
                "related",
                "search",
                "show_note"
            ],
            "read-only by default ({mode})"
        );
        assert!(
            s["tools"]
                .as_array()
                .unwrap()
                .iter()
                .all(|t| t["annotations"]["readOnlyHint"] == true)
        );

        // search answers what `lode search --json` prints: the hit, its snippet, its highlight.
        let search = answer(&s, "search");
        assert_eq!(search["hits"][0]["id"], lithium, "{mode}");
        assert_eq!(
            search["hits"][0]["annotations"][0]["comment"],
            "water rights"
        );
        assert!(
            search["hits"][0]["snippet"]["text"]
                .as_str()
                .unwrap()
                .contains("brine")
        );
        let typo = answer(&s, "search_typo");
        assert_eq!(
            typo["hits"][0]["id"], lithium,
            "a misspelt word still finds it"
        );

        let show = answer(&s, "show_note");
        assert_eq!(show["note"]["id"], lithium);
        assert!(
            show["note"]["body"]
                .as_str()
                .unwrap()
                .contains("Salar de Atacama")
        );
        assert_eq!(
            show["annotations"][0]["selector"]["quote"]["exact"],
            "The pumps never stop"
        );
        assert_eq!(titles(&answer(&s, "list_notes")["notes"]).len(), 3);
        assert_eq!(
            titles(&answer(&s, "list_by_tag")["notes"]),
            ["Chile's lithium rush leaves the salt flats thirsty"]
        );
        assert_eq!(
            answer(&s, "list_annotations")["annotations"][0]["tags"][0],
            "water"
        );
        assert!(answer(&s, "related")["related"].is_array());

        // Errors are the CLI's, readable by the assistant; nothing is written.
        assert_eq!(s["show_missing"]["isError"], true);
        assert_eq!(
            s["show_missing"]["structuredContent"]["error"]["code"],
            "not_found"
        );
        assert_eq!(
            s["bad_arguments"]["isError"], true,
            "{}",
            s["bad_arguments"]
        );
        assert!(
            s["clip_refused"]["error"]
                .as_str()
                .unwrap()
                .contains("not found"),
            "clip is not offered without --write: {}",
            s["clip_refused"]
        );

        // Notes are resources, as Markdown with their highlights.
        assert_eq!(s["resources"].as_array().unwrap().len(), 3);
        assert_eq!(
            s["resource_templates"][0]["uriTemplate"],
            "lode://notes/{id}"
        );
        let read = &s["read_resource"]["contents"][0];
        assert_eq!(read["mimeType"], "text/markdown");
        assert!(read["text"].as_str().unwrap().starts_with("---\ntitle: "));
        assert!(
            s["read_missing"]
                .as_str()
                .unwrap()
                .contains("no note with id 987654")
        );
    }
    let lib = lode::Library::open(dir.path()).unwrap();
    assert_eq!(
        lib.notes(&Default::default()).unwrap().len(),
        3,
        "nothing was added"
    );
}

#[test]
fn with_write_an_assistant_clips_tags_and_highlights_and_finds_them_at_once() {
    let Some(python) = python() else { return };
    let (dir, _) = library();
    let s = session(&python, dir.path(), "write", "auto");
    let clip = answer(&s, "clip");
    assert_eq!(clip["status"], "created");
    assert_eq!(clip["title"], "Copper smelters in Zambia");
    let id = clip["id"].as_i64().unwrap();
    assert_eq!(
        answer(&s, "tag")["tags"],
        serde_json::json!(["africa/zambia"])
    );
    let highlight = answer(&s, "annotate");
    assert_eq!(highlight["color"], "green");
    assert_eq!(
        s["annotate_absent"]["structuredContent"]["error"]["code"],
        "quote_not_found"
    );
    // The search right after the writes finds the note and its highlight.
    let found = answer(&s, "search_after");
    assert_eq!(found["hits"][0]["id"], id);
    assert_eq!(
        found["hits"][0]["annotations"][0]["comment"],
        "jobs follow the smelters"
    );

    let lib = lode::Library::open(dir.path()).unwrap();
    let note = lib.note(id).unwrap();
    assert_eq!(
        note.article.url.as_deref(),
        Some("https://news.example/zambia-copper")
    );
    assert_eq!(note.article.tags, ["africa/zambia"]);
    assert_eq!(
        lib.annotations(id).unwrap()[0].comment.as_deref(),
        Some("jobs follow the smelters")
    );
}
