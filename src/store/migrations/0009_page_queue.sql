-- Notes imported with only their address (Pocket's list, bookmarks, …), waiting for their
-- page: kept here until it is fetched, so fetching resumes after a restart. `note` is what
-- the export said of the item, kept below the page's text once it arrives.
CREATE TABLE page_queue (
    note_id    INTEGER PRIMARY KEY REFERENCES notes(id) ON DELETE CASCADE,
    url        TEXT NOT NULL,
    added_at   TEXT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    note       TEXT
);
