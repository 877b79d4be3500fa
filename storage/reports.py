"""What reports and exports read: a period's task parts, meeting attendance and rosters,
streamed in keyset pages so that no table is ever loaded whole."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from storage.database import Database

PAGE = 500
_BEFORE_ALL = -(2**62)  # below every id, chat id and time
_NO_ROW = (0,) * 16
# The asker's scope: every unit (NULL), or these units and whatever the asker created.
_TASK_SCOPE = ("(:units IS NULL OR t.group_chat_id IN (SELECT CAST(value AS BIGINT)"
               " FROM json_each(:units))"
               " OR t.created_by = :creator)")
_MEETING_SCOPE = ("(:units IS NULL OR mt.group_chat_id IN (SELECT CAST(value AS BIGINT)"
                  " FROM json_each(:units))"
                  " OR mt.created_by = :creator)")
_PARTS_SQL = (
    "SELECT t.id, t.title, t.tag, t.due_at, t.status, t.group_chat_id,"
    " COALESCE(c.unit_name, c.title), m.id, m.full_name, m.username, a.status, a.done_at,"
    " a.note, a.file_name, a.reason"
    " FROM tasks t JOIN task_assignees a ON a.task_id = t.id JOIN members m ON m.id = a.member_id"
    " LEFT JOIN chats c ON c.id = t.group_chat_id"
    " WHERE t.status != 'cancelled' AND t.due_at >= :start AND t.due_at < :end"
    " AND (:tag IS NULL OR t.tag = :tag COLLATE NOCASE) AND " + _TASK_SCOPE +
    " AND (t.due_at, t.id, m.id) > (:k1, :k2, :k3)"
    " ORDER BY t.due_at, t.id, m.id LIMIT :limit"
)
_ATTENDANCE_SQL = (
    "SELECT mt.id, mt.title, mt.starts_at, mt.group_chat_id, COALESCE(c.unit_name, c.title),"
    " m.id, m.full_name, m.username, a.response, a.reason, a.excused, a.checked_in_at,"
    " EXISTS (SELECT 1 FROM meeting_attendees x WHERE x.meeting_id = mt.id"
    "         AND x.checked_in_at IS NOT NULL)"
    " FROM meetings mt JOIN meeting_attendees a ON a.meeting_id = mt.id"
    " JOIN members m ON m.id = a.member_id LEFT JOIN chats c ON c.id = mt.group_chat_id"
    " WHERE mt.status = 'scheduled' AND mt.starts_at >= :start AND mt.starts_at < :end"
    " AND " + _MEETING_SCOPE +
    " AND (mt.starts_at, mt.id, m.id) > (:k1, :k2, :k3)"
    " ORDER BY mt.starts_at, mt.id, m.id LIMIT :limit"
)
_ROSTER_SQL = (
    "SELECT c.id, COALESCE(c.unit_name, c.title), m.id, m.full_name, m.username, m.telegram_id,"
    " cm.role, cm.changed_at, m.started_at IS NOT NULL AND m.unreachable IS NULL"
    " FROM chat_members cm JOIN chats c ON c.id = cm.chat_id AND c.subscribed = 1"
    " JOIN members m ON m.id = cm.member_id"
    " WHERE cm.status = 'member'"
    " AND (:units IS NULL OR c.id IN (SELECT CAST(value AS BIGINT) FROM json_each(:units)))"
    " AND (c.id, m.id) > (:k1, :k2) ORDER BY c.id, m.id LIMIT :limit"
)


@dataclass(frozen=True)
class Window:
    """A half-open span of UTC epoch seconds and the asker's scope."""

    start: int
    end: int
    units: tuple[int, ...] | None  # None: the whole organisation
    creator: int | None = None  # a unit admin also sees what they created
    tag: str | None = None  # only the tasks implementing this directive

    def params(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "tag": self.tag, "creator": self.creator,
                "units": None if self.units is None else json.dumps(list(self.units))}


@dataclass(frozen=True)
class PartRow:
    task_id: int
    title: str
    tag: str | None
    due_at: int
    task_status: str
    unit_id: int | None
    unit_name: str | None
    member_id: int
    full_name: str
    username: str | None
    status: str  # open, done, excused
    done_at: int | None
    note: str | None
    file_name: str | None
    reason: str | None


@dataclass(frozen=True)
class AttendanceRow:
    meeting_id: int
    title: str
    starts_at: int
    unit_id: int | None
    unit_name: str | None
    member_id: int
    full_name: str
    username: str | None
    response: str | None  # attend, absent, None
    reason: str | None
    excused: bool | None
    checked_in_at: int | None
    meeting_has_checkins: bool


@dataclass(frozen=True)
class RosterRow:
    unit_id: int
    unit_name: str
    member_id: int
    full_name: str
    username: str | None
    telegram_id: int | None
    role: str
    since: int | None
    reachable: bool


class ReportRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def _pages(self, sql: str, params: dict[str, Any], key: Callable[[tuple], tuple],
                     page: int) -> AsyncIterator[tuple]:
        """Rows of a keyset query, one page at a time: the sort key of a page's last row is
        where the next page starts."""
        cursor: tuple = (_BEFORE_ALL,) * len(key(_NO_ROW))
        while True:
            keys = {f"k{i}": value for i, value in enumerate(cursor, 1)}
            rows = [tuple(row) for row in
                    await self.db.fetchall(sql, {**params, **keys, "limit": page})]
            for row in rows:
                yield row
            if len(rows) < page:
                return
            cursor = key(rows[-1])

    async def parts(self, window: Window, page: int = PAGE) -> AsyncIterator[PartRow]:
        async for row in self._pages(_PARTS_SQL, window.params(), _part_key, page):
            yield PartRow(*row)

    async def attendance(self, window: Window, page: int = PAGE) -> AsyncIterator[AttendanceRow]:
        async for row in self._pages(_ATTENDANCE_SQL, window.params(), _attendance_key,
                                         page):
            values = list(row)
            values[10] = None if values[10] is None else bool(values[10])
            values[12] = bool(values[12])
            yield AttendanceRow(*values)

    async def roster(self, units: tuple[int, ...] | None,
                     page: int = PAGE) -> AsyncIterator[RosterRow]:
        params = {"units": None if units is None else json.dumps(list(units))}
        async for row in self._pages(_ROSTER_SQL, params, _roster_key, page):
            yield RosterRow(*row[:-1], bool(row[-1]))


def _part_key(row: tuple) -> tuple:
    return row[3], row[0], row[7]  # due_at, task, member


def _attendance_key(row: tuple) -> tuple:
    return row[2], row[0], row[5]  # starts_at, meeting, member


def _roster_key(row: tuple) -> tuple:
    return row[0], row[2]  # unit, member
