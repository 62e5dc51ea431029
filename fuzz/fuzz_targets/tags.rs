//! Tag names: attaching, renaming (with children) and detaching any strings never panics, and
//! a tag that was accepted can be found and removed again.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use lode::{Clip, Library};

static LIBRARY: LazyLock<(tempfile::TempDir, Library, i64)> = LazyLock::new(|| {
    let dir = tempfile::tempdir().expect("temp dir");
    let library = Library::open(dir.path().join("lib")).expect("library");
    let text = "A title\n\nA paragraph long enough to be the body of an article, with words.\n";
    let id = library
        .clip(&Clip { text: Some(text.into()), ..Clip::default() })
        .expect("clip")
        .id;
    (dir, library, id)
});

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(3, '\u{1}');
    let (Some(a), Some(b)) = (parts.next(), parts.next()) else {
        return;
    };
    let (_, library, id) = &*LIBRARY;
    if library.tag(*id, &[a, &format!("{a}/child")]).is_ok() {
        let _ = library.rename_tag(a, b);
        let tags = library.note(*id).expect("note").article.tags;
        let names: Vec<&str> = tags.iter().map(String::as_str).collect();
        library.untag(*id, &names).expect("a tag the note has can be removed");
        assert!(library.note(*id).expect("note").article.tags.is_empty());
    }
});
