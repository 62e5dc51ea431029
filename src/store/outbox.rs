//! `index_outbox`: the notes whose index entries must be rewritten.

use rusqlite::{Connection, params};

use crate::error::Result;
use crate::model::NoteId;

pub fn push(conn: &Connection, note_id: NoteId) -> Result<()> {
    conn.prepare_cached("INSERT INTO index_outbox (note_id) VALUES (?1)")?
        .execute([note_id])?;
    Ok(())
}

/// Entries after `after`, oldest first: (seq, note id).
pub fn after(conn: &Connection, after: i64, limit: usize) -> Result<Vec<(i64, NoteId)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, note_id FROM index_outbox WHERE seq > ?1 ORDER BY seq LIMIT ?2",
    )?;
    let rows = stmt
        .query_map(params![after, limit as i64], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The newest sequence number ever handed out (0 for none).
pub fn last_seq(conn: &Connection) -> Result<i64> {
    let seq = conn
        .query_row(
            "SELECT seq FROM sqlite_sequence WHERE name = 'index_outbox'",
            [],
            |r| r.get(0),
        )
        .unwrap_or(0);
    Ok(seq)
}

/// Forgets entries the index has durably applied, if the database's write lock is free now:
/// housekeeping never waits for another connection's write (which may take seconds), and
/// entries left behind are forgotten by a later call.
pub fn prune_if_free(conn: &Connection, up_to: i64) -> Result<()> {
    conn.busy_timeout(std::time::Duration::ZERO)?;
    let pruned = conn
        .prepare_cached("DELETE FROM index_outbox WHERE seq <= ?1")
        .and_then(|mut stmt| stmt.execute([up_to]));
    conn.busy_timeout(super::BUSY_TIMEOUT)?;
    pruned?;
    Ok(())
}
