"""The token never reaches a log line, even inside URLs and tracebacks."""

import logging

from bot.logs import RedactingFormatter

TOKEN = "123456789:AAF1xSECRETsecretSECRETsecret12345"


def test_the_token_is_redacted_from_messages_and_tracebacks() -> None:
    formatter = RedactingFormatter("%(message)s", secrets=(TOKEN,))
    try:
        raise ConnectionError(f"cannot reach https://api.telegram.org/bot{TOKEN}/getMe")
    except ConnectionError as exc:
        record = logging.LogRecord(
            "httpx", logging.INFO, __file__, 1, "POST %s", (f"/bot{TOKEN}/sendMessage",),
            (type(exc), exc, exc.__traceback__),
        )
    text = formatter.format(record)
    assert TOKEN not in text
    assert "AAF1x" not in text
    assert text.count("[REDACTED]") == 2


def test_an_unknown_token_shaped_string_is_redacted_too() -> None:
    formatter = RedactingFormatter("%(message)s")
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "url /bot%s/x", (TOKEN,), None)
    assert TOKEN not in formatter.format(record)
