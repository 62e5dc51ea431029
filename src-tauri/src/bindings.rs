//! The TypeScript types of everything the UI sends and receives, generated from the Rust
//! types by ts-rs into `ui/src/bindings.ts`. The test below fails when that file drifts from
//! the Rust types; `LODE_BLESS=1 cargo test -p lode-desktop bindings` rewrites it.

use ts_rs::{Config, TS};

use crate::commands::{CommandError, LibraryChanged};
use crate::settings::DesktopSettings;

macro_rules! declarations {
    ($cfg:expr; $($t:ty),* $(,)?) => {
        vec![$(format!("export {}", <$t as TS>::decl($cfg))),*]
    };
}

/// The contents of `ui/src/bindings.ts`.
pub fn typescript() -> String {
    // Ids are SQLite rowids: far below 2^53, so plain numbers in JavaScript.
    let cfg = &Config::new().with_large_int("number");
    let decls = declarations![cfg;
        lode::Article, lode::Note, lode::NoteSummary, lode::NoteFilter, lode::NoteOrder,
        lode::Browse, lode::MetadataEdit, lode::TagCount, lode::Color, lode::ColorName,
        lode::NewAnnotation, lode::AnnotationChange, lode::Annotation, lode::anchor::Selector,
        lode::anchor::TextQuoteSelector, lode::anchor::TextPositionSelector,
        lode::anchor::AnchorStatus, lode::SearchOptions, lode::SearchResults, lode::Hit,
        lode::AnnotationHit, lode::Snippet, lode::Facets, lode::Facet, lode::ClipOutcome,
        lode::ClipStatus, lode::ClipOptions, lode::PassageMatch, lode::Version, lode::Reanchoring, lode::ImportProgress, lode::ImportOptions, lode::ImportReport,
        lode::ReextractProgress, lode::ReextractReport, lode::ExportFormat,
        lode::ExportReport, lode::ErrorCode, CommandError, LibraryChanged,
        DesktopSettings, lode::TrashedNote, lode::IndexStatus, lode::RebuildProgress,
        lode::Detail, lode::DetailSource, lode::FetchSettings, lode::Completed,
        crate::commands::PageDetails,
        lode::Backup, lode::SavedSearch, lode::RelatedNote, lode::Citation,
        crate::commands::CiteAs, lode::ImportCounts, lode::PageWait, lode::PageProgress,
        lode::PagesReport, crate::commands::PagesDone, crate::commands::ImportSource,
        lode::SyncReport, crate::commands::FolderSync, crate::launch::LaunchRequest,
    ];
    let mut out = String::from(
        "// Generated from the Rust types by src-tauri/src/bindings.rs; do not edit.\n\
         // `LODE_BLESS=1 cargo test -p lode-desktop bindings` rewrites it.\n\n",
    );
    for decl in decls {
        out.push_str(&decl);
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../ui/src/bindings.ts");

    #[test]
    fn bindings_match_the_rust_types() {
        let fresh = super::typescript();
        if std::env::var_os("LODE_BLESS").is_some() {
            std::fs::write(PATH, &fresh).expect("write ui/src/bindings.ts");
        }
        let committed = std::fs::read_to_string(PATH).unwrap_or_default();
        assert!(
            committed == fresh,
            "ui/src/bindings.ts has drifted from the Rust types; run \
             `LODE_BLESS=1 cargo test -p lode-desktop bindings` and commit the result"
        );
    }
}
