"""Callback data: one definition per button kind, used both by the code that makes the button
and the code that answers it, so the two cannot drift apart."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.help_topics import HOME, TOPICS
from bot.numbers import parse_id
from storage.paging import LAST, Cursor

LIMIT = 64  # bytes, Telegram's limit on callback_data


@dataclass(frozen=True)
class Callback:
    """A button kind: a short prefix and a fixed number of positive integer fields."""

    prefix: str
    fields: int = 1

    def pack(self, *values: int) -> str:
        if len(values) != self.fields:
            raise ValueError(f"{self.prefix} takes {self.fields} values, not {len(values)}")
        data = ":".join([self.prefix, *(str(v) for v in values)])
        if len(data.encode()) > LIMIT:
            raise ValueError(f"callback data over {LIMIT} bytes: {data!r}")
        return data

    def parse(self, data: object) -> tuple[int, ...] | None:
        """The values, or None if the data is not this kind or is malformed."""
        parts = _after(self.prefix, data)
        if parts is None or len(parts) != self.fields:
            return None
        values = tuple(parse_id(part) for part in parts)
        if any(v is None for v in values):
            return None
        return values  # type: ignore[return-value]

    def matches(self, data: object) -> bool:
        """For PTB's ``CallbackQueryHandler(pattern=...)``: any data with this prefix, so a
        malformed one still reaches the handler and is answered."""
        return _after(self.prefix, data) is not None


@dataclass(frozen=True)
class Named:
    """A button kind whose one value is a word from a fixed set (a help topic)."""

    prefix: str
    names: frozenset[str]

    def pack(self, name: str) -> str:
        if name not in self.names:
            raise ValueError(f"{self.prefix} has no {name!r}")
        return f"{self.prefix}:{name}"

    def parse(self, data: object) -> str | None:
        parts = _after(self.prefix, data)
        return parts[0] if parts and len(parts) == 1 and parts[0] in self.names else None

    def matches(self, data: object) -> bool:
        return _after(self.prefix, data) is not None


def _after(prefix: str, data: object) -> list[str] | None:
    """The colon-separated values after ``prefix`` (which may hold a colon itself), or None
    when the data is of another kind."""
    if not isinstance(data, str):
        return None
    if data == prefix:
        return []
    if not data.startswith(prefix + ":"):
        return None
    return data[len(prefix) + 1:].split(":")


TASK_DONE = Callback("td")
TASK_SNOOZE = Callback("ts")
TASK_EXTEND = Callback("tx")  # ask for more time
TASK_REMIND_OPEN = Callback("tr")  # remind those whose part is open
EXTENSION_APPROVE = Callback("xa")
EXTENSION_DECLINE = Callback("xd")
ROLL_CALL = Callback("rc", 0)
MEETING_ATTEND = Callback("ma")
MEETING_ABSENT = Callback("mx")
MEETING_SKIP_REASON = Callback("mk")
MEETING_NUDGE = Callback("mn")
MEETING_CHECKIN = Callback("mi")  # I am here
MEETING_EXCUSED = Callback("me", 2)  # meeting, member: the absence has a reason
MEETING_UNEXCUSED = Callback("mu", 2)  # meeting, member: the absence has none
CLAIM_UNDO = Callback("cu")  # give a claimed placeholder's work back
NOOP = Callback("noop", 0)  # a label-only button (a page counter)
HELP_TOPIC = Named("help", frozenset([HOME, *(topic.key for topic in TOPICS)]))
# Pages are numbered from 1 in buttons (ids are positive).
# Lookups: open a document, list, item or conference by row id, or turn a catalogue's page.
OPEN_DOCUMENT = Callback("kb:d")
OPEN_LIST = Callback("kb:l")
OPEN_ITEM = Callback("kb:i")
OPEN_CONFERENCE = Callback("kb:c")
DOCUMENTS_PAGE = Callback("kb:dp")
LISTS_PAGE = Callback("kb:lp")
CONFERENCES_PAGE = Callback("kb:cp")
ROSTER_PAGE = Callback("rp")  # /members: the page (from 1) of this group's unit's roster


@dataclass(frozen=True)
class PageTurn:
    """A page button: where the page starts (after the last row shown, before the first, or
    the last page), the page's number (0: not known) and a short key naming the list's
    filter, so the list is read again from the cursor rather than from the top."""

    prefix: str

    def pack(self, cursor: Cursor, number: int, key: str = "") -> str:
        way = "l" if cursor.is_last else "n" if cursor.forward else "p"
        data = f"{self.prefix}:{way}:{cursor.at}:{cursor.id}:{number}:{key}"
        if len(data.encode()) > LIMIT:
            raise ValueError(f"callback data over {LIMIT} bytes: {data!r}")
        return data

    def parse(self, data: object) -> tuple[Cursor, int, str] | None:
        """(cursor, page number, key), or None if the data is not this kind or malformed."""
        match = _PAGE_TURN.fullmatch(data) if isinstance(data, str) else None
        if match is None or match["prefix"] != self.prefix:
            return None
        if match["way"] == "l":
            return LAST, 0, match["key"]
        cursor = Cursor(int(match["at"]), int(match["id"]), forward=match["way"] == "n")
        return cursor, int(match["number"]), match["key"]

    def fits(self, key: str) -> bool:
        """Whether a filter key leaves room for the largest cursor in the 64 bytes."""
        return len(self.pack(Cursor(-(10**10), 10**12), 10**6).encode()) + len(
            key.encode()) <= LIMIT

    def matches(self, data: object) -> bool:
        return isinstance(data, str) and data.split(":", 1)[0] == self.prefix


_PAGE_TURN = re.compile(
    r"(?P<prefix>\w+):(?P<way>[npl]):(?P<at>-?\d{1,19}):(?P<id>\d{1,19}):(?P<number>\d{1,9}):"
    r"(?P<key>.*)", re.DOTALL)

TASKS_PAGE = PageTurn("tp")  # /tasks
ALL_TASKS_PAGE = PageTurn("ta")  # /alltasks, the key is its filter
MEETINGS_PAGE = PageTurn("mp")  # /meetings
