"""Admin commands: granting and revoking roles, subscribing groups."""

from __future__ import annotations

import html

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application, CommandHandler, MessageHandler, filters

from bot import limits
from bot.i18n import N_, _
from bot.members import RoleChange
from bot.units import UnitOutcome
from handlers import menu
from handlers.context import (
    NEEDS_ORG_ADMIN,
    NEEDS_UNIT_ADMIN,
    BotContext,
    admin_only,
    org_admin_only,
    person_from,
    reply,
)
from handlers.usage import arguments, too_long
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
    """Make a member an admin: of the organisation in private, of this unit in its group."""
    await _change_role(update, context, "grant")


@admin_only
async def revoke(update: Update, context: BotContext) -> None:
    """Take an admin role away: the organisation's in private, this unit's in its group."""
    await _change_role(update, context, "revoke")


_UNIT_ROLE_ANSWERS = {
    UnitOutcome.DONE: (N_("{name} ({id}) is now an admin of this unit."),
                       N_("{name} ({id}) is no longer an admin of this unit.")),
    UnitOutcome.UNCHANGED: (N_("{name} ({id}) is already an admin of this unit."),
                            N_("{name} ({id}) is not an admin of this unit.")),
    UnitOutcome.NOT_A_UNIT: (N_("This group is not a unit yet: an organisation admin makes it "
                                "one with /subscribe."),) * 2,
    UnitOutcome.NOT_ALLOWED: (NEEDS_UNIT_ADMIN,) * 2,
    UnitOutcome.NOT_STARTED: (N_("{name} has not written to the bot yet. Ask them to send "
                                 "/start first, so the role goes to the right account."),) * 2,
}


async def _change_role(update: Update, context: BotContext, command: str) -> None:
    target = await _target(update, context, command)
    if target is None:
        return
    chat = update.effective_chat
    if chat is not None and chat.type != ChatType.PRIVATE:
        await _change_unit_role(update, context, chat.id, target, command == "grant")
        return
    if not context.is_org_admin:
        await reply(update, _(NEEDS_ORG_ADMIN))
        return
    assert context.member is not None
    members = context.services.members
    change = members.grant if command == "grant" else members.revoke
    result = await change(context.member, target)
    if result is RoleChange.GRANTED:
        await menu.publish_for_admin(context.bot, target)
    elif result is RoleChange.REVOKED:
        await menu.withdraw_for(context.bot, target)
    await reply(update, _(_GRANT_ANSWERS[result]).format(name=_who(target)))


async def _change_unit_role(update: Update, context: BotContext, unit_id: int, target: Member,
                            admin: bool) -> None:
    assert context.member is not None
    outcome = await context.services.units.set_unit_admin(context.member, context.scope,
                                                          unit_id, target, admin)
    if outcome is UnitOutcome.DONE:
        scope = await context.services.access.scope(target)
        if scope.is_admin:
            await menu.publish_for_admin(context.bot, target)
        else:
            await menu.withdraw_for(context.bot, target)
    text = _UNIT_ROLE_ANSWERS[outcome][0 if admin else 1]
    await reply(update, _(text).format(name=html.escape(target.display_name),
                                       id=target.telegram_id))


def _who(member: Member) -> str:
    """A person named in a role change: full name and Telegram id, so a renamed account
    cannot be mistaken for another."""
    if member.telegram_id is None:
        return html.escape(member.display_name)
    return _("{name} (id {id})").format(name=html.escape(member.display_name),
                                        id=member.telegram_id)


@org_admin_only
async def subscribe(update: Update, context: BotContext) -> None:
    """Make this group a unit (named after the group, or as given) that receives the
    committee's notifications."""
    chat = update.effective_chat
    message = update.effective_message
    assert chat is not None and message is not None and context.member is not None
    if chat.type == ChatType.PRIVATE:
        await _in_group_only(update, context, "subscribe")
        return
    name = arguments(message).strip() or None
    if name is not None and len(name) > limits.UNIT_NAME:
        await reply(update, too_long(limits.TooLong("unit", limits.UNIT_NAME)))
        return
    units = context.services.units
    outcome, unit_name = await units.subscribe(context.member, context.scope, chat.id,
                                               chat.type, chat.title or "", name)
    if outcome is UnitOutcome.UNCHANGED:
        await reply(update, _("This group already receives the committee's notifications."))
        return
    await reply(update, _("This group is now the unit “{name}” and will receive the "
                          "committee's notifications. Members join its roster when they write "
                          "here; send /rollcall so everyone can sign in.").format(
        name=html.escape(unit_name)))


@org_admin_only
async def unsubscribe(update: Update, context: BotContext) -> None:
    """Stop the committee's notifications to this group."""
    chat = update.effective_chat
    assert chat is not None and context.member is not None
    if chat.type == ChatType.PRIVATE:
        await _in_group_only(update, context, "unsubscribe")
        return
    outcome = await context.services.units.unsubscribe(context.member, context.scope, chat.id)
    if outcome is UnitOutcome.DONE:
        await reply(update, _("This group will no longer receive the committee's "
                              "notifications."))
    else:
        await reply(update, _("This group was not receiving notifications."))


async def _in_group_only(update: Update, context: BotContext, command: str) -> None:
    await reply(update, _("Use this command inside the group chat, for example "
                          "<code>/{command}@{bot}</code>.").format(command=command,
                                                                  bot=context.bot.username))


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
