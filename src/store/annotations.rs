//! `annotations`: passages of a note's body with their selectors, colour and comment.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::anchor::{Selector, TextPositionSelector, TextQuoteSelector};
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
    conn.prepare_cached(
        "INSERT INTO annotations (note_id, exact, prefix, suffix, start, end, color, comment, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
    )?
    .execute(params![
        note_id,
        selector.quote.exact,
        selector.quote.prefix,
        selector.quote.suffix,
        selector.position.start as i64,
        selector.position.end as i64,
        color.as_str(),
        comment,
        ts(now),
    ])?;
    Ok(conn.last_insert_rowid())
}

const COLUMNS: &str =
    "id, note_id, exact, prefix, suffix, start, end, color, comment, created_at, updated_at";

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
    })
}

pub fn get(conn: &Connection, id: AnnotationId) -> Result<Annotation> {
    let found = conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM annotations WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?;
    let mut annotation = found.ok_or(Error::AnnotationNotFound(id))?;
    annotation.tags = tags::of_annotation(conn, id)?;
    Ok(annotation)
}

/// A note's annotations in reading order.
pub fn of_note(conn: &Connection, note_id: NoteId) -> Result<Vec<Annotation>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM annotations WHERE note_id = ?1 ORDER BY start, id"
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

pub fn count(conn: &Connection) -> Result<usize> {
    Ok(conn.query_row("SELECT count(*) FROM annotations", [], |r| {
        r.get::<_, i64>(0)
    })? as usize)
}
