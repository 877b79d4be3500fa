"""A sender who sends commands faster than anyone reads answers is slowed down.

Each sender may send ``limit`` commands in any ``period`` seconds. Beyond that, commands are
not run; the first one gets a single polite notice, the others nothing, until the window has
room again. A flood therefore costs one reply, not one per message.
"""

from __future__ import annotations

from collections import deque
from enum import Enum

from bot.clock import Clock

_FORGET_AFTER = 10_000  # senders tracked before idle ones are forgotten


class Verdict(Enum):
    RUN = "run"
    NOTICE = "notice"  # not run; tell the sender once
    IGNORE = "ignore"  # not run; the sender was told already


class SenderThrottle:
    def __init__(self, clock: Clock, limit: int, period: float = 60.0) -> None:
        self.clock = clock
        self.limit = limit
        self.period = period
        self._recent: dict[int, deque[float]] = {}
        self._told: set[int] = set()

    def check(self, sender_id: int) -> Verdict:
        now = self.clock.now().timestamp()
        recent = self._window(sender_id, now)
        if len(recent) < self.limit:
            recent.append(now)
            self._told.discard(sender_id)
            return Verdict.RUN
        if sender_id in self._told:
            return Verdict.IGNORE
        self._told.add(sender_id)
        return Verdict.NOTICE

    def _window(self, sender_id: int, now: float) -> deque[float]:
        if sender_id not in self._recent and len(self._recent) >= _FORGET_AFTER:
            self._recent = {
                key: times for key, times in self._recent.items()
                if times and times[-1] > now - self.period
            }
        recent = self._recent.setdefault(sender_id, deque())
        while recent and recent[0] <= now - self.period:
            recent.popleft()
        return recent
