-- Bodies change (an edit, a re-clip of an updated article, a better clipper): every earlier
-- body is kept here, and annotations record how they were found again.

-- The bodies a note had before its current one (the current body stays in notes.body).
CREATE TABLE note_versions (
    id           INTEGER PRIMARY KEY,
    note_id      INTEGER NOT NULL REFERENCES notes(id) ON DELETE CASCADE,
    body         TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    created_at   TEXT NOT NULL,   -- when this body became current
    replaced_at  TEXT NOT NULL,   -- when it stopped being current
    reason       TEXT NOT NULL    -- what replaced it: 'edit', 'reclip', 'reextract'
);
CREATE INDEX note_versions_note ON note_versions(note_id, id);

-- exact | moved | changed | orphan; previous_exact is the quote before a 'changed' re-anchor.
ALTER TABLE annotations ADD COLUMN status TEXT NOT NULL DEFAULT 'exact';
ALTER TABLE annotations ADD COLUMN previous_exact TEXT;

-- A re-clip with the same title is compared with the notes of that title.
CREATE INDEX notes_title ON notes(title COLLATE NOCASE);

-- The five highlight colours' meanings, named by the user ("evidence", "question"…).
CREATE TABLE color_names (
    color TEXT PRIMARY KEY,
    name  TEXT NOT NULL,
    key   TEXT NOT NULL UNIQUE    -- lower-cased name: `color:evidence` finds it in any case
);
