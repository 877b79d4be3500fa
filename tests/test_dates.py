"""Deadlines as people type them, read against a fixed "now" in Asia/Ho_Chi_Minh."""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.dates import DateError, DateProblem, find_when, parse_when, starts_with_date
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
        # Written out, as in official documents.
        ("ngày 31 tháng 12 Báo cáo", "2026-12-31 17:00", "Báo cáo"),
        ("ngày 31 tháng 12 năm 2026 Báo cáo", "2026-12-31 17:00", "Báo cáo"),
        ("ngay 31 thang 12 nam 2026 Bao cao", "2026-12-31 17:00", "Bao cao"),
        ("17 giờ ngày 31/12 Họp", "2026-12-31 17:00", "Họp"),
        ("14 giờ 30 ngày 31 tháng 12 năm 2026 Họp", "2026-12-31 14:30", "Họp"),
        # A part of the day without an hour: sáng 08:00, chiều 14:00, tối 19:00.
        ("sáng thứ 2 Họp giao ban", "2026-11-23 08:00", "Họp giao ban"),
        ("chiều thứ 6 Họp", "2026-11-27 14:00", "Họp"),
        ("sáng mai Họp", "2026-11-23 08:00", "Họp"),
        ("sáng ngày 31/12 Họp", "2026-12-31 08:00", "Họp"),
        # The end of the week is its Friday, at the default time.
        ("cuối tuần Nộp báo cáo", "2026-11-27 17:00", "Nộp báo cáo"),
        ("end of the week Send", "2026-11-27 17:00", "Send"),
        # English month names.
        ("31 December Report", "2026-12-31 17:00", "Report"),
        ("Dec 31 Report", "2026-12-31 17:00", "Report"),
        ("December 31, 2026 5pm Report", "2026-12-31 17:00", "Report"),
        ("trước ngày 31/12 Báo cáo", "2026-12-31 17:00", "Báo cáo"),
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


@pytest.mark.parametrize(
    ("text", "expected", "title"),
    [
        ("Báo cáo tổng kết trước ngày 31/12/2026", "2026-12-31 17:00", "Báo cáo tổng kết"),
        ("Báo cáo tổng kết hạn 31/12 17h", "2026-12-31 17:00", "Báo cáo tổng kết"),
        ("Họp chi bộ sáng thứ 2", "2026-11-23 08:00", "Họp chi bộ"),
        ("Send the report by Dec 31", "2026-12-31 17:00", "Send the report"),
        ("Nộp báo cáo cuối tuần", "2026-11-27 17:00", "Nộp báo cáo"),
        ("Báo cáo quý 4 ngày 31 tháng 12 năm 2026", "2026-12-31 17:00", "Báo cáo quý 4"),
        ("31/12 Báo cáo 5/12", "2026-12-31 17:00", "Báo cáo 5/12"),  # the first date wins
    ],
)
def test_a_deadline_may_end_the_title(text: str, expected: str, title: str) -> None:
    parsed = find_when(text, NOW, ZONE, time(17, 0))
    assert parsed.moment.astimezone(ZONE).strftime("%Y-%m-%d %H:%M") == expected
    assert parsed.rest == title


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Báo cáo sơ kết 39 đảng viên", DateProblem.MISSING),
        ("Báo cáo quý 4/2026", DateProblem.MISSING),
        ("Báo cáo trước ngày 31/02/2026", DateProblem.INVALID),
        ("Báo cáo trước ngày 01/01/2020", DateProblem.PAST),
    ],
)
def test_a_title_without_a_readable_date_at_either_end(text: str, problem: DateProblem) -> None:
    with pytest.raises(DateError) as error:
        find_when(text, NOW, ZONE, time(17, 0))
    assert error.value.problem is problem


def test_a_past_deadline_names_the_moment_that_was_read() -> None:
    with pytest.raises(DateError) as error:
        parse_when("01/01/2020 9h X", NOW, ZONE, time(17, 0))
    assert error.value.problem is DateProblem.PAST
    assert error.value.understood == datetime(2020, 1, 1, 2, 0, tzinfo=UTC)


def test_a_weekday_whose_moment_has_passed_today_means_next_week() -> None:
    monday_noon = datetime(2026, 11, 23, 5, 0, tzinfo=UTC)  # Monday 12:00 local
    parsed = parse_when("sáng thứ 2 Họp", monday_noon, ZONE, time(17, 0))
    assert parsed.moment.astimezone(ZONE).strftime("%Y-%m-%d %H:%M") == "2026-11-30 08:00"


def test_the_end_of_this_week_and_of_next_week() -> None:
    wednesday = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
    this_week = parse_when("cuối tuần X", wednesday, ZONE, time(17, 0))
    next_week = parse_when("cuối tuần sau X", wednesday, ZONE, time(17, 0))
    assert this_week.moment.astimezone(ZONE).strftime("%a %d/%m %H:%M") == "Fri 27/11 17:00"
    assert next_week.moment.astimezone(ZONE).strftime("%a %d/%m %H:%M") == "Fri 04/12 17:00"


def test_starts_with_date_tells_a_forgotten_at_from_a_title() -> None:
    assert starts_with_date("31/12/2026 Báo cáo", NOW, ZONE)
    assert starts_with_date("31/02/2026 Báo cáo", NOW, ZONE)  # impossible, but a date
    assert not starts_with_date("Báo cáo 31/12", NOW, ZONE)


def test_durations_round_trip() -> None:
    assert parse_offsets("2h, 3d,1d,2h") == (
        parse_duration("3d"), parse_duration("1d"), parse_duration("2h"))
    assert [d.total_seconds() for d in parse_offsets("3d,1d,2h,90s")] == [259200, 86400,
                                                                          7200, 90]
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration("soon")
