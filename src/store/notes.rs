//! `notes`: one row per article, its canonical body and metadata.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};
use sha2::{Digest, Sha256};

use crate::clip::{Article, Detail};
use crate::error::{Error, Result};
use crate::index::Facet;
use crate::model::{
    DetailSource, MetadataEdit, Note, NoteFilter, NoteId, NoteOrder, NoteSummary, PageWait,
};

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

/// The live note of the article at `url` (its canonical form, or the address its page names).
pub fn find_by_address(conn: &Connection, url: &str) -> Result<Option<NoteId>> {
    let Some(url) = canonical_url(url) else {
        return Ok(None);
    };
    Ok(conn
        .prepare_cached(
            "SELECT id FROM notes WHERE canonical_url = ?1 AND trashed_at IS NULL
             UNION ALL
             SELECT id FROM notes WHERE page_url = ?1 AND trashed_at IS NULL
             LIMIT 1",
        )?
        .query_row([url], |r| r.get(0))
        .optional()?)
}

/// An existing note for the same article: same canonical URL, or the same body.
pub fn find_duplicate(conn: &Connection, article: &Article) -> Result<Option<NoteId>> {
    if let Some(url) = article.url.as_deref() {
        let found = find_by_address(conn, url)?;
        if found.is_some() {
            return Ok(found);
        }
    }
    if article.body.trim().is_empty() {
        return Ok(None); // notes waiting for their page share their empty text
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
                       (SELECT count(*) FROM annotations a WHERE a.note_id = notes.id AND a.trashed_at IS NULL),
                       details, metadata_by_user";

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
        details_from: details_from(&parse_details(row.get(14)?), row.get(15)?),
        waiting_for_page: None,
    })
}

fn parse_details(json: Option<String>) -> Details {
    json.and_then(|j| serde_json::from_str(&j).ok())
        .unwrap_or_default()
}

/// Where each detail came from. Notes corrected before details were recorded one by one
/// (`metadata_by_user` alone) count their title, author and date as the user's.
fn details_from(details: &Details, by_user: bool) -> BTreeMap<Detail, DetailSource> {
    let by_user = by_user && details.user.is_empty();
    Detail::ALL
        .into_iter()
        .map(|d| {
            let from = if details.user.contains(&d)
                || (by_user && matches!(d, Detail::Title | Detail::Author | Detail::Published))
            {
                DetailSource::User
            } else if details.page.contains(&d) {
                DetailSource::Page
            } else {
                DetailSource::Copy
            };
            (d, from)
        })
        .collect()
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
    note.waiting_for_page = super::page_queue::get(conn, id)?.map(|w| PageWait {
        attempts: w.attempts,
        last_error: w.last_error,
    });
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
/// word 3-shingles with `body` (Jaccard): the same article, updated. Only notes sharing a
/// MinHash band with `body` whose signatures estimate them close are compared (see migration
/// 0006), so a library holding thousands of notes of one title answers as fast as one holding
/// none; at a similarity of 0.8 a matching note is missed with a probability of about 2 in
/// 10,000.
pub fn similar_by_title(
    conn: &Connection,
    title: &str,
    body: &str,
    shingled: Option<&Shingled>,
    threshold: f64,
) -> Result<SimilarLookup> {
    let same_title: bool = conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM notes WHERE title = ?1 COLLATE NOCASE
                             AND trashed_at IS NULL)",
        )?
        .query_row([title], |r| r.get(0))?;
    if !same_title {
        return Ok(SimilarLookup::default()); // the common case: no note has this title
    }
    sign_notes_titled(conn, title)?;
    let computed;
    let Shingled {
        shingles: new,
        signature,
    } = match shingled {
        Some(s) => s,
        None => {
            computed = Shingled::of(body);
            &computed
        }
    };
    let bands = similar::bands(signature);
    let mut lookup = SimilarLookup {
        found: None,
        signature: Some(signature.clone()),
    };
    if bands.is_empty() {
        return Ok(lookup);
    }
    let placeholders = vec!["?"; bands.len()].join(", ");
    // CROSS JOIN: from the bands (a few rows) to the notes, never the other way round.
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT n.id, n.minhash FROM note_bands b CROSS JOIN notes n ON n.id = b.note_id
         WHERE b.hash IN ({placeholders}) AND n.title = ? COLLATE NOCASE
           AND n.trashed_at IS NULL
         GROUP BY n.id ORDER BY count(*) DESC, n.id"
    ))?;
    let mut args: Vec<rusqlite::types::Value> = bands.iter().map(|&h| h.into()).collect();
    args.push(title.to_string().into());
    let candidates: Vec<(NoteId, Vec<u8>)> = stmt
        .query_map(rusqlite::params_from_iter(args), |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    for (id, stored) in candidates {
        // The signatures estimate the similarity within about 0.05: only a close one is
        // compared word by word.
        if similar::estimate(lookup.signature.as_deref().unwrap_or_default(), &stored)
            < threshold - similar::MARGIN
        {
            continue;
        }
        let old_body: String = conn
            .prepare_cached("SELECT body FROM notes WHERE id = ?1")?
            .query_row([id], |r| r.get(0))?;
        if similar::jaccard(new, &shingles(&old_body)) >= threshold {
            lookup.found = Some(id);
            return Ok(lookup);
        }
    }
    Ok(lookup)
}

