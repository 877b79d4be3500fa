"""Which instance leads: the one that sends the reminders and runs the once-a-day jobs.

Any number of instances may run against one PostgreSQL database; the leader is the one whose
own session (storage/session_locks.py) holds the leader's advisory lock. The others try to
take it every ``interval`` seconds, so when the leader's process or connection dies, one of
them leads within about that long. The leader checks its session as often, and stops leading
the moment it is lost (the server has released the lock, and another instance may take it).
With SQLite there is one process, which always leads.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from bot.reminders.model import Scheduler
from storage.database import LockSessionLost

if TYPE_CHECKING:
    from storage.session_locks import SessionLocks

log = logging.getLogger(__name__)

LEADER_LOCK = 0x436F6D6D_00000002  # an advisory lock key this application alone uses
POLL_INTERVAL = 1.0  # seconds between attempts to lead, and between checks while leading
POLL_JOB = "leadership"

Step = Callable[[], Awaitable[None]]


def instance_name() -> str:
    """How the logs name this instance: host:pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


class Leadership:
    """``lead`` steps run in order when this instance becomes the leader, ``follow`` steps
    when it stops being it (its session was lost)."""

    def __init__(
        self,
        locks: SessionLocks | None,
        scheduler: Scheduler,
        *,
        lead: list[Step],
        follow: list[Step],
        name: str | None = None,
        interval: float = POLL_INTERVAL,
    ) -> None:
        self.locks = locks
        self.scheduler = scheduler
        self.name = name or instance_name()
        self.interval = interval
        self.leading = False
        self._lead = lead
        self._follow = follow
        self._polling = asyncio.Lock()
        self._stopped = False

    async def start(self) -> None:
        """Lead at once if no one does, and keep trying (or checking) from then on."""
        await self.poll()
        if self.locks is not None:
            self.scheduler.repeat(POLL_JOB, self.interval, self.poll)

    async def poll(self) -> None:
        """One attempt to lead, or one check that this instance still does."""
        if self._polling.locked():  # the previous poll is still taking over
            return
        async with self._polling:
            if self._stopped:
                return
            if not self.leading:
                if await self._acquire():
                    await self._take_over()
            elif not await self._still_held():
                self.leading = False
                log.warning("Instance %s lost the database session that made it the leader; it "
                            "stops sending reminders", self.name)
                for step in self._follow:
                    await step()

    async def stop(self) -> None:
        """Give the lead up (the caller has stopped what it led): another instance takes it
        within one interval."""
        async with self._polling:
            self._stopped = True
            if self.locks is not None:
                await self.locks.close()
            if self.leading:
                self.leading = False
                log.info("Instance %s stopped leading", self.name)

    async def _acquire(self) -> bool:
        if self.locks is None:
            return True
        try:
            return await self.locks.try_lock(LEADER_LOCK)
        except LockSessionLost as exc:
            log.warning("Instance %s cannot reach the database to try to lead: %s", self.name,
                        exc)
            return False

    async def _take_over(self) -> None:
        self.leading = True
        log.info("Instance %s leads: it sends the reminders and runs the daily jobs", self.name)
        try:
            for step in self._lead:
                await step()
        except Exception:  # the database, most likely: let another instance (or a later poll) try
            log.exception("Instance %s could not take the lead over; giving it up", self.name)
            self.leading = False
            for step in self._follow:
                await step()
            if self.locks is not None:
                await self.locks.close()

    async def _still_held(self) -> bool:
        if self.locks is None:
            return True
        try:
            await self.locks.check()
        except LockSessionLost as exc:
            log.warning("Instance %s: the leader's database session is lost: %s", self.name, exc)
            return False
        return True
