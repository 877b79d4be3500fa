"""Meeting commands: /addmeeting, /meetings, /meeting N, /editmeeting, /cancelmeeting,
/minutes and /ics."""

from __future__ import annotations

import html

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot import callbacks
from bot.i18n import N_, _, ngettext
from bot.limits import MINUTES, TooLong
from bot.meetings import render
from bot.meetings.command import MeetingInputError, parse_meeting_edit, parse_new_meeting
from bot.meetings.model import MeetingView, Outcome
from bot.meetings.recurrence import holiday_name
from bot.numbers import parse_id
from bot.text import pack_pages
from handlers.context import (
    NEEDS_UNIT_ADMIN,
    BotContext,
    admin_only,
    out_of_date,
    reply,
    unit_here,
)
from handlers.paging import Shown, cursor_keyboard, show_page
from handlers.usage import (
    DATE_FORMS,
    DATE_PROBLEMS,
    NO_MEETING,
    WHOLE_SERIES,
    after_first_word,
    arguments,
    too_long,
)
from storage.paging import Cursor

_MEETING_PROBLEMS = {
    **DATE_PROBLEMS,
    "format": N_("Separate the time, the place and the title with “|”."),
    "rule": N_("I could not read that repeat rule."),
    "title": N_("The meeting needs a title."),
}
_OUTCOMES = {
    Outcome.DONE: N_("Meeting #{id} is updated; attendees are told."),
    Outcome.NOT_FOUND: NO_MEETING,
    Outcome.CLOSED: N_("Meeting #{id} is cancelled or over; it cannot change."),
    Outcome.NOT_REPEATING: N_("Meeting #{id} is not a repeating meeting."),
    Outcome.NOT_ALLOWED: NEEDS_UNIT_ADMIN,
}


def _problem(error: MeetingInputError) -> str:
    if isinstance(error.detail, TooLong):
        return too_long(error.detail)
    return _(_MEETING_PROBLEMS[error.problem])


def _usage(error: MeetingInputError | None) -> str:
    lines = [_problem(error)] if error is not None else []
    lines.append(_("Usage: <code>/addmeeting 15/12/2026 14:00 | Hội trường tầng 3 | Hội nghị "
                   "kiểm điểm công tác xây dựng Đảng năm 2026</code>, with the agenda on the "
                   "following lines."))
    lines.append(_("Repeating: <code>monthly day 5 14:00</code>, <code>every monday 08:00</code>"
                   ", <code>hằng tháng ngày 5 14:00</code> or <code>RRULE:FREQ=MONTHLY;BYDAY="
                   "1MO 08:00</code> in place of the date; holidays move to the next working "
                   "day."))
    lines.append(_(DATE_FORMS))
    return "\n".join(lines)


def _now(context: BotContext) -> int:
    return int(context.services.clock.now().timestamp())


def _number(context: BotContext) -> int | None:
    return parse_id(context.args[0]) if context.args else None


@admin_only
async def addmeeting(update: Update, context: BotContext) -> None:
    """Schedule a meeting, once or repeating."""
    message = update.effective_message
    assert message is not None and context.member is not None
    services = context.services
    settings = services.settings
    try:
        request = parse_new_meeting(arguments(message), services.clock.now(), settings.zone,
                                    settings.task_default_time)
    except MeetingInputError as exc:
        await reply(update, _usage(exc))
        return
    group_id = await unit_here(update, context)
    if group_id is None and not request.usernames:
        await reply(update, _("Who should attend? Name them with @username, or use the command "
                              "in a unit's group to invite its roster.") + "\n" + _usage(None))
        return
    fields = {"title": request.title, "place": request.place, "agenda": request.agenda,
              "group_chat_id": group_id, "usernames": request.usernames}
    if request.recurrence is not None:
        views = await services.meetings.create_series(context.member, context.scope,
                                                      request.recurrence, **fields)
        await reply(update, _(NEEDS_UNIT_ADMIN) if isinstance(views, Outcome)
                    else _series_created(views, context))
        return
    assert request.starts_at is not None
    view = await services.meetings.create(context.member, context.scope,
                                          starts_at=request.starts_at, **fields)
    if isinstance(view, Outcome):
        await reply(update, _(NEEDS_UNIT_ADMIN))
        return
    lines = [_("✅ Meeting stored.") + " " + _invited(view), render.summary(view.meeting,
                                                                         settings.zone)]
    local_day = request.starts_at.astimezone(settings.zone).date()
    holiday = holiday_name(local_day, "vi" if context.member.language == "vi" else "en_US")
    if holiday:
        lines.append(_("⚠️ Note: that day is a public holiday ({holiday}).").format(
            holiday=holiday))
    elif local_day.weekday() == SUNDAY:
        lines.append(_("⚠️ Note: that day is a Sunday."))
    for other in await services.meetings.clashes(view.meeting):
        lines.append(_("⚠️ It overlaps meeting {title} ({when}) for some of the same "
                       "people.").format(title=render.title(other),
                                          when=render.when(other, settings.zone)))
    await reply(update, "\n".join(lines))


