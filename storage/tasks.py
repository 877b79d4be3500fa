"""The tasks and task_assignees tables."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

import aiosqlite

from storage.database import Database, inserted_id
from storage.members import _COLUMNS as _MEMBER_COLUMNS
from storage.members import Member

_COLUMNS = (
    "t.id, t.title, t.tag, t.due_at, t.status, t.group_chat_id, t.created_by, t.created_at,"
    " t.closed_by, t.closed_at, t.meeting_id, t.priority, t.series_id"
)
_MEMBER_ALIASED = ", ".join(f"m.{column.strip()}" for column in _MEMBER_COLUMNS.split(","))


@dataclass(frozen=True)
class Task:
    id: int
    title: str
    tag: str | None
    due_at: int
    status: str
    group_chat_id: int | None
    created_by: int | None
    created_at: int
    closed_by: int | None
    closed_at: int | None
    meeting_id: int | None = None  # the meeting the task came from
    priority: str | None = None  # urgent (khẩn), flash (hỏa tốc)
    series_id: int | None = None  # the repeating task this is an occurrence of

    @property
    def is_open(self) -> bool:
        return self.status == "open"


@dataclass(frozen=True)
class Part:
    """One assignee's part of a task."""

    member: Member
    status: str  # open, done, excused
    done_at: int | None
    done_by: int | None
    note: str | None
    file_id: str | None
    file_kind: str | None  # document, photo
    file_name: str | None
    reason: str | None  # why an admin excused it

    @property
    def is_open(self) -> bool:
        return self.status == "open"


@dataclass(frozen=True)
class Report:
    """What an assignee hands in with their part: a note, a file, or both."""

    note: str | None = None
    file_id: str | None = None
    file_kind: str | None = None
    file_name: str | None = None


@dataclass(frozen=True)
class TaskFilter:
    """What /alltasks may narrow the open tasks to."""

    overdue_before: int | None = None  # due before this moment
    due_from: int | None = None  # due at or after this moment
    member_id: int | None = None  # tasks in which this member's part is open
    tag: str | None = None
    group_chat_id: int | None = None
    # A unit admin's scope: tasks of these units or created by ``creator``; None: no limit.
    unit_ids: tuple[int, ...] | None = None
    creator: int | None = None


class TaskRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def insert(
        self,
        conn: aiosqlite.Connection,
        *,
        title: str,
        tag: str | None,
        due_at: int,
        group_chat_id: int | None,
        created_by: int | None,
        now: int,
        meeting_id: int | None = None,
        priority: str | None = None,
        series_id: int | None = None,
    ) -> int | None:
        """Store a task; None if this occurrence of its series exists already."""
        return await inserted_id(
            conn,
            "INSERT INTO tasks (title, tag, due_at, group_chat_id, created_by,"
            " created_at, updated_at, meeting_id, priority, series_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (title, tag, due_at, group_chat_id, created_by, now, now, meeting_id, priority,
             series_id),
        )

    async def add_assignees(
        self, conn: aiosqlite.Connection, task_id: int, member_ids: Iterable[int]
    ) -> None:
        await conn.executemany(
            "INSERT INTO task_assignees (task_id, member_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
            [(task_id, member_id) for member_id in member_ids],
        )

    async def get(self, task_id: int) -> Task | None:
        row = await self.db.fetchone(f"SELECT {_COLUMNS} FROM tasks t WHERE t.id = ?", (task_id,))
        return Task(*row) if row else None

    async def by_ids(self, task_ids: Iterable[int]) -> dict[int, Task]:
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM tasks t WHERE t.id IN (SELECT CAST(value AS BIGINT)"
            f" FROM json_each(?))",
            (json.dumps(list(set(task_ids))),),
        )
        return {row[0]: Task(*row) for row in rows}

    async def parts(self, task_ids: Iterable[int]) -> dict[int, list[Part]]:
        """Every assignee's part per task, for many tasks in one query."""
        rows = await self.db.fetchall(
            f"SELECT a.task_id, {_PART_COLUMNS}, {_MEMBER_ALIASED} FROM task_assignees a"
            " JOIN members m ON m.id = a.member_id"
            " WHERE a.task_id IN (SELECT CAST(value AS BIGINT)"
            " FROM json_each(?)) ORDER BY a.task_id, m.id",
            (json.dumps(list(set(task_ids))),),
        )
        found: dict[int, list[Part]] = {}
        for row in rows:
            found.setdefault(row[0], []).append(_part(row[1:]))
        return found

    async def part(
        self, conn: aiosqlite.Connection, task_id: int, member_id: int
    ) -> Part | None:
        async with conn.execute(
            f"SELECT {_PART_COLUMNS}, {_MEMBER_ALIASED} FROM task_assignees a"
            " JOIN members m ON m.id = a.member_id WHERE a.task_id = ? AND a.member_id = ?",
            (task_id, member_id),
        ) as cursor:
            row = await cursor.fetchone()
        return _part(row) if row else None

    async def close_part(
        self, conn: aiosqlite.Connection, task_id: int, member_id: int, *, status: str,
        by: int, now: int, report: Report | None = None, reason: str | None = None,
    ) -> bool:
        """Mark an open part done or excused; False if it was not open."""
        report = report or Report()
        async with conn.execute(
            "UPDATE task_assignees SET status = ?, done_at = ?, done_by = ?, note = ?,"
            " file_id = ?, file_kind = ?, file_name = ?, reason = ?"
            " WHERE task_id = ? AND member_id = ? AND status = 'open' RETURNING member_id",
            (status, now, by, report.note, report.file_id, report.file_kind, report.file_name,
             reason, task_id, member_id),
        ) as cursor:
            return await cursor.fetchone() is not None

    async def open_part_ids(self, conn: aiosqlite.Connection, task_id: int) -> list[int]:
        async with conn.execute(
            "SELECT member_id FROM task_assignees WHERE task_id = ? AND status = 'open'"
            " ORDER BY member_id",
            (task_id,),
        ) as cursor:
            return [row[0] for row in await cursor.fetchall()]

    async def remove_assignee(
        self, conn: aiosqlite.Connection, task_id: int, member_id: int
    ) -> bool:
        async with conn.execute(
            "DELETE FROM task_assignees WHERE task_id = ? AND member_id = ? RETURNING member_id",
            (task_id, member_id),
        ) as cursor:
            return await cursor.fetchone() is not None

    async def for_meeting(self, meeting_id: int) -> list[Task]:
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM tasks t WHERE t.meeting_id = ? ORDER BY t.due_at, t.id",
            (meeting_id,),
        )
        return [Task(*row) for row in rows]

    async def members_with_open_tasks(self) -> list[int]:
        """Everyone the morning digest is for: assignees with an open part, and creators of
        open tasks (they follow their progress)."""
        rows = await self.db.fetchall(
            "SELECT a.member_id FROM task_assignees a JOIN tasks t ON t.id = a.task_id"
            " WHERE t.status = 'open' AND a.status = 'open'"
            " UNION SELECT created_by FROM tasks WHERE status = 'open' AND created_by IS NOT NULL"
            " ORDER BY 1"
        )
        return [row[0] for row in rows]

    async def open_of_series(self, series_id: int, after: int) -> list[Task]:
        """A repeating task's open occurrences due after a moment."""
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM tasks t WHERE t.series_id = ? AND t.status = 'open'"
            " AND t.due_at > ? ORDER BY t.due_at",
            (series_id, after),
        )
        return [Task(*row) for row in rows]

    async def created_open(self, member_id: int, limit: int) -> list[Task]:
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM tasks t WHERE t.created_by = ? AND t.status = 'open'"
            " ORDER BY t.due_at, t.id LIMIT ?",
            (member_id, limit),
        )
        return [Task(*row) for row in rows]

    async def unreachable_assignees(
        self, limit: int, units: tuple[int, ...] | None = None, creator: int | None = None,
    ) -> list[tuple[Member, int | None]]:
        """Members the bot cannot write to privately: failed before, or assigned work without
        ever having started the bot. Returned with since when it failed (None: never started).
        Each half is read through its partial index (migration 0010), not the members table.
        ``units`` (None: no limit) keeps only those with open parts in tasks of these units or
        created by ``creator``: what a unit admin manages.
        """
        if units is None:
            rows = await self.db.fetchall(
                f"SELECT {_MEMBER_ALIASED}, m.unreachable_at FROM members m WHERE m.id IN ("
                " SELECT id FROM members WHERE unreachable IS NOT NULL"
                " UNION SELECT id FROM members WHERE (telegram_id IS NULL OR started_at IS NULL)"
                "  AND EXISTS (SELECT 1 FROM task_assignees a JOIN tasks t ON t.id = a.task_id"
                "              WHERE a.member_id = members.id AND a.status = 'open'"
                "              AND t.status = 'open'))"
                " ORDER BY m.id LIMIT ?",
                (limit,),
            )
        else:
            rows = await self.db.fetchall(
                f"SELECT {_MEMBER_ALIASED}, m.unreachable_at FROM members m WHERE m.id IN ("
                " SELECT id FROM members WHERE unreachable IS NOT NULL"
                " UNION SELECT id FROM members WHERE telegram_id IS NULL OR started_at IS NULL)"
                " AND EXISTS (SELECT 1 FROM task_assignees a JOIN tasks t ON t.id = a.task_id"
                "             WHERE a.member_id = m.id AND a.status = 'open'"
                "             AND t.status = 'open' AND (t.created_by = ?"
                "             OR t.group_chat_id IN (SELECT CAST(value AS BIGINT)"
                " FROM json_each(?))))"
                " ORDER BY m.id LIMIT ?",
                (creator, json.dumps(list(units)), limit),
            )
        return [(Member(*row[:-1]), row[-1]) for row in rows]

    async def set_status(
        self, conn: aiosqlite.Connection, task_id: int, status: str, by: int | None, now: int
    ) -> None:
        await conn.execute(
            "UPDATE tasks SET status = ?, closed_by = ?, closed_at = ?, updated_at = ?"
            " WHERE id = ?",
            (status, by, now, now, task_id),
        )

    async def update(
        self, conn: aiosqlite.Connection, task_id: int, *, title: str, due_at: int,
        group_chat_id: int | None, now: int,
    ) -> None:
        await conn.execute(
            "UPDATE tasks SET title = ?, due_at = ?, group_chat_id = ?, updated_at = ?"
            " WHERE id = ?",
            (title, due_at, group_chat_id, now, task_id),
        )


_PART_COLUMNS = (
    "a.status, a.done_at, a.done_by, a.note, a.file_id, a.file_kind, a.file_name, a.reason"
)


def _part(row: aiosqlite.Row | tuple) -> Part:
    """A Part from the part columns followed by the member columns."""
    values = tuple(row)
    return Part(Member(*values[8:]), *values[:8])
