"""The application factory: settings -> services -> PTB Application with handlers.

Production, the demo and the end-to-end tests all build the bot here, so what the tests drive
is what runs.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import time
from functools import wraps

from telegram import LinkPreviewOptions, MenuButtonWebApp, Update, WebAppInfo
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults

import handlers
from bot.backups import DailyBackup
from bot.bot_api import bot_api_request
from bot.chat_turns import ChatTurns
from bot.clock import Clock, SystemClock
from bot.committee_bot import CommitteeBot
from bot.i18n import _, load_catalogues, use_language
from bot.leadership import Leadership
from bot.ratelimit import TelegramRateLimiter
from bot.reminders.dispatcher import Dispatcher
from bot.reminders.telegram_io import JobQueueScheduler, TelegramSender
from bot.services import Services
from bot.settings import Settings
from bot.updates import ChatOrderedUpdateProcessor
from handlers import menu
from handlers.context import BotContext

log = logging.getLogger(__name__)
BACKUP_TIME = time(3, 0)  # local: a quiet hour, before the morning digest


class CommitteeApplication(Application):
    """PTB's Application, stopping the reminder dispatcher first: without this, stopping
    would wait for the whole backlog (the JobQueue waits for its running job). Then the lead
    is given up, so another instance takes it at once."""

    async def stop(self) -> None:
        dispatcher = self.bot_data.get("dispatcher")
        if dispatcher is not None:
            await dispatcher.stop()
        leadership = self.bot_data.get("leadership")
        if leadership is not None:
            await leadership.stop()
        await super().stop()


def build_application(settings: Settings, clock: Clock | None = None) -> Application:
    # Opt in to PTB 23's timedelta durations now (RetryAfter.retry_after), without warnings.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    load_catalogues()
    token = settings.require_token()
    services = Services.create(settings, clock or SystemClock())
    turns = _chat_turns(settings, services)
    bot = _bot(settings, token)
    app = (
        ApplicationBuilder()
        .application_class(CommitteeApplication)
        .bot(bot)
        .context_types(ContextTypes(context=BotContext))
        .concurrent_updates(ChatOrderedUpdateProcessor(turns=turns, outbox=bot.outbox))
        .post_init(_on_startup)
        .post_shutdown(_on_shutdown)
        .build()
    )
    app.bot_data["services"] = services
    if turns is not None:
        app.bot_data["chat_turns"] = turns
    handlers.register(app)
    return app


def _bot(settings: Settings, token: str) -> CommitteeBot:
    return CommitteeBot(
        token,
        **settings.bot_api_urls(),
        defaults=Defaults(
            parse_mode=ParseMode.HTML,
            tzinfo=settings.zone,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        ),
        # The dispatcher keeps at most 8 sends in flight, well inside this pool, so a slow
        # answer never turns into a pool time-out for the handlers' own replies.
        request=bot_api_request(connection_pool_size=64),
        get_updates_request=bot_api_request(),
        rate_limiter=TelegramRateLimiter() if settings.rate_limit else None,
    )


def _chat_turns(settings: Settings, services: Services) -> ChatTurns | None:
    """Several instances may share a PostgreSQL database in webhook mode (polling allows one):
    then a chat's updates take turns across them."""
    if settings.webhook_url is None:
        return None
    locks = services.db.session_locks()
    return ChatTurns(locks) if locks is not None else None


def services_of(app: Application) -> Services:
    return app.bot_data["services"]


def dispatcher_of(app: Application) -> Dispatcher:
    return app.bot_data["dispatcher"]


async def _on_startup(app: Application) -> None:
    services = services_of(app)
    await services.db.open()
    await services.knowledge.load_builtin()
    await publish_menus(app, services)
    await _start_reminders(app, services)
    _start_backups(app, services)
    if services.settings.web_app_url is not None:
        await _menu_button(app, services)
    log.info("Bot @%s is ready", app.bot.username)


async def _menu_button(app: Application, services: Services) -> None:
    """Make the dashboard (served by bot/web/dashboard.py) every chat's menu button."""
    with use_language(services.settings.default_language):
        label = _("Dashboard")
    await app.bot.set_chat_menu_button(menu_button=MenuButtonWebApp(
        label, WebAppInfo(str(services.settings.web_app_url))))


