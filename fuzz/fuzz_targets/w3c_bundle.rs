//! A W3C bundle imported into a library: whatever `notes.json` and `annotations.jsonld` hold
//! (a `0xFF` byte splits the two), the import reports what it could not read, never panics,
//! and leaves a library that checks clean.
#![no_main]

use std::ops::ControlFlow;

use libfuzzer_sys::fuzz_target;
use lode::Library;

fuzz_target!(|data: &[u8]| {
    let (notes, annotations) = match data.iter().position(|&b| b == 0xFF) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &data[..0]),
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let bundle = dir.path().join("bundle");
    std::fs::create_dir_all(&bundle).expect("bundle dir");
    std::fs::write(bundle.join("notes.json"), notes).expect("notes.json");
    std::fs::write(bundle.join("annotations.jsonld"), annotations).expect("annotations");
    let library = Library::open(dir.path().join("lib")).expect("library");
    let report = library
        .import(&[bundle], &Default::default(), &mut |_| ControlFlow::Continue(()))
        .expect("an import reports failures");
    let _ = report;
    assert!(library.check().expect("check").ok(), "the library is consistent");
});
