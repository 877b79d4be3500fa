"""The dispatcher: one loop that sends whatever is due, woken at the earliest pending time.

The database is the only source of truth; the scheduler holds two jobs whatever the number of
reminders (the next wake-up and a periodic safety sweep). Rows are claimed in batches
(pending -> sending), sent with bounded concurrency, and their outcomes written in one
transaction per batch. A crash can therefore repeat at most one batch that was in flight,
and never loses a row: rows left in 'sending' go back to the queue at start.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from dataclasses import dataclass

from bot.clock import Clock, epoch
from bot.reminders.model import (
    Failed,
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


@dataclass
class _BatchResult:
    deliveries: list[Delivery]
    fallbacks: list[NewReminder]
    unreachable_members: dict[int, str]
    unreachable_chats: dict[int, str]


class Dispatcher:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        renderers: dict[str, Renderer],
        sender: Sender,
        scheduler: Scheduler,
        *,
        batch_size: int = 64,
        in_flight: int = 16,
    ) -> None:
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
        self.scheduler.repeat("reminders-sweep", SWEEP_INTERVAL, self.run)
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
        result = await self._deliver(batch, now)
        async with self.db.transaction() as conn:
            await self.reminders.finish(conn, result.deliveries)
            await self.reminders.add(conn, result.fallbacks)
            for member_id, reason in result.unreachable_members.items():
                await self.members.mark_unreachable(conn, member_id, reason, now)
            for chat_id, reason in result.unreachable_chats.items():
                await self.chats.mark_unreachable(conn, chat_id, reason, now)
        return True

    async def _deliver(self, batch: list[Reminder], now: int) -> _BatchResult:
        members = await self.members.by_ids(r.member_id for r in batch if r.member_id)
        unreachable_chats = await self.chats.unreachable_ids()
        notes = await self._render(batch, now, members)
        result = _BatchResult([], [], {}, {})

        async def deliver(reminder: Reminder) -> None:
            note = notes.get(reminder.id)
            if note is None:
                result.deliveries.append(Delivery(reminder.id, "cancelled", now))
                return
            target = _destination(reminder, members, unreachable_chats)
            if isinstance(target, Unreachable):
                outcome: Outcome = target
            else:
                async with self._sending:
                    outcome = await self.sender.send(target, note)
            self._record(reminder, note, outcome, now, result)

        await asyncio.gather(*(deliver(reminder) for reminder in batch))
        return result

    async def _render(
        self, batch: list[Reminder], now: int, members: dict[int, Member]
    ) -> dict[int, Notification | None]:
        by_kind: dict[str, list[Reminder]] = defaultdict(list)
        for reminder in batch:
            by_kind[reminder.event_kind].append(reminder)
        context = RenderContext(now, members, self.sender.bot_username)
        notes: dict[int, Notification | None] = {}
        for kind, reminders in by_kind.items():
            notes.update(await self.renderers[kind].render(reminders, context))
        return notes

    @staticmethod
    def _record(
        reminder: Reminder, note: Notification, outcome: Outcome, now: int, result: _BatchResult
    ) -> None:
        deliveries = result.deliveries
        match outcome:
            case Sent():
                deliveries.append(Delivery(reminder.id, "sent", now))
            case Unreachable(reason):
                deliveries.append(Delivery(reminder.id, "failed", now, error=reason))
                if reminder.chat_id is not None:
                    result.unreachable_chats[reminder.chat_id] = reason
                    return
                assert reminder.member_id is not None
                result.unreachable_members[reminder.member_id] = reason
                if note.fallback_chat_id is not None:
                    result.fallbacks.append(
                        NewReminder(reminder.event_kind, reminder.event_id, "fallback",
                                    reminder.member_id, note.fallback_chat_id,
                                    reminder.event_at, now)
                    )
            case Retry(after, error):
                if reminder.attempts + 1 >= MAX_ATTEMPTS:
                    deliveries.append(Delivery(reminder.id, "failed", now, error=error))
                else:
                    wait = after if after is not None else min(5 * 2**reminder.attempts, 600)
                    deliveries.append(
                        Delivery(reminder.id, "pending", now, next_at=now + int(wait) + 1,
                                 error=error)
                    )
            case Failed(error):
                log.error("Reminder %d could not be sent: %s", reminder.id, error)
                deliveries.append(Delivery(reminder.id, "failed", now, error=error))


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
