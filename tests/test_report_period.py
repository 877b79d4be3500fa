"""Report periods as admins type them, and the weekly summary setting."""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.i18n import use_language
from bot.reports.period import parse_period
from bot.settings import SettingsError, WeeklySchedule, load_settings

TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("text", "first", "last", "vi", "en"),
    [
        ("", date(2026, 11, 1), date(2026, 11, 30), "tháng 11/2026", "November 2026"),
        ("tháng 2/2028", date(2028, 2, 1), date(2028, 2, 29), "tháng 2/2028", "February 2028"),
        ("month 12/2026", date(2026, 12, 1), date(2026, 12, 31), "tháng 12/2026",
         "December 2026"),
        ("thang 11/2026", date(2026, 11, 1), date(2026, 11, 30), "tháng 11/2026",
         "November 2026"),
        ("tháng trước", date(2026, 10, 1), date(2026, 10, 31), "tháng 10/2026", "October 2026"),
        ("quý 4/2026", date(2026, 10, 1), date(2026, 12, 31), "quý 4/2026", "quarter 4/2026"),
        ("Q1 2027", date(2027, 1, 1), date(2027, 3, 31), "quý 1/2027", "quarter 1/2027"),
        ("quarter 2/2026", date(2026, 4, 1), date(2026, 6, 30), "quý 2/2026",
         "quarter 2/2026"),
        ("năm 2026", date(2026, 1, 1), date(2026, 12, 31), "năm 2026", "year 2026"),
        ("year 2025", date(2025, 1, 1), date(2025, 12, 31), "năm 2025", "year 2025"),
        ("01/10/2026-31/12/2026", date(2026, 10, 1), date(2026, 12, 31),
         "01/10/2026–31/12/2026", "01/10/2026–31/12/2026"),
        ("từ 1/10/2026 đến 15/10/2026", date(2026, 10, 1), date(2026, 10, 15),
         "01/10/2026–15/10/2026", "01/10/2026–15/10/2026"),
    ],
)
def test_periods_in_both_languages(text: str, first: date, last: date, vi: str,
                                   en: str) -> None:
    period = parse_period(text, TODAY)
    assert period is not None and (period.first, period.last) == (first, last)
    with use_language("vi"):
        assert period.label() == vi
    with use_language("en"):
        assert period.label() == en


@pytest.mark.parametrize("text", ["tháng 13/2026", "quý 5/2026", "31/02/2026-01/03/2026",
                                  "31/12/2026-01/01/2026", "hôm qua"])
def test_what_is_not_a_period(text: str) -> None:
    assert parse_period(text, TODAY) is None


def test_the_weekly_summary_setting() -> None:
    assert load_settings(_env_file=None).weekly_summary == WeeklySchedule(0, time(7, 30))
    assert load_settings(_env_file=None, weekly_summary="Friday 16:00").weekly_summary == \
        WeeklySchedule(4, time(16, 0))
    assert load_settings(_env_file=None, weekly_summary="off").weekly_summary is None
    with pytest.raises(SettingsError, match="WEEKLY_SUMMARY: is not a weekday and a time"):
        load_settings(_env_file=None, weekly_summary="someday 25:00")
    with pytest.raises(SettingsError, match="WEB_APP_URL: is not an https:// URL"):
        load_settings(_env_file=None, web_app_url="http://bot.example.org/")
