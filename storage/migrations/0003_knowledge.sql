-- The lookup knowledge base: documents, task lists with their items, conferences, and a
-- full-text index over them. Rows come from bot/content/*.yaml (origin 'builtin', refreshed on
-- every start) or from an admin's /import (origin 'import', which a restart leaves alone).
-- Texts are stored per language (_vi, _en); either may be NULL where no translation exists.
-- Dates are ISO calendar dates (YYYY-MM-DD): days of the sources, not moments in time.

CREATE TABLE kb_documents (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,       -- as the sources spell it, e.g. 39-NQ/TW
    kind        TEXT NOT NULL,              -- resolution, directive, regulation, ...
    date        TEXT,                       -- NULL where no source gives it
    title_vi    TEXT,
    title_en    TEXT,
    issuer_vi   TEXT,
    issuer_en   TEXT,
    summary_vi  TEXT,
    summary_en  TEXT,
    origin      TEXT NOT NULL CHECK (origin IN ('builtin', 'import'))
);

CREATE TABLE kb_lists (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,       -- the file's id, e.g. six-key-tasks
    date        TEXT,
    title_vi    TEXT,
    title_en    TEXT,
    source_vi   TEXT,
    source_en   TEXT,
    origin      TEXT NOT NULL CHECK (origin IN ('builtin', 'import'))
);

-- Items keep their row id while their position stays, so buttons sent earlier still work
-- after a restart reloads the list.
CREATE TABLE kb_items (
    id          INTEGER PRIMARY KEY,
    list_id     INTEGER NOT NULL REFERENCES kb_lists (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,           -- source order, from 0
    number      TEXT NOT NULL,              -- as printed: '1', '3.1'
    title_vi    TEXT,
    title_en    TEXT,
    detail_vi   TEXT,
    detail_en   TEXT,
    answer_vi   TEXT,
    answer_en   TEXT,
    UNIQUE (list_id, position)
);

CREATE TABLE kb_conferences (
    id             INTEGER PRIMARY KEY,
    slug           TEXT NOT NULL UNIQUE,
    date           TEXT NOT NULL,
    title_vi       TEXT,
    title_en       TEXT,
    place_vi       TEXT,
    place_en       TEXT,
    chaired_by_vi  TEXT,
    chaired_by_en  TEXT,
    decided_vi     TEXT,
    decided_en     TEXT,
    origin         TEXT NOT NULL CHECK (origin IN ('builtin', 'import'))
);

CREATE TABLE kb_figures (
    conference_id  INTEGER NOT NULL REFERENCES kb_conferences (id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    text_vi        TEXT,
    text_en        TEXT,
    PRIMARY KEY (conference_id, position)
);

-- Every name a lookup may match. Position 0 is the code or slug itself, the others are the
-- file's aliases in order; key is the loose form (bot/knowledge/codes.py) compared on lookup.
CREATE TABLE kb_aliases (
    owner_kind  TEXT NOT NULL CHECK (owner_kind IN ('document', 'list')),
    owner_key   TEXT NOT NULL,
    position    INTEGER NOT NULL,
    alias       TEXT NOT NULL,
    key         TEXT NOT NULL,
    PRIMARY KEY (owner_kind, owner_key, position)
);

-- Links as each file declares them (a document's cited_in, a conference's lists, ...), by the
-- natural keys the files use. Lookups read them both ways, so either side may declare a link.
CREATE TABLE kb_links (
    owner_kind   TEXT NOT NULL CHECK (owner_kind IN ('document', 'list', 'conference')),
    owner_key    TEXT NOT NULL,
    target_kind  TEXT NOT NULL CHECK (target_kind IN ('document', 'list', 'conference')),
    position     INTEGER NOT NULL,
    target_key   TEXT NOT NULL,
    PRIMARY KEY (owner_kind, owner_key, target_kind, position)
);

CREATE INDEX kb_links_target ON kb_links (target_kind, target_key);

-- One row per (entity, language). The *_folded columns hold the text folded by
-- bot/knowledge/folding.py (no marks, đ -> d) and find every spelling; title and body keep
-- the marks, so a second match on them ranks exact-accent hits first.
CREATE VIRTUAL TABLE kb_search USING fts5 (
    kind UNINDEXED,
    ref UNINDEXED,
    language UNINDEXED,
    title,
    body,
    title_folded,
    body_folded,
    tokenize = 'porter unicode61 remove_diacritics 0'
);
