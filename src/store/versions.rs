//! `note_versions`: the bodies a note had before its current one.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use crate::error::Result;
use crate::model::NoteId;

use super::{parse_ts, ts};

pub struct StoredVersion {
    pub body: String,
    /// The title, author and date the note had with this body (unknown for old versions).
    pub title: Option<String>,
    pub author: Option<String>,
    pub published: Option<chrono::NaiveDate>,
    pub created: DateTime<Utc>,
    pub replaced: DateTime<Utc>,
    pub reason: String,
}

/// What a version records beside its body: the note's title, author and date at the time.
#[derive(Debug, Clone, Default)]
pub struct VersionMetadata<'a> {
    pub title: Option<&'a str>,
    pub author: Option<&'a str>,
    pub published: Option<chrono::NaiveDate>,
}

/// Keeps `body` (current since `created`) as replaced now for `reason`.
#[allow(clippy::too_many_arguments)] // one row's columns
pub fn push(
    conn: &Connection,
    note_id: NoteId,
    body: &str,
    hash: &str,
    created: DateTime<Utc>,
    now: DateTime<Utc>,
    reason: &str,
    metadata: &VersionMetadata,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO note_versions (note_id, body, content_hash, created_at, replaced_at, reason, title, author, published)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        note_id,
        body,
        hash,
        ts(created),
        ts(now),
        reason,
        metadata.title,
        metadata.author,
        metadata.published.map(|d| d.to_string())
    ])?;
    Ok(())
}

/// Earlier bodies, oldest first.
pub fn of_note(conn: &Connection, note_id: NoteId) -> Result<Vec<StoredVersion>> {
    let mut stmt = conn.prepare_cached(
        "SELECT body, created_at, replaced_at, reason, title, author, published FROM note_versions
         WHERE note_id = ?1 ORDER BY id",
    )?;
    let rows = stmt
        .query_map([note_id], |r| {
            Ok(StoredVersion {
                body: r.get(0)?,
                created: parse_ts(&r.get::<_, String>(1)?),
                replaced: parse_ts(&r.get::<_, String>(2)?),
                reason: r.get(3)?,
                title: r.get(4)?,
                author: r.get(5)?,
                published: r.get::<_, Option<String>>(6)?.and_then(|d| d.parse().ok()),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Since when the current body has been current: the last replacement, or the note's creation.
pub fn current_since(
    conn: &Connection,
    note_id: NoteId,
    created: DateTime<Utc>,
) -> Result<DateTime<Utc>> {
    let last: Option<String> = conn
        .prepare_cached("SELECT max(replaced_at) FROM note_versions WHERE note_id = ?1")?
        .query_row([note_id], |r| r.get(0))?;
    Ok(last.map_or(created, |t| parse_ts(&t)))
}

/// What made the current body: the reason the last earlier body was replaced (`edit` when the
/// user wrote it), or `None` for the body the note was clipped with.
pub fn current_reason(conn: &Connection, note_id: NoteId) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT reason FROM note_versions WHERE note_id = ?1 ORDER BY id DESC LIMIT 1",
        )?
        .query_row([note_id], |r| r.get(0))
        .optional()?)
}
