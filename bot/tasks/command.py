"""Reading /addtask and /edittask arguments into plain values."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from bot.dates import DateError, DateProblem, find_when, starts_with_date

_USERNAME = re.compile(r"@([A-Za-z0-9_]{3,32})(?=\s|$)")
_BARE_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{2,31}")
_TAG = re.compile(r"(?:^|\s)#(\S+)")
_MEETING = re.compile(r"(?:^|\s)(?:meeting|họp|hop):#?(\d+)(?=\s|$)", re.IGNORECASE)


@dataclass(frozen=True)
class NewTask:
    usernames: list[str]
    due: datetime
    title: str
    tag: str | None
    meeting_id: int | None = None


class TaskInputError(ValueError):
    """What is wrong with the arguments: a DateProblem, "title", or "at" (a username without
    its @, kept in ``detail``); ``detail`` of a past date is the moment read."""

    def __init__(self, problem: DateProblem | str, detail: object = None) -> None:
        super().__init__(str(problem))
        self.problem = problem
        self.detail = detail


def parse_new_task(text: str, now: datetime, zone: ZoneInfo, default_time: time) -> NewTask:
    rest = text.strip()
    usernames: list[str] = []
    while match := _USERNAME.match(rest):
        if match[1].lower() not in (u.lower() for u in usernames):
            usernames.append(match[1])
        rest = rest[match.end():].lstrip()
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
    title = _MEETING.sub(" ", _TAG.sub(" ", when.rest))
    title = " ".join(title.split())
    if not title:
        raise TaskInputError("title")
    return NewTask(
        usernames,
        when.moment,
        title,
        tag_match[1] if tag_match else None,
        int(meeting_match[1]) if meeting_match else None,
    )
