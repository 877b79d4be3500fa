-- A placeholder member (named by @username before they ever wrote to the bot) taken over by
-- whoever holds that username when they write to the bot. Kept so the admins who gave it work
-- see who took it, and can give the work back.
CREATE TABLE claims (
    id          INTEGER PRIMARY KEY,
    username    TEXT NOT NULL,
    member_id   INTEGER NOT NULL REFERENCES members (id),    -- who took it
    task_ids    TEXT NOT NULL,                              -- JSON: tasks their part came from
    meeting_ids TEXT NOT NULL,                              -- JSON: meetings they were invited to
    created_at  INTEGER NOT NULL,
    undone_at   INTEGER,
    undone_by   INTEGER REFERENCES members (id),
    returned_to INTEGER REFERENCES members (id)             -- the placeholder given the work back
);
