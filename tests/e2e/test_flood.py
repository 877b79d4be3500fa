"""One member's flood of commands neither stalls the others nor gets a reply per message."""

from __future__ import annotations

import time

import pytest

from bot.app import build_application, running
from bot.settings import Settings
from tests.e2e.test_members import ask
from tests.e2e.test_tasks import start_all

FLOOD = 300
RATE = 5  # commands a minute (20 by default); fewer replies to wait for at 1/s per chat


@pytest.fixture
def limited(settings: Settings) -> Settings:
    """Telegram's limits kept by the bot, and a sane rate for commands."""
    return settings.model_copy(update={"rate_limit": True, "commands_per_minute": RATE})


async def test_a_flood_from_one_member_does_not_delay_another(
    double, people, limited, clock
) -> None:
    async with running(build_application(limited, clock)):
        await start_all(double, people)
        double.enforce_limits(True)
        for _ in range(FLOOD):
            await double.send_text(people.binh, "/help")
        asked = time.monotonic()
        answer = await ask(double, people.chi, "/whoami")
        assert time.monotonic() - asked < 2.0
        assert "Chi Phạm" in answer["text"]
        notice = await double.wait_for_message(people.binh["id"], contains="faster", timeout=30)
        assert notice["text"] == (
            "You are sending commands faster than they can be answered. The last ones were not "
            "run; please wait a minute, then send again what you need.")
        await double.idle(quiet=1.2, timeout=60)
    replies = double.messages(people.binh["id"])[1:]  # after the greeting
    assert len(replies) == RATE - 1 + 1  # /help within the rate (/start counted), one notice
    assert double.throttled == 0
