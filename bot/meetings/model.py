"""What the meeting service hands to handlers: a meeting with its attendees, and outcomes."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from storage.meetings import Attendee, Meeting
from storage.members import Member


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
