//! Hostile and unusual input, found by trying Lode as a new user would and reading it as a
//! security reviewer would: each test is named after what broke, and fails without its fix.

use std::ops::ControlFlow;
use std::path::Path;
use std::time::{Duration, Instant};

use lode::{
    Clip, ClipStatus, ErrorCode, ExportFormat, ImportOptions, ImportReport, Library, NewAnnotation,
    NoteFilter,
};

use crate::common::{TestLibrary, article, clock, fixture};

const PARA: &str = "The ministry published the figures on Tuesday, and the opposition \
    asked for an inquiry into how the contracts for the northern mines were awarded.";

/// A hang would take minutes; the linear code takes well under a second even in a debug build.
fn finishes_quickly<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let value = f();
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{what} took {:?}: not linear in its input",
        started.elapsed()
    );
    value
}

fn import(t: &TestLibrary, paths: &[&Path], options: ImportOptions) -> ImportReport {
    t.lib
        .import(
            &paths.iter().map(|p| p.to_path_buf()).collect::<Vec<_>>(),
            &options,
            &mut |_| ControlFlow::Continue(()),
        )
        .expect("an import reports what fails instead of failing")
}

fn highlight(t: &TestLibrary, id: i64, quote: &str) {
    t.lib
        .annotate(
            id,
            &NewAnnotation {
                quote: quote.into(),
                ..NewAnnotation::default()
            },
        )
        .unwrap();
}

#[test]
fn editing_a_note_shorter_than_a_highlight_keeps_the_highlight() {
    let t = TestLibrary::new();
    let paragraphs: Vec<String> = (0..60)
        .map(|i| format!("Paragraph {i} of the long report. {PARA}"))
        .collect();
    let refs: Vec<&str> = paragraphs.iter().map(String::as_str).collect();
    let id = t
        .clip_text(&article("A long report on the mines", &refs))
        .id;
    highlight(&t, id, "Paragraph 58 of the long report.");
    let body = t.lib.note(id).unwrap().article.body;
    let seventh: String = body.chars().take(body.chars().count() / 7).collect();

    let counts = t
        .lib
        .edit(id, &seventh)
        .expect("an edit that deletes most of the text is saved");
    assert_eq!(
        counts.orphan + counts.changed,
        1,
        "the highlight is kept (an orphan, or a near match): {counts:?}"
    );
    assert_eq!(t.lib.annotations(id).unwrap().len(), 1);
}

