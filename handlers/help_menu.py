"""/help: a short overview with a button per topic; a press shows that topic's commands."""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot import callbacks
from bot.commands import CommandInfo
from bot.help_topics import HOME, Topic, find_topic, visible_topics
from bot.i18n import _
from handlers.context import BotContext, out_of_date, reply
from handlers.usage import DATE_FORMS


def _overview(is_admin: bool) -> str:
    lines = [_("<b>What I can do</b>"),
             _("I keep your tasks and meetings, remind you before deadlines and answer "
               "questions about directives and resolutions."), ""]
    for topic, commands in visible_topics(is_admin):
        names = " ".join(f"/{command.name}" for command in commands)
        lines.append(f"{_(topic.title)}: {names}")
    lines += ["", _("Press a topic below to see its commands, each with an example.")]
    return "\n".join(lines)


def _line(command: CommandInfo) -> str:
    return _("/{name} — {description}\n    Example: <code>{example}</code>").format(
        name=command.name,
        description=html.escape(_(command.description)),
        example=html.escape(_(command.example)),
    )


def _topic_page(topic: Topic, commands: list[CommandInfo]) -> str:
    lines = [f"<b>{_(topic.title)}</b>", *(_line(command) for command in commands)]
    if topic.key == "tasks":
        lines.append(_(DATE_FORMS))
    return "\n".join(lines)


def _keyboard(is_admin: bool, current: str) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(_(topic.title), callback_data=callbacks.HELP_TOPIC.pack(topic.key))
        for topic, _commands in visible_topics(is_admin)
        if topic.key != current
    ]
    rows = [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
    if current != HOME:
        rows.append([InlineKeyboardButton(_("⬅️ Overview"),
                                          callback_data=callbacks.HELP_TOPIC.pack(HOME))])
    return InlineKeyboardMarkup(rows)


def _page(is_admin: bool, key: str) -> tuple[str, InlineKeyboardMarkup]:
    """The text and buttons for a topic (or the overview), as this user may see them."""
    topic = find_topic(key)
    visible = {t.key: commands for t, commands in visible_topics(is_admin)}
    if topic is None or topic.key not in visible:
        return _overview(is_admin), _keyboard(is_admin, HOME)
    return _topic_page(topic, visible[topic.key]), _keyboard(is_admin, topic.key)


async def help_command(update: Update, context: BotContext) -> None:
    """Show the overview of what this user may do, with a button per topic."""
    text, markup = _page(context.is_admin, HOME)
    await reply(update, text, reply_markup=markup)


async def on_topic(update: Update, context: BotContext) -> None:
    """Show the pressed topic in place of the message (a member sees only their commands)."""
    query = update.callback_query
    assert query is not None
    key = callbacks.HELP_TOPIC.parse(query.data)
    if key is None:
        await out_of_date(update)
        return
    await query.answer()
    text, markup = _page(context.is_admin, key)
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as error:  # the same page pressed twice: nothing to change
        if "not modified" not in error.message.lower():
            raise


def register(app: Application) -> None:
    app.add_handler(CommandHandler("help", help_command))
    app.add_handler(CallbackQueryHandler(on_topic, pattern=callbacks.HELP_TOPIC.matches))
