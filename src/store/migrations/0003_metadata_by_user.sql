-- A title, author or date the user corrected by hand: re-extracting the raw clip keeps them.
ALTER TABLE notes ADD COLUMN metadata_by_user INTEGER NOT NULL DEFAULT 0;