#[test]
fn a_quote_longer_than_the_cap_is_refused_with_a_clear_error() {
    let t = TestLibrary::new();
    let long: Vec<String> = (0..120).map(|i| format!("Part {i}. {PARA}")).collect();
    let refs: Vec<&str> = long.iter().map(String::as_str).collect();
    let id = t.clip_text(&article("A very long report", &refs)).id;
    let body = t.lib.note(id).unwrap().article.body;
    let quote: String = body.chars().take(12_000).collect();
    let err = t
        .lib
        .annotate(
            id,
            &NewAnnotation {
                quote,
                ..NewAnnotation::default()
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::TooLarge, "{err}");
    assert!(err.to_string().contains("at most 10000"), "{err}");
}

#[test]
fn re_anchoring_a_long_quote_on_a_long_body_is_fast() {
    let t = TestLibrary::new();
    // A transcript: paragraphs of 50,000 characters each.
    let paragraphs: Vec<String> = (0..20)
        .map(|p| {
            (0..300)
                .map(|i| format!("Section {p}.{i}: {PARA} "))
                .collect()
        })
        .collect();
    let refs: Vec<&str> = paragraphs.iter().map(String::as_str).collect();
    let id = t.clip_text(&article("A very long hearing", &refs)).id;
    let body = t.lib.note(id).unwrap().article.body;
    let start = body.find("Section 10.50:").unwrap();
    let quote: String = body[start..].chars().take(9_000).collect();
    highlight(&t, id, &quote);
    // Every occurrence of one word changes: the quote is found again only approximately.
    let edited = body.replace("opposition", "minority");
    let counts = finishes_quickly("re-anchoring a 9,000-character quote", || {
        t.lib.edit(id, &edited).unwrap()
    });
    assert_eq!(counts.changed + counts.orphan, 1, "{counts:?}");
}

#[test]
fn renaming_a_tag_whose_lower_case_has_another_length_renames_its_children() {
    let t = TestLibrary::new();
    let id = t.clip_fixture("northwind_lithium.txt");
    // The Kelvin sign K is three bytes; its lower case, k, is one.
    t.lib
        .tag(id, &["\u{212A}elvin/child", "İstanbul/sub/deep"])
        .unwrap();
    t.lib.rename_tag("\u{212A}elvin", "units").unwrap();
    t.lib.rename_tag("İstanbul/sub", "city/part").unwrap();
    let tags = t.lib.note(id).unwrap().article.tags;
    let nested: Vec<&String> = tags.iter().filter(|t| t.contains('/')).collect();
    assert_eq!(nested, ["city/part/deep", "units/child"], "{tags:?}");
}

#[test]
fn html_with_thousands_of_unclosed_skipped_elements_is_read_in_linear_time() {
    for name in [
        "button", "nav", "aside", "footer", "form", "select", "figure", "svg",
    ] {
        let html = format!("<p>{PARA}</p>") + &format!("<{name}>x ").repeat(150_000);
        let article = finishes_quickly(&format!("unclosed <{name}>"), || {
            Library::extract(&Clip {
                html: Some(html),
                ..Clip::default()
            })
        });
        assert!(
            article.unwrap().body.contains("opposition"),
            "the text before the unclosed <{name}>s is kept"
        );
    }
}

#[test]
fn marking_hundreds_of_thousands_of_hits_in_the_reader_is_linear_and_capped() {
    let t = TestLibrary::new();
    let body = "copper é ".repeat(200_000);
    let id = t.clip_text(&article("Copper copper copper", &[&body])).id;
    let marks = finishes_quickly("marking 200,000 hits", || {
        t.lib.find_in_note(id, "copper").unwrap()
    });
    assert_eq!(marks.len(), lode::MAX_READER_MARKS, "marks are capped");
    assert_eq!(marks[1], (9, 15), "code points, counted past the accents");
}

#[test]
fn a_snippet_of_a_body_with_hundreds_of_thousands_of_hits_is_cut_quickly() {
    let t = TestLibrary::new();
    let body = "copper é ".repeat(200_000);
    let id = t.clip_text(&article("Copper everywhere", &[&body])).id;
    let results = finishes_quickly("a snippet among 200,000 hits", || t.search("copper"));
    assert_eq!(results.hits[0].id, id);
    assert!(!results.hits[0].snippet.highlights.is_empty());
}

#[test]
fn a_tags_line_after_sixteen_megabytes_of_words_does_not_build_a_vocabulary_over_them() {
    let mut text = String::from("A report with many words\n\n");
    let mut n = 0u64;
    while text.len() < 8 * 1024 * 1024 {
        n += 1;
        text.push_str(&format!("w{n:x}q "));
        if n.is_multiple_of(12) {
            text.push_str("and the rest.\n\n");
        }
    }
    text.push_str("\nTags: central asiacritical raw materials\n");
    finishes_quickly("tags after 8 MB of distinct words", || {
        Library::extract(&Clip {
            text: Some(text),
            ..Clip::default()
        })
        .unwrap()
    });
}

#[test]
fn a_pasted_paragraph_as_a_query_is_bounded_and_says_it_was_cut() {
    let t = TestLibrary::new();
    t.clip_fixture("northwind_lithium.txt");
    let words: String = (0..3_000).map(|i| format!("lithiumx{i} ")).collect();
    let results = finishes_quickly("a 3,000-word query", || t.search(&words));
    assert!(results.truncated, "the results say the query was cut");
    assert!(!t.search("brine lithium").truncated);
}

#[test]
fn a_query_of_many_phrases_searches_the_first_eight_and_says_it_was_cut() {
    let t = TestLibrary::new();
    t.clip_fixture("northwind_lithium.txt");
    let mut query = String::from("\"salt flats\" ");
    query.push_str(
        &(0..11)
            .map(|i| format!("\"zq{i} zx{i}\" OR "))
            .collect::<String>(),
    );
    query.push_str("brine");
    let results = t.search(&query);
    assert!(results.truncated, "the results say the query was cut");
    assert_eq!(
        results.hits.len(),
        1,
        "the first phrase and the words after are searched"
    );
    assert!(!t.search("\"salt flats\" \"the pumps\"").truncated);
}

#[test]
fn lodes_own_markdown_export_imports_back_with_every_field_tag_and_highlight() {
    let t = TestLibrary::new();
    let id = t.clip_fixture("northwind_lithium.txt");
    t.lib.tag(id, &["geo/latam/chile", "water"]).unwrap();
    t.lib
        .annotate(
            id,
            &NewAnnotation {
                quote: "Nobody asked the flamingos either.".into(),
                comment: Some("wildlife angle\n\n> not a quote".into()),
                tags: vec!["ecology".into()],
                color: lode::Color::Green,
                ..NewAnnotation::default()
            },
        )
        .unwrap();
    highlight(&t, id, "The pumps never stop.");
    let out = tempfile::tempdir().unwrap();
    t.lib.export(ExportFormat::Markdown, out.path()).unwrap();

    let other = TestLibrary::new();
    let report = import(&other, &[out.path()], ImportOptions::default());
    assert_eq!(
        (report.created, report.annotations, report.orphaned),
        (1, 2, 0),
        "{report:?}"
    );
    let (mine, theirs) = (t.lib.note(id).unwrap(), other.lib.note(1).unwrap());
    assert_eq!(
        theirs.article, mine.article,
        "every field and tag comes back"
    );
    assert_eq!(theirs.created, mine.created);
    let strip = |a: Vec<lode::Annotation>| {
        a.into_iter()
            .map(|a| (a.selector, a.color, a.comment, a.tags, a.status))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        strip(other.lib.annotations(1).unwrap()),
        strip(t.lib.annotations(id).unwrap()),
        "the highlights come back, anchored where they were"
    );
    let again = import(&other, &[out.path()], ImportOptions::default());
    assert_eq!(
        (again.created, again.unchanged, again.annotations),
        (0, 1, 0)
    );
}

#[test]
fn markdown_export_quotes_every_value_and_neutralises_html_and_links() {
    let t = TestLibrary::new();
    let id = t
        .clip_text(&article(
            "Scripts: <script>alert(1)</script>",
            &[
                "See [the report](javascript:alert(1)) and <img src=x onerror=alert(1)> here, \
                 &amp; more text so the paragraph counts as the article's body.",
            ],
        ))
        .id;
    // A corrected text may hold anything (the clipper drops markup; an edit keeps it).
    let body = t.lib.note(id).unwrap().article.body;
    t.lib
        .edit(
            id,
            &format!(
                "{body} <img src=x onerror=alert(1)> <script>alert(1)</script>\n\n\
                 > [x](javascript:alert(1))"
            ),
        )
        .unwrap();
    let out = tempfile::tempdir().unwrap();
    let files = t
        .lib
        .export(ExportFormat::Markdown, out.path())
        .unwrap()
        .files;
    let md = std::fs::read_to_string(&files[0]).unwrap();
    assert!(md.contains("language: \"en\""), "{md}");
    for raw in ["<script", "<img", "[the report](javascript:", "&amp;"] {
        for (at, _) in md.match_indices(raw) {
            assert!(md[..at].ends_with('\\'), "{raw} stays raw in:\n{md}");
        }
    }
    assert!(md.contains("\\<img"), "{md}");
    let other = TestLibrary::new();
    import(&other, &[out.path()], ImportOptions::default());
    assert_eq!(
        other.lib.note(1).unwrap().article,
        t.lib.note(id).unwrap().article,
        "the escaped text reads back as it was"
    );
}

#[test]
fn obsidian_front_matter_is_read() {
    let t = TestLibrary::new();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("clip.md"),
        format!(
            "---\ntitle: \"Kazakhstan's rare earths\"\nsource: https://eunews.it/2025/kz\n\
             author:\n  - \"[[Francesco Bortoletto]]\"\npublished: 2025-11-07\n\
             created: 2025-11-08T10:00:00+01:00\ndescription: The standfirst.\n\
             tags:\n  - clippings\n  - geo/central-asia\n---\n\n{PARA}\n"
        ),
    )
    .unwrap();
    assert_eq!(
        import(&t, &[dir.path()], ImportOptions::default()).created,
        1
    );
    let a = t.lib.note(1).unwrap().article;
    assert_eq!(a.title, "Kazakhstan's rare earths");
    assert_eq!(a.url.as_deref(), Some("https://eunews.it/2025/kz"));
    assert_eq!(a.author.as_deref(), Some("Francesco Bortoletto"));
    assert_eq!(a.published.unwrap().to_string(), "2025-11-07");
    assert_eq!(a.standfirst.as_deref(), Some("The standfirst."));
    assert_eq!(a.tags, ["clippings", "geo/central-asia"]);
    assert_eq!(a.body, PARA);
}

