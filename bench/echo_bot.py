"""The floor for bench/views.py: the smallest PTB bot, answering every message with its text.

HTML defaults, a pool of 64 connections, updates one at a time, no rate limiter. With
ECHO_CLIENT=bot it talks through the committee bot's HTTP client (bot/bot_api.py) instead of
PTB's own, so the two floors tell the client's share of the bot's speed from the rest. Reads
BOT_TOKEN and BOT_API_BASE_URL from the environment.
"""

from __future__ import annotations

import os

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ContextTypes,
    Defaults,
    MessageHandler,
    filters,
)

from bot.bot_api import bot_api_request


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer with the text received."""
    message = update.effective_message
    if message is not None and message.text:
        await message.reply_html(message.text)


def build() -> Application:
    root = os.environ["BOT_API_BASE_URL"]
    builder = (
        ApplicationBuilder()
        .token(os.environ["BOT_TOKEN"])
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .base_url(f"{root}/bot")
    )
    if os.environ.get("ECHO_CLIENT") == "bot":
        builder = builder.request(bot_api_request(connection_pool_size=64)).get_updates_request(
            bot_api_request())
    else:
        builder = builder.connection_pool_size(64)
    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    return app


if __name__ == "__main__":
    build().run_polling(allowed_updates=Update.ALL_TYPES)
