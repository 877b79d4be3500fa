"""The double's photos and menu button, in Telegram's shapes and with its refusals."""

from __future__ import annotations

import struct
import zlib
from collections.abc import AsyncIterator

import pytest
import telegram
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    MenuButtonWebApp,
    WebAppInfo,
)
from telegram.error import BadRequest

from tests.double import BotApiDouble
from tests.small_double import GROUP_ID, TOKEN, USER_ID, small_double


@pytest.fixture
async def double() -> AsyncIterator[BotApiDouble]:
    async with small_double(started=True) as fake:
        yield fake


@pytest.fixture
async def bot(double: BotApiDouble) -> AsyncIterator[telegram.Bot]:
    async with telegram.Bot(TOKEN, base_url=f"{double.base_url}/bot") as ptb_bot:
        yield ptb_bot


def png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\0" + b"\xff" * 3 * width for _ in range(height)))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels)
            + chunk(b"IEND", b""))


async def test_a_photo_is_stored_with_its_size(double, bot: telegram.Bot) -> None:
    sent = await bot.send_photo(USER_ID, InputFile(png(40, 20), filename="chart.png"),
                                caption="<b>Biểu đồ</b>", parse_mode="HTML")
    assert (sent.photo[-1].width, sent.photo[-1].height) == (40, 20)
    assert sent.caption == "Biểu đồ"
    [photo] = double.photos(USER_ID)
    assert photo["bytes"] == png(40, 20) and photo["caption"] == "Biểu đồ"
    with pytest.raises(BadRequest, match=r"(?i)image_process_failed"):
        await bot.send_photo(USER_ID, InputFile(b"not an image", filename="x.png"))


async def test_mini_app_buttons_only_where_telegram_allows_them(double, bot: telegram.Bot) -> None:
    await bot.set_chat_menu_button(menu_button=MenuButtonWebApp(
        "Bảng điều hành", WebAppInfo("https://bot.example.org/app/")))
    assert double.menu_button() == {"type": "web_app", "text": "Bảng điều hành",
                                    "web_app": {"url": "https://bot.example.org/app/"}}
    with pytest.raises(BadRequest, match=r"(?i)button_url_invalid"):
        await bot.set_chat_menu_button(menu_button=MenuButtonWebApp(
            "x", WebAppInfo("http://bot.example.org/")))
    button = InlineKeyboardMarkup([[InlineKeyboardButton(
        "Mở", web_app=WebAppInfo("https://bot.example.org/app/"))]])
    with pytest.raises(BadRequest, match=r"(?i)button_type_invalid"):
        await bot.send_message(GROUP_ID, "Bảng điều hành", reply_markup=button)
    sent = await bot.send_message(USER_ID, "Bảng điều hành", reply_markup=button)
    assert sent.reply_markup.inline_keyboard[0][0].web_app.url == "https://bot.example.org/app/"
