"""The command menu Telegram shows: the members' commands for everyone (in Vietnamese for
Vietnamese clients, English otherwise), and every command in each admin's own chat."""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import BadRequest, Forbidden

from bot.commands import commands_for
from bot.i18n import _, use_language
from storage.members import Member

log = logging.getLogger(__name__)


def _menu(is_admin: bool) -> list[BotCommand]:
    return [BotCommand(c.name, _(c.description)) for c in commands_for(is_admin)]


async def publish_default(bot: Bot) -> None:
    for language, language_code in (("vi", "vi"), ("en", None)):
        with use_language(language):
            await bot.set_my_commands(_menu(is_admin=False), language_code=language_code)


async def publish_for_admin(bot: Bot, admin: Member) -> None:
    """Show an admin every command, in their language, in their private chat."""
    if admin.telegram_id is None:
        return
    with use_language(admin.language):
        menu = _menu(is_admin=True)
    try:
        await bot.set_my_commands(menu, scope=BotCommandScopeChat(admin.telegram_id))
    except (BadRequest, Forbidden) as exc:  # not started yet: /start publishes it then
        log.info("No admin menu for %s yet: %s", admin.telegram_id, exc.message)


async def withdraw_for(bot: Bot, member: Member) -> None:
    """Back to the members' menu, once the admin role is gone."""
    if member.telegram_id is None:
        return
    try:
        await bot.delete_my_commands(scope=BotCommandScopeChat(member.telegram_id))
    except (BadRequest, Forbidden) as exc:
        log.info("No admin menu to withdraw for %s: %s", member.telegram_id, exc.message)
