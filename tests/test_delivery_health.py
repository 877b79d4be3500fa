"""When admins hear about failing deliveries, and how failures are counted."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.reminders.health import DATABASE, NETWORK, DeliveryHealth, alert_text
from bot.reminders.model import Failed, Retry, Sent, Unreachable
from bot.throttle import SenderThrottle, Verdict
from tests.conftest import FakeClock


def clock() -> FakeClock:
    return FakeClock(datetime(2026, 12, 1, 1, 0, tzinfo=UTC))


def test_a_refusing_api_is_reported_at_once_after_ten_minutes() -> None:
    time = clock()
    health = DeliveryHealth(time)
    assert health.record(Failed("Bad Request: message is too long")) is None
    time.advance(minutes=9)
    assert health.record(Failed("Bad Request: message is too long")) is None
    time.advance(minutes=1)
    alert = health.record(Failed("Bad Request: message is too long"))
    assert alert is not None and not alert.recovered
    time.advance(minutes=5)
    assert health.record(Failed("Bad Request: message is too long")) is None  # told once
    assert health.record(Sent(1)) is None  # and not again when it works


def test_an_unreachable_api_is_reported_when_it_is_back() -> None:
    time = clock()
    health = DeliveryHealth(time)
    health.record(Retry(None, "Bad Gateway"))
    time.advance(minutes=12)
    assert health.record(Retry(None, "Bad Gateway")) is None  # it would not arrive
    alert = health.record(Sent(7))
    assert alert is not None and alert.recovered and alert.reason == NETWORK
    assert alert_text(alert, "en") == (
        "⚠️ Reminders could not be delivered for 12 minutes (Telegram could not be reached). "
        "Deliveries work again; the reminders held back are being sent now.")


def test_a_short_outage_and_unreachable_members_tell_nobody() -> None:
    time = clock()
    health = DeliveryHealth(time)
    health.failed(DATABASE)
    time.advance(minutes=3)
    assert health.record(Sent(1)) is None
    for _ in range(50):
        time.advance(minutes=1)
        assert health.record(Unreachable("blocked")) is None
    assert health.failures_by_reason() == {"blocked": 50, DATABASE: 1}


def test_the_throttle_tells_a_flooding_sender_once_per_flood() -> None:
    time = clock()
    throttle = SenderThrottle(time, limit=3, period=60)
    assert [throttle.check(1) for _ in range(6)] == [
        Verdict.RUN, Verdict.RUN, Verdict.RUN, Verdict.NOTICE, Verdict.IGNORE, Verdict.IGNORE]
    assert throttle.check(2) is Verdict.RUN  # others are not affected
    time.advance(seconds=61)
    assert throttle.check(1) is Verdict.RUN
