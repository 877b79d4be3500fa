"""Short durations as people write them in settings and commands: 3d, 1d, 2h, 30m, 45s."""

from __future__ import annotations

import re
from datetime import timedelta

_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes", "s": "seconds"}
_DURATION = re.compile(r"^\+?([0-9]{1,6})\s*([wdhms])$")  # up to 999999: no overflow


def parse_duration(text: str) -> timedelta:
    match = _DURATION.match(text.strip().lower())
    if not match:
        raise ValueError(f"{text!r} is not a duration like 3d, 2h, 30m or 45s")
    return timedelta(**{_UNITS[match[2]]: int(match[1])})


def parse_offsets(text: str) -> tuple[timedelta, ...]:
    """A comma-separated list of durations, longest first, without repeats."""
    offsets = {parse_duration(part) for part in text.split(",") if part.strip()}
    return tuple(sorted(offsets, reverse=True))
