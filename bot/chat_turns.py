"""A chat's updates handled one at a time across instances (webhook mode on PostgreSQL).

Telegram posts a chat's next update only once the previous one was answered. The webhook answers
once this instance holds the chat's advisory lock (on a session of its own, outside the pool, so
handlers never wait for its connection), and the lock is released once the update has been
handled and its answers are sent (bot/updates.py): the chat's next update, posted to another
instance meanwhile, waits for it there. So a chat's updates are handled, and answered, in order
whichever instance each one reaches. Several updates of a
chat at one instance take the lock again (a session's locks count), and wait for each other in
bot/updates.py.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING

from storage.database import LockSessionLost

if TYPE_CHECKING:
    from storage.session_locks import SessionLocks

log = logging.getLogger(__name__)

WAIT_S = 30.0  # then the webhook answers 503 and Telegram posts the update again later
RETRY_S = 0.02  # before the second attempt to take a lock another instance holds, doubling...
RETRY_MAX_S = 0.25  # ...up to this: a busy chat costs the shared session few round trips


class ChatTurns:
    def __init__(self, locks: SessionLocks, wait: float = WAIT_S, retry: float = RETRY_S) -> None:
        self.locks = locks
        self.wait = wait
        self.retry = retry
        # update -> (chat, session generation) of each hold taken for it (Telegram may post
        # an update again if our answer was lost)
        self._taken: dict[int, list[tuple[int, int]]] = {}

    async def take(self, chat_id: int, update_id: int) -> bool:
        """Hold the chat's lock for one update; False if it could not be had in time."""
        generation = await self._lock(chat_id)
        if generation is None:
            return False
        self._taken.setdefault(update_id, []).append((chat_id, generation))
        return True

    async def give_back(self, update_id: int) -> None:
        """The update is handled: release its hold of the chat's lock, unless the session it
        was taken on has ended since (the server released that hold, and unlocking on the
        new session would release a later update's)."""
        holds = self._taken.get(update_id)
        if not holds:
            return
        chat_id, generation = holds.pop()
        if not holds:
            del self._taken[update_id]
        if generation != self.locks.generation:
            return
        try:
            await self.locks.unlock(chat_id)
        except LockSessionLost as exc:  # the server released every lock of the session
            log.warning("Lost the chat locks' session: %s", exc)

    async def close(self) -> None:
        await self.locks.close()

    async def _lock(self, chat_id: int) -> int | None:
        """Take the chat's lock, retrying with a growing pause; the session's generation, or
        None if the lock could not be had in time."""
        deadline = time.monotonic() + self.wait
        pause = self.retry
        try:
            while not await self.locks.try_lock(chat_id):
                if time.monotonic() > deadline:
                    log.warning("Chat %d stayed busy on another instance for %.0f s", chat_id,
                                self.wait)
                    return None
                await asyncio.sleep(pause)
                pause = min(pause * 2, RETRY_MAX_S)
        except LockSessionLost as exc:
            log.warning("Cannot take chat %d's turn: %s", chat_id, exc)
            return None
        return self.locks.generation
