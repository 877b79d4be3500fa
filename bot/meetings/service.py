"""Meetings: schedule (once or by a rule), edit, cancel, RSVP, minutes, attendance.

Every change and the reminders it implies are written in one transaction, through the same
reminders table and dispatcher as tasks.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import aiosqlite

from bot.clock import Clock, epoch, from_epoch
from bot.meetings.model import MeetingView, Outcome, checkin_reminders
from bot.meetings.recurrence import Recurrence, occurrences
from bot.reminders.model import Wakeup
from bot.reminders.planner import notice, plan_deadline
from bot.settings import Settings
from storage.audit import AuditRepository
from storage.database import Database
from storage.meetings import Meeting, MeetingRepository, NewMeeting
from storage.members import Member
from storage.reminders import NewReminder, ReminderRepository
from storage.tasks import Task, TaskRepository
from storage.units import UnitRepository

# Occurrences of a series exist this far ahead; a daily job extends them.
HORIZON = timedelta(days=62)
# A series' occurrence is announced this long before it, not all at once when planned.
ANNOUNCE_AHEAD = timedelta(days=7)


class MeetingService:
    def __init__(self, db: Database, clock: Clock, settings: Settings, wakeup: Wakeup) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.wakeup = wakeup
        self.meetings = MeetingRepository(db)
        self.reminders = ReminderRepository(db)
        self.tasks = TaskRepository(db)
        self.units = UnitRepository(db)
        self.audit = AuditRepository(db)

    def _now(self) -> int:
        return epoch(self.clock.now())

    async def attendee_ids(self, group_chat_id: int | None, member_ids: list[int]) -> list[int]:
        """Named members, plus everyone on the unit's roster."""
        found = set(member_ids)
        if group_chat_id is not None:
            found |= set(await self.units.roster_ids(None, group_chat_id))
        return sorted(found)

    async def create(
        self, actor: Member, *, title: str, place: str, agenda: str, starts_at: datetime,
        group_chat_id: int | None, member_ids: list[int],
    ) -> MeetingView:
        now = self._now()
        attendees = await self.attendee_ids(group_chat_id, member_ids)
        async with self.db.transaction() as conn:
            meeting_id = await self._add(conn, NewMeeting(
                title, place, agenda, epoch(starts_at), None, group_chat_id, actor.id), attendees,
                now)
            assert meeting_id is not None
            await self._audit(conn, actor, "meeting.create", meeting_id)
        await self.wakeup()
        view = await self.view(meeting_id)
        assert view is not None
        return view

    async def create_series(
        self, actor: Member, recurrence: Recurrence, *, title: str, place: str, agenda: str,
        group_chat_id: int | None, member_ids: list[int],
    ) -> list[MeetingView]:
        """Store the rule and its occurrences within the horizon."""
        now = self._now()
        async with self.db.transaction() as conn:
            series_id = await self.meetings.insert_series(
                conn, rule=recurrence.rule, local_time=recurrence.local_time.strftime("%H:%M"),
                title=title, place=place, agenda=agenda, group_chat_id=group_chat_id,
                member_ids=member_ids, created_by=actor.id, now=now,
            )
            await self._audit(conn, actor, "meeting.series", series_id, recurrence.rule)
        await self.extend_series()
        return await self._views(await self.meetings.of_series(series_id, now, limit=100))

    async def extend_series(self) -> None:
        """Materialise every active series' occurrences up to the horizon (idempotent)."""
        now = self.clock.now()
        until = now + HORIZON
        for series in await self.meetings.active_series():
            recurrence = Recurrence(series.rule, time.fromisoformat(series.local_time))
            after = max(now, from_epoch(series.planned_until))
            found = occurrences(recurrence, from_epoch(series.created_at), after, until,
                                self.settings.zone)
            attendees = await self.attendee_ids(series.group_chat_id, series.member_ids)
            async with self.db.transaction() as conn:
                for occurrence in found:
                    moved = occurrence.moved_from
                    await self._add(conn, NewMeeting(
                        series.title, series.place, series.agenda, epoch(occurrence.starts_at),
                        epoch(moved) if moved else None, series.group_chat_id,
                        series.created_by, series.id), attendees, epoch(now))
                await self.meetings.series_planned(conn, series.id, epoch(until))
        await self.wakeup()

    async def _add(
        self, conn: aiosqlite.Connection, new: NewMeeting, attendees: list[int], now: int
    ) -> int | None:
        meeting_id = await self.meetings.insert(conn, new, now)
        if meeting_id is None:
            return None
        await self.meetings.add_attendees(conn, meeting_id, attendees)
        await self.reminders.add(conn, self._plan(meeting_id, new.starts_at, new.group_chat_id,
                                                  attendees, now))
        announce_at = now if new.series_id is None else max(
            now, new.starts_at - int(ANNOUNCE_AHEAD.total_seconds()))
        await self.reminders.add(conn, self._notices(meeting_id, new.starts_at,
                                                     new.group_chat_id, attendees, "announce",
                                                     announce_at))
        return meeting_id

    def _plan(self, meeting_id: int, starts_at: int, group_chat_id: int | None,
              attendees: list[int], now: int) -> list[NewReminder]:
        return plan_deadline(
            event_kind="meeting", event_id=meeting_id, event_at=starts_at, now=now,
            offsets=self.settings.meeting_reminder_offsets, member_ids=attendees,
            group_chat_id=group_chat_id, with_due_notice=False,
        ) + checkin_reminders(meeting_id, starts_at, attendees, now)

    @staticmethod
    def _notices(meeting_id: int, starts_at: int, group_chat_id: int | None,
                 attendees: list[int], kind: str, now: int) -> list[NewReminder]:
        rows = [notice(event_kind="meeting", event_id=meeting_id, kind=kind, event_at=starts_at,
                       now=now, member_id=member_id) for member_id in attendees]
        if group_chat_id is not None:
            rows.append(notice(event_kind="meeting", event_id=meeting_id, kind=kind,
                               event_at=starts_at, now=now, chat_id=group_chat_id))
        return rows

    async def view(self, meeting_id: int) -> MeetingView | None:
        meeting = await self.meetings.get(meeting_id)
        if meeting is None:
            return None
        return (await self._views([meeting]))[0]

    async def _views(self, meetings: list[Meeting]) -> list[MeetingView]:
        attendees = await self.meetings.attendees(m.id for m in meetings)
        return [MeetingView(m, attendees.get(m.id, [])) for m in meetings]

    async def upcoming(self, member: Member | None, group_chat_id: int | None,
                       limit: int = 10) -> list[MeetingView]:
        meetings = await self.meetings.upcoming(
            self._now(), member_id=member.id if member else None, group_chat_id=group_chat_id,
            limit=limit)
        return await self._views(meetings)

    async def tasks_of(self, meeting_id: int) -> list[Task]:
        return await self.tasks.for_meeting(meeting_id)

    async def edit(self, actor: Member, meeting_id: int, *, starts_at: datetime | None,
                   place: str | None, title: str | None) -> Outcome:
        """Change time, place or title; attendees are told and reminders re-planned."""
        view = await self.view(meeting_id)
        if view is None:
            return Outcome.NOT_FOUND
        meeting = view.meeting
        if not meeting.is_scheduled:
            return Outcome.CLOSED
        now = self._now()
        start = epoch(starts_at) if starts_at else meeting.starts_at
        attendees = [a.member.id for a in view.attendees]
        async with self.db.transaction() as conn:
            await self.meetings.update(conn, meeting_id, starts_at=start,
                                       place=meeting.place if place is None else place,
                                       title=title or meeting.title, now=now)
            await self.reminders.cancel_pending(conn, "meeting", meeting_id)
            await self.reminders.add(conn, self._plan(meeting_id, start, meeting.group_chat_id,
                                                      attendees, now))
            await self.reminders.add(conn, self._notices(meeting_id, start,
                                                         meeting.group_chat_id, attendees,
                                                         "notice_edited", now))
            await self._audit(conn, actor, "meeting.edit", meeting_id)
        await self.wakeup()
        return Outcome.DONE

    async def cancel(self, actor: Member, meeting_id: int) -> Outcome:
        view = await self.view(meeting_id)
        if view is None:
            return Outcome.NOT_FOUND
        if not view.meeting.is_scheduled:
            return Outcome.CLOSED
        now = self._now()
        async with self.db.transaction() as conn:
            await self.meetings.cancel(conn, meeting_id, now)
            await self.reminders.cancel_pending(conn, "meeting", meeting_id)
            await self.reminders.add(conn, self._notices(
                meeting_id, view.meeting.starts_at, view.meeting.group_chat_id,
                [a.member.id for a in view.attendees], "notice_cancelled", now))
            await self._audit(conn, actor, "meeting.cancel", meeting_id)
        await self.wakeup()
        return Outcome.DONE

    async def stop_series(self, actor: Member, meeting_id: int) -> Outcome:
        """End the repeating meeting this occurrence belongs to; its attendees are told once."""
        view = await self.view(meeting_id)
        if view is None:
            return Outcome.NOT_FOUND
        if view.meeting.series_id is None:
            return Outcome.NOT_REPEATING
        now = self._now()
        meeting = view.meeting
        async with self.db.transaction() as conn:
            cancelled = await self.meetings.stop_series(conn, meeting.series_id, now)
            for occurrence in cancelled:
                await self.reminders.cancel_pending(conn, "meeting", occurrence)
            await self.reminders.add(conn, self._notices(
                meeting_id, meeting.starts_at, meeting.group_chat_id,
                [a.member.id for a in view.attendees], "notice_series_stopped", now))
            await self._audit(conn, actor, "meeting.series.stop", meeting_id,
                              f"series={meeting.series_id} cancelled={len(cancelled)}")
        await self.wakeup()
        return Outcome.DONE

    async def respond(self, member: Member, meeting_id: int, response: str,
                      chat_id: int | None = None) -> Outcome:
        """Record "attend" or "absent"; an absence asks for a reason next.

        Someone who answers from the unit's own group is one of its members even if the bot
        had never seen them: they join the roster and the list of attendees.
        """
        view = await self.view(meeting_id)
        if view is None:
            return Outcome.NOT_FOUND
        meeting = view.meeting
        from_its_group = chat_id is not None and chat_id == meeting.group_chat_id
        if not view.invites(member) and not from_its_group:
            return Outcome.NOT_INVITED
        if not meeting.is_scheduled or meeting.starts_at <= self._now():
            return Outcome.CLOSED
        absent = response == "absent"
        now = self._now()
        async with self.db.transaction() as conn:
            if not view.invites(member):
                assert meeting.group_chat_id is not None
                await self.units.join(conn, meeting.group_chat_id, member.id, "rsvp", now)
                await self.meetings.add_attendees(conn, meeting_id, [member.id])
            await self.meetings.respond(conn, meeting_id, member.id, response, now,
                                        awaiting_reason=absent)
        return Outcome.ASK_REASON if absent else Outcome.DONE

    async def judge_absence(self, actor: Member, meeting_id: int, member_id: int,
                            excused: bool) -> Outcome:
        """An admin marks an absence as excused (có lý do) or not (không lý do)."""
        view = await self.view(meeting_id)
        if view is None:
            return Outcome.NOT_FOUND
        if not any(a.member.id == member_id and a.response == "absent" for a in view.attendees):
            return Outcome.NOT_INVITED
        async with self.db.transaction() as conn:
            await self.meetings.judge(conn, meeting_id, member_id, excused)
            await self._audit(conn, actor, "meeting.absence", meeting_id,
                              f"member:{member_id} excused={int(excused)}")
        return Outcome.DONE

    async def awaiting_reason(self, member: Member) -> int | None:
        return await self.meetings.awaiting_reason(member.id)

    async def give_reason(self, member: Member, meeting_id: int, reason: str | None) -> None:
        async with self.db.transaction() as conn:
            await self.meetings.give_reason(conn, meeting_id, member.id, reason)

    async def nudge(self, actor: Member, meeting_id: int) -> int:
        """Remind only those who have not answered; return how many."""
        view = await self.view(meeting_id)
        if view is None or not view.meeting.is_scheduled:
            return 0
        silent = [a.member.id for a in view.answered(None)]
        now = self._now()
        async with self.db.transaction() as conn:
            await self.reminders.add(conn, [
                notice(event_kind="meeting", event_id=meeting_id, kind="nudge",
                       event_at=view.meeting.starts_at, now=now, member_id=member_id)
                for member_id in silent])
            await self._audit(conn, actor, "meeting.nudge", meeting_id, f"count={len(silent)}")
        await self.wakeup()
        return len(silent)

    async def set_minutes(self, actor: Member, meeting_id: int, text: str) -> Outcome:
        if await self.meetings.get(meeting_id) is None:
            return Outcome.NOT_FOUND
        now = self._now()
        async with self.db.transaction() as conn:
            await self.meetings.set_minutes(conn, meeting_id, text, actor.id, now)
            await self._audit(conn, actor, "meeting.minutes", meeting_id)
        return Outcome.DONE

    async def recent(self, group_chat_id: int | None, limit: int = 5) -> list[MeetingView]:
        return await self._views(await self.meetings.past(self._now(),
                                                          group_chat_id=group_chat_id,
                                                          limit=limit))

    async def member_rates(self, meetings: list[MeetingView]) -> list[tuple[Member, int, int]]:
        return await self.meetings.rates_by_member([v.meeting.id for v in meetings])

    async def _audit(self, conn: aiosqlite.Connection, actor: Member, action: str,
                     target: int, details: str = "") -> None:
        await self.audit.record(conn, at=self._now(), actor_id=actor.telegram_id, action=action,
                                target=f"meeting:{target}", details=details)
