"""Each chat's answers, sent in the order they were given while the bot goes on with the
chat's next update.

A chat's updates are handled one after another (bot/updates.py). Were each answer awaited
there, the chat's next update would wait a whole round trip to Telegram (tens of milliseconds
from Vietnam) for every answer before it: a group whose members all answer a meeting at
once would be served at the network's pace. Here an answer is posted and its update is done;
one send after another per chat keeps the order people see. Any other call to the chat
waits for the answers posted before it (bot/committee_bot.py), so a file or an edit never
overtakes the answer that announced it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar

from telegram.error import TelegramError

log = logging.getLogger(__name__)

# Set inside a posted send: its own Bot API call must not wait for the chat's answers.
posting: ContextVar[bool] = ContextVar("posting", default=False)


class Outbox:
    def __init__(self) -> None:
        self._last: dict[int, asyncio.Task[None]] = {}  # each chat's latest posted send

    def post(self, chat_id: int, send: Callable[[], Awaitable[object]]) -> None:
        """Send after whatever was posted to the chat before; a failure is logged, and the
        chat's next answers go on."""
        before = self._last.get(chat_id)
        task = asyncio.get_running_loop().create_task(self._in_turn(chat_id, before, send))
        self._last[chat_id] = task
        task.add_done_callback(lambda done: self._forget(chat_id, done))

    async def sent(self, chat_id: int) -> None:
        """Return once every answer posted to the chat so far is sent (or has failed)."""
        last = self._last.get(chat_id)
        if last is not None and not posting.get():
            await asyncio.wait([last])

    async def close(self, within: float) -> None:
        """Send what is posted, for ``within`` seconds at most; what is left is dropped and
        counted in the log."""
        pending = set(self._last.values())
        if not pending:
            return
        _done, left = await asyncio.wait(pending, timeout=within)
        for task in left:
            task.cancel()
        if left:
            log.warning("Stopped with answers to %d chats unsent after %.0f s",
                        len(left), within)

    async def _in_turn(self, chat_id: int, before: asyncio.Task[None] | None,
                       send: Callable[[], Awaitable[object]]) -> None:
        if before is not None:
            await asyncio.wait([before])  # whatever became of it, this one goes next
        posting.set(True)
        try:
            await send()
        except TelegramError as exc:
            log.warning("An answer to chat %s was not sent: %s", chat_id, exc)
        except Exception:
            log.exception("An answer to chat %s was not sent", chat_id)

    def _forget(self, chat_id: int, task: asyncio.Task[None]) -> None:
        if self._last.get(chat_id) is task:
            del self._last[chat_id]
