"""The extension_requests table: an assignee asks for more time, the creator decides."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from storage.database import Database, new_id

_COLUMNS = "id, task_id, member_id, due_at, reason, status, created_at"


@dataclass(frozen=True)
class ExtensionRequest:
    id: int
    task_id: int
    member_id: int
    due_at: int | None
    reason: str | None
    status: str  # asking, pending, approved, declined, dropped
    created_at: int


class ExtensionRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, request_id: int) -> ExtensionRequest | None:
        row = await self.db.fetchone(
            f"SELECT {_COLUMNS} FROM extension_requests WHERE id = ?", (request_id,)
        )
        return ExtensionRequest(*row) if row else None

    async def asking(self, member_id: int) -> ExtensionRequest | None:
        """The request whose date and reason the bot is waiting for from this member."""
        row = await self.db.fetchone(
            f"SELECT {_COLUMNS} FROM extension_requests WHERE member_id = ? AND status = 'asking'"
            " ORDER BY id DESC LIMIT 1",
            (member_id,),
        )
        return ExtensionRequest(*row) if row else None

    async def start(
        self, conn: aiosqlite.Connection, task_id: int, member_id: int, now: int
    ) -> int:
        """Open a request (dropping an earlier unfinished one of the same member)."""
        await conn.execute(
            "UPDATE extension_requests SET status = 'dropped'"
            " WHERE member_id = ? AND status = 'asking'",
            (member_id,),
        )
        return await new_id(
            conn,
            "INSERT INTO extension_requests (task_id, member_id, created_at) VALUES (?, ?, ?)",
            (task_id, member_id, now),
        )

    async def drop_asking(self, conn: aiosqlite.Connection, member_id: int) -> None:
        await conn.execute(
            "UPDATE extension_requests SET status = 'dropped'"
            " WHERE member_id = ? AND status = 'asking'",
            (member_id,),
        )

    async def submit(
        self, conn: aiosqlite.Connection, request_id: int, due_at: int, reason: str
    ) -> None:
        await conn.execute(
            "UPDATE extension_requests SET due_at = ?, reason = ?, status = 'pending'"
            " WHERE id = ? AND status = 'asking'",
            (due_at, reason, request_id),
        )

    async def decide(
        self, conn: aiosqlite.Connection, request_id: int, status: str, by: int, now: int
    ) -> bool:
        """Approve or decline a pending request; False if it was not pending."""
        async with conn.execute(
            "UPDATE extension_requests SET status = ?, decided_by = ?, decided_at = ?"
            " WHERE id = ? AND status = 'pending' RETURNING id",
            (status, by, now, request_id),
        ) as cursor:
            return await cursor.fetchone() is not None
