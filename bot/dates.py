"""Reading deadlines the way Vietnamese officials (and English speakers) type them.

The parser consumes date words from the start of the text and reports how much it read, so
the rest is the title. dateparser was tried for this and rejected: it cannot say which words
formed the date, and its fuzzy search reads words of a title ("Mai", "Năm") as dates.

Accepted: ``31/12/2026``, ``31/12``, ``31-12-2026``, ISO ``2026-12-31T17:00``; times
``17:00``, ``17h``, ``17h30``, ``17g30``, ``5pm``, ``8h sáng``, ``3h chiều``; words
``hôm nay``/``today``, ``ngày mai``/``tomorrow``, ``ngày kia``/``day after tomorrow``,
weekdays (``thứ sáu``, ``thứ 6``, ``chủ nhật``, ``friday``) optionally with ``tuần sau`` or
``next``; relative ``+3d``, ``+2h``, ``+30m``, ``+1w``; fillers ``lúc``, ``at``, ``ngày``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum
from zoneinfo import ZoneInfo


class DateProblem(Enum):
    MISSING = "missing"
    INVALID = "invalid"
    PAST = "past"


class DateError(ValueError):
    def __init__(self, problem: DateProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True)
class ParsedWhen:
    moment: datetime  # aware, UTC
    rest: str  # the text after the date words


_END = r"(?=\s|$|,)"
# Only unambiguous names: short forms such as "thu", "sat" or "t2" begin ordinary titles
# ("Thu thập ý kiến").
_WEEKDAYS = {
    **dict.fromkeys(("thứ hai", "thu hai", "thứ 2", "thu 2", "monday"), 0),
    **dict.fromkeys(("thứ ba", "thu ba", "thứ 3", "thu 3", "tuesday"), 1),
    **dict.fromkeys(("thứ tư", "thu tu", "thứ 4", "thu 4", "wednesday"), 2),
    **dict.fromkeys(("thứ năm", "thu nam", "thứ 5", "thu 5", "thursday"), 3),
    **dict.fromkeys(("thứ sáu", "thu sau", "thứ 6", "thu 6", "friday"), 4),
    **dict.fromkeys(("thứ bảy", "thu bay", "thứ 7", "thu 7", "saturday"), 5),
    **dict.fromkeys(("chủ nhật", "chu nhat", "sunday"), 6),
}
_DAY_WORDS = {
    **dict.fromkeys(("hôm nay", "hom nay", "today"), 0),
    **dict.fromkeys(("ngày mai", "ngay mai", "tomorrow"), 1),
    **dict.fromkeys(("ngày kia", "ngay kia", "ngày mốt", "ngay mot", "day after tomorrow"), 2),
}
_PM_WORDS = ("chiều", "chieu", "tối", "toi", "đêm", "dem", "pm")
_AM_WORDS = ("sáng", "sang", "trưa", "trua", "am")


def _alternatives(words: Iterable[str]) -> str:
    """A regex alternation that tries longer phrases first ("thứ 2" before "t2")."""
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


_PART_OF_DAY = _alternatives(_PM_WORDS + _AM_WORDS)
_NEXT_WEEK = r"(\s+(?:tuần sau|tuan sau|tuần tới|tuan toi))?"


_PATTERNS = {
    "iso": re.compile(rf"(\d{{4}})-(\d{{2}})-(\d{{2}})(?:[t ](\d{{1,2}}):(\d{{2}}))?{_END}"),
    "dmy": re.compile(rf"(\d{{1,2}})[/.-](\d{{1,2}})(?:[/.-](\d{{4}}|\d{{2}}))?{_END}"),
    "time": re.compile(
        rf"(\d{{1,2}})(?::(\d{{2}})|[hg](\d{{2}})?)?\s*(am|pm)?"
        rf"(?:\s+({_PART_OF_DAY})(?:\s+(mai|nay))?)?{_END}"
    ),
    "relative": re.compile(rf"\+(\d+)\s*([wdhm]){_END}"),
    "day_word": re.compile(
        rf"(?:(?:{_PART_OF_DAY})\s+)?({_alternatives(_DAY_WORDS)}|mai|nay){_END}"
    ),
    "weekday": re.compile(
        rf"(next\s+)?({_alternatives(_WEEKDAYS)}){_NEXT_WEEK}{_END}"
    ),
    "filler": re.compile(rf"(?:lúc|luc|at|on|vào|vao|ngày|ngay|hạn|han|by){_END}"),
}


@dataclass
class _Reading:
    day: date | None = None
    clock: time | None = None
    relative: timedelta | None = None
    consumed_any: bool = False


def parse_when(
    text: str, now: datetime, zone: ZoneInfo, default_time: time
) -> ParsedWhen:
    """Read a deadline at the start of ``text``; raise DateError when there is none."""
    local_now = now.astimezone(zone)
    reading = _Reading()
    rest = text.strip()
    while rest:
        consumed = _consume(rest, reading, local_now)
        if consumed is None:
            break
        rest = rest[consumed:].lstrip(" ,")
    if not reading.consumed_any:
        raise DateError(DateProblem.MISSING)
    moment = _resolve(reading, local_now, default_time)
    if moment <= now:
        raise DateError(DateProblem.PAST)
    return ParsedWhen(moment.astimezone(UTC), rest)


def parse_moment(text: str, now: datetime, zone: ZoneInfo, default_time: time) -> datetime:
    """The whole text as one moment: words left over mean it was misread."""
    when = parse_when(text, now, zone, default_time)
    if when.rest:
        raise DateError(DateProblem.INVALID)
    return when.moment


def _consume(text: str, reading: _Reading, local_now: datetime) -> int | None:
    """Apply the first pattern that matches at the start; return the length it used."""
    lowered = text.lower()
    for name, pattern in _PATTERNS.items():
        match = pattern.match(lowered)
        if not match or not _applies(name, match, reading):
            continue
        if name == "filler":
            following = lowered[match.end():].lstrip()
            if not following or _consume_probe(following, reading) is None:
                return None
        else:
            _apply(name, match, reading, local_now)
            reading.consumed_any = True
        return match.end()
    return None


def _consume_probe(text: str, reading: _Reading) -> int | None:
    """Would a date word follow the filler? (Without changing the reading.)"""
    for name, pattern in _PATTERNS.items():
        match = pattern.match(text)
        if name != "filler" and match and _applies(name, match, reading):
            return match.end()
    return None


def _applies(name: str, match: re.Match[str], reading: _Reading) -> bool:
    """Refuse a match that would read a second date, or a bare number, as part of the date."""
    if name in ("iso", "dmy", "day_word", "weekday", "relative"):
        if reading.day is not None or reading.relative is not None:
            return False
        # A bare "mai"/"nay" is too often a word of the title.
        return not (name == "day_word" and match[1] in ("mai", "nay") and " " not in match[0])
    if name == "time":
        has_time_mark = bool(match[2] or match[4] or match[5] or re.search(r"\d[hg]", match[0]))
        return reading.clock is None and has_time_mark
    return True


def _apply(name: str, match: re.Match[str], reading: _Reading, local_now: datetime) -> None:
    if name == "iso":
        reading.day = _make_date(int(match[1]), int(match[2]), int(match[3]))
        if match[4]:
            reading.clock = _make_time(int(match[4]), int(match[5]))
    elif name == "dmy":
        year = match[3]
        full_year = None if year is None else int(year) + (2000 if len(year) == 2 else 0)
        reading.day = _day_month(int(match[1]), int(match[2]), full_year, local_now.date())
    elif name == "time":
        hour = int(match[1])
        minute = int(match[2] or match[3] or 0)
        marker = match[4] or match[5]
        if marker in ("đêm", "dem"):  # night: "11h đêm" is 23:00, "12h đêm" and "2h đêm" early
            hour = 0 if hour == 12 else hour + 12 if 5 <= hour < 12 else hour
        elif marker in _PM_WORDS and hour < 12:
            hour += 12
        elif marker == "am" and hour == 12:
            hour = 0
        reading.clock = _make_time(hour, minute)
        if match[6] and reading.day is None and reading.relative is None:  # "8h sáng mai"
            reading.day = local_now.date() + timedelta(days=1 if match[6] == "mai" else 0)
    elif name == "relative":
        amount, unit = int(match[1]), match[2]
        units = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes"}
        reading.relative = timedelta(**{units[unit]: amount})
    elif name == "day_word":
        word = match[1]
        offset = _DAY_WORDS.get(word, {"mai": 1, "nay": 0}.get(word, 0))
        reading.day = local_now.date() + timedelta(days=offset)
    elif name == "weekday":
        reading.day = _weekday(_WEEKDAYS[match[2]], bool(match[1] or match[3]), local_now.date())


def _make_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise DateError(DateProblem.INVALID) from exc


def _make_time(hour: int, minute: int) -> time:
    try:
        return time(hour, minute)
    except ValueError as exc:
        raise DateError(DateProblem.INVALID) from exc


def _day_month(day: int, month: int, year: int | None, today: date) -> date:
    """A day-first date; without a year, the next such date from today on."""
    if year is not None:
        return _make_date(year, month, day)
    candidate = _make_date(today.year, month, day) if (month, day) != (2, 29) else None
    if candidate is None or candidate < today:
        return _make_date(today.year + 1, month, day)
    return candidate


def _weekday(weekday: int, next_week: bool, today: date) -> date:
    """``thứ sáu``: the coming Friday (today counts); ``thứ sáu tuần sau``: next week's."""
    if next_week:
        monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
        return monday + timedelta(days=weekday)
    return today + timedelta(days=(weekday - today.weekday()) % 7)


def _resolve(reading: _Reading, local_now: datetime, default_time: time) -> datetime:
    zone = local_now.tzinfo
    if reading.relative is not None:
        moment = local_now + reading.relative
        if reading.clock is not None and reading.relative >= timedelta(days=1):
            return datetime.combine(moment.date(), reading.clock, zone)
        return moment.replace(second=0, microsecond=0) + (
            timedelta(minutes=1) if moment.second or moment.microsecond else timedelta()
        )
    if reading.day is None:
        assert reading.clock is not None
        moment = datetime.combine(local_now.date(), reading.clock, zone)
        return moment if moment > local_now else moment + timedelta(days=1)
    return datetime.combine(reading.day, reading.clock or default_time, zone)
