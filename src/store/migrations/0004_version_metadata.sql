-- A re-clip or a re-extraction may change a note's title, author and date along with its
-- body: the version keeps the ones that went with the body it replaced (NULL for versions
-- kept before this migration).
ALTER TABLE note_versions ADD COLUMN title TEXT;
ALTER TABLE note_versions ADD COLUMN author TEXT;
ALTER TABLE note_versions ADD COLUMN published TEXT;
