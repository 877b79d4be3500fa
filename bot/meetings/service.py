"""Meetings: schedule (once or by a rule), edit, cancel, RSVP, minutes, attendance.

Every change and the reminders it implies are written in one transaction, through the same
reminders table and dispatcher as tasks.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, time, timedelta

from bot.access import Scope
from bot.clock import Clock, epoch, from_epoch
from bot.meetings.lists import MeetingLists
from bot.meetings.model import MeetingView, Outcome, checkin_reminders
from bot.meetings.recurrence import PER_PLAN, Recurrence, occurrences
from bot.reminders.model import Kind, Wakeup
from bot.reminders.planner import notice, plan_deadline
from bot.settings import Settings
from bot.work import Change, UnitOfWork
from storage.database import Database
from storage.meetings import Meeting, MeetingRepository, NewMeeting
from storage.members import Member, MemberRepository
from storage.reminders import NewReminder, ReminderRepository
from storage.tasks import Task, TaskRepository
from storage.units import UnitRepository

# Occurrences of a series exist this far ahead; a daily job extends them.
HORIZON = timedelta(days=62)
CHUNK = 20  # occurrences per transaction
# A series' occurrence is announced this long before it, not all at once when planned.
ANNOUNCE_AHEAD = timedelta(days=7)


class MeetingService:
    def __init__(self, db: Database, clock: Clock, settings: Settings, wakeup: Wakeup) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.meetings = MeetingRepository(db)
        self.lists = MeetingLists(db, clock)
        self.reminders = ReminderRepository(db)
        self.tasks = TaskRepository(db)
        self.units = UnitRepository(db)
        self.members = MemberRepository(db)
        self.work = UnitOfWork(db, clock, wakeup)

    def _now(self) -> int:
        return epoch(self.clock.now())

    async def attendee_ids(self, group_chat_id: int | None, member_ids: list[int]) -> list[int]:
        """Named members, plus everyone on the unit's roster."""
        found = set(member_ids)
        if group_chat_id is not None:
            found |= set(await self.units.roster_ids(None, group_chat_id))
        return sorted(found)

    @staticmethod
    def may_schedule(scope: Scope, group_chat_id: int | None) -> bool:
        """A unit's admins schedule its meetings; outside a unit, any admin for named people."""
        return scope.manages(group_chat_id) if group_chat_id is not None else scope.is_admin

    async def _named(self, usernames: list[str]) -> list[int]:
        """The members behind @usernames; people never seen are kept as placeholders."""
        async with self.db.transaction() as conn:
            now = self._now()
            return [(await self.members.placeholder(conn, name, now)).id for name in usernames]

    async def create(
        self, actor: Member, scope: Scope, *, title: str, place: str, agenda: str,
        starts_at: datetime, group_chat_id: int | None, usernames: list[str],
        member_ids: tuple[int, ...] = (),
    ) -> MeetingView | Outcome:
        """``member_ids``: people picked from a roster (the dashboard's form)."""
        if not self.may_schedule(scope, group_chat_id):
            return Outcome.NOT_ALLOWED
        named = await self._named(usernames) + list(member_ids)
        attendees = await self.attendee_ids(group_chat_id, named)
        async with self.work.change(actor, "meeting.create", "meeting:new") as change:
            meeting_id = await self._add(change, NewMeeting(
                title, place, agenda, epoch(starts_at), None, group_chat_id, actor.id), attendees)
            assert meeting_id is not None
            change.target = f"meeting:{meeting_id}"
        view = await self.view(meeting_id)
        assert view is not None
        return view

    async def create_series(
        self, actor: Member, scope: Scope, recurrence: Recurrence, *, title: str, place: str,
        agenda: str, group_chat_id: int | None, usernames: list[str],
        member_ids: tuple[int, ...] = (),
    ) -> list[MeetingView] | Outcome:
        """Store the rule and its occurrences within the horizon."""
        if not self.may_schedule(scope, group_chat_id):
            return Outcome.NOT_ALLOWED
        member_ids = tuple(dict.fromkeys([*await self._named(usernames), *member_ids]))
        async with self.work.change(actor, "meeting.series", "meeting-series:new") as change:
            series_id = await self.meetings.insert_series(
                change.conn, rule=recurrence.rule,
                local_time=recurrence.local_time.strftime("%H:%M"), title=title, place=place,
                agenda=agenda, group_chat_id=group_chat_id, member_ids=list(member_ids),
                created_by=actor.id, now=change.now,
            )
            change.target, change.details = f"meeting-series:{series_id}", recurrence.rule
        await self.extend_series()
        return await self._views(await self.meetings.of_series(series_id, change.now,
                                                               limit=100))

    async def extend_series(self) -> None:
        """Materialise every active series' occurrences up to the horizon (idempotent), at
        most PER_PLAN at a time, a chunk per transaction so other updates get their turn."""
        now = self.clock.now()
        until = now + HORIZON
        for series in await self.meetings.active_series():
            recurrence = Recurrence(series.rule, time.fromisoformat(series.local_time))
            after = max(now, from_epoch(series.planned_until))
            found = occurrences(recurrence, from_epoch(series.created_at), after, until,
                                self.settings.zone)
            attendees = await self.attendee_ids(series.group_chat_id, series.member_ids)
            for start in range(0, max(len(found), 1), CHUNK):
                chunk = found[start:start + CHUNK]
                last = start + CHUNK >= len(found)
                # A series cut short by PER_PLAN resumes after its last planned occurrence.
                planned = until if last and len(found) < PER_PLAN else chunk[-1].by_rule
                async with self.work.change(None, "meeting.series.planned",
                                            f"meeting-series:{series.id}") as change:
                    for occurrence in chunk:
                        moved = occurrence.moved_from
                        await self._add(change, NewMeeting(
                            series.title, series.place, series.agenda,
                            epoch(occurrence.starts_at), epoch(moved) if moved else None,
                            series.group_chat_id, series.created_by, series.id), attendees)
                    await self.meetings.series_planned(change.conn, series.id, epoch(planned))
                    change.details = f"occurrences={len(chunk)}"
                await asyncio.sleep(0)  # a long series lets other updates in between chunks

    async def _add(self, change: Change, new: NewMeeting, attendees: list[int]) -> int | None:
        """Store one meeting, its attendees, reminders and announcement (None: it exists)."""
        now = change.now
        meeting_id = await self.meetings.insert(change.conn, new, now)
        if meeting_id is None:
            return None
        await self.meetings.add_attendees(change.conn, meeting_id, attendees)
        change.plan(self._plan(meeting_id, new.starts_at, new.group_chat_id, attendees, now))
        announce_at = now if new.series_id is None else max(
            now, new.starts_at - int(ANNOUNCE_AHEAD.total_seconds()))
        change.plan(self._notices(meeting_id, new.starts_at, new.group_chat_id, attendees,
                                  Kind.ANNOUNCE, announce_at))
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
        """The first ``limit`` meetings ahead (a calendar file, a check after a change)."""
        return (await self.lists.upcoming(member, group_chat_id, None, limit)).views

    async def clashes(self, meeting: Meeting) -> list[Meeting]:
        """Meetings that overlap this one for someone invited to both."""
        window = int(self.settings.meeting_duration.total_seconds())
        return await self.meetings.clashes(meeting.id, meeting.starts_at, window)

    async def tasks_of(self, meeting_id: int) -> list[Task]:
        return await self.tasks.for_meeting(meeting_id)

    async def edit(self, actor: Member, scope: Scope, meeting_id: int, *,
                   starts_at: datetime | None, place: str | None,
                   title: str | None) -> Outcome:
        """Change time, place or title; attendees are told and reminders re-planned."""
        view = await self.view(meeting_id)
        if view is None:
            return Outcome.NOT_FOUND
        if not scope.manages(view.meeting.group_chat_id):
            return Outcome.NOT_ALLOWED
        meeting = view.meeting
        if not meeting.is_scheduled:
            return Outcome.CLOSED
        start = epoch(starts_at) if starts_at else meeting.starts_at
        attendees = [a.member.id for a in view.attendees]
        async with self.work.change(actor, "meeting.edit", f"meeting:{meeting_id}") as change:
            await self.meetings.update(change.conn, meeting_id, starts_at=start,
                                       place=meeting.place if place is None else place,
                                       title=title or meeting.title, now=change.now)
            await self.reminders.cancel_pending(change.conn, "meeting", meeting_id)
            change.plan(self._plan(meeting_id, start, meeting.group_chat_id, attendees,
                                   change.now))
            change.plan(self._notices(meeting_id, start, meeting.group_chat_id, attendees,
                                      Kind.NOTICE_EDITED, change.now))
        return Outcome.DONE

    async def cancel(self, actor: Member, scope: Scope, meeting_id: int) -> Outcome:
        view = await self.view(meeting_id)
        if view is None:
            return Outcome.NOT_FOUND
        if not scope.manages(view.meeting.group_chat_id):
            return Outcome.NOT_ALLOWED
        if not view.meeting.is_scheduled:
            return Outcome.CLOSED
        async with self.work.change(actor, "meeting.cancel", f"meeting:{meeting_id}") as change:
            await self.meetings.cancel(change.conn, meeting_id, change.now)
            await self.reminders.cancel_pending(change.conn, "meeting", meeting_id)
            change.plan(self._notices(
                meeting_id, view.meeting.starts_at, view.meeting.group_chat_id,
                [a.member.id for a in view.attendees], Kind.NOTICE_CANCELLED, change.now))
        return Outcome.DONE

    async def stop_series(self, actor: Member, scope: Scope, meeting_id: int) -> Outcome:
        """End the repeating meeting this occurrence belongs to; its attendees are told once."""
        view = await self.view(meeting_id)
        if view is None:
            return Outcome.NOT_FOUND
        if not scope.manages(view.meeting.group_chat_id):
            return Outcome.NOT_ALLOWED
        if view.meeting.series_id is None:
            return Outcome.NOT_REPEATING
        meeting = view.meeting
        async with self.work.change(actor, "meeting.series.stop",
                                    f"meeting:{meeting_id}") as change:
            cancelled = await self.meetings.stop_series(change.conn, meeting.series_id,
                                                        change.now)
            for occurrence in cancelled:
                await self.reminders.cancel_pending(change.conn, "meeting", occurrence)
            change.plan(self._notices(
                meeting_id, meeting.starts_at, meeting.group_chat_id,
                [a.member.id for a in view.attendees], Kind.NOTICE_SERIES_STOPPED, change.now))
            change.details = f"series={meeting.series_id} cancelled={len(cancelled)}"
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
        async with self.work.change(member, f"meeting.{response}",
                                    f"meeting:{meeting_id}") as change:
            if not view.invites(member):
                assert meeting.group_chat_id is not None
                await self.units.join(change.conn, meeting.group_chat_id, member.id, "rsvp",
                                      change.now)
                await self.meetings.add_attendees(change.conn, meeting_id, [member.id])
            await self.meetings.respond(change.conn, meeting_id, member.id, response,
                                        change.now, awaiting_reason=absent)
        return Outcome.ASK_REASON if absent else Outcome.DONE

    async def judge_absence(self, actor: Member, scope: Scope, meeting_id: int,
                            member_id: int, excused: bool) -> Outcome:
        """An admin marks an absence as excused (có lý do) or not (không lý do)."""
        view = await self.view(meeting_id)
        if view is None:
            return Outcome.NOT_FOUND
        if not scope.manages(view.meeting.group_chat_id):
            return Outcome.NOT_ALLOWED
        if not any(a.member.id == member_id and a.response == "absent" for a in view.attendees):
            return Outcome.NOT_INVITED
        async with self.work.change(actor, "meeting.absence", f"meeting:{meeting_id}") as change:
            await self.meetings.judge(change.conn, meeting_id, member_id, excused)
            change.details = f"member:{member_id} excused={int(excused)}"
        return Outcome.DONE

    async def awaiting_reason(self, member: Member) -> int | None:
        return await self.meetings.awaiting_reason(member.id)

    async def give_reason(self, member: Member, meeting_id: int, reason: str | None) -> None:
        async with self.work.change(member, "meeting.reason", f"meeting:{meeting_id}") as change:
            await self.meetings.give_reason(change.conn, meeting_id, member.id, reason)

    async def nudge(self, actor: Member, scope: Scope, meeting_id: int) -> int | Outcome:
        """Remind only those who have not answered; return how many (or why not: only the
        meeting's admins may)."""
        view = await self.view(meeting_id)
        if view is None:
            return Outcome.NOT_FOUND
        if not scope.manages(view.meeting.group_chat_id):
            return Outcome.NOT_ALLOWED
        if not view.meeting.is_scheduled:
            return 0
        silent = [a.member.id for a in view.answered(None)]
        async with self.work.change(actor, "meeting.nudge", f"meeting:{meeting_id}") as change:
            change.plan(notice(event_kind="meeting", event_id=meeting_id, kind=Kind.NUDGE,
                               event_at=view.meeting.starts_at, now=change.now,
                               member_id=member_id) for member_id in silent)
            change.details = f"count={len(silent)}"
        return len(silent)

    async def set_minutes(self, actor: Member, scope: Scope, meeting_id: int,
                          text: str) -> Outcome:
        meeting = await self.meetings.get(meeting_id)
        if meeting is None:
            return Outcome.NOT_FOUND
        if not scope.manages(meeting.group_chat_id):
            return Outcome.NOT_ALLOWED
        async with self.work.change(actor, "meeting.minutes", f"meeting:{meeting_id}") as change:
            await self.meetings.set_minutes(change.conn, meeting_id, text, actor.id, change.now)
        return Outcome.DONE

    async def recent(self, scope: Scope, group_chat_id: int | None,
                     limit: int = 5) -> list[MeetingView]:
        """The last meetings of a group, or of the units the asker manages (every group for
        an organisation admin)."""
        units = None if group_chat_id is not None else scope.unit_filter
        return await self._views(await self.meetings.past(
            self._now(), group_chat_id=group_chat_id, units=units,
            everywhere=group_chat_id is None and units is None, limit=limit))

    async def member_rates(self, meetings: list[MeetingView]) -> list[tuple[Member, int, int]]:
        return await self.meetings.rates_by_member([v.meeting.id for v in meetings])
