//! A clip's details completed from its page, fetched from a local HTTP server (nothing in
//! the tests reaches the internet).

use lode::{
    Clip, Detail, DetailSource, ErrorCode, FetchOptions, FetchSettings, MetadataEdit, SearchOptions,
};

use crate::common::{self, Reply, TestLibrary};

/// The article page: its `<head>` declares what the copy below lacks.
const PAGE: &str = r#"<!doctype html><html lang="en"><head>
<title>Niobium exports double in a year | Steppe Courier</title>
<meta property="og:site_name" content="Steppe Courier">
<meta name="citation_author" content="Aigerim Bekova">
<link rel="canonical" href="https://steppe.example/2026/03/niobium-exports">
<script type="application/ld+json">{"@type":"NewsArticle","headline":"Niobium exports double in a year",
"datePublished":"2026-03-04T08:00:00+05:00","articleSection":"Mining","keywords":"niobium, steel"}</script>
</head><body><nav>Home · Mining · Energy</nav>
<h1>Niobium exports double in a year</h1>
<p>Kazakhstan shipped twice as much niobium concentrate this year as last, the ministry said on Tuesday.</p>
<p>Most of it went to smelters in Europe, where demand for high-strength steel keeps rising.</p>
</body></html>"#;

const LATIN1: &str = r#"<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">
<meta property="og:title" content="Perché il niobio raddoppia"></head><body>
<h1>Perché il niobio raddoppia</h1><p>Il Kazakistan ha esportato il doppio del niobio.</p></body></html>"#;

/// What the user copied: a selection without the headline, so the copy's title is a guess.
const COPY: &str = "Kazakhstan shipped twice as much niobium concentrate this year as last, the \
ministry said on Tuesday.\n\nMost of it went to smelters in Europe, where demand for \
high-strength steel keeps rising.\n";

/// Serves `PAGE` at `/article`, and the failures a page can answer with elsewhere.
fn serve() -> String {
    common::serve(|path| match path {
        "/article" => Reply::html(PAGE),
        // An Italian page in ISO-8859-1, said only by its <meta>.
        "/latin1" => Reply {
            content_type: "text/html",
            ..Reply::html(LATIN1.chars().map(|c| c as u32 as u8).collect::<Vec<u8>>())
        },
        "/moved" => Reply {
            status: "301 Moved",
            headers: "Location: /article\r\n",
            ..Reply::html("")
        },
        "/loop" => Reply {
            status: "302 Found",
            headers: "Location: /loop\r\n",
            ..Reply::html("")
        },
        "/paper.pdf" => Reply {
            content_type: "application/pdf",
            ..Reply::html("%PDF-1.7")
        },
        "/huge" => Reply {
            content_type: "text/html",
            ..Reply::html("<p>niobium</p>".repeat(400_000))
        },
        _ => Reply::not_found(),
    })
}

fn library_allowing_local_pages() -> TestLibrary {
    let t = TestLibrary::new();
    t.lib
        .set_fetch_settings(&FetchSettings {
            complete_details: true,
            allow_private: true,
        })
        .unwrap();
    t
}

fn clip_with_url(t: &TestLibrary, url: &str) -> i64 {
    t.lib
        .clip(&Clip {
            // One copy per address: the same text twice would be the same note.
            text: Some(format!("{COPY}\nCopied from {url} for the test.\n")),
            url: Some(url.to_string()),
            ..Clip::default()
        })
        .unwrap()
        .id
}

#[test]
fn a_clips_page_completes_its_title_author_date_site_and_section_and_the_body_stays_the_copys() {
    let base = serve();
    let t = library_allowing_local_pages();
    let id = clip_with_url(&t, &format!("{base}/moved"));
    let before = t.lib.note(id).unwrap();
    assert_ne!(before.article.title, "Niobium exports double in a year");
    let done = t.lib.complete_from_page(id).unwrap();
    let a = &done.note.article;
    assert_eq!(a.title, "Niobium exports double in a year");
    assert_eq!(a.author.as_deref(), Some("Aigerim Bekova"));
    assert_eq!(a.published.unwrap().to_string(), "2026-03-04");
    assert_eq!(a.site.as_deref(), Some("Steppe Courier"));
    assert_eq!(a.sections, ["Mining"]);
    assert_eq!(
        a.body, before.article.body,
        "the body is what the user copied"
    );
    for detail in [Detail::Title, Detail::Author, Detail::Published] {
        assert!(done.from_page.contains(&detail), "{detail:?}");
        assert_eq!(done.note.details_from[&detail], DetailSource::Page);
    }
    // The address the page names as its own is the article's too: a clip of it is this note.
    let again = t
        .lib
        .clip(&Clip {
            text: Some(format!("{COPY}\nA later copy, with a line more.\n")),
            url: Some("https://www.steppe.example/2026/03/niobium-exports?utm_source=x".into()),
            ..Clip::default()
        })
        .unwrap();
    assert_eq!(again.id, id, "{again:?}");
    let updated = t.lib.note(id).unwrap();
    assert_ne!(
        updated.article.body, before.article.body,
        "the later copy's text"
    );
    assert_eq!(
        updated.article.title, "Niobium exports double in a year",
        "what the page completed stays when the copy comes again"
    );
    assert_eq!(updated.details_from[&Detail::Author], DetailSource::Page);
    // The completed title is searchable.
    t.lib.flush_index().unwrap();
    let hits = t.lib.search("doubel", &SearchOptions::default()).unwrap();
    assert_eq!(hits.hits.first().map(|h| h.id), Some(id));
}

