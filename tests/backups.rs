//! Backups: verified snapshots, rotated, made before every migration, restorable; a damaged
//! database refuses writes and names the backup to restore.

use std::path::Path;
use std::sync::Arc;

use lode::{Clip, Library};

use crate::common::{TestLibrary, article, clock};

fn clip(lib: &Library, title: &str) -> i64 {
    lib.clip(&Clip {
        text: Some(article(
            title,
            &[&format!("{title}: the figures were published on Tuesday.")],
        )),
        ..Clip::default()
    })
    .unwrap()
    .id
}

fn titles(lib: &Library) -> Vec<String> {
    let mut t: Vec<String> = lib
        .notes(&lode::NoteFilter::default())
        .unwrap()
        .into_iter()
        .map(|n| n.title)
        .collect();
    t.sort();
    t
}

#[test]
fn a_backup_is_a_verified_copy_that_restores_the_library_as_it_was() {
    let t = TestLibrary::new();
    clip(&t.lib, "Tungsten exports");
    let elsewhere = tempfile::tempdir().unwrap();
    let backup = t.lib.backup(Some(elsewhere.path())).unwrap();
    assert!(backup.path.starts_with(elsewhere.path()));
    let name = backup
        .path
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(name.starts_with("lode-") && name.ends_with(".db"), "{name}");
    assert!(backup.bytes > 0);
    clip(&t.lib, "Antimony imports");
    assert!(
        t.lib.backups().unwrap().is_empty(),
        "a backup elsewhere is not the library's"
    );

    let TestLibrary { dir, lib } = t;
    drop(lib);
    let aside = Library::restore_backup(dir.path(), &backup.path).unwrap();
    assert!(aside.is_file(), "the replaced database is kept");
    let lib = Library::open(dir.path()).unwrap();
    assert_eq!(titles(&lib), ["Tungsten exports"]);
    let hits = lib
        .search("antimony", &lode::SearchOptions::default())
        .unwrap();
    assert!(
        hits.hits.is_empty(),
        "the index was rebuilt from the restored database"
    );
    assert_eq!(
        lib.search("tungsten", &lode::SearchOptions::default())
            .unwrap()
            .hits
            .len(),
        1
    );
    assert!(lib.check().unwrap().ok());
    drop(lib);
    // The database it replaced is a library too: nothing was lost by restoring.
    let kept = tempfile::tempdir().unwrap();
    std::fs::copy(&aside, kept.path().join("lode.db")).unwrap();
    let before = Library::open(kept.path()).unwrap();
    assert_eq!(titles(&before), ["Antimony imports", "Tungsten exports"]);
}

#[test]
fn restoring_something_that_is_not_a_sound_lode_database_changes_nothing() {
    let t = TestLibrary::new();
    clip(&t.lib, "Tungsten exports");
    let junk = t.dir.path().join("junk.db");
    std::fs::write(&junk, b"SQLite format 3\0 but not really").unwrap();
    let other = t.dir.path().join("other.db");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    let TestLibrary { dir, lib } = t;
    drop(lib);
    for bad in [&junk, &other, &dir.path().join("missing.db")] {
        let e = Library::restore_backup(dir.path(), bad).unwrap_err();
        assert!(
            matches!(e.code(), lode::ErrorCode::InvalidInput),
            "{bad:?}: {e}"
        );
    }
    let lib = Library::open(dir.path()).unwrap();
    assert_eq!(titles(&lib), ["Tungsten exports"]);
}

#[test]
fn restoring_into_an_open_library_is_refused() {
    let t = TestLibrary::new();
    clip(&t.lib, "Tungsten exports");
    let backup = t.lib.backup(None).unwrap();
    let e = Library::restore_backup(t.dir.path(), &backup.path).unwrap_err();
    assert!(matches!(e, lode::Error::LibraryLocked(_)), "{e}");
}

#[test]
fn daily_backups_are_made_once_a_day_and_kept_as_seven_daily_and_four_weekly() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let lib = Library::open_with_clock(dir.path(), clock.clone() as Arc<dyn lode::Clock>).unwrap();
    clip(&lib, "Tungsten exports");
    assert!(
        lib.backup_if_due().unwrap().is_some(),
        "the first is due at once"
    );
    assert!(lib.backup_if_due().unwrap().is_none(), "not twice a day");
    for _ in 0..60 {
        clock.advance(chrono::Duration::days(1));
        assert!(lib.backup_if_due().unwrap().is_some());
    }
    let backups = lib.backups().unwrap();
    assert!(
        (7..=11).contains(&backups.len()),
        "7 daily and up to 4 weekly: {:?}",
        backups.iter().map(|b| b.created).collect::<Vec<_>>()
    );
    let newest = backups[0].created;
    let days: Vec<i64> = backups
        .iter()
        .map(|b| (newest - b.created).num_days())
        .collect();
    assert_eq!(&days[..7], &[0, 1, 2, 3, 4, 5, 6], "the last seven days");
    assert!(
        days.iter().any(|&d| d >= 21),
        "and older weekly ones: {days:?}"
    );
}

