"""/report and /export: files an admin hands upward, always sent to the admin privately."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable

from telegram import InputFile, Update
from telegram.constants import ChatType
from telegram.error import Forbidden
from telegram.ext import Application, CommandHandler

from bot.i18n import _
from bot.reports import render
from bot.reports.document import directive_docx
from bot.reports.export import KIND_WORDS
from bot.reports.period import Period, parse_period
from handlers.context import BotContext, admin_only, reply

XLSX_WORDS = frozenset({"xlsx", "excel"})
Handler = Callable[[Update, BotContext], Awaitable[bool]]


def _period(words: list[str], context: BotContext) -> Period | None:
    return parse_period(" ".join(words), context.services.reports.today().date())


def privately(handler: Handler) -> Handler:
    """Reports name people and reasons: they go to the asker's private chat, and a group only
    hears that they were sent, or how to let the bot write privately."""

    @functools.wraps(handler)
    async def sent(update: Update, context: BotContext) -> None:
        try:
            delivered = await handler(update, context)
        except Forbidden:
            await reply(update, _("Reports name people and give reasons, so I send them "
                                  "privately: open @{bot} and press Start, then ask again."
                                  ).format(bot=context.bot.username))
            return
        chat = update.effective_chat
        if delivered and chat is not None and chat.type != ChatType.PRIVATE:
            await reply(update, _("I have sent it to you in a private message."))

    return sent


def _asker(update: Update) -> int:
    assert update.effective_user is not None
    return update.effective_user.id


async def _send_file(context: BotContext, chat_id: int, name: str, content: bytes,
                     caption: str | None = None) -> None:
    await context.bot.send_document(chat_id, InputFile(content, filename=name), caption=caption)


@admin_only
@privately
async def report(update: Update, context: BotContext) -> bool:
    """Send a period's report (summary, workbook, chart), or one directive's."""
    words = list(context.args or [])
    if words and words[0].startswith("#") and len(words[0]) > 1:
        await _directive(context, _asker(update), words[0][1:])
        return True
    period = _period(words, context)
    if period is None:
        await reply(update, _(
            "I could not read the period. Examples: <code>/report tháng 11/2026</code>, "
            "<code>/report quý 4/2026</code>, <code>/report năm 2026</code>, "
            "<code>/report 01/10/2026-31/12/2026</code>, or <code>/report #39-NQ/TW</code> "
            "for one directive."))
        return False
    built = await context.services.reports.period_report(context.scope, period)
    chat_id = _asker(update)
    await context.bot.send_message(chat_id, render.summary(built.report))
    assert built.workbook is not None and built.chart is not None
    stem = f"{period.first:%Y%m%d}-{period.last:%Y%m%d}"
    await _send_file(context, chat_id, render.file_name(stem, "xlsx"),
                     built.workbook)
    await context.bot.send_photo(chat_id, InputFile(built.chart, filename="chart.png"),
                                 caption=built.report.title)
    return True


async def _directive(context: BotContext, chat_id: int, tag: str) -> None:
    services = context.services
    directive = await services.reports.directive(context.scope, tag)
    await context.bot.send_message(chat_id, render.directive_summary(directive))
    if not directive.built.report.tasks:
        return
    stem = directive.code.replace("/", "-")
    assert directive.built.workbook is not None
    await _send_file(context, chat_id, render.file_name(stem, "xlsx"),
                     directive.built.workbook)
    document = directive_docx(directive, services.settings.zone, services.reports.now())
    await _send_file(context, chat_id, render.file_name(stem, "docx"), document)


@admin_only
@privately
async def export(update: Update, context: BotContext) -> bool:
    """Send tasks, meetings, attendance or the rosters as CSV, or XLSX with ``xlsx``."""
    words = list(context.args or [])
    kind = KIND_WORDS.get(words[0].lower()) if words else None
    xlsx = any(w.lower() in XLSX_WORDS for w in words)
    period = _period([w for w in words[1:] if w.lower() not in XLSX_WORDS], context)
    if kind is None or period is None:
        await reply(update, _(
            "Say what to export: <code>/export tasks</code>, <code>/export meetings</code>, "
            "<code>/export attendance</code> or <code>/export members</code>, then a period "
            "(this month if none) and <code>xlsx</code> for an Excel file. Example: "
            "<code>/export attendance quý 4/2026 xlsx</code>"))
        return False
    made = await context.services.exports.export(context.scope, kind, period, xlsx)
    await _send_file(context, _asker(update), made.filename, made.content,
                     caption=_("{count} rows.").format(count=made.rows))
    return True


def register(app: Application) -> None:
    app.add_handler(CommandHandler("report", report))
    app.add_handler(CommandHandler("export", export))
