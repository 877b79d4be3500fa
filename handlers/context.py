"""Per-update context: who is speaking, in which language, and with which rights."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update, User
from telegram.constants import ChatType
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackContext,
    ExtBot,
    TypeHandler,
)

from bot.access import NOBODY, Scope
from bot.committee_bot import CommitteeBot
from bot.i18n import N_, _, normalize_language, set_language
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
        self.scope: Scope = NOBODY

    @property
    def services(self) -> Services:
        return self.application.bot_data["services"]

    @property
    def is_admin(self) -> bool:
        """An organisation admin or the admin of some unit."""
        return self.scope.is_admin

    @property
    def is_org_admin(self) -> bool:
        return self.scope.org_admin


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

    Anyone writing in a private chat can be written to, so that marks them as started; anyone
    who acts in a unit's group belongs to its roster. Nothing is written when nothing changed.
    """
    services = context.services
    set_language(services.settings.default_language)
    chat = update.effective_chat
    private = chat is not None and chat.type == ChatType.PRIVATE
    user = update.effective_user
    if chat is not None:
        await services.groups.seen(chat.id, chat.type, chat.title or chat.full_name or "")
    if user is None or user.is_bot or _posted_as_chat(update):
        await _refuse_nobody(update)
        return
    context.member = await services.members.seen(
        person_from(user, services.settings.default_language), started=private
    )
    set_language(context.member.language)
    if chat is not None and not private and update.chat_member is None:
        await services.units.joined(chat.id, context.member, "seen")
    context.scope = await services.access.scope(context.member)
    if update.callback_query is not None and _forged(update.callback_query):
        await out_of_date(update)
        raise ApplicationHandlerStop


def _forged(query: CallbackQuery) -> bool:
    """Data that none of the buttons of its message carries: no client sends that. (A message
    too old to be shown has no buttons to compare; the handler checks what the data names.)"""
    message = query.message
    if not isinstance(message, Message):
        return False
    markup = message.reply_markup
    rows = markup.inline_keyboard if markup is not None else ()
    return all(button.callback_data != query.data for row in rows for button in row)


async def out_of_date(update: Update) -> None:
    """Answer a press whose data names nothing (any more), changing nothing."""
    assert update.callback_query is not None
    await update.callback_query.answer(_(OUT_OF_DATE), show_alert=True)


def _posted_as_chat(update: Update) -> bool:
    """A message sent on behalf of the group (anonymous admin) or of a channel."""
    message = update.effective_message
    return message is not None and message.sender_chat is not None


async def _refuse_nobody(update: Update) -> None:
    """Whoever writes as the group or a channel is nobody: say so to a command, and stop."""
    message = update.effective_message
    if update.callback_query is not None:
        await update.callback_query.answer(_("Please write as yourself, not as the group or a "
                                             "channel."), show_alert=True)
        raise ApplicationHandlerStop
    if message is not None and (message.text or "").startswith("/"):
        await reply(update, _("Please write as yourself, not as the group or a channel: "
                              "turn off “Remain anonymous” in the group's admin settings, or "
                              "send the command from your own account."))
    raise ApplicationHandlerStop


def admin_only(handler: Handler) -> Handler:
    """Refuse an admin command politely instead of ignoring it."""

    @functools.wraps(handler)
    async def guarded(update: Update, context: BotContext) -> Any:
        if not context.is_admin:
            await reply(update, _(NEEDS_ADMIN))
            return None
        return await handler(update, context)

    return guarded


def org_admin_only(handler: Handler) -> Handler:
    """Refuse a command that changes the whole organisation to anyone but its admins."""

    @functools.wraps(handler)
    async def guarded(update: Update, context: BotContext) -> Any:
        if not context.is_org_admin:
            await reply(update, _(NEEDS_ORG_ADMIN))
            return None
        return await handler(update, context)

    return guarded


OUT_OF_DATE = N_("This button is out of date.")
FAILED = N_("Sorry, something went wrong. Please try again later.")
NEEDS_ADMIN = N_("Sorry, this command is for the organisation's admins and unit admins. Send "
                 "/help to see the commands available to you.")
NEEDS_ORG_ADMIN = N_("Sorry, only the organisation's admins can do this (a unit admin cannot). "
                     "Send /help to see the commands available to you.")
NEEDS_UNIT_ADMIN = N_("Sorry, this needs an admin of the unit it belongs to, or of the "
                      "organisation.")


async def reply(update: Update, text: str, *,
                reply_markup: InlineKeyboardMarkup | None = None,
                protect_content: bool | None = None) -> None:
    """Answer in the chat the update came from, quoting the message in a group. The answer
    is posted: it is sent after the chat's earlier answers while the update ends, and should
    Telegram refuse it, an apology in the reader's language takes its place."""
    message = update.effective_message
    if message is not None:
        bot: CommitteeBot = message.get_bot()  # type: ignore[assignment] - bot/app.py's
        bot.answer(message, text, reply_markup=reply_markup, protect_content=protect_content,
                   apology=_(FAILED))


async def unit_here(update: Update, context: BotContext) -> int | None:
    """The unit a new task or meeting belongs to: this group, if it is a unit. A private
    chat belongs to no unit: its work is for the people named and no group hears of it."""
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        return None
    unit = await context.services.units.get(chat.id)
    return unit.id if unit is not None else None


def register(app: Application) -> None:
    app.add_handler(TypeHandler(Update, identify), group=-1)
