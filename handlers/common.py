"""Commands everyone may use: /start, /lang, /whoami (/help: help_menu); unknown commands,
errors."""

from __future__ import annotations

import html
import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot import callbacks
from bot.clock import from_epoch
from bot.i18n import LANGUAGES, _, format_date, set_language
from handlers import menu
from handlers.context import FAILED, BotContext, out_of_date, reply
from storage.database import WriteFailed

log = logging.getLogger(__name__)


async def start(update: Update, context: BotContext) -> None:
    """Greet the member in their language (``identify`` has registered them already)."""
    user = update.effective_user
    if user is None or context.member is None:
        return
    if context.is_admin:
        await menu.publish_for_admin(context.bot, context.member)
    await reply(
        update,
        _("Hello, {name}! I am the Committee Assistant: I keep your tasks and meetings, "
          "remind you before deadlines and answer questions about directives and "
          "resolutions.\n\nSend /help to see what I can do. Send /lang en or /lang vi to "
          "change the language.").format(name=html.escape(user.full_name)),
    )
    if context.args:  # came through a "Start" button on a reminder in a group
        await reply(update, _("From now on your reminders come here, privately. Send /tasks "
                              "for your tasks and /meetings for your meetings."))


async def lang(update: Update, context: BotContext) -> None:
    """Switch the member's language."""
    choice = context.args[0].lower() if context.args else ""
    if context.member is None or choice not in LANGUAGES:
        await reply(
            update,
            _("Please choose vi (Tiếng Việt) or en (English).\nExample: <code>/lang en</code>"),
        )
        return
    members = context.services.members
    await members.set_language(context.member, choice)
    set_language(choice)
    if context.is_admin:  # their full menu follows the new language
        refreshed = await members.by_id(context.member.id)
        assert refreshed is not None
        await menu.publish_for_admin(context.bot, refreshed)
    await reply(update, _("Language set to English."))


async def whoami(update: Update, context: BotContext) -> None:
    """Show the member's role and language."""
    member = context.member
    if member is None:
        return
    services = context.services
    if member.telegram_id in services.settings.admin_ids:
        role = _("admin (from the bot's settings)")
    elif context.is_org_admin:
        role = _("admin")
    else:
        role = _("member")
    username = f"@{member.username}" if member.username else _("(none)")
    text = _("<b>{name}</b>\nUsername: {username}\nTelegram ID: <code>{id}</code>\n"
             "Role: {role}\nLanguage: {language}\nKnown since: {since}").format(
        name=html.escape(member.full_name),
        username=html.escape(username),
        id=member.telegram_id,
        role=role,
        language=_("Vietnamese") if member.language == "vi" else _("English"),
        since=format_date(from_epoch(member.created_at), services.settings.zone),
    )
    await reply(update, text + await _units_line(context))


async def _units_line(context: BotContext) -> str:
    """The units the member belongs to, marking those they administer."""
    scope = context.scope
    names = []
    for unit_id in sorted(scope.member_units):
        unit = await context.services.units.get(unit_id)
        if unit is None:
            continue
        name = html.escape(unit.name)
        names.append(_("{unit} (unit admin)").format(unit=name)
                     if unit_id in scope.admin_units else name)
    return "\n" + _("Units: {units}").format(units=", ".join(names)) if names else ""


async def unknown_command(update: Update, context: BotContext) -> None:
    """Point to /help, unless the command was meant for another bot in a group."""
    message = update.effective_message
    if message is None or not message.text:
        return
    _command, _at, addressee = message.text.split()[0].partition("@")
    is_private = message.chat.type == ChatType.PRIVATE
    if addressee.lower() != context.bot.username.lower() and not (is_private and not addressee):
        return
    await reply(update, _("I don't know that command. Send /help to see the commands."))


async def noop(update: Update, context: BotContext) -> None:
    """Answer a press on a label-only button (a page counter) so the spinner stops."""
    assert update.callback_query is not None
    if callbacks.NOOP.parse(update.callback_query.data) is None:
        await out_of_date(update)
        return
    await update.callback_query.answer()


async def unknown_button(update: Update, context: BotContext) -> None:
    """Answer a press no handler took (an old kind of button, or made-up data)."""
    await out_of_date(update)


async def on_error(update: object, context: BotContext) -> None:
    """Log the failure and tell the user something went wrong, instead of going silent; a
    write the database refused (locked, full) is said to have changed nothing."""
    if isinstance(context.error, WriteFailed):
        log.warning("The database refused a write: %s", context.error)
        text = _("Sorry, I cannot save anything right now, so nothing was changed. Please try "
                 "again in a few minutes.")
    else:
        log.error("Error while handling an update", exc_info=context.error)
        text = _(FAILED)
    if not isinstance(update, Update):
        return
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    elif update.effective_message is not None:
        await reply(update, text)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("lang", lang))
    app.add_handler(CommandHandler("whoami", whoami))
    app.add_handler(CallbackQueryHandler(noop, pattern=callbacks.NOOP.matches))
    app.add_error_handler(on_error)


def register_fallback(app: Application) -> None:
    app.add_handler(MessageHandler(filters.COMMAND, unknown_command))
    app.add_handler(CallbackQueryHandler(unknown_button))
