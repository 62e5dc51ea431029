//! Test helper for the E2E tests: owns the X11 CLIPBOARD the way a browser does after a copy,
//! offering text/html and UTF8_STRING at once (xclip offers one type per process), until
//! another program takes the clipboard or the helper is killed.
//!
//!   clipboard_owner TEXT_FILE [HTML_FILE]     serve the files' contents
//!   clipboard_owner --clear                   take the clipboard and offer nothing

use std::process::ExitCode;

use arboard::{Clipboard, SetExtLinux};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("clipboard_owner: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    let mut clipboard = Clipboard::new()?;
    match args {
        [flag] if flag == "--clear" => clipboard.clear()?,
        [text] => clipboard
            .set()
            .wait()
            .text(std::fs::read_to_string(text)?)?,
        [text, html] => {
            let text = std::fs::read_to_string(text)?;
            let html = std::fs::read_to_string(html)?;
            clipboard.set().wait().html(html, Some(text))?;
        }
        _ => return Err("usage: clipboard_owner TEXT_FILE [HTML_FILE] | --clear".into()),
    }
    Ok(())
}
