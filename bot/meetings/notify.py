"""Meeting messages sent through the reminder pipeline, in each recipient's language."""

from __future__ import annotations

from collections.abc import Sequence

from bot import callbacks, limits
from bot.clock import from_epoch
from bot.i18n import _, format_datetime, use_language
from bot.meetings import render
from bot.reminders.model import Button, Kind, Notification, RenderContext
from bot.settings import Settings
from bot.tasks import render as task_render
from bot.tasks.notify import LATE_AFTER
from bot.text import shorten
from storage.meetings import Attendee, Meeting, MeetingRepository
from storage.members import Member
from storage.reminders import Reminder


class MeetingRenderer:
    def __init__(self, meetings: MeetingRepository, settings: Settings) -> None:
        self.meetings = meetings
        self.settings = settings

    async def render(
        self, reminders: Sequence[Reminder], context: RenderContext
    ) -> dict[int, Notification | None]:
        ids = {r.event_id for r in reminders}
        meetings = await self.meetings.by_ids(ids)
        attendees = await self.meetings.attendees(ids)
        notes: dict[int, Notification | None] = {}
        for reminder in reminders:
            with use_language(context.language(reminder)):
                notes[reminder.id] = self._one(
                    reminder, meetings.get(reminder.event_id),
                    attendees.get(reminder.event_id, []), context.recipient(reminder), context)
        return notes

    def _one(self, reminder: Reminder, meeting: Meeting | None, attendees: list[Attendee],
             recipient: Member | None, context: RenderContext) -> Notification | None:
        if meeting is None:
            return None
        if reminder.kind == Kind.NOTICE_CANCELLED:
            return Notification(_("🗑 Meeting {title} on {when} is cancelled.").format(
                title=render.title(meeting), when=render.when(meeting, self.settings.zone)))
        if reminder.kind == Kind.NOTICE_SERIES_STOPPED:
            return Notification(_("🗑 The repeating meeting “{title}” is cancelled: there will "
                                  "be no more occurrences.").format(
                title=render.html.escape(meeting.title)))
        if reminder.kind == Kind.CHECKIN:
            return self._checkin(meeting, attendees, recipient, context.now)
        if not meeting.is_scheduled or meeting.starts_at <= context.now:
            return None
        head = render.summary(meeting, self.settings.zone)
        buttons = render.rsvp_buttons(meeting.id)
        match reminder.kind:
            case Kind.ANNOUNCE:
                text = _("📣 New meeting.") + "\n" + head
                if meeting.agenda:
                    # Cut to the input limit: an agenda stored before there was one still fits.
                    text += "\n\n" + _("<b>Agenda</b>") + "\n" + shorten(meeting.agenda,
                                                                          limits.AGENDA)
                text += "\n\n" + _("Will you attend? Answer with the buttons.")
            case Kind.BEFORE:
                text = _("⏰ Meeting reminder ({relative}).").format(
                    relative=task_render.relative(meeting.starts_at - context.now)) + "\n" + head
            case Kind.NOTICE_EDITED:
                text = _("✏️ The meeting has changed.") + "\n" + head
            case Kind.NUDGE:
                text = _("❔ You have not said whether you will attend.") + "\n" + head
            case Kind.FALLBACK:
                assert recipient is not None
                return self._fallback(meeting, recipient, head, context.bot_username)
            case _:
                raise ValueError(f"unknown meeting reminder kind {reminder.kind!r}")
        if context.now - reminder.fire_at > LATE_AFTER:
            text += "\n" + _("<i>Sent late: it was due at {time}.</i>").format(
                time=format_datetime(from_epoch(reminder.fire_at), self.settings.zone))
        return Notification(text, buttons, fallback_chat_id=meeting.group_chat_id)

    def _checkin(self, meeting: Meeting, attendees: list[Attendee], recipient: Member | None,
                 now: int) -> Notification | None:
        """Check-in is open: a button for each attendee who has not said they are absent."""
        ends = meeting.starts_at + self.settings.meeting_duration.total_seconds()
        absent = any(a.member.id == (recipient.id if recipient else 0) and
                     a.response == "absent" for a in attendees)
        if not meeting.is_scheduled or now > ends or recipient is None or absent:
            return None
        text = _("📍 Check-in is open for meeting {title} ({when}). When you are there, press "
                 "the button.").format(title=render.title(meeting),
                                       when=render.when(meeting, self.settings.zone))
        button = Button(_("📍 I am here"), data=callbacks.MEETING_CHECKIN.pack(meeting.id))
        return Notification(text, ((button,),))

    @staticmethod
    def _fallback(meeting: Meeting, member: Member, head: str, bot_username: str
                  ) -> Notification:
        text = _("{mention}, I cannot send you private messages, so here is your meeting "
                 "notice. Tap “Start” below so I can write to you privately.").format(
            mention=task_render.mention(member)) + "\n" + head
        start = Button(_("▶️ Start"), url=f"https://t.me/{bot_username}?start=meeting{meeting.id}")
        return Notification(text, ((start,),))
