"""Reading /addmeeting and /editmeeting arguments into plain values."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from bot import limits
from bot.dates import DateError, DateProblem, parse_moment
from bot.meetings.recurrence import Recurrence, RecurrenceError, TooFrequent, parse_recurrence

_USERNAME = re.compile(r"@([A-Za-z0-9_]{3,32})(?=\s|$)")


@dataclass(frozen=True)
class NewMeetingRequest:
    usernames: list[str]
    starts_at: datetime | None  # a one-off meeting
    recurrence: Recurrence | None  # or a rule
    place: str
    title: str
    agenda: str


@dataclass(frozen=True)
class MeetingEdit:
    starts_at: datetime | None
    place: str | None
    title: str | None


class MeetingInputError(ValueError):
    """What is wrong: a DateProblem, or "format", "rule", "often" (a rule more often than
    daily), "title", "limit" (``detail`` is the TooLong)."""

    def __init__(self, problem: DateProblem | str, detail: object = None) -> None:
        super().__init__(str(problem))
        self.problem = problem
        self.detail = detail


def _within(field: str, text: str, limit: int) -> str:
    try:
        return limits.checked(field, text, limit)
    except limits.TooLong as exc:
        raise MeetingInputError("limit", exc) from exc


def _moment(text: str, now: datetime, zone: ZoneInfo, default_time: time) -> datetime:
    try:
        return parse_moment(text, now, zone, default_time)
    except DateError as exc:
        raise MeetingInputError(exc.problem) from exc


def parse_new_meeting(
    text: str, now: datetime, zone: ZoneInfo, default_time: time
) -> NewMeetingRequest:
    first, _newline, agenda = text.strip().partition("\n")
    parts = [part.strip() for part in first.split("|")]
    if len(parts) != 3:
        raise MeetingInputError("format")
    when, place, title = parts
    usernames = []
    while match := _USERNAME.match(when):
        usernames.append(match[1])
        when = when[match.end():].lstrip()
    if not title:
        raise MeetingInputError("title")
    try:
        limits.few_enough(usernames)
    except limits.TooLong as exc:
        raise MeetingInputError("limit", exc) from exc
    try:
        recurrence = parse_recurrence(when)
    except TooFrequent as exc:
        raise MeetingInputError("often") from exc
    except RecurrenceError as exc:
        raise MeetingInputError("rule") from exc
    starts_at = None if recurrence else _moment(when, now, zone, default_time)
    return NewMeetingRequest(usernames, starts_at, recurrence,
                             _within("place", place, limits.PLACE),
                             _within("title", title, limits.TITLE),
                             _within("agenda", agenda.strip(), limits.AGENDA))


def parse_meeting_edit(
    text: str, now: datetime, zone: ZoneInfo, default_time: time
) -> MeetingEdit:
    """``<when> | <place> | <title>``; an empty or missing part stays as it is."""
    parts = [part.strip() for part in text.split("|")] + ["", ""]
    when, place, title = parts[:3]
    if not (when or place or title):
        raise MeetingInputError("format")
    return MeetingEdit(
        _moment(when, now, zone, default_time) if when else None,
        _within("place", place, limits.PLACE) or None,
        _within("title", title, limits.TITLE) or None,
    )
