//! Importing what other tools export (`tests/fixtures/imports`, written from the formats'
//! descriptions): each format recognised by its content, its fields carried across, its
//! highlights re-anchored on the text (orphans kept and counted), the same export twice
//! adding nothing, and notes that came with only an address receiving their page from a
//! local server.

use std::io::Write;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use lode::anchor::AnchorStatus;
use lode::{FetchSettings, ImportOptions, ImportReport, Note, NoteFilter};

use crate::common::{self, Reply, TestLibrary};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/imports")
}

/// A fixture copied into `dir` with `{base}` replaced by the local server's address.
fn fixture_at(dir: &Path, name: &str, base: &str) -> PathBuf {
    let text = std::fs::read_to_string(fixtures().join(name)).unwrap();
    let path = dir.join(name.replace('/', "_"));
    std::fs::write(&path, text.replace("{base}", base)).unwrap();
    path
}

/// A folder of fixtures as a ZIP archive (what Pocket and Omnivore hand out).
fn zipped(dir: &Path, folder: &str, base: &str) -> PathBuf {
    let path = dir.join(format!("{folder}.zip"));
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let root = fixtures().join(folder);
    let mut stack = vec![root.clone()];
    while let Some(at) = stack.pop() {
        for entry in std::fs::read_dir(&at).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let name = path
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            zip.start_file(name, zip::write::SimpleFileOptions::default())
                .unwrap();
            let text = std::fs::read_to_string(&path).unwrap();
            zip.write_all(text.replace("{base}", base).as_bytes())
                .unwrap();
        }
    }
    zip.finish().unwrap();
    path
}

fn import(t: &TestLibrary, paths: &[PathBuf]) -> ImportReport {
    t.lib
        .import(paths, &ImportOptions::default(), &mut |_| {
            ControlFlow::Continue(())
        })
        .expect("an import reports what it could not read instead of failing")
}

fn notes(t: &TestLibrary) -> Vec<Note> {
    let mut notes: Vec<Note> = (t.lib.notes(&NoteFilter::default()).unwrap())
        .into_iter()
        .map(|s| t.lib.note(s.id).unwrap())
        .collect();
    notes.sort_by(|a, b| a.article.title.cmp(&b.article.title));
    notes
}

fn by_title(t: &TestLibrary, title: &str) -> Note {
    notes(t)
        .into_iter()
        .find(|n| n.article.title == title)
        .unwrap_or_else(|| panic!("a note titled {title:?}; have {:?}", titles(t)))
}

fn titles(t: &TestLibrary) -> Vec<String> {
    notes(t).into_iter().map(|n| n.article.title).collect()
}

fn has_tags(note: &Note, tags: &[&str]) {
    for tag in tags {
        assert!(
            note.article.tags.iter().any(|t| t == tag),
            "{:?} should be tagged {tag:?}: it has {:?}",
            note.article.title,
            note.article.tags
        );
    }
}

/// Serves `/separation` and `/quota` (article pages) and answers 404 elsewhere.
fn serve() -> String {
    common::serve(|path| match path.split('?').next().unwrap_or_default() {
        "/separation" => Reply::html(SEPARATION),
        "/quota" => Reply::html(QUOTA),
        _ => Reply::not_found(),
    })
}

const SEPARATION: &str = r#"<!doctype html><html lang="en"><head><title>Kazakhstan opens its first rare-earth separation plant</title></head>
<body><nav>Home · Mining</nav><article><h1>Kazakhstan opens its first rare-earth separation plant</h1>
<p>The new works near Stepnogorsk took four years to build and employs three hundred people from the town.</p>
<p>The plant will separate neodymium and praseodymium oxides for export. Until now the country shipped only mixed concentrate.</p>
<p>Engineers trained in Europe run the solvent extraction lines, which need months to settle before the oxides are pure enough to sell.</p>
</article><footer>© Steppe Courier</footer></body></html>"#;

