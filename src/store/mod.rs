//! SQLite, the source of truth. Opening sets the pragmas (in [`connect`], the one place) and
//! migrates; numbered migrations each run in their own transaction and are never edited once
//! landed. One file per table.
//!
//! Every write that changes what search should see also appends the note's id to
//! `index_outbox` in the same transaction; the indexer drains it (see `index`).

pub mod annotations;
pub mod clips;
pub mod colors;
pub mod notes;
pub mod outbox;
pub mod page_queue;
pub mod saved;
pub mod settings;
pub mod tags;
pub mod versions;

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags};

use crate::error::Result;

/// The migrations, in order; `PRAGMA user_version` records how many have run.
pub const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_init.sql"),
    include_str!("migrations/0002_versions_and_anchor_status.sql"),
    include_str!("migrations/0003_metadata_by_user.sql"),
    include_str!("migrations/0004_version_metadata.sql"),
    include_str!("migrations/0005_trash.sql"),
    include_str!("migrations/0006_similar_bands.sql"),
    include_str!("migrations/0007_page_details.sql"),
    include_str!("migrations/0008_saved_searches.sql"),
    include_str!("migrations/0009_page_queue.sql"),
    include_str!("migrations/0010_live_notes.sql"),
];

/// How long a connection waits for a lock another connection holds before it fails.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Opens `path` with Lode's pragmas: WAL, `synchronous=FULL` (a clip that returned is on
/// disk), foreign keys on, and a busy timeout so a second process waits instead of failing.
pub fn connect(path: &Path) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

/// A second connection to the database `connect` opened, for reads only (`query_only`): in WAL
/// mode a reader never waits for a writer, so what the window shows is not held up by a long
/// write (an import batch) on the other connection.
pub fn connect_reader(path: &Path) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "query_only", "ON")?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

/// Opens `path` for reading only, for a library on a read-only disk or in a read-only folder.
/// A database in WAL mode needs its `-shm` file, which such a place may not let SQLite create:
/// then it is read as immutable (nothing can change it there).
pub fn connect_read_only(path: &Path) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let readable = |conn: &Connection| {
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        })
    };
    let conn = Connection::open_with_flags(path, flags)?;
    let conn = match readable(&conn) {
        Ok(_) => conn,
        Err(_) => {
            let conn = Connection::open_with_flags(
                format!("{}?immutable=1", file_uri(path)),
                flags | OpenFlags::SQLITE_OPEN_URI,
            )?;
            readable(&conn)?;
            conn
        }
    };
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

/// `path` as an SQLite `file:` URI (every byte but unreserved ones and `/` percent-encoded).
fn file_uri(path: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut uri = String::from("file:");
    for &b in absolute.as_os_str().as_encoded_bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri
}

/// Runs the migrations not yet applied, each in its own transaction.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    migrate_to(conn, MIGRATIONS.len())
}

/// Runs migrations up to `target` (exclusive count). Public for the schema test, which
/// proves that a fresh database and an upgraded one agree.
pub fn migrate_to(conn: &mut Connection, target: usize) -> Result<()> {
    let applied: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if applied > MIGRATIONS.len() as i64 {
        // A newer Lode wrote it: its tables may mean what this version cannot know.
        return Err(crate::Error::NewerDatabase {
            dir: conn
                .path()
                .and_then(|p| Path::new(p).parent())
                .map(Path::to_path_buf)
                .unwrap_or_default(),
            found: applied,
            known: MIGRATIONS.len() as i64,
        });
    }
    for (number, sql) in MIGRATIONS
        .iter()
        .enumerate()
        .take(target)
        .skip(applied as usize)
    {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", number as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

/// The schema as SQL text, sorted: what the schema test compares.
pub fn schema_sql(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT type || ' ' || name || ': ' || ifnull(sql, '') FROM sqlite_master
         WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
    )?;
    let rows = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(rows)
}

pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

pub(crate) fn parse_ts(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}
