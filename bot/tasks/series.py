"""Repeating tasks: ``hằng tháng ngày 25 17:00`` or ``every friday 16:00`` in place of the
deadline. Each occurrence is a task of its own, created a month ahead with the same rule
forms and holiday handling as meetings, so reminders and parts work as for any task."""

from __future__ import annotations

from datetime import time, timedelta

from bot.access import Scope
from bot.clock import epoch, from_epoch
from bot.meetings.recurrence import PER_PLAN, Recurrence, occurrences
from bot.tasks.model import Outcome, Result
from bot.tasks.service import TaskRequest, TaskService
from storage.members import Member, MemberRepository
from storage.task_series import TaskSeries, TaskSeriesRepository
from storage.tasks import TaskRepository
from storage.units import UnitRepository

# Occurrences exist this far ahead, so the earliest reminders (days before) can be planned.
HORIZON = timedelta(days=31)


class TaskSeriesService:
    def __init__(self, tasks: TaskService) -> None:
        self.tasks = tasks
        self.work = tasks.work
        self.clock = tasks.clock
        self.settings = tasks.settings
        self.series = TaskSeriesRepository(tasks.db)
        self.members = MemberRepository(tasks.db)
        self.task_rows = TaskRepository(tasks.db)
        self.units = UnitRepository(tasks.db)

    async def create(self, actor: Member, scope: Scope, template: TaskRequest,
                     recurrence: Recurrence) -> Result:
        """Store the rule, then the occurrences within the horizon; the first is returned."""
        if not scope.is_admin or (template.unit_id is not None
                                  and not scope.manages(template.unit_id)):
            return Result(Outcome.NOT_ALLOWED)
        if not (template.usernames or template.members) and template.unit_id is None:
            return Result(Outcome.NEED_ASSIGNEE)
        strangers = await self.tasks.outside_scope(scope, template.usernames, template.members)
        if strangers:
            return Result(Outcome.NOT_IN_UNITS, names=strangers)
        if not (template.usernames or template.members) and not await self.units.roster_ids(
                None, template.unit_id):
            return Result(Outcome.EMPTY_ROSTER)
        async with self.work.change(actor, "task.series", "task-series:new") as change:
            named = [m.id for m in template.members]
            for username in template.usernames:
                member = await self.members.placeholder(change.conn, username, change.now)
                named.append(member.id)
            series_id = await self.series.insert(
                change.conn, rule=recurrence.rule,
                local_time=recurrence.local_time.strftime("%H:%M"), title=template.title,
                tag=template.tag, priority=template.priority, group_chat_id=template.unit_id,
                member_ids=list(dict.fromkeys(named)), created_by=actor.id, now=change.now)
            change.target = f"task-series:{series_id}"
            change.details = recurrence.rule
        series = await self.series.get(series_id)
        assert series is not None
        results = await self._extend(series)
        if not results:
            return Result(Outcome.SERIES_STORED)  # its first deadline is beyond the horizon
        created = next((r for r in results if r.outcome is Outcome.CREATED), None)
        if created is None:  # no occurrence could be made: keep no rule that makes none
            async with self.work.change(actor, "task.series.stop",
                                        f"task-series:{series_id}") as change:
                await self.series.stop(change.conn, series_id)
            return results[0]
        return created

    async def extend(self) -> None:
        """Create every active series' occurrences up to the horizon (idempotent)."""
        for series in await self.series.active():
            await self._extend(series)

    async def _extend(self, series: TaskSeries) -> list[Result]:
        now = self.clock.now()
        until = now + HORIZON
        creator = (await self.members.by_ids([series.created_by or 0])).get(
            series.created_by or 0)
        if creator is None:
            return []
        recurrence = Recurrence(series.rule, time.fromisoformat(series.local_time))
        after = max(now, from_epoch(series.planned_until))
        results = []
        found = occurrences(recurrence, from_epoch(series.created_at), after, until,
                            self.settings.zone)
        # A series cut short by PER_PLAN resumes after its last planned occurrence.
        planned = found[-1].by_rule if len(found) == PER_PLAN else until
        for occurrence in found:
            results.append(await self.tasks.insert(creator, TaskRequest(
                title=series.title, due=occurrence.starts_at, member_ids=tuple(series.member_ids),
                tag=series.tag, unit_id=series.group_chat_id, priority=series.priority,
                series_id=series.id)))
        async with self.work.change(creator, "task.series.planned",
                                    f"task-series:{series.id}") as change:
            await self.series.planned(change.conn, series.id, epoch(planned))
        return results

    async def stop(self, actor: Member, scope: Scope, task_id: int) -> Result:
        """End the repeating task this occurrence belongs to: no more occurrences, and those
        not yet due are cancelled (their assignees are told)."""
        view = await self.tasks.view(task_id)
        if view is None:
            return Result(Outcome.NOT_FOUND)
        if view.task.series_id is None:
            return Result(Outcome.NOT_REPEATING, view)
        if not self.tasks.manages(scope, view.task):
            return Result(Outcome.NOT_ALLOWED)
        async with self.work.change(actor, "task.series.stop",
                                    f"task-series:{view.task.series_id}") as change:
            await self.series.stop(change.conn, view.task.series_id)
        ahead = await self.task_rows.open_of_series(view.task.series_id, epoch(self.clock.now()))
        for task in ahead:
            await self.tasks.cancel(actor, scope, task.id)
        return Result(Outcome.SERIES_STOPPED, view, count=len(ahead))
