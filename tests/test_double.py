"""Tests of the Bot API test double, over plain HTTP (httpx) and through a real PTB Bot.

The double is only useful if it answers exactly like Telegram where the bot can tell the
difference, so these tests pin the envelope, the validation errors and the delivery rules.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, InvalidToken, RetryAfter
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from tests.double import BotApiDouble
from tests.small_double import GROUP_ID, TOKEN, USER_ID, small_double


@pytest.fixture
async def double() -> AsyncIterator[BotApiDouble]:
    async with small_double(started=False) as fake:
        yield fake


@pytest.fixture
async def http(double: BotApiDouble) -> AsyncIterator[httpx.AsyncClient]:
    """Raw HTTP client rooted at /bot{token}/."""
    async with httpx.AsyncClient(base_url=f"{double.base_url}/bot{TOKEN}/", timeout=5.0) as client:
        yield client


@pytest.fixture
async def bot(double: BotApiDouble) -> AsyncIterator[telegram.Bot]:
    """A real PTB Bot pointed at the double."""
    root = double.base_url
    async with telegram.Bot(
        TOKEN, base_url=f"{root}/bot", base_file_url=f"{root}/file/bot"
    ) as ptb_bot:
        yield ptb_bot


async def call(http: httpx.AsyncClient, method: str, **params: Any) -> httpx.Response:
    """POST a JSON body, as most non-PTB clients do."""
    return await http.post(method, json=params)


# ---- envelope, routing, decoding -----------------------------------------------------------
async def test_get_me_envelope_and_ptb(
    double: BotApiDouble, http: httpx.AsyncClient, bot: telegram.Bot
) -> None:
    response = await call(http, "getMe")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert body["result"]["username"] == "committee_test_bot"
    assert body["result"]["is_bot"] is True
    me = await bot.get_me()
    assert me.id == 123456
    assert me.username == "committee_test_bot"


async def test_wrong_token_and_unknown_method(
    double: BotApiDouble, http: httpx.AsyncClient
) -> None:
    async with httpx.AsyncClient(timeout=5.0) as raw:
        wrong = await raw.post(f"{double.base_url}/bot999:nope/getMe")
    assert wrong.status_code == 401
    assert wrong.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    unknown = await call(http, "doSomethingWeird")
    assert unknown.status_code == 404
    assert unknown.json()["description"] == "Not Found"
    # Method names are case-insensitive on Telegram.
    assert (await call(http, "getme")).json()["ok"] is True
    bad_bot = telegram.Bot("999:nope", base_url=f"{double.base_url}/bot")
    with pytest.raises(InvalidToken):
        await bad_bot.get_me()


async def test_form_and_json_bodies_are_decoded(
    double: BotApiDouble, http: httpx.AsyncClient
) -> None:
    await double.send_text(USER_ID, "/start")
    markup = {"inline_keyboard": [[{"text": "Yes", "callback_data": "yes"}]]}
    form = await http.post(
        "sendMessage",
        data={
            "chat_id": str(USER_ID),
            "text": "form",
            "reply_markup": json.dumps(markup),
            "protect_content": "true",
        },
    )
    assert form.json()["ok"] is True, form.json()
    first = await double.wait_for_message(USER_ID, timeout=1.0)
    assert first["reply_markup"] == markup
    assert first["protect_content"] is True
    multipart = await http.post(
        "sendMessage",
        data={"chat_id": str(USER_ID), "text": "multi"},
        files={"unused": ("a.txt", b"x", "text/plain")},
    )
    assert multipart.json()["ok"] is True
    second = await double.wait_for_message(USER_ID, timeout=1.0)
    assert second["text"] == "multi"
    assert second["message_id"] > first["message_id"]


# ---- sending and delivery rules ------------------------------------------------------------
async def test_send_and_read_back(double: BotApiDouble, bot: telegram.Bot) -> None:
    await double.send_text(USER_ID, "/start")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("OK", callback_data="ok:1")]])
    sent = await bot.send_message(
        USER_ID,
        "<b>Xin chào</b> &lt;An&gt;",
        parse_mode="HTML",
        reply_markup=keyboard,
        protect_content=True,
    )
    assert sent.text == "Xin chào <An>"
    assert sent.entities[0].type == "bold"
    assert sent.has_protected_content
    received = await double.wait_for_message(USER_ID, timeout=1.0, contains="Xin chào")
    assert received["message_id"] == sent.message_id
    assert received["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "ok:1"
    assert received["protect_content"] is True
    assert received["raw_text"] == "<b>Xin chào</b> &lt;An&gt;"
    assert [m["text"] for m in double.messages(USER_ID)] == ["Xin chào <An>"]
    assert ("sendMessage", double.calls[-1][1]) == double.calls[-1]


async def test_never_started_blocked_and_unknown_chats(
    double: BotApiDouble, bot: telegram.Bot
) -> None:
    with pytest.raises(Forbidden, match="bot can't initiate conversation with a user"):
        await bot.send_message(USER_ID, "hello")
    await double.send_text(USER_ID, "/start")
    await bot.send_message(USER_ID, "now allowed")
    double.block(USER_ID)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(USER_ID, "hello again")
    double.unblock(USER_ID)
    await bot.send_message(USER_ID, "unblocked")
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(-100999, "nobody here")
    await bot.send_message(GROUP_ID, "group is known")
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(GROUP_ID, "   ")


async def test_message_too_long_counts_parsed_text(
    double: BotApiDouble, http: httpx.AsyncClient, bot: telegram.Bot
) -> None:
    await double.send_text(USER_ID, "/start")
    fits = "<b>" + "&lt;" * 4096 + "</b>"  # 4096 characters once parsed
    ok = await call(http, "sendMessage", chat_id=USER_ID, text=fits, parse_mode="HTML")
    assert ok.json()["ok"] is True
    too_long = await call(http, "sendMessage", chat_id=USER_ID, text="x" * 4097)
    assert too_long.status_code == 400
    assert too_long.json()["description"] == "Bad Request: message is too long"
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(USER_ID, "<i>" + "é" * 4097 + "</i>", parse_mode="HTML")


async def test_html_parse_errors(double: BotApiDouble, http: httpx.AsyncClient) -> None:
    await double.send_text(USER_ID, "/start")
    cases = {
        "a < b": 'Unsupported start tag "" at byte offset 2',
        "line<br>break": 'Unsupported start tag "br" at byte offset 4',
        "<b>bold": 'Can\'t find end tag corresponding to start tag "b"',
        "<b>x</i>": 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"',
        '<span class="x">s</span>': 'Tag "span" must have class "tg-spoiler"',
    }
    for text, detail in cases.items():
        answer = await call(http, "sendMessage", chat_id=USER_ID, text=text, parse_mode="HTML")
        assert answer.status_code == 400
        description = answer.json()["description"]
        assert description.startswith("Bad Request: can't parse entities: "), description
        assert detail in description
    fine = (
        '<a href="https://t.me">l</a> <tg-spoiler>s</tg-spoiler> <blockquote expandable>q'
        '</blockquote> <pre><code class="language-python">x</code></pre> <u>u</u>'
    )
    answer = await call(http, "sendMessage", chat_id=USER_ID, text=fine, parse_mode="HTML")
    types = [e["type"] for e in answer.json()["result"]["entities"]]
    assert types == ["text_link", "spoiler", "expandable_blockquote", "pre", "underline"]


async def test_callback_data_limit_is_64_bytes(double: BotApiDouble, bot: telegram.Bot) -> None:
    await double.send_text(USER_ID, "/start")
    ok_data = "ệ" * 21 + "x"  # 3 bytes * 21 + 1 = 64 bytes
    await bot.send_message(
        USER_ID,
        "fits",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("a", callback_data=ok_data)]]),
    )
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(
            USER_ID,
            "too big",
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("a", callback_data=ok_data + "y")]]
            ),
        )


async def test_edit_not_modified_and_keyboard_removal(
    double: BotApiDouble, bot: telegram.Bot
) -> None:
    await double.send_text(USER_ID, "/start")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("go", callback_data="go")]])
    sent = await bot.send_message(USER_ID, "v1", reply_markup=keyboard)
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text("v1", USER_ID, sent.message_id, reply_markup=keyboard)
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_reply_markup(USER_ID, sent.message_id, reply_markup=keyboard)
    # Same text without reply_markup removes the keyboard: that is a modification.
    edited = await bot.edit_message_text("v1", USER_ID, sent.message_id)
    assert edited.reply_markup is None
    await bot.edit_message_text("v2", USER_ID, sent.message_id)
    [current] = double.messages(USER_ID)
    assert current["text"] == "v2"
    assert [h["text"] for h in current["edit_history"]] == ["v1", "v1"]
    assert current["edit_history"][0]["reply_markup"] == keyboard.to_dict()
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", USER_ID, 999)
    assert await bot.delete_message(USER_ID, sent.message_id)
    assert double.messages(USER_ID)[0]["deleted"] is True


# ---- files ---------------------------------------------------------------------------------
async def test_send_document_round_trip(double: BotApiDouble, bot: telegram.Bot) -> None:
    await double.send_text(USER_ID, "/start")
    payload = "tên: Nguyễn\n".encode()
    sent = await bot.send_document(
        USER_ID, payload, filename="members.yaml", caption="<b>Export</b>", parse_mode="HTML"
    )
    assert sent.document.file_name == "members.yaml"
    assert sent.caption == "Export"
    [document] = double.documents(USER_ID)
    assert document["bytes"] == payload
    assert document["filename"] == "members.yaml"
    assert document["caption"] == "Export"
    file = await bot.get_file(sent.document.file_id)
    assert bytes(await file.download_as_bytearray()) == payload


async def test_user_document_download(double: BotApiDouble, bot: telegram.Bot) -> None:
    message = await double.send_document(
        USER_ID, filename="x.yaml", content=b"a: 1\n", caption="/import now"
    )
    assert message["caption_entities"] == [{"type": "bot_command", "offset": 0, "length": 7}]
    [update] = await bot.get_updates(timeout=0)
    assert update.message.document.file_name == "x.yaml"
    file = await update.message.document.get_file()
    assert bytes(await file.download_as_bytearray()) == b"a: 1\n"
    async with httpx.AsyncClient(timeout=5.0) as raw:
        missing = await raw.get(f"{double.base_url}/file/bot{TOKEN}/documents/nope")
    assert missing.status_code == 404


# ---- updates -------------------------------------------------------------------------------
async def test_long_poll_returns_early_and_offsets(
    double: BotApiDouble, bot: telegram.Bot
) -> None:
    async def inject_later() -> None:
        await asyncio.sleep(0.2)
        await double.send_text(USER_ID, "/start@committee_test_bot", chat=GROUP_ID)

    started = time.monotonic()
    injector = asyncio.create_task(inject_later())
    updates = await bot.get_updates(timeout=5)
    await injector
    assert time.monotonic() - started < 2.0
    [update] = updates
    assert update.message.text == "/start@committee_test_bot"
    assert update.message.entities[0].length == len("/start@committee_test_bot")
    assert update.message.chat.id == GROUP_ID
    # Unconfirmed updates are redelivered; offset confirms them.
    assert [u.update_id for u in await bot.get_updates(timeout=0)] == [update.update_id]
    assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == ()
    assert double.pending_updates == []
    empty_started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert time.monotonic() - empty_started >= 0.9


async def test_newer_poll_terminates_older_one(
    double: BotApiDouble, http: httpx.AsyncClient
) -> None:
    older = asyncio.create_task(call(http, "getUpdates", timeout=3))
    await asyncio.sleep(0.1)
    newer = await call(http, "getUpdates", timeout=0)
    assert newer.json() == {"ok": True, "result": []}
    answer = await asyncio.wait_for(older, 1.0)
    assert answer.status_code == 409
    assert "terminated by other getUpdates request" in answer.json()["description"]


async def test_press_button_and_answer(double: BotApiDouble, bot: telegram.Bot) -> None:
    user_message = await double.send_text(USER_ID, "/start")
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("A", callback_data="a"),
                InlineKeyboardButton("B", callback_data="b"),
            ],
            [InlineKeyboardButton("site", url="https://example.org")],
        ]
    )
    sent = await bot.send_message(
        USER_ID, "pick", reply_markup=keyboard, reply_to_message_id=user_message["message_id"]
    )
    assert sent.reply_to_message.text == "/start"
    message = await double.wait_for_message(USER_ID, timeout=1.0)
    with pytest.raises(AssertionError, match="no pressable button"):
        await double.press(message, USER_ID, index=2)
    query_id = await double.press(message, USER_ID, index=1)
    updates = await bot.get_updates(timeout=0)
    query = updates[-1].callback_query
    assert query.id == query_id
    assert query.data == "b"
    assert query.message.message_id == sent.message_id
    assert await query.answer("Done", show_alert=True)
    answered = await double.wait_for_call("answerCallbackQuery", timeout=1.0)
    assert answered["callback_query_id"] == query_id
    assert double.callback_answer(query_id) == {
        "text": "Done",
        "show_alert": True,
        "url": None,
        "cache_time": None,
    }
    with pytest.raises(BadRequest, match="Query is too old"):
        await query.answer()


# ---- limits and injected failures ----------------------------------------------------------
async def test_rate_limits(
    double: BotApiDouble, bot: telegram.Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # RetryAfter.retry_after as timedelta
    await double.send_text(USER_ID, "/start")
    await bot.send_message(USER_ID, "free while limits are off")
    await bot.send_message(USER_ID, "still free")
    double.enforce_limits(True)
    double.reset_limits()
    await bot.send_message(USER_ID, "one")
    with pytest.raises(RetryAfter) as private_error:
        await bot.send_message(USER_ID, "two in the same second")
    assert private_error.value.retry_after == dtm.timedelta(seconds=1)
    for number in range(20):
        await bot.send_message(GROUP_ID, f"group message {number}")
    with pytest.raises(RetryAfter) as group_error:
        await bot.send_message(GROUP_ID, "21st in a minute")
    assert 50 <= group_error.value.retry_after.total_seconds() <= 60
    assert double.throttled == 2
    error = double.errors[-1]
    assert error["error_code"] == 429
    assert error["description"].startswith("Too Many Requests: retry after ")


async def test_global_limit_over_http(double: BotApiDouble, http: httpx.AsyncClient) -> None:
    for number in range(31):
        double.add_group(-2000 - number, f"G{number}")
    double.enforce_limits(True)
    answers = [
        await call(http, "sendMessage", chat_id=-2000 - number, text="broadcast")
        for number in range(31)
    ]
    assert all(a.status_code == 200 for a in answers[:30])
    assert answers[30].status_code == 429
    assert answers[30].json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }


async def test_fail_next(
    double: BotApiDouble, bot: telegram.Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    await double.send_text(USER_ID, "/start")
    double.fail_next("sendMessage", chat_id=USER_ID, error_code=429, retry_after=7)
    double.fail_next("sendMessage", error_code=500, times=2)
    with pytest.raises(RetryAfter):
        await bot.send_message(USER_ID, "x")
    for _ in range(2):
        with pytest.raises(telegram.error.NetworkError, match="Internal Server Error"):
            await bot.send_message(USER_ID, "x")
    await bot.send_message(USER_ID, "works again")
    assert double.throttled == 1


# ---- test-facing helpers -------------------------------------------------------------------
async def test_wait_for_message_timeout_lists_what_arrived(
    double: BotApiDouble, bot: telegram.Bot
) -> None:
    await double.send_text(USER_ID, "/start")
    await bot.send_message(USER_ID, "first")
    await double.wait_for_message(USER_ID, timeout=1.0)
    with pytest.raises(BadRequest):
        await bot.send_message(USER_ID, "<b>oops", parse_mode="HTML")
    with pytest.raises(AssertionError) as failure:
        await double.wait_for_message(USER_ID, timeout=0.2, contains="second")
    text = str(failure.value)
    assert "'first'" in text and "[consumed]" in text
    assert "can't parse entities" in text


async def test_commands_members_and_chat(double: BotApiDouble, bot: telegram.Bot) -> None:
    await bot.set_my_commands([("start", "Bắt đầu")], language_code="vi")
    await bot.set_my_commands(
        [("grant", "Grant")], scope=telegram.BotCommandScopeChatAdministrators(GROUP_ID)
    )
    assert double.commands == {
        ("default", "vi"): [{"command": "start", "description": "Bắt đầu"}],
        (f"chat_administrators:{GROUP_ID}", ""): [{"command": "grant", "description": "Grant"}],
    }
    assert await bot.get_my_commands() == ()
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([("Bad-Name", "x")])
    await bot.delete_my_commands(language_code="vi")
    assert ("default", "vi") not in double.commands
    double.set_chat_admin(GROUP_ID, USER_ID)
    member = await bot.get_chat_member(GROUP_ID, USER_ID)
    assert member.status == "administrator"
    admins = await bot.get_chat_administrators(GROUP_ID)
    assert [a.user.id for a in admins] == [USER_ID]
    chat = await bot.get_chat(GROUP_ID)
    assert chat.title == "Chi bộ 1"
    assert await bot.send_chat_action(GROUP_ID, "typing")


async def test_ptb_application_end_to_end(double: BotApiDouble) -> None:
    """A real polling Application: command reply, button press, answer, edit."""

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(
            "Choose",
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("Tasks", callback_data="tasks")]]
            ),
        )

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("OK")
        await query.edit_message_text(f"You chose {query.data}")

    root = double.base_url
    application = (
        Application.builder()
        .token(TOKEN)
        .base_url(f"{root}/bot")
        .base_file_url(f"{root}/file/bot")
        .build()
    )
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(pressed))
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(timeout=1, poll_interval=0)
        try:
            await double.send_text(USER_ID, "/start")
            menu = await double.wait_for_message(USER_ID, timeout=3.0, contains="Choose")
            await double.press(menu, USER_ID, data="tasks")
            await double.wait_for_call("answerCallbackQuery", timeout=3.0)
            await double.wait_for_call("editMessageText", timeout=3.0)
            await double.idle(quiet=0.1, timeout=3.0)
            assert double.messages(USER_ID)[0]["text"] == "You chose tasks"
        finally:
            await application.updater.stop()
            await application.stop()


async def test_latency_and_idle(double: BotApiDouble, http: httpx.AsyncClient) -> None:
    await double.send_text(USER_ID, "/start")
    double.set_latency(0.2)
    started = time.monotonic()
    pending = asyncio.create_task(call(http, "sendMessage", chat_id=USER_ID, text="slow"))
    await asyncio.sleep(0.05)
    await double.idle(quiet=0.05, timeout=2.0)
    assert pending.done()
    assert time.monotonic() - started >= 0.2


async def test_stop_ends_pending_long_poll() -> None:
    fake = BotApiDouble(token=TOKEN)
    await fake.start()
    async with httpx.AsyncClient(timeout=5.0) as raw:
        poll = asyncio.create_task(
            raw.post(f"{fake.base_url}/bot{TOKEN}/getUpdates", json={"timeout": 30})
        )
        await asyncio.sleep(0.1)
        started = time.monotonic()
        await fake.stop()
        answer = await asyncio.wait_for(poll, 2.0)
    assert answer.json() == {"ok": True, "result": []}
    assert time.monotonic() - started < 2.0


async def test_set_webhook_checks_like_telegram_and_blocks_polling(
    double: BotApiDouble, bot: telegram.Bot
) -> None:
    with pytest.raises(BadRequest, match=r"(?i)An HTTPS URL must be provided"):
        await bot.set_webhook("http://bot.example.org/hook")
    with pytest.raises(BadRequest, match=r"(?i)only on ports 80, 88, 443 or 8443"):
        await bot.set_webhook("https://bot.example.org:8080/hook")
    with pytest.raises(BadRequest, match=r"(?i)secret token contains unallowed characters"):
        await bot.set_webhook("https://bot.example.org/hook", secret_token="no spaces")
    assert await bot.set_webhook("https://bot.example.org/hook", secret_token="s-1",
                                 max_connections=5, allowed_updates=["message"])
    info = await bot.get_webhook_info()
    assert (info.url, info.max_connections, info.allowed_updates) == (
        "https://bot.example.org/hook", 5, ("message",))
    with pytest.raises(telegram.error.Conflict, match=r"(?i)webhook is active"):
        await bot.get_updates()
    # Nothing listens at the address yet: the update waits, and the failure is reported.
    await double.send_text(double.add_user(9, "Ana"), "hi")
    await double.wait_for_delivery(lambda d: d["status"] == 0)
    info = await bot.get_webhook_info()
    assert info.pending_update_count == 1
    assert info.last_error_message and info.last_error_date
    assert await bot.delete_webhook()
    assert len(await bot.get_updates()) == 1


async def test_webhook_posts_several_at_once_a_chats_next_after_its_previous(
    double: BotApiDouble, bot: telegram.Bot
) -> None:
    """With webhook_connections, as Telegram: up to max_connections posts at once, and a
    chat's next update posted only once its previous one was answered."""
    from aiohttp import web

    posts: list[tuple[int, float, float]] = []  # chat, start, end
    in_flight, most = 0, 0
    all_posted = asyncio.Event()

    async def receive(request: web.Request) -> web.Response:
        nonlocal in_flight, most
        update = await request.json()
        in_flight += 1
        most = max(most, in_flight)
        started = time.monotonic()
        await asyncio.sleep(0.2)
        in_flight -= 1
        posts.append((update["message"]["chat"]["id"], started, time.monotonic()))
        if len(posts) == 5:
            all_posted.set()
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", receive)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        double.route_webhook(f"http://127.0.0.1:{runner.addresses[0][1]}")
        double.webhook_connections(40)
        await bot.set_webhook("https://bot.example.org/hook", max_connections=3)
        ana, ben, chi, dan = (double.add_user(n, name) for n, name in
                              ((1, "Ana"), (2, "Ben"), (3, "Chi"), (4, "Dan")))
        for user in (ana, ana, ben, chi, dan):
            await double.send_text(user, "hi")
        await asyncio.wait_for(all_posted.wait(), 5)
    finally:
        await runner.cleanup()
    assert len(posts) == 5
    assert most == 3  # the bot's max_connections, not more
    first, second = sorted((start, end) for chat, start, end in posts if chat == 1)
    assert second[0] >= first[1]  # Ana's second waited for her first to be answered
    others = [start for chat, start, _ in posts if chat in (2, 3)]
    assert all(start < first[1] for start in others)  # posted meanwhile
