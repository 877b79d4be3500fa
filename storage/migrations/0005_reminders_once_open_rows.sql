-- A cancelled reminder must not block re-planning the same moment: an edit cancels the pending
-- rows and plans again, often at the same fire times (a meeting's place changed, a deadline
-- moved and moved back). Only live rows are kept unique.

DROP INDEX reminders_once;

CREATE UNIQUE INDEX reminders_once ON reminders (
    event_kind, event_id, kind, COALESCE(member_id, 0), COALESCE(chat_id, 0), fire_at
) WHERE kind IN ('before', 'due', 'escalation', 'digest') AND status != 'cancelled';
