"""Units and their rosters: a unit is a subscribed group (chats row) with a name and an
optional parent; its roster is the chat_members rows whose status is 'member'."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

import aiosqlite

from storage.database import Database
from storage.members import _COLUMNS as _MEMBER_COLUMNS
from storage.members import Member

_MEMBER_ALIASED = ", ".join(f"m.{column.strip()}" for column in _MEMBER_COLUMNS.split(","))
_UNIT_COLUMNS = "c.id, COALESCE(c.unit_name, c.title), c.parent_id"


# Ways people put themselves on a roster (writing in the group, a roll-call press, answering a
# meeting there). None of them brings back someone an admin took off: a guest stays a guest.
SELF_JOINING = frozenset({"seen", "rollcall", "rsvp"})


def takes_on(status: str | None, source: str | None, joining: str) -> bool:
    """Whether joining by ``joining`` puts a member on the roster, given their row (status and
    how it last changed; None for no row)."""
    if status == "member":
        return False
    return not (joining in SELF_JOINING and status == "left" and source == "admin")


@dataclass(frozen=True)
class Unit:
    id: int  # the group's chat id
    name: str
    parent_id: int | None


@dataclass(frozen=True)
class RosterEntry:
    member: Member
    role: str  # member, admin (a unit admin, e.g. the cell secretary)
    source: str  # seen, chat_member, service, rollcall, admin, import
    changed_at: int | None


class UnitRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, chat_id: int) -> Unit | None:
        row = await self.db.fetchone(
            f"SELECT {_UNIT_COLUMNS} FROM chats c WHERE c.id = ? AND c.subscribed = 1",
            (chat_id,),
        )
        return Unit(*row) if row else None

    async def all(self) -> list[Unit]:
        rows = await self.db.fetchall(
            f"SELECT {_UNIT_COLUMNS} FROM chats c WHERE c.subscribed = 1 ORDER BY c.id"
        )
        return [Unit(*row) for row in rows]

    async def by_name(self, name: str) -> list[Unit]:
        rows = await self.db.fetchall(
            f"SELECT {_UNIT_COLUMNS} FROM chats c WHERE c.subscribed = 1"
            " AND lower(COALESCE(c.unit_name, c.title)) = lower(?) ORDER BY c.id",
            (name.strip(),),
        )
        return [Unit(*row) for row in rows]

    async def descendants(self, unit_ids: Iterable[int]) -> list[int]:
        """Every unit under these, at any depth (children, their children, ...)."""
        rows = await self.db.fetchall(
            "WITH RECURSIVE below (id) AS ("
            "  SELECT id FROM chats WHERE parent_id IN (SELECT CAST(value AS BIGINT)"
            " FROM json_each(?))"
            "  UNION SELECT c.id FROM chats c JOIN below b ON c.parent_id = b.id)"
            " SELECT c.id FROM below b JOIN chats c ON c.id = b.id WHERE c.subscribed = 1"
            " ORDER BY c.id",
            (json.dumps(sorted(set(unit_ids))),),
        )
        return [row[0] for row in rows]

    async def on_rosters(self, member_ids: Iterable[int], unit_ids: Iterable[int]) -> set[int]:
        """Which of these members are on the roster of any of these units."""
        rows = await self.db.fetchall(
            "SELECT DISTINCT member_id FROM chat_members WHERE status = 'member'"
            " AND member_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?))"
            " AND chat_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?))",
            (json.dumps(sorted(set(member_ids))), json.dumps(sorted(set(unit_ids)))),
        )
        return {row[0] for row in rows}

    async def set_name(
        self, conn: aiosqlite.Connection, chat_id: int, name: str | None, now: int
    ) -> None:
        await conn.execute(
            "UPDATE chats SET unit_name = ?, updated_at = ? WHERE id = ?", (name, now, chat_id)
        )

    async def set_parent(
        self, conn: aiosqlite.Connection, chat_id: int, parent_id: int | None, now: int
    ) -> None:
        await conn.execute(
            "UPDATE chats SET parent_id = ?, updated_at = ? WHERE id = ?",
            (parent_id, now, chat_id),
        )

    # ---- rosters -------------------------------------------------------------------------
    async def join(
        self, conn: aiosqlite.Connection, chat_id: int, member_id: int, source: str, now: int
    ) -> bool:
        """Put a member on a roster; True if they were not on it.

        Joining by oneself (``SELF_JOINING``) brings back someone who left the group, but not
        someone an admin took off the roster: a guest in the group is not a member of the unit.
        """
        async with conn.execute(
            "SELECT status, source FROM chat_members WHERE chat_id = ? AND member_id = ?",
            (chat_id, member_id),
        ) as cursor:
            row = await cursor.fetchone()
        if row is not None and not takes_on(row[0], row[1], source):
            return False
        await conn.execute(
            "INSERT INTO chat_members (chat_id, member_id, last_seen, status, source, changed_at)"
            " VALUES (:chat, :member, :now, 'member', :source, :now)"
            " ON CONFLICT (chat_id, member_id) DO UPDATE SET status = 'member',"
            " source = :source, changed_at = :now, last_seen = :now",
            {"chat": chat_id, "member": member_id, "source": source, "now": now},
        )
        return True

    async def leave(
        self, conn: aiosqlite.Connection, chat_id: int, member_id: int, source: str, now: int
    ) -> bool:
        """Take a member off a roster (and their unit role with it); True if they were on it."""
        async with conn.execute(
            "UPDATE chat_members SET status = 'left', role = 'member', source = ?,"
            " changed_at = ? WHERE chat_id = ? AND member_id = ? AND status = 'member'"
            " RETURNING member_id",
            (source, now, chat_id, member_id),
        ) as cursor:
            return await cursor.fetchone() is not None

    async def status(self, chat_id: int, member_id: int) -> tuple[str, str, str] | None:
        """(status, role, source) of a member in a unit, or None if never on its roster."""
        row = await self.db.fetchone(
            "SELECT status, role, source FROM chat_members WHERE chat_id = ? AND member_id = ?",
            (chat_id, member_id),
        )
        return (row[0], row[1], row[2]) if row else None

    async def set_role(
        self, conn: aiosqlite.Connection, chat_id: int, member_id: int, role: str, now: int
    ) -> None:
        await conn.execute(
            "UPDATE chat_members SET role = ?, changed_at = ? WHERE chat_id = ? AND member_id = ?",
            (role, now, chat_id, member_id),
        )

    async def roster(self, chat_id: int, offset: int, limit: int) -> list[RosterEntry]:
        """One page of a unit's roster by name. Names are no keyset for a 64-byte button, so
        this pages by offset: the cost follows the unit's size, never the members table."""
        rows = await self.db.fetchall(
            f"SELECT cm.role, cm.source, cm.changed_at, {_MEMBER_ALIASED}"
            " FROM chat_members cm JOIN members m ON m.id = cm.member_id"
            " WHERE cm.chat_id = ? AND cm.status = 'member' ORDER BY m.full_name, m.id"
            " LIMIT ? OFFSET ?",
            (chat_id, limit, offset),
        )
        return [RosterEntry(Member(*row[3:]), row[0], row[1], row[2]) for row in rows]

    async def roster_size(self, chat_id: int) -> int:
        row = await self.db.fetchone(
            "SELECT COUNT(*) FROM chat_members WHERE chat_id = ? AND status = 'member'",
            (chat_id,),
        )
        return int(row[0]) if row else 0

    async def admin_ids(self, conn: aiosqlite.Connection, chat_id: int) -> list[int]:
        """The unit's own admins (chat_members_roster covers the lookup)."""
        async with conn.execute(
            "SELECT member_id FROM chat_members WHERE chat_id = ? AND status = 'member'"
            " AND role = 'admin' ORDER BY member_id",
            (chat_id,),
        ) as cursor:
            return [row[0] for row in await cursor.fetchall()]

    async def roster_ids(self, conn: aiosqlite.Connection | None, chat_id: int) -> list[int]:
        sql = ("SELECT member_id FROM chat_members WHERE chat_id = ? AND status = 'member'"
               " ORDER BY member_id")
        if conn is None:
            return [row[0] for row in await self.db.fetchall(sql, (chat_id,))]
        async with conn.execute(sql, (chat_id,)) as cursor:
            return [row[0] for row in await cursor.fetchall()]

    async def units_of(self, member_id: int) -> list[tuple[int, str]]:
        """(unit id, role) for every unit the member is on the roster of."""
        rows = await self.db.fetchall(
            "SELECT cm.chat_id, cm.role FROM chat_members cm JOIN chats c ON c.id = cm.chat_id"
            " WHERE cm.member_id = ? AND cm.status = 'member' AND c.subscribed = 1"
            " ORDER BY cm.chat_id",
            (member_id,),
        )
        return [(row[0], row[1]) for row in rows]

    async def withdraw_invitations(
        self, conn: aiosqlite.Connection, chat_id: int, member_id: int, now: int
    ) -> None:
        """Someone who left a unit is no longer invited to its meetings still ahead."""
        ahead = ("SELECT id FROM meetings WHERE group_chat_id = :chat AND status = 'scheduled'"
                 " AND starts_at > :now")
        params = {"chat": chat_id, "member": member_id, "now": now}
        await conn.execute(
            "UPDATE reminders SET status = 'cancelled' WHERE status = 'pending'"
            f" AND member_id = :member AND event_kind = 'meeting' AND event_id IN ({ahead})",
            params,
        )
        await conn.execute(
            f"DELETE FROM meeting_attendees WHERE member_id = :member AND meeting_id IN ({ahead})",
            params,
        )
