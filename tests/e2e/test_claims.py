"""Usernames change hands (issue 10, item 9): a placeholder claimed by whoever holds its
username is reported to the admin who gave it work, with an undo; role changes name the
account that holds the username now."""

from __future__ import annotations

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.ext import Application

from bot.app import dispatcher_of, services_of
from tests.double import BotApiDouble
from tests.e2e.test_members import ask
from tests.e2e.test_unit_scope import two_units

pytestmark = pytest.mark.usefixtures("app")


def buttons(message: dict) -> dict[str, str]:
    keyboard = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return {button["text"]: button["callback_data"] for row in keyboard for button in row}


async def parts(app: Application) -> list[tuple]:
    rows = await services_of(app).db.fetchall(
        "SELECT a.task_id, m.telegram_id, m.username, m.full_name FROM task_assignees a"
        " JOIN members m ON m.id = a.member_id ORDER BY a.task_id")
    return [tuple(row) for row in rows]


async def claimed(double: BotApiDouble, people, app: Application) -> tuple[dict, dict]:
    """A task for @newhire before anyone wrote as @newhire; then someone holding that name
    starts the bot. Returns the claimer and the admin's notice."""
    await ask(double, people.admin, "/lang en")
    await ask(double, people.admin, "/addtask @newhire 31/12/2026 Báo cáo mật")
    await dispatcher_of(app).run()  # the placeholder cannot be written to: noted as such
    claimer = double.add_user(2001, "Mallory", last_name="Vo", username="newhire",
                              language_code="en")
    await ask(double, claimer, "/start")
    await dispatcher_of(app).run()
    notice = await double.wait_for_message(people.admin["id"], contains="was claimed")
    return claimer, notice


async def test_the_admin_is_told_who_claimed_a_placeholder(double, people, app) -> None:
    _claimer, notice = await claimed(double, people, app)
    assert notice["text"] == (
        "👤 @newhire was claimed by Mallory Vo (Telegram id 2001), who now has what you gave "
        "to @newhire: task #1. If this is not the person you meant, press “Undo”: the work "
        "goes back to an unclaimed @newhire for you to reassign, and Mallory Vo is told.")
    assert list(buttons(notice)) == ["↩️ Undo"]
    assert await parts(app) == [(1, 2001, "newhire", "Mallory Vo")]


async def test_undo_gives_the_work_back_and_tells_the_claimer(double, people, app) -> None:
    claimer, notice = await claimed(double, people, app)
    query = await double.press(notice, people.admin, data=buttons(notice)["↩️ Undo"])
    answer = await double.wait_for_call(
        "answerCallbackQuery", predicate=lambda c: c["callback_query_id"] == query)
    assert answer["text"].startswith("Given back: the work waits, unclaimed")
    assert await parts(app) == [(1, None, None, "@newhire")]
    await dispatcher_of(app).run()
    told = await double.wait_for_message(claimer["id"], contains="taken back")
    assert told["text"].startswith("An admin has taken back what was given to @newhire "
                                   "(task #1)")
    mine = await ask(double, claimer, "/tasks")
    assert mine["text"] == "You have no open tasks. 🎉"
    await double.wait_for_call("editMessageReplyMarkup",
                               predicate=lambda p: p.get("message_id") == notice["message_id"])
    assert buttons(await _current(double, notice)) == {}  # the button is gone once used


async def _current(double: BotApiDouble, message: dict) -> dict:
    return next(m for m in double.messages(message["chat"]["id"])
                if m["message_id"] == message["message_id"])


async def test_only_admins_may_undo(double, people, app) -> None:
    _claimer, notice = await claimed(double, people, app)
    await ask(double, people.binh, "/start")
    message = await app.bot.send_message(people.binh["id"], "copy",
                                         reply_markup=_markup(buttons(notice)["↩️ Undo"]))
    query = await double.press((people.binh["id"], message.message_id), people.binh)
    answer = await double.wait_for_call(
        "answerCallbackQuery", predicate=lambda c: c["callback_query_id"] == query)
    assert answer["text"].startswith("Sorry, this command is for the organisation's admins")
    assert await parts(app) == [(1, 2001, "newhire", "Mallory Vo")]


def _markup(data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton("Undo", callback_data=data)]])


async def test_revoke_acts_on_who_holds_the_username_now_and_names_their_id(
    double, people, app
) -> None:
    await ask(double, people.admin, "/lang en")
    dave = double.add_user(3001, "Dave", last_name="Old", username="dave", language_code="en")
    await ask(double, dave, "/start")
    granted = await ask(double, people.admin, "/grant @dave")
    assert granted["text"] == "Dave Old (id 3001) is now an admin."
    # Dave renames himself; someone else takes @dave.
    dave = double.add_user(3001, "Dave", last_name="Old", username="dave_renamed",
                           language_code="en")
    await ask(double, dave, "/whoami")
    taker = double.add_user(3002, "Eve", last_name="New", username="dave", language_code="en")
    await ask(double, taker, "/start")
    revoked = await ask(double, people.admin, "/revoke @dave")
    assert revoked["text"] == "Eve New (id 3002) is not an admin."
    still = await ask(double, people.admin, "/revoke @dave_renamed")
    assert still["text"] == "Dave Old (id 3001) is no longer an admin."


async def test_a_unit_admin_undoes_only_the_work_they_manage(double, people, app) -> None:
    await two_units(double, people)
    await ask(double, people.admin, "/lang en")
    await ask(double, people.admin, "/addtask @newhire 31/12/2026 Việc của chi bộ",
              chat=people.group)  # unit A's task: its admin, Chi, manages it
    await ask(double, people.admin, "/addtask @newhire 31/12/2026 Việc của tổ chức")
    await dispatcher_of(app).run()
    claimer = double.add_user(2001, "Mallory", last_name="Vo", username="newhire",
                              language_code="en")
    await ask(double, claimer, "/start")
    await dispatcher_of(app).run()
    notice = await double.wait_for_message(people.admin["id"], contains="was claimed")
    undo = buttons(notice)["↩️ Undo"]
    async with services_of(app).db.transaction() as conn:  # as if Chi had given it
        await conn.execute("UPDATE tasks SET created_by = (SELECT id FROM members"
                           " WHERE telegram_id = 1003) WHERE id = 1")
    message = await app.bot.send_message(people.chi["id"], "copy", reply_markup=_markup(undo))
    query = await double.press((people.chi["id"], message.message_id), people.chi)
    await double.wait_for_call("answerCallbackQuery",
                               predicate=lambda c: c["callback_query_id"] == query)
    assert await parts(app) == [(1, None, None, "@newhire"), (2, 2001, "newhire", "Mallory Vo")]
    await dispatcher_of(app).run()
    told = await double.wait_for_message(claimer["id"], contains="taken back")
    assert "(task #1)" in told["text"]
    query = await double.press(notice, people.admin, data=undo)
    await double.wait_for_call("answerCallbackQuery",
                               predicate=lambda c: c["callback_query_id"] == query)
    assert [row[1] for row in await parts(app)] == [None, None]
