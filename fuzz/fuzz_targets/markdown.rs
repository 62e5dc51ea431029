//! A Markdown note (front matter, text, highlights) read back: a note or an error.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = lode::import::markdown::read(&String::from_utf8_lossy(data));
});
