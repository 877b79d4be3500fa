"""Everything stored can be shown: detail views of large tasks and meetings, and data stored
before the input limits, fit Telegram's messages (issue 10, item 6)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from telegram.ext import Application

from bot.app import dispatcher_of, services_of
from bot.members import Person
from tests.conftest import create_task
from tests.double import BotApiDouble
from tests.e2e.test_members import ask

pytestmark = pytest.mark.usefixtures("app")

DUE = datetime(2026, 12, 31, 10, 0, tzinfo=UTC)
LONG_NAME = "Nguyễn Thị Phương Thảo Hoàng Minh Khôi Trần Quốc Đạt Lê Văn "  # ~60 characters


async def many_members(app: Application, count: int) -> list:
    members = services_of(app).members
    return [await members.seen(Person(50_000 + n, f"member_{n:04d}", f"{LONG_NAME}{n}", "en"))
            for n in range(count)]


async def all_replies(double: BotApiDouble, user: dict, text: str) -> list[dict]:
    first = await ask(double, user, text)
    await double.idle(quiet=0.2, timeout=10)
    return [first] + [m for m in double.messages(user["id"])
                      if m["message_id"] > first["message_id"]]


def fits(double: BotApiDouble, messages: list[dict]) -> None:
    assert double.errors == []
    assert all(len(m.get("text", "")) <= 4096 for m in messages)


async def test_a_task_with_three_hundred_parts_fits_naming_the_first_and_counting_the_rest(
    double, people, app
) -> None:
    await ask(double, people.admin, "/lang en")
    admin = await services_of(app).members.by_id(1)
    await create_task(services_of(app), admin, "Báo cáo", DUE, await many_members(app, 300))
    shown = await all_replies(double, people.admin, "/task 1")
    fits(double, shown)
    text = "\n".join(m["text"] for m in shown)
    assert f"{LONG_NAME}0," in text and "and 270 more" in text


async def test_a_meeting_with_legacy_long_fields_is_shown_and_announced(
    double, people, app, clock
) -> None:
    await ask(double, people.admin, "/lang en")
    await ask(double, people.binh, "/start")
    services = services_of(app)
    admin = await services.members.by_id(1)
    others = [m.username for m in await many_members(app, 300)]
    view = await services.meetings.create(
        admin, await services.access.scope(admin), title="T" * 5000, place="P" * 5000,
        agenda="A" * 5000, starts_at=datetime(2026, 12, 15, 7, 0, tzinfo=UTC),
        group_chat_id=None, usernames=["binh_le", *others])
    async with services.db.transaction() as conn:  # conclusions stored before the limits
        await conn.execute("UPDATE meetings SET minutes = ? WHERE id = ?",
                           ("M" * 9000, view.meeting.id))
    await dispatcher_of(app).run()
    announced = await double.wait_for_message(people.binh["id"], contains="New meeting")
    assert len(announced["text"]) <= 4096
    shown = await all_replies(double, people.admin, "/meeting 1")
    fits(double, shown)
    assert sum(m["text"].count("M") for m in shown) >= 9000
    report = await all_replies(double, people.admin, "/attendance 1")
    fits(double, report)
    assert len(report) >= 4


async def test_judging_an_absence_in_a_large_attendance_report_redraws_its_last_page(
    double, people, app, clock
) -> None:
    await ask(double, people.admin, "/lang en")
    await ask(double, people.binh, "/start")
    services = services_of(app)
    admin = await services.members.by_id(1)
    others = [m.username for m in await many_members(app, 300)]
    await services.meetings.create(
        admin, await services.access.scope(admin), title="Hội nghị", place="", agenda="",
        starts_at=clock.now() + timedelta(minutes=10), group_chat_id=None,
        usernames=["binh_le", *others])
    binh = await services.members.find("@binh_le")
    await services.meetings.respond(binh, 1, "absent")
    await services.checkins.check_in(await services.members.find("@member_0001"), 1)
    await double.idle(quiet=0.2, timeout=10)
    report = await all_replies(double, people.admin, "/attendance 1")
    assert len(report) >= 2
    last = report[-1]
    [excuse, _unexcuse] = last["reply_markup"]["inline_keyboard"][-1]
    query = await double.press(last, people.admin, data=excuse["callback_data"])
    await double.wait_for_call("answerCallbackQuery",
                               predicate=lambda c: c["callback_query_id"] == query)
    await double.wait_for_call("editMessageText", timeout=10,
                               predicate=lambda p: p.get("message_id") == last["message_id"])
    fits(double, double.messages(people.admin["id"]))
    [redrawn] = [m for m in double.messages(people.admin["id"])
                 if m["message_id"] == last["message_id"]]
    assert "Absences: 1 excused, 0 not excused, 0 not yet judged." in redrawn["text"]
    assert "📍 Checked in (1/301)" in redrawn["text"]
    assert redrawn["reply_markup"] == last["reply_markup"]
