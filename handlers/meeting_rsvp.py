"""Answering invitations ("Attend" / "Absent" and the reason) and the attendance report."""

from __future__ import annotations

import html
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters, Update
from telegram.constants import ChatType
from telegram.error import Forbidden
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot import callbacks, limits
from bot.clock import from_epoch
from bot.i18n import N_, _, format_date, ngettext
from bot.meetings import render
from bot.meetings.model import MeetingView, Outcome
from bot.numbers import parse_id
from bot.tasks.render import mention
from bot.text import pack_pages, shorten
from handlers.context import NEEDS_UNIT_ADMIN, BotContext, admin_only, out_of_date, reply
from handlers.task_parts import take_extension_answer
from handlers.usage import too_long
from storage.meetings import Attendee

_ANSWERS = {
    Outcome.NOT_FOUND: N_("This meeting no longer exists."),
    Outcome.NOT_INVITED: N_("You are not on the list of attendees of this meeting."),
    Outcome.CLOSED: N_("Answers are closed: the meeting is cancelled or has started."),
}


async def on_answer(update: Update, context: BotContext) -> None:
    """Record "Attend" or "Absent"; for an absence, ask why."""
    query = update.callback_query
    assert query is not None
    attend = callbacks.MEETING_ATTEND.parse(query.data)
    values = attend or callbacks.MEETING_ABSENT.parse(query.data)
    if context.member is None or not values:
        await out_of_date(update)
        return
    number = values[0]
    chat = update.effective_chat
    meetings = context.services.meetings
    outcome = await meetings.respond(context.member, number, "attend" if attend else "absent",
                                     chat.id if chat is not None else None)
    if outcome is Outcome.DONE:
        await query.answer(_("Noted: you will attend meeting #{id}.").format(id=number))
    elif outcome is Outcome.ASK_REASON:
        await query.answer(_("Noted: you will be absent from meeting #{id}.").format(id=number))
        await _ask_reason(update, context, number)
    else:
        await query.answer(_(_ANSWERS[outcome]), show_alert=True)


async def _ask_reason(update: Update, context: BotContext, number: int) -> None:
    """Ask in the chat where the button was pressed, with "Skip". In a group, as a reply to
    the pressed message that mentions the member, who answers by replying to it (Telegram
    allows no "force reply" together with buttons)."""
    chat, query = update.effective_chat, update.callback_query
    assert chat is not None and context.member is not None
    skip = InlineKeyboardMarkup([[InlineKeyboardButton(
        _("Skip"), callback_data=callbacks.MEETING_SKIP_REASON.pack(number))]])
    if chat.type == ChatType.PRIVATE:
        text = _("{name}, why can you not attend meeting #{id}? Send the reason as your next "
                 "message, or press “Skip”.").format(
            name=html.escape(context.member.display_name), id=number)
        await context.bot.send_message(chat.id, text, reply_markup=skip)
        return
    text = _("{mention}, why can you not attend meeting #{id}? Reply to this message with the "
             "reason, or press “Skip”.").format(mention=mention(context.member), id=number)
    pressed = query.message if query is not None else None
    await context.bot.send_message(
        chat.id, text, reply_markup=skip,
        reply_parameters=ReplyParameters(pressed.message_id) if pressed is not None else None)


async def on_skip(update: Update, context: BotContext) -> None:
    """Leave the absence without a reason."""
    query = update.callback_query
    assert query is not None
    values = callbacks.MEETING_SKIP_REASON.parse(query.data)
    if context.member is None or not values:
        await out_of_date(update)
        return
    meetings = context.services.meetings
    if await meetings.awaiting_reason(context.member) != values[0]:
        # In a group anyone sees the button: only the member asked may use it, once.
        await query.answer(_("This question is for the member it names, and only until they "
                             "answer it."), show_alert=True)
        return
    await meetings.give_reason(context.member, values[0], None)
    await query.answer(_("Noted."))
    await query.edit_message_reply_markup(None)


async def on_reason(update: Update, context: BotContext) -> None:
    """Take a member's next message as the answer the bot asked for: the new date of an
    extension request, or the reason for an absence."""
    message = update.effective_message
    if message is None or context.member is None or not message.text:
        return
    if message.chat.type != ChatType.PRIVATE:
        replied = message.reply_to_message
        if replied is None or replied.from_user is None or replied.from_user.id != context.bot.id:
            return
    elif await take_extension_answer(update, context):
        return
    meetings = context.services.meetings
    meeting_id = await meetings.awaiting_reason(context.member)
    if meeting_id is None:
        return
    if len(message.text.strip()) > limits.REASON:
        await reply(update, too_long(limits.TooLong("note", limits.REASON)))
        return
    await meetings.give_reason(context.member, meeting_id, message.text.strip())
    await reply(update, _("Thank you, the reason is noted for meeting #{id}.").format(
        id=meeting_id))


