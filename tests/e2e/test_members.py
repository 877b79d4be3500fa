"""Members and roles end to end: /start, /help, /lang, /whoami, /grant, /revoke."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from telegram.ext import Application

from tests.double import BotApiDouble
from tests.e2e.test_help import open_topic

pytestmark = pytest.mark.usefixtures("app")


async def ask(double: BotApiDouble, user: dict, text: str, **kwargs) -> dict:
    """Send text as the user and return the bot's next message in that chat."""
    chat = kwargs.get("chat")
    await double.send_text(user, text, **kwargs)
    chat_id = user["id"] if chat is None else chat["id"]
    return await double.wait_for_message(chat_id, timeout=5)


async def test_start_greets_in_the_telegram_language(double, people) -> None:
    vi = await ask(double, people.chi, "/start")
    assert "Xin chào đồng chí Chi Phạm" in vi["text"]
    en = await ask(double, people.binh, "/start")
    assert "Hello, Binh Le!" in en["text"]


async def test_start_registers_the_member(double, people, app: Application) -> None:
    await ask(double, people.binh, "/start")
    member = await app.bot_data["services"].members.find("binh_le")
    assert (member.telegram_id, member.full_name, member.language) == (1002, "Binh Le", "en")
    assert member.started_at is not None


async def test_help_lists_only_what_the_user_may_use_with_examples(double, people) -> None:
    member_help = await ask(double, people.binh, "/help")
    assert "/whoami" in member_help["text"]
    assert "/grant" not in member_help["text"]
    general = await open_topic(double, member_help, people.binh, "⚙️ General")
    assert "Example: <code>/lang en</code>" not in general["text"]  # rendered as HTML
    assert "Example: /lang en" in general["text"]
    admin_help = await ask(double, people.admin, "/help")
    assert "/grant" in admin_help["text"]
    members = await open_topic(double, admin_help, people.admin, "👥 Thành viên và nhóm")
    assert "Ví dụ: /grant @tên_người_dùng" in members["text"]


async def test_lang_switches_and_later_replies_follow(double, people) -> None:
    switched = await ask(double, people.chi, "/lang en")
    assert switched["text"] == "Language set to English."
    whoami = await ask(double, people.chi, "/whoami")
    assert "Language: English" in whoami["text"]
    back = await ask(double, people.chi, "/lang vi")
    assert back["text"] == "Đã chuyển ngôn ngữ sang tiếng Việt."


@pytest.mark.parametrize("text", ["/lang", "/lang fr", "/lang english please"])
async def test_lang_with_bad_input_shows_an_example(double, people, text: str) -> None:
    reply = await ask(double, people.binh, text)
    assert "Please choose vi (Tiếng Việt) or en (English)." in reply["text"]
    assert "Example: /lang en" in reply["text"]


async def test_whoami_shows_role_language_and_id(double, people) -> None:
    admin = await ask(double, people.admin, "/whoami")
    assert "Vai trò: quản trị viên (theo cấu hình của bot)" in admin["text"]
    assert "ID Telegram: 1001" in admin["text"]
    assert "Ghi nhận từ: 22/11/2026" in admin["text"]
    member = await ask(double, people.binh, "/whoami")
    assert "Role: member" in member["text"]
    assert "Username: @binh_le" in member["text"]


async def test_an_admin_grants_and_revokes_by_username(double, people, app) -> None:
    await ask(double, people.binh, "/start")
    granted = await ask(double, people.admin, "/grant @binh_le")
    assert granted["text"] == "Binh Le (ID 1002) đã được cấp quyền quản trị."
    assert "Role: admin" in (await ask(double, people.binh, "/whoami"))["text"]
    assert "/grant" in (await ask(double, people.binh, "/help"))["text"]
    revoked = await ask(double, people.admin, "/revoke @BINH_LE")
    assert revoked["text"] == "Binh Le (ID 1002) không còn quyền quản trị."
    assert "Role: member" in (await ask(double, people.binh, "/whoami"))["text"]
    log = await app.bot_data["services"].db.fetchall(
        "SELECT actor_id, action, target FROM audit_log WHERE action IN ('grant', 'revoke')"
        " ORDER BY id"
    )
    assert [(r[0], r[1]) for r in log] == [(1001, "grant"), (1001, "revoke")]
    assert all("@binh_le" in r[2] for r in log)


async def test_a_granted_admin_may_grant_in_turn(double, people) -> None:
    await ask(double, people.binh, "/start")
    await ask(double, people.chi, "/start")
    await ask(double, people.admin, "/grant @binh_le")
    reply = await ask(double, people.binh, "/grant @chi_pham")
    assert reply["text"] == "Chi Phạm (id 1003) is now an admin."


