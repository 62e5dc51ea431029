//! The query parser and search over a small library: every string is a query; the answer is
//! results, never a panic.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use lode::{Clip, Library, SearchOptions};

static LIBRARY: LazyLock<(tempfile::TempDir, Library)> = LazyLock::new(|| {
    let dir = tempfile::tempdir().expect("temp dir");
    let library = Library::open(dir.path().join("lib")).expect("library");
    for (title, body) in [
        ("Kazakhstan's rare earths", "Tungsten and lithium deposits near Astana, said the ministry on Tuesday."),
        ("Terre rare in Asia centrale", "Il governo italiano e la Commissione europea firmano un accordo sulle materie prime critiche."),
    ] {
        let text = format!("{title}\n\n{body} {body}\n\nTags: geo, mining\n");
        library
            .clip(&Clip { text: Some(text), ..Clip::default() })
            .expect("clip");
    }
    library.flush_index().expect("index");
    (dir, library)
});

fuzz_target!(|data: &[u8]| {
    let query = String::from_utf8_lossy(data);
    let library = &LIBRARY.1;
    for titles_only in [false, true] {
        let options = SearchOptions {
            titles_only,
            ..SearchOptions::default()
        };
        library.search(&query, &options).expect("a search never fails on a user's query");
    }
    let _ = library.find_in_note(1, &query);
});
