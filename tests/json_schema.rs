//! The CLI's `--json` contract is written down as one JSON Schema a command in `docs/cli/`
//! (shared parts in `common.schema.json`). These tests run every command over a real library
//! and check what it printed twice: against the schema as published (which lets a later Lode
//! add fields), and against a strict copy that refuses any field the schema does not name, so a
//! field added to the output without being documented fails here.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use crate::common::{self, Reply};

fn schema_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/cli")
}

fn lode(library: &Path, args: &[&str]) -> (bool, Value) {
    let out = common::lode_output(library, args);
    let value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "lode {args:?} printed no JSON ({e}):\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.success(), value)
}

/// Runs a command that prints no JSON; it must succeed.
fn plain(library: &Path, args: &[&str]) {
    common::lode(library, args);
}

/// The schema tree with `unevaluatedProperties: false` on every object schema, except where
/// one is a part of an `allOf` (the whole it belongs to is made strict instead).
fn strict(schema: &mut Value, defs_in_all_of: &BTreeSet<String>, in_all_of: bool) {
    match schema {
        Value::Object(map) => {
            let is_object_schema = ["properties", "allOf", "$ref"]
                .iter()
                .any(|k| map.contains_key(*k));
            if is_object_schema && !in_all_of && !map.contains_key("unevaluatedProperties") {
                map.insert("unevaluatedProperties".into(), json!(false));
            }
            for (key, value) in map.iter_mut() {
                match key.as_str() {
                    "allOf" => {
                        for part in value.as_array_mut().into_iter().flatten() {
                            strict(part, defs_in_all_of, true);
                        }
                    }
                    "$defs" => {
                        for (name, def) in value.as_object_mut().into_iter().flatten() {
                            strict(def, defs_in_all_of, defs_in_all_of.contains(name));
                        }
                    }
                    _ => strict(value, defs_in_all_of, false),
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|v| strict(v, defs_in_all_of, false)),
        _ => {}
    }
}

/// The definitions some `allOf` names: strict only as part of the whole.
fn defs_in_all_of(schema: &Value, found: &mut BTreeSet<String>) {
    match schema {
        Value::Object(map) => {
            if let Some(parts) = map.get("allOf").and_then(Value::as_array) {
                for part in parts {
                    if let Some(r) = part.get("$ref").and_then(Value::as_str) {
                        found.insert(r.rsplit('/').next().unwrap().to_string());
                    }
                }
            }
            map.values().for_each(|v| defs_in_all_of(v, found));
        }
        Value::Array(items) => items.iter().for_each(|v| defs_in_all_of(v, found)),
        _ => {}
    }
}

struct Schemas {
    published: PathBuf,
    strict: tempfile::TempDir,
}

impl Schemas {
    fn load() -> Schemas {
        let published = schema_dir();
        let files: Vec<(String, Value)> = std::fs::read_dir(&published)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().ends_with(".schema.json"))
            .map(|p| {
                let text = std::fs::read_to_string(&p).unwrap();
                let value = serde_json::from_str(&text)
                    .unwrap_or_else(|e| panic!("{} is not JSON: {e}", p.display()));
                (p.file_name().unwrap().to_string_lossy().into_owned(), value)
            })
            .collect();
        let mut in_all_of = BTreeSet::new();
        for (_, schema) in &files {
            defs_in_all_of(schema, &mut in_all_of);
        }
        let strict_dir = tempfile::tempdir().unwrap();
        for (name, mut schema) in files {
            strict(&mut schema, &in_all_of, false);
            std::fs::write(strict_dir.path().join(name), schema.to_string()).unwrap();
        }
        Schemas {
            published,
            strict: strict_dir,
        }
    }

    /// Checks `output` against `docs/cli/<command>.schema.json`, published and strict.
    fn check(&self, command: &str, output: &Value) {
        for dir in [self.published.as_path(), self.strict.path()] {
            let path = dir.join(format!("{command}.schema.json"));
            let schema: Value = serde_json::from_str(
                &std::fs::read_to_string(&path)
                    .unwrap_or_else(|_| panic!("no schema for `{command}`: {}", path.display())),
            )
            .unwrap();
            let validator = jsonschema::options()
                .with_base_uri(format!("file://{}", path.display()))
                .build(&schema)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let errors: Vec<String> = validator
                .iter_errors(output)
                .map(|e| format!("{} at {}", e, e.instance_path()))
                .collect();
            let which = if dir == self.published {
                ""
            } else {
                " (strict)"
            };
            assert!(
                errors.is_empty(),
                "`lode {command} --json` does not match its schema{which}:\n{}\n{}",
                errors.join("\n"),
                serde_json::to_string_pretty(output).unwrap()
            );
        }
    }
}

#[test]
fn every_json_output_matches_its_schema() {
    let schemas = Schemas::load();
    let library = tempfile::tempdir().unwrap();
    let lib = library.path();
    let work = tempfile::tempdir().unwrap();
    let fixture = |name: &str| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name)
            .to_string_lossy()
            .into_owned()
    };
    let file = |name: &str, text: &str| {
        let path = work.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().into_owned()
    };
    let mut checked = BTreeSet::new();
    let mut run = |schema: &str, args: &[&str], succeeds: bool| -> Value {
        let (ok, value) = lode(lib, args);
        assert_eq!(ok, succeeds, "lode {args:?}: {value}");
        schemas.check(schema, &value);
        checked.insert(schema.to_string());
        value
    };

    let lithium = fixture("northwind_lithium.txt");
    // A page on this machine: its refresh fails without reaching a network.
    run(
        "clip",
        &[
            "clip",
            "--text",
            &lithium,
            "--url",
            "http://127.0.0.1:9/lithium",
            "--no-fetch",
            "--json",
        ],
        true,
    );
    run(
        "clip",
        &[
            "clip",
            "--text",
            &fixture("cronache_terre_rare.txt"),
            "--no-fetch",
            "--json",
        ],
        true,
    );
    let passage = file(
        "passage.txt",
        "The pumps never stop. Every hour, day and night, brine rises",
    );
    let highlighted = run(
        "clip",
        &["clip", "--text", &passage, "--no-fetch", "--json"],
        true,
    );
    assert_eq!(highlighted["status"], "highlighted");
    run(
        "extract",
        &["extract", "--text", &fixture("harbour_review.txt")],
        true,
    );

    run(
        "annotate",
        &[
            "annotate",
            "1",
            "--quote",
            "Salar de Atacama",
            "--comment",
            "where the brine is",
            "--tag",
            "water",
            "--color",
            "green",
            "--json",
        ],
        true,
    );
    run("annotations", &["annotations", "1", "--json"], true);
    plain(lib, &["tag", "1", "geo/chile"]);
    run("tags", &["tags", "--json"], true);
    run("colors", &["colors", "--json"], true);

    run("search", &["search", "lithium brine", "--json"], true);
    run("search", &["search", "-lithium", "--json"], true);
    run(
        "save",
        &["save", "lithium", "lithium tag:geo", "--json"],
        true,
    );
    run("saved", &["saved", "--json"], true);
    run("saved-run", &["saved-run", "lithium", "--json"], true);
    run("saved", &["saved", "--delete", "lithium", "--json"], true);
    run("related", &["related", "1", "--json"], true);
    run("cite", &["cite", "1", "--json"], true);
    run("show", &["show", "1", "--json"], true);
    run("list", &["list", "--json"], true);

    let body = run("show", &["show", "1", "--json"], true)["note"]["body"]
        .as_str()
        .unwrap()
        .replace("The pumps never stop.", "The pumps never, ever stop.");
    let body = file("body.txt", &body);
    run("edit", &["edit", "1", "--body-file", &body, "--json"], true);
    run("versions", &["versions", "1", "--json"], true);
    run("reextract", &["reextract", "--json"], true);

    run("refresh", &["refresh", "1", "--json"], false);
    run("settings", &["settings", "--json"], true);
    run(
        "settings",
        &["settings", "--complete-details", "off", "--json"],
        true,
    );
    // Two bookmarks waiting for their pages, on a server of this machine's: one is fetched
    // from the reader (--id), the other answers 404.
    let base = common::serve(|path| match path {
        "/copper" => Reply::html(
            "<html><head><title>Copper smelters in Zambia</title></head><body><article>\
             <h1>Copper smelters in Zambia</h1><p>Zambia's copper smelters ran at full capacity \
             this winter, and the mines of the Copperbelt hired again.</p></article></body></html>",
        ),
        _ => Reply::not_found(),
    });
    plain(lib, &["settings", "--allow-private", "on"]);
    let bookmarks = file(
        "bookmarks.html",
        &format!(
            "<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n\
             <DT><A HREF=\"{base}/copper\" ADD_DATE=\"1700000000\">Copper</A>\n\
             <DT><A HREF=\"{base}/gone\" ADD_DATE=\"1700000001\">Gone</A>\n</DL>\n"
        ),
    );
    let imported = run(
        "import",
        &["import", &bookmarks, "--no-fetch", "--json"],
        true,
    );
    assert_eq!(imported["waiting"], 2, "{imported}");
    let waiting = lode(lib, &["list", "--json"]).1;
    let copper = waiting
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["title"] == "Copper")
        .unwrap()["id"]
        .to_string();
    let fetched = run(
        "fetch-pages",
        &["fetch-pages", "--id", &copper, "--json"],
        true,
    );
    assert!(
        fetched["note"]["body"]
            .as_str()
            .unwrap()
            .contains("Copperbelt"),
        "{fetched}"
    );
    let pages = run("fetch-pages", &["fetch-pages", "--json"], true);
    assert_eq!(pages["failed"].as_array().unwrap().len(), 1, "{pages}");
    // Other tools' exports (after the fetch: their addresses are not this machine's).
    let imports = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/imports");
    run(
        "import",
        &["import", &imports.to_string_lossy(), "--no-fetch", "--json"],
        true,
    );
    let sync = work.path().join("vault");
    run(
        "sync-folder",
        &["sync-folder", &sync.to_string_lossy(), "--json"],
        true,
    );

    run("check", &["check", "--json"], true);
    plain(lib, &["delete", "2"]);
    run("trash", &["trash", "--json"], true);
    run("trash", &["trash", "--empty", "--json"], true);
    let backups = work.path().join("backups");
    run(
        "backup",
        &["backup", &backups.to_string_lossy(), "--json"],
        true,
    );
    run("backups", &["backups", "--json"], true);

    for failing in [
        &["show", "999", "--json"][..],
        &["annotate", "1", "--quote", "not in the note", "--json"],
        &["clip", "--text", &file("empty.txt", " \n"), "--json"],
    ] {
        run("error", failing, false);
    }

    // Every schema was exercised.
    let published: BTreeSet<String> = std::fs::read_dir(schema_dir())
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            name.strip_suffix(".schema.json").map(str::to_string)
        })
        .filter(|name| name != "common")
        .collect();
    let missing: Vec<_> = published.difference(&checked).collect();
    assert!(
        missing.is_empty(),
        "schemas no output was checked against: {missing:?}"
    );
}

/// A command that takes `--json` (or, as `extract`, always prints JSON) has its schema.
#[test]
fn every_command_with_json_output_has_a_schema() {
    let help = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_lode"))
            .args(args)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let top = help(&["--help"]);
    let commands: Vec<&str> = top
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert!(commands.contains(&"search"), "{top}");
    for command in commands {
        let takes_json = command == "extract" || help(&[command, "--help"]).contains("--json");
        let schema = schema_dir().join(format!("{command}.schema.json"));
        assert_eq!(
            takes_json,
            schema.exists(),
            "`lode {command}`: --json {} but {} {}",
            if takes_json { "is taken" } else { "is not" },
            schema.display(),
            if schema.exists() {
                "exists"
            } else {
                "does not"
            },
        );
    }
}
