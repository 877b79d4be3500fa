"""/checkin and the "I am here" button: attendees check in during a meeting, an admin marks
who is present."""

from __future__ import annotations

import html
import re

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot import callbacks
from bot.clock import from_epoch
from bot.i18n import N_, _, format_datetime
from bot.meetings import render
from bot.meetings.checkin import Checkin, CheckinOutcome
from bot.meetings.model import OPENS_BEFORE
from bot.numbers import parse_id
from handlers.context import NEEDS_UNIT_ADMIN, BotContext, out_of_date, reply

_USERNAME = re.compile(r"^@(\w{3,32})$")
_ANSWERS = {
    CheckinOutcome.CHECKED_IN: N_("✅ You are checked in at meeting {title}. Thank you!"),
    CheckinOutcome.ALREADY: N_("You have already checked in at meeting {title}."),
    CheckinOutcome.OVER: N_("Meeting {title} is over: check-in is closed."),
    CheckinOutcome.NOT_INVITED: N_("You are not on the list of attendees of meeting {title}."),
    CheckinOutcome.NO_MEETING: N_("You have no meeting under way. Check-in opens 30 minutes "
                                  "before a meeting starts: send /checkin then, or press the "
                                  "button of the message that tells you it is open."),
    CheckinOutcome.NOT_FOUND: N_("There is no such meeting. Send /meetings to see yours."),
    CheckinOutcome.NOT_ALLOWED: NEEDS_UNIT_ADMIN,
}


def answer(checkin: Checkin, context: BotContext) -> str:
    view = checkin.view
    if checkin.outcome is CheckinOutcome.TOO_EARLY:
        assert view is not None
        opens = from_epoch(view.meeting.starts_at - int(OPENS_BEFORE.total_seconds()))
        return _("Check-in for meeting {title} opens at {time}.").format(
            title=render.title(view.meeting),
            time=format_datetime(opens, context.services.settings.zone))
    if checkin.unknown:
        return _("I do not know {names}: they have never written to me nor in a unit's "
                 "group.").format(names=html.escape(", ".join(checkin.unknown)))
    if checkin.marked:
        assert view is not None
        return _("Marked present at meeting {title}: {names}.").format(
            title=render.title(view.meeting),
            names=", ".join(html.escape(m.display_name) for m in checkin.marked))
    title = render.title(view.meeting) if view is not None else ""
    return _(_ANSWERS[checkin.outcome]).format(title=title)


async def checkin(update: Update, context: BotContext) -> None:
    """Check in at the meeting under way (or meeting N); an admin adds @names to mark them."""
    assert context.member is not None
    words = list(context.args or [])
    number = parse_id(words[0].lstrip("#")) if words else None
    names = [found[1] for w in words[1:] if (found := _USERNAME.match(w))]
    if (words and number is None) or len(names) != len(words[1:]):
        await reply(update, _("Send <code>/checkin</code> at the meeting, or "
                              "<code>/checkin 3</code> for meeting #3. An admin marks others "
                              "present with <code>/checkin 3 @binh_le @chi_pham</code>."))
        return
    services = context.services
    if names:
        assert number is not None
        result = await services.checkins.mark_present(context.member, context.scope, number,
                                                      names)
    else:
        result = await services.checkins.check_in(context.member, number)
    await reply(update, answer(result, context))


async def on_here(update: Update, context: BotContext) -> None:
    """The "I am here" button."""
    query = update.callback_query
    assert query is not None
    values = callbacks.MEETING_CHECKIN.parse(query.data)
    if context.member is None or values is None:
        await out_of_date(update)
        return
    result = await context.services.checkins.check_in(context.member, values[0])
    await query.answer(answer(result, context), show_alert=True)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("checkin", checkin))
    app.add_handler(CallbackQueryHandler(on_here, pattern=callbacks.MEETING_CHECKIN.matches))
