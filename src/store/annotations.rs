//! `annotations`: passages of a note's body with their selectors, colour and comment.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::anchor::{AnchorStatus, Anchored, Selector, TextPositionSelector, TextQuoteSelector};
use crate::error::{Error, Result};
use crate::model::{Annotation, AnnotationId, Color, NoteId};

use super::{parse_ts, tags, ts};

pub fn insert(
    conn: &Connection,
    note_id: NoteId,
    selector: &Selector,
    color: Color,
    comment: Option<&str>,
    now: DateTime<Utc>,
) -> Result<AnnotationId> {
    let fresh = Annotation {
        id: 0,
        note_id,
        selector: selector.clone(),
        status: AnchorStatus::Exact,
        previous_quote: None,
        color,
        comment: comment.map(str::to_string),
        tags: Vec::new(),
        created: now,
        updated: now,
    };
    insert_record(conn, note_id, &fresh)
}

const COLUMNS: &str =
    "id, note_id, exact, prefix, suffix, start, end, color, comment, created_at, updated_at,
                       status, previous_exact";

fn from_row(r: &Row) -> rusqlite::Result<Annotation> {
    let color: String = r.get(7)?;
    Ok(Annotation {
        id: r.get(0)?,
        note_id: r.get(1)?,
        selector: Selector {
            quote: TextQuoteSelector {
                exact: r.get(2)?,
                prefix: r.get(3)?,
                suffix: r.get(4)?,
            },
            position: TextPositionSelector {
                start: r.get::<_, i64>(5)? as usize,
                end: r.get::<_, i64>(6)? as usize,
            },
        },
        color: color.parse().unwrap_or_default(),
        comment: r.get(8)?,
        tags: Vec::new(),
        created: parse_ts(&r.get::<_, String>(9)?),
        updated: parse_ts(&r.get::<_, String>(10)?),
        status: AnchorStatus::parse(&r.get::<_, String>(11)?),
        previous_quote: r.get(12)?,
    })
}

/// Inserts an annotation as a bundle carries it: its id (when free), selectors, status,
/// colour, comment and times. Tags are attached by the caller.
/// Stores `a` (its id is ignored: SQLite assigns one, so an imported id can never push the
/// library's ids toward 2^63).
pub fn insert_record(conn: &Connection, note_id: NoteId, a: &Annotation) -> Result<AnnotationId> {
    let id: Option<i64> = None;
    let s = &a.selector;
    conn.prepare_cached(
        "INSERT INTO annotations (id, note_id, exact, prefix, suffix, start, end, color, comment, created_at, updated_at,
                                  status, previous_exact)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
        id,
        note_id,
        s.quote.exact,
        s.quote.prefix,
        s.quote.suffix,
        s.position.start as i64,
        s.position.end as i64,
        a.color.as_str(),
        a.comment,
        ts(a.created),
        ts(a.updated),
        a.status.as_str(),
        a.previous_quote,
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Stores where an annotation was found again in its note's new body.
pub fn reanchored(
    conn: &Connection,
    id: AnnotationId,
    old: &Annotation,
    anchored: &Anchored,
    now: DateTime<Utc>,
) -> Result<()> {
    let s = &anchored.selector;
    // A changed passage remembers the quote it had before (the first one, over several edits).
    let previous = match anchored.status {
        AnchorStatus::Changed => old
            .previous_quote
            .clone()
            .or_else(|| Some(old.selector.quote.exact.clone())),
        _ => old.previous_quote.clone(),
    };
    conn.prepare_cached(
        "UPDATE annotations SET exact = ?2, prefix = ?3, suffix = ?4, start = ?5, end = ?6, status = ?7,
                                previous_exact = ?8, updated_at = ?9 WHERE id = ?1",
    )?
    .execute(params![
        id,
        s.quote.exact,
        s.quote.prefix,
        s.quote.suffix,
        s.position.start as i64,
        s.position.end as i64,
        anchored.status.as_str(),
        previous,
        ts(now),
    ])?;
    Ok(())
}

pub fn get(conn: &Connection, id: AnnotationId) -> Result<Annotation> {
    get_where(conn, id, "trashed_at IS NULL")
}

/// The annotation `id` if it meets `condition` (in the trash or not), with its tags.
fn get_where(conn: &Connection, id: AnnotationId, condition: &str) -> Result<Annotation> {
    let found = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM annotations WHERE id = ?1 AND {condition}"
        ))?
        .query_row([id], from_row)
        .optional()?;
    let mut annotation = found.ok_or(Error::AnnotationNotFound(id))?;
    annotation.tags = tags::of_annotation(conn, id)?;
    Ok(annotation)
}

/// A note's annotations in reading order.
pub fn of_note(conn: &Connection, note_id: NoteId) -> Result<Vec<Annotation>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM annotations WHERE note_id = ?1 AND trashed_at IS NULL ORDER BY start, id"
    ))?;
    let rows: Vec<Annotation> = stmt
        .query_map([note_id], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter()
        .map(|mut a| {
            a.tags = tags::of_annotation(conn, a.id)?;
            Ok(a)
        })
        .collect()
}

/// Sets an annotation's colour and comment (its tags go through `tags`).
pub fn update(
    conn: &Connection,
    id: AnnotationId,
    color: Color,
    comment: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    let changed = conn
        .prepare_cached(
            "UPDATE annotations SET color = ?2, comment = ?3, updated_at = ?4
             WHERE id = ?1 AND trashed_at IS NULL",
        )?
        .execute(params![id, color.as_str(), comment, ts(now)])?;
    if changed == 0 {
        return Err(Error::AnnotationNotFound(id));
    }
    Ok(())
}

/// Moves an annotation to the trash; returns the note it belongs to.
pub fn trash(conn: &Connection, id: AnnotationId, now: DateTime<Utc>) -> Result<NoteId> {
    let note_id: NoteId = conn
        .query_row(
            "SELECT note_id FROM annotations WHERE id = ?1 AND trashed_at IS NULL",
            [id],
            |r| r.get(0),
        )
        .optional()?
        .ok_or(Error::AnnotationNotFound(id))?;
    conn.prepare_cached("UPDATE annotations SET trashed_at = ?2 WHERE id = ?1")?
        .execute(params![id, ts(now)])?;
    Ok(note_id)
}

/// A trashed annotation, as it was when trashed.
pub fn get_trashed(conn: &Connection, id: AnnotationId) -> Result<Annotation> {
    get_where(conn, id, "trashed_at IS NOT NULL")
}

pub fn untrash(conn: &Connection, id: AnnotationId) -> Result<()> {
    conn.prepare_cached("UPDATE annotations SET trashed_at = NULL WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

/// Removes the annotations trashed before `before` for good (every trashed one for `None`).
pub fn purge_trashed(conn: &Connection, before: Option<DateTime<Utc>>) -> Result<usize> {
    let before = before.map_or_else(|| "9999".to_string(), ts);
    Ok(conn
        .prepare_cached("DELETE FROM annotations WHERE trashed_at IS NOT NULL AND trashed_at < ?1")?
        .execute([before])?)
}

/// Live annotations of live notes.
pub fn count(conn: &Connection) -> Result<usize> {
    Ok(conn.query_row(
        "SELECT count(*) FROM annotations a JOIN notes n ON n.id = a.note_id
         WHERE a.trashed_at IS NULL AND n.trashed_at IS NULL",
        [],
        |r| r.get::<_, i64>(0),
    )? as usize)
}