# Names listed in the reply to /addmeeting; the rest are counted.
INVITED_NAMES = 10
SUNDAY = 6


def _invited(view: MeetingView) -> str:
    """How many are invited, and who."""
    people = [a.member for a in view.attendees]
    names = ", ".join(html.escape(m.display_name) for m in people[:INVITED_NAMES])
    if len(people) > INVITED_NAMES:
        names += " " + _("and {count} more").format(count=len(people) - INVITED_NAMES)
    return ngettext("{count} person invited: {names}.", "{count} people invited: {names}.",
                    len(people)).format(count=len(people), names=names)


def _series_created(views: list[MeetingView], context: BotContext) -> str:
    zone = context.services.settings.zone
    lines = [_("✅ Repeating meeting stored. Next occurrences:")]
    for view in views[:6]:
        line = f"• {render.title(view.meeting)} — {render.when(view.meeting, zone)}"
        moved = render.moved_note(view.meeting, zone)
        lines.append(f"{line}\n    {moved}" if moved else line)
    return "\n".join(lines)


async def meetings(update: Update, context: BotContext, cursor: Cursor | None = None,
                   asked: int = 1) -> None:
    """List the next meetings: yours in private, the group's in a group; a page at a time."""
    chat = update.effective_chat
    assert chat is not None
    in_group = chat.type != ChatType.PRIVATE
    shown = await context.services.meetings.lists.upcoming(
        None if in_group else context.member, chat.id if in_group else None, cursor)
    if not shown.views:
        await show_page(update, _("No meetings are planned."))
        return
    zone = context.services.settings.zone
    blocks = [_("<b>Next meetings</b>")] + [
        f"{render.summary(v.meeting, zone)}\n{render.counts(v.attendees)}" for v in shown.views]
    where = Shown.of(shown.page, asked, shown.pages, shown.capped,
                     lambda meeting: (meeting.starts_at, meeting.id))
    markup = cursor_keyboard(callbacks.MEETINGS_PAGE, shown.page, where)
    await show_page(update, pack_pages(blocks)[0], markup)


async def on_meetings_page(update: Update, context: BotContext) -> None:
    """Turn a page of /meetings."""
    assert update.callback_query is not None
    turn = callbacks.MEETINGS_PAGE.parse(update.callback_query.data)
    if turn is None:
        await out_of_date(update)
        return
    await meetings(update, context, turn[0], turn[1])


async def _visible(update: Update, context: BotContext, number: int) -> MeetingView | None:
    """The meeting, if this user may see it: attendees, admins, and its own group."""
    view = await context.services.meetings.view(number)
    chat = update.effective_chat
    if view is None or context.member is None:
        return None
    if chat is not None and chat.type != ChatType.PRIVATE:  # a group sees its own only
        return view if chat.id == view.meeting.group_chat_id else None
    if context.scope.manages(view.meeting.group_chat_id) or view.invites(context.member):
        return view
    return None


async def meeting(update: Update, context: BotContext) -> None:
    """Show a meeting with attendance counts, conclusions and its tasks."""
    number = _number(context)
    if number is None:
        await reply(update, _("Which meeting? Example: <code>/meeting 3</code>"))
        return
    view = await _visible(update, context, number)
    if view is None:
        await reply(update, _(_OUTCOMES[Outcome.NOT_FOUND]).format(id=number))
        return
    tasks = await context.services.meetings.tasks_of(number)
    text = render.details(view.meeting, view.attendees, tasks, _now(context),
                          context.services.settings.zone)
    for page in pack_pages(text.split("\n"), separator="\n"):  # many tasks: several messages
        await reply(update, page)