const QUOTA: &str = r#"<!doctype html><html lang="en"><head><title>Export quotas under review</title></head>
<body><article><h1>Export quotas under review</h1>
<p>Officials said in spring that the quota will be raised if the new plant meets its targets, and that nothing would change before then.</p>
<p>After the winter review, the quota will be raised to twelve thousand tonnes of concentrate, the ministry confirmed in a short statement.</p>
<p>Producers welcomed the news, though several said the timing still left them short of capital for the expansion they had planned.</p>
</article></body></html>"#;

fn library_fetching_local_pages() -> TestLibrary {
    let t = TestLibrary::new();
    t.lib
        .set_fetch_settings(&FetchSettings {
            complete_details: true,
            allow_private: true,
        })
        .unwrap();
    t
}

#[test]
fn pockets_export_becomes_notes_that_wait_for_their_page_then_receive_it() {
    let t = library_fetching_local_pages();
    let base = serve();
    let scratch = tempfile::tempdir().unwrap();
    let zip = zipped(scratch.path(), "pocket", &base);
    let report = import(&t, &[zip]);
    let pocket = &report.formats["pocket"];
    assert_eq!(
        pocket.created, 3,
        "three list rows with an http(s) address: {report:?}"
    );
    assert_eq!(
        pocket.failed, 1,
        "the javascript: row is reported, not dropped: {report:?}"
    );
    assert!(
        report
            .failed
            .iter()
            .any(|(_, why)| why.contains("javascript")),
        "{report:?}"
    );
    assert_eq!(
        pocket.waiting, 3,
        "Pocket kept no text: every note waits for its page"
    );
    assert_eq!(
        (pocket.annotations, pocket.orphaned),
        (2, 2),
        "the highlights are kept as orphans until their page's text arrives"
    );

    let silk = by_title(&t, "Lithium, lanthanum and the \"new silk road\"");
    has_tags(&silk, &["geo/central-asia", "lode/archived"]);
    assert_eq!(
        silk.created.timestamp(),
        1_735_812_000,
        "time_added is when it was saved"
    );
    let untitled = by_title(&t, &format!("{base}/untitled"));
    assert_eq!(
        untitled.article.url,
        Some(format!("{base}/untitled")),
        "an item without a title is named by its address"
    );
    let plant = by_title(&t, "Kazakhstan opens its first rare-earth separation plant");
    has_tags(&plant, &["rare-earths", "kazakhstan", "with space"]);
    assert_eq!(t.lib.waiting_pages().unwrap(), 3);
    assert!(
        plant.waiting_for_page.is_some(),
        "the note says it waits for its page"
    );
    assert!(
        plant.article.body.is_empty(),
        "and holds no text it does not have"
    );

    let pages = t
        .lib
        .fetch_waiting(&mut |_| ControlFlow::Continue(()))
        .unwrap();
    assert_eq!(pages.fetched, 1, "one page is served: {pages:?}");
    assert_eq!(
        pages.failed.len(),
        2,
        "the others are reported with why: {pages:?}"
    );
    assert_eq!(pages.waiting, 2, "and keep waiting for a later try");
    let plant = t.lib.note(plant.id).unwrap();
    assert!(
        plant
            .article
            .body
            .contains("neodymium and praseodymium oxides"),
        "the page's text is the note's: {:?}",
        plant.article.body
    );
    assert!(
        !plant.article.body.contains("© Steppe Courier"),
        "the page is clipped, not copied"
    );
    assert_eq!(
        plant.article.title,
        "Kazakhstan opens its first rare-earth separation plant"
    );
    let marks = t.lib.annotations(plant.id).unwrap();
    let statuses: Vec<AnchorStatus> = marks.iter().map(|a| a.status).collect();
    assert_eq!(marks.len(), 2);
    assert!(
        statuses.contains(&AnchorStatus::Exact) && statuses.contains(&AnchorStatus::Orphan),
        "the quote on the page anchors, the other stays an orphan: {statuses:?}"
    );
    assert!(
        !t.search("praseodymium").hits.is_empty(),
        "the fetched text is searchable"
    );

    // The same export again adds nothing.
    let zip = zipped(scratch.path(), "pocket", &base);
    let again = import(&t, &[zip]);
    assert_eq!(
        (again.created, again.updated, again.annotations),
        (0, 0, 0),
        "importing the same export twice adds nothing: {again:?}"
    );
    assert_eq!(again.unchanged, 3);
}

