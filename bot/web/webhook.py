"""Telegram's webhook: authenticate the post, queue the update, answer at once.

The update goes to the Application's update queue, the same one polling feeds, so handlers
run exactly as they do with polling, after Telegram already has its 200: a slow handler never
makes Telegram time out and post the update again. With several instances, the answer waits
only until this instance has the chat's turn (bot/chat_turns.py).
"""

from __future__ import annotations

import hmac
import logging

from aiohttp import web
from telegram import Bot, Update
from telegram.ext import Application

from bot.chat_turns import ChatTurns
from bot.settings import Settings
from bot.updates import chat_key

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def register(web_app: web.Application, app: Application, settings: Settings) -> None:
    """Serve the webhook at WEBHOOK_URL's path, in webhook mode only."""
    if settings.webhook_url is None or settings.webhook_secret is None:
        return
    secret = settings.webhook_secret.get_secret_value().encode()

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, secret):
            log.warning("Refused a webhook post from %s: %s secret token", request.remote,
                        "wrong" if given else "no")
            return web.Response(status=403)
        try:
            data = await request.json()
            update = Update.de_json(data, app.bot) if isinstance(data, dict) else None
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("Refused a webhook post that is not an update: %s", exc)
            return web.Response(status=400)
        if update is None:
            log.warning("Refused a webhook post that is not an update: not a JSON object")
            return web.Response(status=400)
        turns: ChatTurns | None = app.bot_data.get("chat_turns")
        chat = chat_key(update)
        if turns is not None and chat is not None and not await turns.take(chat):
            return web.Response(status=503)  # Telegram keeps the update and posts it again
        await app.update_queue.put(update)
        return web.Response(status=200)

    web_app.router.add_post(settings.webhook_path, receive)


async def set_webhook(bot: Bot, settings: Settings) -> None:
    """Point Telegram at WEBHOOK_URL, with the secret and every update kind the bot uses."""
    assert settings.webhook_url is not None and settings.webhook_secret is not None
    await bot.set_webhook(
        settings.webhook_url,
        secret_token=settings.webhook_secret.get_secret_value(),
        allowed_updates=Update.ALL_TYPES,
        max_connections=settings.webhook_max_connections,
    )
    log.info("Webhook set to %s", settings.webhook_url)
