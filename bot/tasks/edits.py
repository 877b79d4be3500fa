"""Changing a task: title, deadline, assignees (+@x, -@x) or unit, with the reminders
re-planned and everyone concerned told, in one unit of work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.access import Scope
from bot.clock import epoch
from bot.reminders.model import Kind
from bot.tasks.model import Outcome, Result
from bot.tasks.service import SCHEDULE_KINDS, Abort, TaskService
from bot.work import Change
from storage.members import Member
from storage.tasks import Task


@dataclass(frozen=True)
class TaskEdit:
    title: str | None = None
    due: datetime | None = None
    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    unit_id: int | None = None  # move the task to this unit


class TaskEditor:
    def __init__(self, tasks: TaskService) -> None:
        self.tasks = tasks
        self.work = tasks.work
        self.rows = tasks.tasks
        self.members = tasks.members
        self.reminders = tasks.reminders

    async def edit(self, actor: Member, scope: Scope, task_id: int, edit: TaskEdit) -> Result:
        """Change title, deadline, assignees or unit; reminders are re-planned and everyone
        concerned is told, in the same transaction."""
        view = await self.tasks.open_view(task_id)
        if isinstance(view, Result):
            return view
        if not self.tasks.manages(scope, view.task) or (
                edit.unit_id is not None and not scope.manages(edit.unit_id)):
            return Result(Outcome.NOT_ALLOWED)
        strangers = await self.tasks.outside_scope(scope, edit.add)
        if strangers:
            return Result(Outcome.NOT_IN_UNITS, view, names=strangers)
        try:
            await self._apply_edit(actor, view.task, edit)
        except Abort as abort:
            return Result(abort.outcome, view)
        return Result(Outcome.EDITED, await self.tasks.view(task_id))

    async def _apply_edit(self, actor: Member, old: Task, edit: TaskEdit) -> None:
        async with self.work.change(actor, "task.edit", f"task:{old.id}") as change:
            task = Task(**{**old.__dict__,
                           "title": edit.title or old.title,
                           "due_at": epoch(edit.due) if edit.due else old.due_at,
                           "group_chat_id": edit.unit_id or old.group_chat_id})
            await self.rows.update(change.conn, task.id, title=task.title, due_at=task.due_at,
                                   group_chat_id=task.group_chat_id, now=change.now)
            removed = await self._remove(change, task, edit.remove)
            added = await self._add(change, task, edit.add)
            open_ids = await self.rows.open_part_ids(change.conn, task.id)
            if not open_ids:
                raise Abort(Outcome.NEED_ASSIGNEE)
            # The schedule is planned anew; notices not yet sent (a new task, a report) stay.
            await self.reminders.cancel_pending(change.conn, "task", task.id,
                                                kinds=SCHEDULE_KINDS)
            change.plan(self.tasks.plan(task, open_ids, change.now))
            kept = [m for m in open_ids if m not in added and m != actor.id]
            change.plan(self.tasks.notices(task, Kind.NOTICE_EDITED, kept, change.now, group=True))
            newcomers = [m for m in added if m != actor.id]
            change.plan(self.tasks.notices(task, Kind.ASSIGNED, newcomers, change.now,
                                           group=False))
            gone = [m for m in removed if m != actor.id]
            change.plan(self.tasks.notices(task, Kind.NOTICE_UNASSIGNED, gone, change.now,
                                           group=False))
            change.details = f"due={task.due_at} added={len(added)} removed={len(removed)}"

    async def _remove(self, change: Change, task: Task, usernames: tuple[str, ...]) -> list[int]:
        removed = []
        for username in usernames:
            member = await self.members.by_username(username)
            if member is not None and await self.rows.remove_assignee(change.conn, task.id,
                                                                      member.id):
                removed.append(member.id)
        return removed

    async def _add(self, change: Change, task: Task, usernames: tuple[str, ...]) -> list[int]:
        added = []
        for username in usernames:
            member = await self.members.placeholder(change.conn, username, change.now)
            if await self.rows.part(change.conn, task.id, member.id) is None:
                await self.rows.add_assignees(change.conn, task.id, [member.id])
                added.append(member.id)
        return added