#[test]
fn pockets_older_formats_are_read_too() {
    let t = TestLibrary::new();
    let report = import(
        &t,
        &[
            fixtures().join("pocket_2024.csv"),
            fixtures().join("ril_export.html"),
        ],
    );
    assert_eq!(report.formats["pocket"].created, 3, "{report:?}");
    has_tags(
        &by_title(&t, "Uzbek tungsten in demand"),
        &["tungsten", "withÄumlaut", "lode/archived"],
    );
    has_tags(
        &by_title(&t, "Gallium export curbs bite"),
        &["gallium", "china"],
    );
    has_tags(
        &by_title(&t, "Scandium & aluminium alloys"),
        &["lode/archived"],
    );
}

#[test]
fn omnivores_export_brings_articles_with_their_highlights_labels_and_notes() {
    let t = TestLibrary::new();
    let scratch = tempfile::tempdir().unwrap();
    let report = import(&t, &[zipped(scratch.path(), "omnivore", "")]);
    let omnivore = &report.formats["omnivore"];
    assert_eq!(
        omnivore.created, 2,
        "both metadata batches are read: {report:?}"
    );
    assert_eq!(omnivore.waiting, 0, "the export carries the text");
    assert_eq!(
        (omnivore.annotations, omnivore.orphaned),
        (2, 1),
        "{report:?}"
    );

    let magnets = by_title(&t, "Why dysprosium still decides the magnet race");
    assert_eq!(magnets.article.author.as_deref(), Some("Marta Lindqvist"));
    assert_eq!(
        magnets.article.published.map(|d| d.to_string()).as_deref(),
        Some("2025-02-01")
    );
    has_tags(&magnets, &["magnets", "rare-earths", "lode/archived"]);
    assert!(magnets.article.body.contains("grain-boundary diffuse"));
    let marks = t.lib.annotations(magnets.id).unwrap();
    let first = marks
        .iter()
        .find(|a| a.selector.quote.exact.starts_with("A few per cent"))
        .expect("the first highlight");
    assert_eq!(first.status, AnchorStatus::Exact);
    assert_eq!(
        first.comment.as_deref(),
        Some("Worth checking the exact share.")
    );
    assert_eq!(first.tags, vec!["key-fact", "magnets"]);
    let orphan = marks
        .iter()
        .find(|a| a.status == AnchorStatus::Orphan)
        .unwrap();
    assert!(
        orphan.selector.quote.exact.contains("blank line"),
        "a quote the text does not hold is kept: {orphan:?}"
    );
    assert_eq!(
        orphan.comment.as_deref(),
        Some("Read for the supply-chain chapter.")
    );
    assert!(
        t.lib
            .raw_clip(magnets.id)
            .unwrap()
            .and_then(|c| c.html)
            .is_some(),
        "the export's page is kept as the raw clip"
    );
}

#[test]
fn readwise_highlights_become_one_note_per_book_with_comments_colours_and_tags() {
    let t = TestLibrary::new();
    let report = import(&t, &[fixtures().join("readwise.csv")]);
    let readwise = &report.formats["readwise"];
    assert_eq!(readwise.created, 2, "{report:?}");
    assert_eq!((readwise.annotations, readwise.orphaned), (3, 0));
    let book = by_title(&t, "The Magnet Makers");
    assert_eq!(book.article.author.as_deref(), Some("Sofia Arhus"));
    has_tags(&book, &["books", "lode/starred"]);
    let marks = t.lib.annotations(book.id).unwrap();
    let first = marks
        .iter()
        .find(|a| a.selector.quote.exact.contains("\"heavy\""))
        .expect("doubled quotes read as one");
    assert_eq!(first.comment.as_deref(), Some("Chapter 3, check"));
    assert_eq!(
        first.tags,
        vec!["motors"],
        "action tags such as .favorite are not tags"
    );
    let second = marks
        .iter()
        .find(|a| a.selector.quote.exact.contains("breaks"))
        .unwrap();
    assert_eq!(second.color, lode::Color::Blue);
    assert!(marks.iter().all(|a| a.status == AnchorStatus::Exact));
}

