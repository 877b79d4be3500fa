"""With DEBUG logging on, a whole conversation leaves no token in the log output."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.app import build_application, running
from bot.logs import configure_logging
from tests.conftest import TOKEN
from tests.e2e.test_members import ask


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    output = io.StringIO()
    configure_logging("DEBUG", secrets=(TOKEN,), stream=output)
    yield output
    root.handlers[:], level = saved
    root.setLevel(level)


async def test_debug_logs_never_contain_the_token(settings, clock, double, people, log_output):
    async with running(build_application(settings, clock)):
        await ask(double, people.binh, "/start")
    text = log_output.getvalue()
    assert "Set Bot API URL" in text  # PTB logged the URL that holds the token...
    assert "sendMessage" in text
    assert TOKEN not in text  # ...and the token was redacted
    assert "[REDACTED]" in text
