//! What the app was started with, as its desktop entry passes it (`Exec=lode-desktop %U`):
//! files to import ("Open with Lode" on an export or a Markdown note) and a note's address,
//! `lode://notes/ID` (as `lode mcp` names notes, so an assistant's link opens the note here).

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::Mutex;

use lode::NoteId;
use serde::Serialize;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Launch {
    pub paths: Vec<PathBuf>,
    pub note: Option<NoteId>,
}

/// What the UI is told at start: the note to open, and the names of the files it will import
/// (`import_start` with source `launch` imports them; their paths stay here).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct LaunchRequest {
    pub note: Option<NoteId>,
    pub files: Vec<String>,
}

impl Launch {
    /// Reads the arguments after the program's name: `lode://notes/ID`, `file://` URLs and
    /// paths; anything else (an option a launcher added, an address of another kind) is
    /// ignored, said on standard error.
    pub fn from_args(args: impl IntoIterator<Item = OsString>) -> Launch {
        let mut launch = Launch::default();
        for arg in args {
            let text = arg.to_string_lossy();
            if let Some(rest) = text.strip_prefix("lode://") {
                let id = rest
                    .trim_start_matches('/')
                    .strip_prefix("notes/")
                    .and_then(|id| id.trim_end_matches('/').parse::<NoteId>().ok());
                match id {
                    Some(id) => launch.note = Some(id),
                    None => {
                        eprintln!("lode-desktop: {text} is not a note's address (lode://notes/ID)")
                    }
                }
            } else if text.starts_with("file:") {
                match url::Url::parse(&text)
                    .ok()
                    .and_then(|u| u.to_file_path().ok())
                {
                    Some(path) => launch.paths.push(path),
                    None => eprintln!("lode-desktop: {text} is not a file on this computer"),
                }
            } else if text.starts_with('-') || text.contains("://") {
                eprintln!("lode-desktop: {text} ignored (start it with files or lode://notes/ID)");
            } else {
                launch.paths.push(PathBuf::from(arg));
            }
        }
        launch
    }
}

/// The launch, held until the UI asks for it and imports its files.
#[derive(Default)]
pub struct Pending(pub Mutex<Launch>);

impl Pending {
    /// The request for the UI: the note once, the files' names until they are imported.
    pub fn request(&self) -> LaunchRequest {
        let mut launch = self.0.lock().unwrap_or_else(|p| p.into_inner());
        LaunchRequest {
            note: launch.note.take(),
            files: launch
                .paths
                .iter()
                .map(|p| {
                    p.file_name()
                        .unwrap_or(p.as_os_str())
                        .to_string_lossy()
                        .into_owned()
                })
                .collect(),
        }
    }

    /// The files to import, once.
    pub fn take_paths(&self) -> Vec<PathBuf> {
        std::mem::take(&mut self.0.lock().unwrap_or_else(|p| p.into_inner()).paths)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn launch(args: &[&str]) -> Launch {
        Launch::from_args(args.iter().map(OsString::from))
    }

    #[test]
    fn a_note_address_files_and_file_urls_are_read_and_the_rest_ignored() {
        assert_eq!(
            launch(&["lode://notes/42"]),
            Launch {
                paths: vec![],
                note: Some(42)
            }
        );
        assert_eq!(launch(&["lode:///notes/7/"]).note, Some(7));
        assert_eq!(
            launch(&[
                "/home/ada/Downloads/pocket.zip",
                "file:///home/ada/Notes/Terre%20rare.md",
                "notes.md",
            ])
            .paths,
            [
                PathBuf::from("/home/ada/Downloads/pocket.zip"),
                PathBuf::from("/home/ada/Notes/Terre rare.md"),
                PathBuf::from("notes.md"),
            ]
        );
        assert_eq!(
            launch(&[
                "lode://notes/x",
                "lode://search/copper",
                "--no-sandbox",
                "https://a.example/"
            ]),
            Launch::default()
        );
    }

    #[test]
    fn the_note_is_given_once_and_the_files_are_taken_once() {
        let pending = Pending(Mutex::new(launch(&["lode://notes/3", "/tmp/a.md"])));
        let first = pending.request();
        assert_eq!(
            (first.note, first.files),
            (Some(3), vec!["a.md".to_string()])
        );
        assert_eq!(pending.request().note, None);
        assert_eq!(pending.take_paths(), [PathBuf::from("/tmp/a.md")]);
        assert!(pending.take_paths().is_empty());
        assert!(pending.request().files.is_empty());
    }
}
