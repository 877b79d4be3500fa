"""One reader for the numbers people and buttons send: ids, counts and offsets."""

from __future__ import annotations

import re

_DIGITS = re.compile(r"[0-9]{1,19}")
# SQLite's INTEGER is signed 64-bit; an id past it names nothing that can exist.
ID_LIMIT = 2**63 - 1


def parse_id(text: str | None) -> int | None:
    """A positive id from ASCII digits (an optional leading #); None for anything else.

    ``str.isdigit`` accepts "²" and other digits ``int`` cannot read, so it is not used.
    """
    if text is None:
        return None
    text = text.removeprefix("#")
    if not _DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if 0 < value <= ID_LIMIT else None
