"""Group chats: /cmd@BotName, subscriptions, unknown commands, errors."""

from __future__ import annotations

import logging

import pytest
from telegram.ext import Application

from tests.conftest import BOT_USERNAME, TOKEN
from tests.e2e.test_members import ask

pytestmark = pytest.mark.usefixtures("app")


async def test_commands_addressed_to_the_bot_by_name_work_in_groups(double, people) -> None:
    reply = await ask(double, people.binh, f"/whoami@{BOT_USERNAME}", chat=people.group)
    assert "Role: member" in reply["text"]
    assert reply["reply_to_message"]["from"]["id"] == people.binh["id"]


async def test_commands_for_another_bot_are_ignored(double, people) -> None:
    await double.send_text(people.binh, "/whoami@some_other_bot", chat=people.group)
    await double.send_text(people.binh, "/weather@some_other_bot", chat=people.group)
    await double.send_text(people.binh, "/weather", chat=people.group)
    await double.idle(quiet=0.3, timeout=5)
    assert double.messages(people.group["id"]) == []


async def test_subscribe_and_unsubscribe_a_group(double, people, app: Application) -> None:
    units = app.bot_data["services"].units
    on = await ask(double, people.admin, f"/subscribe@{BOT_USERNAME}", chat=people.group)
    assert on["text"].startswith("Nhóm này nay là đơn vị “Chi bộ Văn phòng” và sẽ nhận thông "
                                 "báo của cấp ủy.")
    assert [u.id for u in await units.all()] == [people.group["id"]]
    twice = await ask(double, people.admin, "/subscribe", chat=people.group)
    assert twice["text"] == "Nhóm này đã đăng ký nhận thông báo của cấp ủy từ trước."
    off = await ask(double, people.admin, "/unsubscribe", chat=people.group)
    assert off["text"] == "Nhóm này sẽ không nhận thông báo của cấp ủy nữa."
    assert await units.all() == []
    log = await app.bot_data["services"].db.fetchall(
        "SELECT action, target FROM audit_log WHERE action LIKE '%subscribe' ORDER BY id"
    )
    assert [tuple(r) for r in log] == [
        ("subscribe", f"chat:{people.group['id']}"),
        ("unsubscribe", f"chat:{people.group['id']}"),
    ]


async def test_subscribe_is_refused_to_members_and_explained_in_private(double, people) -> None:
    refused = await ask(double, people.binh, "/subscribe", chat=people.group)
    assert refused["text"].startswith("Sorry, only the organisation's admins can do this")
    private = await ask(double, people.admin, "/subscribe")
    assert f"/subscribe@{BOT_USERNAME}" in private["text"]


async def test_unknown_commands_point_to_help(double, people) -> None:
    private = await ask(double, people.binh, "/frobnicate")
    assert private["text"] == "I don't know that command. Send /help to see the commands."
    group = await ask(double, people.chi, f"/frobnicate@{BOT_USERNAME}", chat=people.group)
    assert group["text"] == "Tôi không hiểu lệnh này. Gửi /help để xem danh sách lệnh."


async def test_a_failure_is_logged_and_the_user_is_told(
    double, people, app: Application, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(app.bot_data["services"].members, "set_language", broken)
    with caplog.at_level(logging.ERROR):
        reply = await ask(double, people.chi, "/lang en")
    assert reply["text"] == "Xin lỗi, đã có lỗi xảy ra. Đồng chí vui lòng thử lại sau."
    assert "database on fire" in caplog.text
    assert TOKEN not in caplog.text


async def test_a_group_upgraded_to_a_supergroup_keeps_its_reminders(double, people, app,
                                                                    clock) -> None:
    from bot.app import dispatcher_of
    from tests.e2e.test_tasks import add_task

    await ask(double, people.admin, "/subscribe", chat=people.group)
    await ask(double, people.chi, "/whoami", chat=people.group)  # on the roster now
    await add_task(double, people.admin, "/addtask 31/12/2026 17:00 Việc của nhóm",
                   chat=people.group)
    new = double.migrate_group(people.group["id"], -1009999, people.group["title"])
    clock.current = clock.current.replace(year=2026, month=12, day=28, hour=10, minute=0)
    await dispatcher_of(app).run()
    await dispatcher_of(app).run()  # the retry, now addressed to the new id
    reminder = await double.wait_for_message(new["id"], contains="Nhắc việc")
    assert "Việc của nhóm" in reminder["text"]
    units = app.bot_data["services"].units
    assert [u.id for u in await units.all()] == [new["id"]]
