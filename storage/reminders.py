"""The reminders table: the durable queue every notification goes through."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

import aiosqlite

from storage.database import Database

_COLUMNS = (
    "id, event_kind, event_id, kind, member_id, chat_id, event_at, fire_at, next_at, status,"
    " attempts, subject_id"
)


_FINISH = (
    "UPDATE reminders SET status = :status, attempts = attempts + :attempted,"
    " sent_at = CASE WHEN :status = 'sent' THEN :at ELSE sent_at END,"
    " next_at = COALESCE(:next_at, next_at), error = :error WHERE id = :id"
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


@dataclass(frozen=True)
class Recovered:
    """A row put back in the queue from 'sending': its send may have reached Telegram."""

    reminder_id: int
    chat_id: int | None  # the group it goes to; None for a member's private chat


@dataclass(frozen=True)
class SentAt:
    chat_id: int | None  # the group it went to; None for a member's private chat
    at: int  # seconds since the epoch, rounded down


@dataclass(frozen=True)
class GivenUp:
    """A reminder dropped after failed attempts, and the last error it met."""

    reminder_id: int
    attempts: int
    error: str | None


@dataclass(frozen=True)
class QueueStats:
    pending: int
    due: int  # pending and due now (or overdue)
    oldest_due_at: int | None  # fire time of the longest-waiting due row
    sent_last_hour: int
    last_sent_at: int | None
    retrying: int  # pending after at least one failed attempt


class ReminderRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(self, conn: aiosqlite.Connection, reminders: Iterable[NewReminder]) -> None:
        """Plan reminders; one already planned for the same moment is kept, not doubled."""
        reminders = list(reminders)
        if not reminders:
            return
        await conn.executemany(
            "INSERT INTO reminders (event_kind, event_id, kind, member_id, chat_id,"
            " event_at, fire_at, next_at, subject_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            [
                (r.event_kind, r.event_id, r.kind, r.member_id, r.chat_id, r.event_at,
                 r.fire_at, r.fire_at, r.subject_id)
                for r in reminders
            ],
        )

    async def cancel_pending(
        self, conn: aiosqlite.Connection, event_kind: str, event_id: int,
        kinds: tuple[str, ...] | None = None,
    ) -> None:
        """Withdraw an event's pending rows (only those of ``kinds`` when given)."""
        await conn.execute(
            "UPDATE reminders SET status = 'cancelled'"
            " WHERE event_kind = ? AND event_id = ? AND status = 'pending'"
            " AND (? IS NULL OR kind IN (SELECT value FROM json_each(?)))",
            (event_kind, event_id, None if kinds is None else 1,
             json.dumps(list(kinds or ()))),
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

    async def recover_in_flight(self) -> list[Recovered]:
        """Rows left in 'sending' with no send under way go back to the queue (they may repeat
        once): after a crash, a change of leader, or a run that could not store its outcomes."""
        async with self.db.transaction() as conn, conn.execute(
            "UPDATE reminders SET status = 'pending' WHERE status = 'sending'"
            " RETURNING id, chat_id"
        ) as cursor:
            rows = await cursor.fetchall()
        return [Recovered(row[0], row[1]) for row in rows]

    async def sent_since(self, since: int) -> list[SentAt]:
        """The reminders sent from ``since`` on (seconds since the epoch), by any instance."""
        rows = await self.db.fetchall(
            "SELECT chat_id, sent_at FROM reminders WHERE status = 'sent' AND sent_at >= ?",
            (since,),
        )
        return [SentAt(row[0], row[1]) for row in rows]

    async def release(self, conn: aiosqlite.Connection, reminder_ids: Iterable[int]) -> None:
        """Claimed rows whose outcome is unknown go back to the queue as they were."""
        await conn.executemany(
            "UPDATE reminders SET status = 'pending' WHERE id = ? AND status = 'sending'",
            [(reminder_id,) for reminder_id in reminder_ids],
        )

    async def skip_superseded(self, now: int, digest_window: int) -> list[GivenUp]:
        """Drop due "before" reminders that a later one, or the deadline itself, replaces,
        and digests more than ``digest_window`` seconds late.

        After downtime, several reminders of one event may be due at once; the recipient gets
        only the latest, and none once the deadline has passed (the deadline notice covers it).
        The same rule ends a reminder whose sending kept failing. Returns the rows dropped
        after failed attempts, so that giving up on them is logged.
        """
        async with self.db.transaction() as conn, conn.execute(
            "UPDATE reminders SET status = 'skipped'"
            " WHERE status = 'pending' AND next_at <= :now"
            " AND (kind = 'digest' AND fire_at < :now - :digest_window"
            " OR kind = 'before' AND (event_at <= :now OR EXISTS ("
            "   SELECT 1 FROM reminders later WHERE later.status = 'pending'"
            "   AND later.kind = 'before' AND later.event_kind = reminders.event_kind"
            "   AND later.event_id = reminders.event_id"
            "   AND later.member_id IS reminders.member_id"
            "   AND later.chat_id IS reminders.chat_id"
            "   AND later.fire_at > reminders.fire_at AND later.fire_at <= :now)))"
            " RETURNING id, attempts, error",
            {"now": now, "digest_window": digest_window},
        ) as cursor:
            rows = await cursor.fetchall()
        return [GivenUp(row[0], row[1], row[2]) for row in rows if row[1] > 0]

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
        await conn.executemany(_FINISH, _finish_rows(deliveries))

    async def finish_each(self, deliveries: Iterable[Delivery]) -> None:
        """Store outcomes that change nothing else, each on its own (see write_each)."""
        await self.db.write_each(_FINISH, _finish_rows(deliveries))

    async def next_pending_at(self) -> int | None:
        row = await self.db.fetchone(
            "SELECT MIN(next_at) FROM reminders WHERE status = 'pending'"
        )
        return row[0] if row else None

    async def status_counts(self) -> dict[str, int]:
        rows = await self.db.fetchall("SELECT status, COUNT(*) FROM reminders GROUP BY status")
        return {row[0]: row[1] for row in rows}

    async def queue_stats(self, now: int) -> QueueStats:
        """What an admin's /status shows of the queue."""
        row = await self.db.fetchone(
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE next_at <= :now),"
            " MIN(CASE WHEN next_at <= :now THEN fire_at END),"
            " COUNT(*) FILTER (WHERE attempts > 0)"
            " FROM reminders WHERE status = 'pending'",
            {"now": now},
        )
        sent = await self.db.fetchone(
            "SELECT COUNT(*) FILTER (WHERE sent_at > :since), MAX(sent_at)"
            " FROM reminders WHERE status = 'sent'",
            {"since": now - 3600},
        )
        assert row is not None and sent is not None
        return QueueStats(row[0], row[1], row[2], sent[0], sent[1], row[3])


def _finish_rows(deliveries: Iterable[Delivery]) -> list[dict[str, object]]:
    return [
        {"status": d.status, "at": d.at, "next_at": d.next_at, "error": d.error,
         "id": d.reminder_id, "attempted": int(d.attempted)}
        for d in deliveries
    ]
