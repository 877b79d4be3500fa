"""/help end to end: a short overview by topic, each topic's commands a button away."""

from __future__ import annotations

import pytest

from tests.double import BotApiDouble

pytestmark = pytest.mark.usefixtures("app")


async def ask(double: BotApiDouble, user: dict, text: str) -> dict:
    await double.send_text(user, text)
    return await double.wait_for_message(user["id"], timeout=5)


def buttons(message: dict) -> dict[str, str]:
    keyboard = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return {button["text"]: button["callback_data"] for row in keyboard for button in row}


async def open_topic(double: BotApiDouble, message: dict, user: dict, label: str) -> dict:
    """Press the topic button ``label``; the press is answered and the message edited."""
    query = await double.press(message, user, data=buttons(message)[label])
    await double.wait_for_call(
        "editMessageText", predicate=lambda call: call["message_id"] == message["message_id"]
    )
    assert double.callback_answer(query) is not None  # no spinner left on the button
    return next(m for m in double.messages(message["chat"]["id"])
                if m["message_id"] == message["message_id"])


async def test_the_admin_help_is_a_short_overview_with_topic_buttons(double, people) -> None:
    overview = await ask(double, people.admin, "/help")
    lines = overview["text"].splitlines()
    assert len(lines) <= 12
    assert lines[0] == "Những việc tôi có thể giúp đồng chí"
    assert ("📋 Nhiệm vụ: /tasks /task /done /addtask /alltasks /edittask /canceltask /excuse"
            in lines)
    assert ("👥 Thành viên và nhóm: /unreachable /grant /revoke /subscribe /units /unit "
            "/members /rollcall /unsubscribe" in lines)
    assert list(buttons(overview)) == ["📋 Nhiệm vụ", "📅 Cuộc họp", "📚 Văn bản và danh sách",
                                       "👥 Thành viên và nhóm", "📊 Báo cáo", "⚙️ Lệnh chung"]
    assert all(len(data.encode()) <= 64 for data in buttons(overview).values())
    tasks = await open_topic(double, overview, people.admin, "📋 Nhiệm vụ")
    assert tasks["text"].startswith("📋 Nhiệm vụ\n/tasks — ")
    assert "/addtask — Giao nhiệm vụ có thời hạn\n    Ví dụ: /addtask @user1" in tasks["text"]
    assert "/meetings" not in tasks["text"]
    assert "⬅️ Tổng quan" in buttons(tasks) and "📋 Nhiệm vụ" not in buttons(tasks)
    members = await open_topic(double, tasks, people.admin, "👥 Thành viên và nhóm")
    assert "/grant — Cấp quyền quản trị cho một thành viên\n    Ví dụ: /grant @tên_người_dùng" in (
        members["text"])
    back = await open_topic(double, members, people.admin, "⬅️ Tổng quan")
    assert back["text"] == overview["text"]


async def test_a_member_sees_only_what_they_may_use_in_english(double, people) -> None:
    overview = await ask(double, people.binh, "/help")
    assert overview["text"].startswith("What I can do\n")
    assert "/grant" not in overview["text"] and "/addtask" not in overview["text"]
    assert "👥 Members and groups" not in buttons(overview)
    assert list(buttons(overview)) == ["📋 Tasks", "📅 Meetings", "📚 Directives and lists",
                                       "📊 Reports", "⚙️ General"]
    general = await open_topic(double, overview, people.binh, "⚙️ General")
    assert "/lang — Choose the language: vi or en\n    Example: /lang en" in general["text"]
    meetings = await open_topic(double, general, people.binh, "📅 Meetings")
    assert "/ics — " in meetings["text"] and "/addmeeting" not in meetings["text"]


async def test_a_revoked_admin_pressing_an_admin_topic_gets_the_overview(double, people) -> None:
    await ask(double, people.binh, "/start")
    await ask(double, people.admin, "/grant @binh_le")
    overview = await ask(double, people.binh, "/help")
    assert "👥 Members and groups" in buttons(overview)
    await ask(double, people.admin, "/revoke @binh_le")
    shown = await open_topic(double, overview, people.binh, "👥 Members and groups")
    assert shown["text"].startswith("What I can do\n")
    assert "/grant" not in shown["text"] and "👥 Members and groups" not in buttons(shown)
