//! `page_queue`: notes that hold only an address and wait for their page (see the migration).

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::ts;
use crate::error::Result;
use crate::model::NoteId;

/// A note waiting for its page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    pub note_id: NoteId,
    pub url: String,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub note: Option<String>,
}

pub fn push(
    conn: &Connection,
    note_id: NoteId,
    url: &str,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO page_queue (note_id, url, added_at, note) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![note_id, url, ts(now), note])?;
    Ok(())
}

/// The notes waiting (of live notes only), fewest attempts first, then oldest; at most `limit`.
pub fn waiting(conn: &Connection, limit: usize) -> Result<Vec<Waiting>> {
    let mut statement = conn.prepare_cached(
        "SELECT q.note_id, q.url, q.attempts, q.last_error, q.note FROM page_queue q
         JOIN notes n ON n.id = q.note_id AND n.trashed_at IS NULL
         ORDER BY q.attempts, q.added_at, q.note_id LIMIT ?1",
    )?;
    let rows = statement.query_map([limit as i64], row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn get(conn: &Connection, note_id: NoteId) -> Result<Option<Waiting>> {
    Ok(conn
        .prepare_cached(
            "SELECT note_id, url, attempts, last_error, note FROM page_queue WHERE note_id = ?1",
        )?
        .query_row([note_id], row)
        .optional()?)
}

fn row(r: &rusqlite::Row) -> rusqlite::Result<Waiting> {
    Ok(Waiting {
        note_id: r.get(0)?,
        url: r.get(1)?,
        attempts: r.get(2)?,
        last_error: r.get(3)?,
        note: r.get(4)?,
    })
}

/// How many live notes wait for their page.
pub fn count(conn: &Connection) -> Result<usize> {
    Ok(conn.query_row(
        "SELECT count(*) FROM page_queue q JOIN notes n ON n.id = q.note_id
         WHERE n.trashed_at IS NULL",
        [],
        |r| r.get::<_, i64>(0),
    )? as usize)
}

pub fn failed(conn: &Connection, note_id: NoteId, error: &str) -> Result<()> {
    conn.prepare_cached(
        "UPDATE page_queue SET attempts = attempts + 1, last_error = ?2 WHERE note_id = ?1",
    )?
    .execute(params![note_id, error])?;
    Ok(())
}

pub fn remove(conn: &Connection, note_id: NoteId) -> Result<()> {
    conn.prepare_cached("DELETE FROM page_queue WHERE note_id = ?1")?
        .execute([note_id])?;
    Ok(())
}
