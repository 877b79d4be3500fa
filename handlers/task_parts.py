"""Each assignee's part: /done (own part, named parts, all), reports handed in as a file,
the buttons on reminders, and asking for more time."""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.error import Forbidden
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot import callbacks, limits
from bot.dates import DateError, parse_when
from bot.i18n import N_, _, ngettext
from bot.numbers import parse_id
from bot.tasks import render
from bot.tasks.model import Outcome, Result
from handlers.context import BotContext, out_of_date, reply
from handlers.tasks import answer
from handlers.usage import DATE_PROBLEMS, after_first_word, too_long
from storage.tasks import Report

_EVERYONE = ("all", "tất cả", "tat ca", "hết", "het")
_DONE_USAGE = N_("Which task? Example: <code>/done 12</code>, with an optional note: "
                 "<code>/done 12 Đã nộp bản giấy cho Văn phòng</code>. To hand in a file, send "
                 "it with <code>/done 12</code> as its caption.")


async def done(update: Update, context: BotContext) -> None:
    """Finish your part of a task; admins may name others (@x) or everyone (all)."""
    message = update.effective_message
    assert message is not None
    await _done(update, context, message.text or "", None)


async def done_with_file(update: Update, context: BotContext) -> None:
    """A document or photo sent with "/done N" as its caption is the sender's report."""
    message = update.effective_message
    assert message is not None
    await _done(update, context, message.caption or "", _file_of(message))


async def _done(update: Update, context: BotContext, text: str, report: Report | None) -> None:
    words = after_first_word(text).split(maxsplit=1)
    number = parse_id(words[0]) if words else None
    if number is None or context.member is None:
        await reply(update, _(_DONE_USAGE))
        return
    rest = words[1].strip() if len(words) > 1 else ""
    tasks = context.services.tasks
    others = [w for w in rest.split() if w.startswith("@")]
    if rest.lower() in _EVERYONE:
        result = await tasks.complete(context.member, context.scope, number, everyone=True)
    elif others and len(others) == len(rest.split()):
        members = [await context.services.members.find(name) for name in others]
        unknown = [name for name, m in zip(others, members, strict=True) if m is None]
        if unknown:
            await reply(update, _("I don't know {username}.").format(
                username=html.escape(", ".join(unknown))))
            return
        result = await tasks.complete(context.member, context.scope, number,
                                      others=tuple(m for m in members if m is not None))
    else:
        if len(rest) > limits.NOTE:
            await reply(update, too_long(limits.TooLong("note", limits.NOTE)))
            return
        note = rest or None
        if report is not None:
            report = Report(note, report.file_id, report.file_kind, report.file_name)
        elif note:
            report = Report(note)
        result = await tasks.complete(context.member, context.scope, number, report=report)
    text = answer(result, number)
    if report is not None and result.outcome in (Outcome.PART_DONE, Outcome.TASK_DONE):
        text += "\n" + _("Your report is stored and sent to whoever assigned the task.")
    await reply(update, text)


async def report_by_reply(update: Update, context: BotContext) -> None:
    """A file sent in reply to a task's reminder hands in the sender's part of that task."""
    message = update.effective_message
    assert message is not None
    replied = message.reply_to_message
    number = _task_of(replied) if replied is not None else None
    if number is None or replied is None or replied.from_user is None or \
            replied.from_user.id != context.bot.id:
        return
    await _done(update, context, f"/done {number} {message.caption or ''}", _file_of(message))


def _task_of(message: Message) -> int | None:
    """The task a reminder is about, from its Done button."""
    markup = message.reply_markup
    for row in markup.inline_keyboard if markup else ():
        for button in row:
            values = callbacks.TASK_DONE.parse(button.callback_data)
            if values:
                return values[0]
    return None


def _file_of(message: Message) -> Report:
    if message.document is not None:
        return Report(None, message.document.file_id, "document", message.document.file_name)
    photo = message.photo[-1]
    return Report(None, photo.file_id, "photo", None)


async def on_reminder_button(update: Update, context: BotContext) -> None:
    """"Done", "Snooze 1h" and "Ask for more time" on a reminder."""
    query = update.callback_query
    assert query is not None
    tasks, member = context.services.tasks, context.member
    for kind in (callbacks.TASK_DONE, callbacks.TASK_SNOOZE, callbacks.TASK_EXTEND):
        values = kind.parse(query.data)
        if values:
            break
    if not values or member is None:
        await out_of_date(update)
        return
    number = values[0]
    if kind is callbacks.TASK_DONE:
        result = await tasks.complete(member, context.scope, number)
    elif kind is callbacks.TASK_SNOOZE:
        chat = update.effective_chat
        group = chat.id if chat is not None and chat.type != ChatType.PRIVATE else None
        result = await tasks.snooze(member, context.scope, number, group)
    else:
        result = await context.services.extensions.ask(member, number)
    if result.outcome is Outcome.SNOOZED:
        await query.answer(_("I will remind you again in 1 hour."))
    elif result.outcome in (Outcome.PART_DONE, Outcome.TASK_DONE):
        await query.answer(answer(result, number), show_alert=True)
        await _mark_on_message(update, context, result)
    elif result.outcome is Outcome.ASK_DATE:
        await query.answer()
        await _ask_for_date(update, context, number)
    else:
        await query.answer(answer(result, number), show_alert=True)