#[test]
fn a_file_that_fails_inside_an_import_batch_leaves_no_half_written_note() {
    let t = TestLibrary::new();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), fixture("northwind_lithium.txt")).unwrap();
    // The highlight's tag is empty: the file fails after its note row was written.
    std::fs::write(
        dir.path().join("b.md"),
        format!(
            "# A note\n\n{PARA}\n\n## Highlights\n\n> The ministry\n\n*colour: yellow · tags: #*\n"
        ),
    )
    .unwrap();
    let report = import(&t, &[dir.path()], ImportOptions::default());
    assert_eq!((report.created, report.failed.len()), (1, 1), "{report:?}");
    assert_eq!(t.lib.notes(&NoteFilter::default()).unwrap().len(), 1);
    let again = import(&t, &[dir.path()], ImportOptions::default());
    assert_eq!(
        (again.unchanged, again.failed.len()),
        (1, 1),
        "the failed file is not taken for one already imported: {again:?}"
    );
    assert!(t.lib.check().unwrap().ok());
}

#[test]
fn a_w3c_bundle_cannot_choose_ids_positions_or_terminal_escapes() {
    let dir = tempfile::tempdir().unwrap();
    let notes = serde_json::json!([{
        "id": 9_223_372_036_854_775_000i64,
        "title": "Forged \u{1b}[31mred\u{1b}[0m title",
        "standfirst": null, "author": null, "published": null, "sections": [], "tags": [],
        "site": null, "url": null, "language": "en",
        "body": format!("{PARA} The forged bundle ends here."),
        "created": "2026-01-01T00:00:00Z", "updated": "2026-01-01T00:00:00Z", "raw": null
    }]);
    let annotations = serde_json::json!({
        "@context": "http://www.w3.org/ns/anno.jsonld", "type": "AnnotationCollection",
        "label": "x", "total": 1,
        "items": [{
            "id": "urn:lode:annotation:9223372036854775807", "type": "Annotation",
            "motivation": "highlighting",
            "created": "2026-01-01T00:00:00Z", "modified": "2026-01-01T00:00:00Z",
            "target": { "source": "urn:lode:note:9223372036854775000", "selector": [
                { "type": "TextQuoteSelector", "exact": "forged bundle", "prefix": "", "suffix": "" },
                { "type": "TextPositionSelector", "start": 18446744073709551000u64, "end": 3 }
            ]}
        }]
    });
    std::fs::write(dir.path().join("notes.json"), notes.to_string()).unwrap();
    std::fs::write(
        dir.path().join("annotations.jsonld"),
        annotations.to_string(),
    )
    .unwrap();
    let t = TestLibrary::new();
    let report = import(&t, &[dir.path()], ImportOptions::default());
    assert_eq!((report.created, report.annotations), (1, 1), "{report:?}");
    let note = &t.lib.notes(&NoteFilter::default()).unwrap()[0];
    assert_eq!(note.id, 1, "ids are assigned here");
    assert!(!note.title.contains('\u{1b}'), "{:?}", note.title);
    let a = &t.lib.annotations(note.id).unwrap()[0];
    assert!(a.id < 1000, "annotation ids too: {}", a.id);
    let body = t.lib.note(note.id).unwrap().article.body;
    let at = body.chars().count() - "forged bundle ends here.".len();
    assert_eq!(
        (a.selector.position.start, a.selector.position.end),
        (at, at + "forged bundle".len()),
        "the position is found on the imported text, not taken from the file"
    );
    assert_eq!(t.clip_fixture("northwind_lithium.txt"), 2);
}

