"""The tasks and task_assignees tables."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

import aiosqlite

from storage.database import Database
from storage.members import _COLUMNS as _MEMBER_COLUMNS
from storage.members import Member

_COLUMNS = (
    "t.id, t.title, t.tag, t.due_at, t.status, t.group_chat_id, t.created_by, t.created_at,"
    " t.closed_by, t.closed_at, t.meeting_id"
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

    @property
    def is_open(self) -> bool:
        return self.status == "open"


@dataclass(frozen=True)
class TaskFilter:
    """What /alltasks may narrow the open tasks to."""

    overdue_before: int | None = None
    member_id: int | None = None
    tag: str | None = None
    group_chat_id: int | None = None


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
    ) -> int:
        cursor = await conn.execute(
            "INSERT INTO tasks (title, tag, due_at, group_chat_id, created_by, created_at,"
            " updated_at, meeting_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (title, tag, due_at, group_chat_id, created_by, now, now, meeting_id),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    async def add_assignees(
        self, conn: aiosqlite.Connection, task_id: int, member_ids: Iterable[int]
    ) -> None:
        await conn.executemany(
            "INSERT OR IGNORE INTO task_assignees (task_id, member_id) VALUES (?, ?)",
            [(task_id, member_id) for member_id in member_ids],
        )

    async def get(self, task_id: int) -> Task | None:
        row = await self.db.fetchone(f"SELECT {_COLUMNS} FROM tasks t WHERE t.id = ?", (task_id,))
        return Task(*row) if row else None

    async def by_ids(self, task_ids: Iterable[int]) -> dict[int, Task]:
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM tasks t WHERE t.id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(set(task_ids))),),
        )
        return {row[0]: Task(*row) for row in rows}

    async def assignees(self, task_ids: Iterable[int]) -> dict[int, list[Member]]:
        """Assignees per task, for many tasks in one query."""
        rows = await self.db.fetchall(
            f"SELECT a.task_id, {_MEMBER_ALIASED} FROM task_assignees a"
            " JOIN members m ON m.id = a.member_id"
            " WHERE a.task_id IN (SELECT value FROM json_each(?)) ORDER BY a.task_id, m.id",
            (json.dumps(list(set(task_ids))),),
        )
        found: dict[int, list[Member]] = {}
        for row in rows:
            found.setdefault(row[0], []).append(Member(*row[1:]))
        return found

    async def open_tasks(self, where: TaskFilter) -> list[Task]:
        """Open tasks, soonest deadline first, narrowed by the filter's set fields."""
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM tasks t WHERE t.status = 'open'"
            " AND (:before IS NULL OR t.due_at < :before)"
            " AND (:member IS NULL OR EXISTS (SELECT 1 FROM task_assignees a"
            "      WHERE a.task_id = t.id AND a.member_id = :member))"
            " AND (:tag IS NULL OR t.tag = :tag COLLATE NOCASE)"
            " AND (:chat IS NULL OR t.group_chat_id = :chat)"
            " ORDER BY t.due_at, t.id",
            {
                "before": where.overdue_before,
                "member": where.member_id,
                "tag": where.tag,
                "chat": where.group_chat_id,
            },
        )
        return [Task(*row) for row in rows]

    async def for_meeting(self, meeting_id: int) -> list[Task]:
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM tasks t WHERE t.meeting_id = ? ORDER BY t.due_at, t.id",
            (meeting_id,),
        )
        return [Task(*row) for row in rows]

    async def members_with_open_tasks(self) -> list[int]:
        rows = await self.db.fetchall(
            "SELECT DISTINCT a.member_id FROM task_assignees a JOIN tasks t ON t.id = a.task_id"
            " WHERE t.status = 'open' ORDER BY a.member_id"
        )
        return [row[0] for row in rows]

    async def unreachable_assignees(self) -> list[tuple[Member, int | None]]:
        """Members the bot cannot write to privately: failed before, or assigned work without
        ever having started the bot. Returned with since when it failed (None: never started).
        """
        rows = await self.db.fetchall(
            f"SELECT {_MEMBER_ALIASED}, m.unreachable_at FROM members m"
            " WHERE m.unreachable IS NOT NULL OR ((m.telegram_id IS NULL OR m.started_at IS NULL)"
            "  AND EXISTS (SELECT 1 FROM task_assignees a JOIN tasks t ON t.id = a.task_id"
            "              WHERE a.member_id = m.id AND t.status = 'open'))"
            " ORDER BY m.id"
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

    async def set_due(
        self, conn: aiosqlite.Connection, task_id: int, due_at: int, now: int
    ) -> None:
        await conn.execute(
            "UPDATE tasks SET due_at = ?, updated_at = ? WHERE id = ?", (due_at, now, task_id)
        )