/// A body's word 3-shingles and their MinHash signature, which [`similar_by_title`] compares:
/// an import computes them with each file's extraction, off the thread that writes.
#[derive(Debug)]
pub struct Shingled {
    shingles: std::collections::HashSet<u64>,
    signature: Vec<u64>,
}

impl Shingled {
    pub fn of(body: &str) -> Shingled {
        let shingles = shingles(body);
        let signature = similar::signature(&shingles);
        Shingled {
            shingles,
            signature,
        }
    }
}

/// What [`similar_by_title`] found, and the signature it computed for the new body when
/// other notes have its title.
#[derive(Debug, Default)]
pub struct SimilarLookup {
    pub found: Option<NoteId>,
    signature: Option<Vec<u64>>,
}

impl SimilarLookup {
    /// Stores the signature with the note just written from the body looked up: the next
    /// clip of that title need not compute it.
    pub fn remember(&self, conn: &Connection, id: NoteId) -> Result<()> {
        if let Some(signature) = &self.signature {
            store_signature(conn, id, signature)?;
        }
        Ok(())
    }
}

fn store_signature(conn: &Connection, id: NoteId, signature: &[u64]) -> Result<()> {
    // One statement for the 16 bands (16 statements were most of what a same-titled clip
    // cost beyond another).
    let bands = similar::bands(signature);
    let rows = vec!["(?1, ?)"; bands.len()].join(", ");
    let mut insert = conn.prepare_cached(&format!(
        "INSERT INTO note_bands (note_id, hash) VALUES {rows}"
    ))?;
    let mut args: Vec<rusqlite::types::Value> = vec![id.into()];
    args.extend(bands.iter().map(|&h| rusqlite::types::Value::from(h)));
    insert.execute(rusqlite::params_from_iter(args))?;
    conn.prepare_cached("UPDATE notes SET minhash = ?2 WHERE id = ?1")?
        .execute(params![id, similar::to_bytes(signature)])?;
    Ok(())
}

/// Computes the signature and bands of the notes titled `title` that have none yet (each
/// body once).
fn sign_notes_titled(conn: &Connection, title: &str) -> Result<()> {
    let unsigned: Vec<(NoteId, String)> = conn
        .prepare_cached(
            "SELECT id, body FROM notes INDEXED BY notes_unsigned
             WHERE title = ?1 COLLATE NOCASE AND minhash IS NULL",
        )?
        .query_map([title], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, body) in unsigned {
        store_signature(conn, id, &similar::signature(&shingles(&body)))?;
    }
    Ok(())
}

/// A text's word 3-shingles (lower-cased, split at anything not a letter or digit), each as
/// a 64-bit hash (two different runs of three words collide with a chance of 1 in 2^64).
fn shingles(text: &str) -> std::collections::HashSet<u64> {
    let words: Vec<u64> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(similar::word_hash)
        .collect();
    words
        .windows(3)
        .map(|w| similar::mix(similar::mix(similar::mix(w[0]) ^ w[1]) ^ w[2]))
        .collect()
}

mod similar {
    //! MinHash with banding (locality-sensitive hashing) over shingle sets. The hashes are
    //! stored, so they are defined here (FNV-1a and SplitMix64), never taken from `std`,
    //! whose hasher may change between Rust releases.
    use std::collections::HashSet;

    const BANDS: usize = 16;
    const ROWS: usize = 4;

    /// FNV-1a over the word's lower-cased characters.
    pub fn word_hash(word: &str) -> u64 {
        const BASIS: u64 = 0xcbf2_9ce4_8422_2325;
        let step = |h: u64, c: u64| (h ^ c).wrapping_mul(0x0000_0100_0000_01b3);
        if word.is_ascii() {
            // The same values, a byte at a time.
            return (word.bytes()).fold(BASIS, |h, b| step(h, u64::from(b.to_ascii_lowercase())));
        }
        (word.chars().flat_map(char::to_lowercase)).fold(BASIS, |h, c| step(h, u64::from(c)))
    }