async def test_grant_in_a_units_group_makes_a_unit_admin(double, people) -> None:
    said = await double.send_text(people.chi, "Xin chào cả nhóm", chat=people.group)
    plain = await ask(double, people.admin, "/grant @chi_pham", chat=people.group)
    assert plain["text"].startswith("Nhóm này chưa là đơn vị")
    await ask(double, people.admin, "/subscribe", chat=people.group)
    reply = await ask(double, people.admin, "/grant", chat=people.group, reply_to=said)
    assert reply["text"] == "Đồng chí Chi Phạm (1003) nay là quản trị viên của đơn vị này."
    again = await ask(double, people.admin, "/grant", chat=people.group, reply_to=said)
    assert again["text"] == "Đồng chí Chi Phạm (1003) đã là quản trị viên của đơn vị này."
    whoami = await ask(double, people.chi, "/whoami")
    assert "Vai trò: thành viên" in whoami["text"]
    assert "Đơn vị: Chi bộ Văn phòng (quản trị viên đơn vị)" in whoami["text"]


async def test_grant_refusals_and_bad_input(double, people) -> None:
    refused = await ask(double, people.binh, "/grant @chi_pham")
    assert refused["text"].startswith("Sorry, this command is for the organisation's admins "
                                      "and unit admins.")
    unknown = await ask(double, people.admin, "/grant @nobody_here")
    assert "Tôi chưa biết @nobody_here." in unknown["text"]
    missing = await ask(double, people.admin, "/grant")
    assert "/grant @tên_người_dùng" in missing["text"]
    configured = await ask(double, people.admin, "/revoke @hung_tran")
    assert "cấu hình ADMIN_IDS" in configured["text"]
    not_admin = await ask(double, people.binh, "/revoke @hung_tran")
    assert not_admin["text"].startswith("Sorry, this command is for the organisation's admins")


async def test_the_anonymous_group_admin_is_never_an_admin(double, people) -> None:
    anonymous = double.add_user(1087968824, "Group", username="GroupAnonymousBot", is_bot=True)
    reply = await ask(double, anonymous, "/subscribe", chat=people.group)
    assert reply["text"].startswith("Đề nghị đồng chí dùng tài khoản của mình, không nhân danh "
                                    "nhóm hay kênh")


async def test_html_in_names_is_escaped(double) -> None:
    tricky = double.add_user(1010, "<b>Mal</b>", username="mal", language_code="en")
    reply = await ask(double, tricky, "/start")
    assert "Hello, <b>Mal</b>!" in reply["text"]  # shown literally, not as bold


async def test_commands_menu_is_published_in_both_languages(double) -> None:
    vi = {c["command"]: c["description"] for c in double.commands[("default", "vi")]}
    en = {c["command"]: c["description"] for c in double.commands[("default", "")]}
    assert vi["lang"] == "Chọn ngôn ngữ: vi hoặc en"
    assert en["lang"] == "Choose the language: vi or en"
    assert "grant" not in en


async def test_people_seen_only_in_a_group_are_known_for_grant(
    double: BotApiDouble, people: SimpleNamespace
) -> None:
    await double.send_text(people.binh, "hello", chat=people.group)
    await double.idle(quiet=0.2, timeout=3)
    reply = await ask(double, people.admin, "/grant @binh_le")
    assert reply["text"] == "Binh Le (ID 1002) đã được cấp quyền quản trị."


async def test_admins_get_every_command_in_their_own_menu(double, people) -> None:
    await ask(double, people.admin, "/start")
    admin_menu = {c["command"]: c["description"] for c in double.commands[("chat:1001", "")]}
    assert admin_menu["grant"] == "Cấp quyền quản trị cho một thành viên"
    assert "addtask" in admin_menu and "whoami" in admin_menu
    await ask(double, people.binh, "/start")
    assert ("chat:1002", "") not in double.commands
    await ask(double, people.admin, "/grant @binh_le")
    binh_menu = {c["command"]: c["description"] for c in double.commands[("chat:1002", "")]}
    assert binh_menu["grant"] == "Make a member an admin"
    await ask(double, people.binh, "/lang vi")
    binh_menu = {c["command"]: c["description"] for c in double.commands[("chat:1002", "")]}
    assert binh_menu["grant"] == "Cấp quyền quản trị cho một thành viên"
    await ask(double, people.admin, "/revoke @binh_le")
    assert ("chat:1002", "") not in double.commands


async def test_admins_known_at_start_get_their_menu_then(double, people, settings, clock) -> None:
    from bot.app import build_application, running

    async with running(build_application(settings, clock)):
        await ask(double, people.admin, "/start")
        await double.wait_for_call(  # the admin's menu, published after the greeting
            "setMyCommands", predicate=lambda p: p.get("scope", {}).get("chat_id") == 1001)
    before = len(double.calls)
    async with running(build_application(settings, clock)):
        published = [params for method, params in double.calls[before:]
                     if method == "setMyCommands" and params.get("scope", {}).get("chat_id")]
    assert [p["scope"]["chat_id"] for p in published] == [1001]
    assert "grant" in {c["command"] for c in published[0]["commands"]}
