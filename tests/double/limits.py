"""Flood control (Telegram's documented broadcast limits) and injected one-shot failures."""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from .errors import DEFAULT_DESCRIPTIONS, ApiError, too_many_requests

# Methods that deliver a new message and therefore count against the limits.
COUNTED_METHODS = frozenset({"sendMessage", "sendDocument", "sendPhoto"})

GLOBAL_LIMIT = (30, 1.0)  # messages, seconds
PRIVATE_LIMIT = (1, 1.0)
GROUP_LIMIT = (20, 60.0)


class RateLimiter:
    """Sliding-window limits: 30/s overall, 1/s per private chat, 20/min per group."""

    def __init__(self) -> None:
        self.enabled = False
        self._all: deque[float] = deque()
        self._per_chat: dict[int, deque[float]] = {}

    @staticmethod
    def _retry_after(window: deque[float], limit: tuple[int, float], now: float) -> int | None:
        """Seconds until the window has room again, or None when under the limit."""
        count, span = limit
        while window and window[0] <= now - span:
            window.popleft()
        if len(window) < count:
            return None
        return max(1, math.ceil(window[0] + span - now))

    def check(self, chat_id: int, is_group: bool) -> None:
        """Raise the 429 Telegram would give for one more message to chat_id now."""
        if not self.enabled:
            return
        now = time.monotonic()
        chat_window = self._per_chat.setdefault(chat_id, deque())
        waits = [
            self._retry_after(self._all, GLOBAL_LIMIT, now),
            self._retry_after(chat_window, GROUP_LIMIT if is_group else PRIVATE_LIMIT, now),
        ]
        worst = max((wait for wait in waits if wait is not None), default=None)
        if worst is not None:
            raise too_many_requests(worst)

    def record(self, chat_id: int) -> None:
        """Count a message that was actually delivered."""
        now = time.monotonic()
        self._all.append(now)
        self._per_chat.setdefault(chat_id, deque()).append(now)

    def reset(self) -> None:
        """Forget history (e.g. between benchmark phases)."""
        self._all.clear()
        self._per_chat.clear()


@dataclass
class InjectedFailure:
    """A failure answer to give to the next `times` calls of `method` (optionally one chat)."""

    method: str
    chat_id: int | str | None
    error_code: int
    description: str
    retry_after: int | None
    times: int

    def matches(self, method: str, params: dict[str, Any]) -> bool:
        """Same method (case-insensitive, like Telegram) and, if set, same chat_id."""
        if method.lower() != self.method.lower():
            return False
        return self.chat_id is None or params.get("chat_id") == self.chat_id


class FailureInjector:
    """Queue of injected failures, consumed in the order they were registered."""

    def __init__(self) -> None:
        self.pending: list[InjectedFailure] = []

    def add(
        self,
        method: str,
        *,
        chat_id: int | str | None,
        error_code: int,
        description: str | None,
        retry_after: int | None,
        times: int,
    ) -> None:
        """Register a failure; 429 gets Telegram's wording and a retry_after of 1 by default."""
        if times < 1:
            raise ValueError("times must be >= 1")
        if error_code == 429:
            retry_after = 1 if retry_after is None else retry_after
            description = description or f"Too Many Requests: retry after {retry_after}"
        else:
            description = description or DEFAULT_DESCRIPTIONS.get(error_code, "Injected failure")
        self.pending.append(
            InjectedFailure(method, chat_id, error_code, description, retry_after, times)
        )

    def take(self, method: str, params: dict[str, Any]) -> ApiError | None:
        """The error for this call if an injected failure matches; consumes one use."""
        for failure in self.pending:
            if failure.matches(method, params):
                failure.times -= 1
                if failure.times == 0:
                    self.pending.remove(failure)
                return ApiError(failure.error_code, failure.description, failure.retry_after)
        return None
