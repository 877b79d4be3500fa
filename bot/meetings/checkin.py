"""Check-in: from 30 minutes before a meeting until its end, attendees say they are there
(a button or /checkin), or an admin marks who is present."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from bot.access import Scope
from bot.clock import Clock, epoch
from bot.meetings.model import OPENS_BEFORE, MeetingView
from bot.meetings.service import MeetingService
from bot.settings import Settings
from storage.audit import AuditRepository
from storage.checkins import CheckinRepository
from storage.database import Database
from storage.meetings import MeetingRepository
from storage.members import Member, MemberRepository


class CheckinOutcome(Enum):
    CHECKED_IN = "checked_in"
    ALREADY = "already"
    TOO_EARLY = "too_early"
    OVER = "over"
    NOT_INVITED = "not_invited"
    NOT_FOUND = "not_found"
    NO_MEETING = "no_meeting"  # nothing under way for this member
    NOT_ALLOWED = "not_allowed"
    UNKNOWN = "unknown"  # @usernames the bot has never met


@dataclass(frozen=True)
class Checkin:
    outcome: CheckinOutcome
    view: MeetingView | None = None
    marked: tuple[Member, ...] = ()  # whom an admin marked present
    unknown: tuple[str, ...] = ()  # usernames nobody answers to


class CheckinService:
    def __init__(self, db: Database, clock: Clock, settings: Settings,
                 meetings: MeetingService) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.meetings = meetings
        self.checkins = CheckinRepository(db)
        self.repository = MeetingRepository(db)
        self.audit = AuditRepository(db)
        self.people = MemberRepository(db)

    def _window(self, view: MeetingView, now: int) -> CheckinOutcome | None:
        """Why check-in is closed now, or None when it is open."""
        starts = view.meeting.starts_at
        if now < starts - OPENS_BEFORE.total_seconds():
            return CheckinOutcome.TOO_EARLY
        if now > starts + self.settings.meeting_duration.total_seconds():
            return CheckinOutcome.OVER
        return None

    async def check_in(self, member: Member, meeting_id: int | None) -> Checkin:
        """The member checks in at this meeting, or at the one of theirs under way."""
        now = epoch(self.clock.now())
        if meeting_id is None:
            under_way = await self.checkins.under_way(
                member.id, now, int(OPENS_BEFORE.total_seconds()),
                int(self.settings.meeting_duration.total_seconds()))
            if not under_way:
                return Checkin(CheckinOutcome.NO_MEETING)
            meeting_id = under_way[0]
        view = await self.meetings.view(meeting_id)
        if view is None or not view.meeting.is_scheduled:
            return Checkin(CheckinOutcome.NOT_FOUND)
        if not view.invites(member):
            return Checkin(CheckinOutcome.NOT_INVITED, view)
        closed = self._window(view, now)
        if closed is not None:
            return Checkin(closed, view)
        async with self.db.transaction() as conn:
            done = await self.checkins.check_in(conn, meeting_id, member.id, member.id, now)
        return Checkin(CheckinOutcome.CHECKED_IN if done else CheckinOutcome.ALREADY, view)

    async def mark_present(self, actor: Member, scope: Scope, meeting_id: int,
                           usernames: list[str]) -> Checkin:
        """An admin of the meeting's unit marks people present, once check-in has opened;
        someone present who was not invited becomes an attendee."""
        view = await self.meetings.view(meeting_id)
        if view is None or not view.meeting.is_scheduled:
            return Checkin(CheckinOutcome.NOT_FOUND)
        meeting = view.meeting
        if not (scope.manages(meeting.group_chat_id) or
                (scope.is_admin and meeting.created_by == actor.id)):
            return Checkin(CheckinOutcome.NOT_ALLOWED, view)
        now = epoch(self.clock.now())
        if self._window(view, now) is CheckinOutcome.TOO_EARLY:
            return Checkin(CheckinOutcome.TOO_EARLY, view)
        found = {name: await self.people.by_username(name) for name in usernames}
        unknown = tuple(f"@{name}" for name, member in found.items() if member is None)
        if unknown:
            return Checkin(CheckinOutcome.UNKNOWN, view, unknown=unknown)
        members = [member for member in found.values() if member is not None]
        async with self.db.transaction() as conn:
            await self.repository.add_attendees(conn, meeting_id, [m.id for m in members])
            for member in members:
                await self.checkins.check_in(conn, meeting_id, member.id, actor.id, now)
            await self.audit.record(conn, at=now, actor_id=actor.telegram_id,
                                    action="meeting.checkin", target=f"meeting:{meeting_id}",
                                    details=",".join(str(m.id) for m in members))
        return Checkin(CheckinOutcome.CHECKED_IN, view, tuple(members))

    async def present(self, meeting_id: int) -> set[int]:
        return await self.checkins.checked_in(meeting_id)
