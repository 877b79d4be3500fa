-- Documents the sources name without a code ("Decision 137 of the Secretariat", a project, the
-- Tết directives) are keyed by an id, as lists are: `code` then holds that id, `coded` is 0, and
-- the bot names the document by its title rather than show a code nobody uses.
ALTER TABLE kb_documents ADD COLUMN coded INTEGER NOT NULL DEFAULT 1 CHECK (coded IN (0, 1));
