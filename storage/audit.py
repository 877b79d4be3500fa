"""The audit log: who changed what, and when."""

from __future__ import annotations

import aiosqlite

from storage.database import Database


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
