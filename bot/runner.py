"""Running the Application with the web server: webhook mode, or polling with /healthz.

PTB's ``run_webhook`` brings its own tornado server; the bot has its own aiohttp one instead,
shared with the other HTTP features, which feeds the Application's update queue (see
bot/web/webhook.py). This module does the rest of what ``run_polling`` does: start, wait for
SIGINT or SIGTERM, stop in order.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram import Update
from telegram.ext import Application

from bot.settings import Settings
from bot.web.server import WebServer, build_web_app
from bot.web.webhook import set_webhook

POLL_TIMEOUT = 10  # seconds, as run_polling


async def serve(app: Application, settings: Settings) -> None:
    """Run until SIGINT or SIGTERM (systemctl stop)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with running_with_web(app, settings):
        await stop.wait()


@asynccontextmanager
async def running_with_web(app: Application, settings: Settings) -> AsyncIterator[WebServer]:
    """The web server first (a taken port fails before anything else starts), then the bot.

    In webhook mode, the webhook is set once the Application runs and is left set when it
    stops: Telegram keeps the updates that arrive meanwhile and delivers them after a restart.
    The server stops first on the way out, so no update is taken that would not be processed.
    """
    port = settings.listen_port
    assert port is not None
    server = WebServer(build_web_app(app, settings))
    await server.start(settings.web_host, port)
    try:
        async with _application(app, polling=settings.webhook_url is None):
            try:
                if settings.webhook_url is not None:
                    await set_webhook(app.bot, settings)
                yield server
            finally:
                await server.stop()
    finally:
        await server.stop()


@asynccontextmanager
async def _application(app: Application, *, polling: bool) -> AsyncIterator[Application]:
    await app.initialize()
    try:
        if app.post_init:
            await app.post_init(app)
        if polling:
            assert app.updater is not None
            await app.updater.start_polling(timeout=POLL_TIMEOUT,
                                            allowed_updates=Update.ALL_TYPES)
        await app.start()
        try:
            yield app
        finally:
            if polling and app.updater is not None and app.updater.running:
                await app.updater.stop()
            await app.stop()
    finally:
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)
