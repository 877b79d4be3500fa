-- Accountability: units (a subscribed group, optionally under a parent unit), rosters with
-- scoped roles, each assignee's own part of a task, extension requests, priorities, repeating
-- tasks, and excused absences.

ALTER TABLE chats ADD COLUMN unit_name TEXT;            -- NULL: the group title is the name
ALTER TABLE chats ADD COLUMN parent_id INTEGER REFERENCES chats (id);
CREATE INDEX chats_parent ON chats (parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX chats_subscribed ON chats (id) WHERE subscribed = 1;

-- The roster: who belongs to a unit, since when, how we learnt it, and their role in it.
ALTER TABLE chat_members ADD COLUMN status TEXT NOT NULL DEFAULT 'member'
    CHECK (status IN ('member', 'left'));
ALTER TABLE chat_members ADD COLUMN role TEXT NOT NULL DEFAULT 'member'
    CHECK (role IN ('member', 'admin'));
ALTER TABLE chat_members ADD COLUMN source TEXT NOT NULL DEFAULT 'seen';
ALTER TABLE chat_members ADD COLUMN changed_at INTEGER;
UPDATE chat_members SET changed_at = last_seen;
CREATE INDEX chat_members_member ON chat_members (member_id, status);
CREATE INDEX chat_members_roster ON chat_members (chat_id, status, member_id);

-- Each assignee's part: open, done (when, by whom, a note or a file), or excused (why).
ALTER TABLE task_assignees ADD COLUMN status TEXT NOT NULL DEFAULT 'open'
    CHECK (status IN ('open', 'done', 'excused'));
ALTER TABLE task_assignees ADD COLUMN done_at INTEGER;
ALTER TABLE task_assignees ADD COLUMN done_by INTEGER REFERENCES members (id);
ALTER TABLE task_assignees ADD COLUMN note TEXT;
ALTER TABLE task_assignees ADD COLUMN file_id TEXT;
ALTER TABLE task_assignees ADD COLUMN file_kind TEXT CHECK (file_kind IN ('document', 'photo'));
ALTER TABLE task_assignees ADD COLUMN file_name TEXT;
ALTER TABLE task_assignees ADD COLUMN reason TEXT;

-- A task that was done before parts existed was done by everyone it was assigned to.
UPDATE task_assignees SET status = 'done',
    done_at = (SELECT closed_at FROM tasks WHERE tasks.id = task_assignees.task_id),
    done_by = (SELECT closed_by FROM tasks WHERE tasks.id = task_assignees.task_id)
WHERE task_id IN (SELECT id FROM tasks WHERE status = 'done');

CREATE INDEX task_assignees_open ON task_assignees (member_id, task_id) WHERE status = 'open';
CREATE INDEX tasks_group ON tasks (group_chat_id, due_at) WHERE group_chat_id IS NOT NULL;
CREATE INDEX tasks_created_by ON tasks (created_by, status);

ALTER TABLE tasks ADD COLUMN priority TEXT CHECK (priority IN ('urgent', 'flash'));

-- Repeating tasks: the rule and what each occurrence is made from.
CREATE TABLE task_series (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    rule           TEXT NOT NULL,           -- RFC 5545 RRULE, without DTSTART
    local_time     TEXT NOT NULL,           -- HH:MM deadline in the committee's zone
    title          TEXT NOT NULL,
    tag            TEXT,
    priority       TEXT,
    group_chat_id  INTEGER REFERENCES chats (id),
    member_ids     TEXT NOT NULL DEFAULT '[]',
    created_by     INTEGER REFERENCES members (id),
    created_at     INTEGER NOT NULL,
    planned_until  INTEGER NOT NULL,
    active         INTEGER NOT NULL DEFAULT 1
);

ALTER TABLE tasks ADD COLUMN series_id INTEGER REFERENCES task_series (id);
CREATE UNIQUE INDEX tasks_occurrence ON tasks (series_id, due_at) WHERE series_id IS NOT NULL;

-- A member asks for more time; the task's creator approves or declines. While the bot waits
-- for the new date and the reason, the row is 'asking'.
CREATE TABLE extension_requests (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id      INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    member_id    INTEGER NOT NULL REFERENCES members (id),
    due_at       INTEGER,
    reason       TEXT,
    status       TEXT NOT NULL DEFAULT 'asking'
                 CHECK (status IN ('asking', 'pending', 'approved', 'declined', 'dropped')),
    created_at   INTEGER NOT NULL,
    decided_by   INTEGER REFERENCES members (id),
    decided_at   INTEGER
);

CREATE INDEX extension_requests_asking ON extension_requests (member_id) WHERE status = 'asking';
CREATE INDEX extension_requests_task ON extension_requests (task_id, status);

-- An admin's judgement of an absence: 1 excused (có lý do), 0 not (không lý do), NULL not yet.
ALTER TABLE meeting_attendees ADD COLUMN excused INTEGER CHECK (excused IN (0, 1));
CREATE INDEX meeting_attendees_awaiting ON meeting_attendees (member_id) WHERE awaiting_reason = 1;

-- The member a queued message is about (whose report was handed in, who left a unit).
ALTER TABLE reminders ADD COLUMN subject_id INTEGER REFERENCES members (id);
