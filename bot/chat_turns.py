"""A chat's updates handled one at a time across instances (webhook mode on PostgreSQL).

Telegram posts a chat's next update only once the previous one was answered. The webhook answers
once this instance holds the chat's advisory lock (on a session of its own, outside the pool, so
handlers never wait for its connection), and the lock is released once the update has been
handled: the chat's next update, posted to another instance meanwhile, waits for it there. So a
chat's updates are handled in order whichever instance each one reaches. Several updates of a
chat at one instance take the lock again (a session's locks count), and wait for each other in
bot/updates.py.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from typing import TYPE_CHECKING

from storage.database import LockSessionLost

if TYPE_CHECKING:
    from storage.session_locks import SessionLocks

log = logging.getLogger(__name__)

WAIT_S = 30.0  # then the webhook answers 503 and Telegram posts the update again later
RETRY_S = 0.02  # between attempts to take a lock another instance holds


class ChatTurns:
    def __init__(self, locks: SessionLocks, wait: float = WAIT_S, retry: float = RETRY_S) -> None:
        self.locks = locks
        self.wait = wait
        self.retry = retry
        self._held: Counter[int] = Counter()  # chat -> updates holding its lock, this session
        self._generation = 0

    async def take(self, chat_id: int) -> bool:
        """Hold the chat's lock for one update; False if it could not be had in time."""
        deadline = time.monotonic() + self.wait
        try:
            while not await self.locks.try_lock(chat_id):
                if time.monotonic() > deadline:
                    log.warning("Chat %d stayed busy on another instance for %.0f s", chat_id,
                                self.wait)
                    return False
                await asyncio.sleep(self.retry)
        except LockSessionLost as exc:
            log.warning("Cannot take chat %d's turn: %s", chat_id, exc)
            return False
        if self.locks.generation != self._generation:  # a new session: the old one's are gone
            self._held.clear()
            self._generation = self.locks.generation
        self._held[chat_id] += 1
        return True

    async def give_back(self, chat_id: int) -> None:
        """The update is handled: release one hold of the chat's lock."""
        if self._held[chat_id] <= 0:  # taken by a session since lost: the server released it
            del self._held[chat_id]
            return
        self._held[chat_id] -= 1
        if not self._held[chat_id]:
            del self._held[chat_id]
        try:
            await self.locks.unlock(chat_id)
        except LockSessionLost as exc:  # the server released every lock of the session
            log.warning("Lost the chat locks' session: %s", exc)

    async def close(self) -> None:
        await self.locks.close()
