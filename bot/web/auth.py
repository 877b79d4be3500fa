"""Telegram Mini App initData, validated exactly as Telegram specifies: the data-check-string
is every received field but ``hash``, as received, sorted by key and joined with line feeds;
the key is HMAC-SHA256 of the bot token keyed with "WebAppData"; the hash is the hex
HMAC-SHA256 of the data-check-string under that key; and ``auth_date`` must be recent."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from urllib.parse import parse_qsl

CLOCK_SKEW = 60  # seconds an auth_date may be ahead of our clock


@dataclass(frozen=True)
class WebUser:
    id: int
    first_name: str
    last_name: str
    username: str | None
    language_code: str | None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


def secret_key(token: str) -> bytes:
    return hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()


def sign(fields: dict[str, str], token: str) -> str:
    """The hash Telegram would put in initData with these fields (tests and the demo)."""
    check = "\n".join(f"{key}={value}" for key, value in sorted(fields.items()))
    return hmac.new(secret_key(token), check.encode(), hashlib.sha256).hexdigest()


def validate(raw: str, token: str, *, now: int, max_age: int) -> WebUser | None:
    """The user behind ``raw`` initData, or None if it is missing, altered, forged, expired
    or malformed."""
    try:
        pairs = parse_qsl(raw, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        return None
    fields = dict(pairs)
    if len(fields) != len(pairs):  # a repeated field: not something Telegram signs
        return None
    received = fields.pop("hash", None)
    if not received or not hmac.compare_digest(sign(fields, token), received):
        return None
    try:
        auth_date = int(fields["auth_date"])
        user = json.loads(fields["user"])
        return _fresh(user, auth_date, now, max_age)
    except (KeyError, ValueError, TypeError):
        return None


def _fresh(user: dict, auth_date: int, now: int, max_age: int) -> WebUser | None:
    if not now - max_age <= auth_date <= now + CLOCK_SKEW:
        return None
    return WebUser(int(user["id"]), str(user.get("first_name", "")),
                   str(user.get("last_name", "")), user.get("username"),
                   user.get("language_code"))
