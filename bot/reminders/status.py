"""What an admin's /status shows: the queue, recent sends and failures, who is out of reach."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from bot.clock import Clock, epoch
from bot.reminders.health import WINDOW, DeliveryHealth
from storage.database import Database
from storage.members import count_unreachable
from storage.reminders import QueueStats, ReminderRepository


@dataclass(frozen=True)
class DeliveryStatus:
    queue: QueueStats
    failures: Counter[str]  # failed attempts in the last hour, by reason
    failures_since: int  # the start of that hour, or the bot's start if later
    unreachable_members: int
    failing_since: int | None  # deliveries have failed without a success since then


class DeliveryStatusService:
    def __init__(self, db: Database, clock: Clock, health: DeliveryHealth) -> None:
        self.db = db
        self.clock = clock
        self.health = health
        self.reminders = ReminderRepository(db)

    async def status(self) -> DeliveryStatus:
        now = epoch(self.clock.now())
        return DeliveryStatus(
            queue=await self.reminders.queue_stats(now),
            failures=self.health.failures_by_reason(),
            failures_since=max(now - WINDOW, self.health.started_at),
            unreachable_members=await count_unreachable(self.db),
            failing_since=self.health.failing_since,
        )