def _names(view: MeetingView, response: str | None, with_reasons: bool = False) -> str:
    people = view.answered(response)
    if not people:
        return "—"
    if with_reasons:
        return "; ".join(_absence(a) for a in people)
    return ", ".join(html.escape(a.member.display_name) for a in people)


def _absence(attendee: Attendee) -> str:
    """A name with the reason given and the admin's judgement of it."""
    text = html.escape(attendee.member.display_name)
    if attendee.reason:
        text += f" ({html.escape(attendee.reason)})"
    if attendee.excused is not None:
        text += " — " + (_("excused") if attendee.excused else _("not excused"))
    return text


def _rate(attend: int, invited: int) -> str:
    percent = round(100 * attend / invited) if invited else 0
    return _("{attend}/{invited} ({percent}%)").format(attend=attend, invited=invited,
                                                       percent=percent)


def attendance_report(view: MeetingView, zone: ZoneInfo) -> str:
    """Who attends, who is absent (with reasons: admins only), who has not answered."""
    meeting = view.meeting
    attend = len(view.answered("attend"))
    absent = view.answered("absent")
    excused = sum(1 for a in absent if a.excused)
    unexcused = sum(1 for a in absent if a.excused is False)
    return "\n".join([
        _("<b>Attendance, meeting {title}</b>").format(title=render.title(meeting)),
        render.when(meeting, zone),
        "",
        _("✅ Attend ({count}): {names}").format(count=attend, names=_names(view, "attend")),
        _("❌ Absent ({count}): {names}").format(count=len(absent),
                                                names=_names(view, "absent", True)),
        _("❔ Not answered ({count}): {names}").format(count=len(view.answered(None)),
                                                      names=_names(view, None)),
        "",
        _("Attendance rate: {rate}").format(rate=_rate(attend, len(view.attendees))),
        _("Absences: {excused} excused, {unexcused} not excused, {open} not yet judged.").format(
            excused=excused, unexcused=unexcused, open=len(absent) - excused - unexcused),
    ])


# Absences offered for judging with buttons in one report; the rest by a later report.
JUDGE_ROWS = 10


def _attendance_buttons(view: MeetingView) -> InlineKeyboardMarkup | None:
    meeting_id = view.meeting.id
    rows = []
    silent = len(view.answered(None))
    if silent and view.meeting.is_scheduled:
        rows.append([InlineKeyboardButton(
            _("🔔 Remind the {count} who have not answered").format(count=silent),
            callback_data=callbacks.MEETING_NUDGE.pack(meeting_id))])
    for attendee in view.answered("absent")[:JUDGE_ROWS]:
        name = shorten(attendee.member.display_name, 20)
        member_id = attendee.member.id
        rows.append([
            InlineKeyboardButton(_("✔ {name}: excused").format(name=name),
                                 callback_data=callbacks.MEETING_EXCUSED.pack(meeting_id,
                                                                              member_id)),
            InlineKeyboardButton(_("✖ not excused"),
                                 callback_data=callbacks.MEETING_UNEXCUSED.pack(meeting_id,
                                                                                member_id)),
        ])
    return InlineKeyboardMarkup(rows) if rows else None


@admin_only
async def attendance(update: Update, context: BotContext) -> None:
    """Who attends, who is absent and why, who has not answered; or recent rates. Reasons
    are for admins only: typed in a group, the answer comes privately."""
    if not context.args:
        await _recent_rates(update, context)
        return
    number = parse_id(context.args[0])
    if number is None:
        await reply(update, _("Example: <code>/attendance 3</code>, or <code>/attendance</code> "
                              "for the last meetings' rates."))
        return
    view = await context.services.meetings.view(number)
    if view is None or not context.scope.manages(view.meeting.group_chat_id):
        await reply(update, _(_ANSWERS[Outcome.NOT_FOUND]))
        return
    await _privately(update, context, await _full_report(context, view),
                     _attendance_buttons(view))