#[test]
fn readwise_reader_list_reads_python_list_tags_and_locations() {
    let t = TestLibrary::new();
    let report = import(&t, &[fixtures().join("reader.csv")]);
    assert_eq!(report.formats["readwise-reader"].created, 2, "{report:?}");
    has_tags(
        &by_title(&t, "Cerium prices slump"),
        &["prices", "china's quota", "cerium", "lode/archived"],
    );
    has_tags(&by_title(&t, "Yttrium in lasers"), &["lode/later"]);
}

#[test]
fn hypothesis_quotes_anchor_by_their_context_not_their_utf16_offsets() {
    let t = library_fetching_local_pages();
    let base = serve();
    let scratch = tempfile::tempdir().unwrap();
    let report = import(&t, &[fixture_at(scratch.path(), "hypothesis.json", &base)]);
    let h = &report.formats["hypothesis"];
    assert_eq!(
        (h.created, h.waiting, h.annotations),
        (1, 1, 1),
        "{report:?}"
    );
    let note = by_title(&t, "Export quotas under review 🌍");
    has_tags(&note, &["to-read"]);
    assert!(
        note.article
            .body
            .contains("A page note about the whole article.")
    );
    let pages = t
        .lib
        .fetch_waiting(&mut |_| ControlFlow::Continue(()))
        .unwrap();
    assert_eq!(pages.fetched, 1, "{pages:?}");
    let note = t.lib.note(note.id).unwrap();
    assert!(
        note.article
            .body
            .contains("A page note about the whole article."),
        "what the export said of the page stays below its text"
    );
    let marks = t.lib.annotations(note.id).unwrap();
    assert_eq!(marks.len(), 1);
    let mark = &marks[0];
    assert_eq!(mark.status, AnchorStatus::Exact);
    let body = &note.article.body;
    let second = body.rfind("the quota will be raised").unwrap();
    let start = body[..second].chars().count();
    assert_eq!(
        mark.selector.position.start, start,
        "the quote appears twice: its prefix picks the second"
    );
    assert_eq!(mark.tags, vec!["kz", "quota"]);
    let comment = mark.comment.as_deref().unwrap();
    assert!(comment.starts_with("The second time it appears"));
    assert!(
        comment.contains("colleague@hypothes.is: Agreed"),
        "a reply joins its comment: {comment}"
    );
}

#[test]
fn obsidian_web_clipper_notes_and_highlights() {
    let t = TestLibrary::new();
    let report = import(
        &t,
        &[
            fixtures().join("obsidian_note.md"),
            fixtures().join("obsidian-web-clipper-highlights-202601011200.json"),
        ],
    );
    assert_eq!(report.created, 2, "{report:?}");
    let note = by_title(&t, "Samarium-cobalt magnets return");
    assert_eq!(note.article.author.as_deref(), Some("Ilya Petrov"));
    assert!(
        !note.article.body.contains("=="),
        "the marks are not text: {}",
        note.article.body
    );
    let marks = t.lib.annotations(note.id).unwrap();
    assert_eq!(marks.len(), 2);
    assert!(marks.iter().all(|a| a.status == AnchorStatus::Exact));
    assert!(
        marks
            .iter()
            .any(|a| a.selector.quote.exact == "cobalt and samarium come from different places")
    );

    let page = notes(&t)
        .into_iter()
        .find(|n| n.article.url.as_deref() == Some("https://steppe.example/scandium"))
        .unwrap();
    let marks = t.lib.annotations(page.id).unwrap();
    assert_eq!(
        marks[0].selector.quote.exact,
        "Scandium makes aluminium much stronger."
    );
    assert_eq!(marks[0].color, lode::Color::Green);
    assert_eq!(
        marks[0].comment.as_deref(),
        Some("first note\n\nand a comment")
    );
}

