"""Settings from the environment and ``.env``, validated once at start."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time, timedelta
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.durations import parse_duration, parse_offsets

# Telegram's "GroupAnonymousBot": messages from anonymous group admins carry this user id, so
# it identifies nobody and must never hold the admin role.
ANONYMOUS_ADMIN_ID = 1087968824
_TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_PERCENT_ENCODED = re.compile(r"(?:[^%]|%[0-9A-Fa-f]{2})*")
# The only ports Telegram delivers webhooks to.
WEBHOOK_PORTS = (443, 80, 88, 8443)
DEFAULT_WEB_PORT = 8080


_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class WeeklySchedule:
    weekday: int  # Monday is 0
    at: time


def parse_weekly(value: str) -> WeeklySchedule | None:
    """``mon 07:30`` (a weekday's first three letters or its full name, then HH:MM); ``off``
    for none."""
    words = value.lower().split()
    if words == ["off"]:
        return None
    found = re.fullmatch(r"([a-z]+) (\d{1,2}):(\d{2})", " ".join(words))
    if not found or found[1][:3] not in _WEEKDAYS or int(found[2]) > 23 or int(found[3]) > 59:
        raise ValueError("is not a weekday and a time")
    return WeeklySchedule(_WEEKDAYS.index(found[1][:3]), time(int(found[2]), int(found[3])))


class SettingsError(RuntimeError):
    """A setting is missing or malformed; the message names it and the expected form."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = Field(
        None, description="the token @BotFather gives, like 123456789:AAF1x...", repr=False
    )
    database_path: Path = Field(
        Path("data/committee.sqlite3"), description="a file path, like data/committee.sqlite3"
    )
    admin_ids: Annotated[frozenset[int], NoDecode] = Field(
        frozenset(), description="comma-separated numeric Telegram user ids, like 12345,67890"
    )
    timezone: str = Field("Asia/Ho_Chi_Minh", description="an IANA zone, like Asia/Ho_Chi_Minh")
    default_language: Literal["vi", "en"] = Field("vi", description="vi or en")
    bot_api_base_url: str | None = Field(
        None, description="an http(s) URL without a trailing path, like http://127.0.0.1:8081"
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", description="DEBUG, INFO, WARNING or ERROR"
    )
    protect_content: bool = Field(True, description="true or false")
    task_reminder_offsets: Annotated[tuple[timedelta, ...], NoDecode] = Field(
        "3d,1d,2h", description="comma-separated durations before the deadline, like 3d,1d,2h"
    )
    escalate_after: Annotated[timedelta, NoDecode] = Field(
        "1d", description="a duration after the deadline, like 1d or 12h"
    )
    task_default_time: time = Field(
        time(17, 0), description="the time of day for a deadline given without one, like 17:00"
    )
    digest_time: time = Field(time(7, 0), description="a local time of day, like 07:00")
    meeting_reminder_offsets: Annotated[tuple[timedelta, ...], NoDecode] = Field(
        "1d,2h", description="comma-separated durations before a meeting, like 1d,2h"
    )
    meeting_duration: Annotated[timedelta, NoDecode] = Field(
        "2h", description="a duration, like 2h or 90m (used in calendar files)"
    )
    weekly_summary: Annotated[WeeklySchedule | None, NoDecode] = Field(
        "mon 07:30", description="a weekday and a local time, like mon 07:30, or off"
    )
    web_app_url: str | None = Field(
        None, description="empty (no dashboard), or its public https:// address, like "
        "https://bot.example.org/app/"
    )
    init_data_max_age: Annotated[timedelta, NoDecode] = Field(
        "1d", description="how old a Mini App's initData may be, like 1d or 1h"
    )
    rate_limit: bool = Field(
        True, description="true or false (false only for tests and benchmarks)"
    )
    commands_per_minute: int = Field(
        20, ge=1, description="a whole number of commands, like 20"
    )
    log_message_content: bool = Field(
        False, description="true or false (true writes message texts and names to DEBUG logs)"
    )
    database_url: str | None = Field(
        None, description="empty (the SQLite file DATABASE_PATH), or a PostgreSQL server's "
        "address, like postgresql://committee:password@db.example.org/committee", repr=False
    )
    webhook_url: str | None = Field(
        None, description="empty (polling), or the public https:// address Telegram posts "
        "updates to, like https://bot.example.org/telegram (port 443, 80, 88 or 8443)"
    )
    webhook_secret: SecretStr | None = Field(
        None, description="1-256 characters of A-Z, a-z, 0-9, _ and -, like the output of "
        "`openssl rand -hex 32`", repr=False
    )
    webhook_max_connections: int = Field(
        40, ge=1, le=100, description="a whole number from 1 to 100, like 40"
    )
    web_host: str = Field(
        "127.0.0.1", min_length=1, description="an address to listen on, like 127.0.0.1"
    )
    web_port: int | None = Field(
        None, ge=1, le=65535,
        description=f"a TCP port from 1 to 65535 (default {DEFAULT_WEB_PORT} with WEBHOOK_URL)"
    )
    backup_dir: Path | None = Field(
        None, description="empty (no daily backup), or a folder, like data/backups"
    )
    backup_keep: int = Field(7, ge=1, description="a whole number of daily backups, like 7")

    @field_validator("bot_token", mode="before")
    @classmethod
    def _empty_token_is_unset(cls, value: object) -> object:
        """``BOT_TOKEN=`` as .env.example has it means "not set yet", not a malformed token."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _TOKEN.match(value.get_secret_value()):
            raise ValueError("is not a bot token")
        return value

    @field_validator(
        "webhook_secret", "webhook_url", "web_port", "backup_dir", "database_url", "web_app_url",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        """``WEBHOOK_URL=`` as .env.example has it means the feature is off."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("webhook_secret")
    @classmethod
    def _secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        """Telegram's own rule for secret_token; the value is never repeated in the error."""
        if value is not None and not _WEBHOOK_SECRET.fullmatch(value.get_secret_value()):
            raise ValueError("must be 1-256 characters, only A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("webhook_url")
    @classmethod
    def _webhook_shape(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            parts = urlsplit(value.strip())
            port = parts.port
        except ValueError as exc:
            raise ValueError("is not a URL") from exc
        if parts.scheme != "https" or not parts.hostname or parts.fragment:
            raise ValueError("must be a public https:// address (Telegram requires HTTPS)")
        if port is not None and port not in WEBHOOK_PORTS:
            raise ValueError("has a port Telegram does not deliver to")
        return value.strip()

    @field_validator("database_url")
    @classmethod
    def _database_url_shape(cls, value: str | None) -> str | None:
        """The driver's own complaint may quote the password: it is never repeated."""
        if value is None:
            return None
        try:
            parts = urlsplit(value)
            parts.port  # noqa: B018 - raises on a port that is not a number
        except ValueError:
            raise ValueError("is not a URL") from None
        if parts.scheme not in ("postgresql", "postgres"):
            raise ValueError("is not a postgresql:// URL")
        if "%" in (parts.password or "") and not _PERCENT_ENCODED.fullmatch(parts.password):
            raise ValueError("has a % in the password that is not percent-encoding "
                             "(write % as %25)")
        return value

    @model_validator(mode="after")
    def _backups_of_the_file_only(self) -> Settings:
        if self.backup_dir is not None and self.database_url is not None:
            raise ValueError(
                "BACKUP_DIR backs up the SQLite file; with DATABASE_URL back up the server "
                "with pg_dump instead (see README, Backups) and leave BACKUP_DIR empty"
            )
        return self

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.webhook_url is not None and self.webhook_secret is None:
            raise ValueError(
                "WEBHOOK_SECRET is required with WEBHOOK_URL, so that only Telegram can post "
                "updates"
            )
        return self

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            if not all(re.fullmatch(r"-?\d+", part) for part in parts):
                raise ValueError("must be numbers separated by commas")
            value = {int(part) for part in parts}
        return value

    @field_validator("admin_ids")
    @classmethod
    def _no_anonymous_admin(cls, value: frozenset[int]) -> frozenset[int]:
        if ANONYMOUS_ADMIN_ID in value:
            raise ValueError(
                f"{ANONYMOUS_ADMIN_ID} is Telegram's anonymous group admin, not a person"
            )
        return value

    @field_validator("task_reminder_offsets", "meeting_reminder_offsets", mode="before")
    @classmethod
    def _offsets(cls, value: object) -> object:
        return parse_offsets(value) if isinstance(value, str) else value

    @field_validator("weekly_summary", mode="before")
    @classmethod
    def _weekly(cls, value: object) -> object:
        return parse_weekly(value) if isinstance(value, str) else value

    @field_validator("web_app_url")
    @classmethod
    def _https(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"https://[^\s/?#]+(/[^\s?#]*)?", value):
            raise ValueError("is not an https:// URL (Telegram opens Mini Apps over HTTPS only)")
        return value

    @property
    def web_app_path(self) -> str:
        """The dashboard's path, which the reverse proxy forwards unchanged, without the
        trailing slash ("" for the root)."""
        return urlsplit(self.web_app_url or "").path.rstrip("/")

    @field_validator("escalate_after", "meeting_duration", "init_data_max_age", mode="before")
    @classmethod
    def _duration(cls, value: object) -> object:
        return parse_duration(value) if isinstance(value, str) else value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("is not a known time zone") from exc
        return value

    @field_validator("bot_api_base_url")
    @classmethod
    def _url_shape(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not re.fullmatch(r"https?://[^\s/]+(/[^\s]*)?", value):
            raise ValueError("is not an http(s) URL")
        return value.rstrip("/")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def bot_api_urls(self) -> dict[str, str]:
        """PTB's ``base_url`` and ``base_file_url`` for ``BOT_API_BASE_URL`` (the Bot API
        double, or a local Bot API server); none, PTB's own, for Telegram's."""
        root = self.bot_api_base_url
        return {"base_url": f"{root}/bot", "base_file_url": f"{root}/file/bot"} if root else {}

    def secret_values(self) -> tuple[str, ...]:
        """Secrets besides the token, for the log's redaction."""
        secret = self.webhook_secret
        password = urlsplit(self.database_url).password if self.database_url else None
        return tuple(value for value in (
            secret.get_secret_value() if secret is not None else None,
            password, unquote(password or ""),  # as written, and as the server knows it
        ) if value)

    @property
    def database_target(self) -> str | Path:
        """Where the data lives: the PostgreSQL URL when set, else the SQLite file."""
        return self.database_url if self.database_url is not None else self.database_path

    @property
    def webhook_path(self) -> str:
        """The path the reverse proxy forwards unchanged to the bot's web server."""
        return urlsplit(self.webhook_url or "").path or "/"

    @property
    def listen_port(self) -> int | None:
        """The web server's port: WEB_PORT, else the default with a webhook or a dashboard,
        else none."""
        if self.web_port is None and (self.webhook_url or self.web_app_url) is not None:
            return DEFAULT_WEB_PORT
        return self.web_port

    def require_token(self) -> str:
        """Return the token, or explain how to get one."""
        if self.bot_token is None or not self.bot_token.get_secret_value():
            raise SettingsError(
                "BOT_TOKEN is not set. Create a bot with @BotFather in Telegram (/newbot), "
                "then put its token in .env as BOT_TOKEN=123456789:AAF1x... "
                "(copy .env.example to .env to start). To try the bot without Telegram, "
                "run: make demo"
            )
        return self.bot_token.get_secret_value()


def load_settings(**overrides: object) -> Settings:
    """Build the settings, turning pydantic's report into one line per bad variable.

    The offending value is never echoed: it may be the token.
    """
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            if not error["loc"]:  # a rule across variables names them itself
                lines.append(error["msg"].removeprefix("Value error, "))
                continue
            field = str(error["loc"][0])
            info = Settings.model_fields.get(field)
            expected = info.description if info else ""
            message = error["msg"].removeprefix("Value error, ")
            lines.append(f"{field.upper()}: {message}; expected {expected}")
        raise SettingsError("Invalid settings:\n  " + "\n  ".join(lines)) from None
