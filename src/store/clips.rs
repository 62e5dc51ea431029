//! `clips`: raw clips exactly as received, zstd-compressed (they are read only to re-extract).

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use crate::clip::Clip;
use crate::error::Result;
use crate::model::RawClip;

use super::{parse_ts, ts};

fn pack(s: &Option<String>) -> Result<Option<Vec<u8>>> {
    Ok(match s {
        Some(s) => Some(zstd::bulk::compress(s.as_bytes(), 3)?),
        None => None,
    })
}

fn unpack(b: Option<Vec<u8>>) -> Result<Option<String>> {
    let Some(b) = b else { return Ok(None) };
    let bytes = zstd::stream::decode_all(b.as_slice())?;
    Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
}

pub fn insert(
    conn: &Connection,
    clip: &Clip,
    at: DateTime<Utc>,
    error: Option<&str>,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO clips (received_at, url, text_plain, text_html, error) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![ts(at), clip.url, pack(&clip.text)?, pack(&clip.html)?, error])?;
    Ok(conn.last_insert_rowid())
}

pub fn get(conn: &Connection, id: i64) -> Result<Option<RawClip>> {
    let row = conn
        .query_row(
            "SELECT text_plain, text_html, url, received_at FROM clips WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get::<_, String>(3)?)),
        )
        .optional()?;
    let Some((text, html, url, received)) = row else {
        return Ok(None);
    };
    Ok(Some(RawClip {
        text: unpack(text)?,
        html: unpack(html)?,
        url,
        received: parse_ts(&received),
    }))
}

/// Records what the raw clip is (`markdown` for an imported Markdown file).
pub fn set_format(conn: &Connection, id: i64, format: &str) -> Result<()> {
    conn.prepare_cached("UPDATE clips SET format = ?2 WHERE id = ?1")?
        .execute(params![id, format])?;
    Ok(())
}

pub fn format(conn: &Connection, id: i64) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT format FROM clips WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?
        .flatten())
}

pub fn delete(conn: &Connection, id: i64) -> Result<()> {
    conn.prepare_cached("DELETE FROM clips WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}
