"""The application factory: settings -> services -> PTB Application with handlers.

Production, the demo and the end-to-end tests all build the bot here, so what the tests drive
is what runs.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, Defaults

import handlers
from bot.clock import Clock, SystemClock
from bot.commands import commands_for
from bot.i18n import _, load_catalogues, use_language
from bot.services import Services
from bot.settings import Settings
from handlers.context import BotContext

log = logging.getLogger(__name__)


def build_application(settings: Settings, clock: Clock | None = None) -> Application:
    load_catalogues()
    token = settings.require_token()
    builder = (
        ApplicationBuilder()
        .token(token)
        .context_types(ContextTypes(context=BotContext))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                tzinfo=settings.zone,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .rate_limiter(AIORateLimiter(max_retries=3))
        .post_init(_on_startup)
        .post_shutdown(_on_shutdown)
    )
    if settings.bot_api_base_url:
        builder = builder.base_url(f"{settings.bot_api_base_url}/bot").base_file_url(
            f"{settings.bot_api_base_url}/file/bot"
        )
    app = builder.build()
    app.bot_data["services"] = Services.create(settings, clock or SystemClock())
    handlers.register(app)
    return app


def services_of(app: Application) -> Services:
    return app.bot_data["services"]


async def _on_startup(app: Application) -> None:
    await services_of(app).db.open()
    await publish_commands(app)
    log.info("Bot @%s is ready", app.bot.username)


async def _on_shutdown(app: Application) -> None:
    await services_of(app).db.close()


async def publish_commands(app: Application) -> None:
    """Publish the members' command menu: Vietnamese for vi clients, English otherwise."""
    for language, language_code in (("vi", "vi"), ("en", None)):
        with use_language(language):
            menu = [BotCommand(c.name, _(c.description)) for c in commands_for(is_admin=False)]
        await app.bot.set_my_commands(menu, language_code=language_code)


@asynccontextmanager
async def running(app: Application, poll_timeout: int = 1) -> AsyncIterator[Application]:
    """Run the bot inside the caller's event loop, as ``run_polling`` would."""
    await app.initialize()
    try:
        if app.post_init:
            await app.post_init(app)
        assert app.updater is not None
        await app.updater.start_polling(
            poll_interval=0, timeout=poll_timeout, allowed_updates=Update.ALL_TYPES
        )
        await app.start()
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()
    finally:
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)