#[test]
fn karakeep_lists_become_nested_tags_and_text_bookmarks_notes() {
    let t = TestLibrary::new();
    let report = import(&t, &[fixtures().join("karakeep.json")]);
    let k = &report.formats["karakeep"];
    assert_eq!(
        (k.created, k.waiting, k.failed),
        (2, 1, 1),
        "the asset is reported: {report:?}"
    );
    let link = by_title(&t, "Lanthanum for catalysts");
    has_tags(&link, &["catalysts", "Research/Chemistry", "lode/archived"]);
    assert!(
        link.article.body.contains("Ask the lab"),
        "the bookmark's note is kept"
    );
    let text = notes(&t)
        .into_iter()
        .find(|n| n.article.url.is_none())
        .unwrap();
    assert!(text.article.body.contains("next review in February"));
}

#[test]
fn wallabag_instapaper_raindrop_and_bookmarks() {
    let t = TestLibrary::new();
    let report = import(
        &t,
        &[
            fixtures().join("wallabag.json"),
            fixtures().join("instapaper.csv"),
            fixtures().join("raindrop.csv"),
            fixtures().join("bookmarks.html"),
        ],
    );
    assert_eq!(report.formats["wallabag"].annotations, 1, "{report:?}");
    assert_eq!(report.formats["wallabag"].orphaned, 0);
    let erbium = by_title(&t, "Erbium amplifies the internet");
    has_tags(&erbium, &["erbium", "optics", "lode/archived"]);
    assert_eq!(erbium.article.author.as_deref(), Some("Nadia Rahimova"));
    assert_eq!(
        t.lib.annotations(erbium.id).unwrap()[0].comment.as_deref(),
        Some("Key physics")
    );

    assert_eq!(report.formats["instapaper"].created, 3, "{report:?}");
    has_tags(
        &by_title(&t, "Holmium and MRI"),
        &["medicine", "holmium", "lode/starred"],
    );
    has_tags(&by_title(&t, "Thulium lasers"), &["Medical-Lasers"]);
    let thought = by_title(&t, "A thought");
    assert!(
        thought.article.body.contains("only hard to separate"),
        "a selection without an address is the note's text"
    );

    let terbium = by_title(&t, "Terbium in green phosphors");
    has_tags(
        &terbium,
        &["phosphors", "lighting", "Research/Optics", "lode/starred"],
    );
    assert_eq!(t.lib.annotations(terbium.id).unwrap().len(), 2);
    assert_eq!(
        terbium.article.standfirst.as_deref(),
        Some("Terbium glows green.")
    );

    let b = &report.formats["bookmarks"];
    assert_eq!(
        (b.created, b.failed),
        (3, 1),
        "the bookmarklet is reported: {report:?}"
    );
    let law = by_title(&t, "Kazakhstan's new mining code");
    has_tags(&law, &["law", "kz", "Research/Central Asia"]);
    assert_eq!(
        law.article.standfirst.as_deref(),
        Some("Read before the March trip")
    );
    let bar = by_title(&t, "Eunews");
    assert!(
        bar.article.tags.is_empty(),
        "the browser's own toolbar folder is no tag: {:?}",
        bar.article.tags
    );
}

#[test]
fn a_file_that_is_no_export_is_reported_and_nothing_is_made() {
    let t = TestLibrary::new();
    let scratch = tempfile::tempdir().unwrap();
    let json = scratch.path().join("settings.json");
    std::fs::write(&json, r#"{"theme": "dark"}"#).unwrap();
    let csv = scratch.path().join("budget.csv");
    std::fs::write(&csv, "month,amount\njan,3\n").unwrap();
    let zip = scratch.path().join("broken.zip");
    std::fs::write(&zip, b"PK\x03\x04 not really").unwrap();
    let report = import(&t, &[json.clone(), csv.clone(), zip.clone()]);
    assert_eq!(report.created, 0);
    assert_eq!(report.failed.len(), 3, "each is named with why: {report:?}");
    assert!(
        report
            .failed
            .iter()
            .any(|(p, why)| *p == json && why.contains("not an export"))
    );
    assert!(report.failed.iter().any(|(p, _)| *p == zip));
    assert!(t.lib.notes(&NoteFilter::default()).unwrap().is_empty());
}

#[test]
fn exports_inside_a_folder_are_recognised_beside_articles() {
    let t = TestLibrary::new();
    let scratch = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixtures().join("raindrop.csv"),
        scratch.path().join("raindrop.csv"),
    )
    .unwrap();
    std::fs::write(
        scratch.path().join("article.txt"),
        crate::common::article("Neodymium in wind turbines", &[
            "Direct-drive wind turbines use tonnes of neodymium magnets in each generator, which makes them a large buyer of the metal.",
            "Their makers have started to design generators that need fewer rare earths without losing efficiency.",
        ]),
    )
    .unwrap();
    let report = import(&t, &[scratch.path().to_path_buf()]);
    assert_eq!(report.created, 3, "{report:?}");
    assert_eq!(report.formats["raindrop"].created, 2);
}