#[test]
fn a_migration_is_preceded_by_a_backup_of_the_database_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut conn = lode::testing::connect(&dir.path().join("lode.db")).unwrap();
        lode::testing::migrate_to(&mut conn, 4).unwrap();
    }
    let lib = Library::open_with_clock(dir.path(), clock()).unwrap();
    let backups = lib.backups().unwrap();
    assert_eq!(backups.len(), 1);
    assert!(
        backups[0]
            .path
            .to_string_lossy()
            .contains("before-migration-4"),
        "{:?}",
        backups[0].path
    );
    let conn = rusqlite::Connection::open(&backups[0].path).unwrap();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(
        version, 4,
        "the backup holds the database before the migration"
    );
    drop(lib);
    let lib = Library::open_with_clock(dir.path(), clock()).unwrap();
    assert_eq!(lib.backups().unwrap().len(), 1, "no migration, no backup");
}

/// Overwrites pages of the database file from `from` (a fraction of it) on: a bad sector, a
/// half-restored copy.
fn damage_pages(db: &Path, from: f64) {
    let mut bytes = std::fs::read(db).unwrap();
    let page = 4096;
    let pages = bytes.len() / page;
    assert!(pages > 8, "a database of {pages} pages");
    for p in (((pages as f64 * from) as usize).max(1)..pages - 1).step_by(3) {
        for b in &mut bytes[p * page + 8..p * page + 200] {
            *b = 0x77;
        }
    }
    std::fs::write(db, bytes).unwrap();
}

/// A closed library of 40 notes with a backup, whose database file is then damaged from
/// `from` (a fraction of it) on.
fn damaged_library(from: f64) -> (tempfile::TempDir, lode::Backup) {
    let t = TestLibrary::new();
    for i in 0..40 {
        clip(&t.lib, &format!("Tungsten report {i}"));
    }
    let backup = t.lib.backup(None).unwrap();
    let TestLibrary { dir, lib } = t;
    drop(lib);
    // Everything in the database file, not in its write-ahead log.
    rusqlite::Connection::open(dir.path().join("lode.db"))
        .unwrap()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    damage_pages(&dir.path().join("lode.db"), from);
    (dir, backup)
}

#[test]
fn a_damaged_database_refuses_writes_and_names_the_backup_to_restore() {
    let (dir, backup) = damaged_library(0.7);
    match Library::open(dir.path()) {
        Ok(lib) => {
            assert!(lib.damaged().is_some());
            let e = lib
                .clip(&Clip {
                    text: Some(article("New", &["A new note that must not be written."])),
                    ..Clip::default()
                })
                .unwrap_err();
            let message = e.to_string();
            assert!(
                matches!(e, lode::Error::DatabaseDamaged { .. }),
                "{message}"
            );
            assert!(
                message.contains(&backup.path.display().to_string()),
                "{message}"
            );
            assert!(!lib.check().unwrap().sqlite_ok);
        }
        Err(e) => panic!("a damaged database still opens for reading: {e}"),
    }
    Library::restore_backup(dir.path(), &backup.path).unwrap();
    let lib = Library::open(dir.path()).unwrap();
    assert!(lib.damaged().is_none());
    assert_eq!(titles(&lib).len(), 40);
    assert!(lib.check().unwrap().ok());
}

#[test]
fn a_database_too_damaged_to_read_is_refused_with_the_backup_to_restore() {
    let (dir, backup) = damaged_library(0.0);
    let e = Library::open(dir.path())
        .err()
        .expect("nothing can be read");
    let message = e.to_string();
    assert!(
        matches!(e, lode::Error::DatabaseDamaged { .. }),
        "{message}"
    );
    assert!(
        message.contains(&backup.path.display().to_string()),
        "{message}"
    );
    Library::restore_backup(dir.path(), &backup.path).unwrap();
    assert_eq!(titles(&Library::open(dir.path()).unwrap()).len(), 40);
}
