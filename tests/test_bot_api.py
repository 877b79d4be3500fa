"""The bot's HTTP client (bot/bot_api.py) and its answering call (bot/committee_bot.py), against
the Bot API double over real HTTP: what arrives, what comes back, and how failures surface."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator

import pytest
from telegram import (
    Bot,
    CopyTextButton,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    LoginUrl,
    Message,
    WebAppInfo,
)
from telegram.error import BadRequest, NetworkError, TimedOut

from bot.bot_api import bot_api_request
from bot.committee_bot import CommitteeBot, keyboard_json
from tests.double import BotApiDouble
from tests.small_double import GROUP_ID, TOKEN, USER_ID, small_double

KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton("✅ Đã xong", callback_data="done:7")]])


@pytest.fixture
async def double() -> AsyncIterator[BotApiDouble]:
    async with small_double(started=True) as fake:
        yield fake


@pytest.fixture
async def bot(double: BotApiDouble) -> AsyncIterator[CommitteeBot]:
    async with CommitteeBot(TOKEN, base_url=f"{double.base_url}/bot",
                            base_file_url=f"{double.base_url}/file/bot",
                            request=bot_api_request(), get_updates_request=bot_api_request(),
                            ) as client:
        yield client


async def get_me_fails(base_url: str | None = None) -> NetworkError:
    """The error a bare client gets for getMe (Bot.initialize would call getMe itself)."""
    where = {"base_url": base_url} if base_url else {}
    client = Bot(TOKEN, request=bot_api_request(), **where)
    await client.request.initialize()  # type: ignore[attr-defined]
    try:
        with pytest.raises(NetworkError) as raised:
            await client.get_me()
    finally:
        await client.request.shutdown()  # type: ignore[attr-defined]
    return raised.value


async def test_a_message_with_its_keyboard_arrives_whole_and_comes_back(
    double: BotApiDouble, bot: CommitteeBot
) -> None:
    sent = await bot.send_message(USER_ID, "<b>Việc số 7</b>: nộp báo cáo quý IV",
                                  parse_mode="HTML", reply_markup=KEYBOARD)
    [stored] = double.messages(USER_ID)
    assert stored["text"] == "Việc số 7: nộp báo cáo quý IV"
    assert stored["entities"] == [{"type": "bold", "offset": 0, "length": 9}]
    assert stored["reply_markup"] == {
        "inline_keyboard": [[{"text": "✅ Đã xong", "callback_data": "done:7"}]]}
    assert (sent.message_id, sent.text) == (stored["message_id"], stored["text"])
    assert sent.reply_markup == KEYBOARD


async def test_telegram_refusals_keep_their_meaning(bot: CommitteeBot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(USER_ID, "<b>không đóng thẻ", parse_mode="HTML")
    with pytest.raises(BadRequest, match="too long"):
        await bot.send_message(USER_ID, "x" * 4097)


async def test_a_file_keeps_its_vietnamese_name_and_downloads_again(
    double: BotApiDouble, bot: CommitteeBot
) -> None:
    content = "Họ và tên;Đơn vị\nNguyễn An;Chi bộ 1\n".encode()
    sent = await bot.send_document(USER_ID, InputFile(content, filename="Danh sách đảng viên.csv"),
                                   caption="Danh sách <i>mới</i>", parse_mode="HTML")
    [document] = double.documents(USER_ID)
    assert document["filename"] == "Danh sách đảng viên.csv"
    assert document["bytes"] == content
    assert document["caption"] == "Danh sách mới"
    file = await bot.get_file(sent.document.file_id)
    assert bytes(await file.download_as_bytearray()) == content


async def test_an_unanswered_call_times_out_within_its_bound(
    double: BotApiDouble, bot: CommitteeBot
) -> None:
    double.set_latency(3.0)
    started = time.monotonic()
    with pytest.raises(TimedOut):
        await bot.send_message(USER_ID, "chậm", read_timeout=0.3)
    assert time.monotonic() - started < 2.0


async def test_an_unreachable_server_is_a_network_error_that_never_names_the_token() -> None:
    with socket.socket() as closed:  # a port nobody listens on once this socket is closed
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    error = await get_me_fails(f"http://127.0.0.1:{port}/bot")
    assert not isinstance(error, TimedOut)
    assert TOKEN.split(":")[1] not in str(error)


async def test_answer_quotes_in_a_group_and_keeps_to_the_topic(
    double: BotApiDouble, bot: CommitteeBot
) -> None:
    asked = await double.send_text(USER_ID, "/find chuyển đổi số", GROUP_ID)
    asked_in_topic = Message.de_json({**asked, "is_topic_message": True,
                                      "message_thread_id": 9}, None)
    bot.answer(asked_in_topic, "Trả lời")
    params = await double.wait_for_call("sendMessage", 2.0)
    assert params["reply_parameters"] == {"message_id": asked["message_id"]}
    assert params["message_thread_id"] == 9
    [stored] = double.messages(GROUP_ID)[-1:]
    assert stored["reply_to_message"]["message_id"] == asked["message_id"]


async def test_answer_in_a_private_chat_does_not_quote_and_sends_the_keyboard(
    double: BotApiDouble, bot: CommitteeBot
) -> None:
    asked = Message.de_json(await double.send_text(USER_ID, "/find chuyển đổi số"), None)
    bot.answer(asked, "<b>Kết quả</b>", reply_markup=KEYBOARD, protect_content=True)
    params = await double.wait_for_call("sendMessage", 2.0)
    assert "reply_parameters" not in params
    assert params["protect_content"] is True
    [stored] = double.messages(USER_ID)[-1:]
    assert stored["text"] == "Kết quả"
    assert stored["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "done:7"


async def test_answers_go_in_order_without_waiting_and_a_file_goes_after_them(
    double: BotApiDouble, bot: CommitteeBot
) -> None:
    asked = Message.de_json(await double.send_text(USER_ID, "/tasks"), None)
    double.set_latency(0.1)  # each send takes a tenth of a second to be answered
    started = time.monotonic()
    for number in range(1, 4):
        bot.answer(asked, f"Trang {number}")
    assert time.monotonic() - started < 0.1  # posted, not sent (each send takes 0.1 s)
    await bot.send_document(USER_ID, InputFile(b"x", filename="bao-cao.csv"))
    assert time.monotonic() - started >= 0.4  # the file waited for the three answers
    texts = [m.get("text") or m["document"]["file_name"] for m in double.messages(USER_ID)]
    assert texts == ["Trang 1", "Trang 2", "Trang 3", "bao-cao.csv"]


async def test_a_failed_answer_is_logged_and_the_next_one_still_goes(
    double: BotApiDouble, bot: CommitteeBot, caplog: pytest.LogCaptureFixture
) -> None:
    asked = Message.de_json(await double.send_text(USER_ID, "/tasks"), None)
    double.fail_next("sendMessage", chat_id=USER_ID, error_code=400,
                     description="Bad Request: message is too long")
    bot.answer(asked, "Trang 1")
    bot.answer(asked, "Trang 2")
    await bot.outbox.sent(USER_ID)
    assert [m["text"] for m in double.messages(USER_ID)] == ["Trang 2"]
    assert f"Telegram refused an answer to chat {USER_ID}" in caplog.text
    assert "BadRequest: Message is too long" in caplog.text


async def test_a_refused_answer_gives_way_to_the_apology_and_a_reminder_goes_aside(
    double: BotApiDouble, bot: CommitteeBot
) -> None:
    asked = Message.de_json(await double.send_text(USER_ID, "/tasks"), None)
    bot.answer(asked, "<b>thẻ không đóng", apology="Xin lỗi, đã có lỗi.")
    await bot.outbox.sent(USER_ID)
    assert [m["text"] for m in double.messages(USER_ID)] == ["Xin lỗi, đã có lỗi."]
    double.set_latency(0.3)
    bot.answer(asked, "Trả lời")
    with bot.outbox.aside():  # a reminder does not queue behind the chat's answers
        await bot.send_html(USER_ID, "⏰ Nhắc việc")
    assert [m["text"] for m in double.messages(USER_ID)][1:] == ["⏰ Nhắc việc"]
    await bot.send_message(str(USER_ID), "Tệp")  # a chat given as text waits like any other
    assert [m["text"] for m in double.messages(USER_ID)][1:] == ["⏰ Nhắc việc", "Trả lời",
                                                                  "Tệp"]


async def test_shutting_down_sends_the_answers_still_posted(
    double: BotApiDouble, bot: CommitteeBot
) -> None:
    asked = Message.de_json(await double.send_text(USER_ID, "/tasks"), None)
    double.set_latency(0.1)
    bot.answer(asked, "Trang 1")
    bot.answer(asked, "Trang 2")
    await bot.shutdown()
    assert [m["text"] for m in double.messages(USER_ID)] == ["Trang 1", "Trang 2"]


def test_the_keyboard_json_is_what_ptb_would_send() -> None:
    markup = InlineKeyboardMarkup([
        [InlineKeyboardButton("✅ Đã xong", callback_data="done:7"),
         InlineKeyboardButton("📎 Văn bản", url="https://thuvienphapluat.vn/van-ban/39")],
        [InlineKeyboardButton("📊 Bảng điều khiển", web_app=WebAppInfo("https://bot.example/app"))],
        [InlineKeyboardButton("Sao chép", copy_text=CopyTextButton("138-QĐ/TW")),
         InlineKeyboardButton("Đăng nhập", login_url=LoginUrl("https://bot.example/login")),
         InlineKeyboardButton("Chia sẻ", switch_inline_query="39-NQ/TW")],
    ])
    assert keyboard_json(markup) == markup.to_dict()
    assert keyboard_json(None) is None


async def test_the_environments_proxy_carries_the_calls_and_no_proxy_is_honoured(
    double: BotApiDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The double stands in for the proxy: it reads the path of the absolute URL it is sent.
    monkeypatch.setenv("HTTP_PROXY", double.base_url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    async with Bot(TOKEN, base_url="http://api.telegram.invalid/bot",
                   request=bot_api_request()) as through_proxy:
        assert through_proxy.username == "committee_test_bot"  # getMe went through the proxy
    monkeypatch.setenv("NO_PROXY", "api.telegram.invalid")
    await get_me_fails("http://api.telegram.invalid/bot")  # direct, to a host that is none


async def test_shutting_down_drops_what_it_cannot_send_in_time_and_refuses_late_answers(
    double: BotApiDouble, bot: CommitteeBot, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr("bot.committee_bot.UNSENT_WAIT", 0.3)
    asked = Message.de_json(await double.send_text(USER_ID, "/tasks"), None)
    double.set_latency(1.0)
    for number in range(1, 4):
        bot.answer(asked, f"Trang {number}")
    await bot.shutdown()
    assert "Stopped with 3 answers unsent after 0.3 s" in caplog.text
    bot.answer(asked, "Muộn")
    assert "posted after shutdown began: not sent" in caplog.text
    # The first was on its way when the wait ran out, and the server delivers it; the two
    # behind it, and the late one, never leave.
    await double.wait_for_call("sendMessage", 2.0)
    await double.idle(quiet=0.3, timeout=3)
    assert [m["text"] for m in double.messages(USER_ID)] == ["Trang 1"]


async def test_a_proxys_password_never_reaches_the_error() -> None:
    async def refuse(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(refuse, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HTTPS_PROXY", f"http://proxyuser:proxypass@127.0.0.1:{port}")
        patch.delenv("NO_PROXY", raising=False)
        patch.delenv("no_proxy", raising=False)
        try:
            error = await get_me_fails()
        finally:
            server.close()
    assert "407" in error.message
    assert "proxypass" not in error.message
    assert TOKEN.split(":")[1] not in error.message