    pub fn mix(mut z: u64) -> u64 {
        z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// How far below the threshold an estimate may be and still be compared exactly: about
    /// three standard deviations of a 64-minima estimate near 0.8.
    pub const MARGIN: f64 = 0.15;

    /// The MinHash signature of a shingle set: empty for an empty set.
    pub fn signature(shingles: &HashSet<u64>) -> Vec<u64> {
        if shingles.is_empty() {
            return Vec::new();
        }
        // A strong hash per shingle (see `shingles`), then 64 cheap permutations of it (multiply by an odd
        // constant, add another: a 2-universal family, plenty for MinHash).
        let multipliers: [u64; BANDS * ROWS] = std::array::from_fn(|i| mix(2 * i as u64) | 1);
        let addends: [u64; BANDS * ROWS] = std::array::from_fn(|i| mix(2 * i as u64 + 1));
        let mut minima = [u64::MAX; BANDS * ROWS];
        for &h in shingles {
            for ((min, a), b) in minima.iter_mut().zip(multipliers).zip(addends) {
                *min = (*min).min(a.wrapping_mul(h).wrapping_add(b));
            }
        }
        minima.to_vec()
    }

    /// The band hashes of a signature (never 0).
    pub fn bands(signature: &[u64]) -> Vec<i64> {
        signature
            .chunks(ROWS)
            .enumerate()
            .map(|(band, rows)| {
                let h = rows
                    .iter()
                    .fold(mix(band as u64 + 1), |acc, &row| mix(acc ^ row));
                (h | 1) as i64
            })
            .collect()
    }

    pub fn to_bytes(signature: &[u64]) -> Vec<u8> {
        signature.iter().flat_map(|m| m.to_le_bytes()).collect()
    }

    /// The share of equal minima: an estimate of the Jaccard similarity of the two sets.
    pub fn estimate(signature: &[u64], stored: &[u8]) -> f64 {
        let stored = stored
            .chunks_exact(8)
            .map(|b| u64::from_le_bytes(b.try_into().unwrap_or_default()));
        let equal = signature
            .iter()
            .zip(stored)
            .filter(|(a, b)| **a == *b)
            .count();
        equal as f64 / signature.len().max(1) as f64
    }

    pub fn jaccard(a: &HashSet<u64>, b: &HashSet<u64>) -> f64 {
        let union = a.union(b).count();
        if union == 0 {
            return 0.0;
        }
        a.intersection(b).count() as f64 / union as f64
    }

    #[cfg(test)]
    mod tests {
        /// The hashes are stored: they never change (these are FNV-1a over the lower-cased
        /// code points, computed apart).
        #[test]
        fn word_hashes_are_what_they_were() {
            for (word, hash) in [
                ("Eunews", 0xd32a_3630_ee7d_8434),
                ("rare", 0x6da6_061f_d1e0_81bd),
                ("KAZAKHSTAN", 0x9b82_241e_5242_c533),
                ("Città", 0x975c_c57c_8bc6_0af3),
                ("perché", 0xcebb_b30b_296b_989a),
            ] {
                assert_eq!(super::word_hash(word), hash, "{word}");
            }
        }
    }
}

/// Where a note's details came from (the `details` column).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Details {
    /// Completed from the note's page.
    pub page: Vec<Detail>,
    /// Set by the user: the page never replaces them.
    pub user: Vec<Detail>,
    /// The copy's values of the details its page replaced.
    pub copy: Option<Article>,
    /// The tags the page added (to a note that had none).
    pub page_tags: Vec<String>,
    /// When the page was last read, and why it could not be when it could not.
    pub fetched: Option<DateTime<Utc>>,
    pub error: Option<String>,
}

pub fn details(conn: &Connection, id: NoteId) -> Result<Details> {
    let json: Option<String> = conn
        .prepare_cached("SELECT details FROM notes WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?
        .flatten();
    Ok(parse_details(json))
}

pub fn set_details(conn: &Connection, id: NoteId, details: &Details) -> Result<()> {
    conn.prepare_cached("UPDATE notes SET details = ?2 WHERE id = ?1")?
        .execute(params![id, serde_json::to_string(details)?])?;
    Ok(())
}

/// Replaces the details a page completes (title, author, date, site, sections); the body and
/// the tags are untouched.
pub fn set_completed(
    conn: &Connection,
    id: NoteId,
    article: &Article,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE notes SET title = ?2, author = ?3, published = ?4, site = ?5, sections = ?6,
                          updated_at = ?7
         WHERE id = ?1",
    )?
    .execute(params![
        id,
        article.title,
        article.author,
        article.published.map(|d| d.to_string()),
        article.site,
        serde_json::to_string(&article.sections)?,
        ts(now)
    ])?;
    Ok(())
}

/// Records the canonical form of the address the note's page names as its own.
pub fn set_page_url(conn: &Connection, id: NoteId, canonical: Option<&str>) -> Result<()> {
    conn.prepare_cached("UPDATE notes SET page_url = ?2 WHERE id = ?1")?
        .execute(params![id, canonical])?;
    Ok(())
}
