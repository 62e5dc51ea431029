//! Bad input gets a clear error and loses nothing: no panic, no silent drop.

use lode::{Clip, ErrorCode, Library, MAX_CLIP_BYTES, NewAnnotation};
use rstest::rstest;

use crate::common::{TestLibrary, article};

fn text(s: &str) -> Clip {
    Clip {
        text: Some(s.into()),
        ..Clip::default()
    }
}

#[rstest]
#[case::nothing(Clip::default(), ErrorCode::InvalidInput)]
#[case::empty(text(""), ErrorCode::InvalidInput)]
#[case::whitespace_only(text("  \n\t \r\n \u{a0} \u{200b}"), ErrorCode::InvalidInput)]
#[case::binary(
    text("PK\u{3}\u{4}\u{0}\u{0}\u{8}\u{0}binary"),
    ErrorCode::InvalidInput
)]
#[case::control_characters(text(&"\u{1}\u{2}\u{3}\u{4}\u{5}\u{6}".repeat(100)), ErrorCode::InvalidInput)]
#[case::too_large(text(&"a".repeat(MAX_CLIP_BYTES + 1)), ErrorCode::TooLarge)]
fn invalid_clips_are_refused_with_a_clear_error(#[case] clip: Clip, #[case] code: ErrorCode) {
    let t = TestLibrary::new();
    let kept = t.clip_fixture("northwind_lithium.txt");
    let err = t.lib.clip(&clip).unwrap_err();
    assert_eq!(err.code(), code, "{err}");
    assert!(!err.to_string().contains('\n'), "one line: {err}");
    assert!(t.lib.note(kept).is_ok(), "what was stored is still there");
    assert_eq!(
        t.lib.notes(&Default::default()).unwrap().len(),
        1,
        "nothing was added"
    );
}