#[test]
fn opening_a_folder_that_is_not_a_library_deletes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("index")).unwrap();
    std::fs::write(dir.path().join("index/thesis.tex"), "years of work").unwrap();
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let err = Library::open(dir.path()).err().expect("refused");
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    assert!(err.to_string().contains("not a Lode library"), "{err}");
    assert!(dir.path().join("index/thesis.tex").exists());
    assert!(!dir.path().join("lode.db").exists(), "nothing was written");

    // A folder holding only an unknown `index/`: the library is made, the folder moved aside.
    let other = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(other.path().join("index")).unwrap();
    std::fs::write(other.path().join("index/thesis.tex"), "years of work").unwrap();
    drop(Library::open(other.path()).unwrap());
    assert!(other.path().join("index.not-lode-1/thesis.tex").exists());
}

#[test]
fn re_clipping_an_updated_article_keeps_the_title_the_user_corrected() {
    let t = TestLibrary::new();
    let page = |text: &str| Clip {
        text: Some(text.to_string()),
        url: Some("https://example.org/lithium?utm_source=feed".into()),
        ..Clip::default()
    };
    let original = fixture("northwind_lithium.txt");
    let id = t.lib.clip(&page(&original)).unwrap().id;
    let mut note = t.lib.note(id).unwrap();
    let old_title = note.article.title.clone();
    t.lib
        .update_metadata(
            id,
            &lode::MetadataEdit {
                title: "My corrected title".into(),
                author: note.article.author.take(),
                published: note.article.published,
            },
        )
        .unwrap();
    let updated = original.replace("The pumps never stop.", "The pumps never, ever stop.");
    let outcome = t.lib.clip(&page(&updated)).unwrap();
    assert_eq!((outcome.id, outcome.status), (id, ClipStatus::Updated));
    assert_eq!(t.lib.note(id).unwrap().article.title, "My corrected title");
    let versions = t.lib.versions(id).unwrap();
    assert_eq!(
        versions[0].title.as_deref(),
        Some("My corrected title"),
        "the version keeps the metadata it had (was clipped as {old_title})"
    );
}

