"""Reading /addtask and /edittask arguments into plain values."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from bot import limits
from bot.dates import DateError, DateProblem, find_when, parse_moment, starts_with_date
from bot.meetings.recurrence import Recurrence, RecurrenceError, TooFrequent, split_recurrence
from bot.numbers import parse_id

_USERNAME = re.compile(r"@([A-Za-z0-9_]{3,32})(?=\s|$)")
_BARE_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{2,31}")
_TAG = re.compile(r"(?:^|\s)#(\S+)")
_MEETING = re.compile(r"(?:^|\s)(?:meeting|họp|hop):#?(\S+)(?=\s|$)", re.IGNORECASE)
# Priority marks, as offices write them on documents: khẩn (urgent), hỏa tốc (flash).
_PRIORITY = re.compile(
    r"(?:^|\s)!(khẩn|khan|urgent|hỏa\s?tốc|hoả\s?tốc|hoa\s?toc|flash)(?=\s|$)", re.IGNORECASE
)
_PRIORITY_OF = {"khẩn": "urgent", "khan": "urgent", "urgent": "urgent"}


@dataclass(frozen=True)
class NewTask:
    usernames: list[str]
    due: datetime
    title: str
    tag: str | None
    meeting_id: int | None = None
    priority: str | None = None  # urgent, flash


class TaskInputError(ValueError):
    """What is wrong with the arguments: a DateProblem, "title", "meeting" (not a meeting
    number), "limit" (``detail`` is the TooLong), or "at" (a username without its @, kept in
    ``detail``); ``detail`` of a past date is the moment read."""

    def __init__(self, problem: DateProblem | str, detail: object = None) -> None:
        super().__init__(str(problem))
        self.problem = problem
        self.detail = detail


def parse_new_task(text: str, now: datetime, zone: ZoneInfo, default_time: time) -> NewTask:
    usernames, rest = _leading_usernames(text.strip())
    try:
        when = find_when(rest, now, zone, default_time)
    except DateError as exc:
        first, _space, after = rest.partition(" ")
        if exc.problem is DateProblem.MISSING and _BARE_USERNAME.fullmatch(first) and (
            starts_with_date(after, now, zone)
        ):
            raise TaskInputError("at", first) from exc
        raise TaskInputError(exc.problem, exc.understood) from exc
    tag_match = _TAG.search(when.rest)
    meeting_match = _MEETING.search(when.rest)
    priority_match = _PRIORITY.search(when.rest)
    title = _PRIORITY.sub(" ", _MEETING.sub(" ", _TAG.sub(" ", when.rest)))
    title = " ".join(title.split())
    if not title:
        raise TaskInputError("title")
    meeting_id = parse_id(meeting_match[1]) if meeting_match else None
    if meeting_match and meeting_id is None:
        raise TaskInputError("meeting")
    return NewTask(
        usernames,
        when.moment,
        _within(title, limits.TITLE, "title"),
        tag_match[1][:limits.TITLE] if tag_match else None,
        meeting_id,
        priority_of(priority_match[1]) if priority_match else None,
    )


def _within(text: str, limit: int, field: str) -> str:
    try:
        return limits.checked(field, text, limit)
    except limits.TooLong as exc:
        raise TaskInputError("limit", exc) from exc


def _leading_usernames(rest: str) -> tuple[list[str], str]:
    usernames: list[str] = []
    while match := _USERNAME.match(rest):
        if match[1].lower() not in (u.lower() for u in usernames):
            usernames.append(match[1])
        rest = rest[match.end():].lstrip()
    try:
        limits.few_enough(usernames)
    except limits.TooLong as exc:
        raise TaskInputError("limit", exc) from exc
    return usernames, rest


def priority_of(mark: str) -> str:
    return _PRIORITY_OF.get(mark.lower(), "flash")


@dataclass(frozen=True)
class EditRequest:
    """What /edittask N asks to change; unset fields stay as they are."""

    due: datetime | None = None
    title: str | None = None
    unit_name: str | None = None
    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.due or self.title or self.unit_name or self.add or self.remove)


_CHANGE_PEOPLE = re.compile(r"(?:^|\s)([+-])@([A-Za-z0-9_]{3,32})(?=\s|$)")
_FIELD = re.compile(r"(?:^|\s)(tên|ten|title|đơn vị|don vi|unit)\s*:", re.IGNORECASE)
_TITLE_WORDS = ("tên", "ten", "title")


def parse_task_edit(text: str, now: datetime, zone: ZoneInfo, default_time: time) -> EditRequest:
    """Read ``[date] [+@x] [-@y] [tên: title] [đơn vị: unit]`` in any order of the parts."""
    add = tuple(m[2] for m in _CHANGE_PEOPLE.finditer(text) if m[1] == "+")
    remove = tuple(m[2] for m in _CHANGE_PEOPLE.finditer(text) if m[1] == "-")
    rest = _CHANGE_PEOPLE.sub(" ", text)
    pieces = _FIELD.split(rest)
    fields = {pieces[i].lower(): " ".join(pieces[i + 1].split())
              for i in range(1, len(pieces) - 1, 2)}
    title = next((fields[k] for k in fields if k in _TITLE_WORDS), None)
    unit = next((fields[k] for k in fields if k not in _TITLE_WORDS), None)
    due = None
    if pieces[0].strip():
        try:
            due = parse_moment(pieces[0], now, zone, default_time)
        except DateError as exc:
            raise TaskInputError(exc.problem, exc.understood) from exc
    if title == "" or unit == "":
        raise TaskInputError("title")
    if title is not None:
        _within(title, limits.TITLE, "title")
    if unit is not None:
        _within(unit, limits.UNIT_NAME, "unit")
    try:
        limits.few_enough(add + remove)
    except limits.TooLong as exc:
        raise TaskInputError("limit", exc) from exc
    return EditRequest(due, title, unit, add, remove)


@dataclass(frozen=True)
class RepeatingTask:
    usernames: list[str]
    recurrence: Recurrence
    title: str
    tag: str | None
    priority: str | None


def parse_repeating_task(text: str) -> RepeatingTask | None:
    """``@x hằng tháng ngày 25 17:00 Báo cáo tháng``: a rule where the deadline would be.
    None when the text has no rule (then it is a one-off task)."""
    usernames, rest = _leading_usernames(text.strip())
    try:
        split = split_recurrence(rest)
    except TooFrequent as exc:
        raise TaskInputError("often") from exc
    except RecurrenceError as exc:
        raise TaskInputError("rule") from exc
    if split is None:
        return None
    recurrence, after = split
    tag_match = _TAG.search(after)
    priority_match = _PRIORITY.search(after)
    title = " ".join(_PRIORITY.sub(" ", _TAG.sub(" ", after)).split())
    if not title:
        raise TaskInputError("title")
    return RepeatingTask(usernames, recurrence, _within(title, limits.TITLE, "title"),
                         tag_match[1][:limits.TITLE] if tag_match else None,
                         priority_of(priority_match[1]) if priority_match else None)
