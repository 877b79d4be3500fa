"""Who was present at a meeting: meeting_attendees.checked_in_at / checked_in_by."""

from __future__ import annotations

import aiosqlite

from storage.database import Database


class CheckinRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def check_in(self, conn: aiosqlite.Connection, meeting_id: int, member_id: int,
                       by: int, now: int) -> bool:
        """Mark an attendee present; False if they had checked in already."""
        async with conn.execute(
            "UPDATE meeting_attendees SET checked_in_at = ?, checked_in_by = ?"
            " WHERE meeting_id = ? AND member_id = ? AND checked_in_at IS NULL"
            " RETURNING member_id",
            (now, by, meeting_id, member_id),
        ) as cursor:
            return await cursor.fetchone() is not None

    async def under_way(self, member_id: int, now: int, opens: int, lasts: int) -> list[int]:
        """The member's meetings whose check-in is open now: from ``opens`` seconds before
        the start until ``lasts`` seconds after it."""
        rows = await self.db.fetchall(
            "SELECT mt.id FROM meetings mt JOIN meeting_attendees a ON a.meeting_id = mt.id"
            " WHERE a.member_id = :member AND mt.status = 'scheduled'"
            " AND mt.starts_at <= :now + :opens AND mt.starts_at + :lasts >= :now"
            " ORDER BY mt.starts_at, mt.id",
            {"member": member_id, "now": now, "opens": opens, "lasts": lasts},
        )
        return [row[0] for row in rows]

    async def checked_in(self, meeting_id: int) -> set[int]:
        rows = await self.db.fetchall(
            "SELECT member_id FROM meeting_attendees WHERE meeting_id = ?"
            " AND checked_in_at IS NOT NULL",
            (meeting_id,),
        )
        return {row[0] for row in rows}
