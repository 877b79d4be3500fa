"""Telegram's sending limits, kept on our side so that the API never has to refuse us.

PTB's AIORateLimiter limits the overall rate and groups, but not private chats, and its leaky
buckets let a burst through on top of the steady rate. Telegram counts in windows, so this
limiter keeps a sliding window per key: at most 30 sends in any second overall, 20 in any
minute per group, 1 in any second per private chat. A RetryAfter still pauses every request
for the time Telegram asked, then the request is retried.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

# Methods that post a message; edits and callback answers are not counted by Telegram's limits.
_SENDING_PREFIXES = ("send", "copyMessage", "forwardMessage")
_UNCOUNTED = {"sendChatAction"}


def retry_seconds(exc: RetryAfter) -> float:
    """Seconds Telegram asked us to wait (PTB gives an int today, a timedelta from v23)."""
    pause = exc.retry_after
    return float(pause) if isinstance(pause, int | float) else pause.total_seconds()


class SlidingWindow:
    """At most ``limit`` sends in any ``period`` seconds, as the receiving server counts them.

    A send's slot is dated when its answer comes back, not when it leaves: the server saw it
    at some moment in between, so counting from the answer keeps the window safe whatever
    the network latency, and in-flight sends hold their slot until then.
    """

    def __init__(self, limit: int, period: float) -> None:
        self.limit = limit
        self.period = period
        self._slots: list[list[float]] = []  # one cell per send: [answer time], inf in flight
        self._changed = asyncio.Condition()

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        cell = await self._reserve()
        try:
            yield
        finally:
            async with self._changed:
                cell[0] = time.monotonic()
                self._changed.notify_all()

    async def _reserve(self) -> list[float]:
        async with self._changed:
            while True:
                now = time.monotonic()
                self._slots = [cell for cell in self._slots if cell[0] > now - self.period]
                if len(self._slots) < self.limit:
                    cell = [math.inf]
                    self._slots.append(cell)
                    return cell
                oldest = min(cell[0] for cell in self._slots)
                wait = None if oldest == math.inf else oldest + self.period - now
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), wait)

    def note(self, ago: float) -> None:
        """Count a send made elsewhere ``ago`` seconds ago."""
        answered = time.monotonic() - ago
        if answered > time.monotonic() - self.period:
            self._slots.append([answered])

    def room(self) -> tuple[int, float]:
        """Sends the window admits now, and when to look again for more: the time until a
        slot frees up if it is full, the window's average spacing otherwise."""
        now = time.monotonic()
        live = [cell[0] for cell in self._slots if cell[0] > now - self.period]
        free = self.limit - len(live)
        if free > 0:
            return free, self.period / self.limit
        oldest = min(live)
        return 0, self.period if oldest == math.inf else oldest + self.period - now

    def idle(self) -> bool:
        now = time.monotonic()
        return all(cell[0] <= now - self.period for cell in self._slots)


class TelegramRateLimiter(BaseRateLimiter[int]):
    def __init__(
        self,
        overall_per_second: int = 30,
        group_per_minute: int = 20,
        private_per_second: int = 1,
        max_retries: int = 3,
    ) -> None:
        self.overall = SlidingWindow(overall_per_second, 1.0)
        self.group_per_minute = group_per_minute
        self.private_per_second = private_per_second
        self.max_retries = max_retries
        self._chats: dict[int, SlidingWindow] = {}
        self._not_paused = asyncio.Event()
        self._not_paused.set()

    async def initialize(self) -> None:
        """Nothing to set up: windows are created on first use."""

    async def shutdown(self) -> None:
        self._chats.clear()

    def room(self, chat_id: int) -> tuple[int, float]:
        """How many sends this chat's window admits now (and else when), so a caller can
        hold back a message instead of blocking a send slot while the window is full."""
        return self._window(chat_id).room()

    def note_sent(self, chat_id: int, ago: float) -> None:
        """Count a message another instance sent to ``chat_id`` ``ago`` seconds ago."""
        self._window(chat_id).note(ago)

    def _window(self, chat_id: int) -> SlidingWindow:
        window = self._chats.get(chat_id)
        if window is None:
            if len(self._chats) > 10_000:  # forget chats whose window has emptied
                self._chats = {k: w for k, w in self._chats.items() if not w.idle()}
            window = (
                SlidingWindow(self.group_per_minute, 60.0)
                if chat_id < 0
                else SlidingWindow(self.private_per_second, 1.0)
            )
            self._chats[chat_id] = window
        return window

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        counted = endpoint.startswith(_SENDING_PREFIXES) and endpoint not in _UNCOUNTED
        chat_id = data.get("chat_id")
        with contextlib.suppress(TypeError, ValueError):
            chat_id = int(chat_id)  # type: ignore[arg-type]
        key = chat_id if counted and isinstance(chat_id, int) else None
        retries = rate_limit_args if rate_limit_args is not None else self.max_retries
        for _ in range(retries):
            try:
                return await self._send(callback, args, kwargs, counted, key)
            except RetryAfter as exc:
                await self._pause(exc)
        return await self._send(callback, args, kwargs, counted, key)

    async def _send(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        counted: bool,
        chat_id: int | None,
    ) -> Any:
        await self._not_paused.wait()
        async with contextlib.AsyncExitStack() as slots:
            if chat_id is not None:
                await slots.enter_async_context(self._window(chat_id).slot())
            if counted:
                await slots.enter_async_context(self.overall.slot())
            return await callback(*args, **kwargs)

    async def _pause(self, exc: RetryAfter) -> None:
        seconds = retry_seconds(exc)
        log.warning("Telegram asked to wait %.1f s; pausing all requests", seconds)
        self._not_paused.clear()
        try:
            await asyncio.sleep(seconds + 0.1)
        finally:
            self._not_paused.set()
