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
from tests.conftest import advance, create_task

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
            await create_task(services, admin, f"Extra {extra}",
                              clock.now() + timedelta(days=9), [members[0]])
        await create_task(services, admin, "Burst", clock.now() + timedelta(days=9), members)
        await dispatcher_of(app).run()
        # The first cadre's extra messages are held back by their chat's 1/s window, which
        # runs on real time; the dispatcher picks them up again on later runs.
        async with asyncio.timeout(20):
            while len(double.messages(7000)) < 4:
                await asyncio.sleep(0.25)
                await advance(app, clock, seconds=1)
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
        await create_task(services, admin, "Báo cáo", clock.now() + timedelta(days=9), [binh])
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


async def test_a_full_group_window_does_not_hold_up_other_chats(
    double, people, limited, clock
) -> None:
    double.enforce_limits(True)
    group = people.group["id"]
    async with running(build_application(limited, clock)) as app:
        services = services_of(app)
        admin = await services.members.seen(Person(1001, "hung_tran", "Hùng", "vi"))
        await services.groups.seen(group, "supergroup", people.group["title"])
        scope = await services.access.scope(admin)
        await services.units.subscribe(admin, scope, group, "supergroup",
                                       people.group["title"], None)
        await services.units.joined(group, admin, "admin")
        due = clock.now() + timedelta(days=9)
        for n in range(22):  # one more group reminder than a group may get in a minute
            await create_task(services, admin, f"Group {n}", due, [], unit_id=group)
        cadres = []
        for n in range(10):
            double.add_user(8000 + n, f"Cadre {n}", language_code="vi")
            double.mark_started(8000 + n)
            cadres.append(await services.members.seen(
                Person(8000 + n, None, f"Cadre {n}", "vi"), started=True))
            await create_task(services, admin, f"Own {n}", due, [cadres[-1]])
        await dispatcher_of(app).run()  # the "new task" notices
        await double.idle(quiet=0.3, timeout=30)
        clock.advance(days=6)  # every 3-days-before reminder is due at once

        def reminders(chat_ids: list[int]) -> list[dict]:
            return [m for c in chat_ids for m in double.messages(c) if "⏰" in m["text"]]

        async with asyncio.timeout(15):  # far less than the group's minute
            while len(reminders([8000 + n for n in range(10)])) < 10:
                await advance(app, clock, seconds=1)
                await asyncio.sleep(0.25)  # the windows run on real time
        assert len(reminders([group])) == 20
        held = await services.db.fetchall(
            "SELECT attempts FROM reminders WHERE chat_id = ? AND status = 'pending'"
            " AND kind = 'before' AND fire_at <= ?", (group, int(clock.now().timestamp())))
        assert [row[0] for row in held] == [0, 0]  # held back, not failed attempts
    assert double.throttled == 0