async def publish_menus(app: Application, services: Services) -> None:
    """The members' menu for everyone, and the full one in each known admin's chat."""
    await menu.publish_default(app.bot)
    for admin in await services.members.known_admins():
        await menu.publish_for_admin(app.bot, admin)


async def _start_reminders(app: Application, services: Services) -> None:
    """Start the dispatcher and the daily jobs; they act while this instance leads, which
    with one instance is at once (the catch-up on what was missed then runs first)."""
    assert app.job_queue is not None
    scheduler = JobQueueScheduler(app.job_queue)
    locks = services.db.session_locks()  # the leader's: None with one process (SQLite)
    dispatcher = Dispatcher(
        services.db,
        services.clock,
        services.renderers,
        TelegramSender(app.bot),
        scheduler,
        default_language=services.settings.default_language,
        health=services.health,
        admins=services.members.known_admins,
        session_check=locks.check if locks is not None else None,
    )
    app.bot_data["dispatcher"] = dispatcher
    services.wakeup.connect(dispatcher.arm)
    await dispatcher.start()

    async def catch_up() -> None:
        await services.digest.catch_up()
        await services.summaries.plan()
        await services.meetings.extend_series()
        await services.task_series.extend()

    # A wake-up reaches this instance's dispatcher only: rows another instance planned are
    # found by re-arming at each poll (every second) while leading. One indexed read a
    # second, and nothing is missed when a session is lost, as a NOTIFY sent meanwhile
    # would be; a NOTIFY would be read at that poll's round trip anyway (psycopg reads
    # notifications only while the connection is used), so it would be no sooner.
    leadership = Leadership(locks, scheduler,
                            lead=[dispatcher.lead, catch_up], follow=[dispatcher.follow],
                            steady=[dispatcher.look_again])
    app.bot_data["leadership"] = leadership
    settings = services.settings
    app.job_queue.run_daily(
        _digest_job, settings.digest_time.replace(tzinfo=settings.zone), name="digest"
    )
    app.job_queue.run_daily(
        _series_job, time(0, 5, tzinfo=settings.zone), name="meeting-series"
    )
    app.job_queue.run_daily(
        _summaries_job, time(0, 10, tzinfo=settings.zone), name="summaries"
    )
    await leadership.start()


def _start_backups(app: Application, services: Services) -> None:
    """The daily backup at 03:00 local time, and today's at once if it is missing."""
    settings = services.settings
    if settings.backup_dir is None:
        return
    assert app.job_queue is not None
    app.bot_data["backup"] = DailyBackup(
        settings.database_path, settings.backup_dir, settings.backup_keep, services.clock,
        settings.zone,
    )
    app.job_queue.run_daily(_backup_job, BACKUP_TIME.replace(tzinfo=settings.zone),
                            name="backup")
    app.job_queue.run_once(_backup_job, 0, name="backup-at-start")


def _leader_only(
    job: Callable[[BotContext], Awaitable[None]],
) -> Callable[[BotContext], Awaitable[None]]:
    """A daily job runs once across all instances: on the leader."""
    @wraps(job)
    async def on_leader(context: BotContext) -> None:
        if context.bot_data["leadership"].leading:
            await job(context)

    return on_leader


@_leader_only
async def _backup_job(context: BotContext) -> None:
    await context.bot_data["backup"].run()


@_leader_only
async def _digest_job(context: BotContext) -> None:
    await context.services.digest.plan_today()


@_leader_only
async def _summaries_job(context: BotContext) -> None:
    """Plan this week's summaries and this month's report once their day has come."""
    await context.services.summaries.plan()


@_leader_only
async def _series_job(context: BotContext) -> None:
    """Keep each repeating meeting's occurrences planned two months ahead, and each
    repeating task's a month ahead."""
    await context.services.meetings.extend_series()
    await context.services.task_series.extend()


async def _on_shutdown(app: Application) -> None:
    turns = app.bot_data.get("chat_turns")
    if turns is not None:
        await turns.close()
    await services_of(app).db.close()


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
