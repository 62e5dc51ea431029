-- Deleting moves a note (with its highlights, versions, raw clip and tags) or a highlight to
-- the trash: the row stays, marked with when it was trashed, hidden from everything but the
-- trash, and is removed for good 30 days later (or when the trash is emptied).
ALTER TABLE notes ADD COLUMN trashed_at TEXT;
ALTER TABLE annotations ADD COLUMN trashed_at TEXT;
-- Whole-column indexes: counting the live notes (`trashed_at IS NULL`) reads the index, not
-- every row of the table.
CREATE INDEX notes_trashed ON notes(trashed_at);
CREATE INDEX annotations_trashed ON annotations(trashed_at);

-- What a raw clip is: NULL for a clipboard copy, 'markdown' for an imported Markdown file
-- (re-extraction reads it again as Markdown, not as a copied page).
ALTER TABLE clips ADD COLUMN format TEXT;

-- A trashed note does not hold its address: the same page may be clipped again meanwhile.
DROP INDEX notes_canonical_url;
CREATE UNIQUE INDEX notes_canonical_url ON notes(canonical_url)
    WHERE canonical_url IS NOT NULL AND trashed_at IS NULL;
