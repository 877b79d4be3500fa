"""With DEBUG logging on, a whole conversation leaves no token in the log output, and no
message text or name unless LOG_MESSAGE_CONTENT asks for them."""

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
def log_output(request: pytest.FixtureRequest) -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    output = io.StringIO()
    content = getattr(request, "param", False)
    configure_logging("DEBUG", secrets=(TOKEN,), stream=output, message_content=content)
    yield output
    root.handlers[:], level = saved
    root.setLevel(level)


SECRET_WORDS = "/find kế hoạch tuyệt mật"


async def test_debug_logs_hold_no_message_text_or_name(
    settings, clock, double, people, log_output
):
    async with running(build_application(settings, clock)):
        await ask(double, people.binh, "/start")
        await ask(double, people.binh, SECRET_WORDS)
    text = log_output.getvalue()
    assert "Processing update" in text and "sendMessage" in text  # PTB still logs the calls
    for content in ("tuyệt mật", "binh_le", "Binh", "Hello, Binh"):
        assert content not in text, content


@pytest.mark.parametrize("log_output", [True], indirect=True)
async def test_the_setting_lets_message_content_into_debug_logs(
    settings, clock, double, people, log_output
):
    async with running(build_application(settings, clock)):
        await ask(double, people.binh, SECRET_WORDS)
    text = log_output.getvalue()
    assert "tuyệt mật" in text and "binh_le" in text
    assert TOKEN not in text


async def test_debug_logs_never_contain_the_token(settings, clock, double, people, log_output):
    async with running(build_application(settings, clock)):
        await ask(double, people.binh, "/start")
    text = log_output.getvalue()
    assert "Set Bot API URL" in text  # PTB logged the URL that holds the token...
    assert "sendMessage" in text
    assert TOKEN not in text  # ...and the token was redacted
    assert "[REDACTED]" in text
