"""Deadlines as people type them, read against a fixed "now" in Asia/Ho_Chi_Minh."""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.dates import DateError, DateProblem, parse_when
from bot.durations import parse_duration, parse_offsets

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)  # Sunday 22/11/2026, 08:00 local


@pytest.mark.parametrize(
    ("text", "expected", "rest"),
    [
        ("31/12/2026 17:00 Báo cáo sơ kết", "2026-12-31 17:00", "Báo cáo sơ kết"),
        ("31/12 17h Báo cáo", "2026-12-31 17:00", "Báo cáo"),
        ("17h30 31/12 Họp chi bộ", "2026-12-31 17:30", "Họp chi bộ"),
        ("2026-12-31T17:00 Nộp", "2026-12-31 17:00", "Nộp"),
        ("31/12/2026 Nộp", "2026-12-31 17:00", "Nộp"),  # default time
        ("31.12.2026 9h Nộp", "2026-12-31 09:00", "Nộp"),
        ("05/01 Nộp", "2027-01-05 17:00", "Nộp"),  # the next 5 January
        ("ngày mai 8h Nộp", "2026-11-23 08:00", "Nộp"),
        ("ngay mai 8h Nop", "2026-11-23 08:00", "Nop"),
        ("8h sáng mai họp", "2026-11-23 08:00", "họp"),
        ("3h chiều thứ 6 họp", "2026-11-27 15:00", "họp"),
        ("7h tối nay X", "2026-11-22 19:00", "X"),
        ("thứ sáu tuần sau Nộp báo cáo", "2026-11-27 17:00", "Nộp báo cáo"),
        ("thứ hai Nộp", "2026-11-23 17:00", "Nộp"),
        ("chủ nhật tuần sau X", "2026-11-29 17:00", "X"),
        ("lúc 15h ngày 25/12 Họp", "2026-12-25 15:00", "Họp"),
        ("tomorrow 9:00 Send", "2026-11-23 09:00", "Send"),
        ("next friday 5pm Send", "2026-11-27 17:00", "Send"),
        ("friday Send", "2026-11-27 17:00", "Send"),
        ("+3d Viết", "2026-11-25 08:00", "Viết"),
        ("+2h gọi", "2026-11-22 10:00", "gọi"),
        ("+30m gọi", "2026-11-22 08:30", "gọi"),
        ("17h Họp", "2026-11-22 17:00", "Họp"),
        ("7h Họp", "2026-11-23 07:00", "Họp"),  # 07:00 today has passed
        ("17h Thu thập ý kiến", "2026-11-22 17:00", "Thu thập ý kiến"),  # "Thu" is no Thursday
        ("11h đêm Trực", "2026-11-22 23:00", "Trực"),
        ("12h đêm Trực", "2026-11-23 00:00", "Trực"),
    ],
)
def test_deadline_forms(text: str, expected: str, rest: str) -> None:
    parsed = parse_when(text, NOW, ZONE, time(17, 0))
    assert parsed.moment.astimezone(ZONE).strftime("%Y-%m-%d %H:%M") == expected
    assert parsed.moment.tzinfo == UTC
    assert parsed.rest == rest


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Báo cáo sơ kết", DateProblem.MISSING),
        ("39 đảng viên", DateProblem.MISSING),  # a bare number is not a time
        ("Mai Anh báo cáo", DateProblem.MISSING),  # "Mai" is a name here
        ("31/02/2026 X", DateProblem.INVALID),
        ("25:00 X", DateProblem.INVALID),
        ("01/01/2020 X", DateProblem.PAST),
        ("22/11/2026 07:00 X", DateProblem.PAST),
    ],
)
def test_unreadable_or_past_deadlines(text: str, problem: DateProblem) -> None:
    with pytest.raises(DateError) as error:
        parse_when(text, NOW, ZONE, time(17, 0))
    assert error.value.problem is problem


def test_durations_round_trip() -> None:
    assert parse_offsets("2h, 3d,1d,2h") == (
        parse_duration("3d"), parse_duration("1d"), parse_duration("2h"))
    assert [d.total_seconds() for d in parse_offsets("3d,1d,2h,90s")] == [259200, 86400,
                                                                          7200, 90]
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration("soon")
