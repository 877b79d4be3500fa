"""The members table: everyone the bot has seen or been told about."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

import aiosqlite

from storage.database import Database, WriteFailed, inserted_id, new_id
from storage.moves import move

_COLUMNS = (
    "id, telegram_id, username, full_name, language, role, started_at, created_at, unreachable"
)


@dataclass(frozen=True)
class Member:
    id: int
    telegram_id: int | None
    username: str | None
    full_name: str
    language: str
    role: str
    started_at: int | None
    created_at: int
    unreachable: str | None = None  # why private messages fail: not_started, blocked

    @classmethod
    def _from_row(cls, row: aiosqlite.Row) -> Member:
        return cls(*row)

    @property
    def display_name(self) -> str:
        return self.full_name or (f"@{self.username}" if self.username else str(self.telegram_id))


class MemberRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def by_telegram_id(self, telegram_id: int) -> Member | None:
        row = await self.db.fetchone(
            f"SELECT {_COLUMNS} FROM members WHERE telegram_id = ?", (telegram_id,)
        )
        return Member._from_row(row) if row else None

    async def by_username(self, username: str) -> Member | None:
        row = await self.db.fetchone(
            f"SELECT {_COLUMNS} FROM members WHERE username = ?", (username.lstrip("@"),)
        )
        return Member._from_row(row) if row else None

    async def admins(self) -> list[Member]:
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM members WHERE role = 'admin' ORDER BY id"
        )
        return [Member._from_row(row) for row in rows]

    @staticmethod
    async def _fetch(conn: aiosqlite.Connection, member_id: int) -> Member:
        async with conn.execute(f"SELECT {_COLUMNS} FROM members WHERE id = ?", (member_id,)) as c:
            row = await c.fetchone()
        assert row is not None
        return Member._from_row(row)

    async def record_seen(
        self,
        conn: aiosqlite.Connection,
        *,
        telegram_id: int,
        username: str | None,
        full_name: str,
        language: str,
        started: bool,
        now: int,
    ) -> Member:
        """Insert or refresh a person seen on Telegram.

        Someone writing to the bot privately can be written to again, so ``started`` also
        clears a recorded delivery failure. A placeholder kept by username (someone named
        before they ever wrote to the bot) is linked to their Telegram id here. Usernames are
        unique on Telegram at any moment, so a stale holder of the same username loses it.
        The stored language is only set on insert: a later /lang choice wins over Telegram's
        client language.
        """
        if username:
            await conn.execute(
                "UPDATE members SET username = NULL, updated_at = ?"
                " WHERE username = ? AND telegram_id IS NOT NULL AND telegram_id != ?",
                (now, username, telegram_id),
            )
        known = await _one_id(conn, "SELECT id FROM members WHERE telegram_id = ?", telegram_id)
        waiting = await _one_id(
            conn, "SELECT id FROM members WHERE telegram_id IS NULL AND username = ?", username
        )
        started_at = now if started else None
        if known is not None and waiting is not None:
            await _absorb(conn, placeholder_id=waiting, member_id=known)
        member_id = known if known is not None else waiting
        if member_id is None:
            inserted = await inserted_id(
                conn,
                "INSERT INTO members (telegram_id, username, full_name, language, started_at,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (telegram_id, username, full_name, language, started_at, now, now),
            )
            if inserted is not None:
                return await self._fetch(conn, inserted)
            # Another instance stored this person meanwhile (PostgreSQL; SQLite has one
            # writer): theirs is the row to refresh.
            member_id = await _one_id(
                conn, "SELECT id FROM members WHERE telegram_id = ?", telegram_id)
            if member_id is None:
                raise WriteFailed(f"member {telegram_id} could not be stored: try again")
        # A placeholder never chose a language: it takes the client's when linked.
        await conn.execute(
            "UPDATE members SET language = CASE WHEN telegram_id IS NULL THEN ?"
            " ELSE language END, telegram_id = ?, username = ?, full_name = ?,"
            " started_at = COALESCE(started_at, ?), updated_at = ?,"
            " unreachable = CASE WHEN ? = 1 THEN NULL ELSE unreachable END,"
            " unreachable_at = CASE WHEN ? = 1 THEN NULL ELSE unreachable_at END"
            " WHERE id = ?",
            (language, telegram_id, username, full_name, started_at, now, started,
             started, member_id),
        )
        return await self._fetch(conn, member_id)

    async def placeholder_id(self, username: str | None) -> int | None:
        """The placeholder waiting for this username (named before they wrote), if any."""
        if not username:
            return None
        row = await self.db.fetchone(
            "SELECT id FROM members WHERE telegram_id IS NULL AND username = ?", (username,))
        return row[0] if row else None

    @staticmethod
    async def returned_placeholder(conn: aiosqlite.Connection, username: str, now: int) -> int:
        """A placeholder for work given back from whoever claimed @username: it shows as that
        name but holds no username, so no one can claim it again; an admin reassigns it."""
        return await new_id(
            conn,
            "INSERT INTO members (full_name, created_at, updated_at) VALUES (?, ?, ?)",
            (f"@{username}", now, now),
        )

    async def placeholder(self, conn: aiosqlite.Connection, username: str, now: int) -> Member:
        """The member known by this username, created if the bot has never seen them."""
        username = username.lstrip("@")
        await conn.execute(
            "INSERT INTO members (username, created_at, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (username, now, now),
        )
        async with conn.execute(
            f"SELECT {_COLUMNS} FROM members WHERE username = ?", (username,)
        ) as cursor:
            row = await cursor.fetchone()
        assert row is not None
        return Member._from_row(row)

    async def imported(
        self, conn: aiosqlite.Connection, telegram_id: int | None, username: str | None,
        full_name: str, now: int,
    ) -> Member:
        """The member a roster import names, by Telegram id or username; created if new.
        A name from the file fills in only where Telegram has given none."""
        if telegram_id:
            found = await _one_id(conn, "SELECT id FROM members WHERE telegram_id = ?",
                                  telegram_id)
        else:
            found = await _one_id(conn, "SELECT id FROM members WHERE username = ?", username)
        if found is None:
            found = await new_id(
                conn,
                "INSERT INTO members (telegram_id, username, full_name, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (telegram_id, username, full_name, now, now),
            )
        elif full_name:
            await conn.execute(
                "UPDATE members SET full_name = ?, updated_at = ? WHERE id = ? AND full_name = ''",
                (full_name, now, found),
            )
        return await self._fetch(conn, found)

    async def by_ids(self, member_ids: Iterable[int]) -> dict[int, Member]:
        ids = list(set(member_ids))
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM members WHERE id IN (SELECT CAST(value AS BIGINT)"
            f" FROM json_each(?))",
            (json.dumps(ids),),
        )
        return {row[0]: Member._from_row(row) for row in rows}

    async def mark_unreachable(
        self, conn: aiosqlite.Connection, member_id: int, reason: str, now: int
    ) -> None:
        """Record why private messages fail. "Has not started the bot" is not recorded for
        someone who has started it meanwhile (while their message was being sent)."""
        await conn.execute(
            "UPDATE members SET unreachable = :reason, unreachable_at = :now WHERE id = :id"
            " AND NOT (:reason = 'not_started' AND telegram_id IS NOT NULL"
            "          AND started_at IS NOT NULL)",
            {"reason": reason, "now": now, "id": member_id},
        )

    async def set_language(
        self, conn: aiosqlite.Connection, member_id: int, language: str, now: int
    ) -> None:
        await conn.execute(
            "UPDATE members SET language = ?, updated_at = ? WHERE id = ?",
            (language, now, member_id),
        )

    async def set_role(
        self, conn: aiosqlite.Connection, member_id: int, role: str, now: int
    ) -> None:
        await conn.execute(
            "UPDATE members SET role = ?, updated_at = ? WHERE id = ?", (role, now, member_id)
        )


async def _one_id(conn: aiosqlite.Connection, sql: str, value: object) -> int | None:
    async with conn.execute(sql, (value,)) as cursor:
        row = await cursor.fetchone()
    return row[0] if row else None


# Every table that points at a member follows them when a placeholder is absorbed; rows that
# would duplicate the member's own stay behind and are dropped.
_ABSORB = (
    *(
        statement
        for table in ("task_assignees", "meeting_attendees", "chat_members", "reminders",
                      "extension_requests")
        for statement in (move(table, "member_id"),
                          f"DELETE FROM {table} WHERE member_id = :old")
    ),
    "UPDATE reminders SET subject_id = :new WHERE subject_id = :old",
    "DELETE FROM members WHERE id = :old",
)


async def _absorb(conn: aiosqlite.Connection, *, placeholder_id: int, member_id: int) -> None:
    """Move what was assigned to a placeholder onto the member who now holds its username.

    Happens when a known member takes a username someone was already named by (``/addtask
    @new_name`` before the rename).
    """
    for statement in _ABSORB:
        await conn.execute(statement, {"new": member_id, "old": placeholder_id})


async def count_unreachable(db: Database) -> int:
    """Members the bot cannot write to privately (blocked it, or never started it)."""
    row = await db.fetchone("SELECT COUNT(*) FROM members WHERE unreachable IS NOT NULL")
    return int(row[0]) if row else 0
