"""Telegram's limits: with the double enforcing them, the bot never gets a 429."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import pytest

from bot.app import build_application, dispatcher_of, running, services_of
from bot.members import Person
from bot.ratelimit import SlidingWindow
from bot.settings import Settings

CADRES = 45


@pytest.fixture
def limited(settings: Settings) -> Settings:
    return settings.model_copy(update={"rate_limit": True})


async def test_a_burst_keeps_every_limit_and_gets_no_429(double, people, limited, clock) -> None:
    double.enforce_limits(True)
    async with running(build_application(limited, clock)) as app:
        services = services_of(app)
        admin = await services.members.seen(Person(1001, "hung_tran", "Hùng", "vi"))
        members = []
        for n in range(CADRES):
            user = double.add_user(7000 + n, f"Cadre {n}", language_code="vi")
            double.mark_started(user["id"])
            members.append(await services.members.seen(
                Person(user["id"], None, f"Cadre {n}", "vi"), started=True))
        # One "new task" notice per cadre at once, and three for the first cadre in a row.
        for extra in range(3):
            await services.tasks.create(
                admin, title=f"Extra {extra}", due=clock.now() + timedelta(days=9),
                usernames=[], members=[members[0]], tag=None, group_chat_id=None)
        await services.tasks.create(
            admin, title="Burst", due=clock.now() + timedelta(days=9), usernames=[],
            members=members, tag=None, group_chat_id=None)
        await dispatcher_of(app).run()
        await double.idle(quiet=0.3, timeout=30)
    assert double.throttled == 0, [e for e in double.errors][:3]
    assert len(double.messages(7000)) == 4
    assert all(len(double.messages(7000 + n)) == 1 for n in range(1, CADRES))


async def test_retry_after_pauses_and_retries(double, people, limited, clock) -> None:
    async with running(build_application(limited, clock)) as app:
        services = services_of(app)
        admin = await services.members.seen(Person(1001, "hung_tran", "Hùng", "vi"))
        double.mark_started(1002)
        binh = await services.members.seen(Person(1002, "binh_le", "Binh Le", "en"),
                                           started=True)
        double.fail_next("sendMessage", chat_id=1002, error_code=429, retry_after=1)
        await services.tasks.create(
            admin, title="Báo cáo", due=clock.now() + timedelta(days=9), usernames=[],
            members=[binh], tag=None, group_chat_id=None)
        await dispatcher_of(app).run()
        notice = await double.wait_for_message(1002, timeout=10)
    assert notice["text"].startswith("📌 You have a new task #1 “Báo cáo”")
    assert [e["error_code"] for e in double.errors if e["method"] == "sendMessage"] == [429]


async def test_a_sliding_window_never_admits_more_than_its_limit() -> None:
    window = SlidingWindow(limit=3, period=0.2)
    stamps = []
    for _ in range(7):
        async with window.slot():
            stamps.append(time.monotonic())
    for i in range(len(stamps) - 3):
        assert stamps[i + 3] - stamps[i] >= 0.2


async def test_windows_are_independent_per_chat() -> None:
    first, second = SlidingWindow(1, 10.0), SlidingWindow(1, 10.0)
    async with first.slot():
        pass
    async with asyncio.timeout(1), second.slot():  # not held up by the first chat
        pass
