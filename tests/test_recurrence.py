"""Repeat rules people type, and occurrences moved off Vietnamese public holidays."""

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from bot.meetings.recurrence import (
    Recurrence,
    RecurrenceError,
    holiday_name,
    next_working_day,
    occurrences,
    parse_recurrence,
)

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(
    ("text", "rule", "at"),
    [
        ("monthly day 5 14:00", "FREQ=MONTHLY;BYMONTHDAY=5", time(14)),
        ("hằng tháng ngày 5 14h", "FREQ=MONTHLY;BYMONTHDAY=5", time(14)),
        ("ngày 5 hàng tháng 14:30", "FREQ=MONTHLY;BYMONTHDAY=5", time(14, 30)),
        ("every monday 08:00", "FREQ=WEEKLY;BYDAY=MO", time(8)),
        ("thứ hai hằng tuần 8h", "FREQ=WEEKLY;BYDAY=MO", time(8)),
        ("hằng tuần thứ 6 7h30", "FREQ=WEEKLY;BYDAY=FR", time(7, 30)),
        ("RRULE:FREQ=MONTHLY;BYDAY=1MO 08:00", "FREQ=MONTHLY;BYDAY=1MO", time(8)),
    ],
)
def test_rules_people_type(text: str, rule: str, at: time) -> None:
    assert parse_recurrence(text) == Recurrence(rule, at)


@pytest.mark.parametrize("text", ["monthly day 40 14:00", "every moonday 8:00",
                                  "RRULE:FREQ=SOMETIMES 08:00", "hằng tháng 14:00"])
def test_broken_rules_are_errors(text: str) -> None:
    with pytest.raises(RecurrenceError):
        parse_recurrence(text)


def test_a_plain_date_is_not_a_rule() -> None:
    assert parse_recurrence("15/12/2026 14:00") is None


def test_tet_and_its_days_off_are_holidays_in_both_languages() -> None:
    assert holiday_name(date(2027, 2, 6)) == "Lunar New Year"
    assert holiday_name(date(2027, 2, 6), "vi") == "Tết Nguyên Đán"
    assert holiday_name(date(2026, 9, 2), "vi") is not None
    assert holiday_name(date(2026, 12, 15)) is None


def test_next_working_day_skips_tet_and_the_weekend() -> None:
    assert next_working_day(date(2027, 2, 6)) == date(2027, 2, 11)
    assert next_working_day(date(2027, 1, 1)) == date(2027, 1, 4)


def test_a_monthly_meeting_on_tet_moves_to_the_next_working_day() -> None:
    after = datetime(2027, 1, 10, tzinfo=UTC)
    found = occurrences(Recurrence("FREQ=MONTHLY;BYMONTHDAY=6", time(9)), after, after,
                        after + timedelta(days=60), ZONE)
    assert [(o.starts_at, o.moved_from) for o in found] == [
        (datetime(2027, 2, 11, 9, tzinfo=ZONE), datetime(2027, 2, 6, 9, tzinfo=ZONE)),
        (datetime(2027, 3, 6, 9, tzinfo=ZONE), None),  # a Saturday, but no holiday: kept
    ]


def test_interval_and_count_hold_however_often_the_window_moves() -> None:
    since = datetime(2026, 11, 22, tzinfo=UTC)  # a Sunday
    fortnightly = Recurrence("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", time(8))
    days = []
    for step in range(10):  # the daily job moves the window one week at a time
        after = since + timedelta(weeks=step)
        days += [o.starts_at.date() for o in occurrences(
            fortnightly, since, after, after + timedelta(weeks=1), ZONE)]
    assert all(later - earlier == timedelta(weeks=2) for earlier, later in pairwise(days))
    twice = Recurrence("FREQ=MONTHLY;BYMONTHDAY=6;COUNT=2", time(9))
    found = occurrences(twice, since, since + timedelta(days=30), since + timedelta(days=400),
                        ZONE)
    assert [o.starts_at.date() for o in found] == [date(2027, 1, 6)]  # 6/12 was the first