#[test]
fn bytes_that_are_not_utf8_text_are_refused() {
    let err = Clip::flavour_from_bytes("clip.txt", vec![0x66, 0x6f, 0xff, 0xfe, 0x6f]).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    assert!(err.to_string().contains("not valid UTF-8"), "{err}");
    let err = Clip::flavour_from_bytes("image.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec())
        .unwrap_err();
    assert!(err.to_string().contains("binary"), "{err}");
    let bom = Clip::flavour_from_bytes("bom.txt", b"\xEF\xBB\xBFhello".to_vec()).unwrap();
    assert_eq!(bom, "hello", "a UTF-8 byte order mark is dropped");
}

#[test]
fn a_clip_with_no_article_text_keeps_the_raw_clip() {
    let t = TestLibrary::new();
    let err = t
        .lib
        .clip(&Clip {
            html: Some("<script>alert(1)</script><style>p{}</style>".into()),
            ..Clip::default()
        })
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    assert!(err.to_string().contains("raw clip was kept"), "{err}");
}

#[test]
fn unknown_ids_are_not_found() {
    let t = TestLibrary::new();
    let checks: Vec<(&str, lode::Error)> = vec![
        ("note", t.lib.note(404).unwrap_err()),
        ("raw clip", t.lib.raw_clip(404).unwrap_err()),
        ("delete", t.lib.delete(404).unwrap_err()),
        ("tag", t.lib.tag(404, &["x"]).unwrap_err()),
        ("untag", t.lib.untag(404, &["x"]).unwrap_err()),
        ("annotations", t.lib.annotations(404).unwrap_err()),
        (
            "annotate",
            t.lib
                .annotate(
                    404,
                    &NewAnnotation {
                        quote: "x".into(),
                        ..NewAnnotation::default()
                    },
                )
                .unwrap_err(),
        ),
    ];
    for (what, err) in checks {
        assert_eq!(err.code(), ErrorCode::NotFound, "{what}: {err}");
        assert_eq!(err.to_string(), "no note with id 404", "{what}");
    }
    assert!(
        t.lib.tags().unwrap().is_empty(),
        "a failed tag call creates no tag"
    );
}

#[rstest]
#[case::empty("")]
#[case::slashes_only("///")]
#[case::control("bad\u{7}tag")]
fn invalid_tags_are_refused(#[case] tag: &str) {
    let t = TestLibrary::new();
    let id = t.clip_fixture("northwind_lithium.txt");
    assert_eq!(
        t.lib.tag(id, &[tag]).unwrap_err().code(),
        ErrorCode::InvalidInput
    );
    assert!(
        t.lib.note(id).unwrap().article.tags.len() == 5,
        "the note keeps its tags"
    );
}

#[test]
fn what_needs_a_library_alone_is_refused_while_another_process_holds_it() {
    let t = TestLibrary::new();
    let second = Library::open(t.dir.path()).expect("a library in use is shared");
    let err = second.reindex().unwrap_err();
    assert_eq!(err.code(), ErrorCode::LibraryLocked, "{err}");
    assert!(
        err.to_string().contains("in use by another Lode process"),
        "{err}"
    );
    t.clip_fixture("northwind_lithium.txt"); // the first handle still works
}

#[test]
fn a_library_that_cannot_be_written_is_refused() {
    let err = Library::open("/proc/lode-cannot-be-created")
        .err()
        .expect("no library under /proc");
    assert_eq!(err.code(), ErrorCode::ReadOnly, "{err}");
    assert!(err.to_string().contains("cannot be written"), "{err}");

    let file = tempfile::NamedTempFile::new().unwrap();
    let err = Library::open(file.path())
        .err()
        .expect("a file is not a library folder");
    assert_eq!(err.code(), ErrorCode::InvalidInput, "{err}");
    assert!(err.to_string().contains("is a file"), "{err}");

    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let root = std::fs::metadata("/proc/self")
        .map(|m| m.uid() == 0)
        .unwrap_or(true);
    if !root {
        let t = TestLibrary::new();
        let dir = t.dir.path().to_path_buf();
        drop(t.lib);
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555)).unwrap();
        std::fs::set_permissions(dir.join("lode.db"), std::fs::Permissions::from_mode(0o444))
            .unwrap();
        let err = Library::open(&dir)
            .err()
            .expect("a read-only folder cannot be a library");
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(err.code(), ErrorCode::ReadOnly, "{err}");
    }
}

#[test]
fn a_long_clip_under_the_cap_is_stored_whole() {
    let t = TestLibrary::new();
    let paragraph = "The committee met again on Thursday and discussed the budget line by line, without reaching any agreement.";
    let text = article("A very long hearing", &vec![paragraph; 20_000]);
    assert!(text.len() > 2_000_000 && text.len() < MAX_CLIP_BYTES);
    let id = t.clip_text(&text).id;
    assert_eq!(
        t.lib
            .note(id)
            .unwrap()
            .article
            .body
            .matches("The committee met")
            .count(),
        20_000
    );
}

/// Regression: an `&` followed within a few bytes by a multi-byte character (`&amp; Peace”`)
/// made the HTML reader slice inside that character and panic.
#[test]
fn an_ampersand_before_multibyte_text_does_not_panic() {
    for html in [
        "<p>a &” b</p>",
        "<p>&€€€€€;</p>",
        "&",
        "&#x;",
        "&#99999999999;",
    ] {
        // Returning at all is the test: before the fix this panicked.
        let _ = Library::extract(&Clip {
            html: Some(html.into()),
            ..Clip::default()
        });
    }
    let article = Library::extract(&Clip {
        html: Some(
            "<p>War &amp; Peace” — a novel, and a long one, about war and about peace.</p>".into(),
        ),
        ..Clip::default()
    })
    .unwrap();
    assert!(article.body.contains("War & Peace”"), "{}", article.body);
}

