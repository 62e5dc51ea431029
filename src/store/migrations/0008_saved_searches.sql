-- Saved searches: a name and the query as typed (facets the user chose are in it, as `tag:`,
-- `site:`, `after:`/`before:`). Names are unique whatever their case.
CREATE TABLE saved_searches (
    name    TEXT NOT NULL PRIMARY KEY COLLATE NOCASE,
    query   TEXT NOT NULL,
    created TEXT NOT NULL
);
