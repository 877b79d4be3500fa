"""One unit of work: a change, the reminders it plans, its audit row and the dispatcher's
wake-up come together, so none can be forgotten."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import aiosqlite

from bot.clock import Clock, epoch
from bot.reminders.model import Wakeup
from storage.audit import AuditRepository
from storage.database import Database
from storage.members import Member
from storage.reminders import NewReminder, ReminderRepository


@dataclass
class Change:
    """What a unit of work collects while it runs; written when it commits."""

    conn: aiosqlite.Connection
    now: int
    target: str
    details: str = ""
    planned: list[NewReminder] = field(default_factory=list)

    def plan(self, reminders: Iterable[NewReminder]) -> None:
        self.planned.extend(reminders)


class UnitOfWork:
    def __init__(self, db: Database, clock: Clock, wakeup: Wakeup) -> None:
        self.db = db
        self.clock = clock
        self.wakeup = wakeup
        self.audit = AuditRepository(db)
        self.reminders = ReminderRepository(db)

    def now(self) -> int:
        return epoch(self.clock.now())

    @asynccontextmanager
    async def change(
        self, actor: Member | None, action: str, target: str
    ) -> AsyncIterator[Change]:
        """Run a change in one transaction; on success its reminders and audit row are
        written with it, and the dispatcher is woken if anything was planned. The change may
        name its target once it knows it (a new row's id)."""
        async with self.db.transaction() as conn:
            change = Change(conn, self.now(), target)
            yield change
            await self.reminders.add(conn, change.planned)
            await self.audit.record(
                conn, at=change.now, actor_id=actor.telegram_id if actor else None,
                action=action, target=change.target, details=change.details,
            )
        if change.planned:
            await self.wakeup()
