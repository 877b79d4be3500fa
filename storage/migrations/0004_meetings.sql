-- Meetings: one-off or recurring (a series materialised into occurrences), attendees with
-- their answers, who the bot has seen in which group, and tasks that came from a meeting.

CREATE TABLE chat_members (
    chat_id    INTEGER NOT NULL REFERENCES chats (id),
    member_id  INTEGER NOT NULL REFERENCES members (id),
    last_seen  INTEGER NOT NULL,
    PRIMARY KEY (chat_id, member_id)
);

CREATE TABLE meeting_series (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    rule           TEXT NOT NULL,           -- RFC 5545 RRULE, without DTSTART
    local_time     TEXT NOT NULL,           -- HH:MM in the committee's zone
    title          TEXT NOT NULL,
    place          TEXT NOT NULL DEFAULT '',
    agenda         TEXT NOT NULL DEFAULT '',
    group_chat_id  INTEGER REFERENCES chats (id),
    member_ids     TEXT NOT NULL DEFAULT '[]',  -- named attendees (JSON), besides the group
    created_by     INTEGER REFERENCES members (id),
    created_at     INTEGER NOT NULL,
    planned_until  INTEGER NOT NULL,        -- occurrences exist up to this moment
    active         INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE meetings (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    series_id      INTEGER REFERENCES meeting_series (id),
    title          TEXT NOT NULL,
    place          TEXT NOT NULL DEFAULT '',
    agenda         TEXT NOT NULL DEFAULT '',
    starts_at      INTEGER NOT NULL,
    moved_from     INTEGER,                 -- the rule's date, when a holiday moved it
    status         TEXT NOT NULL DEFAULT 'scheduled'
                   CHECK (status IN ('scheduled', 'cancelled')),
    group_chat_id  INTEGER REFERENCES chats (id),
    created_by     INTEGER REFERENCES members (id),
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    minutes        TEXT,
    minutes_by     INTEGER REFERENCES members (id),
    minutes_at     INTEGER
);

CREATE INDEX meetings_starts ON meetings (starts_at) WHERE status = 'scheduled';
CREATE UNIQUE INDEX meetings_occurrence ON meetings (series_id, COALESCE(moved_from, starts_at))
    WHERE series_id IS NOT NULL;

CREATE TABLE meeting_attendees (
    meeting_id      INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    member_id       INTEGER NOT NULL REFERENCES members (id),
    response        TEXT CHECK (response IN ('attend', 'absent')),
    reason          TEXT,
    responded_at    INTEGER,
    awaiting_reason INTEGER NOT NULL DEFAULT 0,  -- the bot asked why; next message answers
    PRIMARY KEY (meeting_id, member_id)
);

CREATE INDEX meeting_attendees_member ON meeting_attendees (member_id);

ALTER TABLE tasks ADD COLUMN meeting_id INTEGER REFERENCES meetings (id);
