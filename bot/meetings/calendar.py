"""Calendar files (RFC 5545) for meetings, with the committee's zone and reminder alarms."""

from __future__ import annotations

from datetime import datetime

from icalendar import Alarm, Calendar, Event

from bot.clock import from_epoch
from bot.settings import Settings
from storage.meetings import Meeting

PRODUCT = "-//Committee Assistant//committee-bot//VI"


def meetings_calendar(meetings: list[Meeting], settings: Settings, stamp: datetime) -> bytes:
    """One VCALENDAR with a VEVENT per meeting; stable UIDs so re-imports update events."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    for meeting in meetings:
        calendar.add_component(_event(meeting, settings, stamp))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _event(meeting: Meeting, settings: Settings, stamp: datetime) -> Event:
    start = from_epoch(meeting.starts_at).astimezone(settings.zone)
    event = Event()
    event.add("uid", f"meeting-{meeting.id}@committee-bot")
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", start + settings.meeting_duration)
    event.add("summary", meeting.title)
    if meeting.place:
        event.add("location", meeting.place)
    if meeting.agenda:
        event.add("description", meeting.agenda)
    event.add("status", "CANCELLED" if meeting.status == "cancelled" else "CONFIRMED")
    for offset in settings.meeting_reminder_offsets:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", meeting.title)
        alarm.add("trigger", -offset)
        event.add_component(alarm)
    return event
