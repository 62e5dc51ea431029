-- Where a note's details came from. `details` (JSON, NULL until its page was read) lists the
-- details its page completed and the copy's values they replaced (for "Use the copy's
-- value"), and the details the user set, which a page never replaces.
ALTER TABLE notes ADD COLUMN details TEXT;
-- The canonical form of the address the page names as its own (`<link rel="canonical">`,
-- `og:url`, or where its address redirected): a clip of it is the same article too.
ALTER TABLE notes ADD COLUMN page_url TEXT;
CREATE INDEX notes_page_url ON notes(page_url) WHERE page_url IS NOT NULL;
-- The library's settings, shared by the desktop and the CLI ("complete details from the
-- article's page", on unless a row says otherwise).
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
