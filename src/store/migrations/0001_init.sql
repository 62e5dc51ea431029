-- Lode's first schema. Never edit a landed migration: add the next number instead.

-- Every clip exactly as received (zstd-compressed), kept even when extraction fails.
CREATE TABLE clips (
    id          INTEGER PRIMARY KEY,
    received_at TEXT NOT NULL,
    url         TEXT,
    text_plain  BLOB,
    text_html   BLOB,
    error       TEXT
);

CREATE TABLE notes (
    id            INTEGER PRIMARY KEY,
    clip_id       INTEGER REFERENCES clips(id) ON DELETE SET NULL,
    title         TEXT NOT NULL,
    standfirst    TEXT,
    author        TEXT,
    published     TEXT,                      -- YYYY-MM-DD
    site          TEXT,
    url           TEXT,
    canonical_url TEXT,                      -- for duplicate detection
    language      TEXT NOT NULL,
    sections      TEXT NOT NULL DEFAULT '[]', -- JSON array of strings
    body          TEXT NOT NULL,             -- canonical: NFC, LF, paragraphs split by one blank line
    content_hash  TEXT NOT NULL,             -- SHA-256 of body, hex
    created_at    TEXT NOT NULL,             -- RFC 3339, UTC
    updated_at    TEXT NOT NULL
);
CREATE UNIQUE INDEX notes_canonical_url ON notes(canonical_url) WHERE canonical_url IS NOT NULL;
CREATE INDEX notes_content_hash ON notes(content_hash);
CREATE INDEX notes_created ON notes(created_at);

-- Tags are case-insensitive (`key` is the lower-cased name) and hierarchical with '/'.
CREATE TABLE tags (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    key  TEXT NOT NULL UNIQUE
);

CREATE TABLE note_tags (
    note_id INTEGER NOT NULL REFERENCES notes(id) ON DELETE CASCADE,
    tag_id  INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    PRIMARY KEY (note_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX note_tags_tag ON note_tags(tag_id);

-- A passage of a note's body: W3C TextQuoteSelector + TextPositionSelector (code points).
CREATE TABLE annotations (
    id         INTEGER PRIMARY KEY,
    note_id    INTEGER NOT NULL REFERENCES notes(id) ON DELETE CASCADE,
    exact      TEXT NOT NULL,
    prefix     TEXT NOT NULL,
    suffix     TEXT NOT NULL,
    start      INTEGER NOT NULL,
    end        INTEGER NOT NULL,
    color      TEXT NOT NULL,
    comment    TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX annotations_note ON annotations(note_id);

CREATE TABLE annotation_tags (
    annotation_id INTEGER NOT NULL REFERENCES annotations(id) ON DELETE CASCADE,
    tag_id        INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    PRIMARY KEY (annotation_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX annotation_tags_tag ON annotation_tags(tag_id);

-- Notes whose index entries are stale, written in the same transaction as the change.
-- AUTOINCREMENT: sequence numbers are never reused, since the index records the last it applied.
CREATE TABLE index_outbox (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    note_id INTEGER NOT NULL
);
