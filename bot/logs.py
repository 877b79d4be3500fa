"""Logging set-up that never lets the bot token reach a log line.

PTB's HTTP layer logs request URLs, and those contain ``/bot<token>/``; exceptions raised while
connecting may repeat them. Redacting in the formatter covers messages, arguments and
tracebacks alike.
"""

from __future__ import annotations

import logging
import re
from typing import TextIO

_TOKEN_PATTERN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")


class RedactingFormatter(logging.Formatter):
    def __init__(self, fmt: str, secrets: tuple[str, ...] = ()) -> None:
        super().__init__(fmt)
        self.secrets = tuple(secret for secret in secrets if secret)

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self.secrets)


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """The text with the given secrets, and anything shaped like a bot token, blanked out."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "[REDACTED]")
    return _TOKEN_PATTERN.sub("[REDACTED]", text)


def configure_logging(
    level: str, secrets: tuple[str, ...] = (), stream: TextIO | None = None
) -> None:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", secrets)
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL at INFO; the URL holds the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
