"""Answering invitations ("Attend" / "Absent" and the reason) and the attendance report."""

from __future__ import annotations

import html
from zoneinfo import ZoneInfo

from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.clock import from_epoch
from bot.i18n import N_, _, format_date, ngettext
from bot.meetings import render
from bot.meetings.model import MeetingView, Outcome
from bot.text import pack_pages
from handlers.context import BotContext, admin_only, reply
from handlers.paging import callback

_ANSWERS = {
    Outcome.NOT_FOUND: N_("This meeting no longer exists."),
    Outcome.NOT_INVITED: N_("You are not on the list of attendees of this meeting."),
    Outcome.CLOSED: N_("Answers are closed: the meeting is cancelled or has started."),
}


async def on_answer(update: Update, context: BotContext) -> None:
    """Record "Attend" or "Absent"; for an absence, ask why."""
    query = update.callback_query
    assert query is not None and query.data is not None
    action, _sep, number = query.data.partition(":")
    if context.member is None:
        await query.answer()
        return
    meetings = context.services.meetings
    outcome = await meetings.respond(context.member, int(number),
                                     "attend" if action == "ma" else "absent")
    if outcome is Outcome.DONE:
        await query.answer(_("Noted: you will attend meeting #{id}.").format(id=number))
    elif outcome is Outcome.ASK_REASON:
        await query.answer(_("Noted: you will be absent from meeting #{id}.").format(id=number))
        await _ask_reason(update, context, int(number))
    else:
        await query.answer(_(_ANSWERS[outcome]), show_alert=True)


async def _ask_reason(update: Update, context: BotContext, number: int) -> None:
    """Ask in the chat where the button was pressed; in a group, as a reply the bot sees."""
    chat = update.effective_chat
    assert chat is not None and context.member is not None
    text = _("{name}, why can you not attend meeting #{id}? Send the reason as your next "
             "message, or press “Skip”.").format(
        name=html.escape(context.member.display_name), id=number)
    skip = InlineKeyboardMarkup([[InlineKeyboardButton(_("Skip"),
                                                       callback_data=callback("mk", number))]])
    if chat.type == ChatType.PRIVATE:
        await context.bot.send_message(chat.id, text, reply_markup=skip)
    else:
        await context.bot.send_message(chat.id, text, reply_markup=ForceReply(selective=True))


async def on_skip(update: Update, context: BotContext) -> None:
    """Leave the absence without a reason."""
    query = update.callback_query
    assert query is not None and query.data is not None
    if context.member is not None:
        await context.services.meetings.give_reason(context.member,
                                                    int(query.data.partition(":")[2]), None)
    await query.answer(_("Noted."))
    await query.edit_message_reply_markup(None)


async def on_reason(update: Update, context: BotContext) -> None:
    """Take a member's next message as the reason for the absence the bot asked about."""
    message = update.effective_message
    if message is None or context.member is None or not message.text:
        return
    if message.chat.type != ChatType.PRIVATE:
        replied = message.reply_to_message
        if replied is None or replied.from_user is None or replied.from_user.id != context.bot.id:
            return
    meetings = context.services.meetings
    meeting_id = await meetings.awaiting_reason(context.member)
    if meeting_id is None:
        return
    await meetings.give_reason(context.member, meeting_id, message.text.strip())
    await reply(update, _("Thank you, the reason is noted for meeting #{id}.").format(
        id=meeting_id))


def _names(view: MeetingView, response: str | None, with_reasons: bool = False) -> str:
    people = view.answered(response)
    if not people:
        return "—"
    if with_reasons:
        return "; ".join(
            html.escape(a.member.display_name) + (f" ({html.escape(a.reason)})" if a.reason
                                                  else "")
            for a in people)
    return ", ".join(html.escape(a.member.display_name) for a in people)


def _rate(attend: int, invited: int) -> str:
    percent = round(100 * attend / invited) if invited else 0
    return _("{attend}/{invited} ({percent}%)").format(attend=attend, invited=invited,
                                                       percent=percent)


