"""How much one field may hold, checked when it is typed: whatever is stored must fit, with
the rest of its view, in one Telegram message (4,096 characters; a caption 1,024)."""

from __future__ import annotations

from collections.abc import Sequence

TITLE = 200  # a task's or a meeting's title
PLACE = 200
AGENDA = 1500
MINUTES = 2500
NOTE = 1000  # a report's note
REASON = 500  # why someone is absent, excused, or asks for more time
UNIT_NAME = 128  # as long as a Telegram group's title
PEOPLE = 50  # @usernames one command may name


class TooLong(ValueError):
    """A field over its limit: ``field`` names it (title, place, agenda, minutes, note,
    unit, people), ``limit`` is the most it may hold."""

    def __init__(self, field: str, limit: int) -> None:
        super().__init__(f"{field} over {limit}")
        self.field = field
        self.limit = limit


def checked(field: str, text: str, limit: int) -> str:
    if len(text) > limit:
        raise TooLong(field, limit)
    return text


def few_enough(names: Sequence[str]) -> None:
    if len(names) > PEOPLE:
        raise TooLong("people", PEOPLE)
