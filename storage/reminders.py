"""The reminders table: the durable queue every notification goes through."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import aiosqlite

from storage.database import Database

_COLUMNS = (
    "id, event_kind, event_id, kind, member_id, chat_id, event_at, fire_at, next_at, status,"
    " attempts, subject_id"
)


@dataclass(frozen=True)
class NewReminder:
    event_kind: str
    event_id: int
    kind: str
    member_id: int | None
    chat_id: int | None
    event_at: int
    fire_at: int
    subject_id: int | None = None  # the member the message is about (whose report, ...)


@dataclass(frozen=True)
class Reminder:
    id: int
    event_kind: str
    event_id: int
    kind: str
    member_id: int | None
    chat_id: int | None
    event_at: int
    fire_at: int
    next_at: int
    status: str
    attempts: int
    subject_id: int | None = None


@dataclass(frozen=True)
class Delivery:
    """What became of one claimed reminder."""

    reminder_id: int
    status: str  # sent, failed, cancelled or pending (retry at next_at)
    at: int
    next_at: int | None = None
    error: str | None = None
    attempted: bool = True  # False when held back without trying (a chat's window was full)


class ReminderRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(self, conn: aiosqlite.Connection, reminders: Iterable[NewReminder]) -> None:
        """Plan reminders; one already planned for the same moment is kept, not doubled."""
        reminders = list(reminders)
        if not reminders:
            return
        await conn.executemany(
            "INSERT OR IGNORE INTO reminders (event_kind, event_id, kind, member_id, chat_id,"
            " event_at, fire_at, next_at, subject_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (r.event_kind, r.event_id, r.kind, r.member_id, r.chat_id, r.event_at,
                 r.fire_at, r.fire_at, r.subject_id)
                for r in reminders
            ],
        )

    async def cancel_pending(
        self, conn: aiosqlite.Connection, event_kind: str, event_id: int
    ) -> None:
        await conn.execute(
            "UPDATE reminders SET status = 'cancelled'"
            " WHERE event_kind = ? AND event_id = ? AND status = 'pending'",
            (event_kind, event_id),
        )

    async def cancel_pending_for(
        self, conn: aiosqlite.Connection, event_kind: str, event_id: int, *,
        member_id: int | None = None, chat_id: int | None = None, kind: str | None = None,
    ) -> None:
        """Withdraw the pending rows of one event for one recipient (and of one kind)."""
        await conn.execute(
            "UPDATE reminders SET status = 'cancelled' WHERE event_kind = :event_kind"
            " AND event_id = :event_id AND status = 'pending'"
            " AND member_id IS :member AND chat_id IS :chat AND (:kind IS NULL OR kind = :kind)",
            {"event_kind": event_kind, "event_id": event_id, "member": member_id,
             "chat": chat_id, "kind": kind},
        )

    async def recover_in_flight(self) -> int:
        """After a crash, rows caught mid-send go back to the queue (they may repeat once)."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE reminders SET status = 'pending' WHERE status = 'sending'"
            )
            return cursor.rowcount

    async def skip_superseded(self, now: int) -> None:
        """Drop due "before" reminders that a later one, or the deadline itself, replaces.

        After downtime, several reminders of one event may be due at once; the recipient gets
        only the latest, and none once the deadline has passed (the deadline notice covers it).
        """
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE reminders SET status = 'skipped'"
                " WHERE status = 'pending' AND kind = 'before' AND next_at <= :now"
                " AND (event_at <= :now OR EXISTS ("
                "   SELECT 1 FROM reminders later WHERE later.status = 'pending'"
                "   AND later.kind = 'before' AND later.event_kind = reminders.event_kind"
                "   AND later.event_id = reminders.event_id"
                "   AND later.member_id IS reminders.member_id"
                "   AND later.chat_id IS reminders.chat_id"
                "   AND later.fire_at > reminders.fire_at AND later.fire_at <= :now))",
                {"now": now},
            )

    async def claim_due(self, now: int, limit: int) -> list[Reminder]:
        """Move up to ``limit`` due rows to 'sending' and return them, earliest first."""
        async with self.db.transaction() as conn, conn.execute(
            f"UPDATE reminders SET status = 'sending' WHERE id IN ("
            " SELECT id FROM reminders WHERE status = 'pending' AND next_at <= ?"
            " ORDER BY next_at, id LIMIT ?)"
            f" RETURNING {_COLUMNS}",
            (now, limit),
        ) as cursor:
            rows = await cursor.fetchall()
        return sorted((Reminder(*row) for row in rows), key=lambda r: (r.next_at, r.id))

    async def finish(self, conn: aiosqlite.Connection, deliveries: Iterable[Delivery]) -> None:
        await conn.executemany(
            "UPDATE reminders SET status = :status, attempts = attempts + :attempted,"
            " sent_at = CASE WHEN :status = 'sent' THEN :at ELSE sent_at END,"
            " next_at = COALESCE(:next_at, next_at), error = :error WHERE id = :id",
            [
                {"status": d.status, "at": d.at, "next_at": d.next_at, "error": d.error,
                 "id": d.reminder_id, "attempted": int(d.attempted)}
                for d in deliveries
            ],
        )

    async def next_pending_at(self) -> int | None:
        row = await self.db.fetchone(
            "SELECT MIN(next_at) FROM reminders WHERE status = 'pending'"
        )
        return row[0] if row else None

    async def status_counts(self) -> dict[str, int]:
        rows = await self.db.fetchall("SELECT status, COUNT(*) FROM reminders GROUP BY status")
        return {row[0]: row[1] for row in rows}