async def _mark_on_message(update: Update, context: BotContext, result: Result) -> None:
    """Under a reminder in a group, say who has finished, so the group sees the progress."""
    query = update.callback_query
    chat = update.effective_chat
    assert query is not None and context.member is not None and result.view is not None
    if chat is None or chat.type == ChatType.PRIVATE or query.message is None:
        return
    lines = (query.message.text_html or "").split("\n")
    if len(lines) > 1 and lines[-1].startswith("✅"):
        lines.pop()  # the previous progress line: only the latest is kept
    await query.edit_message_text("\n".join(lines) + "\n" + _(
        "✅ {name} has finished their part ({progress}).").format(
        name=html.escape(context.member.display_name), progress=render.progress(result.view)),
        reply_markup=None if result.outcome is Outcome.TASK_DONE else query.message.reply_markup)


async def _ask_for_date(update: Update, context: BotContext, number: int) -> None:
    """Ask privately; someone who never started the bot is told in the group how to, and the
    request is dropped (its question could not be asked)."""
    member, chat = context.member, update.effective_chat
    assert member is not None
    try:
        await context.bot.send_message(member.telegram_id, _(
            "Until when do you need for task #{id}, and why? Send the new date and the reason "
            "in one message, for example: <code>31/12/2026 Chờ số liệu của Sở Tài chính</code>"
        ).format(id=number))
    except Forbidden:
        await context.services.extensions.drop_asking(member)
        if chat is None or chat.type == ChatType.PRIVATE:
            return
        start = InlineKeyboardButton(
            _("▶️ Start"), url=f"https://t.me/{context.bot.username}?start=task{number}")
        await context.bot.send_message(chat.id, _(
            "{mention}, I cannot write to you privately to ask for the new date of task #{id}. "
            "Press “Start” below, then ask for more time again.").format(
            mention=render.mention(member), id=number),
            reply_markup=InlineKeyboardMarkup([[start]]))


async def on_remind_open(update: Update, context: BotContext) -> None:
    """The button on /task N that reminds only those whose part is open."""
    query = update.callback_query
    assert query is not None
    values = callbacks.TASK_REMIND_OPEN.parse(query.data)
    if not values or context.member is None:
        await out_of_date(update)
        return
    result = await context.services.tasks.remind_open(context.member, context.scope, values[0])
    if result.outcome is Outcome.SNOOZED:
        await query.answer(ngettext("Reminded {count} person who has not finished.",
                                    "Reminded {count} people who have not finished.",
                                    result.count).format(count=result.count))
    else:
        await query.answer(answer(result, values[0]), show_alert=True)


async def on_extension_decision(update: Update, context: BotContext) -> None:
    """The creator's "Approve" or "Decline" on a request for more time."""
    query = update.callback_query
    assert query is not None
    approve = callbacks.EXTENSION_APPROVE.parse(query.data)
    decline = callbacks.EXTENSION_DECLINE.parse(query.data)
    values = approve or decline
    if not values or context.member is None:
        await out_of_date(update)
        return
    result = await context.services.extensions.decide(context.member, context.scope, values[0],
                                                      approve=bool(approve))
    if result.outcome in (Outcome.APPROVED, Outcome.DECLINED):
        verdict = _("✅ Approved.") if approve else _("❌ Declined.")
        await query.answer(verdict)
        if query.message is not None and query.message.text_html:
            await query.edit_message_text(query.message.text_html + "\n\n" + verdict)
    elif result.outcome is Outcome.DECIDED:
        await query.answer(_("This request was already answered."), show_alert=True)
    else:
        await query.answer(answer(result, result.view.task.id if result.view else 0),
                           show_alert=True)


async def take_extension_answer(update: Update, context: BotContext) -> bool:
    """If the bot asked this member for a new date, read it; True if the message was that."""
    message = update.effective_message
    if message is None or context.member is None or not message.text:
        return False
    extensions = context.services.extensions
    request = await extensions.asking(context.member)
    if request is None:
        return False
    settings = context.services.settings
    try:
        when = parse_when(message.text, context.services.clock.now(), settings.zone,
                          settings.task_default_time)
    except DateError as exc:
        await reply(update, _(DATE_PROBLEMS[exc.problem]) + "\n" + _(
            "Send the new date and the reason, for example: <code>31/12/2026 Chờ số liệu của "
            "Sở Tài chính</code>"))
        return True
    reason = " ".join(when.rest.split())
    if len(reason) > limits.REASON:
        await reply(update, too_long(limits.TooLong("note", limits.REASON)))
        return True
    if not reason:
        await reply(update, _("Please add the reason after the date, for example: "
                              "<code>31/12/2026 Chờ số liệu của Sở Tài chính</code>"))
        return True
    await extensions.submit(context.member, request, when.moment, reason)
    await reply(update, _("Your request for more time on task #{id} is sent to whoever "
                          "assigned it. You will be told of the answer.").format(
        id=request.task_id))
    return True


def register(app: Application) -> None:
    app.add_handler(CommandHandler("done", done))
    with_file = filters.Document.ALL | filters.PHOTO
    app.add_handler(MessageHandler(with_file & filters.CaptionRegex(r"^/done(@\w+)?(\s|$)"),
                                   done_with_file))
    app.add_handler(MessageHandler(with_file & filters.REPLY, report_by_reply))
    for kind in (callbacks.TASK_DONE, callbacks.TASK_SNOOZE, callbacks.TASK_EXTEND):
        app.add_handler(CallbackQueryHandler(on_reminder_button, pattern=kind.matches))
    app.add_handler(CallbackQueryHandler(on_remind_open,
                                         pattern=callbacks.TASK_REMIND_OPEN.matches))
    for kind in (callbacks.EXTENSION_APPROVE, callbacks.EXTENSION_DECLINE):
        app.add_handler(CallbackQueryHandler(on_extension_decision, pattern=kind.matches))
