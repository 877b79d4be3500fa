"""Admin commands: granting and revoking roles, subscribing groups."""

from __future__ import annotations

import html

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application, CommandHandler, MessageHandler, filters

from bot.i18n import N_, _
from bot.members import RoleChange
from handlers import menu
from handlers.context import BotContext, admin_only, person_from, reply
from storage.members import Member


async def _target(update: Update, context: BotContext, command: str) -> Member | None:
    """The member named by @username, or the author of the replied-to message.

    Answers the user itself when no member can be found, and returns None then.
    """
    message = update.effective_message
    assert message is not None
    services = context.services
    replied = message.reply_to_message
    if replied and replied.from_user and not replied.from_user.is_bot:
        person = person_from(replied.from_user, services.settings.default_language)
        return await services.members.seen(person)
    if not context.args or not context.args[0].startswith("@") or len(context.args) > 1:
        await reply(
            update,
            _("Name one member: <code>/{command} @username</code>, or reply to one of "
              "their messages with <code>/{command}</code>.").format(command=command),
        )
        return None
    username = context.args[0]
    member = await services.members.find(username)
    if member is None:
        await reply(
            update,
            _("I don't know {username} yet. Ask them to send /start to me, or reply to one "
              "of their messages in a group with <code>/{command}</code>.").format(
                username=html.escape(username), command=command
            ),
        )
    return member


_GRANT_ANSWERS = {
    RoleChange.GRANTED: N_("{name} is now an admin."),
    RoleChange.ALREADY_ADMIN: N_("{name} is already an admin."),
    RoleChange.ANONYMOUS: N_(
        "An anonymous group admin cannot be made an admin: ask them to write as themselves."
    ),
    RoleChange.NOT_STARTED: N_(
        "{name} has not written to the bot yet. Ask them to send /start first, so the role "
        "goes to the right account."
    ),
    RoleChange.REVOKED: N_("{name} is no longer an admin."),
    RoleChange.NOT_ADMIN: N_("{name} is not an admin."),
    RoleChange.CONFIGURED_ADMIN: N_(
        "{name} is an admin through the ADMIN_IDS setting; remove them there to revoke it."
    ),
}


@admin_only
async def grant(update: Update, context: BotContext) -> None:
    """Make a member an admin."""
    await _change_role(update, context, "grant")


@admin_only
async def revoke(update: Update, context: BotContext) -> None:
    """Take the admin role away from a member."""
    await _change_role(update, context, "revoke")


async def _change_role(update: Update, context: BotContext, command: str) -> None:
    target = await _target(update, context, command)
    if target is None:
        return
    assert context.member is not None
    members = context.services.members
    change = members.grant if command == "grant" else members.revoke
    result = await change(context.member, target)
    if result is RoleChange.GRANTED:
        await menu.publish_for_admin(context.bot, target)
    elif result is RoleChange.REVOKED:
        await menu.withdraw_for(context.bot, target)
    await reply(update, _(_GRANT_ANSWERS[result]).format(name=html.escape(target.display_name)))


@admin_only
async def subscribe(update: Update, context: BotContext) -> None:
    """Send the committee's notifications to this group."""
    await _set_subscription(update, context, subscribed=True)


@admin_only
async def unsubscribe(update: Update, context: BotContext) -> None:
    """Stop the committee's notifications to this group."""
    await _set_subscription(update, context, subscribed=False)


async def _set_subscription(update: Update, context: BotContext, subscribed: bool) -> None:
    chat = update.effective_chat
    assert chat is not None and context.member is not None
    if chat.type == ChatType.PRIVATE:
        await reply(
            update,
            _("Use this command inside the group chat, for example "
              "<code>/subscribe@{bot}</code>.").format(bot=context.bot.username),
        )
        return
    changed = await context.services.groups.set_subscribed(context.member, chat.id, subscribed)
    if subscribed:
        text = (
            _("This group will now receive the committee's notifications.")
            if changed
            else _("This group already receives the committee's notifications.")
        )
    else:
        text = (
            _("This group will no longer receive the committee's notifications.")
            if changed
            else _("This group was not receiving notifications.")
        )
    await reply(update, text)


async def migrated(update: Update, context: BotContext) -> None:
    """Follow the group to its new id when Telegram upgrades it to a supergroup."""
    message = update.effective_message
    if message is not None and message.migrate_to_chat_id:
        await context.services.groups.migrated(message.chat.id, message.migrate_to_chat_id)


def register(app: Application) -> None:
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, migrated))
    app.add_handler(CommandHandler("grant", grant))
    app.add_handler(CommandHandler("revoke", revoke))
    app.add_handler(CommandHandler("subscribe", subscribe))
    app.add_handler(CommandHandler("unsubscribe", unsubscribe))