#[test]
fn import_keeps_a_same_titled_file_apart_unless_asked_to_merge() {
    let t = TestLibrary::new();
    let page = fixture("northwind_lithium.txt");
    t.clip_text(&page);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("newer.txt"),
        page.replace("The pumps never stop.", "The pumps never, ever stop."),
    )
    .unwrap();
    let apart = import(&t, &[dir.path()], ImportOptions::default());
    assert_eq!((apart.created, apart.updated), (1, 0), "{apart:?}");

    let t = TestLibrary::new();
    t.clip_text(&page);
    let merged = import(
        &t,
        &[dir.path()],
        ImportOptions {
            merge_similar: true,
        },
    );
    assert_eq!(
        (merged.created, merged.updated),
        (0, 1),
        "reported as updated: {merged:?}"
    );
}

/// A body of `n` sentences drawn from a small vocabulary by `seed`: bodies of different
/// seeds share few 3-word runs.
fn generated_body(seed: u64, n: usize) -> Vec<String> {
    const WORDS: &[&str] = &[
        "copper", "mine", "export", "quota", "ministry", "river", "harbour", "price", "contract",
        "smelter", "lithium", "brine", "farmers", "drought", "tender", "railway", "customs",
        "union", "strike", "border", "treaty", "tariff", "cobalt", "nickel", "refinery",
    ];
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            let words: Vec<&str> = (0..12)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    WORDS[(x % WORDS.len() as u64) as usize]
                })
                .collect();
            format!("The {}.", words.join(" "))
        })
        .collect()
}

