"""The setting of the tests that talk to the Bot API double directly (its own tests, the bot's
HTTP client's): a started double with one member, An Nguyễn, and one supergroup."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from tests.double import BotApiDouble

TOKEN = "123456:TEST-token"
USER_ID = 1001
GROUP_ID = -1001234


@asynccontextmanager
async def small_double(*, started: bool) -> AsyncIterator[BotApiDouble]:
    """``started``: whether An has pressed Start (else the bot cannot write to An first)."""
    fake = BotApiDouble(token=TOKEN, bot_username="committee_test_bot")
    await fake.start()
    fake.add_user(USER_ID, "An", last_name="Nguyễn", username="an_nguyen", language_code="vi")
    fake.add_group(GROUP_ID, "Chi bộ 1", kind="supergroup")
    if started:
        fake.mark_started(USER_ID)
    try:
        yield fake
    finally:
        await fake.stop()
