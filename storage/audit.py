"""The audit log: who changed what, and when."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from storage.database import Database


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: int
    actor_id: int | None
    action: str
    target: str
    details: str


class AuditRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(
        self,
        conn: aiosqlite.Connection,
        *,
        at: int,
        actor_id: int | None,
        action: str,
        target: str = "",
        details: str = "",
    ) -> None:
        await conn.execute(
            "INSERT INTO audit_log (at, actor_id, action, target, details) VALUES (?, ?, ?, ?, ?)",
            (at, actor_id, action, target, details),
        )

    async def recent(self, limit: int = 50) -> list[AuditEntry]:
        rows = await self.db.fetchall(
            "SELECT id, at, actor_id, action, target, details FROM audit_log"
            " ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        return [AuditEntry(*row) for row in rows]