#[test]
fn a_page_in_another_charset_is_read_in_its_charset() {
    let base = serve();
    let t = library_allowing_local_pages();
    let id = clip_with_url(&t, &format!("{base}/latin1"));
    let done = t.lib.complete_from_page(id).unwrap();
    assert_eq!(done.note.article.title, "Perché il niobio raddoppia");
}

#[test]
fn a_title_the_user_corrected_stays_and_the_copys_value_can_be_taken_back() {
    let base = serve();
    let t = library_allowing_local_pages();
    let id = clip_with_url(&t, &format!("{base}/article"));
    t.lib.complete_from_page(id).unwrap();
    t.lib
        .update_metadata(
            id,
            &MetadataEdit {
                title: "Niobium: my title".into(),
                author: Some("Aigerim Bekova".into()),
                published: t.lib.note(id).unwrap().article.published,
            },
        )
        .unwrap();
    let copy_author = None;
    let note = t.lib.use_copy_value(id, Detail::Author).unwrap();
    assert_eq!(note.article.author, copy_author, "the copy had no author");
    // The page's keywords became the tags of a note that had none; taken back, they go.
    assert_eq!(note.article.tags, ["niobium", "steel"]);
    let note = t.lib.use_copy_value(id, Detail::Tags).unwrap();
    assert!(note.article.tags.is_empty(), "{:?}", note.article.tags);
    // Reading the page again replaces neither.
    let again = t.lib.complete_from_page(id).unwrap();
    assert_eq!(again.note.article.title, "Niobium: my title");
    assert_eq!(again.note.article.author, copy_author);
    assert_eq!(again.note.details_from[&Detail::Title], DetailSource::User);
    assert_eq!(
        again.note.details_from[&Detail::Published],
        DetailSource::Page
    );
}

#[test]
fn a_page_that_cannot_be_read_leaves_the_note_as_clipped_with_a_one_line_reason() {
    let base = serve();
    let t = library_allowing_local_pages();
    for (path, reason) in [
        ("/gone", "404"),
        ("/paper.pdf", "not a web page but application/pdf"),
        ("/huge", "larger than 5 MB"),
        ("/loop", "redirects"),
    ] {
        let id = clip_with_url(&t, &format!("{base}{path}"));
        let before = t.lib.note(id).unwrap();
        let e = t.lib.complete_from_page(id).unwrap_err();
        assert_eq!(e.code(), ErrorCode::FetchFailed, "{path}: {e}");
        let message = e.to_string();
        assert!(message.contains(reason), "{path}: {message}");
        assert!(!message.contains('\n'), "{message}");
        let after = t.lib.note(id).unwrap();
        assert_eq!(after.article, before.article, "{path}");
    }
}

#[test]
fn pages_on_this_machine_are_refused_unless_the_setting_allows_them() {
    let base = serve();
    let t = TestLibrary::new();
    assert!(
        t.lib.fetch_settings().unwrap().complete_details,
        "on by default"
    );
    assert!(!t.lib.fetch_settings().unwrap().allow_private);
    let id = clip_with_url(&t, &format!("{base}/article"));
    let e = t.lib.complete_from_page(id).unwrap_err();
    assert!(e.to_string().contains("private network"), "{e}");
    assert_eq!(t.lib.note(id).unwrap().article.author, None);
    // The same refusal for an address a redirect names, and for fetching without a library.
    let e = lode::fetch_page(&format!("{base}/moved"), FetchOptions::default()).unwrap_err();
    assert!(e.to_string().contains("private network"), "{e}");
}

#[test]
fn the_cli_clips_with_or_without_the_page_refreshes_and_shows_where_details_came_from() {
    let base = serve();
    let dir = tempfile::tempdir().unwrap();
    let library = dir.path().join("library");
    let text = dir.path().join("copy.txt");
    std::fs::write(&text, COPY).unwrap();
    let lode = |args: &[&str]| common::lode_json(&library, args);
    let text = text.to_str().unwrap();
    let url = format!("{base}/article");
    let settings = lode(&["settings", "--json"]);
    assert_eq!(settings["complete_details"], true);
    let skipped = lode(&[
        "clip",
        "--text",
        text,
        "--url",
        &url,
        "--no-fetch",
        "--json",
    ]);
    assert_eq!(skipped["status"], "created");
    assert!(skipped.get("from_page").is_none(), "{skipped}");
    let id = skipped["id"].as_i64().unwrap().to_string();
    let shown = lode(&["show", &id, "--json"]);
    assert_eq!(shown["details_from"]["title"], "copy");
    let refreshed = lode(&["refresh", &id, "--json"]);
    assert!(
        refreshed[0]["from_page"]
            .as_array()
            .unwrap()
            .contains(&"author".into()),
        "{refreshed}"
    );
    let shown = lode(&["show", &id, "--json"]);
    assert_eq!(shown["details_from"]["author"], "page");
    assert_eq!(shown["note"]["author"], "Aigerim Bekova");
    // `extract --fetch` does the same, storing nothing.
    let extracted = lode(&["extract", "--text", text, "--url", &url, "--fetch"]);
    assert_eq!(extracted["title"], "Niobium exports double in a year");
    assert!(
        extracted["from_page"]
            .as_array()
            .unwrap()
            .contains(&"published".into())
    );
}
