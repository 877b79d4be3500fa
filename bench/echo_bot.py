"""The floor for bench/views.py: the smallest PTB bot, answering every message with its text.

Built as the committee bot builds its Application (HTML defaults, the same connection pool,
updates one at a time, no rate limiter), so the ratio of the two is what the bot's own work
costs per update. Reads BOT_TOKEN and BOT_API_BASE_URL from the environment.
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


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer with the text received."""
    message = update.effective_message
    if message is not None and message.text:
        await message.reply_html(message.text)


def build() -> Application:
    root = os.environ["BOT_API_BASE_URL"]
    app = (
        ApplicationBuilder()
        .token(os.environ["BOT_TOKEN"])
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .connection_pool_size(64)
        .base_url(f"{root}/bot")
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, echo))
    return app


if __name__ == "__main__":
    build().run_polling(allowed_updates=Update.ALL_TYPES)
