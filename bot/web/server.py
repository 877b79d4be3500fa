"""Runs the dashboard beside the bot: started in post_init, stopped in post_shutdown."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.services import Services
from bot.web.app import create_web_app

log = logging.getLogger(__name__)


class WebServer:
    def __init__(self, services: Services, token: str) -> None:
        self.services = services
        self.token = token
        self.runner: web.AppRunner | None = None
        self.port: int | None = None

    async def start(self) -> None:
        settings = self.services.settings
        self.runner = web.AppRunner(create_web_app(self.services, self.token),
                                    access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, settings.web_host, settings.web_port)
        await site.start()
        self.port = self.runner.addresses[0][1]  # the port bound (WEB_PORT=0 picks a free one)
        log.info("Dashboard listening on %s:%s for %s", settings.web_host, self.port,
                 settings.web_app_url)

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()
            self.runner = None