#[test]
fn the_cli_imports_without_fetching_then_fetches_the_waiting_pages() {
    let base = serve();
    let dir = tempfile::tempdir().unwrap();
    let library = dir.path().join("library");
    let lode = |args: &[&str]| common::lode_json(&library, args);
    let annotations = fixture_at(dir.path(), "pocket/annotations/part_000000", &base);
    let export = dir.path().join("pocket.json");
    std::fs::rename(&annotations, &export).unwrap();
    let export = export.to_str().unwrap();
    let report = lode(&["import", "--no-fetch", export, "--json"]);
    let waiting = lode(&["list", "--json"])[0]["id"].as_i64().unwrap();
    let shown = lode(&["show", &waiting.to_string(), "--json"]);
    assert_eq!(shown["note"]["waiting_for_page"]["attempts"], 0, "{shown}");
    assert_eq!(report["formats"]["pocket"]["created"], 1, "{report}");
    assert_eq!(report["waiting"], 1, "{report}");
    assert_eq!(report["annotations"], 2);
    assert!(
        report.get("pages").is_none(),
        "--no-fetch fetches nothing: {report}"
    );

    let pages = lode(&["fetch-pages", "--json"]);
    assert_eq!(pages["fetched"], 1, "{pages}");
    assert_eq!(pages["waiting"], 0);
    let hits = lode(&["search", "praseodymium", "--json"]);
    let id = hits["hits"][0]["id"]
        .as_i64()
        .expect("the fetched page is searchable");
    let note = lode(&["show", &id.to_string(), "--json"]);
    assert!(
        note["note"]["body"]
            .as_str()
            .unwrap()
            .contains("praseodymium")
    );
    assert!(note["note"].get("waiting_for_page").is_none(), "{note}");

    // Importing the same file again, with fetching on, has nothing to fetch.
    let again = lode(&["import", export, "--json"]);
    assert_eq!(
        (again["created"].as_u64(), again["annotations"].as_u64()),
        (Some(0), Some(0)),
        "{again}"
    );
    assert!(again.get("pages").is_none());
}

#[test]
fn fetching_waiting_pages_stops_when_asked_and_the_rest_waits_for_the_next_run() {
    let t = library_fetching_local_pages();
    let base = serve();
    let scratch = tempfile::tempdir().unwrap();
    let csv = scratch.path().join("list.csv");
    let rows: String = (0..5)
        .map(|i| format!("Page {i},{base}/separation?copy={i},1735725600,,unread\n"))
        .collect();
    std::fs::write(&csv, format!("title,url,time_added,tags,status\n{rows}")).unwrap();
    assert_eq!(import(&t, &[csv]).waiting, 5);
    let mut heard = 0;
    let first = t
        .lib
        .fetch_waiting(&mut |_| {
            heard += 1;
            ControlFlow::Break(())
        })
        .unwrap();
    assert!(first.cancelled, "{first:?}");
    assert!(
        heard <= 2,
        "at most the pages already under way finish: {heard}"
    );
    assert_eq!(first.waiting, 5 - first.fetched, "{first:?}");
    assert!(first.waiting >= 3, "{first:?}");
    let rest = t
        .lib
        .fetch_waiting(&mut |_| ControlFlow::Continue(()))
        .unwrap();
    assert_eq!(
        (rest.fetched, rest.waiting, rest.cancelled),
        (first.waiting, 0, false),
        "{rest:?}"
    );
}