async def _full_report(context: BotContext, view: MeetingView) -> str:
    """The attendance report with, once anyone checked in, who did."""
    text = attendance_report(view, context.services.settings.zone)
    present = await context.services.checkins.present(view.meeting.id)
    if present:
        names = [a.member.display_name for a in view.attendees if a.member.id in present]
        text += "\n\n" + _("📍 Checked in ({count}/{total}): {names}. Attendance is judged from "
                            "check-ins.").format(count=len(names), total=len(view.attendees),
                                                 names=html.escape(", ".join(names)))
    return text


def report_pages(text: str) -> list[str]:
    """The report cut into messages: a large roster takes several."""
    return pack_pages(text.split("\n"), separator="\n")


async def _privately(update: Update, context: BotContext, text: str,
                     markup: InlineKeyboardMarkup | None = None) -> None:
    """Answer in the private chat; in a group, say there that the answer went privately."""
    chat = update.effective_chat
    assert context.member is not None and context.member.telegram_id is not None
    pages = report_pages(text)  # a large roster: several messages
    if chat is not None and chat.type == ChatType.PRIVATE:
        for number, page in enumerate(pages, 1):
            await reply(update, page, reply_markup=markup if number == len(pages) else None)
        return
    try:
        for number, page in enumerate(pages, 1):
            await context.bot.send_message(context.member.telegram_id, page,
                                           reply_markup=markup if number == len(pages) else None)
    except Forbidden:
        await reply(update, _("Attendance shows absence reasons, so I send it privately: open "
                              "@{bot} and press Start, then ask again.").format(
            bot=context.bot.username))
        return
    await reply(update, _("I have sent the attendance to you privately."))


async def _recent_rates(update: Update, context: BotContext) -> None:
    chat = update.effective_chat
    group = chat.id if chat is not None and chat.type != ChatType.PRIVATE else None
    if group is not None and not context.scope.manages(group):
        await reply(update, _(NEEDS_UNIT_ADMIN))
        return
    meetings = context.services.meetings
    recent = await meetings.recent(context.scope, group, limit=5)
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
    assert query is not None
    values = callbacks.MEETING_NUDGE.parse(query.data)
    if not values or context.member is None:
        await out_of_date(update)
        return
    count = await context.services.meetings.nudge(context.member, context.scope, values[0])
    if count is Outcome.NOT_ALLOWED:
        await query.answer(_(NEEDS_UNIT_ADMIN), show_alert=True)
        return
    if isinstance(count, Outcome):
        await out_of_date(update)
        return
    await query.answer(ngettext("Reminded {count} member.", "Reminded {count} members.",
                                count).format(count=count))


async def on_judge(update: Update, context: BotContext) -> None:
    """An admin marks one absence excused or not; the report's last page is redrawn."""
    query = update.callback_query
    assert query is not None
    excused = callbacks.MEETING_EXCUSED.parse(query.data)
    values = excused or callbacks.MEETING_UNEXCUSED.parse(query.data)
    if not values or context.member is None:
        await out_of_date(update)
        return
    meetings = context.services.meetings
    outcome = await meetings.judge_absence(context.member, context.scope, values[0], values[1],
                                           bool(excused))
    if outcome is Outcome.NOT_ALLOWED:
        await query.answer(_(NEEDS_UNIT_ADMIN), show_alert=True)
        return
    if outcome is not Outcome.DONE:
        await out_of_date(update)
        return
    await query.answer(_("Noted."))
    view = await meetings.view(values[0])
    assert view is not None
    # The buttons are on the report's last page: only that page is redrawn (the whole report
    # of a large roster does not fit one message); it holds the totals that changed.
    pages = report_pages(await _full_report(context, view))
    await query.edit_message_text(pages[-1], reply_markup=_attendance_buttons(view))


def register(app: Application) -> None:
    app.add_handler(CommandHandler("attendance", attendance))
    for kind in (callbacks.MEETING_ATTEND, callbacks.MEETING_ABSENT):
        app.add_handler(CallbackQueryHandler(on_answer, pattern=kind.matches))
    app.add_handler(CallbackQueryHandler(on_skip, pattern=callbacks.MEETING_SKIP_REASON.matches))
    app.add_handler(CallbackQueryHandler(on_nudge, pattern=callbacks.MEETING_NUDGE.matches))
    for kind in (callbacks.MEETING_EXCUSED, callbacks.MEETING_UNEXCUSED):
        app.add_handler(CallbackQueryHandler(on_judge, pattern=kind.matches))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, on_reason))
