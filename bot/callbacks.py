"""Callback data: one definition per button kind, used both by the code that makes the button
and the code that answers it, so the two cannot drift apart."""

from __future__ import annotations

from dataclasses import dataclass

from bot.numbers import parse_id

LIMIT = 64  # bytes, Telegram's limit on callback_data


@dataclass(frozen=True)
class Callback:
    """A button kind: a short prefix and a fixed number of positive integer fields."""

    prefix: str
    fields: int = 1

    def pack(self, *values: int) -> str:
        if len(values) != self.fields:
            raise ValueError(f"{self.prefix} takes {self.fields} values, not {len(values)}")
        data = ":".join([self.prefix, *(str(v) for v in values)])
        if len(data.encode()) > LIMIT:
            raise ValueError(f"callback data over {LIMIT} bytes: {data!r}")
        return data

    def parse(self, data: object) -> tuple[int, ...] | None:
        """The values, or None if the data is not this kind or is malformed."""
        if not isinstance(data, str):
            return None
        prefix, *parts = data.split(":")
        if prefix != self.prefix or len(parts) != self.fields:
            return None
        values = tuple(parse_id(part) for part in parts)
        if any(v is None for v in values):
            return None
        return values  # type: ignore[return-value]

    def matches(self, data: object) -> bool:
        """For PTB's ``CallbackQueryHandler(pattern=...)``: any data with this prefix, so a
        malformed one still reaches the handler and is answered."""
        return isinstance(data, str) and data.split(":", 1)[0] == self.prefix


TASK_DONE = Callback("td")
TASK_SNOOZE = Callback("ts")
TASK_EXTEND = Callback("tx")  # ask for more time
TASK_REMIND_OPEN = Callback("tr")  # remind those whose part is open
EXTENSION_APPROVE = Callback("xa")
EXTENSION_DECLINE = Callback("xd")
ROLL_CALL = Callback("rc", 0)
MEETING_ATTEND = Callback("ma")
MEETING_ABSENT = Callback("mx")
MEETING_SKIP_REASON = Callback("mk")
MEETING_NUDGE = Callback("mn")
MEETING_CHECKIN = Callback("mi")  # I am here
MEETING_EXCUSED = Callback("me", 2)  # meeting, member: the absence has a reason
MEETING_UNEXCUSED = Callback("mu", 2)  # meeting, member: the absence has none
