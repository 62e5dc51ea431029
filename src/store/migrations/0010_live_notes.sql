-- The library view's reads of live notes (those not in the trash) walk these indexes instead
-- of the table: `trashed_at` is stored after the body, so reading it from a row walks the
-- body's overflow pages, and the list, its count and its site and year counts took 0.5 s at
-- 140,000 notes (10 ms with these). The trash keeps an index of its own.
DROP INDEX IF EXISTS notes_trashed;
CREATE INDEX notes_trashed ON notes(trashed_at) WHERE trashed_at IS NOT NULL;
CREATE INDEX notes_live ON notes(id) WHERE trashed_at IS NULL;
CREATE INDEX notes_live_created ON notes(created_at, id) WHERE trashed_at IS NULL;
CREATE INDEX notes_live_published
    ON notes(published IS NULL, published DESC, created_at DESC, id DESC)
    WHERE trashed_at IS NULL;
CREATE INDEX notes_live_site ON notes(site) WHERE trashed_at IS NULL;
CREATE INDEX notes_live_year ON notes(substr(published, 1, 4))
    WHERE trashed_at IS NULL AND published IS NOT NULL;
