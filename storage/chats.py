"""The chats table: private and group chats, and which groups receive notifications."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from storage.database import Database
from storage.moves import move

_COLUMNS = "id, type, title, subscribed, subscribed_by, subscribed_at"


@dataclass(frozen=True)
class Chat:
    id: int
    type: str
    title: str
    subscribed: bool
    subscribed_by: int | None
    subscribed_at: int | None

    @classmethod
    def _from_row(cls, row: aiosqlite.Row) -> Chat:
        return cls(row[0], row[1], row[2], bool(row[3]), row[4], row[5])


class ChatRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, chat_id: int) -> Chat | None:
        row = await self.db.fetchone(f"SELECT {_COLUMNS} FROM chats WHERE id = ?", (chat_id,))
        return Chat._from_row(row) if row else None

    async def subscribed(self) -> list[Chat]:
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM chats WHERE subscribed = 1 ORDER BY id"
        )
        return [Chat._from_row(row) for row in rows]

    async def record_seen(
        self, conn: aiosqlite.Connection, chat_id: int, chat_type: str, title: str, now: int
    ) -> None:
        """Insert or refresh a chat; a row that already says the same is not written."""
        await conn.execute(
            "INSERT INTO chats (id, type, title, created_at, updated_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET type = excluded.type, title = excluded.title,"
            " updated_at = excluded.updated_at, unreachable = NULL, unreachable_at = NULL"
            " WHERE chats.type != excluded.type OR chats.title != excluded.title"
            " OR chats.unreachable IS NOT NULL",
            (chat_id, chat_type, title, now, now),
        )

    async def unreachable_ids(self) -> set[int]:
        rows = await self.db.fetchall("SELECT id FROM chats WHERE unreachable IS NOT NULL")
        return {row[0] for row in rows}

    async def mark_unreachable(
        self, conn: aiosqlite.Connection, chat_id: int, reason: str, now: int
    ) -> None:
        await conn.execute(
            "UPDATE chats SET unreachable = ?, unreachable_at = ? WHERE id = ?",
            (reason, now, chat_id),
        )

    async def set_subscribed(
        self, conn: aiosqlite.Connection, chat_id: int, subscribed: bool, by: int, now: int
    ) -> None:
        await conn.execute(
            "UPDATE chats SET subscribed = ?, subscribed_by = ?, subscribed_at = ?,"
            " updated_at = ? WHERE id = ?",
            (int(subscribed), by, now, now, chat_id),
        )

    async def migrate(
        self, conn: aiosqlite.Connection, old_id: int, new_id: int, now: int
    ) -> None:
        """A group became a supergroup: everything that pointed at its old id follows."""
        for statement in _MIGRATE:
            await conn.execute(statement, {"old": old_id, "new": new_id, "now": now})


_MIGRATE = (
    "INSERT INTO chats (id, type, title, subscribed, subscribed_by, subscribed_at,"
    " created_at, updated_at, unit_name, parent_id) SELECT :new, 'supergroup', title,"
    " subscribed, subscribed_by, subscribed_at, created_at, :now, unit_name, parent_id"
    " FROM chats WHERE id = :old ON CONFLICT DO NOTHING",
    "UPDATE chats SET parent_id = :new WHERE parent_id = :old",
    "UPDATE tasks SET group_chat_id = :new WHERE group_chat_id = :old",
    "UPDATE meetings SET group_chat_id = :new WHERE group_chat_id = :old",
    "UPDATE meeting_series SET group_chat_id = :new WHERE group_chat_id = :old",
    "UPDATE task_series SET group_chat_id = :new WHERE group_chat_id = :old",
    # A row the new chat has already (someone seen there since) is kept, the old one dropped.
    move("chat_members", "chat_id"),
    "DELETE FROM chat_members WHERE chat_id = :old",
    move("reminders", "chat_id"),
    "DELETE FROM chats WHERE id = :old",
)
