//! Properties over generated input (proptest): what holds for every body, edit and clip, not
//! only the ones written down.

use lode::anchor::{AnchorStatus, reanchor, select};
use lode::{Clip, ErrorCode, Library};
use proptest::prelude::*;

/// Words, punctuation and the odd accented or wide character, in paragraphs.
fn body() -> impl Strategy<Value = String> {
    let word = prop_oneof![
        "[a-z]{1,9}",
        Just("perché".to_string()),
        Just("日本".to_string()),
        Just("—".to_string()),
        Just("naïve,".to_string()),
    ];
    prop::collection::vec(prop::collection::vec(word, 1..40), 1..8).prop_map(|paragraphs| {
        paragraphs
            .into_iter()
            .map(|words| words.join(" "))
            .collect::<Vec<_>>()
            .join("\n\n")
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn re_anchoring_never_panics_and_reports_only_what_is_in_the_body(
        original in body(),
        from in 0usize..400,
        len in 1usize..60,
        cut_from in 0usize..400,
        cut_len in 0usize..2000,
        insert in "[a-z ]{0,30}",
    ) {
        let chars: Vec<char> = original.chars().collect();
        let start = from.min(chars.len().saturating_sub(1));
        let quote: String = chars[start..(start + len).min(chars.len())].iter().collect();
        let Ok(selector) = select(&original, &quote, Some(1)) else {
            return Ok(()); // a quote of white space only
        };
        // Delete a stretch (often most of the body) and insert some text.
        let cut = cut_from.min(chars.len());
        let mut edited: String = chars[..cut].iter().collect();
        edited.push_str(&insert);
        edited.extend(chars[(cut + cut_len).min(chars.len())..].iter());
        let anchored = reanchor(&selector, &edited);
        if anchored.status != AnchorStatus::Orphan {
            let p = anchored.selector.position;
            let found: String = edited.chars().skip(p.start).take(p.end - p.start).collect();
            prop_assert_eq!(&found, &anchored.selector.quote.exact);
        }
        // An unchanged quote is found exactly.
        let same = reanchor(&selector, &original);
        prop_assert_eq!(same.status, AnchorStatus::Exact);
        prop_assert_eq!(same.selector, selector);
    }

    #[test]
    fn canonical_text_is_idempotent(text in "\\PC{0,200}") {
        let once = lode::clip::canonical_body(&text);
        prop_assert_eq!(lode::clip::canonical_body(&once), once.clone());
        let line = lode::clip::canonical_text(&text);
        prop_assert_eq!(lode::clip::canonical_text(&line), line);
    }

    #[test]
    fn clipping_any_string_gives_an_article_or_a_clear_error(
        text in "\\PC{0,300}",
        html in proptest::option::of("(<[a-z]{1,8}( [a-z]+=\"[^\"]{0,8}\")?>|</[a-z]{1,8}>|[^<]{0,20}){0,30}"),
    ) {
        let clip = Clip { text: Some(text), html, url: None };
        match Library::extract(&clip) {
            Ok(article) => prop_assert_eq!(lode::clip::canonical_body(&article.body), article.body),
            Err(e) => {
                prop_assert!(e.code() == ErrorCode::InvalidInput, "{}", e);
                prop_assert!(!e.to_string().contains('\n'));
            }
        }
    }
}

/// A note as generated: a title, paragraphs, tags, and highlights (paragraph index, comment).
type GeneratedNote = (
    String,
    Vec<String>,
    Vec<String>,
    Vec<(usize, Option<String>)>,
);

fn library_notes() -> impl Strategy<Value = Vec<GeneratedNote>> {
    let words = || prop::collection::vec("[a-z]{3,8}|[<&\\[*>\\\\]|perché", 4..14);
    let paragraph = move || words().prop_map(|w| w.join(" ") + ".");
    let note = (
        words().prop_map(|w| w.join(" ")),
        prop::collection::vec(paragraph(), 1..5),
        prop::collection::vec("[a-z]{2,6}(/[a-z]{2,6})?", 0..3),
        prop::collection::vec((0usize..5, proptest::option::of("[a-z <&>*]{1,20}")), 0..3),
    );
    prop::collection::vec(note, 1..4)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn markdown_export_then_import_is_the_identity(notes in library_notes()) {
        use std::ops::ControlFlow;
        let mine = crate::common::TestLibrary::new();
        for (i, (title, paragraphs, tags, highlights)) in notes.iter().enumerate() {
            // A unique first paragraph keeps generated notes apart.
            let mut body = vec![format!("Note number {i} of the generated library.")];
            body.extend(paragraphs.iter().cloned());
            let refs: Vec<&str> = body.iter().map(String::as_str).collect();
            let id = mine.lib.clip(&Clip { text: Some(crate::common::article(&format!("T{i} {title}"), &refs)), ..Clip::default() });
            let Ok(outcome) = id else { continue };
            let tag_refs: Vec<&str> = tags.iter().map(String::as_str).collect();
            mine.lib.tag(outcome.id, &tag_refs).unwrap();
            let stored = mine.lib.note(outcome.id).unwrap().article.body;
            for (p, comment) in highlights {
                let paragraph = stored.split("\n\n").nth(*p % stored.split("\n\n").count()).unwrap();
                let _ = mine.lib.annotate(outcome.id, &lode::NewAnnotation {
                    quote: paragraph.to_string(),
                    occurrence: Some(1),
                    comment: comment.clone(),
                    ..lode::NewAnnotation::default()
                });
            }
        }
        let out = tempfile::tempdir().unwrap();
        mine.lib.export(lode::ExportFormat::Markdown, out.path()).unwrap();
        let theirs = crate::common::TestLibrary::new();
        theirs.lib.import(&[out.path().to_path_buf()], &Default::default(), &mut |_| ControlFlow::Continue(())).unwrap();
        let summaries = |t: &crate::common::TestLibrary| {
            let mut notes: Vec<_> = t.lib.notes(&Default::default()).unwrap().into_iter()
                .map(|n| {
                    let note = t.lib.note(n.id).unwrap();
                    let annotations: Vec<_> = t.lib.annotations(n.id).unwrap().into_iter()
                        .map(|a| (a.selector, a.color, a.comment, a.tags, a.status))
                        .collect();
                    (note.article, note.created, annotations)
                })
                .collect();
            notes.sort_by(|a, b| a.0.title.cmp(&b.0.title));
            notes
        };
        prop_assert_eq!(summaries(&theirs), summaries(&mine));
    }
}
