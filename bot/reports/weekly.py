"""Scheduled summaries: each week a unit's group gets its figures without names and its
admins the same with names; on the first day of each month the organisation's admins get the
month just ended as a /report. Planned once per week (or month) through the reminder queue,
so a restart neither loses nor repeats one."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.clock import Clock, epoch, from_epoch
from bot.i18n import _, format_date, use_language
from bot.members import MemberService
from bot.reminders.model import Kind, Notification, RenderContext, Wakeup
from bot.settings import Settings
from storage.database import Database
from storage.reminders import NewReminder, Reminder, ReminderRepository
from storage.summaries import SummaryRepository, WeekPart
from storage.units import UnitRepository

WEEKLY, MONTHLY = "weekly", "monthly"  # event kinds (their reminders: Kind.WEEKLY, MONTHLY)
CATCH_UP = timedelta(hours=12)  # a summary missed while the bot was down, sent this late
WEEK = timedelta(days=7)
NAMES_SHOWN = 10  # per section of an admin's summary


class SummaryService:
    def __init__(self, db: Database, clock: Clock, settings: Settings, wakeup: Wakeup,
                 members: MemberService) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.wakeup = wakeup
        self.members = members
        self.units = UnitRepository(db)
        self.summaries = SummaryRepository(db)
        self.reminders = ReminderRepository(db)

    def moments(self, now: datetime) -> tuple[datetime, datetime] | None:
        """This week's summary time and this month's report time, in the zone."""
        schedule = self.settings.weekly_summary
        if schedule is None:
            return None
        today = now.astimezone(self.settings.zone).date()
        weekday = today - timedelta(days=today.weekday() - schedule.weekday)
        week = datetime.combine(weekday, schedule.at, self.settings.zone)
        first = datetime.combine(today.replace(day=1), schedule.at, self.settings.zone)
        return week, first

    async def plan(self) -> None:
        """Queue this week's summaries and this month's report unless they are past catching
        up; planning twice adds nothing (the queue keeps one row per recipient and moment)."""
        now = self.clock.now()
        moments = self.moments(now)
        if moments is None:
            return
        rows: list[NewReminder] = []
        week, first = moments
        if week > now - CATCH_UP:
            rows += await self._weekly(epoch(week))
        if first > now - CATCH_UP:
            previous = first.date() - timedelta(days=1)
            for admin in await self.members.known_admins():
                month = previous.year * 100 + previous.month
                rows.append(NewReminder(MONTHLY, month, Kind.MONTHLY, admin.id, None,
                                        epoch(first), epoch(first)))
        async with self.db.transaction() as conn:
            await self.reminders.add(conn, rows)
        if rows:
            await self.wakeup()

    async def _weekly(self, fire_at: int) -> list[NewReminder]:
        rows = []
        for unit in await self.units.all():
            rows.append(NewReminder(WEEKLY, unit.id, Kind.WEEKLY, None, unit.id, fire_at, fire_at))
            rows += [NewReminder(WEEKLY, unit.id, Kind.WEEKLY, admin, None, fire_at, fire_at)
                     for admin in await self.summaries.unit_admins(unit.id)]
        return rows


class WeeklyRenderer:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.units = UnitRepository(db)
        self.summaries = SummaryRepository(db)
        self.settings = settings

    async def render(self, reminders: Sequence[Reminder], context: RenderContext
                     ) -> dict[int, Notification | None]:
        notes: dict[int, Notification | None] = {}
        for reminder in reminders:
            unit = await self.units.get(reminder.event_id)
            if unit is None or context.now - reminder.fire_at > CATCH_UP.total_seconds():
                notes[reminder.id] = None
                continue
            with use_language(context.language(reminder)):
                notes[reminder.id] = await self._summary(
                    reminder, unit.name, named=reminder.chat_id is None, now=context.now)
        return notes

    async def _summary(self, reminder: Reminder, unit: str, *, named: bool,
                       now: int) -> Notification:
        start = reminder.event_at
        span = (start - int(WEEK.total_seconds()), start, start + int(WEEK.total_seconds()),
                now)
        counts = await self.summaries.counts(reminder.event_id, *span)
        week_of = format_date(from_epoch(start), self.settings.zone)
        lines = [_("📅 <b>Weekly summary: {unit}</b> (week of {date})").format(
                    unit=html.escape(unit), date=week_of),
                 _("✅ Done last week: {count}").format(count=counts.done),
                 _("📌 Due this week: {count}").format(count=counts.due),
                 _("⚠️ Overdue: {count}").format(count=counts.overdue)]
        if named:
            parts = await self.summaries.parts(reminder.event_id, *span)
            lines += self._names(parts, now)
        return Notification("\n".join(lines))

    def _names(self, parts: list[WeekPart], now: int) -> list[str]:
        sections = (
            (_("<b>Done last week</b>"), [p for p in parts if p.status == "done"]),
            (_("<b>Due this week</b>"), [p for p in parts if p.status == "open"
                                         and p.due_at >= now]),
            (_("<b>Overdue</b>"), [p for p in parts if p.status == "open" and p.due_at < now]),
        )
        lines = []
        for heading, items in sections:
            if items:
                lines += ["", heading]
                lines += [f"• #{p.task_id} {html.escape(p.title)} — {html.escape(p.name)}"
                          for p in items[:NAMES_SHOWN]]
                if len(items) > NAMES_SHOWN:
                    lines.append(_("…and {count} more").format(count=len(items) - NAMES_SHOWN))
        return lines

