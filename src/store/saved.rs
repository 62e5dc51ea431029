//! `saved_searches`: a name and the query it runs.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};

use crate::error::Result;

/// A saved search as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    pub name: String,
    pub query: String,
    pub created: DateTime<Utc>,
}

/// Saves `query` as `name`, replacing the query of a search of that name (in any case), whose
/// name then takes the new spelling. True when it was new.
pub fn save(conn: &Connection, name: &str, query: &str, now: DateTime<Utc>) -> Result<bool> {
    let existed = get(conn, name)?.is_some();
    conn.prepare_cached(
        "INSERT INTO saved_searches (name, query, created) VALUES (?1, ?2, ?3)
         ON CONFLICT (name) DO UPDATE SET name = excluded.name, query = excluded.query",
    )?
    .execute((name, query, now.to_rfc3339()))?;
    Ok(!existed)
}

pub fn get(conn: &Connection, name: &str) -> Result<Option<Saved>> {
    Ok(conn
        .prepare_cached("SELECT name, query, created FROM saved_searches WHERE name = ?1")?
        .query_row([name], row)
        .optional()?)
}

/// Every saved search, by name.
pub fn list(conn: &Connection) -> Result<Vec<Saved>> {
    let mut statement =
        conn.prepare_cached("SELECT name, query, created FROM saved_searches ORDER BY name")?;
    let rows = statement.query_map([], row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// True when there was one of that name.
pub fn delete(conn: &Connection, name: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("DELETE FROM saved_searches WHERE name = ?1")?
        .execute([name])?
        > 0)
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Saved> {
    let created: String = r.get(2)?;
    Ok(Saved {
        name: r.get(0)?,
        query: r.get(1)?,
        created: DateTime::parse_from_rfc3339(&created)
            .map(|d| d.with_timezone(&Utc))
            .unwrap_or_default(),
    })
}
