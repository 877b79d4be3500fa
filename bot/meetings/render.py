"""How meetings read in messages; shared by command replies and reminders."""

from __future__ import annotations

import html
from zoneinfo import ZoneInfo

from bot import callbacks, limits
from bot.clock import from_epoch
from bot.i18n import _, current_language, format_datetime
from bot.meetings.recurrence import holiday_name
from bot.reminders.model import Button
from bot.tasks import render as task_render
from bot.text import shorten
from storage.meetings import Attendee, Meeting
from storage.tasks import Task


def title(meeting: Meeting) -> str:
    return _("#{id} “{title}”").format(id=meeting.id,
                                       title=shorten(meeting.title, task_render.TITLE_LIMIT))


def when(meeting: Meeting, zone: ZoneInfo) -> str:
    return format_datetime(from_epoch(meeting.starts_at), zone)


def moved_note(meeting: Meeting, zone: ZoneInfo) -> str | None:
    """Why the meeting is not on the rule's date: the public holiday it avoids."""
    if meeting.moved_from is None:
        return None
    planned = from_epoch(meeting.moved_from).astimezone(zone)
    holiday = holiday_name(planned.date(), "vi" if current_language() == "vi" else "en_US")
    return _("Moved from {date} ({holiday}) to the next working day.").format(
        date=format_datetime(planned, zone), holiday=html.escape(holiday or ""))


def rsvp_buttons(meeting_id: int) -> tuple[tuple[Button, ...], ...]:
    return ((Button(_("✅ Attend"), data=callbacks.MEETING_ATTEND.pack(meeting_id)),
             Button(_("❌ Absent"), data=callbacks.MEETING_ABSENT.pack(meeting_id))),)


def counts(attendees: list[Attendee]) -> str:
    attend = sum(1 for a in attendees if a.response == "attend")
    absent = sum(1 for a in attendees if a.response == "absent")
    silent = len(attendees) - attend - absent
    return _("{attend} attending · {absent} absent · {silent} not answered").format(
        attend=attend, absent=absent, silent=silent)


def summary(meeting: Meeting, zone: ZoneInfo) -> str:
    """Title, time and place: the head of every meeting message."""
    lines = [
        _("<b>Meeting {title}</b>").format(title=title(meeting)),
        _("When: {when}").format(when=when(meeting, zone)),
    ]
    if meeting.place:
        lines.append(_("Where: {place}").format(place=shorten(meeting.place, limits.PLACE)))
    moved = moved_note(meeting, zone)
    if moved:
        lines.append(moved)
    return "\n".join(lines)


def details(meeting: Meeting, attendees: list[Attendee], tasks: list[Task], now: int,
            zone: ZoneInfo) -> str:
    lines = [summary(meeting, zone)]
    if meeting.status == "cancelled":
        lines.append(_("Status: 🗑 cancelled"))
    if meeting.agenda:
        lines += ["", _("<b>Agenda</b>"), html.escape(meeting.agenda)]
    lines += ["", _("Attendance: {counts}").format(counts=counts(attendees))]
    if meeting.minutes:
        lines += ["", _("<b>Conclusions</b>"), html.escape(meeting.minutes)]
    if tasks:
        lines += ["", _("<b>Tasks from this meeting</b>")]
        lines += [_("• {title} — {status}").format(title=task_render.title(t),
                                                   status=task_render.status(t, now))
                  for t in tasks]
    return "\n".join(lines)
