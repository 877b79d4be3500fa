"""The morning digest: one message per member with open tasks — overdue, today, this week."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, time, timedelta

from bot.clock import Clock, epoch
from bot.i18n import _, format_date, ngettext, use_language
from bot.reminders.model import Kind, Notification, RenderContext, Wakeup
from bot.reminders.planner import notice
from bot.settings import Settings
from bot.tasks import render
from bot.tasks.lists import COUNT_CAP
from bot.tasks.model import TaskView
from storage.database import Database
from storage.reminders import Reminder, ReminderRepository
from storage.task_lists import TaskListRepository
from storage.tasks import Task, TaskFilter, TaskRepository

CATCH_UP_WINDOW = timedelta(hours=4)
# Tasks listed per section, so that the digest always fits in one message.
SECTION_LIMIT = 10


def digest_day(moment: datetime, settings: Settings) -> int:
    """The digest's event id: the local date as yyyymmdd, so each day's is planned once."""
    local = moment.astimezone(settings.zone).date()
    return local.year * 10000 + local.month * 100 + local.day


class DigestService:
    def __init__(self, db: Database, clock: Clock, settings: Settings, wakeup: Wakeup) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.wakeup = wakeup
        self.tasks = TaskRepository(db)
        self.reminders = ReminderRepository(db)

    async def plan_today(self) -> None:
        """Queue today's digest for every member with open tasks (idempotent)."""
        now = self.clock.now()
        day = digest_day(now, self.settings)
        fire_at = epoch(self.scheduled_today(now))
        members = await self.tasks.members_with_open_tasks()
        async with self.db.transaction() as conn:
            await self.reminders.add(conn, [
                notice(event_kind="digest", event_id=day, kind=Kind.DIGEST, event_at=fire_at,
                       now=fire_at, member_id=member_id)
                for member_id in members
            ])
        await self.wakeup()

    async def catch_up(self) -> None:
        """At start, within a few hours after the digest time, make sure today's exists.

        A morning digest is sent late if the bot was down at its time, but not in the evening.
        """
        now = self.clock.now()
        scheduled = self.scheduled_today(now)
        if scheduled <= now < scheduled + CATCH_UP_WINDOW:
            await self.plan_today()

    def scheduled_today(self, now: datetime) -> datetime:
        local = now.astimezone(self.settings.zone)
        return datetime.combine(local.date(), self.settings.digest_time, self.settings.zone)


class DigestRenderer:
    def __init__(self, tasks: TaskRepository, settings: Settings) -> None:
        self.tasks = tasks
        self.lists = TaskListRepository(tasks.db)
        self.settings = settings

    async def render(
        self, reminders: Sequence[Reminder], context: RenderContext
    ) -> dict[int, Notification | None]:
        notes: dict[int, Notification | None] = {}
        for reminder in reminders:
            member = context.recipient(reminder)
            if member is None or context.now - reminder.fire_at > CATCH_UP_WINDOW.total_seconds():
                notes[reminder.id] = None  # a morning digest is no use in the evening
                continue
            with use_language(member.language):
                notes[reminder.id] = await self._digest(member.id, context.now)
        return notes

    async def _digest(self, member_id: int, now: int) -> Notification | None:
        zone = self.settings.zone
        local = datetime.fromtimestamp(now, zone)
        end_of_today = epoch(datetime.combine(local.date() + timedelta(days=1), time(), zone))
        sunday = local.date() + timedelta(days=7 - local.weekday())
        end_of_week = epoch(datetime.combine(sunday, time(), zone))
        mine = TaskFilter(member_id=member_id)
        sections = []
        for heading, start, end in (
            (_("<b>Overdue</b>"), None, now + 1),
            (_("<b>Due today</b>"), now + 1, end_of_today),
            (_("<b>Due this week</b>"), end_of_today, end_of_week),
        ):
            where = replace(mine, due_from=start, overdue_before=end)
            sections.append((heading, await self.lists.first(where, SECTION_LIMIT), where))
        later = await self.lists.count(replace(mine, due_from=end_of_week), COUNT_CAP)
        created = await self.tasks.created_open(member_id, SECTION_LIMIT + 1)
        if not later and not created and not any(items for _h, items, _w in sections):
            return None
        lines = [_("☀️ Your tasks for {date}").format(
            date=format_date(datetime.fromtimestamp(now, zone), zone))]
        for heading, items, where in sections:
            if items:
                lines.append("")
                lines.append(heading)
                lines += [f"• {render.title(t)} — {render.deadline(t, now, zone)}"
                          for t in items]
                more = await self.lists.count(where, COUNT_CAP) - len(items)
                if more > 0:
                    lines.append(_("…and {count} more").format(count=more))
        if later:
            lines.append("")
            lines.append(ngettext(
                "Later: {count} more open task — send /tasks to see all.",
                "Later: {count} more open tasks — send /tasks to see all.",
                later,
            ).format(count=later))
        lines += await self._progress(created, now)
        return Notification("\n".join(lines))

    async def _progress(self, created: list[Task], now: int) -> list[str]:
        """How the tasks the member assigned are going: "3/12 done" each, soonest first."""
        if not created:
            return []
        parts = await self.tasks.parts(t.id for t in created[:SECTION_LIMIT])
        lines = ["", _("<b>Tasks you assigned</b>")]
        for task in created[:SECTION_LIMIT]:
            view = TaskView(task, parts.get(task.id, []))
            lines.append(f"• {render.title(task)} — {render.progress(view)} · "
                         f"{render.deadline(task, now, self.settings.zone)}")
        if len(created) > SECTION_LIMIT:
            lines.append(_("…and more: send /alltasks to see all."))
        return lines
