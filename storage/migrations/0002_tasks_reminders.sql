-- Tasks, their assignees, and the reminders table that every notification goes through.

ALTER TABLE members ADD COLUMN unreachable TEXT;      -- why private messages fail, or NULL
ALTER TABLE members ADD COLUMN unreachable_at INTEGER;
ALTER TABLE chats ADD COLUMN unreachable TEXT;
ALTER TABLE chats ADD COLUMN unreachable_at INTEGER;

CREATE TABLE tasks (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    title          TEXT NOT NULL,
    tag            TEXT,                        -- e.g. 39-NQ/TW, links the task to a directive
    due_at         INTEGER NOT NULL,
    status         TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
    group_chat_id  INTEGER REFERENCES chats (id),
    created_by     INTEGER REFERENCES members (id),
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    closed_by      INTEGER REFERENCES members (id),
    closed_at      INTEGER
);

CREATE INDEX tasks_open_due ON tasks (due_at) WHERE status = 'open';

CREATE TABLE task_assignees (
    task_id    INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    member_id  INTEGER NOT NULL REFERENCES members (id),
    PRIMARY KEY (task_id, member_id)
);

CREATE INDEX task_assignees_member ON task_assignees (member_id);

-- One row per (event, recipient, fire time). A private recipient is a member (their chat is
-- resolved when sending, so someone who has not started the bot yet can still be planned
-- for); a group recipient is a chat. With both set, the message goes to the chat and is about
-- the member (the group fallback for someone the bot cannot reach privately). Status: pending -> sending -> sent | failed; pending
-- rows may also end cancelled (event changed) or skipped (superseded by a later one).
CREATE TABLE reminders (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    event_kind   TEXT NOT NULL,                 -- task, digest, ...
    event_id     INTEGER NOT NULL,
    kind         TEXT NOT NULL,                 -- before, due, escalation, snooze, ...
    member_id    INTEGER REFERENCES members (id),
    chat_id      INTEGER,
    event_at     INTEGER NOT NULL,              -- the deadline (or start) it is about
    fire_at      INTEGER NOT NULL,              -- when it was meant to go out
    next_at      INTEGER NOT NULL,              -- when to try next (fire_at, or a retry)
    status       TEXT NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'cancelled',
                                   'skipped')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    sent_at      INTEGER,
    error        TEXT,
    CHECK (member_id IS NOT NULL OR chat_id IS NOT NULL)
);

CREATE INDEX reminders_pending ON reminders (next_at) WHERE status = 'pending';
CREATE INDEX reminders_event ON reminders (event_kind, event_id, status);
CREATE UNIQUE INDEX reminders_once ON reminders (
    event_kind, event_id, kind, COALESCE(member_id, 0), COALESCE(chat_id, 0), fire_at
) WHERE kind IN ('before', 'due', 'escalation', 'digest');
