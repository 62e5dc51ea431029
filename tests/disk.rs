//! A full disk and a read-only library: a clear error, nothing acknowledged lost, and the
//! library works again once space is freed. The library lives on a small tmpfs (these tests
//! mount one, which needs root: CI runs as root; elsewhere they say loudly that they skipped).

use std::path::{Path, PathBuf};
use std::process::Command;

use lode::{Clip, Library, SearchOptions};

use crate::common::article;

/// A tmpfs of `megabytes`, unmounted when dropped.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(megabytes: u32) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m"), "tmpfs"])
            .arg(dir.path())
            .output()
            .is_ok_and(|o| o.status.success());
        if !ok {
            eprintln!(
                "\n**************** DISK TESTS SKIPPED ****************\n\
                 mounting a tmpfs needs root (CI runs as root)\n\
                 ****************************************************\n"
            );
            return None;
        }
        Some(Tmpfs { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn remount(&self, mode: &str) {
        let status = Command::new("mount")
            .args(["-o", &format!("remount,{mode}")])
            .arg(self.path())
            .status()
            .unwrap();
        assert!(status.success());
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

/// Text that compresses badly (raw clips are kept compressed), `kb` kilobytes of it: words
/// drawn at random from 65,536, a news archive's vocabulary (words never seen twice would make
/// an index larger than the text, which no disk that filled with text could hold).
fn filler(seed: u64, kb: usize) -> String {
    let mut x = seed.wrapping_mul(2).wrapping_add(1);
    let mut words = Vec::new();
    while words.len() * 7 < kb * 1024 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let word = x % 65_536;
        let w: String = (0..6)
            .map(|i| (b'a' + (((word * 2_654_435_761) >> (i * 5)) % 26) as u8) as char)
            .collect();
        words.push(w);
    }
    words
        .chunks(60)
        .map(|c| format!("{}.", c.join(" ")))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Searches and lists the one-note library (both must work), then tries a clip, which must
/// fail with `read_only`: returns that error.
fn reads_and_refuses_a_clip(lib: &Library) -> lode::Error {
    let found = lib.search("niobium", &SearchOptions::default()).unwrap();
    assert_eq!(found.hits.len(), 1, "search works");
    assert_eq!(lib.notes(&lode::NoteFilter::default()).unwrap().len(), 1);
    let e = lib
        .clip(&Clip {
            text: Some(article("Tantalum mine", &["The tantalum mine closed."])),
            ..Clip::default()
        })
        .unwrap_err();
    assert!(matches!(e.code(), lode::ErrorCode::ReadOnly), "{e}");
    e
}

/// Makes a library in `dir` with one indexed note (about niobium), and closes it.
fn library_with_a_note(dir: &Path) {
    let lib = Library::open(dir).unwrap();
    lib.clip(&Clip {
        text: Some(article("Niobium mine", &["The niobium mine reopened."])),
        ..Clip::default()
    })
    .unwrap();
    lib.flush_index().unwrap();
}

fn ballast(fs: &Tmpfs) -> PathBuf {
    let path = fs.path().join("ballast");
    std::fs::write(&path, vec![0u8; 24 << 20]).unwrap();
    path
}

#[test]
fn a_full_disk_during_clips_gives_a_clear_error_loses_nothing_and_recovers() {
    let Some(fs) = Tmpfs::mount(48) else { return };
    let ballast = ballast(&fs);
    let dir = fs.path().join("library");
    let lib = Library::open(&dir).unwrap();
    let mut stored = Vec::new();
    let mut error = None;
    for i in 0..400 {
        let text = article(&format!("Zircon ledger {i}"), &[&filler(i + 7, 120)]);
        match lib.clip(&Clip {
            text: Some(text),
            ..Clip::default()
        }) {
            Ok(outcome) => stored.push(outcome.id),
            Err(e) => {
                error = Some(e);
                break;
            }
        }
    }
    let error = error.expect("the disk filled up");
    assert!(
        matches!(error, lode::Error::DiskFull(_)),
        "a clear error: {error}"
    );
    assert!(error.to_string().contains("full"), "{error}");
    assert!(!stored.is_empty());
    // Space comes back: the library works again, and everything acknowledged is there.
    std::fs::remove_file(ballast).unwrap();
    let more = lib
        .clip(&Clip {
            text: Some(article("Zircon after", &["The disk had room again."])),
            ..Clip::default()
        })
        .expect("clips again once space is freed");
    lib.flush_index()
        .expect("the index catches up once space is freed");
    for &id in &stored {
        assert_eq!(lib.note(id).unwrap().id, id);
    }
    let hits = lib
        .search(
            "zircon",
            &SearchOptions {
                limit: 1000,
                ..SearchOptions::default()
            },
        )
        .unwrap();
    assert_eq!(hits.total, stored.len() + 1);
    assert_eq!(lib.note(more.id).unwrap().article.title, "Zircon after");
    assert!(lib.check().unwrap().ok());
    drop(lib);
    let lib = Library::open(&dir).unwrap();
    assert!(lib.check().unwrap().ok(), "and after reopening");
}

#[test]
fn a_full_disk_during_an_import_reports_it_and_keeps_what_was_imported() {
    let Some(fs) = Tmpfs::mount(48) else { return };
    let ballast = ballast(&fs);
    let files = tempfile::tempdir().unwrap(); // on the normal disk
    for i in 0..300 {
        std::fs::write(
            files.path().join(format!("{i}.md")),
            format!("# Hafnium file {i}\n\n{}\n", filler(i + 1000, 100)),
        )
        .unwrap();
    }
    let dir = fs.path().join("library");
    let lib = Library::open(&dir).unwrap();
    let result = lib.import(
        &[files.path().to_path_buf()],
        &lode::ImportOptions::default(),
        &mut |_| std::ops::ControlFlow::Continue(()),
    );
    let imported = match result {
        Ok(report) => {
            assert!(
                report.failed.iter().any(|(_, why)| why.contains("full")),
                "the files the disk had no room for say why: {:?}",
                report.failed.first()
            );
            report.created
        }
        Err(e) => {
            assert!(matches!(e, lode::Error::DiskFull(_)), "a clear error: {e}");
            0
        }
    };
    assert!(imported < 300, "the disk filled up");
    std::fs::remove_file(ballast).unwrap();
    lib.flush_index()
        .expect("the index catches up once space is freed");
    let listed = lib.notes(&lode::NoteFilter::default()).unwrap().len();
    assert_eq!(listed, imported, "every note the report counts is there");
    assert!(lib.check().unwrap().ok());
}

#[test]
fn a_read_only_library_is_read_and_a_write_gives_a_clear_error_and_changes_nothing() {
    let Some(fs) = Tmpfs::mount(16) else { return };
    let dir = fs.path().join("library");
    library_with_a_note(&dir);
    let snapshot = |dir: &Path| -> Vec<(PathBuf, Vec<u8>)> {
        let mut files: Vec<(PathBuf, Vec<u8>)> = walk(dir)
            .into_iter()
            .map(|p| {
                let bytes = std::fs::read(&p).unwrap();
                (p, bytes)
            })
            .collect();
        files.sort();
        files
    };
    let before = snapshot(&dir);
    fs.remount("ro");
    {
        let lib = Library::open(&dir).expect("a read-only library is read");
        assert_eq!(lib.access(), lode::Access::ReadOnly);
        let e = reads_and_refuses_a_clip(&lib);
        assert!(e.to_string().contains("cannot be written"), "{e}");
        assert!(lib.check().unwrap().ok());
    }
    fs.remount("rw");
    assert!(snapshot(&dir) == before, "nothing changed");
    let lib = Library::open(&dir).unwrap();
    assert_eq!(
        lib.search("niobium", &SearchOptions::default())
            .unwrap()
            .hits
            .len(),
        1
    );
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Unmounts a path when dropped.
struct Mounted(PathBuf);

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_library_whose_index_folder_is_read_only_is_read_and_says_why_it_cannot_be_written() {
    let Some(probe) = Tmpfs::mount(1) else { return };
    drop(probe);
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("library");
    library_with_a_note(&dir);
    // The index folder alone on a read-only mount (a sync tool's, a permissions mistake).
    let index = dir.join("index");
    let kept = home.path().join("index-copy");
    std::fs::rename(&index, &kept).unwrap();
    std::fs::create_dir(&index).unwrap();
    let status = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=16m", "tmpfs"])
        .arg(&index)
        .status()
        .unwrap();
    assert!(status.success());
    let _mounted = Mounted(index.clone());
    for entry in std::fs::read_dir(&kept).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), index.join(entry.file_name())).unwrap();
    }
    let status = Command::new("mount")
        .args(["-o", "remount,ro"])
        .arg(&index)
        .status()
        .unwrap();
    assert!(status.success());

    let lib = Library::open(&dir).expect("opens, to read");
    assert_eq!(lib.access(), lode::Access::ReadOnly);
    let found = lib.search("niobium", &SearchOptions::default()).unwrap();
    assert_eq!(
        found.hits.len(),
        1,
        "the index is read without its lock file"
    );
    let e = lib.tag(found.hits[0].id, &["metals"]).unwrap_err();
    assert!(matches!(e.code(), lode::ErrorCode::ReadOnly), "{e}");
    assert!(e.to_string().contains("cannot be written"), "{e}");
}

#[test]
fn a_library_opened_on_a_full_disk_is_read_and_says_the_disk_is_full() {
    let Some(fs) = Tmpfs::mount(16) else { return };
    let dir = fs.path().join("library");
    library_with_a_note(&dir);
    // Fill the disk to the last byte.
    let mut n = 0;
    while std::fs::write(fs.path().join(format!("ballast{n}")), vec![0u8; 1 << 20]).is_ok() {
        n += 1;
    }
    let _ = std::fs::write(fs.path().join("last"), vec![0u8; 4096]);
    let lib = Library::open(&dir).expect("a library on a full disk opens, to read");
    let e = reads_and_refuses_a_clip(&lib);
    assert!(e.to_string().contains("full"), "says the disk is full: {e}");
}
