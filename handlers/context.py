"""Per-update context: who is speaking, in which language, and with which rights."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update, User
from telegram.constants import ChatType
from telegram.ext import Application, CallbackContext, ExtBot, TypeHandler

from bot.i18n import _, normalize_language, set_language
from bot.members import Person
from bot.services import Services
from storage.members import Member


class BotContext(CallbackContext[ExtBot, dict, dict, dict]):
    """PTB's context plus the services and the member behind the update."""

    def __init__(
        self, application: Application, chat_id: int | None = None, user_id: int | None = None
    ) -> None:
        super().__init__(application, chat_id, user_id)
        self.member: Member | None = None

    @property
    def services(self) -> Services:
        return self.application.bot_data["services"]

    @property
    def is_admin(self) -> bool:
        return self.member is not None and self.services.members.is_admin(self.member)


Handler = Callable[[Update, BotContext], Awaitable[Any]]


def person_from(user: User, default_language: str) -> Person:
    return Person(
        telegram_id=user.id,
        username=user.username,
        full_name=user.full_name,
        language=normalize_language(user.language_code, default_language),
    )


async def identify(update: Update, context: BotContext) -> None:
    """Record the chat and the sender, and speak the sender's language from here on.

    Anyone writing in a private chat can be written to, so that marks them as started.
    """
    services = context.services
    set_language(services.settings.default_language)
    chat = update.effective_chat
    private = chat is not None and chat.type == ChatType.PRIVATE
    user = update.effective_user
    if user is not None and not user.is_bot:
        context.member = await services.members.seen(
            person_from(user, services.settings.default_language), started=private
        )
        set_language(context.member.language)
    if chat is not None:
        speaker = context.member.id if context.member is not None and not private else None
        await services.groups.seen(chat.id, chat.type, chat.title or chat.full_name or "",
                                   member_id=speaker)


def admin_only(handler: Handler) -> Handler:
    """Refuse an admin command politely instead of ignoring it."""

    @functools.wraps(handler)
    async def guarded(update: Update, context: BotContext) -> Any:
        if not context.is_admin:
            await reply(
                update,
                _("Sorry, only committee admins can use this command. Send /help to see "
                  "the commands available to you."),
            )
            return None
        return await handler(update, context)

    return guarded


async def reply(update: Update, text: str, **kwargs: Any) -> None:
    """Answer in the chat the update came from (quoting it in groups, by PTB's default)."""
    message = update.effective_message
    if message is not None:
        await message.reply_html(text, **kwargs)


async def committee_group(update: Update, context: BotContext) -> int | None:
    """The group a new task or meeting reports to: this group if subscribed; from a private
    chat, the committee's group when there is exactly one."""
    chat = update.effective_chat
    assert chat is not None
    groups = context.services.groups
    if chat.type != ChatType.PRIVATE:
        here = await groups.get(chat.id)
        return chat.id if here is not None and here.subscribed else None
    subscribed = await groups.subscribed()
    return subscribed[0].id if len(subscribed) == 1 else None


def register(app: Application) -> None:
    app.add_handler(TypeHandler(Update, identify), group=-1)
