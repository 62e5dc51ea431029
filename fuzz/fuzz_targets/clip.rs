//! The clipper over any clipboard: the first byte picks the flavours (text, HTML, both; a
//! `0xFF` byte splits text from HTML). Extraction gives an article or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lode::{Clip, Library};

fuzz_target!(|data: &[u8]| {
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    let (a, b) = match rest.iter().position(|&b| b == 0xFF) {
        Some(at) => (&rest[..at], &rest[at + 1..]),
        None => (rest, &rest[..0]),
    };
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    let clip = match kind % 3 {
        0 => Clip {
            text: Some(text(a)),
            ..Clip::default()
        },
        1 => Clip {
            html: Some(text(a)),
            ..Clip::default()
        },
        _ => Clip {
            text: Some(text(a)),
            html: Some(text(b)),
            url: None,
        },
    };
    let _ = Library::extract(&clip);
});
