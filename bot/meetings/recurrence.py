"""Recurring meetings: rules people type, RFC 5545 rules stored, holidays skipped.

``monthly day 5 14:00``, ``hằng tháng ngày 5 14:00``, ``every monday 08:00``,
``thứ hai hằng tuần 8h`` and ``RRULE:FREQ=MONTHLY;BYDAY=1MO 08:00`` all become an RRULE plus a
local time. An occurrence on a Vietnamese public holiday (Tết included, from the ``holidays``
library) moves to the next working day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

if TYPE_CHECKING:
    from holidays import HolidayBase

_TIME = r"(\d{1,2})(?::|h|g)(\d{2})?"
_WEEKDAYS = {
    "MO": ("monday", "mon", "thứ hai", "thu hai", "thứ 2", "thu 2"),
    "TU": ("tuesday", "tue", "thứ ba", "thu ba", "thứ 3", "thu 3"),
    "WE": ("wednesday", "wed", "thứ tư", "thu tu", "thứ 4", "thu 4"),
    "TH": ("thursday", "thu", "thứ năm", "thu nam", "thứ 5", "thu 5"),
    "FR": ("friday", "fri", "thứ sáu", "thu sau", "thứ 6", "thu 6"),
    "SA": ("saturday", "sat", "thứ bảy", "thu bay", "thứ 7", "thu 7"),
    "SU": ("sunday", "sun", "chủ nhật", "chu nhat"),
}
_DAY_NAME = {name: code for code, names in _WEEKDAYS.items() for name in names}
_DAY = "|".join(sorted(map(re.escape, _DAY_NAME), key=len, reverse=True))
_MONTHLY = r"(?:monthly|hằng tháng|hàng tháng|hang thang)"
_WEEKLY = r"(?:hằng tuần|hàng tuần|hang tuan)"
_PATTERNS = (
    (re.compile(rf"^{_MONTHLY}\s+(?:on\s+)?(?:day|ngày|ngay)\s+(\d{{1,2}})\s+{_TIME}$"),
     "monthly"),
    (re.compile(rf"^(?:ngày|ngay)\s+(\d{{1,2}})\s+{_MONTHLY}\s+{_TIME}$"), "monthly"),
    (re.compile(rf"^every\s+({_DAY})\s+{_TIME}$"), "weekly"),
    (re.compile(rf"^({_DAY})\s+{_WEEKLY}\s+{_TIME}$"), "weekly"),
    (re.compile(rf"^{_WEEKLY}\s+({_DAY})\s+{_TIME}$"), "weekly"),
    (re.compile(rf"^rrule:(\S+)\s+{_TIME}$"), "rrule"),
)


@dataclass(frozen=True)
class Recurrence:
    rule: str  # RRULE value, e.g. FREQ=MONTHLY;BYMONTHDAY=5
    local_time: time


@dataclass(frozen=True)
class Occurrence:
    starts_at: datetime  # aware
    moved_from: datetime | None  # where the rule put it, when a holiday moved it

    @property
    def by_rule(self) -> datetime:
        """Where the rule put it, holiday or not."""
        return self.moved_from or self.starts_at


class RecurrenceError(ValueError):
    """The text looks like a rule but is not a valid one."""


class TooFrequent(RecurrenceError):
    """A valid rule that repeats more often than daily (hourly, by the minute ...)."""


# Meetings repeat daily at most: a rule by the hour or the minute, or one listing hours, would
# plan thousands of meetings (RRULE:FREQ=MINUTELY once made 89,280).
_SLOW_ENOUGH = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
_WITHIN_A_DAY = ("BYHOUR", "BYMINUTE", "BYSECOND")
PER_PLAN = 100  # occurrences planned per series at a time (daily: 62 within two months)


def parse_recurrence(text: str) -> Recurrence | None:
    """A recurrence rule at the whole of ``text``, or None when it is not one."""
    lowered = " ".join(text.lower().split())
    for pattern, kind in _PATTERNS:
        match = pattern.match(lowered)
        if match:
            return _build(kind, match)
    if lowered.startswith(("rrule:", "monthly", "every", "hằng", "hàng")):
        raise RecurrenceError(text)
    return None


def _build(kind: str, match: re.Match[str]) -> Recurrence:
    first, hour, minute = match[1], int(match[2]), int(match[3] or 0)
    if hour > 23 or minute > 59:
        raise RecurrenceError(match[0])
    if kind == "monthly":
        if not 1 <= int(first) <= 31:
            raise RecurrenceError(match[0])
        rule = f"FREQ=MONTHLY;BYMONTHDAY={int(first)}"
    elif kind == "weekly":
        rule = f"FREQ=WEEKLY;BYDAY={_DAY_NAME[first]}"
    else:
        rule = first.upper()
        try:
            rrulestr(f"RRULE:{rule}", dtstart=datetime.combine(date(2026, 1, 1), time()))
        except (ValueError, TypeError) as exc:
            raise RecurrenceError(match[0]) from exc
        _refuse_too_frequent(rule)
    return Recurrence(rule, time(hour, minute))


def _refuse_too_frequent(rule: str) -> None:
    parts = dict(part.partition("=")[::2] for part in rule.split(";"))
    if parts.get("FREQ") not in _SLOW_ENOUGH or any(key in parts for key in _WITHIN_A_DAY):
        raise TooFrequent(rule)


@cache
def _holidays(year: int, language: str) -> HolidayBase:
    # Imported on first use: the holidays package adds ~10 ms and 8 MiB to every start-up.
    import holidays

    return holidays.country_holidays("VN", years=year, language=language)


def holiday_name(day: date, language: str = "en_US") -> str | None:
    """The public holiday on ``day`` in Viet Nam, in ``vi`` or ``en_US``, or None."""
    return _holidays(day.year, language).get(day)


def next_working_day(day: date) -> date:
    """The first day after ``day`` that is neither a weekend nor a public holiday."""
    day += timedelta(days=1)
    while day.weekday() >= 5 or holiday_name(day) is not None:
        day += timedelta(days=1)
    return day


def occurrences(
    recurrence: Recurrence, since: datetime, after: datetime, until: datetime, zone: ZoneInfo,
    limit: int = PER_PLAN,
) -> list[Occurrence]:
    """The first ``limit`` occurrences in (after, until] of the rule counted from ``since``
    (its DTSTART, so that INTERVAL and COUNT keep their meaning however often the window
    moves), each moved off public holidays. Rules run on local wall-clock time."""
    first = datetime.combine(since.astimezone(zone).date(), recurrence.local_time)
    rule = rrulestr(f"RRULE:{recurrence.rule}", dtstart=first)
    found = []
    start = after.astimezone(zone).replace(tzinfo=None)
    local_until = until.astimezone(zone).replace(tzinfo=None)
    for naive in rule.xafter(start, count=limit, inc=False):
        if naive > local_until:
            break
        planned = naive.replace(tzinfo=zone)
        if holiday_name(planned.date()) is None:
            found.append(Occurrence(planned, None))
        else:
            moved = datetime.combine(next_working_day(planned.date()), recurrence.local_time,
                                     zone)
            found.append(Occurrence(moved, planned))
    return found


# A rule typed before a title is at most this many words ("ngày 25 hằng tháng 17:00").
_RULE_WORDS = 6


def split_recurrence(text: str) -> tuple[Recurrence, str] | None:
    """A rule at the start of ``text`` and the rest (a repeating task's title), or None.

    The longest run of leading words that reads as a rule wins; text that starts like a rule
    but never reads as one is an error, not a title.
    """
    words = text.split()
    for count in range(min(len(words), _RULE_WORDS), 1, -1):
        try:
            found = parse_recurrence(" ".join(words[:count]))
        except TooFrequent:
            raise
        except RecurrenceError:
            continue
        if found is not None:
            return found, " ".join(words[count:])
    if text.lower().lstrip().startswith(("rrule:", "monthly", "every", "hằng", "hàng")):
        raise RecurrenceError(text)
    return None
