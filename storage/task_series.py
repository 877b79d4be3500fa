"""The task_series table: a repeating task's rule and what each occurrence is made from."""

from __future__ import annotations

import json
from dataclasses import dataclass

import aiosqlite

from storage.database import Database, new_id

_COLUMNS = (
    "id, rule, local_time, title, tag, priority, group_chat_id, member_ids, created_by,"
    " created_at, planned_until"
)


@dataclass(frozen=True)
class TaskSeries:
    id: int
    rule: str
    local_time: str  # HH:MM deadline in the committee's zone
    title: str
    tag: str | None
    priority: str | None
    group_chat_id: int | None
    member_ids: list[int]  # named assignees; empty: the unit's roster at each occurrence
    created_by: int | None
    created_at: int  # the rule counts from here (INTERVAL, COUNT)
    planned_until: int

    @classmethod
    def _from_row(cls, row: aiosqlite.Row) -> TaskSeries:
        values = list(row)
        values[7] = json.loads(values[7])
        return cls(*values)


class TaskSeriesRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def insert(
        self, conn: aiosqlite.Connection, *, rule: str, local_time: str, title: str,
        tag: str | None, priority: str | None, group_chat_id: int | None,
        member_ids: list[int], created_by: int, now: int,
    ) -> int:
        return await new_id(
            conn,
            "INSERT INTO task_series (rule, local_time, title, tag, priority, group_chat_id,"
            " member_ids, created_by, created_at, planned_until)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (rule, local_time, title, tag, priority, group_chat_id, json.dumps(member_ids),
             created_by, now, now),
        )

    async def active(self) -> list[TaskSeries]:
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM task_series WHERE active = 1 ORDER BY id"
        )
        return [TaskSeries._from_row(row) for row in rows]

    async def get(self, series_id: int) -> TaskSeries | None:
        row = await self.db.fetchone(
            f"SELECT {_COLUMNS} FROM task_series WHERE id = ?", (series_id,)
        )
        return TaskSeries._from_row(row) if row else None

    async def planned(self, conn: aiosqlite.Connection, series_id: int, until: int) -> None:
        await conn.execute(
            "UPDATE task_series SET planned_until = ? WHERE id = ?", (until, series_id)
        )

    async def stop(self, conn: aiosqlite.Connection, series_id: int) -> bool:
        async with conn.execute(
            "UPDATE task_series SET active = 0 WHERE id = ? AND active = 1 RETURNING id",
            (series_id,),
        ) as cursor:
            return await cursor.fetchone() is not None
