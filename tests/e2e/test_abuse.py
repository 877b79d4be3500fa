"""Hostile input end to end: senders posting as a chat, forged and stale buttons, numbers
that are not ids, offsets past any calendar (issue 10, items 1, 4 and 5)."""

from __future__ import annotations

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.ext import Application

from tests.double import BotApiDouble
from tests.e2e.test_members import ask

pytestmark = pytest.mark.usefixtures("app")

ANONYMOUS_ADMIN = 1087968824  # Telegram's GroupAnonymousBot
CHANNEL_BOT = 136817688  # Telegram's Channel_Bot, the sender of posts made as a channel
# Whoever posts as the group or a channel is nobody, so is answered in the default language.
WRITE_AS_YOURSELF = ("Đề nghị đồng chí dùng tài khoản của mình, không nhân danh nhóm hay kênh: "
                     "tắt “Ẩn danh”")
OUT_OF_DATE = "This button is out of date."


async def english(double: BotApiDouble, *people: dict) -> None:
    for person in people:
        await ask(double, person, "/lang en")


async def answered(double: BotApiDouble, query_id: str) -> dict:
    """The answer to this press, once it comes (a quiet moment is no proof under load)."""
    await double.wait_for_call("answerCallbackQuery", 5.0,
                               lambda params: params.get("callback_query_id") == query_id)
    await double.idle(quiet=0.1, timeout=5)  # and whatever else the press did is done
    answer = double.callback_answer(query_id)
    assert answer is not None, "the press was never answered"
    return answer


def edits(double: BotApiDouble) -> list[str]:
    return [name for name, _params in double.calls
            if name.startswith("editMessage") or name == "deleteMessage"]


async def a_meeting(double: BotApiDouble, people) -> None:
    await english(double, people.admin)
    await ask(double, people.admin, "/addmeeting @binh_le 15/12/2026 14:00 | Phòng 2 | "
                                    "Kiểm điểm mật\nNội dung mật")


@pytest.mark.parametrize("command", ["/ics", "/tasks", "/meetings", "/task 1", "/whoami"])
async def test_an_anonymous_admin_is_asked_to_write_as_themselves(
    double, people, command: str
) -> None:
    await a_meeting(double, people)
    anonymous = double.add_user(ANONYMOUS_ADMIN, "Group", username="GroupAnonymousBot",
                                is_bot=True)
    await double.send_text(anonymous, command, chat=people.group, sender_chat=people.group)
    reply = await double.wait_for_message(people.group["id"])
    assert reply["text"].startswith(WRITE_AS_YOURSELF)  # nobody's language: the default, vi
    await double.idle(quiet=0.1)
    assert double.documents(people.group["id"]) == []  # no calendar of anyone's meetings


@pytest.mark.parametrize("command", ["/ics", "/tasks", "/meetings"])
async def test_a_post_as_a_channel_is_asked_to_write_as_oneself(
    double, people, command: str
) -> None:
    await a_meeting(double, people)
    channel = double.add_channel(-1009876543210, "Kênh tin")
    poster = double.add_user(CHANNEL_BOT, "Channel", username="Channel_Bot", is_bot=True)
    await double.send_text(poster, command, chat=people.group, sender_chat=channel)
    reply = await double.wait_for_message(people.group["id"])
    assert "Kiểm điểm mật" not in reply["text"]
    assert reply["text"].startswith(WRITE_AS_YOURSELF)
    assert double.documents(people.group["id"]) == []


async def test_a_button_pressed_by_the_anonymous_account_changes_nothing(
    double, people, app: Application
) -> None:
    await english(double, people.binh)
    shown = await ask(double, people.binh, "/help", chat=people.group)
    anonymous = double.add_user(ANONYMOUS_ADMIN, "Group", username="GroupAnonymousBot",
                                is_bot=True)
    query = await double.press(shown, anonymous, index=0)
    answer = await answered(double, query)
    assert answer["text"] == ("Đề nghị đồng chí dùng tài khoản của mình, không nhân danh nhóm "
                              "hay kênh.")
    assert edits(double) == []


@pytest.mark.parametrize("data", [
    "kb:dp:99999", "kb:d:1234567890123456789012345", "mk:999", "td:9223372036854775808",
    "tm:0", "tm:²", "ta:1:1", "help:nope", "help:", "noop:1", "zzz", "", ":", "td:-1",
    "kb:i:1:2", "me:1", "rc:1", "x" * 64,
])
async def test_a_forged_button_is_answered_out_of_date_and_changes_nothing(
    double, people, data: str
) -> None:
    await english(double, people.binh)
    shown = await ask(double, people.binh, "/help")
    query = await double.press_forged(shown, people.binh, data)
    answer = await answered(double, query)
    assert answer["text"] == OUT_OF_DATE
    assert edits(double) == []
    assert double.errors == []


async def old_buttons(app: Application, chat_id: int, *data: str) -> dict:
    """A message an earlier version of the bot sent, with buttons of its own kinds."""
    markup = InlineKeyboardMarkup([[InlineKeyboardButton(d, callback_data=d) for d in data]])
    sent = await app.bot.send_message(chat_id, "Trang cũ", reply_markup=markup)
    return {"chat": {"id": chat_id}, "message_id": sent.message_id}


@pytest.mark.parametrize("data", ["tl:me:0", "kb:dp:99", "tm:7", "help:nope", "kb:zz:1",
                                  "ta:99:1", "kb:d:999999", "kb:l:999999"])
async def test_a_stale_button_is_answered_out_of_date_and_changes_nothing(
    double, people, app: Application, data: str
) -> None:
    await english(double, people.binh)
    message = await old_buttons(app, people.binh["id"], data)
    await double.wait_for_message(people.binh["id"], contains="Trang cũ")
    query = await double.press(message, people.binh, data=data)
    answer = await answered(double, query)
    assert answer["text"] == OUT_OF_DATE
    assert edits(double) == []


@pytest.mark.parametrize("command", [
    "/task ²", "/task ³³", "/task 1234567890123456789012345", "/task 9223372036854775808",
    "/done ²", "/meeting ³³", "/edittask 9223372036854775808 31/12/2026", "/canceltask ٣",
    "/cancelmeeting 99999999999999999999", "/minutes ² text", "/ics ²", "/attendance ³",
])
async def test_numbers_that_are_not_ids_get_the_usage_message(
    double, people, command: str
) -> None:
    await english(double, people.admin)
    reply = await ask(double, people.admin, command)
    assert "something went wrong" not in reply["text"]
    assert "Example" in reply["text"] or "Which" in reply["text"]


@pytest.mark.parametrize("when", ["+999999999d", "+99999999999999999999w", "+5000000h",
                                  "31/12/9999"])
async def test_a_date_past_any_calendar_is_refused_clearly(double, people, when: str) -> None:
    await english(double, people.admin)
    reply = await ask(double, people.admin, f"/addtask @binh_le {when} Báo cáo")
    assert reply["text"].startswith("That date is too far ahead: at most 10 years from today.")
    extension = await ask(double, people.admin, f"/addmeeting @binh_le {when} | P | T")
    assert extension["text"].startswith("That date is too far ahead")
