"""Shared pieces of command parsing and usage messages."""

from __future__ import annotations

from telegram import Message

from bot.dates import DateProblem
from bot.i18n import N_

DATE_PROBLEMS: dict[DateProblem | str, str] = {
    DateProblem.MISSING: N_("I could not find a deadline."),
    DateProblem.INVALID: N_("I could not read that date."),
    DateProblem.PAST: N_("That deadline has already passed."),
    "title": N_("The task needs a title."),
}
DATE_FORMS = N_(
    "Dates can be written 31/12/2026 17:00, 31/12 17h, 17h30 31/12, 2026-12-31T17:00, "
    "ngày mai 8h, thứ sáu tuần sau, tomorrow 9:00 or +3d."
)

NO_MEETING = N_("There is no meeting #{id}. Send /meetings to see what is planned.")


def arguments(message: Message) -> str:
    """The text after the command word, with line breaks kept."""
    return after_first_word(message.text or "")


def after_first_word(text: str) -> str:
    """What follows the first word (a number, say), whatever whitespace separates them."""
    parts = text.split(maxsplit=1)
    return parts[1] if len(parts) > 1 else ""
