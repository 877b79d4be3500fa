"""Each chat's answers, sent in the order they were given while the bot goes on with the
chat's next update.

A chat's updates are handled one after another (bot/updates.py). Were each answer awaited
there, the chat's next update would wait a whole round trip to Telegram (tens of milliseconds
from Vietnam) for every answer before it: a group whose members all answer a meeting at
once would be served at the network's pace. Here an answer is posted and its update is done;
one send after another per chat keeps the order people see. Any other call to the chat
waits for the answers posted before it (bot/committee_bot.py), so a file or an edit never
overtakes the answer that announced it; calls whose order against answers does not matter
(reminders) are made ``aside``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from telegram.error import BadRequest, TelegramError

log = logging.getLogger(__name__)

# Set where a call need not come after the chat's posted answers: inside a posted send (the
# chain orders it already) and inside ``aside``.
_unordered: ContextVar[bool] = ContextVar("unordered", default=False)

Send = Callable[[], Awaitable[object]]


class Outbox:
    def __init__(self) -> None:
        self._last: dict[int, asyncio.Task[None]] = {}  # each chat's latest posted send
        self._pending: set[asyncio.Task[None]] = set()  # every posted send not yet done
        self._closed = False

    def post(self, chat_id: int, send: Send, fallback: Send | None = None) -> None:
        """Send after whatever was posted to the chat before. A send Telegram refuses as a bad
        request (a fault of the answer, not of the network) is logged and replaced by
        ``fallback``; either way the chat's next answers go on."""
        if self._closed:
            log.error("An answer to chat %s was posted after shutdown began: not sent", chat_id)
            return
        before = self._last.get(chat_id)
        task = asyncio.get_running_loop().create_task(
            self._in_turn(chat_id, before, send, fallback))
        self._last[chat_id] = task
        self._pending.add(task)
        task.add_done_callback(lambda done: self._forget(chat_id, done))

    async def sent(self, chat_id: int) -> None:
        """Return once every answer posted to the chat so far is sent (or has failed)."""
        last = self._last.get(chat_id)
        if last is not None and not _unordered.get():
            await asyncio.wait([last])

    @staticmethod
    @contextmanager
    def aside() -> Iterator[None]:
        """Calls made inside go out at once, not after the chat's posted answers."""
        token = _unordered.set(True)
        try:
            yield
        finally:
            _unordered.reset(token)

    async def close(self, within: float) -> None:
        """Send what is posted, for ``within`` seconds at most; what is left then is dropped
        and counted in the log. Nothing posted afterwards is sent."""
        self._closed = True
        if not self._pending:
            return
        _done, left = await asyncio.wait(set(self._pending), timeout=within)
        for task in left:
            task.cancel()
        if left:
            await asyncio.wait(left)
            log.warning("Stopped with %d answers unsent after %.1f s", len(left), within)

    async def _in_turn(self, chat_id: int, before: asyncio.Task[None] | None, send: Send,
                       fallback: Send | None) -> None:
        if before is not None:
            await asyncio.wait([before])  # whatever became of it, this one goes next
        _unordered.set(True)
        try:
            await send()
        except BadRequest:
            log.exception("Telegram refused an answer to chat %s", chat_id)
            if fallback is not None:
                await self._quietly(chat_id, fallback)
        except TelegramError as exc:
            log.warning("An answer to chat %s was not sent: %s", chat_id, exc)
        except Exception:
            log.exception("An answer to chat %s was not sent", chat_id)

    @staticmethod
    async def _quietly(chat_id: int, send: Send) -> None:
        try:
            await send()
        except TelegramError as exc:
            log.warning("The apology to chat %s was not sent either: %s", chat_id, exc)

    def _forget(self, chat_id: int, task: asyncio.Task[None]) -> None:
        self._pending.discard(task)
        if self._last.get(chat_id) is task:
            del self._last[chat_id]
