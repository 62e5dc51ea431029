//! `color_names`: what each highlight colour means to the user.

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::{Error, Result};
use crate::model::Color;

pub fn all(conn: &Connection) -> Result<Vec<(Color, String)>> {
    let mut stmt = conn.prepare_cached("SELECT color, name FROM color_names")?;
    let rows: Vec<(String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows
        .into_iter()
        .filter_map(|(c, n)| Some((c.parse().ok()?, n)))
        .collect())
}

/// Names `color` (an empty name forgets it). A name is one colour's only, and no colour's word.
pub fn set(conn: &Connection, color: Color, name: &str) -> Result<()> {
    let name = crate::clip::one_spaced(name);
    if name.is_empty() {
        conn.execute("DELETE FROM color_names WHERE color = ?1", [color.as_str()])?;
        return Ok(());
    }
    let key = name.to_lowercase();
    if let Ok(other) = key.parse::<Color>()
        && other != color
    {
        return Err(Error::invalid(
            "colour name",
            format!("'{name}' is the colour {}", other.as_str()),
        ));
    }
    let taken: Option<String> = conn
        .query_row(
            "SELECT color FROM color_names WHERE key = ?1 AND color != ?2",
            params![key, color.as_str()],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(taken) = taken {
        return Err(Error::invalid(
            "colour name",
            format!("'{name}' already names {taken}"),
        ));
    }
    conn.execute(
        "INSERT INTO color_names (color, name, key) VALUES (?1, ?2, ?3)
         ON CONFLICT(color) DO UPDATE SET name = excluded.name, key = excluded.key",
        params![color.as_str(), name, key],
    )?;
    Ok(())
}

/// The colour a word of a `color:` filter means: a colour, its key (1-5), or a user's name.
pub fn resolve(conn: &Connection, word: &str) -> Result<Option<Color>> {
    if let Ok(color) = word.parse::<Color>() {
        return Ok(Some(color));
    }
    let found: Option<String> = conn
        .query_row(
            "SELECT color FROM color_names WHERE key = ?1",
            [word.to_lowercase()],
            |r| r.get(0),
        )
        .optional()?;
    Ok(found.and_then(|c| c.parse().ok()))
}
