"""Signing Mini App initData as Telegram does, and a bot with its dashboard running."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlencode

from telegram.ext import Application

from bot.app import build_application, running, web_server_of
from bot.settings import Settings
from bot.web.auth import sign
from tests.conftest import TOKEN

WEB_APP_URL = "https://dashboard.test/"


def init_data(user: dict, auth_date: int, token: str = TOKEN) -> str:
    """The query string a Telegram client hands the Mini App, signed with ``token``."""
    fields = {
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps({key: user[key] for key in
                            ("id", "first_name", "last_name", "username", "language_code")
                            if key in user}, ensure_ascii=False, separators=(",", ":")),
        "auth_date": str(auth_date),
    }
    return urlencode({**fields, "hash": sign(fields, token)})


def with_dashboard(settings: Settings) -> Settings:
    return settings.model_copy(update={"web_port": 0, "web_app_url": WEB_APP_URL,
                                       "web_host": "127.0.0.1"})


@asynccontextmanager
async def dashboard(settings: Settings, clock) -> AsyncIterator[tuple[Application, str]]:
    """The bot running with its dashboard on a free port; yields the app and the base URL."""
    async with running(build_application(with_dashboard(settings), clock)) as app:
        yield app, f"http://127.0.0.1:{web_server_of(app).port}"