#[test]
fn among_hundreds_of_notes_of_one_title_a_newer_copy_finds_its_note_and_the_rest_stay_apart() {
    let t = TestLibrary::new();
    let dir = tempfile::tempdir().unwrap();
    for seed in 0..300 {
        let body = generated_body(seed, 30);
        let refs: Vec<&str> = body.iter().map(String::as_str).collect();
        std::fs::write(
            dir.path().join(format!("{seed}.txt")),
            article("Eunews", &refs),
        )
        .unwrap();
    }
    let merged = import(
        &t,
        &[dir.path()],
        ImportOptions {
            merge_similar: true,
        },
    );
    assert_eq!((merged.created, merged.updated), (300, 0), "{merged:?}");
    let id_of = |seed: u64| {
        let first = generated_body(seed, 1).remove(0);
        t.lib
            .notes(&NoteFilter::default())
            .unwrap()
            .into_iter()
            .find(|n| t.lib.note(n.id).unwrap().article.body.starts_with(&first))
            .map(|n| n.id)
            .unwrap()
    };
    // A newer copy of note 150: one sentence changed.
    let mut newer = generated_body(150, 30);
    newer[7] = "The ministry corrected its figures on Friday.".into();
    let refs: Vec<&str> = newer.iter().map(String::as_str).collect();
    let outcome = t.clip_text(&article("Eunews", &refs));
    assert_eq!(outcome.status, ClipStatus::Updated);
    assert_eq!(outcome.id, id_of(150));
    // A note whose text the user replaced is compared by its new text.
    let target = id_of(42);
    let replaced = generated_body(9_999, 30);
    t.lib.edit(target, &replaced.join("\n\n")).unwrap();
    let mut again = replaced.clone();
    again[3] = "The tender was cancelled.".into();
    let refs: Vec<&str> = again.iter().map(String::as_str).collect();
    let outcome = t.clip_text(&article("Eunews", &refs));
    assert_eq!((outcome.status, outcome.id), (ClipStatus::Updated, target));
    assert_eq!(t.lib.notes(&NoteFilter::default()).unwrap().len(), 300);
}

#[test]
fn one_title_with_a_250_byte_word_does_not_break_the_export() {
    let t = TestLibrary::new();
    let long_word = "a".repeat(250);
    t.clip_text(&article(&format!("{long_word} and more"), &[PARA]));
    t.clip_fixture("northwind_lithium.txt");
    for format in [ExportFormat::Markdown, ExportFormat::Json] {
        let out = tempfile::tempdir().unwrap();
        let report = t.lib.export(format, out.path()).unwrap();
        assert_eq!(report.notes, 2);
        for f in &report.files {
            assert!(f.file_name().unwrap().len() < 120, "{}", f.display());
        }
    }
}

#[test]
fn fifty_thousand_declared_keywords_give_a_bounded_list_of_tags() {
    let keywords: Vec<String> = (0..50_000).map(|i| format!("keyword{i}")).collect();
    let html = format!(
        "<html><head><meta name=\"news_keywords\" content=\"{}\"><meta name=\"keywords\" \
         content=\"{}\"></head><body><h1>Title of it</h1><p>{PARA}</p></body></html>",
        keywords.join(", "),
        "x".repeat(300),
    );
    let t = TestLibrary::new();
    let outcome = t
        .lib
        .clip(&Clip {
            html: Some(html),
            ..Clip::default()
        })
        .expect("an overlong keyword does not fail the clip");
    let tags = t.lib.note(outcome.id).unwrap().article.tags;
    assert!(tags.len() <= lode::clip::MAX_TAGS, "{} tags", tags.len());
    assert!(tags.iter().all(|t| t.chars().count() <= 100));
}

