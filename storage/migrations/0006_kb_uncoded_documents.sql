-- Documents the sources name without a code ("Decision 137 of the Secretariat", a project, the
-- Tết directives) are keyed by an id, as lists are: `code` then holds that id, `coded` is 0, and
-- the bot names the document by its title rather than show a code nobody uses.
ALTER TABLE kb_documents ADD COLUMN coded INTEGER NOT NULL DEFAULT 1 CHECK (coded IN (0, 1));

-- Codes are shown as officially written, with Đ; tags typed without it (#138-QD/TW) take it.
UPDATE tasks SET tag = replace(replace(replace(tag, '-QD/', '-QĐ/'), '/QD-', '/QĐ-'),
                               '-QDi/', '-QĐi/')
WHERE tag IS NOT NULL;
