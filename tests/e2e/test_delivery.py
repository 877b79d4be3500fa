"""Delivery under faults: outages, failed saves, and what admins are told."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest
from telegram.ext import Application

from bot.app import dispatcher_of, services_of
from bot.reminders.dispatcher import AFTER_FAILED_RUN
from storage.reminders import ReminderRepository
from tests.conftest import advance
from tests.e2e.test_members import ask
from tests.e2e.test_tasks import add_task, start_all

DUE = "31/12/2026 17:00"  # the 3-days-before reminder fires 36 d 9 h after the clock's start


def reminders_to(double, chat_id: int) -> list[dict]:
    return [m for m in double.messages(chat_id) if m["text"].startswith("⏰")]


async def statuses(app: Application) -> dict[str, int]:
    return await ReminderRepository(services_of(app).db).status_counts()


def lock_outcome_writes(dispatcher, monkeypatch, locked: dict, error: str,
                        once: bool = False) -> None:
    """Writing outcomes fails while ``locked["on"]`` (or just once), as with a database
    locked by another process or a full disk."""
    repository = dispatcher.reminders
    finish, finish_each = repository.finish, repository.finish_each

    def failing(write):
        async def guarded(*args):
            if locked["on"]:
                locked["failures"] += 1
                locked["on"] = not once
                raise sqlite3.OperationalError(error)
            await write(*args)
        return guarded

    monkeypatch.setattr(repository, "finish", failing(finish))
    monkeypatch.setattr(repository, "finish_each", failing(finish_each))


@pytest.fixture
async def task_for_two(double, people, app) -> None:
    """Task #1 for Binh and Chi, reported to the subscribed group; three reminders per offset."""
    await start_all(double, people)
    await ask(double, people.admin, "/subscribe", chat=people.group)
    await add_task(double, people.admin, f"/addtask @binh_le @chi_pham {DUE} Báo cáo quý",
                   people.binh, people.chi, chat=people.group)


async def outage(double, app, clock, minutes: int) -> None:
    """Every send answers 502 Bad Gateway for ``minutes`` simulated minutes from the moment
    the 3-days-before reminders fall due; the dispatcher runs every 30 s meanwhile."""
    double.fail_next("sendMessage", error_code=502, times=1_000_000)
    await advance(app, clock, days=36, hours=9)
    for _ in range(minutes * 2):
        await advance(app, clock, seconds=30)
    double.clear_failures()


@pytest.mark.usefixtures("task_for_two")
async def test_a_fifteen_minute_outage_loses_no_reminder(double, people, app, clock) -> None:
    await outage(double, app, clock, minutes=15)
    assert not reminders_to(double, people.binh["id"])
    failed = [e for e in double.errors if e["error_code"] == 502]
    assert len(failed) > 3 * 8  # each of the three was tried more than 8 times
    for _ in range(8):  # retries are at most three minutes apart
        await advance(app, clock, seconds=30)
    for chat in (people.binh["id"], people.chi["id"], people.group["id"]):
        assert len(reminders_to(double, chat)) == 1, chat
    counts = await statuses(app)
    assert "failed" not in counts and "sending" not in counts


@pytest.mark.usefixtures("task_for_two")
async def test_admins_are_told_once_when_the_api_is_back(double, people, app, clock) -> None:
    await outage(double, app, clock, minutes=15)
    assert not [m for m in double.messages(people.admin["id"]) if "⚠️" in m["text"]]
    for _ in range(8):
        await advance(app, clock, seconds=30)
    alerts = [m["text"] for m in double.messages(people.admin["id"]) if "⚠️" in m["text"]]
    assert alerts == [
        "⚠️ Không gửi được nhắc việc trong 17 phút (không kết nối được tới Telegram). Việc gửi "
        "đã hoạt động trở lại; các nhắc việc bị giữ lại đang được gửi."
    ]
    await double.wait_for_message(people.admin["id"], contains="⚠️")
    status = (await ask(double, people.admin, "/status"))["text"]
    assert status.startswith("Tình hình gửi nhắc việc\nHàng đợi: 10 chờ gửi, 0 đến lúc gửi.")
    assert "Đã gửi trong một giờ qua: 3." in status
    assert "• không kết nối được tới Telegram: " in status
    for _ in range(60):  # another hour: the outage is forgotten, no second alert
        await advance(app, clock, minutes=1)
    status = (await ask(double, people.admin, "/status"))["text"]
    assert "Không có lần gửi lỗi nào từ " in status
    assert len([m for m in double.messages(people.admin["id"]) if "⚠️" in m["text"]]) == 1


@pytest.mark.usefixtures("task_for_two")
async def test_status_is_for_admins_only(double, people, app) -> None:
    refusal = await ask(double, people.binh, "/status")
    assert refusal["text"].startswith("Sorry, this command is for the organisation's admins")


@pytest.mark.usefixtures("task_for_two")
async def test_a_failed_save_returns_the_rows_to_the_queue_at_once(
    double, people, app, clock, monkeypatch
) -> None:
    locked = {"failures": 0, "on": True}  # every write of outcomes fails for a while
    lock_outcome_writes(dispatcher_of(app), monkeypatch, locked, "database is locked")
    await advance(app, clock, days=36, hours=9)
    assert locked["failures"] >= 2  # the save, then the attempt to store the outcomes late
    locked["on"] = False
    # The run could not even return its rows, so it asked for another in a few seconds...
    [job] = app.job_queue.get_jobs_by_name("reminders-dispatch")
    assert (job.next_t - datetime.now(UTC)).total_seconds() <= AFTER_FAILED_RUN
    # ...which puts them back in the queue and sends them.
    await advance(app, clock, seconds=AFTER_FAILED_RUN)
    for chat in (people.binh["id"], people.chi["id"], people.group["id"]):
        assert len(reminders_to(double, chat)) >= 1, chat
    counts = await statuses(app)
    assert counts.get("sending", 0) == 0 and counts["sent"] >= 3


@pytest.mark.usefixtures("task_for_two")
async def test_outcomes_are_stored_late_when_the_save_fails_once(
    double, people, app, clock, monkeypatch
) -> None:
    locked = {"failures": 0, "on": True}
    lock_outcome_writes(dispatcher_of(app), monkeypatch, locked, "disk I/O error", once=True)
    await advance(app, clock, days=36, hours=9)
    assert (await statuses(app)).get("sending", 0) == 0
    for chat in (people.binh["id"], people.chi["id"], people.group["id"]):
        assert len(reminders_to(double, chat)) == 1, chat  # stored late, so never repeated
    counts = await statuses(app)
    assert counts.get("sending", 0) == 0 and counts["sent"] >= 3
