-- Indexes for every list filter, so each reply reads one page rather than the table
-- (tests/e2e/test_query_plans.py checks the bot's queries against them). Already served by earlier
-- migrations: /alltasks and /alltasks overdue (tasks_open_due), /tasks and /alltasks @member
-- (task_assignees_open), a unit admin's own tasks (tasks_created_by), rosters
-- (chat_members_roster), the reminder queue (reminders_pending).

-- /alltasks #tag: open tasks of one tag in deadline order (storage/task_lists.py).
CREATE INDEX tasks_open_tag ON tasks (tag COLLATE NOCASE, due_at) WHERE status = 'open';

-- /alltasks in a unit's group, and a unit admin's units (storage/task_lists.py): open tasks of
-- one unit in deadline order.
CREATE INDEX tasks_open_group ON tasks (group_chat_id, due_at) WHERE status = 'open';

-- /meetings in a group: the group's scheduled meetings in start order (storage/meeting_lists.py).
CREATE INDEX meetings_group_starts ON meetings (group_chat_id, starts_at)
    WHERE status = 'scheduled';

-- Start-up: ReminderRepository.recover_in_flight re-queues the rows left in 'sending'.
CREATE INDEX reminders_sending ON reminders (id) WHERE status = 'sending';

-- Start-up and /admins: MemberRepository.admins lists granted admins.
CREATE INDEX members_admins ON members (id) WHERE role = 'admin';

-- /unreachable: members whose private chat failed, and those never started
-- (TaskRepository.unreachable_assignees).
CREATE INDEX members_unreachable ON members (id) WHERE unreachable IS NOT NULL;
CREATE INDEX members_not_started ON members (id) WHERE telegram_id IS NULL OR started_at IS NULL;

-- /meeting N: the tasks that came from the meeting (TaskRepository.for_meeting).
CREATE INDEX tasks_meeting ON tasks (meeting_id, due_at) WHERE meeting_id IS NOT NULL;
