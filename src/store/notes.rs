//! `notes`: one row per article, its canonical body and metadata.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};
use sha2::{Digest, Sha256};

use crate::clip::Article;
use crate::error::{Error, Result};
use crate::index::Facet;
use crate::model::{MetadataEdit, Note, NoteFilter, NoteId, NoteOrder, NoteSummary};

use super::{parse_ts, tags, ts};

/// SHA-256 of the canonical body, lower-case hex.
pub fn content_hash(body: &str) -> String {
    Sha256::digest(body.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The URL that identifies an article: no scheme, `www.`, fragment, tracking parameters or
/// trailing slash, host lower-cased.
pub fn canonical_url(url: &str) -> Option<String> {
    let url = url.trim();
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.split('#').next().unwrap_or_default();
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (host, path) = path.split_once('/').unwrap_or((path, ""));
    let host = host.to_lowercase();
    let host = host.trim_start_matches("www.");
    if host.is_empty() {
        return None;
    }
    let query: Vec<&str> = query
        .split('&')
        .filter(|p| {
            !p.is_empty()
                && !p.starts_with("utm_")
                && !p.starts_with("fbclid")
                && !p.starts_with("gclid")
        })
        .collect();
    let mut canonical = format!("{host}/{}", path.trim_end_matches('/'));
    if !query.is_empty() {
        canonical.push('?');
        canonical.push_str(&query.join("&"));
    }
    Some(canonical)
}

pub fn insert(
    conn: &Connection,
    article: &Article,
    clip_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<NoteId> {
    insert_as(conn, article, clip_id, None, now, now)
}

/// [`insert`] with the id (when free) and the times a note had elsewhere (an imported bundle).
pub fn insert_as(
    conn: &Connection,
    article: &Article,
    clip_id: Option<i64>,
    id: Option<NoteId>,
    created: DateTime<Utc>,
    updated: DateTime<Utc>,
) -> Result<NoteId> {
    let free: Option<i64> = id
        .map(|id| {
            conn.query_row("SELECT count(*) FROM notes WHERE id = ?1", [id], |r| {
                r.get::<_, i64>(0)
            })
            .map(|n| (n == 0).then_some(id))
        })
        .transpose()?
        .flatten();
    conn.prepare_cached(
        "INSERT INTO notes (id, clip_id, title, standfirst, author, published, site, url, canonical_url,
                            language, sections, body, content_hash, created_at, updated_at)
         VALUES (?15, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?
    .execute(params![
        clip_id,
        article.title,
        article.standfirst,
        article.author,
        article.published.map(|d| d.to_string()),
        article.site,
        article.url,
        article.url.as_deref().and_then(canonical_url),
        article.language,
        serde_json::to_string(&article.sections)?,
        article.body,
        content_hash(&article.body),
        ts(created),
        ts(updated),
        free,
    ])?;
    let id = conn.last_insert_rowid();
    for tag in &article.tags {
        tags::attach_to_note(conn, id, tag)?;
    }
    Ok(id)
}

/// An existing note for the same article: same canonical URL, or the same body.
pub fn find_duplicate(conn: &Connection, article: &Article) -> Result<Option<NoteId>> {
    if let Some(url) = article.url.as_deref().and_then(canonical_url) {
        let found = conn
            .prepare_cached("SELECT id FROM notes WHERE canonical_url = ?1 AND trashed_at IS NULL")?
            .query_row([url], |r| r.get(0))
            .optional()?;
        if found.is_some() {
            return Ok(found);
        }
    }
    let found = conn
        .prepare_cached(
            "SELECT id FROM notes WHERE content_hash = ?1 AND trashed_at IS NULL LIMIT 1",
        )?
        .query_row([content_hash(&article.body)], |r| r.get(0))
        .optional()?;
    Ok(found)
}

const COLUMNS: &str =
    "id, title, standfirst, author, published, site, url, language, sections, body,
                       content_hash, created_at, updated_at,
                       (SELECT count(*) FROM annotations a WHERE a.note_id = notes.id AND a.trashed_at IS NULL)";

fn from_row(row: &Row) -> rusqlite::Result<Note> {
    let sections: String = row.get(8)?;
    let published: Option<String> = row.get(4)?;
    Ok(Note {
        id: row.get(0)?,
        article: Article {
            title: row.get(1)?,
            standfirst: row.get(2)?,
            author: row.get(3)?,
            published: published.and_then(|p| NaiveDate::parse_from_str(&p, "%Y-%m-%d").ok()),
            sections: serde_json::from_str(&sections).unwrap_or_default(),
            tags: Vec::new(),
            site: row.get(5)?,
            url: row.get(6)?,
            language: row.get(7)?,
            body: row.get(9)?,
        },
        content_hash: row.get(10)?,
        created: parse_ts(&row.get::<_, String>(11)?),
        updated: parse_ts(&row.get::<_, String>(12)?),
        annotation_count: row.get::<_, i64>(13)? as usize,
    })
}

pub fn get(conn: &Connection, id: NoteId) -> Result<Note> {
    let note = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM notes WHERE id = ?1 AND trashed_at IS NULL"
        ))?
        .query_row([id], from_row)
        .optional()?;
    let mut note = note.ok_or(Error::NoteNotFound(id))?;
    note.article.tags = tags::of_note(conn, id)?;
    Ok(note)
}

/// Like [`get`], `None` for a missing note.
pub fn find(conn: &Connection, id: NoteId) -> Result<Option<Note>> {
    match get(conn, id) {
        Ok(note) => Ok(Some(note)),
        Err(Error::NoteNotFound(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

pub fn clip_id(conn: &Connection, id: NoteId) -> Result<Option<i64>> {
    Ok(conn
        .query_row("SELECT clip_id FROM notes WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?
        .flatten())
}

/// Newest first; with a tag, the notes carrying it or one of its children.
pub fn list(conn: &Connection, filter: &NoteFilter) -> Result<Vec<NoteSummary>> {
    let (mut sql, args) = select_where(
        "SELECT id, title, site, author, published, created_at, standfirst FROM notes",
        filter,
    )?;
    sql.push_str(match filter.order {
        NoteOrder::Created => " ORDER BY created_at DESC, id DESC",
        NoteOrder::Published => {
            " ORDER BY published IS NULL, published DESC, created_at DESC, id DESC"
        }
    });
    if let Some(limit) = filter.limit {
        sql.push_str(&format!(" LIMIT {limit} OFFSET {}", filter.offset));
    }
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(args.iter()), |r| {
            let published: Option<String> = r.get(4)?;
            Ok(NoteSummary {
                id: r.get(0)?,
                title: r.get(1)?,
                site: r.get(2)?,
                author: r.get(3)?,
                published: published.and_then(|p| NaiveDate::parse_from_str(&p, "%Y-%m-%d").ok()),
                tags: Vec::new(),
                created: parse_ts(&r.get::<_, String>(5)?),
                standfirst: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|mut s| {
            s.tags = tags::of_note(conn, s.id)?;
            Ok(s)
        })
        .collect()
}

/// The number of notes `filter` selects (its limit and offset aside).
pub fn count(conn: &Connection, filter: &NoteFilter) -> Result<usize> {
    let (sql, args) = select_where("SELECT count(*) FROM notes", filter)?;
    let n: i64 = conn.query_row(&sql, rusqlite::params_from_iter(args.iter()), |r| r.get(0))?;
    Ok(n as usize)
}

/// Notes per site and per year of publication, most first, over the whole library.
pub fn site_and_year_counts(conn: &Connection) -> Result<(Vec<Facet>, Vec<Facet>)> {
    let counts = |sql: &str| -> Result<Vec<Facet>> {
        let mut stmt = conn.prepare_cached(sql)?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Facet {
                    name: r.get(0)?,
                    count: r.get::<_, i64>(1)? as usize,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    };
    Ok((
        counts(
            "SELECT site, count(*) FROM notes WHERE site IS NOT NULL AND trashed_at IS NULL
             GROUP BY site ORDER BY count(*) DESC, site",
        )?,
        counts(
            "SELECT substr(published, 1, 4), count(*) FROM notes
             WHERE published IS NOT NULL AND trashed_at IS NULL
             GROUP BY 1 ORDER BY 1 DESC",
        )?,
    ))
}

/// `base` with the WHERE clause of `filter` (tag, site, year) and its arguments.
fn select_where(base: &str, filter: &NoteFilter) -> Result<(String, Vec<String>)> {
    let mut conditions = vec!["trashed_at IS NULL".to_string()];
    let mut args: Vec<String> = Vec::new();
    if let Some(tag) = &filter.tag {
        args.push(tags::key(&tags::normalize(tag)?));
        let n = args.len();
        conditions.push(format!(
            "id IN (SELECT nt.note_id FROM note_tags nt JOIN tags t ON t.id = nt.tag_id
                    WHERE t.key = ?{n} OR substr(t.key, 1, length(?{n}) + 1) = ?{n} || '/')"
        ));
    }
    if let Some(site) = &filter.site {
        args.push(site.clone());
        conditions.push(format!("site = ?{}", args.len()));
    }
    if let Some(year) = filter.year {
        args.push(format!("{year:04}"));
        conditions.push(format!("substr(published, 1, 4) = ?{}", args.len()));
    }
    let sql = format!("{base} WHERE {}", conditions.join(" AND "));
    Ok((sql, args))
}

/// Sets what the user corrected after a clip; an empty author or date clears it.
pub fn set_user_metadata(
    conn: &Connection,
    id: NoteId,
    edit: &MetadataEdit,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.prepare_cached(
        // Flagged only when something changed (the form after a clip is often confirmed as is).
        "UPDATE notes SET title = ?2, author = ?3, published = ?4, updated_at = ?5,
                          metadata_by_user = metadata_by_user OR title IS NOT ?2
                                             OR author IS NOT ?3 OR published IS NOT ?4
         WHERE id = ?1",
    )?
    .execute(params![
        id,
        edit.title,
        edit.author,
        edit.published.map(|d| d.to_string()),
        ts(now)
    ])?;
    Ok(())
}

/// Whether the user corrected the note's title, author or date by hand.
pub fn metadata_by_user(conn: &Connection, id: NoteId) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT metadata_by_user FROM notes WHERE id = ?1")?
        .query_row([id], |r| r.get(0))?)
}

/// Removes a note for good, with its annotations, versions and tags (the caller removes its
/// raw clip).
pub fn delete(conn: &Connection, id: NoteId) -> Result<bool> {
    Ok(conn
        .prepare_cached("DELETE FROM notes WHERE id = ?1")?
        .execute([id])?
        > 0)
}

/// Moves a note to the trash; false when there is no such note outside it.
pub fn trash(conn: &Connection, id: NoteId, now: DateTime<Utc>) -> Result<bool> {
    Ok(conn
        .prepare_cached("UPDATE notes SET trashed_at = ?2 WHERE id = ?1 AND trashed_at IS NULL")?
        .execute(params![id, ts(now)])?
        > 0)
}

/// Takes a note out of the trash, as it was. When another note has taken its address since
/// (the page was clipped again), it comes back without claiming the address for duplicate
/// detection (its `url` stays). False when the note is not in the trash.
pub fn untrash(conn: &Connection, id: NoteId) -> Result<bool> {
    let taken: bool = conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM notes n, notes t WHERE t.id = ?1
                            AND n.canonical_url = t.canonical_url AND n.trashed_at IS NULL)",
        )?
        .query_row([id], |r| r.get(0))?;
    if taken {
        conn.prepare_cached("UPDATE notes SET canonical_url = NULL WHERE id = ?1")?
            .execute([id])?;
    }
    Ok(conn
        .prepare_cached(
            "UPDATE notes SET trashed_at = NULL WHERE id = ?1 AND trashed_at IS NOT NULL",
        )?
        .execute([id])?
        > 0)
}

/// The trash, most recently deleted first: (id, title, when it was trashed).
pub fn trashed(conn: &Connection) -> Result<Vec<(NoteId, String, DateTime<Utc>)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, title, trashed_at FROM notes WHERE trashed_at IS NOT NULL
         ORDER BY trashed_at DESC, id DESC",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, parse_ts(&r.get::<_, String>(2)?)))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// When the note was first saved (an import that knows it).
pub fn set_created(conn: &Connection, id: NoteId, created: DateTime<Utc>) -> Result<()> {
    conn.prepare_cached("UPDATE notes SET created_at = ?2, updated_at = ?2 WHERE id = ?1")?
        .execute(params![id, ts(created)])?;
    Ok(())
}

pub fn touch(conn: &Connection, id: NoteId, now: DateTime<Utc>) -> Result<()> {
    conn.prepare_cached("UPDATE notes SET updated_at = ?2 WHERE id = ?1")?
        .execute(params![id, ts(now)])?;
    Ok(())
}

pub fn all_ids(conn: &Connection) -> Result<Vec<NoteId>> {
    let mut stmt = conn.prepare("SELECT id FROM notes WHERE trashed_at IS NULL ORDER BY id")?;
    let ids = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

/// What a search hit shows of a note: less than [`get`], which also loads tags and counts.
pub struct HitFields {
    pub title: String,
    pub site: Option<String>,
    pub published: Option<NaiveDate>,
    pub language: String,
    pub body: String,
}

pub fn hit_fields(conn: &Connection, id: NoteId) -> Result<Option<HitFields>> {
    let row = conn
        .prepare_cached("SELECT title, site, published, language, body FROM notes WHERE id = ?1 AND trashed_at IS NULL")?
        .query_row([id], |r| {
            let published: Option<String> = r.get(2)?;
            Ok(HitFields {
                title: r.get(0)?,
                site: r.get(1)?,
                published: published.and_then(|p| NaiveDate::parse_from_str(&p, "%Y-%m-%d").ok()),
                language: r.get(3)?,
                body: r.get(4)?,
            })
        })
        .optional()?;
    Ok(row)
}

/// Replaces the body (and its hash); the caller keeps the old one as a version.
pub fn set_body(conn: &Connection, id: NoteId, body: &str, now: DateTime<Utc>) -> Result<()> {
    conn.prepare_cached(
        "UPDATE notes SET body = ?2, content_hash = ?3, updated_at = ?4 WHERE id = ?1",
    )?
    .execute(params![id, body, content_hash(body), ts(now)])?;
    Ok(())
}

/// Replaces the metadata of a re-clipped article (the body goes through [`set_body`]).
pub fn set_metadata(conn: &Connection, id: NoteId, article: &Article, clip_id: i64) -> Result<()> {
    conn.prepare_cached(
        "UPDATE notes SET clip_id = ?2, title = ?3, standfirst = ?4, author = ?5, published = ?6, site = ?7,
                          url = coalesce(?8, url), canonical_url = coalesce(?9, canonical_url), language = ?10, sections = ?11
         WHERE id = ?1",
    )?
    .execute(params![
        id,
        clip_id,
        article.title,
        article.standfirst,
        article.author,
        article.published.map(|d| d.to_string()),
        article.site,
        article.url,
        article.url.as_deref().and_then(canonical_url),
        article.language,
        serde_json::to_string(&article.sections)?,
    ])?;
    for tag in &article.tags {
        tags::attach_to_note(conn, id, tag)?;
    }
    Ok(())
}

/// A note with the same title (ignoring case) whose body shares at least `threshold` of its
/// word 3-shingles with `body` (Jaccard): the same article, updated.
pub fn similar_by_title(
    conn: &Connection,
    title: &str,
    body: &str,
    threshold: f64,
) -> Result<Option<NoteId>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, body FROM notes WHERE title = ?1 COLLATE NOCASE AND trashed_at IS NULL",
    )?;
    let candidates: Vec<(NoteId, String)> = stmt
        .query_map([title], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let shingles = |text: &str| -> std::collections::HashSet<String> {
        let words: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        words.windows(3).map(|w| w.join(" ")).collect()
    };
    if candidates.is_empty() {
        return Ok(None); // the common case: no note has this title
    }
    let new = shingles(body);
    for (id, old_body) in candidates {
        let old = shingles(&old_body);
        let union = new.union(&old).count();
        if union > 0 && new.intersection(&old).count() as f64 / union as f64 >= threshold {
            return Ok(Some(id));
        }
    }
    Ok(None)
}
