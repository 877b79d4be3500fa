"""Bounds end to end: snooze spam, repeat rules, field limits, a database that cannot be
written (issue 10, items 6, 7, 8 and 15)."""

from __future__ import annotations

import sqlite3

import pytest
from telegram.ext import Application

from bot.app import services_of
from tests.conftest import advance
from tests.databases import sqlite_only
from tests.double import BotApiDouble
from tests.e2e.test_members import ask
from tests.e2e.test_reminders import task_in_group  # noqa: F401 - fixture

pytestmark = pytest.mark.usefixtures("app")


async def count(app: Application, sql: str) -> int:
    row = await services_of(app).db.fetchone(sql)
    assert row is not None
    return int(row[0])


@pytest.mark.usefixtures("task_in_group")
async def test_forty_snooze_presses_leave_one_pending_snooze_and_one_message(
    double, people, app, clock
) -> None:
    await advance(app, clock, days=36, hours=9)
    reminder = await double.wait_for_message(people.binh["id"], contains="Reminder")
    for _press in range(40):
        await double.press(reminder, people.binh, data="ts:1")
    await double.idle(quiet=0.2, timeout=20)
    assert await count(app, "SELECT COUNT(*) FROM reminders WHERE kind = 'snooze'"
                            " AND status = 'pending'") == 1
    before = len(double.messages(people.binh["id"]))
    await advance(app, clock, hours=1)
    await double.idle(quiet=0.2)
    after = double.messages(people.binh["id"])[before:]
    assert len(after) == 1
    assert after[0]["text"].startswith("⏰ Reminder: task #1 “Báo cáo quý”")


async def reads_go_on_and_a_write_is_refused(double: BotApiDouble, people) -> None:
    """While another process keeps the bot from writing: answers that only read come as
    usual, and a change is refused saying nothing was changed."""
    whoami = await ask(double, people.admin, "/whoami")
    assert "Telegram ID: 1001" in whoami["text"]
    tasks = await ask(double, people.binh, "/tasks")
    assert tasks["text"] == "You have no open tasks. 🎉"
    refused = await ask(double, people.admin, "/lang vi")
    assert refused["text"] == ("Sorry, I cannot save anything right now, so nothing was "
                               "changed. Please try again in a few minutes.")


async def english_admin(double: BotApiDouble, people) -> None:
    await ask(double, people.admin, "/lang en")
    await ask(double, people.binh, "/start")


@pytest.mark.parametrize("rule", ["RRULE:FREQ=MINUTELY", "RRULE:FREQ=HOURLY",
                                  "RRULE:FREQ=DAILY;BYHOUR=1,2,3,4,5,6,7,8",
                                  "RRULE:FREQ=SECONDLY;INTERVAL=1"])
async def test_a_rule_more_often_than_daily_is_refused(
    double, people, app, rule: str
) -> None:
    await english_admin(double, people)
    reply = await ask(double, people.admin, f"/addmeeting @binh_le {rule} 08:00 | P | Giao ban")
    assert reply["text"].startswith("It can repeat daily at most")
    assert await count(app, "SELECT COUNT(*) FROM meetings") == 0
    assert await count(app, "SELECT COUNT(*) FROM meeting_series") == 0


async def test_a_daily_rule_plans_two_months_in_bounded_chunks(double, people, app) -> None:
    await english_admin(double, people)
    reply = await ask(double, people.admin,
                      "/addmeeting @binh_le RRULE:FREQ=DAILY 08:00 | P | Giao ban")
    assert reply["text"].startswith("✅ Repeating meeting stored.")
    planned = await count(app, "SELECT COUNT(*) FROM meetings")
    assert 55 <= planned <= 62
    await services_of(app).meetings.extend_series()  # the daily job: nothing new yet
    assert await count(app, "SELECT COUNT(*) FROM meetings") == planned


LONG = "x" * 5000


@pytest.mark.parametrize(("command", "answer"), [
    (f"/addtask @binh_le 31/12/2026 {LONG}", "The title is too long: at most 200 characters."),
    (f"/addmeeting @binh_le 15/12/2026 14:00 | P | {LONG}",
     "The title is too long: at most 200 characters."),
    (f"/addmeeting @binh_le 15/12/2026 14:00 | {LONG} | T",
     "The place is too long: at most 200 characters."),
    (f"/addmeeting @binh_le 15/12/2026 14:00 | P | T\n{LONG}",
     "The agenda is too long: at most 1500 characters."),
    ("/addtask " + " ".join(f"@user_{n:03d}" for n in range(51)) + " 31/12/2026 Báo cáo",
     "Too many people named: at most 50 in one command."),
    ("/addmeeting " + " ".join(f"@user_{n:03d}" for n in range(51)) + " 15/12/2026 | P | T",
     "Too many people named: at most 50 in one command."),
])
async def test_a_field_over_its_limit_is_refused_naming_the_limit(
    double, people, app, command: str, answer: str
) -> None:
    await english_admin(double, people)
    reply = await ask(double, people.admin, command)
    assert reply["text"].startswith(answer)
    assert await count(app, "SELECT COUNT(*) FROM tasks") == 0
    assert await count(app, "SELECT COUNT(*) FROM meetings") == 0
    assert await count(app, "SELECT COUNT(*) FROM members WHERE username LIKE 'user_%'") == 0


async def test_minutes_over_the_limit_are_refused(double, people, app) -> None:
    await english_admin(double, people)
    await ask(double, people.admin, "/addmeeting @binh_le 15/12/2026 14:00 | P | T")
    reply = await ask(double, people.admin, f"/minutes 1 {LONG}")
    assert reply["text"] == "The conclusions are too long: at most 2500 characters."
    assert await count(app, "SELECT COUNT(*) FROM meetings WHERE minutes IS NOT NULL") == 0


@sqlite_only  # PostgreSQL's counterpart: tests/e2e/test_postgres.py
async def test_a_locked_database_still_answers_reads_and_says_a_write_changed_nothing(
    double, people, app, settings
) -> None:
    await english_admin(double, people)
    async with services_of(app).db.transaction() as conn:  # wait 0.2 s, not 5, for the lock
        await conn.execute("PRAGMA busy_timeout=200")
    other = sqlite3.connect(settings.database_path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        await reads_go_on_and_a_write_is_refused(double, people)
        other.rollback()
    finally:
        other.close()
    assert await count(app, "SELECT COUNT(*) FROM members WHERE telegram_id = 1001"
                            " AND language = 'en'") == 1


@pytest.mark.usefixtures("task_in_group")
async def test_a_note_or_reason_over_its_limit_is_refused(double, people, app) -> None:
    note = await ask(double, people.binh, "/done 1 " + "n" * 1001)
    assert note["text"] == "That text is too long: at most 1000 characters."
    await ask(double, people.admin, "/lang en")
    excuse = await ask(double, people.admin, "/excuse 1 @binh_le " + "r" * 501)
    assert excuse["text"] == "That text is too long: at most 500 characters."
    assert await count(app, "SELECT COUNT(*) FROM task_assignees WHERE status = 'open'") == 2
