"""Shared pieces of command parsing and usage messages."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import Message

from bot.dates import DateProblem
from bot.i18n import N_, _, format_datetime

DATE_PROBLEMS: dict[DateProblem | str, str] = {
    DateProblem.MISSING: N_("I could not find a deadline."),
    DateProblem.INVALID: N_("I could not read that date."),
    DateProblem.PAST: N_("That deadline has already passed."),
    "title": N_("The task needs a title."),
    "rule": N_("I could not read that repeat rule."),
}
# "/cancelmeeting N tất cả" (or "all") stops a whole repeating meeting or task.
WHOLE_SERIES = ("all", "tất cả", "tat ca", "hết", "het", "cả chuỗi", "ca chuoi")
DATE_FORMS = N_(
    "Dates can be written 31/12/2026 17:00, 31/12 17h, 17 giờ ngày 31/12, ngày 31 tháng 12 "
    "năm 2026, ngày mai 8h, sáng thứ 2 (08:00), thứ sáu tuần sau, cuối tuần (Friday), "
    "tomorrow 9:00, Dec 31 or +3d. The date may also end the title: "
    "<code>Báo cáo tổng kết trước ngày 31/12/2026</code>."
)

NO_MEETING = N_("There is no meeting #{id}. Send /meetings to see what is planned.")


def date_problem(problem: DateProblem | str, detail: object, zone: ZoneInfo) -> str:
    """What was wrong with the date, saying what was understood where that helps."""
    if problem is DateProblem.PAST and isinstance(detail, datetime):
        return _("That deadline has already passed: I read it as {when}.").format(
            when=format_datetime(detail, zone))
    if problem == "at" and isinstance(detail, str):
        return _("I could not find a deadline: “{word}” comes before the date. Did you mean "
                 "@{word}? Assignees are named with @, for example <code>/addtask @{word} "
                 "31/12/2026 Báo cáo</code>.").format(word=detail)
    return _(DATE_PROBLEMS[problem])


def arguments(message: Message) -> str:
    """The text after the command word, with line breaks kept."""
    return after_first_word(message.text or "")


def after_first_word(text: str) -> str:
    """What follows the first word (a number, say), whatever whitespace separates them."""
    parts = text.split(maxsplit=1)
    return parts[1] if len(parts) > 1 else ""