/// What a clipboard can hold: every one of these ends in an article or a clear error.
#[rstest]
#[case::crlf_line_ends(article("Line ends", &["The first paragraph is long enough to be kept as the body of this note.\r\n\r\nThe second paragraph, too, is long enough to be kept as part of the body."]))]
#[case::lone_cr_line_ends(article("Old Mac", &["A paragraph from an old system, with carriage returns only, is long enough.\rAnd a second one follows it, just as long as the first one was."]))]
#[case::zero_width_and_bidi(format!("Ti\u{200b}tle\n\n{}", "Text with \u{200d}zero-width joiners and \u{202e}bidi overrides\u{202c} must still make an article here."))]
#[case::nfd(article("Cafe\u{301}", &["Le cafe\u{301} e\u{300} chiuso, perche\u{301} il proprietario e\u{300} in vacanza fino alla fine del mese di agosto."]))]
#[case::only_punctuation("!!! ??? ... --- ***".to_string())]
#[case::one_long_line("word ".repeat(200_000))]
#[case::all_breadcrumbs("Home » A » B\n".repeat(100_000))]
#[case::all_footers("© Site\nSite\n".repeat(100_000))]
fn any_clip_text_ends_in_an_article_or_an_error(#[case] text: String) {
    match Library::extract(&Clip {
        text: Some(text),
        ..Clip::default()
    }) {
        Ok(article) => {
            assert!(!article.body.contains('\r'), "LF line ends");
            assert!(!article.body.contains('\u{200b}') && !article.body.contains('\u{202e}'));
        }
        Err(e) => assert_ne!(
            e.code(),
            ErrorCode::Internal,
            "a clear error, not a failure: {e}"
        ),
    }
}

#[test]
fn deeply_nested_html_is_read_in_one_pass() {
    // 256 KB of nested lists: quadratic in DOM parsers, linear here.
    let html = format!(
        "{}<p>Deep inside the lists there is a paragraph long enough to be the body.</p>{}",
        "<ul><li>".repeat(32_000),
        "</li></ul>".repeat(32_000)
    );
    let article = Library::extract(&Clip {
        html: Some(html),
        ..Clip::default()
    })
    .unwrap();
    assert!(article.body.contains("Deep inside the lists"));
}

/// Pages a DOM parser would take seconds over (deep, wide or long) skip the DOM pass and are
/// read by the one-pass reader alone; the speed itself is measured by `cargo bench --bench clip`.
#[rstest]
#[case::nested_100_deep(format!(
    "{}<p>The paragraph at the bottom of the nesting is long enough to be the body.</p>{}",
    "<div>".repeat(100),
    "</div>".repeat(100)
))]
#[case::twenty_thousand_elements(
    "<p>One of twenty thousand short paragraphs, each a sentence of the body.</p>".repeat(20_000)
)]
#[case::a_megabyte_of_text(format!(
    "<article><p>{}</p></article>",
    "Words upon words fill this single enormous paragraph of a page. ".repeat(16_000)
))]
#[case::unclosed_formatting("<b><i><u>The text goes on with nothing ever closed, as some pages do. ".repeat(5_000))]
fn html_past_the_dom_limits_is_still_extracted(#[case] html: String) {
    let article = Library::extract(&Clip {
        html: Some(html),
        ..Clip::default()
    })
    .unwrap();
    assert!(article.body.len() > 50, "{:?}", article.body);
}

#[test]
fn a_clip_just_under_the_cap_is_extracted() {
    let paragraph = "The committee met again on Thursday and discussed the budget line by line, without any agreement.\n\n";
    let text = format!(
        "A long hearing\n\n{}",
        paragraph.repeat(MAX_CLIP_BYTES / paragraph.len() - 1)
    );
    assert!(text.len() <= MAX_CLIP_BYTES);
    let article = Library::extract(&Clip {
        text: Some(text),
        ..Clip::default()
    })
    .unwrap();
    assert!(article.body.len() > 10_000_000, "the whole body is kept");
}
