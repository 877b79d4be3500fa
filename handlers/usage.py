"""Shared pieces of command parsing and usage messages."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import Message

from bot.dates import DateProblem
from bot.i18n import N_, _, format_datetime
from bot.limits import TooLong

DATE_PROBLEMS: dict[DateProblem | str, str] = {
    DateProblem.MISSING: N_("I could not find a deadline."),
    DateProblem.INVALID: N_("I could not read that date."),
    DateProblem.PAST: N_("That deadline has already passed."),
    DateProblem.TOO_FAR: N_("That date is too far ahead: at most 10 years from today."),
    "title": N_("The task needs a title."),
    "meeting": N_("A meeting is named by its number, for example <code>meeting:3</code>."),
    "rule": N_("I could not read that repeat rule."),
    "often": N_("It can repeat daily at most: use a daily, weekly, monthly or yearly rule "
                "without hours or minutes."),
}
# "/cancelmeeting N tất cả" (or "all") stops a whole repeating meeting or task.
WHOLE_SERIES = ("all", "tất cả", "tat ca", "hết", "het", "cả chuỗi", "ca chuoi")
DATE_FORMS = N_(
    "Dates can be written 31/12/2026 17:00, 31/12 17h, 17 giờ ngày 31/12, ngày 31 tháng 12 "
    "năm 2026, ngày mai 8h, sáng thứ 2 (08:00), thứ sáu tuần sau, cuối tuần (Friday), "
    "tomorrow 9:00, Dec 31 or +3d. The date may also end the title: "
    "<code>Báo cáo tổng kết trước ngày 31/12/2026</code>."
)

TOO_LONG = {
    "title": N_("The title is too long: at most {limit} characters."),
    "place": N_("The place is too long: at most {limit} characters."),
    "agenda": N_("The agenda is too long: at most {limit} characters."),
    "minutes": N_("The conclusions are too long: at most {limit} characters."),
    "note": N_("That text is too long: at most {limit} characters."),
    "unit": N_("The unit's name is too long: at most {limit} characters."),
    "people": N_("Too many people named: at most {limit} in one command."),
}

NO_SUCH_UNIT = N_("There is no unit named “{name}”. Send /units to see them.")
SEVERAL_UNITS = N_("Several units are named “{name}”; rename one first with /subscribe "
                   "followed by a new name.")
NO_MEETING = N_("There is no meeting #{id}. Send /meetings to see what is planned.")


def date_problem(problem: DateProblem | str, detail: object, zone: ZoneInfo) -> str:
    """What was wrong with the date, saying what was understood where that helps."""
    if isinstance(detail, TooLong):
        return too_long(detail)
    if problem is DateProblem.PAST and isinstance(detail, datetime):
        return _("That deadline has already passed: I read it as {when}.").format(
            when=format_datetime(detail, zone))
    if problem == "at" and isinstance(detail, str):
        return _("I could not find a deadline: “{word}” comes before the date. Did you mean "
                 "@{word}? Assignees are named with @, for example <code>/addtask @{word} "
                 "31/12/2026 Báo cáo</code>.").format(word=detail)
    return _(DATE_PROBLEMS[problem])


def too_long(error: TooLong) -> str:
    return _(TOO_LONG[error.field]).format(limit=error.limit)


def arguments(message: Message) -> str:
    """The text after the command word, with line breaks kept."""
    return after_first_word(message.text or "")


def after_first_word(text: str) -> str:
    """What follows the first word (a number, say), whatever whitespace separates them."""
    parts = text.split(maxsplit=1)
    return parts[1] if len(parts) > 1 else ""