def attendance_report(view: MeetingView, zone: ZoneInfo) -> str:
    meeting = view.meeting
    attend = len(view.answered("attend"))
    return "\n".join([
        _("<b>Attendance, meeting {title}</b>").format(title=render.title(meeting)),
        render.when(meeting, zone),
        "",
        _("✅ Attend ({count}): {names}").format(count=attend, names=_names(view, "attend")),
        _("❌ Absent ({count}): {names}").format(count=len(view.answered("absent")),
                                                names=_names(view, "absent", True)),
        _("❔ Not answered ({count}): {names}").format(count=len(view.answered(None)),
                                                      names=_names(view, None)),
        "",
        _("Attendance rate: {rate}").format(rate=_rate(attend, len(view.attendees))),
    ])


@admin_only
async def attendance(update: Update, context: BotContext) -> None:
    """Who attends, who is absent and why, who has not answered; or recent rates."""
    if not context.args:
        await _recent_rates(update, context)
        return
    if not context.args[0].lstrip("#").isdigit():
        await reply(update, _("Example: <code>/attendance 3</code>, or <code>/attendance</code> "
                              "for the last meetings' rates."))
        return
    number = int(context.args[0].lstrip("#"))
    view = await context.services.meetings.view(number)
    if view is None:
        await reply(update, _(_ANSWERS[Outcome.NOT_FOUND]))
        return
    silent = len(view.answered(None))
    markup = None
    if silent and view.meeting.is_scheduled:
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(
            _("🔔 Remind the {count} who have not answered").format(count=silent),
            callback_data=callback("mn", number))]])
    await reply(update, attendance_report(view, context.services.settings.zone),
                reply_markup=markup)


async def _recent_rates(update: Update, context: BotContext) -> None:
    chat = update.effective_chat
    group = chat.id if chat is not None and chat.type != ChatType.PRIVATE else None
    meetings = context.services.meetings
    recent = await meetings.recent(group)
    if not recent:
        await reply(update, _("No meeting has taken place yet."))
        return
    zone = context.services.settings.zone
    lines = [_("<b>Attendance at the last meetings</b>")]
    for view in recent:
        lines.append(_("• {title}, {date}: {rate}").format(
            title=render.title(view.meeting),
            date=format_date(from_epoch(view.meeting.starts_at), zone),
            rate=_rate(len(view.answered("attend")), len(view.attendees))))
    lines += ["", _("<b>Per member</b>")]
    for member, invited, attended in await meetings.member_rates(recent):
        lines.append(f"• {html.escape(member.display_name)}: {_rate(attended, invited)}")
    total = sum(len(v.attendees) for v in recent)
    lines += ["", _("Overall: {rate}").format(
        rate=_rate(sum(len(v.answered("attend")) for v in recent), total))]
    for page in pack_pages(lines, separator="\n"):
        await reply(update, page)


async def on_nudge(update: Update, context: BotContext) -> None:
    """Remind only those who have not answered (admins only)."""
    query = update.callback_query
    assert query is not None and query.data is not None
    if not context.is_admin or context.member is None:
        await query.answer(_("Only admins can do that."), show_alert=True)
        return
    count = await context.services.meetings.nudge(context.member,
                                                  int(query.data.partition(":")[2]))
    await query.answer(ngettext("Reminded {count} member.", "Reminded {count} members.",
                                count).format(count=count))


def register(app: Application) -> None:
    app.add_handler(CommandHandler("attendance", attendance))
    app.add_handler(CallbackQueryHandler(on_answer, pattern=r"^m[ax]:\d+$"))
    app.add_handler(CallbackQueryHandler(on_skip, pattern=r"^mk:\d+$"))
    app.add_handler(CallbackQueryHandler(on_nudge, pattern=r"^mn:\d+$"))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, on_reason))
