"""Tasks: create, close, cancel, reschedule, snooze — each change and its reminders in one
transaction, then the dispatcher is woken."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

import aiosqlite

from bot.clock import Clock, epoch
from bot.reminders.model import Wakeup
from bot.reminders.planner import notice, plan_deadline, plan_escalation
from bot.settings import Settings
from storage.audit import AuditRepository
from storage.database import Database
from storage.members import Member, MemberRepository
from storage.reminders import NewReminder, ReminderRepository
from storage.tasks import Task, TaskFilter, TaskRepository

SNOOZE = timedelta(hours=1)


@dataclass(frozen=True)
class TaskView:
    task: Task
    assignees: list[Member]

    def is_assignee(self, member: Member) -> bool:
        return any(a.id == member.id for a in self.assignees)


class Change(Enum):
    DONE = "done"
    CANCELLED = "cancelled"
    RESCHEDULED = "rescheduled"
    NOT_FOUND = "not_found"
    NOT_OPEN = "not_open"
    NOT_ALLOWED = "not_allowed"


class TaskService:
    def __init__(self, db: Database, clock: Clock, settings: Settings, wakeup: Wakeup) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.wakeup = wakeup
        self.tasks = TaskRepository(db)
        self.members = MemberRepository(db)
        self.reminders = ReminderRepository(db)
        self.audit = AuditRepository(db)

    async def create(
        self,
        actor: Member,
        *,
        title: str,
        due: datetime,
        usernames: list[str],
        members: list[Member],
        tag: str | None,
        group_chat_id: int | None,
        meeting_id: int | None = None,
    ) -> TaskView:
        """Store a task with its assignees and reminders; unknown usernames are kept as
        placeholders and linked when those people start the bot."""
        now = epoch(self.clock.now())
        async with self.db.transaction() as conn:
            assignees = {m.id: m for m in members}
            for username in usernames:
                placeholder = await self.members.placeholder(conn, username, now)
                assignees.setdefault(placeholder.id, placeholder)
            task_id = await self.tasks.insert(
                conn, title=title, tag=tag, due_at=epoch(due), group_chat_id=group_chat_id,
                created_by=actor.id, now=now, meeting_id=meeting_id,
            )
            await self.tasks.add_assignees(conn, task_id, assignees)
            task = Task(task_id, title, tag, epoch(due), "open", group_chat_id, actor.id, now,
                        None, None, meeting_id)
            await self.reminders.add(conn, self._plan(task, list(assignees), now))
            await self.reminders.add(conn, [
                notice(event_kind="task", event_id=task_id, kind="assigned", event_at=task.due_at,
                       now=now, member_id=member_id)
                for member_id in assignees if member_id != actor.id
            ])
            await self._audit(conn, actor, "task.create", task_id, f"due={task.due_at}")
        await self.wakeup()
        return TaskView(task, sorted(assignees.values(), key=lambda m: m.id))

    def _plan(self, task: Task, member_ids: list[int], now: int) -> list[NewReminder]:
        return plan_deadline(
            event_kind="task", event_id=task.id, event_at=task.due_at, now=now,
            offsets=self.settings.task_reminder_offsets, member_ids=member_ids,
            group_chat_id=task.group_chat_id,
        ) + plan_escalation(
            event_kind="task", event_id=task.id, event_at=task.due_at,
            after=self.settings.escalate_after, member_id=task.created_by,
        )

    async def view(self, task_id: int) -> TaskView | None:
        task = await self.tasks.get(task_id)
        if task is None:
            return None
        assignees = await self.tasks.assignees([task_id])
        return TaskView(task, assignees.get(task_id, []))

    async def views(self, tasks: list[Task]) -> list[TaskView]:
        assignees = await self.tasks.assignees(t.id for t in tasks)
        return [TaskView(t, assignees.get(t.id, [])) for t in tasks]

    async def open_for(self, member: Member) -> list[TaskView]:
        return await self.views(await self.tasks.open_tasks(TaskFilter(member_id=member.id)))

    async def open_matching(self, where: TaskFilter) -> list[TaskView]:
        return await self.views(await self.tasks.open_tasks(where))

    async def complete(self, actor: Member, task_id: int, is_admin: bool) -> Change:
        """Close a task: an assignee or an admin may; the group is told."""
        view = await self.view(task_id)
        if view is None:
            return Change.NOT_FOUND
        if not (is_admin or view.is_assignee(actor)):
            return Change.NOT_ALLOWED
        return await self._close(actor, view.task, "done")

    async def cancel(self, actor: Member, task_id: int) -> Change:
        task = await self.tasks.get(task_id)
        if task is None:
            return Change.NOT_FOUND
        return await self._close(actor, task, "cancelled")

    async def _close(self, actor: Member, task: Task, status: str) -> Change:
        if not task.is_open:
            return Change.NOT_OPEN
        now = epoch(self.clock.now())
        async with self.db.transaction() as conn:
            await self.tasks.set_status(conn, task.id, status, actor.id, now)
            await self.reminders.cancel_pending(conn, "task", task.id)
            if task.group_chat_id is not None:
                await self.reminders.add(conn, [notice(
                    event_kind="task", event_id=task.id, kind=f"notice_{status}",
                    event_at=task.due_at, now=now, chat_id=task.group_chat_id,
                )])
            await self._audit(conn, actor, f"task.{status}", task.id)
        await self.wakeup()
        return Change.DONE if status == "done" else Change.CANCELLED

    async def reschedule(self, actor: Member, task_id: int, due: datetime) -> Change:
        """Move the deadline and re-plan every reminder for it."""
        view = await self.view(task_id)
        if view is None:
            return Change.NOT_FOUND
        if not view.task.is_open:
            return Change.NOT_OPEN
        now = epoch(self.clock.now())
        moved = Task(**{**view.task.__dict__, "due_at": epoch(due)})
        async with self.db.transaction() as conn:
            await self.tasks.set_due(conn, task_id, moved.due_at, now)
            await self.reminders.cancel_pending(conn, "task", task_id)
            await self.reminders.add(conn, self._plan(moved, [m.id for m in view.assignees], now))
            notices = [notice(event_kind="task", event_id=task_id, kind="notice_edited",
                              event_at=moved.due_at, now=now, member_id=m.id)
                       for m in view.assignees if m.id != actor.id]
            if moved.group_chat_id is not None:
                notices.append(notice(event_kind="task", event_id=task_id, kind="notice_edited",
                                      event_at=moved.due_at, now=now,
                                      chat_id=moved.group_chat_id))
            await self.reminders.add(conn, notices)
            await self._audit(conn, actor, "task.edit", task_id, f"due={moved.due_at}")
        await self.wakeup()
        return Change.RESCHEDULED

    async def snooze(
        self, actor: Member, task_id: int, chat_id: int | None, is_admin: bool
    ) -> Change:
        """Remind again in an hour, in the chat where the button was pressed."""
        view = await self.view(task_id)
        if view is None:
            return Change.NOT_FOUND
        if not (is_admin or view.is_assignee(actor)):
            return Change.NOT_ALLOWED
        if not view.task.is_open:
            return Change.NOT_OPEN
        now = epoch(self.clock.now())
        fire_at = now + int(SNOOZE.total_seconds())
        async with self.db.transaction() as conn:
            await self.reminders.add(conn, [NewReminder(
                "task", task_id, "snooze", None if chat_id else actor.id, chat_id,
                view.task.due_at, fire_at,
            )])
            await self._audit(conn, actor, "task.snooze", task_id, f"until={fire_at}")
        await self.wakeup()
        return Change.RESCHEDULED

    async def unreachable(self) -> list[tuple[Member, int | None]]:
        return await self.tasks.unreachable_assignees()

    async def _audit(
        self, conn: aiosqlite.Connection, actor: Member, action: str, task_id: int,
        details: str = "",
    ) -> None:
        await self.audit.record(conn, at=epoch(self.clock.now()), actor_id=actor.telegram_id,
                                action=action, target=f"task:{task_id}", details=details)
