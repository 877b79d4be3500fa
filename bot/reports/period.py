"""The period a report covers, from what an admin types: a month, a quarter, a year or a span
of days, in Vietnamese or English; the current month when nothing is given."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_date

from bot.clock import epoch
from bot.i18n import _, current_language

_MONTH = re.compile(r"^(?:tháng|thang|month|m)?\s*(\d{1,2})\s*[/.-]\s*(\d{4})$")
_QUARTER = re.compile(r"^(?:quý|quy|quarter|q)\s*([1-4])\s*[/ .-]?\s*(\d{4})$")
_YEAR = re.compile(r"^(?:năm|nam|year)?\s*(\d{4})$")
_DAY = r"(\d{1,2})/(\d{1,2})/(\d{4})"
_SPAN = re.compile(rf"^(?:từ\s+|tu\s+|from\s+)?{_DAY}\s*(?:-|–|—|đến|den|to)\s*{_DAY}$")
_THIS_MONTH = frozenset({"tháng này", "thang nay", "this month"})
_LAST_MONTH = frozenset({"tháng trước", "thang truoc", "last month"})


@dataclass(frozen=True)
class Period:
    kind: str  # month, quarter, year, span
    first: date
    last: date  # inclusive

    def bounds(self, zone: ZoneInfo) -> tuple[int, int]:
        """The half-open span of epoch seconds, midnight to midnight in the zone."""
        start = datetime.combine(self.first, time(), zone)
        end = datetime.combine(self.last + timedelta(days=1), time(), zone)
        return epoch(start), epoch(end)

    def label(self) -> str:
        """How the period is named in a report's title, in the current language."""
        first = self.first
        if self.kind == "month":
            if current_language() == "vi":
                return _("month {month}/{year}").format(month=first.month, year=first.year)
            return babel_date(first, "MMMM yyyy", locale="en")
        if self.kind == "quarter":
            return _("quarter {quarter}/{year}").format(quarter=(first.month + 2) // 3,
                                                          year=first.year)
        if self.kind == "year":
            return _("year {year}").format(year=first.year)
        return f"{first:%d/%m/%Y}–{self.last:%d/%m/%Y}"


def month(year: int, number: int) -> Period:
    following = date(year + number // 12, number % 12 + 1, 1)
    return Period("month", date(year, number, 1), following - timedelta(days=1))


def parse_period(text: str, today: date) -> Period | None:
    """The period named by ``text``, or None if it names none (or an impossible date)."""
    words = " ".join(text.lower().split())
    if not words or words in _THIS_MONTH:
        return month(today.year, today.month)
    if words in _LAST_MONTH:
        previous = today.replace(day=1) - timedelta(days=1)
        return month(previous.year, previous.month)
    try:
        return _parse(words)
    except ValueError:
        return None


def _parse(words: str) -> Period | None:
    if found := _MONTH.match(words):
        number, year = int(found[1]), int(found[2])
        return month(year, number) if 1 <= number <= 12 else None
    if found := _QUARTER.match(words):
        quarter, year = int(found[1]), int(found[2])
        last = month(year, quarter * 3).last
        return Period("quarter", date(year, quarter * 3 - 2, 1), last)
    if found := _YEAR.match(words):
        year = int(found[1])
        return Period("year", date(year, 1, 1), date(year, 12, 31))
    if found := _SPAN.match(words):
        first = date(int(found[3]), int(found[2]), int(found[1]))
        last = date(int(found[6]), int(found[5]), int(found[4]))
        return Period("span", first, last) if first <= last else None
    return None
