//! Migrations: a database upgraded step by step ends with the same schema as a fresh one.

use lode::testing::{MIGRATIONS, connect, migrate_to, schema_sql};

use crate::common::TestLibrary;

#[test]
fn a_fresh_database_and_an_upgraded_one_agree() {
    let fresh = TestLibrary::new();
    drop(fresh.lib);
    let fresh_schema = schema_sql(&connect(&fresh.dir.path().join("lode.db")).unwrap()).unwrap();
    assert!(
        fresh_schema
            .iter()
            .any(|s| s.contains("CREATE TABLE notes"))
    );
    for applied in 0..=MIGRATIONS.len() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = connect(&dir.path().join("lode.db")).unwrap();
        migrate_to(&mut conn, applied).unwrap();
        drop(conn);
        let lib = lode::Library::open(dir.path()).expect("opening migrates");
        drop(lib);
        let upgraded = schema_sql(&connect(&dir.path().join("lode.db")).unwrap()).unwrap();
        assert_eq!(upgraded, fresh_schema, "upgraded from {applied} migrations");
    }
}

#[test]
fn opening_sets_the_pragmas() {
    let t = TestLibrary::new();
    let conn = connect(&t.dir.path().join("lode.db")).unwrap();
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version as usize, MIGRATIONS.len());
}
