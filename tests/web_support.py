"""Signing Mini App initData as Telegram does, and a bot with its dashboard running."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlencode

from telegram.ext import Application

from bot.app import build_application
from bot.runner import running_with_web
from bot.settings import Settings
from bot.web.auth import sign
from tests.conftest import TOKEN
from tests.instance_process import free_port

WEB_APP_URL = "https://bot.example.org/app/"


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


@asynccontextmanager
async def dashboard(settings: Settings, clock) -> AsyncIterator[tuple[Application, str]]:
    """The bot polling, with its web server serving the dashboard at /app/ on a free port, as
    a reverse proxy forwards it; yields the app and the dashboard's local address."""
    settings = settings.model_copy(update={"web_port": free_port(), "web_app_url": WEB_APP_URL,
                                           "web_host": "127.0.0.1"})
    app = build_application(settings, clock)
    async with running_with_web(app, settings) as server:
        yield app, f"http://127.0.0.1:{server.port}/app"
