"""Logging set-up that never lets the bot token reach a log line, nor, unless asked for,
what members wrote and what the bot answered them.

PTB's HTTP layer logs request URLs, and those contain ``/bot<token>/``; exceptions raised while
connecting may repeat them. Redacting in the formatter covers messages, arguments and
tracebacks alike. At DEBUG, PTB also logs every update and every API call with its parameters
and answer: message texts, names and usernames. ``ContentFilter`` hides those arguments unless
``LOG_MESSAGE_CONTENT`` is on.
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


HIDDEN = "[content hidden; LOG_MESSAGE_CONTENT=true shows it]"
# PTB's log lines whose arguments carry updates, API parameters or answers.
_CONTENT_MESSAGES = frozenset({
    "Processing update %s",
    "Dropping pending update: %s",
    "Calling Bot API endpoint `%s` with parameters `%s`",
    "Call to Bot API endpoint `%s` finished with return value `%s`",
    "Webhook received data: %s",
})


# Loggers whose every argument may hold content: aiosqlite logs each statement with its
# parameters (names, titles, texts).
_CONTENT_LOGGERS = ("aiosqlite",)


class ContentFilter(logging.Filter):
    """Replaces the parts of PTB's and aiosqlite's log lines that hold message texts and
    names."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not isinstance(record.args, tuple) or not record.args:
            return True
        if record.name.startswith(_CONTENT_LOGGERS):
            record.args = tuple(HIDDEN for _ in record.args)
            return True
        if not record.name.startswith("telegram"):
            return True
        known = record.msg in _CONTENT_MESSAGES
        record.args = tuple(
            HIDDEN if (known and not _is_name_of_call(arg)) or _is_content(arg) else arg
            for arg in record.args
        )
        return True


def _is_name_of_call(arg: object) -> bool:
    """An endpoint name (``sendMessage``): harmless, and what makes the line useful."""
    return isinstance(arg, str) and arg.isidentifier()


def _is_content(arg: object) -> bool:
    """An update, a message or API parameters (PTB's objects all have ``to_dict``)."""
    return isinstance(arg, dict) or hasattr(arg, "to_dict")


def configure_logging(
    level: str, secrets: tuple[str, ...] = (), stream: TextIO | None = None,
    *, message_content: bool = False,
) -> None:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", secrets)
    )
    if not message_content:
        handler.addFilter(ContentFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
