"""Reading deadlines the way Vietnamese officials (and English speakers) type them.

The parser consumes date words from the start of the text and reports how much it read, so
the rest is the title. dateparser was tried for this and rejected: it cannot say which words
formed the date, and its fuzzy search reads words of a title ("Mai", "Năm") as dates.

Accepted: ``31/12/2026``, ``31/12``, ``31-12-2026``, ISO ``2026-12-31T17:00``, written out
``31 tháng 12 (năm 2026)``, ``31 December``, ``Dec 31``; times ``17:00``, ``17h``, ``17h30``,
``17g30``, ``17 giờ (30)``, ``5pm``, ``8h sáng``, ``3h chiều``; words ``hôm nay``/``today``,
``ngày mai``/``tomorrow``, ``ngày kia``/``day after tomorrow``, weekdays (``thứ sáu``,
``thứ 6``, ``chủ nhật``, ``friday``) optionally with ``tuần sau`` or ``next``; ``cuối tuần``
(``end of the week``); relative ``+3d``, ``+2h``, ``+30m``, ``+1w``; fillers ``lúc``, ``at``,
``ngày``, ``hạn``, ``trước``, ``by``, ``before``.

Choices (documented in the README):
- a part of the day without an hour takes a fixed time: ``sáng`` 08:00, ``trưa`` 12:00,
  ``chiều`` 14:00, ``tối`` 19:00 (``sáng thứ 2`` is Monday 08:00);
- ``cuối tuần`` is the Friday of this week (the working week's end) at the default time;
  ``cuối tuần sau`` the next week's;
- a bare weekday is the coming one, today included unless that moment has passed: then it is
  the same day next week.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum
from zoneinfo import ZoneInfo

from bot.date_words import (
    AM_WORDS,
    DAY_WORDS,
    FILLERS,
    MONTHS,
    PART_TIMES,
    PM_WORDS,
    WEEKDAYS,
)


class DateProblem(Enum):
    MISSING = "missing"
    INVALID = "invalid"
    PAST = "past"
    TOO_FAR = "too_far"


class DateError(ValueError):
    def __init__(self, problem: DateProblem, understood: datetime | None = None) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.understood = understood  # for PAST: the moment read (UTC), to show the reader


@dataclass(frozen=True)
class ParsedWhen:
    moment: datetime  # aware, UTC
    rest: str  # the text after the date words


_END = r"(?=\s|$|,)"
_FRIDAY = 4
# No deadline or meeting is planned further ahead; a larger "+999999999d" would overflow.
MAX_AHEAD = timedelta(days=10 * 366)


def _alternatives(words: Iterable[str]) -> str:
    """A regex alternation that tries longer phrases first ("thứ 2" before "t2")."""
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


_PART_OF_DAY = _alternatives(PM_WORDS + AM_WORDS)
_PART_ALONE = _alternatives(PART_TIMES)
_NEXT_WEEK = r"(\s+(?:tuần sau|tuan sau|tuần tới|tuan toi))?"
_MONTH = _alternatives(MONTHS)
_ORDINAL = r"(?:st|nd|rd|th)?"


_PATTERNS = {
    "iso": re.compile(rf"(\d{{4}})-(\d{{2}})-(\d{{2}})(?:[t ](\d{{1,2}}):(\d{{2}}))?{_END}"),
    "dmy": re.compile(rf"(\d{{1,2}})[/.-](\d{{1,2}})(?:[/.-](\d{{4}}|\d{{2}}))?{_END}"),
    "written": re.compile(
        rf"(\d{{1,2}})\s+(?:tháng|thang)\s+(\d{{1,2}})(?:\s+(?:năm|nam)\s+(\d{{4}}))?{_END}"
    ),
    "day_month": re.compile(
        rf"(\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?({_MONTH})(?:,?\s+(\d{{4}}))?{_END}"
    ),
    "month_day": re.compile(
        rf"({_MONTH})\.?\s+(\d{{1,2}}){_ORDINAL}(?:,?\s+(\d{{4}}))?{_END}"
    ),
    "time": re.compile(
        rf"(?P<hour>\d{{1,2}})(?::(?P<minute>\d{{2}})|[hg](?P<hminute>\d{{2}})?"
        rf"|\s*(?:giờ|gio)(?:\s+(?P<gminute>\d{{1,2}})(?:\s*(?:phút|phut))?)?)?"
        rf"\s*(?P<ampm>am|pm)?(?:\s+(?P<part>{_PART_OF_DAY})(?:\s+(?P<day>mai|nay))?)?{_END}"
    ),
    "relative": re.compile(rf"\+(\d+)\s*([wdhm]){_END}"),
    "day_word": re.compile(
        rf"(?:({_PART_OF_DAY})\s+)?({_alternatives(DAY_WORDS)}|mai|nay){_END}"
    ),
    "weekday": re.compile(
        rf"(?:({_PART_ALONE})\s+)?(next\s+)?({_alternatives(WEEKDAYS)}){_NEXT_WEEK}{_END}"
    ),
    "week_end": re.compile(
        rf"(?:cuối tuần|cuoi tuan|end of (?:the )?week)"
        rf"(?:\s+(này|nay|sau|tới|toi|this|next))?{_END}"
    ),
    "part": re.compile(rf"({_PART_ALONE}){_END}"),
    "filler": re.compile(rf"(?:{_alternatives(FILLERS)}){_END}"),
}
# Patterns that only lead into a date word ("lúc", "sáng"): consumed when one follows.
_LEADING = ("part", "filler")
_DATES = ("iso", "dmy", "written", "day_month", "month_day", "day_word", "weekday", "week_end",
          "relative")


@dataclass
class _Reading:
    day: date | None = None
    clock: time | None = None
    relative: timedelta | None = None
    consumed_any: bool = False
    rolls_weekly: bool = False  # a bare weekday: a passed moment means next week's


def parse_when(
    text: str, now: datetime, zone: ZoneInfo, default_time: time
) -> ParsedWhen:
    """Read a deadline at the start of ``text``; raise DateError when there is none."""
    local_now = now.astimezone(zone)
    reading, rest = _read(text.strip(), local_now)
    if not reading.consumed_any:
        raise DateError(DateProblem.MISSING)
    return ParsedWhen(_checked(reading, now, local_now, default_time), rest)


def find_when(text: str, now: datetime, zone: ZoneInfo, default_time: time) -> ParsedWhen:
    """A deadline at the start of ``text``, or else ending it ("Báo cáo trước ngày 31/12").

    The rest is the title: what follows a leading date, or what precedes a trailing one.
    """
    try:
        return parse_when(text, now, zone, default_time)
    except DateError as error:
        if error.problem is not DateProblem.MISSING:
            raise
    local_now = now.astimezone(zone)
    unreadable: DateError | None = None  # "… trước 31/02": a date, but an impossible one
    for word in list(re.finditer(r"\S+", text))[1:]:  # the leftmost start of a whole date
        try:
            reading, rest = _read(text[word.start():], local_now)
        except DateError as error:
            unreadable = unreadable or error
            continue
        if reading.consumed_any and not rest:
            title = text[:word.start()].rstrip(" ,:;-–")
            return ParsedWhen(_checked(reading, now, local_now, default_time), title)
    raise unreadable or DateError(DateProblem.MISSING)


def starts_with_date(text: str, now: datetime, zone: ZoneInfo) -> bool:
    """Does ``text`` begin with date words (even an impossible date)?"""
    try:
        reading, _rest = _read(text.strip(), now.astimezone(zone))
    except DateError:
        return True
    return reading.consumed_any


def parse_moment(text: str, now: datetime, zone: ZoneInfo, default_time: time) -> datetime:
    """The whole text as one moment: words left over mean it was misread."""
    when = parse_when(text, now, zone, default_time)
    if when.rest:
        raise DateError(DateProblem.INVALID)
    return when.moment


def _read(text: str, local_now: datetime) -> tuple[_Reading, str]:
    """Consume date words from the start of ``text``: the reading and what is left."""
    reading = _Reading()
    rest = text
    while rest:
        consumed = _consume(rest, reading, local_now)
        if consumed is None:
            break
        rest = rest[consumed:].lstrip(" ,")
    return reading, rest


def _checked(
    reading: _Reading, now: datetime, local_now: datetime, default_time: time
) -> datetime:
    """The moment read, in UTC; a moment already past is refused, naming it."""
    moment = _resolve(reading, local_now, default_time)
    if moment <= now and reading.rolls_weekly:
        moment += timedelta(days=7)  # wall-clock arithmetic: same local time
    if moment <= now:
        raise DateError(DateProblem.PAST, moment.astimezone(UTC))
    if moment - now > MAX_AHEAD:
        raise DateError(DateProblem.TOO_FAR)
    return moment.astimezone(UTC)


def _consume(text: str, reading: _Reading, local_now: datetime) -> int | None:
    """Apply the first pattern that matches at the start; return the length it used."""
    lowered = text.lower()
    for name, pattern in _PATTERNS.items():
        match = pattern.match(lowered)
        if not match or not _applies(name, match, reading):
            continue
        if name in _LEADING:
            following = lowered[match.end():].lstrip()
            if not following or not _date_follows(following, reading):
                return None
            if name == "part" and reading.clock is None:
                reading.clock = PART_TIMES[match[1]]
        else:
            _apply(name, match, reading, local_now)
            reading.consumed_any = True
        return match.end()
    return None


def _date_follows(text: str, reading: _Reading) -> bool:
    """Would a date word follow a leading word? (Without changing the reading.)"""
    for name, pattern in _PATTERNS.items():
        match = pattern.match(text)
        if not match or not _applies(name, match, reading):
            continue
        if name not in _LEADING:
            return True
        following = text[match.end():].lstrip()
        return bool(following) and _date_follows(following, reading)
    return False


def _applies(name: str, match: re.Match[str], reading: _Reading) -> bool:
    """Refuse a match that would read a second date, or a bare number, as part of the date."""
    if name in _DATES:
        if reading.day is not None or reading.relative is not None:
            return False
        # A bare "mai"/"nay" is too often a word of the title.
        return not (name == "day_word" and match[2] in ("mai", "nay") and " " not in match[0])
    if name == "time":
        has_time_mark = bool(
            match["minute"] or match["hminute"] or match["ampm"] or match["part"]
            or re.match(r"\d{1,2}\s*(?:[hg]|giờ|gio)", match[0])
        )
        return reading.clock is None and has_time_mark
    if name == "part":
        return reading.clock is None
    return True


def _apply(name: str, match: re.Match[str], reading: _Reading, local_now: datetime) -> None:
    today = local_now.date()
    if name == "iso":
        reading.day = _make_date(int(match[1]), int(match[2]), int(match[3]))
        if match[4]:
            reading.clock = _make_time(int(match[4]), int(match[5]))
    elif name in ("dmy", "written"):
        year = match[3]
        full_year = None if year is None else int(year) + (2000 if len(year) == 2 else 0)
        reading.day = _day_month(int(match[1]), int(match[2]), full_year, today)
    elif name in ("day_month", "month_day"):
        day, month = (match[1], match[2]) if name == "day_month" else (match[2], match[1])
        year = int(match[3]) if match[3] else None
        reading.day = _day_month(int(day), MONTHS[month], year, today)
    elif name == "time":
        _apply_time(match, reading, today)
    elif name == "relative":
        reading.relative = _ahead(int(match[1]), match[2])
    elif name == "day_word":
        word = match[2]
        offset = DAY_WORDS.get(word, {"mai": 1, "nay": 0}.get(word, 0))
        reading.day = today + timedelta(days=offset)
        _set_part_time(match[1], reading)
    elif name == "weekday":
        next_week = bool(match[2] or match[4])
        reading.day = _weekday(WEEKDAYS[match[3]], next_week, today)
        reading.rolls_weekly = not next_week
        _set_part_time(match[1], reading)
    elif name == "week_end":
        next_week = match[1] in ("sau", "tới", "toi", "next")
        reading.day = _weekday(_FRIDAY, next_week, today)
        reading.rolls_weekly = not next_week


_UNIT_SECONDS = {"w": 7 * 86400, "d": 86400, "h": 3600, "m": 60}


def _ahead(amount: int, unit: str) -> timedelta:
    """A relative offset, refused past MAX_AHEAD before it can overflow a date."""
    seconds = amount * _UNIT_SECONDS[unit]
    if seconds > MAX_AHEAD.total_seconds():
        raise DateError(DateProblem.TOO_FAR)
    return timedelta(seconds=seconds)


def _apply_time(match: re.Match[str], reading: _Reading, today: date) -> None:
    hour = int(match["hour"])
    minute = int(match["minute"] or match["hminute"] or match["gminute"] or 0)
    marker = match["ampm"] or match["part"]
    if marker in ("đêm", "dem"):  # night: "11h đêm" is 23:00, "12h đêm" and "2h đêm" early
        hour = 0 if hour == 12 else hour + 12 if 5 <= hour < 12 else hour
    elif marker in PM_WORDS and hour < 12:
        hour += 12
    elif marker == "am" and hour == 12:
        hour = 0
    reading.clock = _make_time(hour, minute)
    if match["day"] and reading.day is None and reading.relative is None:  # "8h sáng mai"
        reading.day = today + timedelta(days=1 if match["day"] == "mai" else 0)


def _set_part_time(part: str | None, reading: _Reading) -> None:
    """"sáng mai", "chiều thứ 6": the part of the day sets the hour if none was given."""
    if part in PART_TIMES and reading.clock is None:
        reading.clock = PART_TIMES[part]


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
