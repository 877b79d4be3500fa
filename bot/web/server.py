"""The web server every HTTP feature shares.

Each feature has a ``register(web_app, app, settings)`` that adds its routes; ``FEATURES``
lists them, so a new one (the Mini App dashboard) is one import and one entry here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from aiohttp import web
from telegram.ext import Application

from bot.settings import Settings
from bot.web import dashboard, health, webhook

log = logging.getLogger(__name__)

Feature = Callable[[web.Application, Application, Settings], None]
FEATURES: tuple[Feature, ...] = (health.register, webhook.register, dashboard.register)
# Telegram's updates are small; nothing else is posted to the bot.
MAX_BODY = 1024 * 1024


class ListenError(OSError):
    """The server could not listen on WEB_HOST:WEB_PORT (taken, or not this machine's)."""


def build_web_app(app: Application, settings: Settings) -> web.Application:
    web_app = web.Application(client_max_size=MAX_BODY)
    for register in FEATURES:
        register(web_app, app, settings)
    return web_app


class WebServer:
    """Listens on WEB_HOST:WEB_PORT; ``start`` raises ListenError when it cannot."""

    def __init__(self, web_app: web.Application) -> None:
        self._runner = web.AppRunner(web_app, access_log=None, shutdown_timeout=5.0)
        self._started = False
        self.port = 0

    async def start(self, host: str, port: int) -> None:
        await self._runner.setup()
        self._started = True
        try:
            site = web.TCPSite(self._runner, host, port)
            await site.start()
        except OSError as exc:
            await self.stop()
            raise ListenError(exc.errno, exc.strerror or str(exc)) from exc
        except BaseException:
            await self.stop()
            raise
        self.port = int(self._runner.addresses[0][1])
        log.info("Web server listening on %s:%d", host, self.port)

    async def stop(self) -> None:
        """Stop taking requests; safe to call twice."""
        if self._started:
            self._started = False
            await self._runner.cleanup()
