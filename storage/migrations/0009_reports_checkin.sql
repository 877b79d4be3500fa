-- Reports and check-in: who was present at a meeting (checked in themselves, or marked by an
-- admin), indexes for reading a period's tasks and meetings in keyset pages, and the weekly
-- and monthly summaries planned once each, like the digest.

ALTER TABLE meeting_attendees ADD COLUMN checked_in_at INTEGER;
ALTER TABLE meeting_attendees ADD COLUMN checked_in_by INTEGER REFERENCES members (id);

CREATE INDEX tasks_period ON tasks (due_at, id);
CREATE INDEX tasks_tag_period ON tasks (tag COLLATE NOCASE, due_at, id) WHERE tag IS NOT NULL;
CREATE INDEX meetings_period ON meetings (starts_at, id);

DROP INDEX reminders_once;
CREATE UNIQUE INDEX reminders_once ON reminders (
    event_kind, event_id, kind, COALESCE(member_id, 0), COALESCE(chat_id, 0), fire_at
) WHERE kind IN ('before', 'due', 'escalation', 'digest', 'weekly', 'monthly')
    AND status != 'cancelled';
