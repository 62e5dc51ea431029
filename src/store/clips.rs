//! `clips`: raw clips exactly as received, zstd-compressed (they are read only to re-extract).

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use crate::clip::Clip;
use crate::error::Result;
use crate::model::RawClip;

use super::{parse_ts, ts};

/// zstd's level for raw clips. Measured on 400 of the clip bench's copied pages (27 MB): level
/// 1 compresses 5.7×, 3 6.0× at four fifths of 1's speed (430 against 530 MB/s), which is
/// little beside extraction. A new compression context per clip cost more (1.5 % of an
/// import's time, creating and clearing it), so each thread keeps one.
const LEVEL: i32 = 3;

fn pack(s: &Option<String>) -> Result<Option<Vec<u8>>> {
    thread_local! {
        static COMPRESSOR: std::cell::RefCell<Option<zstd::bulk::Compressor<'static>>> =
            const { std::cell::RefCell::new(None) };
    }
    let Some(s) = s else { return Ok(None) };
    COMPRESSOR.with_borrow_mut(|slot| {
        let compressor = match slot {
            Some(c) => c,
            None => slot.insert(zstd::bulk::Compressor::new(LEVEL)?),
        };
        Ok(Some(compressor.compress(s.as_bytes())?))
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
