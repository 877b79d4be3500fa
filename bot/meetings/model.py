"""What the meeting service hands to handlers: a meeting with its attendees, and outcomes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

from bot.reminders.model import Kind
from storage.meetings import Attendee, Meeting
from storage.members import Member
from storage.reminders import NewReminder

# Check-in opens this long before a meeting starts, and closes when it ends.
OPENS_BEFORE = timedelta(minutes=30)


@dataclass(frozen=True)
class MeetingView:
    meeting: Meeting
    attendees: list[Attendee]

    def answered(self, response: str | None) -> list[Attendee]:
        return [a for a in self.attendees if a.response == response]

    def invites(self, member: Member) -> bool:
        return any(a.member.id == member.id for a in self.attendees)


class Outcome(Enum):
    DONE = "done"
    ASK_REASON = "ask_reason"
    NOT_FOUND = "not_found"
    NOT_INVITED = "not_invited"
    CLOSED = "closed"  # cancelled, or already started
    NOT_REPEATING = "not_repeating"
    NOT_ALLOWED = "not_allowed"  # needs an admin of the meeting's unit


def checkin_reminders(meeting_id: int, starts_at: int, attendees: list[int],
                      now: int) -> list[NewReminder]:
    """A "check in now" message to each attendee when check-in opens, if that is ahead."""
    fire_at = starts_at - int(OPENS_BEFORE.total_seconds())
    if fire_at <= now:
        return []
    return [NewReminder("meeting", meeting_id, Kind.CHECKIN, member_id, None, starts_at, fire_at)
            for member_id in attendees]