@admin_only
async def editmeeting(update: Update, context: BotContext) -> None:
    """Change a meeting's time, place or title."""
    message = update.effective_message
    number = _number(context)
    example = _("Example: <code>/editmeeting 3 16/12/2026 14:00 | Phòng họp số 2 |</code> "
                "(leave a part empty to keep it)")
    if message is None or number is None:
        await reply(update, _("Which meeting, and what changes?") + "\n" + example)
        return
    services = context.services
    text = after_first_word(arguments(message))
    try:
        edit = parse_meeting_edit(text, services.clock.now(), services.settings.zone,
                                  services.settings.task_default_time)
    except MeetingInputError as exc:
        await reply(update, _problem(exc) + "\n" + example)
        return
    assert context.member is not None
    outcome = await services.meetings.edit(context.member, context.scope, number,
                                           starts_at=edit.starts_at,
                                           place=edit.place, title=edit.title)
    await reply(update, _(_OUTCOMES[outcome]).format(id=number))


@admin_only
async def cancelmeeting(update: Update, context: BotContext) -> None:
    """Cancel a meeting (or, with "all", its whole series) and tell its attendees."""
    number = _number(context)
    if number is None:
        await reply(update, _("Which meeting? Example: <code>/cancelmeeting 3</code>, or "
                              "<code>/cancelmeeting 3 all</code> to stop a repeating one."))
        return
    assert context.member is not None
    meetings = context.services.meetings
    whole_series = " ".join((context.args or [])[1:]).lower() in WHOLE_SERIES
    if whole_series:
        outcome = await meetings.stop_series(context.member, context.scope, number)
        done = _("The repeating meeting of #{id} is stopped; attendees are told.")
    else:
        outcome = await meetings.cancel(context.member, context.scope, number)
        done = _("Meeting #{id} is cancelled; attendees are told.")
    text = done if outcome is Outcome.DONE else _(_OUTCOMES[outcome])
    await reply(update, text.format(id=number))


@admin_only
async def minutes(update: Update, context: BotContext) -> None:
    """Attach the conclusions to a meeting."""
    message = update.effective_message
    number = _number(context)
    text = after_first_word(arguments(message)).strip() if message else ""
    if number is None or not text:
        await reply(update, _("Example: <code>/minutes 3 Thống nhất giao Văn phòng chuẩn bị "
                              "báo cáo trước 20/12</code>"))
        return
    if len(text) > MINUTES:
        await reply(update, too_long(TooLong("minutes", MINUTES)))
        return
    assert context.member is not None
    outcome = await context.services.meetings.set_minutes(context.member, context.scope,
                                                          number, text)
    answer = _("Conclusions saved for meeting #{id}.") if outcome is Outcome.DONE \
        else _(_OUTCOMES[outcome])
    await reply(update, answer.format(id=number))


async def ics(update: Update, context: BotContext) -> None:
    """Send a calendar file: one meeting, or all of yours ahead."""
    message = update.effective_message
    assert message is not None
    number = _number(context)
    if context.args and number is None:
        await reply(update, _("Which meeting? Example: <code>/ics 3</code>, or <code>/ics"
                              "</code> alone for all of yours ahead."))
        return
    if number is not None:
        view = await _visible(update, context, number)
        if view is None:
            await reply(update, _(_OUTCOMES[Outcome.NOT_FOUND]).format(id=number))
            return
        views, filename = [view], f"meeting-{number}.ics"
    else:
        views = await context.services.meetings.upcoming(context.member, None, limit=100)
        filename = "meetings.ics"
        if not views:
            await reply(update, _("No meetings are planned."))
            return
    # Imported on first use: icalendar adds ~25 ms to every start-up, for a file few ask for.
    from bot.meetings.calendar import meetings_calendar

    services = context.services
    data = meetings_calendar([v.meeting for v in views], services.settings, services.clock.now())
    await message.reply_document(data, filename=filename,
                                 caption=_("Open the file to add it to your calendar."))


def register(app: Application) -> None:
    app.add_handler(CommandHandler("addmeeting", addmeeting))
    app.add_handler(CommandHandler("meetings", meetings))
    app.add_handler(CallbackQueryHandler(on_meetings_page,
                                         pattern=callbacks.MEETINGS_PAGE.matches))
    app.add_handler(CommandHandler("meeting", meeting))
    app.add_handler(CommandHandler("editmeeting", editmeeting))
    app.add_handler(CommandHandler("cancelmeeting", cancelmeeting))
    app.add_handler(CommandHandler("minutes", minutes))
    app.add_handler(CommandHandler("ics", ics))