#[test]
fn a_database_from_a_newer_lode_is_refused() {
    let t = TestLibrary::new();
    let dir = t.dir.path().to_path_buf();
    let t = t.reopen_after(|_| {});
    drop(t.lib);
    let conn = rusqlite::Connection::open(dir.join("lode.db")).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let err = Library::open_with_clock(&dir, clock())
        .err()
        .expect("refused");
    assert!(
        err.to_string().contains("newer Lode") && err.to_string().contains("99"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn folder_import_follows_no_links_and_opens_no_special_files() {
    let t = TestLibrary::new();
    let secret = tempfile::tempdir().unwrap();
    std::fs::write(
        secret.path().join("id_rsa"),
        "-----BEGIN PRIVATE KEY----- secret",
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("real.txt"), fixture("northwind_lithium.txt")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", d.join("zero.txt")).unwrap();
    std::os::unix::fs::symlink(secret.path().join("id_rsa"), d.join("k.txt")).unwrap();
    std::os::unix::fs::symlink("..", d.join("up")).unwrap();
    std::os::unix::fs::symlink(d.join("loop"), d.join("loop")).unwrap();
    let fifo = d.join("fifo.txt");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let report = finishes_quickly("the folder walk", || {
        import(&t, &[d], ImportOptions::default())
    });
    assert_eq!(report.created, 1, "{report:?}");
    let notes = t.lib.notes(&NoteFilter::default()).unwrap();
    assert_eq!(notes.len(), 1);
    assert!(t.search("secret").hits.is_empty(), "the key was not read");
}

#[test]
fn a_file_import_reads_no_more_than_the_cap_from_a_device() {
    let t = TestLibrary::new();
    let report = import(&t, &[Path::new("/dev/zero")], ImportOptions::default());
    assert_eq!(report.failed.len(), 1, "{report:?}");
}

#[test]
fn utf16_text_with_a_byte_order_mark_is_read() {
    let mut bytes = vec![0xFF, 0xFE];
    for unit in "Città e caffè".encode_utf16() {
        bytes.extend(unit.to_le_bytes());
    }
    assert_eq!(
        Clip::flavour_from_bytes("clip.txt", bytes).unwrap(),
        "Città e caffè"
    );
}

#[test]
fn reextract_reports_a_note_that_fails_and_goes_on() {
    let t = TestLibrary::new();
    let a = t.clip_fixture("northwind_lithium.txt");
    let b = t.clip_fixture("cronache_terre_rare.txt");
    let report = t
        .lib
        .reextract(&[a, 404, b], &mut |_| ControlFlow::Continue(()))
        .unwrap();
    assert_eq!(report.failed.len(), 1, "{report:?}");
    assert_eq!(report.failed[0].0, 404);
    assert_eq!(report.updated + report.unchanged, 2);
}

#[test]
fn renaming_a_tag_past_the_longest_name_is_refused_and_leaves_it_removable() {
    let t = TestLibrary::new();
    let id = t.clip_fixture("northwind_lithium.txt");
    let long = "y".repeat(190);
    t.lib.tag(id, &["short", "short/child-of-it"]).unwrap();
    let err = t.lib.rename_tag("short", &long).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput, "{err}");
    let tags = t.lib.note(id).unwrap().article.tags;
    assert!(
        tags.contains(&"short/child-of-it".to_string()),
        "nothing renamed: {tags:?}"
    );
    let names: Vec<&str> = tags.iter().map(String::as_str).collect();
    t.lib
        .untag(id, &names)
        .expect("every tag can be named again");
}
