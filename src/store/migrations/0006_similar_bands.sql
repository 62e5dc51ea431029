-- Whether a clip is an update of a note with the same title is decided by how many word
-- 3-shingles their bodies share. Comparing a clip with every note of that title made a run
-- of same-titled clips quadratic: instead, each such note keeps the MinHash signature of its
-- shingles (64 minima) and its 16 bands of 4, and the candidates are the notes sharing a
-- band with the clip whose signatures say they may be similar enough. Signatures are
-- computed only for notes whose title another clip has had, once per body.
ALTER TABLE notes ADD COLUMN minhash BLOB;
CREATE TABLE note_bands (
    note_id INTEGER NOT NULL REFERENCES notes(id) ON DELETE CASCADE,
    hash    INTEGER NOT NULL
);
CREATE INDEX note_bands_hash ON note_bands(hash);
CREATE INDEX note_bands_note ON note_bands(note_id);
CREATE INDEX notes_unsigned ON notes(title COLLATE NOCASE) WHERE minhash IS NULL;
-- A new body has a new signature: computed again when next needed.
CREATE TRIGGER notes_body_unsigned AFTER UPDATE OF body ON notes
BEGIN
    DELETE FROM note_bands WHERE note_id = new.id;
    UPDATE notes SET minhash = NULL WHERE id = new.id;
END;
