"""What runs before anything else: edits never re-run a command, and floods are throttled."""

from __future__ import annotations

from telegram import Message, Update
from telegram.constants import MessageEntityType
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    MessageHandler,
    filters,
)

from bot.i18n import _, normalize_language, use_language
from bot.throttle import Verdict
from handlers.context import BotContext

# Before ``identify`` (group -1): a stopped update is neither recorded nor answered.
EDITS_GROUP = -3
THROTTLE_GROUP = -2


def _command_for_us(message: Message, bot_username: str) -> bool:
    """Whether the message starts with a command addressed to this bot (or to no bot)."""
    entities = message.entities or message.caption_entities
    text = message.text or message.caption or ""
    if not entities or entities[0].type != MessageEntityType.BOT_COMMAND or entities[0].offset:
        return False
    command = text[: entities[0].length]
    _name, _at, addressee = command.partition("@")
    return not addressee or addressee.lower() == bot_username.lower()


def _language(update: Update, context: BotContext) -> str:
    user = update.effective_user
    default = context.services.settings.default_language
    return normalize_language(user.language_code if user else None, default)


async def edited(update: Update, context: BotContext) -> None:
    """An edited message never runs a command again (an edited /addtask would add a task
    twice); an edited command gets a one-line hint."""
    message = update.effective_message
    if message is not None and _command_for_us(message, context.bot.username):
        verdict = _throttle(update, context)
        if verdict is Verdict.RUN:
            with use_language(_language(update, context)):
                await message.reply_html(_("Edited messages do not run commands. To run it, "
                                           "send the command as a new message."))
        elif verdict is Verdict.NOTICE:
            await _tell_to_slow_down(update, context)
    raise ApplicationHandlerStop


def _throttle(update: Update, context: BotContext) -> Verdict:
    sender = update.effective_sender  # a user, or the chat posting as itself
    return context.services.throttle.check(sender.id if sender is not None else 0)


async def _tell_to_slow_down(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None:
        return
    with use_language(_language(update, context)):
        await message.reply_html(_(
            "You are sending commands faster than they can be answered. The last ones were "
            "not run; please wait a minute, then send again what you need."))


async def throttle(update: Update, context: BotContext) -> None:
    """Commands beyond the sender's rate are dropped; the first of them gets one notice."""
    message = update.effective_message
    if message is None or not _command_for_us(message, context.bot.username):
        return
    verdict = _throttle(update, context)
    if verdict is Verdict.RUN:
        return
    if verdict is Verdict.NOTICE:
        await _tell_to_slow_down(update, context)
    raise ApplicationHandlerStop


def register(app: Application) -> None:
    app.add_handler(MessageHandler(filters.UpdateType.EDITED, edited), group=EDITS_GROUP)
    app.add_handler(MessageHandler(filters.UpdateType.MESSAGE, throttle), group=THROTTLE_GROUP)
