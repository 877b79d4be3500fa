"""The dispatcher: one loop that sends whatever is due, woken at the earliest pending time.

The database is the only source of truth; the scheduler holds two jobs whatever the number of
reminders (the next wake-up and a periodic safety sweep). Rows are claimed in batches
(pending -> sending), sent with bounded concurrency, and their outcomes written in one
transaction per batch. A crash can therefore repeat at most the batch that was in flight, and
never loses a row: rows left in 'sending' go back to the queue at start.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections import defaultdict
from dataclasses import dataclass

import aiosqlite

from bot.clock import Clock, epoch
from bot.reminders.model import (
    Failed,
    Migrated,
    Notification,
    Outcome,
    RenderContext,
    Renderer,
    Retry,
    Scheduler,
    Sender,
    Sent,
    Unreachable,
)
from storage.chats import ChatRepository
from storage.database import Database
from storage.members import Member, MemberRepository
from storage.reminders import Delivery, NewReminder, Reminder, ReminderRepository

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
SWEEP_INTERVAL = 60.0
SWEEP_JOB = "reminders-sweep"  # scheduled from start() on: /healthz looks for it
BATCH_SIZE = 64
# Sends in flight at once; well inside PTB's HTTP connection pool (see bot/app.py).
IN_FLIGHT = 8  # more only adds HTTP-pool overhead: see bench/reminders.py


@dataclass(frozen=True)
class _Result:
    """Everything one delivery changes, written together."""

    delivery: Delivery
    fallback: NewReminder | None = None
    unreachable_member: tuple[int, str] | None = None
    unreachable_chat: tuple[int, str] | None = None
    migrated_chat: tuple[int, int] | None = None  # (old id, new id)


class Dispatcher:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        renderers: dict[str, Renderer],
        sender: Sender,
        scheduler: Scheduler,
        *,
        default_language: str,
        batch_size: int = BATCH_SIZE,
        in_flight: int = IN_FLIGHT,
    ) -> None:
        self.default_language = default_language
        self.db = db
        self.clock = clock
        self.renderers = renderers
        self.sender = sender
        self.scheduler = scheduler
        self.batch_size = batch_size
        self.reminders = ReminderRepository(db)
        self.members = MemberRepository(db)
        self.chats = ChatRepository(db)
        self._sending = asyncio.Semaphore(in_flight)
        self._running = asyncio.Lock()

    async def start(self) -> None:
        """Put rows a crash left in flight back in the queue, then start the two jobs."""
        recovered = await self.reminders.recover_in_flight()
        if recovered:
            log.warning("Re-queued %d reminders that were being sent when the bot stopped",
                        recovered)
        self.scheduler.repeat(SWEEP_JOB, SWEEP_INTERVAL, self.run)
        await self.arm()

    async def arm(self) -> None:
        """(Re)schedule the wake-up for the earliest pending row."""
        next_at = await self.reminders.next_pending_at()
        if next_at is None:
            return
        delay = max(0.0, next_at - self.clock.now().timestamp())
        self.scheduler.call_later("reminders-dispatch", delay, self.run)

    async def run(self) -> None:
        """Send everything that is due, after any run already under way has finished."""
        async with self._running:
            while await self._dispatch_batch():
                pass
        await self.arm()

    async def _dispatch_batch(self) -> bool:
        now = epoch(self.clock.now())
        await self.reminders.skip_superseded(now)
        batch = await self.reminders.claim_due(now, self.batch_size)
        if not batch:
            return False
        members = await self.members.by_ids(r.member_id for r in batch if r.member_id)
        unreachable_chats = await self.chats.unreachable_ids()
        notes = await self._render(batch, now, members)
        budget: dict[int, tuple[int, float]] = {}
        results = await asyncio.gather(*(
            self._deliver(reminder, notes.get(reminder.id), budget,
                          _destination(reminder, members, unreachable_chats), now)
            for reminder in batch
        ))
        await self._save(results, now)
        return True

    async def _deliver(
        self, reminder: Reminder, note: Notification | None,
        budget: dict[int, tuple[int, float]], target: int | Unreachable, now: int,
    ) -> _Result:
        """Send one reminder (or decide not to) and say what became of it."""
        if note is None:
            return _Result(Delivery(reminder.id, "cancelled", now))
        if isinstance(target, Unreachable):
            return _result(reminder, note, target, now)
        # A chat whose rate window is full would hold a send slot (and so the whole batch)
        # until it frees up: hold its message back instead and send the others.
        free, again_in = budget.setdefault(target, self.sender.room(target))
        if free <= 0:
            return _Result(Delivery(reminder.id, "pending", now,
                                    next_at=now + max(1, math.ceil(again_in)), attempted=False))
        budget[target] = (free - 1, again_in)
        async with self._sending:
            return _result(reminder, note, await self._send(target, note), now)

    async def _send(self, chat_id: int, note: Notification) -> Outcome:
        """Send, turning even an unexpected failure into an outcome to store, so one broken
        message never leaves its row in flight or stops the others."""
        try:
            return await self.sender.send(chat_id, note)
        except Exception as exc:  # logged, and stored on the row
            log.exception("Unexpected failure sending to chat %s", chat_id)
            return Failed(f"unexpected: {exc!r}")

    async def _save(self, results: list[_Result], now: int) -> None:
        """Store a batch's outcomes in one transaction.

        Until then its rows stay 'sending', so a crash repeats at most that batch: the rows
        in flight. Writing once per batch, not once per send, also keeps SQLite's thread from
        competing with the HTTP client while the batch is being sent (twice the send rate).
        """
        if not results:
            return
        async with self.db.transaction() as conn:
            await self.reminders.finish(conn, [r.delivery for r in results])
            await self.reminders.add(conn, [r.fallback for r in results if r.fallback])
            for result in results:
                await self._apply_side_effects(conn, result, now)

    async def _apply_side_effects(self, conn: aiosqlite.Connection, result: _Result,
                                  now: int) -> None:
        if result.unreachable_member is not None:
            await self.members.mark_unreachable(conn, *result.unreachable_member, now)
        if result.unreachable_chat is not None:
            await self.chats.mark_unreachable(conn, *result.unreachable_chat, now)
        if result.migrated_chat is not None:
            await self.chats.migrate(conn, *result.migrated_chat, now)

    async def _render(
        self, batch: list[Reminder], now: int, members: dict[int, Member]
    ) -> dict[int, Notification | None]:
        by_kind: dict[str, list[Reminder]] = defaultdict(list)
        for reminder in batch:
            by_kind[reminder.event_kind].append(reminder)
        context = RenderContext(now, members, self.sender.bot_username, self.default_language)
        notes: dict[int, Notification | None] = {}
        for kind, reminders in by_kind.items():
            notes.update(await self.renderers[kind].render(reminders, context))
        return notes

def _result(reminder: Reminder, note: Notification, outcome: Outcome, now: int) -> _Result:
    """What an outcome means for the row, the recipient, and the group fallback."""
    match outcome:
        case Sent():
            return _Result(Delivery(reminder.id, "sent", now))
        case Unreachable(reason):
            failed = Delivery(reminder.id, "failed", now, error=reason)
            if reminder.chat_id is not None:
                return _Result(failed, unreachable_chat=(reminder.chat_id, reason))
            assert reminder.member_id is not None
            fallback = None
            if note.fallback_chat_id is not None:
                fallback = NewReminder(reminder.event_kind, reminder.event_id, "fallback",
                                       reminder.member_id, note.fallback_chat_id,
                                       reminder.event_at, now)
            return _Result(failed, fallback, unreachable_member=(reminder.member_id, reason))
        case Retry(after, error):
            if reminder.attempts + 1 >= MAX_ATTEMPTS:
                return _Result(Delivery(reminder.id, "failed", now, error=error))
            wait = after if after is not None else min(5 * 2**reminder.attempts, 600)
            return _Result(Delivery(reminder.id, "pending", now, next_at=now + int(wait) + 1,
                                    error=error))
        case Failed(error):
            log.error("Reminder %d could not be sent: %s", reminder.id, error)
            return _Result(Delivery(reminder.id, "failed", now, error=error))
        case Migrated(new_chat_id):
            assert reminder.chat_id is not None
            return _Result(Delivery(reminder.id, "pending", now, next_at=now,
                                    error="group upgraded to a supergroup"),
                           migrated_chat=(reminder.chat_id, new_chat_id))
    raise AssertionError(f"unknown outcome {outcome!r}")


def _destination(
    reminder: Reminder, members: dict[int, Member], unreachable_chats: set[int]
) -> int | Unreachable:
    """The chat to send to, or why there is none."""
    if reminder.chat_id is not None:
        if reminder.chat_id in unreachable_chats:
            return Unreachable("kicked")
        return reminder.chat_id
    member = members.get(reminder.member_id or 0)
    if member is None or member.telegram_id is None or member.started_at is None:
        return Unreachable("not_started")
    if member.unreachable:
        return Unreachable(member.unreachable)
    return member.telegram_id
